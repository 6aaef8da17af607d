"""WGAN-GP (SPEC §6): critic without BN, per-sample interpolation, lambda 10, n_critic distinct real batches."""
import types

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from tfgan_repro import gans
from tfgan_repro.gans.wgan_gp import WGANGP
from tfgan_repro.networks import wgan as nets

from tests.helpers import tiny_config, weights_of

N_CRITIC, B = 3, 2


class Probe(keras.Model):
  """Forwards to `inner`, recording every input as NumPy in `log.calls`."""

  def __init__(self, inner, log, **kwargs):
    super().__init__(**kwargs)
    self.inner, self.log = inner, log

  def call(self, x, training=False):
    self.log.calls.append(np.array(x))
    return self.inner(x, training=training)


@pytest.fixture(scope="module")
def step():
  keras.utils.set_random_seed(0)
  log = types.SimpleNamespace(calls=[])
  critic = Probe(nets.critic(96, 3, width=4), log)
  model = WGANGP(nets.generator(96, 3, z_dim=8, width=4), critic, n_critic=N_CRITIC, latent_dim=8, seed=2)
  model.compile(keras.optimizers.Adam(1e-4, 0.5, 0.9), keras.optimizers.Adam(1e-4, 0.5, 0.9))
  values = [0.1 * (i + 1) for i in range(N_CRITIC)]
  images = np.concatenate([np.full((B, 96, 96, 3), v, np.float32) for v in values])
  before = [weights_of(critic.inner), weights_of(model.generator)]
  logs = model.train_step({"images": tf.constant(images), "labels": tf.zeros([N_CRITIC * B], tf.int64)})
  return model, logs, before, log.calls, values


def test_critic_has_no_batch_norm_and_scores_each_image():
  critic = nets.critic(96, 3, width=4)
  assert not [l for l in critic.layers if isinstance(l, layers.BatchNormalization)]
  assert critic(tf.zeros([2, 96, 96, 3])).shape == (2, 1)
  assert nets.generator(96, 3, z_dim=8, width=4)(tf.zeros([2, 8])).shape == (2, 96, 96, 3)


def test_resolution_must_be_divisible_by_16():
  with pytest.raises(ValueError, match="divisible by 16"):
    nets.critic(100, 3)


def test_n_critic_updates_per_generator_update_on_distinct_real_batches(step):
  model, logs, before, calls, values = step
  assert int(model.d_optimizer.iterations.numpy()) == N_CRITIC and int(model.g_optimizer.iterations.numpy()) == 1
  assert model.batches_per_step == N_CRITIC
  real_seen = [float(np.unique(c)[0]) for c in calls if len(np.unique(c)) == 1]
  np.testing.assert_allclose(real_seen, values)  # critic step i saw real batch i, each once
  for net, old in zip([model.discriminator.inner, model.generator], before):
    assert all(not np.array_equal(a, b) for a, b in zip(weights_of(net), old) if a.size > 1)
  assert float(logs["nonfinite"]) == 0.0


def test_interpolates_use_one_uniform_eps_per_sample(step):
  _, _, _, calls, values = step
  for i in range(N_CRITIC):
    real, fake, hat = np.full_like(calls[3 * i], values[i]), calls[3 * i + 1], calls[3 * i + 2]
    diff, shift = (real - fake).reshape(B, -1), (hat - fake).reshape(B, -1)
    eps = np.sum(diff * shift, 1) / np.sum(diff * diff, 1)
    assert np.all((eps > 0) & (eps < 1)) and abs(eps[0] - eps[1]) > 1e-6
    np.testing.assert_allclose(hat, eps[:, None, None, None] * real + (1 - eps[:, None, None, None]) * fake,
                               atol=1e-5)


def test_critic_loss_is_minus_wasserstein_plus_10_gp(step):
  _, logs, _, _, _ = step
  np.testing.assert_allclose(float(logs["d_loss"]), -float(logs["wasserstein"]) + 10.0 * float(logs["gp"]),
                             rtol=1e-4)


def test_preset_has_the_papers_hyperparameters():
  config = tiny_config("wgan_gp_celeba_96")
  model = gans.build(config, 3)
  opt = model.d_optimizer
  assert (float(opt.learning_rate), opt.beta_1, opt.beta_2) == pytest.approx((1e-4, 0.5, 0.9))
  full = __import__("tfgan_repro.configs.wgan_gp_lsun_96", fromlist=["x"]).get_config()
  assert (full.gp_weight, full.n_critic, full.resolution) == (10.0, 5, 96)
