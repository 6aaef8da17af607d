"""IGAN and batch norm (issue 12, items 12-13): G's inference activations match the statistics its BN layers
collected with dropout on; the gradient-penalty pass leaves D's moving statistics alone, and its
"inference" mode is the per-sample penalty."""
import keras
import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.gans.igan import IGAN
from tfgan_repro.losses import penalties
from tfgan_repro.networks import igan as nets

from tests.helpers import tiny_config

Z = tf.random.stateless_normal([32, 100], [0, 1])


def _bn_after(g, layer_name):
  """The BatchNormalization layer that reads `layer_name`'s output."""
  out = g.get_layer(layer_name).output
  return next(l for l in g.layers if isinstance(l, keras.layers.BatchNormalization) and l.input is out)


def collect_moving_statistics(net, z, passes=20):
  """BN moving statistics as after a long run: training-mode passes on fixed data from zero, bias-corrected
  for the missing history (else the initial variance of 1 would still weigh 0.9^passes)."""
  bns = [l for l in net.layers if isinstance(l, keras.layers.BatchNormalization)]
  for bn in bns:
    bn.moving_mean.assign(tf.zeros_like(bn.moving_mean))
    bn.moving_variance.assign(tf.zeros_like(bn.moving_variance))
  for _ in range(passes):
    net(z, training=True)
  for bn in bns:
    for v in (bn.moving_mean, bn.moving_variance):
      v.assign(v / (1.0 - bn.momentum ** passes))


# --- item 12: G's dropout and BN at inference ----------------------------------------------------------------
@pytest.mark.parametrize("at_inference, classes", [(True, 0), (False, 0), (True, 2)])  # IGAN; IGAN_v2 / VN
def test_inference_activations_match_the_bn_moving_statistics(at_inference, classes):
  keras.utils.set_random_seed(0)
  g = nets.generator(3, 100, width=8, classes=classes, stride1_convs=classes > 0, dropout=0.5,
                     dropout_at_inference=at_inference)
  collect_moving_statistics(g, Z)
  last = "main_ps96_c1_d2s" if classes else "main_ps96_d2s"
  names = ("main_ps16_d2s", "main_up48", last)  # pre-BN outputs downstream of dropout
  bns = [_bn_after(g, n) for n in names]
  pre_bn = keras.Model(g.input, [g.get_layer(n).output for n in names])(Z, training=False)
  ratios = []
  for bn, x in zip(bns, pre_bn):
    x = x.numpy().reshape(-1, x.shape[-1])  # (B*H*W, C) pre-BN activations at inference
    ratios.append(np.median(x.var(0) / bn.moving_variance.numpy()))
    if at_inference:
      np.testing.assert_allclose(x.mean(0), bn.moving_mean.numpy(), atol=0.1 * np.sqrt(x.var(0).max()))
  if at_inference:  # the statistics BN normalises by are the ones it sees
    assert all(0.85 < r < 1.15 for r in ratios), dict(zip(names, ratios))
  else:  # Keras' default: dropout off, inputs of about half the variance BN divides by
    assert all(r < 0.7 for r in ratios), dict(zip(names, ratios))


def test_inference_dropout_is_a_fixed_function_of_z():
  g = nets.generator(3, 100, width=4, dropout=0.5)
  assert [(type(l), l.rate) for l in g.layers if "drop" in l.name] == [(nets.NoiseDropout, 0.5)] * 2
  alone = g(Z[:3], training=False).numpy()
  # Independent of the batch: equal up to the rounding of convolutions run at another batch size (oneDNN
  # picks kernels by shape and thread count), far below the dropout mask's effect checked below.
  np.testing.assert_allclose(g(Z[:8], training=False).numpy()[:3], alone, rtol=0, atol=1e-6)
  np.testing.assert_array_equal(g(Z[:3], training=False).numpy(), alone)
  assert not np.allclose(g(Z[:3], training=True).numpy(), g(Z[:3], training=True).numpy())  # fresh in training
  off = nets.generator(3, 100, width=4, dropout=0.5, dropout_at_inference=False)
  off.set_weights(g.get_weights())
  assert not np.allclose(off(Z[:3], training=False).numpy(), alone)

  drop = g.get_layer("main_drop16")
  x = tf.ones([256, 16, 16, 4])
  out = drop([x, tf.random.stateless_normal([256, 100], [2, 1])], training=False).numpy()
  assert set(np.unique(out)) == {0.0, 2.0}  # kept units scaled by 1 / (1 - rate)
  kept = out.reshape(256, -1) > 0
  assert abs(kept.mean() - 0.5) < 0.01
  assert abs(np.corrcoef(kept[0], kept[1])[0, 1]) < 0.1  # samples get different masks
  assert abs(np.corrcoef(kept[:, 0], kept[:, 1])[0, 1]) < 0.2  # units are dropped independently
  np.testing.assert_array_equal(off.get_layer("main_drop16")([x[:1], Z[:1]], training=False), x[:1])


