"""FusedBatchNormalization computes what keras.layers.BatchNormalization computes (issue 13: the DCGAN and
WGAN-GP generators use it for speed)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.networks.fused_batchnorm import FusedBatchNormalization


def run(cls, x, steps=3, **kwargs):
  """Outputs and input/parameter gradients of a few training calls, then an inference call and the moving stats."""
  layer = cls(**kwargs)
  layer.build(x.shape)
  layer.gamma.assign(tf.linspace(0.5, 1.5, x.shape[-1]))
  layer.beta.assign(tf.linspace(-0.2, 0.3, x.shape[-1]))
  out = []
  for i in range(steps):
    xi = x * (1.0 + 0.1 * i)
    with tf.GradientTape() as tape:
      tape.watch(xi)
      y = layer(xi, training=True)
      loss = tf.reduce_sum(tf.cast(y, tf.float32) * tf.sin(tf.cast(y, tf.float32)))
    out += [y] + tape.gradient(loss, [xi, layer.gamma, layer.beta])
  out += [layer(x, training=False), layer.moving_mean, layer.moving_variance]
  return [np.asarray(tf.cast(v, tf.float32)) for v in out]


@pytest.mark.parametrize("kwargs", [dict(momentum=0.9, epsilon=1e-5), dict()])
def test_fused_equals_keras_batchnorm(kwargs):
  x = tf.random.stateless_normal([8, 5, 5, 6], [1, 2]) * 3.0 + 1.0
  for got, want in zip(run(FusedBatchNormalization, x, **kwargs), run(keras.layers.BatchNormalization, x, **kwargs)):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_fused_under_mixed_bfloat16_keeps_float32_statistics():
  keras.mixed_precision.set_dtype_policy("mixed_bfloat16")  # reset by the conftest fixture
  x = tf.random.stateless_normal([4, 3, 3, 2], [3, 4])
  layer = FusedBatchNormalization()
  y = layer(x, training=True)
  assert y.dtype == tf.bfloat16 and layer.moving_mean.dtype == "float32"
  np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * np.mean(x.numpy(), axis=(0, 1, 2)), rtol=1e-3,
                             atol=1e-5)


def test_non_image_inputs_fall_back_to_keras():
  x = tf.random.stateless_normal([16, 6], [5, 6])
  for got, want in zip(run(FusedBatchNormalization, x), run(keras.layers.BatchNormalization, x)):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
