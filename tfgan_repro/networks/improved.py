"""Network pieces of the Improved Techniques for Training GANs (Salimans et al. 2016; seed 003; SPEC §5).

- `VirtualBatchNorm` and `vbn_generator`: virtual batch normalisation in G (Salimans 2016 §3.5).
- `MinibatchDiscrimination`: the minibatch layer inserted before D's last layer (Salimans 2016 §3.2).

Virtual batch norm design. Each VBN layer needs the reference batch's activations *at that layer*, so the
reference latents z_ref (N, z_dim) -- drawn once from the run's seed, a non-trainable variable of G, hence in
every checkpoint -- go through G on every call, stacked in front of the current z: the body sees
[z_ref; z] of shape (N + B, z_dim). Every layer of the DCGAN generator except normalisation is per-example
(transposed convs, ReLU, tanh), so stacking mixes nothing; each `VirtualBatchNorm` splits the rows again and
takes statistics from the first N rows only (plus the example itself). Gradients flow through the reference
statistics, as in the reference code, where they are graph tensors too.
Cost: every G pass processes N + B examples (forward and backward), i.e. (N + B) / B times plain DCGAN's G.
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers

from tfgan_repro.networks import dcgan as dcgan_nets

# Key of the reference-batch draw; distinct from `GANModel.fixed_latents` (sample grids) and the steps' named streams.
_REFERENCE_SALT = 3_0035


@keras.saving.register_keras_serializable(package="tfgan_repro")
class VirtualBatchNorm(layers.Layer):
  """Virtual batch normalisation (Salimans 2016 §3.5): statistics of a fixed reference batch and the example.

  Input (N + B, ..., C): rows [0, N) are the reference batch's activations at this layer, rows [N, N + B) the
  examples to normalise; the output has the input's shape. With spatial axes S (H, W for conv maps, none for
  dense activations) and per-channel statistics:
  - reference rows use the reference batch's own statistics, mu_ref = mean over (N, S) of x and
    q_ref = mean over (N, S) of x^2 ("the reference batch is normalised using only its own statistics");
  - example i uses mu_i = 1/(N+1) mean_S(x_i) + N/(N+1) mu_ref and q_i likewise, as in improved-gan's
    `imagenet/model.py` (`new_coeff = 1 / (batch_size + 1)`); variance = q - mu^2.
  Then y = gamma (x - mu) / sqrt(var + eps) + beta. Training and inference compute the same thing (no moving
  averages), and an example's output never depends on the other examples of its batch.
  """

  def __init__(self, reference_size: int, epsilon: float = 1e-5, **kwargs):
    super().__init__(**kwargs)
    if reference_size < 1:
      raise ValueError(f"VirtualBatchNorm needs a reference batch of at least 1 example, got {reference_size}.")
    self.reference_size = int(reference_size)
    self.epsilon = epsilon  # improved-gan VBN: epsilon 1e-5

  def build(self, input_shape):
    channels = input_shape[-1]
    # autocast=False: the normalisation runs in float32 under mixed precision
    self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma", autocast=False)
    self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta", autocast=False)

  def call(self, x):
    n = self.reference_size
    x32 = tf.cast(x, tf.float32)  # statistics in float32 under mixed precision
    spatial = list(range(1, len(x.shape) - 1))
    # Per-row moments first (one pass over the whole tensor), then the (rows, [1, 1,] C) statistics of every
    # row; only these small tensors are sliced and joined, so the backward pass never scatters a slice's
    # gradient into a tensor of the activations' size (StridedSliceGrad / concat: 10% of an improved-DCGAN
    # step). The mean over the N reference rows of their spatial means is the mean over (N, S): equal sizes.
    row_mean = tf.reduce_mean(x32, spatial, keepdims=True) if spatial else x32      # (N + B, [1, 1,] C)
    row_sq = tf.reduce_mean(tf.square(x32), spatial, keepdims=True) if spatial else tf.square(x32)
    ref_mean = tf.reduce_mean(row_mean[:n], 0, keepdims=True)                       # (1, [1, 1,] C)
    ref_sq = tf.reduce_mean(row_sq[:n], 0, keepdims=True)
    w = 1.0 / (n + 1.0)
    ones = tf.ones_like(row_mean[:n])
    mean = tf.concat([ones * ref_mean, w * row_mean[n:] + (1.0 - w) * ref_mean], 0)
    sq = tf.concat([ones * ref_sq, w * row_sq[n:] + (1.0 - w) * ref_sq], 0)
    return tf.cast(self._normalize(x32, mean, sq), self.compute_dtype)

  def _normalize(self, x, mean, mean_sq):
    """gamma (x - mean) / sqrt(var + eps) + beta, as x * scale + shift: the per-row scale and shift are small,
    so the activation-sized work is one multiply and one add."""
    var = tf.maximum(mean_sq - tf.square(mean), 0.0)  # E[x^2] - E[x]^2 can round below 0
    scale = tf.math.rsqrt(var + self.epsilon) * self.gamma
    return x * scale + (self.beta - mean * scale)

  def compute_output_shape(self, input_shape):
    return input_shape

  def get_config(self):
    return {**super().get_config(), "reference_size": self.reference_size, "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="tfgan_repro")
class ReferenceBatchGenerator(keras.Model):
  """z (B, z_dim) -> body([z_ref; z])[N:], i.e. images (B, R, R, C); see the module docstring.

  body: a generator whose normalisation layers are `VirtualBatchNorm(N)`; reference_z: (N, z_dim) array.
  """

  def __init__(self, body: keras.Model, reference_z, name: str = "generator"):
    super().__init__(name=name)
    self.body = body
    reference_z = np.asarray(reference_z, np.float32)
    self.reference_size = reference_z.shape[0]
    self.reference_z = self.add_weight(shape=reference_z.shape, trainable=False, name="reference_z",
                                       initializer=lambda shape, dtype=None: tf.constant(reference_z))
    self.built = True  # body and z_ref exist; Keras' fit would otherwise try to build on a data batch

  def call(self, z, training=False):
    stacked = tf.concat([tf.cast(self.reference_z, z.dtype), z], 0)  # (N + B, z_dim)
    return self.body(stacked, training=training)[self.reference_size:]

  def compute_output_shape(self, input_shape):
    return self.body.compute_output_shape(input_shape)

  def get_config(self):
    # z_ref is a (non-trainable) weight, saved and restored with the others; the config needs its shape only.
    return {"name": self.name, "body": keras.saving.serialize_keras_object(self.body),
            "reference_shape": [int(d) for d in self.reference_z.shape]}

  @classmethod
  def from_config(cls, config, custom_objects=None):
    body = keras.saving.deserialize_keras_object(config["body"], custom_objects=custom_objects)
    return cls(body, np.zeros(config["reference_shape"], np.float32), name=config["name"])


def reference_latents(n: int, z_dim: int, distribution: str, seed: int) -> np.ndarray:
  """The reference batch z_ref (n, z_dim), drawn once from the run's seed like G's latents (N(0,1) or U(-1,1))."""
  key = tf.constant([seed, _REFERENCE_SALT], tf.int64)
  if distribution == "normal":
    return tf.random.stateless_normal([n, z_dim], seed=key).numpy()
  return tf.random.stateless_uniform([n, z_dim], seed=key, minval=-1.0, maxval=1.0).numpy()


def vbn_generator(reference_z, resolution: int, channels: int, z_dim: int, width: int, **kwargs) -> keras.Model:
  """DCGAN's generator with every BN replaced by `VirtualBatchNorm`; z (B, z_dim) -> (B, R, R, C).

  reference_z: (N, z_dim); kwargs as `networks.dcgan.generator` (architecture, init_std, ...).
  """
  reference_z = np.asarray(reference_z, np.float32)
  if reference_z.ndim != 2 or reference_z.shape[1] != z_dim:
    raise ValueError(f"reference_z must have shape (N, {z_dim}), got {reference_z.shape}.")
  n = reference_z.shape[0]
  body = dcgan_nets.generator(resolution, channels, z_dim, width, norm_layer=lambda: VirtualBatchNorm(n),
                              name="generator_body", **kwargs)
  return ReferenceBatchGenerator(body, reference_z)


def minibatch_features(m):
  """o(x_i)_b = sum_{j != i} exp(-||M_{i,b} - M_{j,b}||_1) (Salimans 2016 §3.2, Eq. in the text).

  m: (B, kernels, kernel_dim) -> (B, kernels). The self term (j = i, always exp(0) = 1) is left out, as in
  improved-gan's `MinibatchLayer` (which adds 1e6 to the diagonal distances): a batch of identical examples
  gives B - 1 per kernel, a batch of far-apart examples gives about 0.
  """
  m = tf.cast(m, tf.float32)
  l1 = tf.reduce_sum(tf.abs(m[:, None] - m[None, :]), axis=-1)  # (B, B, kernels)
  return tf.reduce_sum(tf.exp(-l1), axis=1) - 1.0


@keras.saving.register_keras_serializable(package="tfgan_repro")
class MinibatchDiscrimination(layers.Layer):
  """f (B, H, W, C) or (B, A) -> [f, o] of shape (B, H, W, C + kernels) or (B, A + kernels).

  M = flatten(f) T reshaped to (B, kernels, kernel_dim) with a learned T (A, kernels * kernel_dim); o as in
  `minibatch_features`, computed within the batch D is called on (real and fake go through D separately).
  On a conv map o is broadcast over H x W before concatenation: D's next layer is a 4x4 valid conv over the
  whole map, so the per-position weights on o add up to one weight per kernel -- the same function class as
  concatenating o to the flattened f and a dense layer, with the conv D unchanged.
  Deviations from improved-gan's `MinibatchLayer`: T is a plain N(0, init_std) tensor (no weight
  normalisation or data-dependent initialisation) and o has no bias (D's logit bias absorbs a constant).
  """

  def __init__(self, kernels: int, kernel_dim: int, init_std: float = 0.02, **kwargs):
    super().__init__(**kwargs)
    if kernels < 1 or kernel_dim < 1:
      raise ValueError(f"Minibatch discrimination needs kernels >= 1 and kernel_dim >= 1, got {kernels} "
                       f"and {kernel_dim}.")
    self.kernels, self.kernel_dim, self.init_std = int(kernels), int(kernel_dim), init_std

  def build(self, input_shape):
    features = int(np.prod(input_shape[1:]))
    self.tensor = self.add_weight(shape=(features, self.kernels * self.kernel_dim), name="T", autocast=False,
                                  initializer=keras.initializers.RandomNormal(0.0, self.init_std))

  def call(self, f):
    # float32 throughout: exp(-L1) of near-equal rows is where bfloat16 would lose the signal
    flat = tf.reshape(tf.cast(f, tf.float32), [tf.shape(f)[0], -1])                      # (B, A)
    m = tf.reshape(tf.matmul(flat, self.tensor), [-1, self.kernels, self.kernel_dim])   # (B, K, D)
    o = tf.cast(minibatch_features(m), f.dtype)                                         # (B, K)
    if len(f.shape) == 4:
      o = tf.broadcast_to(o[:, None, None, :], tf.concat([tf.shape(f)[:3], [self.kernels]], 0))
    return tf.concat([f, o], -1)

  def compute_output_shape(self, input_shape):
    return tuple(input_shape[:-1]) + (input_shape[-1] + self.kernels,)

  def get_config(self):
    return {**super().get_config(), "kernels": self.kernels, "kernel_dim": self.kernel_dim,
            "init_std": self.init_std}
