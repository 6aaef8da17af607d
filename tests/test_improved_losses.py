"""Feature matching, historical averaging and one-sided label smoothing (Salimans et al. 2016 §3.1, 3.3, 3.4)."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.losses import dcgan, improved


def test_feature_matching_loss_by_hand():
  real = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)            # mean (2, 3)
  fake = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 2.0]], np.float32)  # mean (0, 1)
  assert float(improved.feature_matching_loss(real, fake)) == pytest.approx(2.0 ** 2 + 2.0 ** 2)
  assert float(improved.feature_matching_loss(real, fake, "mean_abs")) == pytest.approx(2.0)


def test_feature_matching_loss_matches_numpy_on_maps_and_only_g_side_has_gradient():
  rng = np.random.default_rng(0)
  real = tf.constant(rng.normal(size=(6, 4, 4, 3)), tf.float32)
  fake = tf.constant(rng.normal(size=(5, 4, 4, 3)), tf.float32)
  expected = ((real.numpy().mean(0) - fake.numpy().mean(0)) ** 2).sum()
  with tf.GradientTape(persistent=True) as tape:
    tape.watch([real, fake])
    loss = improved.feature_matching_loss(real, fake)
  assert float(loss) == pytest.approx(expected, rel=1e-5)
  assert tape.gradient(loss, real) is None or not np.any(tape.gradient(loss, real).numpy())
  # d/d fake_i = -2 (m_real - m_fake) / B_fake
  np.testing.assert_allclose(tape.gradient(loss, fake).numpy(),
                             np.broadcast_to(-2 * (real.numpy().mean(0) - fake.numpy().mean(0)) / 5, (5, 4, 4, 3)),
                             rtol=1e-5, atol=1e-6)


def test_feature_matching_rejects_unknown_distance():
  with pytest.raises(ValueError, match="squared_l2, mean_abs"):
    improved.feature_matching_loss(np.zeros((2, 2)), np.zeros((2, 2)), "l1")


def test_historical_average_after_known_updates():
  # theta_0 = (0, 0), theta_1 = (3, 6), theta_2 = (6, 3): running mean (3, 3) at step 2.
  theta = tf.Variable([0.0, 0.0])
  bias = tf.Variable(1.0)
  averages = [tf.Variable(theta), tf.Variable(bias)]  # initialised to theta_0
  count = 1
  for new_theta, new_bias in [([3.0, 6.0], 4.0), ([6.0, 3.0], 7.0)]:
    theta.assign(new_theta)
    bias.assign(new_bias)
    for avg, v in zip(averages, (theta, bias)):
      avg.assign(improved.running_mean(avg, v, count))
    count += 1
  np.testing.assert_allclose(averages[0].numpy(), [3.0, 3.0])
  np.testing.assert_allclose(averages[1].numpy(), 4.0)   # mean(1, 4, 7)
  penalty = improved.historical_average_penalty([theta, bias], averages, weight=0.5)
  assert float(penalty) == pytest.approx(0.5 * ((6 - 3) ** 2 + (3 - 3) ** 2 + (7 - 4) ** 2))
  with tf.GradientTape() as tape:
    penalty = improved.historical_average_penalty([theta, bias], averages, weight=0.5)
  grads = tape.gradient(penalty, [theta, bias] + averages)
  np.testing.assert_allclose(grads[0].numpy(), [3.0, 0.0])  # 2 * 0.5 * (theta - mean)
  assert grads[2] is None and grads[3] is None               # the history is a constant


def test_historical_average_needs_matching_lists():
  with pytest.raises(ValueError, match="one average per variable"):
    improved.historical_average_penalty([tf.Variable(1.0)], [], 1.0)


def test_one_sided_label_smoothing_targets():
  real_logits = np.array([[0.3], [-1.2]], np.float32)
  fake_logits = np.array([[2.0], [-0.5]], np.float32)

  def bce(logit, target):
    p = 1 / (1 + np.exp(-logit))
    return -(target * np.log(p) + (1 - target) * np.log(1 - p))

  expected = bce(real_logits, 0.9).mean() + bce(fake_logits, 0.0).mean()
  assert float(dcgan.dcgan_discriminator_loss(real_logits, fake_logits, 0.9)) == pytest.approx(expected, rel=1e-5)
  # The smoothed optimum: D(x) = 0.9 on reals (zero gradient at logit log 9), D(G(z)) -> 0 on fakes.
  real = tf.constant([[np.log(9.0)]], tf.float32)
  fake = tf.constant([[0.0]], tf.float32)
  with tf.GradientTape() as tape:
    tape.watch([real, fake])
    loss = dcgan.dcgan_discriminator_loss(real, fake, 0.9)
  g_real, g_fake = tape.gradient(loss, [real, fake])
  assert abs(float(g_real[0, 0])) < 1e-6 and float(g_fake[0, 0]) == pytest.approx(0.5)  # sigmoid(0) - 0
