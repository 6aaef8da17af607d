"""IGAN on LSUN bedroom at 96x96 (seed 001 §3.4; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.get_config()
  c.dataset = "lsun"
  c.steps = 50000  # decision (igan_base)
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
