"""DCGAN on CelebA at 64x64, Radford et al. 2015's network (SPEC §4): z 100 -> 4x4x1024 -> ... -> 64x64x3."""
from tfgan_repro.configs import dcgan_base


def get_config():
  c = dcgan_base.get_config()
  c.dataset = "celeba"
  c.resolution = 64
  c.g_width = 128           # Radford 2015 Fig. 1: 4x4x1024 -> 8x8x512 -> 16x16x256 -> 32x32x128 -> 64x64x3
  c.d_width = 128
  c.steps = 50000
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
