"""IGAN_VN on CelebA at 96x96 (seed 001 Fig. 7; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.vn(igan_base.get_config())
  c.dataset = "celeba"
  # Unlabelled: K = --num_branches branches learn the whole set (see igan_v2_celeba_96); 3 is a decision.
  # An image folder with one sub-folder per class as --data_dir and --classes=0,1,... gives real classes.
  c.classes = ""
  c.num_branches = 3
  c.steps = 50000  # decision (igan_base)
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
