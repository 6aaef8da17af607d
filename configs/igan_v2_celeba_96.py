"""IGAN_v2 on CelebA at 96x96 (seed 001 Fig. 5, §3; SPEC §3). Decisions: see igan_base."""
from tfgan_repro.configs import igan_base


def get_config():
  c = igan_base.v2(igan_base.get_config())
  c.dataset = "celeba"
  # Unlabelled data (seed 001 trains on CelebA alone in §3.3, on LSUN bedroom in §3.4): both branches learn the
  # whole set, each discriminator on its own real batches. For real classes give an image folder with one
  # sub-folder per class as --data_dir and --classes=0,1 (sub-folders in sorted order).
  c.classes = ""
  c.steps = 50000  # decision (igan_base)
  return c


def get_tiny_config():
  return igan_base.tiny(get_config())
