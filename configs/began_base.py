"""BEGAN (Berthelot et al. 2017, arXiv:1703.10717; SPEC §1) and BEGAN-skip with separate learning rates
(Yin et al. 2020, seed 000; SPEC §2): fields shared by their presets.

Deviations and decisions, all overridable from the command line:
- Learning rates: `lr_reading` picks the (G, D) pair; "began" 1e-4 / 1e-4 (SPEC §1), "anchored" 1e-4 / 4e-4
  (SPEC §2 decision: seed 000 §2's D:G = 4:1 anchored at seed 000 §3.1's initial 1e-4; the BEGAN-skip
  default), "ttur_literal" 1e-3 / 4e-3 (seed 000 §2 as written). A positive `g_lr` / `d_lr` overrides.
- "Halved when convergence stalls" (seed 000 §3.1) has no numbers in either paper. Decision: M_global is
  averaged over 1000-step windows; 5000 steps without a window mean 1% below the best one halve both rates
  (5% of the 100k-step runs, long enough that the noisy M_global cannot trigger it by chance). The
  smaller rate stops at 2e-5 (SPEC §1). `lr_decay="step"` halves every `lr_halve_every` steps instead.
- gamma 0.5 (seed 000 Fig. 5, its headline samples); seed 000 Fig. 4 compares 0.3 and 0.7 (`--gamma=0.3`).
- Weights use Keras' Glorot-uniform default (no initialiser is given in either paper).
"""
from tfgan_repro.configs import base


def get_config():
  c = base.get_config()
  c.model = "began"
  c.skip_connections = False   # seed 000 §2: input + output of every G / D-decoder block
  c.width = 64                 # n, SPEC §1 (128 allowed); encoder channels n, 2n, 3n, ... (seed 000 Fig. 1)
  c.z_dim = 64                 # SPEC §1: z ~ U(-1, 1), dim 64
  c.h_dim = 64                 # SPEC §1: embedding h, dim 64
  c.eta = 1                    # seed 000 §2: L(v) = |v - D(v)|^eta, eta in {1, 2}; seed 002: L1
  c.gamma = 0.5                # seed 000 Fig. 5 (headline); Fig. 4: 0.3 and 0.7
  c.lambda_k = 0.001           # SPEC §1: lambda_k = 0.001; k_0 = 0
  c.lr_reading = "began"       # began | anchored | ttur_literal (see the module docstring)
  c.g_lr = 0.0                 # > 0 overrides lr_reading's G rate
  c.d_lr = 0.0                 # > 0 overrides lr_reading's D rate
  c.beta1 = 0.5                # SPEC §1: Adam beta1 0.5
  c.beta2 = 0.999              # Adam's default (not given in the papers)
  c.lr_decay = "plateau"       # plateau | step | none; seed 000 §3.1: "adjusted by a factor of 2 when
                               # convergence stalls"
  c.lr_window = 1000           # decision: steps per averaged M_global measurement
  c.lr_patience = 5000         # decision: steps without a better window before halving
  c.lr_min_improvement = 0.01  # decision: a window counts as better when 1% below the best
  c.lr_halve_every = 100000    # lr_decay="step" only
  c.lr_floor = 2e-5            # SPEC §1: keep a floor against late collapse
  c.batch_size = 16            # seed 000 §3.1, SPEC §1: batch 16
  c.steps = 100000             # seed 000 §3.2 / §4: 100 000 iterations
  return c


def skip(c):
  """The seed 000 model on top of any BEGAN preset: skip connections and the anchored D:G = 4:1 rates."""
  c.model = "began_skip"
  c.skip_connections = True    # seed 000 §2
  c.lr_reading = "anchored"    # SPEC §2 decision (ttur_literal: --lr_reading=ttur_literal)
  return c


def tiny(c):
  c = base.tiny(c)
  c.width = 4
  c.z_dim = 8
  c.h_dim = 8
  return c
