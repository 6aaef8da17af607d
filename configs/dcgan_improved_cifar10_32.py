"""DCGAN + the five Improved Techniques on cifar10 at 32x32 (Salimans et al. 2016; seed 003; SPEC §5).

`dcgan_cifar10_32` (data, resolution, steps, Radford's recipe) with the techniques switched on by
`dcgan_improved_base.improved`; see dcgan_improved_base for the decisions.
"""
from tfgan_repro.configs import dcgan_base, dcgan_cifar10_32, dcgan_improved_base


def get_config():
  return dcgan_improved_base.improved(dcgan_cifar10_32.get_config())


def get_tiny_config():
  return dcgan_base.tiny(get_config())  # after improved(): the techniques' sizes shrink too
