"""DCGAN's losses: the cross-entropy GAN objective of Goodfellow et al. 2014 with the non-saturating G loss
(Radford et al. 2015 train with it; seed 004), as pure functions of float32 logits."""
import tensorflow as tf


def dcgan_discriminator_loss(real_logits, fake_logits, real_target: float = 1.0):
  """-[t log sigmoid(D(x)) + (1 - t) log(1 - sigmoid(D(x)))] - log(1 - sigmoid(D(G(z)))), batch mean.

  real_target < 1 is one-sided label smoothing (Salimans et al. 2016 §3.4): fake targets stay 0.
  """
  real_logits = tf.cast(real_logits, tf.float32)
  fake_logits = tf.cast(fake_logits, tf.float32)
  real = tf.nn.sigmoid_cross_entropy_with_logits(tf.fill(tf.shape(real_logits), real_target), real_logits)
  fake = tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(fake_logits), fake_logits)
  return tf.reduce_mean(real) + tf.reduce_mean(fake)


def dcgan_generator_loss(fake_logits):
  """Non-saturating: -log sigmoid(D(G(z))), batch mean (Goodfellow 2014 §3; seed 004's max_G log D(G(z)))."""
  fake_logits = tf.cast(fake_logits, tf.float32)
  return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(fake_logits), fake_logits))
