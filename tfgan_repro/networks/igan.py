"""IGAN, IGAN_v2 and IGAN_VN generators and the IGAN discriminator (seed 001 §1.2, Figs. 3-9; SPEC §3).

IGAN generator (seed 001 Fig. 3), W = `width` (64 in the paper):
  z (B, 100) -> dense -> (B, 4, 4, W)      z -> dense -> (B, 24, 24, W)        two heads, seed 001 §1.2
  main path  4x4 -> conv 3x3 -> convT 4/2 (8x8) -> conv + depth-to-space (16x16) -> convT 5/3 (48x48)
             -> conv + depth-to-space (96x96xW)        PixelShuffle and transposed convs, seed 001 §2.2.4 (5)
  shortcut   4x4xW -> ONE convT, kernel 24, stride 24 -> 96x96xW                    seed 001 §1.2
  branch     24x24xW -> convT, kernel 4, stride 4 -> 96x96xW                        seed 001 §1.2
  main + shortcut + branch -> conv 3x3 to C -> BN -> tanh                           seed 001 §1.2, Fig. 4
Every other conv / convT is followed by BN + LeakyReLU (seed 001 §1.2). The 3x3 conv at 4x4 and the 24x24
shortcut kernel are the paper's two receptive fields ("3x3, 24x24").

IGAN_v2 (K = 2) and IGAN_VN (K classes), seed 001 Figs. 5-7:
- a stride-1 conv with the same channels after every transposed conv (`stride1_convs`);
- the 24x24 module feeds K IBlocks (two up-convolutions each, 24 -> 48 -> 96; seed 001 Fig. 6) instead of
  IGAN's single 4/4 branch;
- the main path splits into K branches at its last up-sampling stage (48 -> 96); branch c of the main path,
  IBlock c and the shared shortcut are summed and go through class c's own conv + BN + tanh.
Decisions where the figures are not in the text: the two modules' branches are joined by a sum (IGAN's join,
seed 001 §1.2) rather than a concatenation; the shortcut stays a single layer in IGAN_v2 (its stated purpose is
to let gradients skip the intermediate layers); dropout (`dropout` rate) follows the two low-resolution
main-path stages (8x8 and 16x16) (seed 001 §2.2.4 (12) says "some generator layers", no rate). It stays on
at inference by default (`NoiseDropout`, `dropout_at_inference`): every BN after it collects its moving
statistics from dropped-out activations, so switching dropout off at inference would feed BN inputs of
about half the std it normalises by (configs/igan_base.py gives the decision and its source).

Discriminator (seed 001 Figs. 8-9): a residual CNN classifier smaller than G; every conv block is conv + BN +
LeakyReLU. It returns one float32 score per image (no activation: the least-squares loss applies to it).
"""
import zlib

import keras
import tensorflow as tf
from keras import layers

from tfgan_repro.networks.fused_batchnorm import FusedBatchNormalization

RESOLUTION = 96  # seed 001 §2.1: every data set is pre-processed to 96x96


def _bn(sync: bool, **kwargs):
  # momentum 0.9 / eps 1e-5 as networks/dcgan.py; `synchronized` gives global-batch statistics under tf.distribute.
  # Keras' BN in one fused op (a third of IGAN's op time otherwise); same variables, so checkpoints written with
  # keras.layers.BatchNormalization restore into it (tests/test_igan_fused_bn.py).
  return FusedBatchNormalization(momentum=0.9, epsilon=1e-5, synchronized=sync, **kwargs)


@keras.saving.register_keras_serializable(package="tfgan_repro")
class DepthToSpace(layers.Layer):
  """PixelShuffle: (B, H, W, s*s*C) -> (B, s*H, s*W, C)."""

  def __init__(self, block_size: int = 2, **kwargs):
    super().__init__(**kwargs)
    self.block_size = block_size

  def call(self, x):
    return tf.nn.depth_to_space(x, self.block_size)

  def get_config(self):
    return {**super().get_config(), "block_size": self.block_size}


@keras.saving.register_keras_serializable(package="tfgan_repro")
class SubsampledPointwiseConv2D(layers.Conv2D):
  """`Conv2D(filters, 1, strides=s)` ('valid', channels last), computed as s-fold subsampling followed by the
  1x1 convolution at stride 1: the same layer (same config, variables and outputs: a 1x1 kernel at stride s
  reads exactly the pixels x[:, ::s, ::s]), without the strided 1x1 kernel.

  Why: on CPU with oneDNN (TensorFlow 2.21) the filter gradient of the strided 1x1 convolution kills the
  process (segmentation fault or heap corruption) for some narrow inputs, e.g. 8 or 12 channels at 48x48 into
  16 filters: IGAN's D at --d_width below 16 (tests/test_igan_narrow_d.py). Stride-1 1x1 gradients are safe.
  """

  def __init__(self, filters, kernel_size=1, strides=2, **kwargs):
    super().__init__(filters, kernel_size, strides=strides, **kwargs)
    if (tuple(self.kernel_size) != (1, 1) or self.padding != "valid" or self.data_format != "channels_last"
        or tuple(self.dilation_rate) != (1, 1)):
      raise ValueError("SubsampledPointwiseConv2D is a 1x1, 'valid', channels-last, undilated convolution.")

  def convolution_op(self, inputs, kernel):
    sh, sw = self.strides
    return keras.ops.conv(inputs[:, ::sh, ::sw, :], kernel, strides=1, padding="valid",
                          data_format="channels_last")


