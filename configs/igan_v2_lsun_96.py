"""IGAN_v2 on LSUN bedroom at 96x96 (seed 001 Fig. 5, §3; SPEC §3). Decisions: see igan_base.

`igan_v2_celeba_96` on LSUN: both are unlabelled 50k-step runs, so only the data differ.
"""
from tfgan_repro.configs import igan_base, igan_v2_celeba_96


def get_config():
  c = igan_v2_celeba_96.get_config()
  c.dataset = "lsun"
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
