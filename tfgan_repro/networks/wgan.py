"""WGAN-GP's DCGAN-style generator and critic (Gulrajani et al. 2017, arXiv:1704.00028; SPEC §6), any
resolution 16 * 2^k or 16 * 3 * 2^k (96 for seed 001's comparison).

Gulrajani et al.'s 64x64 "DCGAN" networks (their App. F code) start from a dense projection to 4x4x8W; at 96x96
the projection is 6x6x8W and the same four stride-2 stages follow:
  G: z -> dense -> (6, 6, 8W) -> BN ReLU -> convT 5x5/2 to 4W, 2W, W (BN ReLU each) -> convT 5x5/2 to C -> tanh
  critic: conv 5x5/2 to W, 2W, 4W, 8W (LeakyReLU 0.2, no BN: the gradient penalty is per sample, SPEC §6)
          -> flatten -> dense 1 (no activation, no bias).
"""
import keras
from keras import layers

from tfgan_repro.networks.fused_batchnorm import FusedBatchNormalization  # Keras' BN in one fused op

N_STAGES = 4  # stride-2 stages between the projection and the image


def base_size(resolution: int) -> int:
  """Side of the projected tensor: resolution / 16; ValueError unless it is a positive integer."""
  if resolution <= 0 or resolution % 2 ** N_STAGES:
    raise ValueError(f"WGAN-GP's networks need a resolution divisible by 16 (e.g. 64, 96, 128); got {resolution}.")
  return resolution // 2 ** N_STAGES


def generator(resolution: int = 96, channels: int = 3, z_dim: int = 128, width: int = 64,
              sync_bn: bool = True, name: str = "generator") -> keras.Model:
  """z (B, z_dim) -> (B, resolution, resolution, channels) float32 in [-1, 1]."""
  base = base_size(resolution)
  z = keras.Input((z_dim,), name="z")
  x = layers.Dense(base * base * 8 * width, use_bias=False, name="project")(z)
  x = layers.Reshape((base, base, 8 * width))(x)
  x = layers.ReLU()(FusedBatchNormalization(synchronized=sync_bn)(x))
  for i, mult in enumerate((4, 2, 1)):
    x = layers.Conv2DTranspose(mult * width, 5, strides=2, padding="same", use_bias=False, name=f"up{i + 1}")(x)
    x = layers.ReLU()(FusedBatchNormalization(synchronized=sync_bn)(x))
  x = layers.Conv2DTranspose(channels, 5, strides=2, padding="same", name="to_image")(x)
  return keras.Model(z, layers.Activation("tanh", dtype="float32")(x), name=name)


def critic(resolution: int = 96, channels: int = 3, width: int = 64, leaky_slope: float = 0.2,
           name: str = "critic") -> keras.Model:
  """images (B, resolution, resolution, channels) -> scores (B, 1) float32; no normalisation layer."""
  base_size(resolution)
  image = keras.Input((resolution, resolution, channels), name="image")
  x = image
  for i, mult in enumerate((1, 2, 4, 8)):
    x = layers.Conv2D(mult * width, 5, strides=2, padding="same", name=f"down{i + 1}")(x)
    x = layers.LeakyReLU(negative_slope=leaky_slope)(x)
  # No bias: a constant cancels in E D(x) - E D(G(z)) and in the penalty, so it would never be trained.
  score = layers.Dense(1, use_bias=False, name="score")(layers.Flatten()(x))
  return keras.Model(image, layers.Activation("linear", dtype="float32")(score), name=name)
