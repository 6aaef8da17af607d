"""DCGAN on CelebA at 96x96: seed 001's DCGAN baseline (§3.6, Fig. 26; SPEC §3, §4), at IGAN's resolution.

Radford et al. 2015's network with one more stride-2 stage than at 64x64 and a 6x6 start instead of 4x4
(96 = 6 * 2^4): z 100 -> 6x6x1024 -> 12x12x512 -> 24x24x256 -> 48x48x128 -> 96x96x3, D the mirror image.
networks/dcgan.py starts from a 6x6 map at 96 (6x6 projection, 6x6 logit kernel).
"""
from tfgan_repro.configs import dcgan_base


def get_config():
  c = dcgan_base.get_config()
  c.dataset = "celeba"
  c.resolution = 96         # seed 001 §2.1: the comparison runs at 96x96
  c.g_width = 128           # Radford 2015 Fig. 1 widths (1024 at the projection, 128 before the image)
  c.d_width = 128
  c.steps = 50000           # as dcgan_celeba_64
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
