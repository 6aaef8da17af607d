"""IGAN_v2 on MNIST at 96x96 (seed 001 Fig. 5, §3; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.v2(igan_base.get_config())
  c.dataset = "mnist"
  c.classes = "0,7"            # decision: digits 0 and 7; seed 001 Fig. 14 does not name its classes
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
