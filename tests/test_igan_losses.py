"""IGAN's loss pieces against closed forms: the gradient penalty (shared with WGAN-GP), the built model's
learning rates (the schedule itself: tests/test_schedules.py), and the smoothed / flipped least-squares targets."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.losses import igan as igan_losses
from tfgan_repro.losses import penalties

from tests.helpers import tiny_config


def _tiny_critic():
  """images (B, 2, 2, 1) -> v . tanh(W x + b) + b2: a critic whose input gradient is known in closed form."""
  keras.utils.set_random_seed(3)
  inp = keras.Input((2, 2, 1))
  h = keras.layers.Dense(3, activation="tanh")(keras.layers.Flatten()(inp))
  return keras.Model(inp, keras.layers.Dense(1)(h))


def test_gradient_penalty_matches_numpy_on_a_tiny_critic():
  critic = _tiny_critic()
  rng = np.random.default_rng(0)
  real = rng.uniform(-1, 1, (5, 2, 2, 1)).astype(np.float32)
  fake = rng.uniform(-1, 1, (5, 2, 2, 1)).astype(np.float32)
  eps = rng.uniform(0, 1, (5, 1, 1, 1)).astype(np.float32)
  got = penalties.wasserstein_gradient_penalty(critic, real, fake, eps).numpy()

  w1, b1, w2, _ = [v.numpy() for v in critic.weights]
  x_hat = (eps * real + (1 - eps) * fake).reshape(5, 4)
  h = np.tanh(x_hat @ w1 + b1)                           # (B, 3)
  grad = (w2[:, 0] * (1 - h ** 2)) @ w1.T                # d/dx of v . tanh(W x + b): (B, 4)
  want = np.mean((np.linalg.norm(grad, axis=1) - 1.0) ** 2)
  np.testing.assert_allclose(got, want, rtol=1e-5)


def test_gradient_penalty_of_a_linear_critic_is_its_weight_norm_minus_one_squared():
  w = np.array([0.5, -2.0, 1.0, 3.0], np.float32)
  critic = lambda x: tf.reduce_sum(tf.reshape(x, [-1, 4]) * w, axis=1, keepdims=True)
  x = tf.random.stateless_normal([3, 2, 2, 1], [1, 2])
  got = penalties.wasserstein_gradient_penalty(critic, x, -x, tf.fill([3, 1, 1, 1], 0.3))
  np.testing.assert_allclose(got.numpy(), (np.linalg.norm(w) - 1.0) ** 2, rtol=1e-6)


def test_gradient_penalty_is_differentiable_in_the_critic_weights():
  critic = _tiny_critic()
  x = tf.random.stateless_normal([4, 2, 2, 1], [1, 2])
  with tf.GradientTape() as tape:
    gp = penalties.wasserstein_gradient_penalty(critic, x, x * 0.5, tf.fill([4, 1, 1, 1], 0.5))
  grads = tape.gradient(gp, critic.trainable_variables)
  assert grads[0] is not None and np.any(grads[0].numpy() != 0)  # second-order path through the kernel


def test_interpolation_is_per_sample():
  real, fake = tf.ones([2, 1, 1, 1]), tf.zeros([2, 1, 1, 1])
  eps = tf.constant([0.25, 0.75])[:, None, None, None]
  np.testing.assert_allclose(penalties.interpolate(real, fake, eps).numpy().ravel(), [0.25, 0.75])


def test_built_model_g_rate_is_1p5x_d_rate_at_every_step():
  config = tiny_config("igan_v2_fashion_mnist_96", n_critic=3)
  model = gans.build(config, 3)
  d_opt, g_opt = model.d_optimizers[1], model.g_optimizer
  for step in (0, 10, 2500):
    g_opt.iterations.assign(step)
    d_opt.iterations.assign(3 * step)  # n_critic D updates per G step
    g_lr = float(keras.ops.convert_to_numpy(g_opt.learning_rate))
    d_lr = float(keras.ops.convert_to_numpy(d_opt.learning_rate))
    np.testing.assert_allclose(g_lr, 1.5 * d_lr, rtol=1e-6)
    np.testing.assert_allclose(d_lr, 2e-4 + 1.8e-3 * 0.5 ** (step / 1000), rtol=1e-6)


def test_smoothed_targets_for_d_and_flipped_targets_for_g():
  alpha, beta = 0.9, 0.1
  real = np.array([[0.9], [0.5], [1.3]], np.float32)
  fake = np.array([[0.1], [-0.2], [0.4]], np.float32)
  d = igan_losses.igan_discriminator_loss(real, fake, alpha, beta).numpy()
  np.testing.assert_allclose(d, np.mean((real - alpha) ** 2) + np.mean((fake - beta) ** 2), rtol=1e-6)
  assert float(igan_losses.igan_discriminator_loss([[alpha]], [[beta]], alpha, beta)) == 0.0
  g = igan_losses.igan_generator_loss(fake, alpha).numpy()
  np.testing.assert_allclose(g, np.mean((fake - alpha) ** 2), rtol=1e-6)  # fakes labelled *real*
  assert float(igan_losses.igan_generator_loss([[alpha]], alpha)) == 0.0
  x = tf.constant(fake)
  with tf.GradientTape() as tape:
    tape.watch(x)
    loss = igan_losses.igan_generator_loss(x, alpha)
  assert np.all(tape.gradient(loss, x).numpy() < 0)  # G pushes D's fake scores up towards alpha


def test_presets_carry_the_papers_training_recipe():
  c = tiny_config("igan_v2_lsun_96")
  full = __import__("tfgan_repro.configs.igan_v2_lsun_96", fromlist=["x"]).get_config()
  assert (full.gp_weight, full.g_lr_ratio, full.batch_size) == (5.0, 1.5, 64)
  assert 3 <= full.n_critic <= 5 and full.d_input_noise > 0
  assert (full.sample_every, full.log_every) == (100, 30)
  assert full.d_end_lr + full.d_init_set == pytest.approx(2e-3) and full.d_end_lr == 2e-4
  assert (full.real_target, full.fake_target) == (0.9, 0.1) and full.resolution == 96
  assert c.g_width < full.g_width  # tiny stays tiny
