"""DCGAN generator and discriminator (Radford et al. 2015; seed 004's 256x256 face variant). SPEC §4.

Two layer recipes share one builder:
- "radford": 4x4 kernels, stride 2, as in Radford's dcgan.torch; at 64x64 with width 128 this is
  z 100 -> 4x4x1024 -> 8x8x512 -> 16x16x256 -> 32x32x128 -> 64x64x3 (Radford 2015, Fig. 1).
- "faces256": seed 004's tables: G ConvT 1024 4x4 on z, then ConvT 5x5/2 halving channels to 32 and a
  last ConvT 5x5/2 to 3; D Conv 3x3/2 doubling 32 -> 1024, then Conv 4x4/1 (valid) to 1.
G's first layer is a 4x4 transposed conv of the 1x1x100 latent, i.e. the "project and reshape" of Radford.
No bias before BN; BN + ReLU in G except the tanh output; BN + LeakyReLU(0.2) in D except on its first
layer. D returns logits (the sigmoid of seed 004's last layer lives in the loss, for numerical stability).
"""
import math

import keras
from keras import layers

from tfgan_repro.networks.fused_batchnorm import FusedBatchNormalization

ARCHITECTURES = {"radford": (4, 4), "faces256": (5, 3)}  # (G kernel, D kernel) of the stride-2 layers
# Sides 4 * 2^k start from a 4x4 map (Radford); 96 (seed 001's resolution) starts from 6x6 (96 = 6 * 2^4).
RESOLUTIONS = (8, 16, 32, 64, 96, 128, 256)


def geometry(resolution: int):
  """(start side, number of stride-2 layers) for `resolution`; ValueError if DCGAN cannot make it."""
  if resolution not in RESOLUTIONS:
    raise ValueError(f"DCGAN makes square images of side {', '.join(map(str, RESOLUTIONS))}; "
                     f"got resolution {resolution}.")
  start = 6 if resolution % 3 == 0 else 4
  return start, int(math.log2(resolution // start))


def check_resolution(resolution: int) -> int:
  """Number of stride-2 layers between the start map and `resolution`."""
  return geometry(resolution)[1]


def _init(std):
  return keras.initializers.RandomNormal(0.0, std)


def _bn(sync: bool):
  # momentum 0.9 / eps 1e-5 as in Radford's code; `synchronized` gives global-batch statistics
  # under tf.distribute, so R replicas compute what one device computes. Keras' BN in one fused op.
  return FusedBatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=sync)


def generator(resolution: int, channels: int, z_dim: int = 100, width: int = 64,
              architecture: str = "radford", init_std: float = 0.02, sync_bn: bool = True,
              norm_layer=None, name: str = "generator") -> keras.Model:
  """z (B, z_dim) -> images (B, resolution, resolution, channels) in [-1, 1], float32.

  width: channels of the last hidden layer (64x64 Radford: 128; faces256: 32).
  norm_layer: optional factory replacing BN (virtual batch norm of the Improved Techniques).
  """
  if architecture not in ARCHITECTURES:
    raise ValueError(f"architecture must be one of {sorted(ARCHITECTURES)}, got {architecture!r}.")
  start, n_up = geometry(resolution)
  kernel = ARCHITECTURES[architecture][0]
  norm = norm_layer or (lambda: _bn(sync_bn))
  z = keras.Input((z_dim,), name="z")
  x = layers.Reshape((1, 1, z_dim))(z)
  x = layers.Conv2DTranspose(width * 2 ** (n_up - 1), start, strides=1, padding="valid", use_bias=False,
                             kernel_initializer=_init(init_std), name="project")(x)  # (B, start, start, C0)
  x = layers.ReLU()(norm()(x))
  for i in range(n_up - 1):
    x = layers.Conv2DTranspose(width * 2 ** (n_up - 2 - i), kernel, strides=2, padding="same",
                               use_bias=False, kernel_initializer=_init(init_std), name=f"up{i + 1}")(x)
    x = layers.ReLU()(norm()(x))
  x = layers.Conv2DTranspose(channels, kernel, strides=2, padding="same", use_bias=True,
                             kernel_initializer=_init(init_std), name="to_image")(x)
  out = layers.Activation("tanh", dtype="float32", name="tanh")(x)
  return keras.Model(z, out, name=name)


def discriminator(resolution: int, channels: int, width: int = 64, architecture: str = "radford",
                  init_std: float = 0.02, leaky_slope: float = 0.2, sync_bn: bool = True,
                  head=None, name: str = "discriminator") -> keras.Model:
  """images (B, R, R, C) -> {"logits": (B, 1) float32, "features": [per-block activations]}.

  head: optional callable (features (B, 4, 4, C)) -> tensor inserted before the last conv
    (minibatch discrimination of the Improved Techniques); its output is appended to "features", so
    feature matching on layer -1 sees what D's last layer sees.
  """
  if architecture not in ARCHITECTURES:
    raise ValueError(f"architecture must be one of {sorted(ARCHITECTURES)}, got {architecture!r}.")
  start, n_down = geometry(resolution)
  kernel = ARCHITECTURES[architecture][1]
  image = keras.Input((resolution, resolution, channels), name="image")
  x, features = image, []
  for i in range(n_down):
    x = layers.Conv2D(width * 2 ** i, kernel, strides=2, padding="same", use_bias=(i == 0),
                      kernel_initializer=_init(init_std), name=f"down{i + 1}")(x)
    if i > 0:  # Radford / seed 004: no BN on D's input layer
      x = _bn(sync_bn)(x)
    x = layers.LeakyReLU(negative_slope=leaky_slope)(x)
    features.append(x)
  if head is not None:
    x = head(x)
    features.append(x)
  logits = layers.Conv2D(1, start, strides=1, padding="valid", use_bias=True,
                         kernel_initializer=_init(init_std), name="logit")(x)  # (B, 1, 1, 1)
  logits = layers.Activation("linear", dtype="float32")(layers.Flatten()(logits))
  return keras.Model(image, {"logits": logits, "features": features}, name=name)
