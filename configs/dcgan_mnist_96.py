"""DCGAN on MNIST at 96x96: seed 001 Table 1's DCGAN baseline (see dcgan_fashion_mnist_96)."""
from tfgan_repro.configs import dcgan_base, dcgan_fashion_mnist_96


def get_config():
  c = dcgan_fashion_mnist_96.get_config()
  c.dataset = "mnist"
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
