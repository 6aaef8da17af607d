"""IGAN_VN on MNIST at 96x96 (seed 001 Fig. 7; SPEC §3). Decisions: see igan_base.

`igan_vn_fashion_mnist_96` on MNIST: one branch per class, all ten (three in the tiny variant).
"""
from tfgan_repro.configs import igan_vn_fashion_mnist_96


def get_config():
  c = igan_vn_fashion_mnist_96.get_config()
  c.dataset = "mnist"
  return c


def get_tiny_config():
  c = igan_vn_fashion_mnist_96.get_tiny_config()
  c.dataset = "mnist"
  return c
