"""One real training step of every preset's tiny variant: finite losses, every network's weights changed.

Presets whose tiny variants differ only in the data set they name (e.g. igan_celeba_96 and igan_lsun_96) build the
same networks and take the same step on the random batch below, so each such group runs once, under its first
preset's name; `test_groups_differ_only_in_data` checks the grouping.
"""
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans, presets
from tfgan_repro.training import loop

from tests.helpers import tiny_config

PRESETS = [name for name, _ in presets.list_presets()]
# Where the images come from (and the preset's own name): the step below never reads them.
_DATA_FIELDS = ("dataset", "data_dir", "preset")


def _step_key(name):
  """Everything a training step on a random batch depends on: the config without its data source, and channels."""
  config = tiny_config(name)
  fields = {k: v for k, v in config.to_dict().items() if k not in _DATA_FIELDS}
  return json.dumps(fields, sort_keys=True, default=str) + f"|channels={loop.channels_of(config)}"


def _groups():
  groups = {}
  for name in PRESETS:
    groups.setdefault(_step_key(name), []).append(name)
  return list(groups.values())


GROUPS = _groups()


def random_batch(model, config, channels):
  """Random images in [-1, 1] shaped as the pipeline would deliver them for this model."""
  classes = [c for c in str(config.classes).split(",") if c.strip()]
  groups = len(classes) if model.balanced_classes else 1
  n = config.batch_size * model.batches_per_step * groups
  images = tf.random.stateless_uniform([n, config.resolution, config.resolution, channels], [1, 2], -1.0, 1.0)
  labels = tf.repeat(tf.range(groups, dtype=tf.int64), n // groups)
  return {"images": images, "labels": labels}


def _built(name):
  """(variable path below the model, shape, initial value) of every weight, built from a fixed seed."""
  keras.utils.set_random_seed(0)
  config = tiny_config(name)
  model = gans.build(config, loop.channels_of(config))
  return [(v.path.split("/", 1)[1], tuple(v.shape), v.numpy()) for v in model.weights]


def test_groups_differ_only_in_data():
  assert sorted(n for g in GROUPS for n in g) == sorted(PRESETS)
  for group in GROUPS:
    first = tiny_config(group[0]).to_dict()
    for name in group[1:]:
      other = tiny_config(name).to_dict()
      assert {k for k in first if first[k] != other.get(k)} <= set(_DATA_FIELDS), (group[0], name)
  assert len(GROUPS) < len(PRESETS)  # the grouping saves work only while some presets share their networks
  # The premise, checked rather than assumed: the models never read the data fields, so every preset of a group
  # builds the same weights (names, shapes, initial values) as the one whose step runs below.
  for group in (g for g in GROUPS if len(g) > 1):
    want = _built(group[0])
    for name in group[1:]:
      got = _built(name)
      assert [w[:2] for w in got] == [w[:2] for w in want], (group[0], name)
      assert all(np.array_equal(a[2], b[2]) for a, b in zip(got, want)), (group[0], name)


@pytest.mark.parametrize("preset", [g[0] for g in GROUPS])
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
