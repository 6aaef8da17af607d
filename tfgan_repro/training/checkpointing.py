"""Full-state checkpoints: every network, every optimizer (slots and iterations), step, RNG seed and
adaptive variables such as BEGAN's k_t, through `tf.train.Checkpoint` + `CheckpointManager`."""
import logging
import os
import tempfile

import tensorflow as tf


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
    self.manager = tf.train.CheckpointManager(self.checkpoint, directory, max_to_keep=keep,
                                              checkpoint_name="ckpt")
    self.last_saved_step = None

  def restore_latest(self) -> int:
    """Restores the newest checkpoint if there is one; returns the step it holds (0 if none)."""
    path = self.manager.latest_checkpoint
    if path is None:
      return 0
    self.checkpoint.restore(path).assert_existing_objects_matched()
    step = int(self.model.step.numpy())
    self.last_saved_step = step
    logging.info("Resumed from %s at step %d.", path, step)
    return step

  def save(self) -> str:
    step = int(self.model.step.numpy())
    path = self.manager.save(checkpoint_number=step)
    self.last_saved_step = step
    return path
