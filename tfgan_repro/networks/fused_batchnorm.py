"""Batch normalisation through TensorFlow's fused kernel: the same layer as `keras.layers.BatchNormalization`
(same arguments, variables, outputs and moving-statistics updates), computed in training by one
`FusedBatchNormV3` op forward and one gradient op backward instead of Keras 3's chain of mean / variance /
normalise ops. With the moving statistics (inference) it computes what Keras computes.

Why: Keras 3 has no fused path; in a DCGAN-64 step (width 64, batch 64, one CPU core) its element-wise BN ops
cost about a tenth of the step, which the fused kernel mostly removes (results/PERFORMANCE.md).
Equal up to float round-off: the fused kernel returns the Bessel-corrected batch variance, which is scaled
back by (n - 1) / n so the moving variance follows Keras' (biased) update exactly.
Falls back to Keras' own computation wherever the fused kernel does not apply: statistics synchronised over
several replicas, masks, renorm, inputs that are not (B, H, W, C) with channels last, and op determinism.
"""
import contextlib

import keras
import tensorflow as tf
from keras import layers
from tensorflow.python.framework import config as tf_config  # is_op_determinism_enabled: no public name


_FUSED = [True]


@contextlib.contextmanager
def stock_keras_ops():
  """Steps traced inside compute BN with Keras' own ops (the bench's plain-Keras reference step)."""
  _FUSED.append(False)
  try:
    yield
  finally:
    _FUSED.pop()


@keras.saving.register_keras_serializable(package="tfgan_repro")
class FusedBatchNormalization(layers.BatchNormalization):

  def _fusable(self, inputs, mask) -> bool:
    replica = tf.distribute.get_replica_context()
    synced = self.synchronized and replica is not None and replica.num_replicas_in_sync > 1
    # Under --deterministic (op determinism) Keras' ops: the oneDNN kernel's batch sums can round differently
    # between two processes (1 ulp in the moving variance), which would break bit-exact resumption.
    return (_FUSED[-1] and mask is None and not synced and not self.renorm and self.center and self.scale
            and len(inputs.shape) == 4 and self.axis in (-1, 3)
            and not tf_config.is_op_determinism_enabled())

  def call(self, inputs, training=None, mask=None):
    if not self._fusable(inputs, mask):
      return super().call(inputs, training=training, mask=mask)
    x = tf.cast(inputs, tf.float32)  # statistics in float32, as Keras does under mixed precision
    gamma, beta = tf.cast(self.gamma, tf.float32), tf.cast(self.beta, tf.float32)
    if training and self.trainable:
      empty = tf.zeros([0], tf.float32)
      y, mean, variance, _, _, _ = tf.raw_ops.FusedBatchNormV3(
          x=x, scale=gamma, offset=beta, mean=empty, variance=empty, epsilon=self.epsilon,
          exponential_avg_factor=1.0, data_format="NHWC", is_training=True)
      n = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), tf.float32)
      variance = variance * tf.maximum(n - 1.0, 0.0) / n  # unbiased -> biased, as tf.nn.moments
      self.moving_mean.assign(self.moving_mean * self.momentum + tf.stop_gradient(mean) * (1.0 - self.momentum))
      self.moving_variance.assign(self.moving_variance * self.momentum
                                  + tf.stop_gradient(variance) * (1.0 - self.momentum))
    else:
      # With the moving statistics BN is x * scale + offset, two element-wise ops, computed as Keras does. Not
      # an inference FusedBatchNormV3: grappler's remapper fuses that op with a following Tanh (IGAN's output
      # layer), which oneDNN's CPU kernels do not implement ("Fusion is not implemented: [FusedBatchNorm,Tanh]"),
      # so a served IGAN generator failed (tests/test_sample.py).
      y = tf.nn.batch_normalization(x, tf.cast(self.moving_mean, tf.float32),
                                    tf.cast(self.moving_variance, tf.float32), beta, gamma, self.epsilon)
    return tf.cast(y, self.compute_dtype)
