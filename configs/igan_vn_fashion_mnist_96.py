"""IGAN_VN on Fashion-MNIST at 96x96 (seed 001 Fig. 7; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.vn(igan_base.get_config())
  c.dataset = "fashion_mnist"
  c.classes = "0,1,2,3,4,5,6,7,8,9"  # seed 001 Fig. 7: N classes; all ten here
  return c


def get_tiny_config():
  c = igan_base.tiny(get_config())
  c.classes = "0,1,2"
  return c
