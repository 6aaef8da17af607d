"""Full-state checkpoints: every network, every optimizer (slots and iterations), step, RNG seed and
adaptive variables such as BEGAN's k_t, through `tf.train.Checkpoint` + `CheckpointManager`.

A checkpoint that does not read back (a data file cut short by a full disk or a partial copy, a damaged
index) is never deleted or overwritten: resume falls back to the newest one that reads and moves the
unreadable files, byte for byte, to ckpt/unreadable/. There the next save of the same step cannot overwrite
them and the manager's clean-up of old checkpoints cannot delete them, and ckpt-<step> still names the step.
"""
import glob
import logging
import os
import sys
import tempfile
from typing import Optional

import tensorflow as tf

UNREADABLE_DIR = "unreadable"


def unreadable_reason(path: str) -> Optional[str]:
  """None if every tensor of the checkpoint `path` (a prefix, e.g. RUN/ckpt/ckpt-600) reads back, else why not.

  Reading everything first matters: `restore` of a truncated file fails halfway, after it has assigned
  some variables.
  """
  if not tf.io.gfile.exists(path + ".index"):
    return "its .index file is missing"
  try:
    reader = tf.train.load_checkpoint(path)
    for key in reader.get_variable_to_shape_map():
      reader.get_tensor(key)
  except (tf.errors.OpError, IndexError, ValueError) as e:  # IndexError: "Read less bytes than requested"
    return " ".join(f"{type(e).__name__}: {e}".split())[:200]
  return None


def _move_aside(path: str, aside: str) -> str:
  """Moves the files of checkpoint `path` into `aside`, under a prefix no earlier move used; returns it."""
  name = os.path.basename(path)
  prefix, n = os.path.join(aside, name), 1
  while glob.glob(glob.escape(prefix) + ".*"):
    n += 1
    prefix = os.path.join(aside, f"{name}~{n}")
  for f in glob.glob(glob.escape(path) + ".index") + glob.glob(glob.escape(path) + ".data-*"):
    os.replace(f, prefix + f[len(path):])
  return prefix


class Checkpointer:
  """Saves `model.checkpoint_items()` to RUN/ckpt, keeping the last `keep`.

  Under a multi-worker strategy every worker must call `save` (it is collective); non-chief workers
  write to a throw-away directory.
  """

  def __init__(self, model, directory: str, keep: int = 3, chief: bool = True):
    self.model = model
    self.checkpoint = tf.train.Checkpoint(**model.checkpoint_items())
    if not chief:
      directory = tempfile.mkdtemp(prefix="tfgan_worker_ckpt_")
    self.chief = chief
    self.directory, self.keep = directory, keep
    self.manager = self._make_manager()
    self.last_saved_step = None

  def _make_manager(self):
    return tf.train.CheckpointManager(self.checkpoint, self.directory, max_to_keep=self.keep,
                                      checkpoint_name="ckpt")

  def restore_latest(self) -> int:
    """Restores the newest checkpoint that reads; returns the step it holds (0 if there is none).

    Newer ones that do not read are set aside with a warning on stderr; if none reads, raises ValueError
    and changes nothing.
    """
    state = tf.train.get_checkpoint_state(self.directory)
    recorded = list(state.all_model_checkpoint_paths or [state.model_checkpoint_path]) if state else []
    unreadable, path = [], None
    for candidate in reversed(recorded):  # newest first
      reason = unreadable_reason(candidate)
      if reason is None:
        path = candidate
        break
      unreadable.append((candidate, reason))
    if unreadable and path is None:
      newest, reason = unreadable[0]
      raise ValueError(f"None of the {len(unreadable)} checkpoint(s) in {self.directory} can be read (newest, "
                       f"{os.path.basename(newest)}: {reason}). Nothing was changed; restore the files from a "
                       "backup, or train afresh in a new --workdir.")
    if unreadable:
      self._set_aside(state, unreadable, path)
    if path is None:
      return 0
    self.checkpoint.restore(path).assert_existing_objects_matched()
    step = int(self.model.step.numpy())
    self.last_saved_step = step
    logging.info("Resumed from %s at step %d.", path, step)
    return step

  def _set_aside(self, state, unreadable, good: str) -> None:
    """Moves the unreadable checkpoints to ckpt/unreadable/ and records `good` as the newest checkpoint."""
    if not self.chief:  # a non-chief worker's directory is its own temporary one
      return
    aside = os.path.join(self.directory, UNREADABLE_DIR)
    os.makedirs(aside, exist_ok=True)
    for path, reason in unreadable:
      moved = _move_aside(path, aside)
      print(f"warning: checkpoint {path} cannot be read ({reason}); resuming from {os.path.basename(good)} "
            f"instead. Its files are kept, moved to {moved}.*", file=sys.stderr, flush=True)
    bad = {p for p, _ in unreadable}
    paths = list(state.all_model_checkpoint_paths)
    times = list(state.all_model_checkpoint_timestamps)
    kept = [i for i, p in enumerate(paths) if p not in bad]  # oldest first, ending with `good`
    # Names relative to an absolute directory, as CheckpointManager writes them: the run stays movable.
    tf.compat.v1.train.update_checkpoint_state(
        os.path.abspath(self.directory), os.path.basename(good), [os.path.basename(paths[i]) for i in kept],
        all_model_checkpoint_timestamps=[times[i] for i in kept] if len(times) == len(paths) else None,
        last_preserved_timestamp=state.last_preserved_timestamp)
    self.manager = self._make_manager()  # forgets the moved checkpoints: its clean-up never looks for them

  def save(self) -> str:
    step = int(self.model.step.numpy())
    path = self.manager.save(checkpoint_number=step)
    self.last_saved_step = step
    return path
