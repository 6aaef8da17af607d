"""IGAN, IGAN_v2 and IGAN_VN (seed 001: Meng et al. 2022, Computer Engineering and Applications 58(15); SPEC §3).

Every value below is either cited to seed 001 or marked "decision" (the text does not give it; the reason is
next to it). Decisions, all overridable by flag:
- alpha / beta (label smoothing targets): 0.9 / 0.1. §2.2.2 smooths both real and fake labels without values.
- D's output is a linear score: §2.2.2 removes the log, which leaves the least-squares form of LSGAN (Mao et al.
  2017) on an unbounded score; the gradient penalty applies to the same score.
- Learning-rate curve lr(t) = end_lr + init_set * gamma^(t / decay_steps) (SPEC §3 reading of Eq. 6). The stated
  0.002 -> 0.0002 (§3.2) is D's rate: end_lr 2e-4, init_set 1.8e-3; G's is 1.5x at every step (§2.2.4 (6)).
  gamma 0.5 per 1000 steps is a decision (Fig. 10's axes are not in the text): lr is within 1% of end_lr by
  step ~10k. t counts G steps for both players (D's schedule is stretched by its n_critic updates per step).
- Gaussian noise on D's inputs (§2.2.4 (2)) has no stated std: 0.1 (decision, a tenth of the [-1, 1] range).
- n_critic 3: the low end of the stated 3-5 (§2.2.4 (4)), as this machine has no GPU; 5 is an override.
- Adam betas 0.5 / 0.999 (DCGAN's, Radford 2015 §4): §2.2.4 (8) says Adam only.
- Dropout 0.5 after G's 8x8 and 16x16 main-path stages: §2.2.4 (12) says "some G layers" with no rate; 0.5 is
  the rate of the GAN-hacks list that §2.2.4 follows item by item.
- Dropout stays on at inference (decision, `g_dropout_at_inference`). §2.2.4 (12) uses it "to introduce noise",
  GAN-hacks no. 17: "dropout in G in both train and test phase" (after pix2pix, Isola et al. 2017). It is also
  the one reading in which G's BN layers, whose moving statistics are collected with dropout on, see at
  inference the activations those statistics describe; with dropout off, the std after main_up48 was 0.32 at
  inference against 0.66 in training (width 64). Inference masks are a fixed function of z (networks/igan.py
  `NoiseDropout`), so G(z) stays deterministic. `g_dropout_at_inference=False` is Keras' default, i.e. what
  TF 2.0 code (§3.1) calling G(z, training=False) did: kept for comparison, a network shifted off its BN stats.
- Gradient penalty through D's BN (decision, `gp_bn_mode`; §1.2 keeps BN in D, §2.2.4 (11) takes WGAN-GP's
  penalty). "batch": the interpolates are normalised by their own batch statistics, as TF code calling
  D(x_hat, training=True) does, so the penalty is NOT per-sample (BN couples the samples; Gulrajani et al. 2017
  §4); that pass leaves D's moving statistics as they were. "inference": D's moving statistics, per-sample.
- LeakyReLU slope 0.2 (§2.2.4 (7) gives none; DCGAN's). z ~ N(0, 1) (not stated).
- D width 32 against G's 64: §1.2 makes D deliberately smaller than G; its widths are not in the text.
- Steps: not stated (an "epoch" is one batch, §3.1); 20k on (Fashion-)MNIST, 50k on CelebA / LSUN.
Grey data sets are resized 28 -> 96 and tiled to RGB: every IGAN output is 96x96x3 (§2.1).
"""
from tfgan_repro.configs import base


def get_config():
  c = base.get_config()
  c.model = "igan"
  c.resolution = 96            # seed 001 §2.1: all data sets pre-processed to 96x96
  c.channels = 3               # seed 001 §1.2: G outputs 96x96x3
  c.z_dim = 100                # seed 001 §1.2: a random 100-d vector
  c.z_distribution = "normal"  # decision (not stated)
  c.g_width = 64               # seed 001 §1.2: 4x4x64, 24x24x64 and 96x96x64 features
  c.d_width = 32               # decision: D smaller than G (seed 001 §1.2)
  c.g_dropout = 0.5            # decision: seed 001 §2.2.4 (12) dropout in some G layers
  c.g_dropout_at_inference = True  # decision: dropout is noise in sampling too, matching BN's stats (see above)
  c.leaky_slope = 0.2          # decision: seed 001 §2.2.4 (7) LeakyReLU, slope not given
  c.stride1_convs = False      # IGAN_v2 / IGAN_VN: a stride-1 conv after each transposed conv (seed 001 §1.2)
  c.num_branches = 0           # G outputs / discriminators when --classes is empty (0: one per class)
  c.real_target = 0.9          # alpha, decision (seed 001 §2.2.2 smooths both labels)
  c.fake_target = 0.1          # beta, decision
  c.gp_weight = 5.0            # seed 001 §3.1: lambda = 5
  c.gp_bn_mode = "batch"       # decision: "batch" (not per-sample, no moving-stat update) | "inference" (per-sample)
  c.n_critic = 3               # seed 001 §2.2.4 (4): D trained 3-5 times per G step
  c.d_input_noise = 0.1        # decision: seed 001 §2.2.4 (2) Gaussian noise on D's inputs, std not given
  c.d_end_lr = 2e-4            # seed 001 §3.2: decays to 0.0002
  c.d_init_set = 1.8e-3        # seed 001 §3.2: starts at 0.002 = end_lr + init_set
  c.lr_gamma = 0.5             # decision (Eq. 6's gamma; value not in the text)
  c.lr_decay_steps = 1000      # decision
  c.g_lr_ratio = 1.5           # seed 001 §2.2.4 (6): G's rate is 1.5x D's
  c.beta1 = 0.5                # decision (seed 001 §2.2.4 (8): Adam)
  c.beta2 = 0.999
  c.batch_size = 64            # seed 001 §3.1
  c.sample_every = 100         # seed 001 §3.1: weights and samples every 100 steps
  c.ckpt_every = 100
  c.log_every = 30             # seed 001 §3.1: losses every 30 steps
  c.seed = 0                   # seed 001 §2.2.4 (3): fixed random seeds
  c.sync_batchnorm = True
  c.steps = 20000              # decision (not stated)
  return c


def v2(c):
  """IGAN_v2 (seed 001 Fig. 5): two outputs and two discriminators, stride-1 convs after each deconv."""
  c.model = "igan_v2"
  c.stride1_convs = True       # seed 001 §1.2
  c.num_branches = 2           # seed 001 Fig. 5: the two-class network
  return c


def vn(c):
  """IGAN_VN (seed 001 Fig. 7): one output and one discriminator per class."""
  c.model = "igan_vn"
  c.stride1_convs = True       # seed 001 §1.2
  return c


def tiny(c):
  c = base.tiny(c)
  c.g_width = 4
  c.d_width = 4
  c.n_critic = 2               # keeps the D:G ratio visible at test cost
  return c
