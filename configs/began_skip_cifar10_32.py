"""BEGAN with skip connections and D:G = 4:1 learning rates (seed 000; SPEC §2) on CIFAR-10 at 32x32 (the data's own size; seed 000 §4 gives no resolution)."""
from tfgan_repro.configs import began_base


def get_config():
  c = began_base.skip(began_base.get_config())
  c.dataset = "cifar10"
  c.resolution = 32
  c.batch_size = 64            # seed 000 §4: batch 64
  c.steps = 100000             # seed 000 §4: 100 000 iterations
  return c


def get_tiny_config():
  return began_base.tiny(get_config())
