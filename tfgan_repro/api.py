"""The Python API: `train`, `load` (-> `Generator.generate`). Re-exported as `tfgan_repro.train` / `.load`.

    import tfgan_repro
    result = tfgan_repro.train(model="dcgan", dataset="fashion_mnist", steps=200, workdir="runs/dcgan")
    gen = tfgan_repro.load(result.workdir)
    images = gen.generate(16)   # (16, H, W, C) uint8 in [0, 255]; generate(16, as_float=True): [-1, 1]

Keyword overrides are config fields, exactly the command line's `--field=value` flags.
"""
from typing import NamedTuple, Optional

import numpy as np


def train(model: str = "began_skip", dataset: str = "fashion_mnist", *, preset: str = "", tiny: bool = False,
          workdir: str = "", overwrite: bool = False, **overrides):
  """Trains (or resumes) like `python -m tfgan_repro.main`; returns a TrainResult (step, workdir, steps_per_sec).

  `dataset="folder", data_dir=DIR, resolution=R` trains on your own images (README "Own data").
  """
  from tfgan_repro import cli_actions, presets
  from tfgan_repro.experiment import Experiment
  from tfgan_repro.training import loop
  resolution = overrides.get("resolution")
  config = presets.resolve(model, dataset, preset, tiny, int(resolution) if resolution else None)
  presets.apply_overrides(config, overrides)
  return loop.train(Experiment.resolve(config), workdir or cli_actions.default_workdir(config), overwrite=overwrite)


class Generator(NamedTuple):
  """A trained generator restored from a run directory (its newest checkpoint, or `step`)."""
  model: object    # the tfgan_repro GAN (a keras.Model); .generator is the Keras network
  config: object   # the run's resolved config (ml_collections.ConfigDict)
  step: int

  def generate(self, n: int, seed: int = 0, as_float: bool = False) -> np.ndarray:
    """(n, H, W, C) images: uint8 in [0, 255], or float32 in [-1, 1] with as_float=True. The same `seed`
    gives the same images (the latents the training sample grids use). IGAN_v2 / IGAN_VN: class-major."""
    from tfgan_repro.training import images
    out = self.model.generate_images(int(n), seed=seed)
    return out if as_float else images.to_uint8(out)


def load(workdir: str, step: Optional[int] = None) -> Generator:
  """The generator of a run directory (made by `train` or the command line, or `tfgan_repro.shipped_run()`)."""
  from tfgan_repro.training.restore import load_model
  model, config, step = load_model(workdir, step)
  return Generator(model, config, step)
