"""DCGAN (Radford et al. 2015, arXiv:1511.06434) as described in seeds 003 and 004 (SPEC §4).

Deviations from the papers, all overridable:
- Radford trains at 64x64; our (Fashion-)MNIST and CIFAR-10 presets run at 32x32, the data's own scale,
  with the same rule (channels halve while the size doubles) and one block fewer.
"""
from tfgan_repro.configs import base


def get_config():
  c = base.get_config()
  c.model = "dcgan"
  c.architecture = "radford"  # "radford" (4x4/2 convs, Radford 2015) | "faces256" (seed 004's tables)
  c.z_dim = 100               # seed 003 / seed 004: z in R^100
  c.z_distribution = "normal"  # seed 004: z ~ N(0, 1)
  c.g_width = 64              # channels of G's last hidden layer; doubles towards the 4x4 input
  c.d_width = 64              # channels of D's first layer; doubles towards the 4x4 output
  c.g_lr = 2e-4               # Radford 2015 §4: lr 0.0002
  c.d_lr = 2e-4
  c.beta1 = 0.5               # Radford 2015 §4 / seed 004: beta1 0.5
  c.beta2 = 0.999
  c.batch_size = 128          # Radford 2015 §4: mini-batch 128
  c.leaky_slope = 0.2         # Radford 2015 / seed 004: LeakyReLU 0.2
  c.init_std = 0.02           # Radford 2015 / seed 004: N(0, 0.02)
  c.sync_batchnorm = True     # BN statistics over the global batch under tf.distribute
  c.reuse_fake = False        # G's update reuses D's G(z) (dcgan.torch main.lua; one G pass fewer a step)
  # The Improved Techniques (seed 003, Salimans et al. 2016), each off by default (SPEC §5).
  c.feature_matching = False          # Salimans 2016 §3.1: G matches E f(x) of one D layer
  c.feature_matching_layer = -1       # index into D's features; -1: the input of D's last layer (improved-gan
                                      # code matches the layer below the output); with minibatch on, [f, o]
  c.feature_matching_distance = "squared_l2"  # "squared_l2": ||.||_2^2 (Salimans 2016 §3.1, SPEC §5) |
                                      # "mean_abs": mean |m1 - m2| (improved-gan train_cifar_feature_matching.py)
  c.minibatch_discrimination = False  # Salimans 2016 §3.2
  c.minibatch_kernels = 100           # improved-gan MinibatchLayer(num_kernels=100) on CIFAR-10
  c.minibatch_kernel_dim = 5          # improved-gan MinibatchLayer default dim_per_kernel=5
  c.historical_averaging = False      # Salimans 2016 §3.3 (no weight given there; never in improved-gan)
  c.historical_weight = 1.0           # decision: 1.0 (the paper's unweighted term); see dcgan_improved_base
  c.label_smoothing = 1.0             # one-sided: real target (1.0 = off; Salimans 2016 §3.4: 0.9)
  c.virtual_batchnorm = False         # Salimans 2016 §3.5, in G only
  c.vbn_reference_size = 64           # improved-gan imagenet code: the reference z is one batch (batch_size 64)
  return c


def tiny(c):
  c = base.tiny(c)
  c.g_width = 8
  c.d_width = 8
  c.minibatch_kernels = 4
  c.minibatch_kernel_dim = 3
  c.vbn_reference_size = 4
  return c
