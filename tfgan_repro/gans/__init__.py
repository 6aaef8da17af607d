"""GAN algorithms: `keras.Model` subclasses that own networks and optimizers and override `train_step`.

`build(experiment, loss_scaling)` returns a compiled model for `experiment.config.model`. Each family also
declares, as a function of the config alone, how one train_step wants its data (`step_layout`), so the trainer
shapes the pipeline before any model exists.
"""
import importlib
from typing import NamedTuple

# model name -> module whose `build(experiment, loss_scaling)` makes it (and whose optional
# `step_layout(config, classes)` says what one step consumes)
_BUILDERS = {
    "dcgan": "tfgan_repro.gans.dcgan",
    "dcgan_improved": "tfgan_repro.gans.dcgan",
    "began": "tfgan_repro.gans.began",
    "began_skip": "tfgan_repro.gans.began",
    "igan": "tfgan_repro.gans.igan",
    "igan_v2": "tfgan_repro.gans.igan",
    "igan_vn": "tfgan_repro.gans.igan",
    "wgan_gp": "tfgan_repro.gans.wgan_gp",
}


class StepLayout(NamedTuple):
  batches_per_step: int = 1     # batches of batch_size one train_step consumes (critic updates, IGAN branches)
  class_major: bool = False     # each batch holds batch_size images of every kept class, grouped by class


def available():
  return sorted(_BUILDERS)


def _family(model: str):
  if model not in _BUILDERS:
    raise ValueError(f"Unknown model {model!r}; choose one of: {', '.join(available())}.")
  return importlib.import_module(_BUILDERS[model])


def step_layout(config, classes: tuple) -> StepLayout:
  """What one train_step of `config.model` consumes, given the parsed --classes (raises on contradictions)."""
  declare = getattr(_family(config.model), "step_layout", None)
  return declare(config, classes) if declare else StepLayout()


def build(experiment, channels=None, loss_scaling: bool = False):
  """A compiled model. `experiment`: an `Experiment`; a bare ConfigDict (tests, notebooks) is resolved into
  one first, `channels` then replacing the dataset's."""
  from tfgan_repro.experiment import Experiment
  if not isinstance(experiment, Experiment):
    experiment = Experiment.resolve(experiment, channels=channels)
  return _family(experiment.config.model).build(experiment, loss_scaling)
