"""WGAN-GP on LSUN bedroom at 96x96, seed 001 Table 1's baseline (SPEC §6). See wgan_gp_base."""
from tfgan_repro.configs import wgan_gp_base


def get_config():
  c = wgan_gp_base.get_config()
  c.dataset = "lsun"
  return c


def get_tiny_config():
  return wgan_gp_base.tiny(get_config())
