"""BEGAN (SPEC §1) on Fashion-MNIST at 32x32."""
from tfgan_repro.configs import began_base


def get_config():
  c = began_base.get_config()
  c.dataset = "fashion_mnist"
  c.resolution = 32            # seed 000 §3.2: input images 32x32
  c.batch_size = 64            # seed 000 §3.2: batch 64
  c.steps = 100000             # seed 000 §3.2: 100 000 iterations
  return c


def get_tiny_config():
  return began_base.tiny(get_config())
