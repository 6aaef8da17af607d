"""IGAN_VN on LSUN bedroom at 96x96 (seed 001 Fig. 7; SPEC §3). Same decisions as igan_vn_celeba_96:
unlabelled data, K = --num_branches branches (3, a decision) learn the whole set; an image folder with one
sub-folder per class as --data_dir and --classes=0,1,... gives real classes."""
from tfgan_repro.configs import igan_base, igan_vn_celeba_96


def get_config():
  c = igan_vn_celeba_96.get_config()
  c.dataset = "lsun"
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