def _hash32(x):
  """lowbias32 (C. Wellons' integer hash), uint32 -> uint32: each output bit flips with ~1/2 chance per input bit."""
  x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16)) * 0x7FEB352D
  x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 15)) * 0x846CA68B
  return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))


@keras.saving.register_keras_serializable(package="tfgan_repro")
class NoiseDropout(layers.Dropout):
  """Dropout as generator noise (seed 001 §2.2.4 (12)): [x (B, ...), z (B, z_dim)] -> x (B, ...).

  training: Keras' dropout (fresh masks from the layer's seed generator, checkpointed with G).
  inference, at_inference=True: the same keep rate and 1 / (1 - rate) scale, with a mask that is a fixed
    pseudo-random function of (z_i, unit, layer name). The activations then have the statistics BN's moving
    averages were collected with, and G(z_i) is still a function of z_i alone (not of its batch or of how
    often G was sampled), so sample grids and scores are reproducible.
  inference, at_inference=False: the identity (Keras' default dropout).
  """

  def __init__(self, rate: float, at_inference: bool = True, **kwargs):
    super().__init__(rate, **kwargs)
    self.at_inference = bool(at_inference)

  def call(self, inputs, training=False):
    x, z = inputs
    if training:
      return super().call(x, training=True)
    if not self.at_inference or self.rate == 0:
      return x
    keep = self._uniform(z, x.shape[1:]) >= self.rate
    return tf.where(keep, x / (1.0 - self.rate), tf.zeros_like(x))

  def _uniform(self, z, unit_shape):
    """(B, *unit_shape) in [0, 1): one draw per (sample, unit), keyed by the bits of z_i and the layer name."""
    words = tf.bitcast(tf.cast(z, tf.float32), tf.uint32)                           # (B, z_dim)
    position = tf.cast(tf.range(tf.shape(words)[1]), tf.uint32) * 0x9E3779B9       # golden-ratio spread
    salt = zlib.crc32(self.name.encode())
    key = _hash32(tf.reduce_sum(_hash32(tf.bitwise.bitwise_xor(words, position)), axis=1) + salt)  # (B,)
    n = 1
    for d in unit_shape:
      n *= d
    units = _hash32(tf.cast(tf.range(n), tf.uint32) + salt)                       # (n,)
    bits = _hash32(tf.bitwise.bitwise_xor(key[:, None], units[None, :]))           # (B, n)
    u = tf.cast(tf.bitwise.right_shift(bits, 8), tf.float32) * 2.0 ** -24          # 24 bits: exact in float32
    return tf.reshape(u, [-1, *unit_shape])

  def compute_output_shape(self, input_shape):
    return input_shape[0]

  def get_config(self):
    return {**super().get_config(), "at_inference": self.at_inference}


