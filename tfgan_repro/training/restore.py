"""Rebuilds a trained model from its run directory, for sampling and evaluation."""
import os
import sys
from pathlib import Path
from typing import Optional

import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.experiment import Experiment
from tfgan_repro.training import checkpointing, runtime


def readable_checkpoint(ckpt_dir: Path, step: Optional[int] = None) -> str:
  """The prefix of the checkpoint to read: the one of `step`, else the newest whose every tensor reads back.

  A reader never moves files (training sets unreadable ones aside when it resumes); newer checkpoints that
  do not read are named in a warning on stderr. FileNotFoundError if there is none; ValueError, with the
  reason, if the asked-for or every checkpoint is unreadable (a truncated copy, a full disk).
  """
  if step is not None:
    path = str(ckpt_dir / f"ckpt-{step}")
    if not tf.io.gfile.exists(path + ".index"):
      raise FileNotFoundError(f"No checkpoint for step {step} in {ckpt_dir}.")
    reason = checkpointing.unreadable_reason(path)
    if reason:
      raise ValueError(f"Checkpoint {path} cannot be read ({reason}).")
    return path
  state = tf.train.get_checkpoint_state(str(ckpt_dir))
  recorded = list(state.all_model_checkpoint_paths or [state.model_checkpoint_path]) if state else []
  skipped = []
  for candidate in reversed(recorded):  # newest first
    if not tf.io.gfile.exists(candidate + ".index"):
      continue  # listed but gone (set aside by a resumed run, or deleted)
    reason = checkpointing.unreadable_reason(candidate)
    if reason is None:
      if skipped:
        print(f"warning: {', '.join(os.path.basename(c) for c, _ in skipped)} in {ckpt_dir} cannot be read "
              f"({skipped[0][1]}); using {os.path.basename(candidate)}.", file=sys.stderr, flush=True)
      return candidate
    skipped.append((candidate, reason))
  if skipped:
    newest, reason = skipped[0]
    raise ValueError(f"None of the {len(skipped)} checkpoint(s) in {ckpt_dir} can be read (newest, "
                     f"{os.path.basename(newest)}: {reason}).")
  raise FileNotFoundError(f"No checkpoint in {ckpt_dir}.")


def restore(experiment: Experiment, workdir, step: Optional[int] = None):
  """-> (model, step): `experiment`'s model with the newest readable checkpoint of `workdir`, or the one of
  `step` (`readable_checkpoint`)."""
  runtime.configure_precision(False)
  path = readable_checkpoint(Path(workdir) / "ckpt", step)
  # A mixed_float16 run saved LossScaleOptimizers: the optimizers must have that shape to read it.
  loss_scaling = any(name.startswith("g_optimizer/inner_optimizer") for name, _ in tf.train.list_variables(path))
  model = gans.build(experiment, loss_scaling=loss_scaling)
  tf.train.Checkpoint(**model.checkpoint_items()).restore(path).expect_partial()
  return model, int(model.step.numpy())


def load(workdir, step: Optional[int] = None):
  """-> (model, experiment, step) of the run directory `workdir` (made by tfgan_repro.main)."""
  experiment = Experiment.load(workdir)
  model, step = restore(experiment, workdir, step)
  return model, experiment, step


def load_model(workdir, step: Optional[int] = None):
  """-> (model, config, step): `load` with the run's ConfigDict, for callers that read its fields."""
  model, experiment, step = load(workdir, step)
  return model, experiment.config, step
