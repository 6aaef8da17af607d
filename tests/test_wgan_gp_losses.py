"""WGAN-GP's critic and generator losses (losses/wgan_gp.py; Gulrajani et al. 2017 Alg. 1) against NumPy."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.losses import wgan_gp as losses


def _scores(seed):
  rng = np.random.default_rng(seed)
  return rng.normal(size=(5, 1)).astype("float32"), rng.normal(size=(3, 1)).astype("float32")  # batches differ


def test_wasserstein_estimate_and_losses_match_numpy():
  real, fake = _scores(0)
  w = real.mean() - fake.mean()
  assert float(losses.wasserstein_estimate(real, fake)) == pytest.approx(w, rel=1e-6)
  assert float(losses.wgan_gp_critic_loss(real, fake, 0.25, 10.0)) == pytest.approx(-w + 10.0 * 0.25, rel=1e-6)
  assert float(losses.wgan_generator_loss(fake)) == pytest.approx(-fake.mean(), rel=1e-6)


def test_critic_loss_gradients_push_real_scores_up_and_fake_scores_down():
  real, fake = (tf.constant(s) for s in _scores(1))
  gp = tf.constant(0.5)
  with tf.GradientTape() as tape:
    tape.watch([real, fake, gp])
    loss = losses.wgan_gp_critic_loss(real, fake, gp, 10.0)
  g_real, g_fake, g_gp = tape.gradient(loss, [real, fake, gp])
  np.testing.assert_allclose(g_real.numpy(), np.full((5, 1), -1 / 5), rtol=1e-6)  # d/dD(x) of -mean D(x)
  np.testing.assert_allclose(g_fake.numpy(), np.full((3, 1), 1 / 3), rtol=1e-6)
  assert float(g_gp) == pytest.approx(10.0)  # lambda
