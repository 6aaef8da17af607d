"""One IGAN_v2 training step, probed: every discriminator updates n_critic times on its own class only, G once,
fakes of output c go to discriminator c, D's inputs carry Gaussian noise, and all state is checkpointed."""
import types

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.gans.igan import IGAN
from tfgan_repro.networks import igan as nets

from tests.helpers import tiny_config, weights_of

K, N_CRITIC, B = 2, 3, 2


def class_value(c, i):
  """Every pixel of class c's i-th real batch: distinct per (class, critic step)."""
  return -0.75 + 0.25 * (c * N_CRITIC + i)


class Probe(keras.Model):
  """Forwards to `inner` and records every input (and output) it sees, as NumPy, in `log.calls`."""

  def __init__(self, inner, log, **kwargs):
    super().__init__(**kwargs)
    self.inner, self.log = inner, log  # `log` is a namespace: Keras would copy a plain list into a tracked one

  def call(self, x, training=False):
    out = self.inner(x, training=training)
    self.log.calls.append({"in": np.array(x),
                           "out": [np.array(o) for o in out] if isinstance(out, list) else np.array(out)})
    return out


def probed_step(noise: float):
  keras.utils.set_random_seed(0)
  g_log, d_logs = types.SimpleNamespace(calls=[]), [types.SimpleNamespace(calls=[]) for _ in range(K)]
  g = Probe(nets.generator(3, 100, width=4, classes=K, stride1_convs=True, dropout=0.0), g_log)
  ds = [Probe(nets.discriminator(3, width=4, name=f"d{c}"), d_logs[c]) for c in range(K)]
  model = IGAN(g, ds, n_critic=N_CRITIC, d_input_noise=noise, latent_dim=100, seed=1)
  model.compile(keras.optimizers.Adam(1e-3), [keras.optimizers.Adam(1e-3) for _ in range(K)])
  images = np.concatenate([np.full((B, 96, 96, 3), class_value(c, i), np.float32)
                           for c in range(K) for i in range(N_CRITIC)])  # class-major, as the pipeline
  labels = np.repeat(np.arange(K), N_CRITIC * B)
  before = [weights_of(d.inner) for d in ds] + [weights_of(g.inner)]
  tf.config.run_functions_eagerly(True)  # the probes record NumPy values
  try:
    logs = model.train_step({"images": tf.constant(images), "labels": tf.constant(labels)})
  finally:
    tf.config.run_functions_eagerly(False)
  return model, logs, before, g_log.calls, [d.calls for d in d_logs]


@pytest.fixture(scope="module")
def step():
  return probed_step(noise=0.0)


def test_every_network_changes_and_losses_are_finite(step):
  model, logs, before, _, _ = step
  assert float(logs["nonfinite"]) == 0.0 and all(np.isfinite(float(v)) for v in logs.values())
  assert {"d_loss_0", "d_loss_1"} <= set(logs)
  for net, old in zip([d.inner for d in model.discriminators] + [model.generator.inner], before):
    trainable = {v.path for v in net.trainable_variables}
    changed = [not np.array_equal(a, b) for v, a, b in zip(net.weights, weights_of(net), old) if v.path in trainable]
    assert all(changed), f"{net.name}: some trainable weights did not change"


def test_d_to_g_update_ratio_is_n_critic(step):
  model = step[0]
  assert int(model.g_optimizer.iterations.numpy()) == 1
  assert [int(o.iterations.numpy()) for o in model.d_optimizers] == [N_CRITIC] * K
  assert int(model.step.numpy()) == 1
  assert model.batches_per_step == N_CRITIC and model.balanced_classes


def test_each_discriminator_sees_only_its_class_one_distinct_batch_per_critic_step(step):
  _, _, _, _, d_logs = step
  all_values = {class_value(c, i) for c in range(K) for i in range(N_CRITIC)}
  for c, log in enumerate(d_logs):
    assert len(log) == 3 * N_CRITIC + 1  # per critic step: real, fake, interpolates; then G's step
    constant = [np.unique(call["in"]) for call in log]
    real_calls = [float(u[0]) for u in constant if len(u) == 1 and float(u[0]) in all_values]
    assert real_calls == [class_value(c, i) for i in range(N_CRITIC)], (c, real_calls)


def test_discriminator_c_trains_on_output_c_and_interpolates_per_sample(step):
  _, _, _, g_log, d_logs = step
  assert len(g_log) == N_CRITIC + 1  # one G forward per critic step, one for G's update
  for c, log in enumerate(d_logs):
    for i in range(N_CRITIC):
      real, fake, hat = (log[3 * i + k]["in"] for k in range(3))
      np.testing.assert_array_equal(fake, g_log[i]["out"][c])
      diff, shift = (real - fake).reshape(B, -1), (hat - fake).reshape(B, -1)
      eps = np.sum(diff * shift, 1) / np.sum(diff * diff, 1)  # least squares fit of x_hat = eps x + (1 - eps) G(z)
      assert np.all((eps > 0) & (eps < 1)) and abs(eps[0] - eps[1]) > 1e-6  # drawn per sample
      np.testing.assert_allclose(hat, eps[:, None, None, None] * real + (1 - eps[:, None, None, None]) * fake,
                                 atol=1e-5)
    np.testing.assert_array_equal(log[-1]["in"], g_log[-1]["out"][c])


def test_gaussian_noise_is_added_to_real_and_fake_inputs():
  _, _, _, g_log, d_logs = probed_step(noise=0.1)
  for c, log in enumerate(d_logs):
    real_noise = log[0]["in"] - class_value(c, 0)
    fake_noise = log[1]["in"] - g_log[0]["out"][c]
    for noise in (real_noise, fake_noise):
      assert abs(noise.std() - 0.1) < 0.005 and abs(noise.mean()) < 0.005


def test_all_discriminators_and_their_optimizers_are_checkpointed(tmp_path):
  config = tiny_config("igan_vn_fashion_mnist_96")
  model = gans.build(config, 3)
  for c, (d, opt) in enumerate(zip(model.discriminators, model.d_optimizers)):
    for v in d.trainable_variables:
      v.assign(tf.random.stateless_normal(v.shape, [c, 7]))
    opt.iterations.assign(10 + c)
  path = tf.train.Checkpoint(**model.checkpoint_items()).save(str(tmp_path / "ckpt"))
  fresh = gans.build(config, 3)
  tf.train.Checkpoint(**fresh.checkpoint_items()).restore(path).assert_existing_objects_matched()
  for d_old, d_new in zip(model.discriminators, fresh.discriminators):
    for a, b in zip(weights_of(d_old), weights_of(d_new)):
      np.testing.assert_array_equal(a, b)
  assert [int(o.iterations.numpy()) for o in fresh.d_optimizers] == [10, 11, 12]
