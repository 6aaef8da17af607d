"""GAN algorithms: `keras.Model` subclasses that own networks and optimizers and override `train_step`.

`build(config, channels, loss_scaling)` returns a compiled model for `config.model`.
"""
import importlib

# model name -> module whose `build(config, channels, loss_scaling)` makes it
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


def available():
  return sorted(_BUILDERS)


def build(config, channels: int, loss_scaling: bool = False):
  if config.model not in _BUILDERS:
    raise ValueError(f"Unknown model {config.model!r}; choose one of: {', '.join(available())}.")
  return importlib.import_module(_BUILDERS[config.model]).build(config, channels, loss_scaling)
