"""Rebuilds a trained model from its run directory, for sampling and evaluation."""
import json
from pathlib import Path
from typing import Optional

import ml_collections
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.training import runtime
from tfgan_repro.training.loop import channels_of


def load_config(workdir) -> ml_collections.ConfigDict:
  path = Path(workdir) / "config.json"
  if not path.is_file():
    raise FileNotFoundError(f"{path} not found: --workdir must be a run directory made by tfgan_repro.main.")
  return ml_collections.ConfigDict(json.loads(path.read_text()))


def load_model(workdir, step: Optional[int] = None):
  """-> (model, config, step). Restores the newest checkpoint, or the one of `step`."""
  config = load_config(workdir)
  runtime.configure_precision(False)
  ckpt_dir = Path(workdir) / "ckpt"
  path = str(ckpt_dir / f"ckpt-{step}") if step is not None else tf.train.latest_checkpoint(str(ckpt_dir))
  if path is None or not tf.io.gfile.exists(path + ".index"):
    raise FileNotFoundError(f"No checkpoint{f' for step {step}' if step is not None else ''} in {ckpt_dir}.")
  # A mixed_float16 run saved LossScaleOptimizers: the optimizers must have that shape to read it.
  loss_scaling = any(name.startswith("g_optimizer/inner_optimizer") for name, _ in tf.train.list_variables(path))
  model = gans.build(config, channels_of(config), loss_scaling=loss_scaling)
  tf.train.Checkpoint(**model.checkpoint_items()).restore(path).expect_partial()
  return model, config, int(model.step.numpy())
