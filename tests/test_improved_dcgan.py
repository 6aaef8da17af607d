"""The five Improved Techniques as DCGAN options (seed 003, SPEC §5): every combination trains, state is saved."""
import itertools
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import tiny_config, weights_of
from tfgan_repro import gans
from tfgan_repro.networks import improved as improved_nets
from tfgan_repro.training import checkpointing, run_dir

OPTIONS = ("feature_matching", "minibatch_discrimination", "historical_averaging", "label_smoothing",
           "virtual_batchnorm")


def _config(preset="dcgan_fashion_mnist_32", **on):
  overrides = {k: v for k, v in on.items() if k != "label_smoothing"}
  if on.get("label_smoothing"):
    overrides["label_smoothing"] = 0.9
  return tiny_config(preset, **overrides)


def _images(n=4, seed=0):
  return {"images": tf.random.stateless_uniform([n, 32, 32, 1], [seed, 7], -1.0, 1.0)}


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=5)),
                         ids=lambda f: "".join("FMHLV"[i] if on else "-" for i, on in enumerate(f)))
def test_every_combination_builds_and_takes_a_step(flags):
  on = dict(zip(OPTIONS, flags))
  model = gans.build(_config(**on), channels=1)
  g_before, d_before = weights_of(model.generator), weights_of(model.discriminator)
  logs = model.train_step(_images())
  assert all(np.isfinite(float(v)) for v in logs.values()) and float(logs["nonfinite"]) == 0
  for before, net in ((g_before, model.generator), (d_before, model.discriminator)):
    changed = [not np.array_equal(a, b) for a, b, v in zip(before, weights_of(net), net.weights) if v.trainable]
    assert all(changed), f"{net.name}: {changed.count(False)} trainable variables did not change"
  assert isinstance(model.generator, improved_nets.ReferenceBatchGenerator) == on["virtual_batchnorm"]
  assert ("minibatch" in [l.name for l in model.discriminator.layers]) == on["minibatch_discrimination"]
  assert (model.feature_matching_layer is not None) == on["feature_matching"]
  assert model.label_smoothing == (0.9 if on["label_smoothing"] else 1.0)
  assert ("g_history" in logs) == on["historical_averaging"]
  items = model.checkpoint_items()
  assert ("vbn_reference_z" in items) == on["virtual_batchnorm"]
  assert ("g_average" in items and "d_average" in items) == on["historical_averaging"]


def test_running_means_in_the_model_after_known_steps():
  model = gans.build(_config(historical_averaging=True, historical_weight=0.5), channels=1)
  snapshots = [[v.numpy() for v in model.discriminator.trainable_variables]]
  for s in range(3):
    model.train_step(_images(seed=s))
    snapshots.append([v.numpy() for v in model.discriminator.trainable_variables])
  assert int(model.average_count.numpy()) == 4
  expected_avg = [np.mean(vals, axis=0) for vals in zip(*snapshots)]
  for avg, exp in zip(model.d_average, expected_avg):
    np.testing.assert_allclose(avg.numpy(), exp, rtol=1e-5, atol=1e-7)
  expected = 0.5 * sum(((v - a) ** 2).sum() for v, a in zip(snapshots[-1], expected_avg))
  assert float(model._history_penalty(model.discriminator, "d")) == pytest.approx(expected, rel=1e-4)


def test_improved_preset_turns_everything_on_and_dcgan_keeps_it_off():
  plain, imp = tiny_config("dcgan_fashion_mnist_32"), tiny_config("dcgan_improved_fashion_mnist_32")
  assert not any(plain[k] for k in OPTIONS if k != "label_smoothing") and plain.label_smoothing == 1.0
  assert all(imp[k] for k in OPTIONS) and imp.label_smoothing == 0.9 and imp.model == "dcgan_improved"
  assert tiny_config("dcgan_improved_cifar10_32").dataset == "cifar10"
  assert {k: v for k, v in plain.items() if k not in OPTIONS + ("model", "preset", "historical_weight")} == \
      {k: v for k, v in imp.items() if k not in OPTIONS + ("model", "preset", "historical_weight")}


