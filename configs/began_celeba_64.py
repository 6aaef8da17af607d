"""BEGAN (SPEC §1) on CelebA at 64x64.

seed 000 gives no iteration count for CelebA; decision: 100 000, as in its other experiments (§3.2, §4).
"""
from tfgan_repro.configs import began_base


def get_config():
  c = began_base.get_config()
  c.dataset = "celeba"
  c.resolution = 64            # seed 000 §3.1 / §3.2: images resized to 64x64
  c.batch_size = 16            # seed 000 §3.1: batch 16
  c.steps = 100000             # decision (see above)
  return c


def get_tiny_config():
  return began_base.tiny(get_config())
