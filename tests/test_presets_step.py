"""One real training step of every preset's tiny variant: finite losses, every network's weights changed."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans, presets
from tfgan_repro.training import loop

from tests.helpers import tiny_config

PRESETS = [name for name, _ in presets.list_presets()]


def random_batch(model, config, channels):
  """Random images in [-1, 1] shaped as the pipeline would deliver them for this model."""
  classes = [c for c in str(config.classes).split(",") if c.strip()]
  groups = len(classes) if model.balanced_classes else 1
  n = config.batch_size * model.batches_per_step * groups
  images = tf.random.stateless_uniform([n, config.resolution, config.resolution, channels], [1, 2], -1.0, 1.0)
  labels = tf.repeat(tf.range(groups, dtype=tf.int64), n // groups)
  return {"images": images, "labels": labels}


@pytest.mark.parametrize("preset", PRESETS)
def test_one_step_per_preset(preset):
  config = tiny_config(preset)
  channels = loop.channels_of(config)
  model = gans.build(config, channels)
  networks = {"generator": model.generator, "discriminator": model.discriminator}
  before = {k: [v.numpy() for v in net.trainable_variables] for k, net in networks.items()}
  logs = model.train_step(random_batch(model, config, channels))
  for name, value in logs.items():
    assert np.isfinite(float(value)), (preset, name, value)
  assert float(logs["nonfinite"]) == 0.0
  for k, net in networks.items():
    unchanged = [v.path for v, b in zip(net.trainable_variables, before[k]) if np.array_equal(v.numpy(), b)]
    assert not unchanged, f"{preset}: {k} variables did not change: {unchanged}"
  assert int(model.step.numpy()) == 1