def test_config_echoes_options_and_checkpoint_keeps_reference_batch_and_running_means(tmp_path):
  config = tiny_config("dcgan_improved_fashion_mnist_32")
  run_dir.prepare(str(tmp_path), config)
  echoed = json.loads((tmp_path / "config.json").read_text())
  assert {k: echoed[k] for k in OPTIONS + ("historical_weight", "vbn_reference_size", "minibatch_kernels",
                                           "minibatch_kernel_dim", "feature_matching_layer")} == \
      {k: config[k] for k in OPTIONS + ("historical_weight", "vbn_reference_size", "minibatch_kernels",
                                        "minibatch_kernel_dim", "feature_matching_layer")}

  model = gans.build(config, channels=1)
  model.train_step(_images())
  checkpointing.Checkpointer(model, str(tmp_path / "ckpt")).save()
  saved = [k for k, _ in tf.train.list_variables(str(tmp_path / "ckpt"))]
  for item in ("vbn_reference_z/", "g_average/", "d_average/", "average_count/"):
    assert any(k.startswith(item) for k in saved), item

  fresh = gans.build(tiny_config("dcgan_improved_fashion_mnist_32", seed=1), channels=1)
  assert not np.allclose(fresh.generator.reference_z.numpy(), model.generator.reference_z.numpy())
  assert checkpointing.Checkpointer(fresh, str(tmp_path / "ckpt")).restore_latest() == 1
  np.testing.assert_array_equal(fresh.generator.reference_z.numpy(),
                                improved_nets.reference_latents(4, 100, "normal", 0))  # drawn from seed 0
  assert int(fresh.average_count.numpy()) == 2
  for a, b in zip(fresh.g_average + fresh.d_average, model.g_average + model.d_average):
    np.testing.assert_array_equal(a.numpy(), b.numpy())
  z = tf.random.normal([3, 100], seed=5)
  np.testing.assert_allclose(fresh.generate(z).numpy(), model.generate(z).numpy(), atol=1e-6)


def test_all_options_under_mixed_bfloat16_keep_float32_losses():
  keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
  model = gans.build(_config(**dict.fromkeys(OPTIONS, True)), channels=1)
  logs = model.train_step(_images())
  assert all(np.isfinite(float(v)) for v in logs.values())
  fake = model.generator(tf.zeros([2, 100]), training=True)
  assert fake.dtype == tf.float32
  assert model.generator_loss(_images(2)["images"], fake).dtype == tf.float32
  assert model._history_penalty(model.generator, "g").dtype == tf.float32


def test_replica_invariant_options_two_mirrored_replicas_equal_one_device(mirrored_strategy):
  # Historical averaging, label smoothing and VBN do not depend on how the batch is split (minibatch
  # features and feature-matching means are per replica batch, see DCGAN's docstring). Eager
  # `strategy.run` keeps this test free of tracing.
  config = _config(historical_averaging=True, label_smoothing=True, virtual_batchnorm=True, batch_size=8)
  images = _images(8)["images"]
  single = gans.build(config, channels=1)
  initial = single.get_weights()
  single.train_step({"images": images})
  strategy = mirrored_strategy
  with strategy.scope():
    double = gans.build(config, channels=1)
  double.set_weights(initial)
  halves = strategy.experimental_distribute_values_from_function(
      lambda ctx: {"images": images[4 * ctx.replica_id_in_sync_group:4 * (ctx.replica_id_in_sync_group + 1)]})
  strategy.run(double.train_step, args=(halves,))
  assert int(double.average_count.numpy()) == 2
  assert max(float(np.abs(a - b).max()) for a, b in zip(single.get_weights(), initial)) > 1e-4
  for a, b, v in zip(single.get_weights(), double.get_weights(), single.weights):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=2e-5, err_msg=v.path)


@pytest.mark.parametrize("overrides, message", [
    (dict(feature_matching=True, feature_matching_layer=3), r"use -3 \.\. 2"),
    (dict(feature_matching=True, feature_matching_distance="l1"), "squared_l2, mean_abs"),
    (dict(historical_averaging=True, historical_weight=0.0), "historical_weight > 0"),
    (dict(label_smoothing=1.5), r"in \(0, 1\]"),
    (dict(virtual_batchnorm=True, vbn_reference_size=0), "vbn_reference_size"),
    (dict(minibatch_discrimination=True, minibatch_kernels=0), "kernels >= 1"),
])
def test_bad_options_raise_value_error(overrides, message):
  with pytest.raises(ValueError, match=message):
    gans.build(tiny_config("dcgan_fashion_mnist_32", **overrides), channels=1)
