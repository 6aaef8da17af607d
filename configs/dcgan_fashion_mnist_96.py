"""DCGAN on Fashion-MNIST at 96x96: seed 001 Table 1's DCGAN baseline (§3.6; SPEC §3, §4) at IGAN's resolution.
The same network as `dcgan_celeba_96` (6x6 start, Radford 2015 widths); grey images are resized 28 -> 96 and
tiled to RGB, exactly as the IGAN and WGAN-GP presets frame them, so the three are scored on equal inputs.
"""
from tfgan_repro.configs import dcgan_celeba_96, dcgan_base


def get_config():
  c = dcgan_celeba_96.get_config()
  c.dataset = "fashion_mnist"
  c.channels = 3            # as igan_fashion_mnist_96 / wgan_gp_fashion_mnist_96 (seed 001 §2.1: 96x96x3)
  c.steps = 20000           # as igan_fashion_mnist_96 (decision, seed 001 gives none)
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
