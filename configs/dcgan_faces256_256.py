"""DCGAN on 256x256 faces, the CNTK variant of seed 004 (exact layer tables in SPEC §4).

The face set of seed 004 is private: pass any folder of face images with --data_dir.
"""
from tfgan_repro.configs import dcgan_base


def get_config():
  c = dcgan_base.get_config()
  c.dataset = "faces256"
  c.resolution = 256
  c.architecture = "faces256"  # seed 004: G ConvT 4x4 then 5x5/2; D Conv 3x3/2 then 4x4/1
  c.g_width = 32               # seed 004: G's last hidden layer has 32 channels (1024 ... 32)
  c.d_width = 32               # seed 004: D's first layer has 32 filters (32 ... 1024)
  c.g_lr = 1e-4                # seed 004: Adam lr 1e-4
  c.d_lr = 1e-4
  c.batch_size = 16            # seed 004: batch 16
  c.steps = 50000              # seed 004: 50,000 iterations
  c.channels = 3
  return c


def get_tiny_config():
  c = dcgan_base.tiny(get_config())
  c.g_width = 2
  c.d_width = 2
  return c
