"""BEGAN with skip connections and D:G = 4:1 learning rates (seed 000; SPEC §2) on CIFAR-10 at 32x32 (the
data's own size; seed 000 §4 gives no resolution).

`began_cifar10_32` (data, resolution, batch, steps) with seed 000's two changes, `began_base.skip`.
"""
from tfgan_repro.configs import began_base, began_cifar10_32


def get_config():
  return began_base.skip(began_cifar10_32.get_config())


def get_tiny_config():
  return began_base.tiny(get_config())
