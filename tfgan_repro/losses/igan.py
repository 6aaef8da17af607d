"""IGAN's label loss (seed 001 §2.2.2 Eqs. 7-8 and §2.2.4 (9); SPEC §3) as pure functions of float32 scores.

Labels are smoothed to alpha (real) and beta (fake) and the log of the cross-entropy is removed, which leaves a
least-squares loss on D's score (the optimum D*(x) = (alpha p_data + beta p_g) / (p_data + p_g), seed 001 Eq. 9).
G is trained with flipped labels: its fakes are given the real target alpha.
"""
import tensorflow as tf


def igan_discriminator_loss(real_scores, fake_scores, real_target: float, fake_target: float):
  """mean (D(x) - alpha)^2 + mean (D(G(z)) - beta)^2; scores (B,) or (B, 1), float32 scalar out."""
  real_scores = tf.cast(real_scores, tf.float32)
  fake_scores = tf.cast(fake_scores, tf.float32)
  return (tf.reduce_mean(tf.square(real_scores - real_target))
          + tf.reduce_mean(tf.square(fake_scores - fake_target)))


def igan_generator_loss(fake_scores, real_target: float):
  """mean (D(G(z)) - alpha)^2: fakes labelled real (flipped labels, seed 001 §2.2.4 (9)).

  The flipped real term, mean (D(x) - beta)^2, does not depend on G and is left out.
  """
  fake_scores = tf.cast(fake_scores, tf.float32)
  return tf.reduce_mean(tf.square(fake_scores - real_target))
