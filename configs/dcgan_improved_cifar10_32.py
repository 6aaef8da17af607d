"""DCGAN + the five Improved Techniques on cifar10 at 32x32 (Salimans et al. 2016; seed 003; SPEC §5).

Same data, resolution and steps as `dcgan_cifar10_32`; see dcgan_improved_base for the decisions.
"""
from tfgan_repro.configs import dcgan_improved_base


def get_config():
  c = dcgan_improved_base.get_config()
  c.dataset = "cifar10"
  c.resolution = 32
  c.steps = 20000             # as dcgan_cifar10_32
  return c


def get_tiny_config():
  return dcgan_improved_base.tiny(get_config())
