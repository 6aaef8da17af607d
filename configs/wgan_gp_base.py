"""WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028; SPEC §6): the baseline seed 001 compares against (§3.6,
Figs. 24-25), at IGAN's 96x96 so the comparison is at equal resolution.

Networks: Gulrajani et al.'s DCGAN-style 64x64 pair (their App. F / code) with the projection at 6x6 for 96x96.
Grey data sets are tiled to RGB, as for IGAN.
"""
from tfgan_repro.configs import base


def get_config():
  c = base.get_config()
  c.model = "wgan_gp"
  c.resolution = 96            # seed 001 §2.1: the comparison runs at 96x96
  c.channels = 3               # as IGAN's 96x96x3 outputs
  c.z_dim = 128                # Gulrajani et al. 2017 code: 128-d z
  c.z_distribution = "normal"
  c.g_width = 64               # Gulrajani et al. 2017 DCGAN-style networks: DIM = 64
  c.d_width = 64
  c.leaky_slope = 0.2
  c.gp_weight = 10.0           # SPEC §6 / Gulrajani 2017 Alg. 1: lambda = 10
  c.n_critic = 5               # SPEC §6 / Gulrajani 2017 Alg. 1: n_critic = 5
  c.g_lr = 1e-4                # SPEC §6 / Gulrajani 2017 Alg. 1: alpha = 1e-4
  c.d_lr = 1e-4
  c.beta1 = 0.5                # SPEC §6: beta1 0.5 (or 0), beta2 0.9
  c.beta2 = 0.9
  c.batch_size = 64            # Gulrajani 2017 Alg. 1: m = 64
  c.sync_batchnorm = True      # G's BN over the global batch under tf.distribute
  c.steps = 100000             # Gulrajani 2017 §5: 100k-200k G iterations; 100k
  return c


def tiny(c):
  c = base.tiny(c)
  c.g_width = 4
  c.d_width = 4
  c.n_critic = 2
  return c
