"""WGAN-GP on Fashion-MNIST at 96x96, seed 001 Table 1's baseline (SPEC §6). See wgan_gp_base.

CPU budget run (2 shared cores, ~8 min): widths 16, batch 16, 600 train images per class as an .npz:
  --data_dir=fm_all_6k.npz --g_width=16 --d_width=16 --batch_size=16 --steps=2000 (stopped by `timeout 480`).
"""
from tfgan_repro.configs import wgan_gp_base


def get_config():
  c = wgan_gp_base.get_config()
  c.dataset = "fashion_mnist"
  return c


def get_tiny_config():
  return wgan_gp_base.tiny(get_config())
