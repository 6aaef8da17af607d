"""--reuse_fake (issue 13.4): DCGAN's G update reuses the D step's G(z), one generator pass fewer per step."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans

from tests.helpers import tiny_config


@pytest.mark.parametrize("reuse,g_passes", [(False, 2), (True, 1)])
def test_generator_passes_per_step(reuse, g_passes):
  config = tiny_config("dcgan_fashion_mnist_32", reuse_fake=reuse)
  model = gans.build(config, channels=1)
  calls, call = [], model.generator.call
  model.generator.call = lambda *args, **kwargs: calls.append(1) or call(*args, **kwargs)
  before = [v.numpy() for v in model.generator.trainable_variables + model.discriminator.trainable_variables]
  batch = {"images": tf.random.stateless_uniform([4, 32, 32, 1], [7, 8], -1.0, 1.0), "labels": tf.zeros([4], tf.int64)}
  logs = model.train_step(batch)  # eager: every G pass is a Python call
  assert len(calls) == g_passes
  assert all(np.isfinite(float(v)) for v in logs.values()) and float(logs["nonfinite"]) == 0
  after = model.generator.trainable_variables + model.discriminator.trainable_variables
  assert all(not np.array_equal(a, b.numpy()) for a, b in zip(before, after))
