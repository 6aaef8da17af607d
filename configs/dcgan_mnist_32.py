"""DCGAN on mnist at 32x32 (Radford et al. 2015 recipe; SPEC §4). Resolution choice: see dcgan_base."""
from tfgan_repro.configs import dcgan_base


def get_config():
  c = dcgan_base.get_config()
  c.dataset = "mnist"
  c.resolution = 32
  c.steps = 20000
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
