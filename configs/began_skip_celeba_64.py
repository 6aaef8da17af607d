"""BEGAN with skip connections and D:G = 4:1 learning rates (seed 000; SPEC §2) on CelebA at 64x64.

`began_celeba_64` (data, resolution, batch, steps) with seed 000's two changes, `began_base.skip`.
"""
from tfgan_repro.configs import began_base, began_celeba_64


def get_config():
  return began_base.skip(began_celeba_64.get_config())


def get_tiny_config():
  return began_base.tiny(get_config())
