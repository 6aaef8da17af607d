"""WGAN-GP's critic and generator losses (Gulrajani et al. 2017, Alg. 1; SPEC §6) as pure functions of the
critic's float32 scores (B,) or (B, 1). The gradient penalty itself is `penalties.wasserstein_gradient_penalty`
(IGAN uses it too)."""
import tensorflow as tf


def wasserstein_estimate(real_scores, fake_scores):
  """mean D(x) - mean D(G(z)): the critic's estimate of W(P_r, P_g) (batch sizes may differ)."""
  return (tf.reduce_mean(tf.cast(real_scores, tf.float32))
          - tf.reduce_mean(tf.cast(fake_scores, tf.float32)))


def wgan_gp_critic_loss(real_scores, fake_scores, penalty, gp_weight: float):
  """mean D(G(z)) - mean D(x) + lambda * penalty: the critic maximises the estimate, penalised (lambda 10)."""
  return -wasserstein_estimate(real_scores, fake_scores) + gp_weight * penalty


def wgan_generator_loss(fake_scores):
  """-mean D(G(z)): G raises the critic's score of its images."""
  return -tf.reduce_mean(tf.cast(fake_scores, tf.float32))
