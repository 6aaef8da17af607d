"""Rebuilds a trained model from its run directory, for sampling and evaluation."""
from pathlib import Path
from typing import Optional

import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.experiment import Experiment
from tfgan_repro.training import runtime


def restore(experiment: Experiment, workdir, step: Optional[int] = None):
  """-> (model, step): `experiment`'s model with the newest checkpoint of `workdir`, or the one of `step`."""
  runtime.configure_precision(False)
  ckpt_dir = Path(workdir) / "ckpt"
  path = str(ckpt_dir / f"ckpt-{step}") if step is not None else tf.train.latest_checkpoint(str(ckpt_dir))
  if path is None or not tf.io.gfile.exists(path + ".index"):
    raise FileNotFoundError(f"No checkpoint{f' for step {step}' if step is not None else ''} in {ckpt_dir}.")
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