def test_generator_with_noise_dropout_saves_and_loads(tmp_path):
  g = nets.generator(3, 100, width=4, dropout=0.5)
  g.save(tmp_path / "g.keras")
  loaded = keras.saving.load_model(tmp_path / "g.keras", compile=False)
  np.testing.assert_array_equal(loaded(Z[:2], training=False).numpy(), g(Z[:2], training=False).numpy())


def test_presets_keep_dropout_at_inference_and_the_override_switches_it_off():
  on = gans.build(tiny_config("igan_fashion_mnist_96"), 3).generator
  off = gans.build(tiny_config("igan_fashion_mnist_96", g_dropout_at_inference="false"), 3).generator
  assert on.get_layer("main_drop8").at_inference and not off.get_layer("main_drop8").at_inference
  # A run directory written before the two fields existed builds with the presets' values.
  old = tiny_config("igan_fashion_mnist_96").to_dict()
  del old["g_dropout_at_inference"], old["gp_bn_mode"]
  model = gans.build(ml_collections.ConfigDict(old), 3)
  assert model.generator.get_layer("main_drop8").at_inference and model.gp_bn_mode == "batch"


# --- item 13: the gradient penalty and D's BN --------------------------------------------------------------
def _model(gp_bn_mode="batch", seed=0):
  keras.utils.set_random_seed(seed)
  g = nets.generator(3, 100, width=4, dropout=0.0)
  d = nets.discriminator(3, width=4)
  model = IGAN(g, [d], n_critic=1, latent_dim=100, gp_bn_mode=gp_bn_mode, seed=1)
  model.compile(keras.optimizers.Adam(1e-3), [keras.optimizers.Adam(1e-3)])
  for i in range(3):  # moving statistics away from their (0, 1) start
    d(tf.random.stateless_uniform([8, 96, 96, 3], [i, 2], -1.0, 1.0), training=True)
  return model


def _stats(net):
  return [v.numpy() for v in net.non_trainable_variables]


def _batch(b=6):
  real = tf.random.stateless_uniform([b, 96, 96, 3], [5, 1], -1.0, 1.0)
  fake = tf.random.stateless_uniform([b, 96, 96, 3], [5, 2], -1.0, 1.0) * 0.5
  eps = tf.random.stateless_uniform([b, 1, 1, 1], [5, 3])
  return real, fake, eps


@pytest.mark.parametrize("mode", ["batch", "inference"])
def test_penalty_pass_leaves_d_moving_statistics_unchanged(mode):
  model = _model(mode)
  d, (real, fake, eps) = model.discriminators[0], _batch()
  before = _stats(d)
  assert np.isfinite(float(model._penalty(d, real, fake, eps)))
  for a, b in zip(before, _stats(d)):
    np.testing.assert_array_equal(a, b)
  # The unguarded pass (the old code) does move them: the check above can fail.
  penalties.wasserstein_gradient_penalty(lambda v: d(v, training=True), real, fake, eps)
  assert any(not np.array_equal(a, b) for a, b in zip(before, _stats(d)))


def test_critic_step_moving_statistics_are_the_same_with_and_without_the_penalty_pass():
  real = tf.random.stateless_uniform([1, 4, 96, 96, 3], [7, 1], -1.0, 1.0)  # (K, B, H, W, C)
  stats = []
  for with_penalty in (True, False):
    model = _model()
    if not with_penalty:
      model._penalty = lambda *args: tf.constant(0.0)
    model._critic_step(real, tf.constant(0, tf.int64))  # the traced graph, as in training
    stats.append(_stats(model.discriminators[0]))
  for a, b in zip(*stats):
    np.testing.assert_array_equal(a, b)


def test_inference_mode_penalty_is_per_sample_and_batch_mode_is_not():
  real, fake, eps = _batch()

  # Traced, as in training. Eagerly, repeated batch-1 calls crash TF 2.21's oneDNN convolution with 2
  # threads on this CPU (a segmentation fault inside conv2d_eager_fallback; fine on 1 thread or traced).
  def penalty(model, *batch):
    return float(tf.function(model._penalty)(model.discriminators[0], *batch))

  def per_sample(model):  # reference: each sample's penalty computed alone, then averaged
    return np.mean([penalty(model, real[i:i + 1], fake[i:i + 1], eps[i:i + 1]) for i in range(6)])

  inference = _model("inference")
  reference = per_sample(inference)
  batched = penalty(inference, real, fake, eps)
  np.testing.assert_allclose(batched, reference, rtol=1e-4)
  batch = _model("batch")  # same weights and moving statistics (same seed)
  coupled = penalty(batch, real, fake, eps)
  assert abs(coupled - reference) > 1e-3 * abs(reference)  # BN's batch statistics couple the samples


def test_unknown_gp_bn_mode_is_refused():
  with pytest.raises(ValueError, match="gp_bn_mode must be one of batch, inference"):
    _model("per_sample")
