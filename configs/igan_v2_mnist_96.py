"""IGAN_v2 on MNIST at 96x96 (seed 001 Fig. 5, §3; SPEC §3). Decisions: see igan_base.

`igan_v2_fashion_mnist_96` on MNIST: the same class ids 0 and 7, here digits.
"""
from tfgan_repro.configs import igan_base, igan_v2_fashion_mnist_96


def get_config():
  c = igan_v2_fashion_mnist_96.get_config()
  c.dataset = "mnist"
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
