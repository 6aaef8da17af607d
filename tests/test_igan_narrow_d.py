"""IGAN's discriminator below width 16: its residual skips compute the strided 1x1 convolution as subsampling
plus a stride-1 1x1 convolution (networks/igan.py, SubsampledPointwiseConv2D), the same layer as Keras'
strided Conv2D, because oneDNN's filter gradient of the strided kernel kills the process at those widths."""
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from tfgan_repro.networks import igan as nets


def _grads(layer, x):
  x = tf.convert_to_tensor(x)
  with tf.GradientTape() as tape:
    tape.watch(x)
    y = layer(x)
    loss = tf.reduce_sum(tf.sin(y))
  dx, dw = tape.gradient(loss, [x, layer.kernel])
  return y.numpy(), dx.numpy(), dw.numpy()


@pytest.mark.parametrize("side", [10, 9])  # even and odd inputs: 'valid' stride 2 reads x[:, ::2, ::2] on both
def test_the_subsampled_1x1_conv_is_keras_strided_conv(side):
  x = np.random.default_rng(0).normal(size=(3, side, side, 16)).astype(np.float32)
  strided = layers.Conv2D(24, 1, strides=2, use_bias=False)
  ours = nets.SubsampledPointwiseConv2D(24, 1, strides=2, use_bias=False)
  strided.build(x.shape)
  ours.build(x.shape)
  ours.kernel.assign(strided.kernel)
  for got, want in zip(_grads(ours, x), _grads(strided, x)):
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
  assert ours.compute_output_shape(x.shape) == strided.compute_output_shape(x.shape) == (3, side // 2 + side % 2,
                                                                                         side // 2 + side % 2, 24)


def test_the_subsampled_1x1_conv_keeps_its_config_and_refuses_other_kernels():
  layer = nets.SubsampledPointwiseConv2D(8, 1, strides=2, use_bias=False, name="skip")
  again = nets.SubsampledPointwiseConv2D.from_config(layer.get_config())
  assert (again.filters, tuple(again.strides), again.name) == (8, (2, 2), "skip")
  restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
  assert type(restored) is nets.SubsampledPointwiseConv2D
  with pytest.raises(ValueError, match="1x1"):
    nets.SubsampledPointwiseConv2D(8, 3, strides=2)
  with pytest.raises(ValueError, match="1x1"):
    nets.SubsampledPointwiseConv2D(8, 1, strides=2, padding="same")


_TRAIN_NARROW_D = """
import tensorflow as tf
from tfgan_repro.networks import igan as nets
for width in (4, 8, 12):
  d = nets.discriminator(3, width)
  x = tf.random.stateless_normal([8, 96, 96, 3], [0, width])
  @tf.function
  def step(x):
    with tf.GradientTape() as tape:
      loss = tf.reduce_mean(d(x, training=True))
    return tape.gradient(loss, d.trainable_variables)
  for _ in range(2):
    grads = step(x)
  assert all(bool(tf.reduce_all(tf.math.is_finite(g))) for g in grads)
print("trained", flush=True)
"""


def test_narrow_discriminators_train_under_onednn():
  """D at widths 4 / 8 / 12 (its first skip: 4-12 channels at 48x48 into 8-24 filters) takes gradient steps
  in a process with oneDNN's kernels on, where the strided 1x1 filter gradient crashed (TF 2.21, AMD EPYC
  with AVX512_BF16). The check is a child process: it forces oneDNN whatever kernels the suite runs (conftest.py
  follows the user's choice), and a crash there fails this test instead of killing the suite."""
  env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
  done = subprocess.run([sys.executable, "-c", _TRAIN_NARROW_D], capture_output=True, text=True, timeout=600,
                        env=env)
  assert done.returncode == 0 and "trained" in done.stdout, (done.returncode, done.stderr[-2000:])
