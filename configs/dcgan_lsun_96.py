"""DCGAN on LSUN bedroom at 96x96: seed 001's DCGAN baseline (§3.6, Fig. 27; SPEC §3, §4), at IGAN's resolution.

Same network and recipe as dcgan_celeba_96; only the data differ.
"""
from tfgan_repro.configs import dcgan_base, dcgan_celeba_96


def get_config():
  c = dcgan_celeba_96.get_config()
  c.dataset = "lsun"
  return c


def get_tiny_config():
  return dcgan_base.tiny(get_config())
