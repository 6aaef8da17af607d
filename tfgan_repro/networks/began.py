"""BEGAN generator and auto-encoder discriminator (Berthelot et al. 2017; seed 000 Fig. 1). SPEC §1-§2.

Every convolution is 3x3 with an ELU (seed 000 §3.1; seed 002: no batch norm, no dropout); a block is two
of them (seed 000 §3.1). The bottleneck is 8x8 at every resolution, so 32, 64, 128 and 256 differ only in
the number of blocks, log2(resolution / 8) + 1 (seed 000 §3.1).

- Decoder (the generator, and D's decoder with its own weights): dense (B, z) -> (B, 8, 8, n), then
  [block, nearest x2 up-sampling] repeated, a last block, and a linear 3x3 conv to C channels (SPEC §1).
  At 64x64 that is 4 x 2 + 1 = 9 convs and 3 up-samplings, the count of seed 000 §2.
- Encoder: a 3x3 conv to n, then blocks of n, 2n, 3n, ... channels separated by stride-2 3x3 convs that
  open the next width (seed 000 §3.1; SPEC §1), flatten, dense to the embedding h.

`skip_connections=True` (seed 000 §2: "the input is additionally connected to the output for each
convolution block") makes every block of the generator and of D's decoder return block(x) + x; D's
encoder never has them (seed 000 §2: "only added into the generator and the decoder").

Deviations: weights use Keras' default Glorot-uniform initialiser (the papers do not give one). Under
mixed precision the image outputs are float32.
"""
import math

import keras
from keras import layers

RESOLUTIONS = (32, 64, 128, 256)  # seed 000 §3.1: "from 32 to 256 ... keeping 8x8"
BOTTLENECK = 8


def num_blocks(resolution: int) -> int:
  """Blocks of each encoder/decoder at `resolution` (8x8 bottleneck); ValueError if unsupported."""
  if resolution not in RESOLUTIONS:
    raise ValueError(f"BEGAN makes square images of side {', '.join(map(str, RESOLUTIONS))} "
                     f"(8x8 bottleneck); got resolution {resolution}.")
  return int(math.log2(resolution // BOTTLENECK)) + 1


@keras.saving.register_keras_serializable(package="tfgan_repro")
class ConvBlock(layers.Layer):
  """Two 3x3 ELU convs, (B, H, W, C_in) -> (B, H, W, filters); with `skip`, conv_path(x) + shortcut(x).

  The shortcut is the identity when C_in == filters, which holds for every block of BEGAN's generator and
  decoder (all n channels). Decision for other uses: a C_in != filters input is first mapped by a linear
  1x1 conv (He et al. 2016's projection shortcut), the cheapest change that keeps "input + output".
  """

  def __init__(self, filters: int, skip: bool = False, **kwargs):
    super().__init__(**kwargs)
    self.filters = filters
    self.skip = skip
    self.conv1 = layers.Conv2D(filters, 3, padding="same", activation="elu", dtype=self.dtype_policy,
                               name="conv1")
    self.conv2 = layers.Conv2D(filters, 3, padding="same", activation="elu", dtype=self.dtype_policy,
                               name="conv2")
    self.projection = None

  def build(self, input_shape):
    self.conv1.build(input_shape)
    self.conv2.build(tuple(input_shape[:-1]) + (self.filters,))
    if self.skip and input_shape[-1] != self.filters:
      self.projection = layers.Conv2D(self.filters, 1, dtype=self.dtype_policy, name="projection")
      self.projection.build(input_shape)

  def conv_path(self, x):
    """The two convs alone, without the skip connection."""
    return self.conv2(self.conv1(x))

  def shortcut(self, x):
    return x if self.projection is None else self.projection(x)

  def call(self, x):
    y = self.conv_path(x)
    return y + self.shortcut(x) if self.skip else y

  def compute_output_shape(self, input_shape):
    return tuple(input_shape[:-1]) + (self.filters,)

  def get_config(self):
    return {**super().get_config(), "filters": self.filters, "skip": self.skip}


def decoder(resolution: int, channels: int, input_dim: int = 64, width: int = 64,
            skip_connections: bool = False, name: str = "decoder") -> keras.Model:
  """(B, input_dim) -> (B, resolution, resolution, channels) float32, no output activation.

  Used as the generator (input z) and as D's decoder (input h), each with its own weights.
  """
  blocks = num_blocks(resolution)
  code = keras.Input((input_dim,), name="code")
  x = layers.Dense(BOTTLENECK * BOTTLENECK * width, name="project")(code)
  x = layers.Reshape((BOTTLENECK, BOTTLENECK, width), name="bottleneck")(x)  # (B, 8, 8, n)
  for i in range(blocks):
    x = ConvBlock(width, skip=skip_connections, name=f"block{i + 1}")(x)
    if i < blocks - 1:
      x = layers.UpSampling2D(2, interpolation="nearest", name=f"up{i + 1}")(x)
  out = layers.Conv2D(channels, 3, padding="same", dtype="float32", name="to_image")(x)
  return keras.Model(code, out, name=name)


def encoder(resolution: int, channels: int, h_dim: int = 64, width: int = 64,
            name: str = "encoder") -> keras.Model:
  """(B, resolution, resolution, channels) -> embedding h (B, h_dim). No skip connections (seed 000 §2)."""
  blocks = num_blocks(resolution)
  image = keras.Input((resolution, resolution, channels), name="image")
  x = layers.Conv2D(width, 3, padding="same", activation="elu", name="stem")(image)
  for i in range(blocks):
    x = ConvBlock(width * (i + 1), skip=False, name=f"block{i + 1}")(x)  # n, 2n, 3n, ...
    if i < blocks - 1:
      x = layers.Conv2D(width * (i + 2), 3, strides=2, padding="same", activation="elu",
                        name=f"down{i + 1}")(x)
  x = layers.Flatten()(x)  # from (B, 8, 8, blocks * n)
  h = layers.Dense(h_dim, name="embedding")(x)
  return keras.Model(image, h, name=name)


def generator(resolution: int, channels: int, z_dim: int = 64, width: int = 64,
              skip_connections: bool = False, name: str = "generator") -> keras.Model:
  """z (B, z_dim) ~ U(-1, 1) -> G(z) (B, resolution, resolution, channels) float32, linear output."""
  return decoder(resolution, channels, z_dim, width, skip_connections, name=name)


def discriminator(resolution: int, channels: int, h_dim: int = 64, width: int = 64,
                  skip_connections: bool = False, name: str = "discriminator") -> keras.Model:
  """Auto-encoder: images (B, R, R, C) -> reconstructions D(v) (B, R, R, C) float32.

  Its sub-models are `get_layer("encoder")` and `get_layer("decoder")`; skip connections (if any) are in
  the decoder only.
  """
  image = keras.Input((resolution, resolution, channels), name="image")
  h = encoder(resolution, channels, h_dim, width)(image)
  out = decoder(resolution, channels, h_dim, width, skip_connections)(h)
  return keras.Model(image, out, name=name)
