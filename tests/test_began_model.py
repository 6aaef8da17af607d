"""BEGAN train_step: k_t and M_global against their closed forms, the objectives' gradients, learning-rate
readings and halving, checkpointed state, reconstructions, and one step of every preset."""
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import tiny_config, weights_of
from tfgan_repro import gans
from tfgan_repro.losses import began as losses
from tfgan_repro.training import checkpointing

PRESETS = ["began_fashion_mnist_32", "began_skip_fashion_mnist_32", "began_cifar10_32",
           "began_skip_cifar10_32", "began_celeba_64", "began_skip_celeba_64"]


def _model(preset="began_skip_fashion_mnist_32", channels=1, **overrides):
  """Tiny BEGAN whose initial weights depend only on `seed` (not on the tests run before)."""
  config = tiny_config(preset, **overrides)
  keras.utils.set_random_seed(config.seed)
  return gans.build(config, channels)


def _images(shape=(4, 32, 32, 1), seed=0):
  return tf.constant(np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32"))


def _pixel_losses(model, real):
  """L(x), L(G(z_D)), L(G(z_G)) with the latents the next step will draw, before it changes anything."""
  eta, batch = model.eta, real.shape[0]
  fake_d, fake_g = model.generator(model.latents(batch, "z_d")), model.generator(model.latents(batch, "z_g"))
  return [float(losses.began_autoencoder_loss(v, model.discriminator(v), eta)) for v in (real, fake_d, fake_g)]


@pytest.mark.parametrize("eta", [1, 2])
def test_step_matches_closed_forms_of_losses_k_and_m_global(eta):
  model, real = _model(eta=eta), _images()
  model.k_t.assign(0.2)
  l_real, l_fake_d, l_fake_g = _pixel_losses(model, real)
  logs = {k: float(v) for k, v in model.train_step({"images": real}).items()}
  gamma, lambda_k = 0.5, 0.001  # preset values (seed 000 Fig. 5; SPEC §1)
  np.testing.assert_allclose([logs["l_real"], logs["l_fake"], logs["g_loss"]], [l_real, l_fake_g, l_fake_g],
                             rtol=1e-5)
  np.testing.assert_allclose(logs["d_loss"], l_real - 0.2 * l_fake_d, rtol=1e-5)
  np.testing.assert_allclose(logs["m_global"], l_real + abs(gamma * l_real - l_fake_g), rtol=1e-5)
  expected_k = 0.2 + lambda_k * (gamma * l_real - l_fake_g)
  assert abs(expected_k - 0.2) > 1e-5
  np.testing.assert_allclose(float(model.k_t.numpy()), expected_k, atol=1e-7)
  assert logs["k_t"] == float(model.k_t.numpy())


def test_k_clips_at_0_and_1():
  low, real = _model(gamma=0.0), _images()  # gamma 0: the update is -lambda_k L(G(z_G)) < 0
  low.train_step({"images": real})
  assert float(low.k_t.numpy()) == 0.0
  high = _model(gamma=1.0, lambda_k=100.0)
  high.k_t.assign(0.99)
  l_real, _, l_fake_g = _pixel_losses(high, real)
  assert 0.99 + 100.0 * (l_real - l_fake_g) > 1.0  # the unclipped update leaves [0, 1]
  high.train_step({"images": real})
  assert float(high.k_t.numpy()) == 1.0


def test_updates_follow_the_gradients_of_l_d_and_l_g_at_the_same_weights():
  """Adam's first step is -lr * sign(grad): D descends L_D and G descends L_G, both taken before either
  network moved (simultaneous update)."""
  model, real = _model(), _images()
  model.k_t.assign(0.5)
  z_d, z_g = model.latents(4, "z_d"), model.latents(4, "z_g")
  g_vars, d_vars = model.generator.trainable_variables, model.discriminator.trainable_variables
  with tf.GradientTape(persistent=True) as tape:
    fake_d = tf.stop_gradient(model.generator(z_d))
    ae = lambda v: losses.began_autoencoder_loss(v, model.discriminator(v), 1)
    d_loss = ae(real) - 0.5 * ae(fake_d)
    g_loss = ae(model.generator(z_g))
  grads = {"d": tape.gradient(d_loss, d_vars), "g": tape.gradient(g_loss, g_vars)}
  before = {"d": [v.numpy() for v in d_vars], "g": [v.numpy() for v in g_vars]}
  model.train_step({"images": real})
  for name, lr, variables in (("d", 4e-4, d_vars), ("g", 1e-4, g_vars)):
    for grad, old, var in zip(grads[name], before[name], variables):
      grad = grad.numpy()
      big = np.abs(grad) > 1e-4
      assert big.any()
      np.testing.assert_allclose((var.numpy() - old)[big], -lr * np.sign(grad[big]), rtol=0.02, atol=lr * 0.02)


@pytest.mark.parametrize("preset", PRESETS)
def test_one_step_per_preset_is_finite_and_moves_everything(preset):
  config = tiny_config(preset)
  channels = 1 if "fashion" in preset else 3
  model = gans.build(config, channels)
  model.k_t.assign(0.5)  # from k_0 = 0 a negative update is clipped, which would hide a missing update
  assert model.generator.output.shape[1:] == (config.resolution, config.resolution, channels)
  g0, d0 = weights_of(model.generator), weights_of(model.discriminator)
  logs = model.train_step({"images": _images((4, config.resolution, config.resolution, channels))})
  assert all(np.isfinite(float(v)) for v in logs.values()) and float(logs["nonfinite"]) == 0.0
  for before, after in ((g0, weights_of(model.generator)), (d0, weights_of(model.discriminator))):
    assert len(before) > 0 and all(not np.array_equal(a, b) for a, b in zip(before, after))
  assert float(model.k_t.numpy()) != 0.5


def test_mixed_precision_step_keeps_state_float32():
  keras.mixed_precision.set_dtype_policy("mixed_bfloat16")  # reset by the conftest fixture
  model = _model()
  model.k_t.assign(0.5)
  logs = model.train_step({"images": _images()})
  assert model.k_t.dtype == "float32" and logs["m_global"].dtype == "float32"
  assert np.isfinite(float(logs["m_global"])) and float(model.k_t.numpy()) != 0.5


@pytest.mark.parametrize("preset, overrides, expected", [
    ("began_fashion_mnist_32", {}, (1e-4, 1e-4)),
    ("began_skip_fashion_mnist_32", {}, (1e-4, 4e-4)),
    ("began_skip_fashion_mnist_32", {"lr_reading": "ttur_literal"}, (1e-3, 4e-3)),
    ("began_skip_fashion_mnist_32", {"g_lr": 2e-4}, (2e-4, 4e-4)),
])
def test_learning_rate_readings(preset, overrides, expected):
  model = _model(preset, **overrides)
  got = {n: float(o.learning_rate) for n, o in model.optimizers_by_name().items()}
  np.testing.assert_allclose([got["g"], got["d"]], expected, rtol=1e-6)


@pytest.mark.parametrize("field, value, match", [
    ("lr_reading", "ttur", "anchored"), ("gamma", 1.5, r"\[0, 1\]"), ("eta", 3, "1 or 2"),
    ("lr_decay", "cosine", "plateau"), ("resolution", 48, "32, 64, 128, 256")])
def test_bad_config_says_what_is_allowed(field, value, match):
  with pytest.raises(ValueError, match=match):
    _model(**{field: value})


def test_fixed_schedule_halves_both_rates_down_to_the_floor():
  model, real = _model(lr_decay="step", lr_halve_every=1), _images()
  rates = []
  for _ in range(4):
    model.train_step({"images": real})
    rates.append([float(o.learning_rate) for o in (model.g_optimizer, model.d_optimizer)])
  # 1e-4 / 4e-4 halve each step until G reaches the 2e-5 floor; D keeps the 4:1 ratio.
  np.testing.assert_allclose(rates, [[5e-5, 2e-4], [2.5e-5, 1e-4], [2e-5, 8e-5], [2e-5, 8e-5]], rtol=1e-6)


def test_checkpoint_restores_k_and_schedule_state_exactly_and_resumes_the_same_run(tmp_path):
  real1, real2 = _images(seed=1), _images(seed=2)
  kw = dict(lr_window=1, lr_patience=1)  # every step ends a window: the plateau state moves too
  first, through = _model(**kw), _model(**kw)
  for src, dst in ((first.generator, through.generator), (first.discriminator, through.discriminator)):
    dst.set_weights(src.get_weights())
  for model in (first, through):
    model.k_t.assign(0.5)
  for batch in (real1, real2):
    through.train_step({"images": batch})

  first.train_step({"images": real1})
  checkpointing.Checkpointer(first, str(tmp_path)).save()
  resumed = _model(seed=1, **kw)  # other initial weights and seed: all must come from the checkpoint
  assert checkpointing.Checkpointer(resumed, str(tmp_path)).restore_latest() == 1
  state = lambda m: [m.k_t, m.lr_scale, m.m_best, m.m_window_sum, m.stale_steps, m.step, m.seed]
  assert 0.0 < float(first.k_t.numpy()) < 1.0
  for a, b in zip(state(first), state(resumed)):
    assert a.numpy() == b.numpy()
  resumed.train_step({"images": real2})
  np.testing.assert_allclose(float(resumed.k_t.numpy()), float(through.k_t.numpy()), rtol=1e-6)
  for a, b in zip(weights_of(resumed.generator), weights_of(through.generator)):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_k_t_keeps_its_checkpoint_key_so_older_and_shipped_checkpoints_restore_it(tmp_path):
  # Checkpoints written before the attribute was renamed (model.k -> model.k_t) hold k_t under the key "k_t".
  path = tf.train.Checkpoint(k_t=tf.Variable(0.37), lr_scale=tf.Variable(0.5)).save(str(tmp_path / "older"))
  model = _model()
  tf.train.Checkpoint(**model.checkpoint_items()).restore(path).expect_partial()
  assert float(model.k_t.numpy()) == pytest.approx(0.37) and float(model.lr_scale.numpy()) == 0.5

  from tfgan_repro.training import restore
  shipped_dir = Path(__file__).resolve().parents[1] / "checkpoints" / "shipped" / "began_skip_fashion_mnist_32"
  shipped, _, _ = restore.load_model(shipped_dir)
  path = tf.train.latest_checkpoint(str(shipped_dir / "ckpt"))
  stored = float(tf.train.load_checkpoint(path).get_tensor("k_t/.ATTRIBUTES/VARIABLE_VALUE"))
  assert float(shipped.k_t.numpy()) == stored
  shipped.k_t.assign(0.9)  # not the stored value: the restore below must overwrite it
  status = tf.train.Checkpoint(k_t=shipped.checkpoint_items()["k_t"]).restore(path)
  status.assert_existing_objects_matched()  # the shipped file has an entry for the model's k_t
  assert float(shipped.k_t.numpy()) == stored


def test_reconstruction_grid_puts_each_real_image_beside_its_reconstruction():
  model, real = _model(), _images()
  grid = np.asarray(model.image_summaries(real)["reconstructions"])
  assert grid.shape == (4, 32, 64, 1)
  np.testing.assert_array_equal(grid[:, :, :32], real.numpy())
  np.testing.assert_allclose(grid[:, :, 32:], np.clip(model.discriminator(real).numpy(), -1, 1), atol=1e-6)


def test_k_update_on_two_replicas_equals_one_device(mirrored_strategy):
  real = _images()
  one = _model()
  strategy = mirrored_strategy
  with strategy.scope():
    two = _model()
  two.set_weights(one.get_weights())
  for model in (one, two):
    model.k_t.assign(0.5)  # away from the clip, so both replicas' losses shape the update
  one.train_step({"images": real})
  dist = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors({"images": real}))
  strategy.run(tf.function(two.train_step, autograph=False), args=(next(iter(dist)),))
  assert abs(float(one.k_t.numpy()) - 0.5) > 1e-5
  np.testing.assert_allclose(float(two.k_t.numpy()), float(one.k_t.numpy()), atol=1e-7)


def test_training_run_writes_k_m_global_rates_and_reconstruction_grids(tmp_path, fashion_dir):
  from tfgan_repro.training import loop
  config = tiny_config("began_skip_fashion_mnist_32")
  loop.train(config, str(tmp_path))
  tags = set()
  for path in (tmp_path / "tb").glob("events.out.tfevents.*"):
    for record in tf.data.TFRecordDataset(str(path)):
      tags |= {v.tag for v in tf.compat.v1.Event.FromString(record.numpy()).summary.value}
  assert {"train/k_t", "train/m_global", "train/l_real", "train/l_fake", "lr/g", "lr/d",
          "images/reconstructions", "images/samples"} <= tags
  png = tmp_path / "samples" / "reconstructions_0000002.png"
  from PIL import Image
  assert Image.open(png).size == (2 * (64 + 1) + 1, 2 * (32 + 1) + 1)  # 2x2 tiles of 32x64, 1-px gaps
