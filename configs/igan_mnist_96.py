"""IGAN on MNIST at 96x96 (seed 001 §3.2; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.get_config()
  c.dataset = "mnist"
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