def generator(channels: int = 3, z_dim: int = 100, width: int = 64, classes: int = 0,
              stride1_convs: bool = False, dropout: float = 0.5, dropout_at_inference: bool = True,
              leaky_slope: float = 0.2, sync_bn: bool = True, name: str = "generator") -> keras.Model:
  """z (B, z_dim) -> (B, 96, 96, channels) float32 in [-1, 1] (IGAN, classes=0), or a list of `classes`
  such tensors, one per class (IGAN_v2: classes=2, IGAN_VN: classes=N; stride1_convs=True for both).
  dropout_at_inference: keep dropout on when called with training=False (see `NoiseDropout`)."""
  if classes < 0 or classes == 1:
    raise ValueError(f"classes must be 0 (IGAN, one output) or >= 2 (IGAN_v2/IGAN_VN); got {classes}.")
  if not 0.0 <= dropout < 1.0:
    raise ValueError(f"dropout must be in [0, 1); got {dropout}.")

  def bn_act(x):
    return layers.LeakyReLU(negative_slope=leaky_slope)(_bn(sync_bn)(x))

  def conv(x, filters, name):
    return bn_act(layers.Conv2D(filters, 3, padding="same", use_bias=False, name=name)(x))

  def up(x, kernel, stride, name, padding="same"):
    x = bn_act(layers.Conv2DTranspose(width, kernel, strides=stride, padding=padding, use_bias=False,
                                      name=name)(x))
    # seed 001 §1.2 (IGAN_v2): a stride-1 conv with the same channels after each transposed conv
    return conv(x, width, f"{name}_conv") if stride1_convs else x

  def pixel_shuffle(x, name):  # (B, H, W, W) -> (B, 2H, 2W, W)
    x = layers.Conv2D(4 * width, 3, padding="same", use_bias=False, name=name)(x)
    return bn_act(DepthToSpace(2, name=f"{name}_d2s")(x))

  def drop(x, name):
    return NoiseDropout(dropout, at_inference=dropout_at_inference, name=name)([x, z]) if dropout else x

  def to_image(x, name):
    x = layers.Conv2D(channels, 3, padding="same", use_bias=False, name=name)(x)
    x = _bn(sync_bn, name=f"{name}_bn")(x)
    return layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(x)  # seed 001 §1.2: BN + tanh

  z = keras.Input((z_dim,), name="z")
  x4 = layers.Reshape((4, 4, width))(bn_act(layers.Dense(16 * width, use_bias=False, name="head4")(z)))
  x24 = layers.Reshape((24, 24, width))(bn_act(layers.Dense(576 * width, use_bias=False, name="head24")(z)))

  # Kernel 24 / stride 24 on 4x4, 'valid': (4 - 1) * 24 + 24 = 96, one layer from the head to the output.
  shortcut = bn_act(layers.Conv2DTranspose(width, 24, strides=24, padding="valid", use_bias=False,
                                           name="shortcut")(x4))               # (B, 96, 96, W)
  x = conv(x4, width, "main_conv4")                                            # (B, 4, 4, W)
  x = drop(up(x, 4, 2, "main_up8"), "main_drop8")                              # (B, 8, 8, W)
  x = drop(pixel_shuffle(x, "main_ps16"), "main_drop16")                       # (B, 16, 16, W)
  x48 = up(x, 5, 3, "main_up48")                                               # (B, 48, 48, W)

  if classes == 0:
    main = pixel_shuffle(x48, "main_ps96")                                     # (B, 96, 96, W)
    # Kernel 4 / stride 4 on 24x24, 'valid': 23 * 4 + 4 = 96.
    branch = bn_act(layers.Conv2DTranspose(width, 4, strides=4, padding="valid", use_bias=False,
                                           name="branch")(x24))                # (B, 96, 96, W)
    out = to_image(layers.Add(name="join")([main, shortcut, branch]), "to_image")
    return keras.Model(z, out, name=name)

  outputs = []
  for c in range(classes):
    main = pixel_shuffle(x48, f"main_ps96_c{c}")                               # (B, 96, 96, W)
    ib = up(up(x24, 4, 2, f"iblock{c}_up48"), 4, 2, f"iblock{c}_up96")         # IBlock: 24 -> 48 -> 96
    outputs.append(to_image(layers.Add(name=f"join_c{c}")([main, shortcut, ib]), f"to_image_c{c}"))
  return keras.Model(z, outputs, name=name)


def discriminator(channels: int = 3, width: int = 32, leaky_slope: float = 0.2, sync_bn: bool = True,
                  name: str = "discriminator") -> keras.Model:
  """images (B, 96, 96, channels) -> scores (B, 1) float32.

  stem conv 4x4/2 (48x48xW) -> residual blocks down to 24x24x2W, 12x12x4W, 6x6x8W -> flatten -> dense 1.
  A residual block (seed 001 Fig. 9): [conv 3x3/2 + BN + LeakyReLU, conv 3x3/1 + BN] + [conv 1x1/2 + BN],
  then LeakyReLU. Width 32 against G's 64 keeps D "smaller than G on purpose" (seed 001 §1.2).
  """
  image = keras.Input((RESOLUTION, RESOLUTION, channels), name="image")
  act = lambda: layers.LeakyReLU(negative_slope=leaky_slope)
  x = act()(_bn(sync_bn)(layers.Conv2D(width, 4, strides=2, padding="same", use_bias=False, name="stem")(image)))
  for i, filters in enumerate((2 * width, 4 * width, 8 * width)):
    h = layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False, name=f"res{i}_a")(x)
    h = act()(_bn(sync_bn)(h))
    h = _bn(sync_bn)(layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"res{i}_b")(h))
    skip = _bn(sync_bn)(SubsampledPointwiseConv2D(filters, 1, strides=2, use_bias=False, name=f"res{i}_skip")(x))
    x = act()(layers.Add()([h, skip]))
  x = layers.Flatten()(x)
  score = layers.Dense(1, name="score")(x)
  return keras.Model(image, layers.Activation("linear", dtype="float32")(score), name=name)
