"""Losses and penalties of the Improved Techniques for Training GANs (Salimans et al. 2016; SPEC §5).

Pure functions of tensors, float32 results. One-sided label smoothing (§3.4) is the `real_target` argument of
`losses.dcgan.dcgan_discriminator_loss`.
"""
from typing import Sequence

import tensorflow as tf

FEATURE_MATCHING_DISTANCES = ("squared_l2", "mean_abs")


def feature_matching_loss(real_features, fake_features, distance: str = "squared_l2"):
  """Distance between the batch means of one D layer on real and generated images (Salimans 2016 §3.1).

  real_features, fake_features: (B, ...) activations f(x), f(G(z)) of the same layer (batch sizes may differ);
    the real side is a constant for G (stop-gradient).
  distance: "squared_l2": || mean_x f(x) - mean_z f(G(z)) ||_2^2, the paper's objective (SPEC §5);
    "mean_abs": mean over feature dimensions of |m1 - m2|, improved-gan's `train_cifar_feature_matching.py`.
  Returns a float32 scalar.
  """
  if distance not in FEATURE_MATCHING_DISTANCES:
    raise ValueError(f"feature matching distance must be one of {', '.join(FEATURE_MATCHING_DISTANCES)}, "
                     f"got {distance!r}.")
  real = tf.stop_gradient(tf.cast(real_features, tf.float32))
  fake = tf.cast(fake_features, tf.float32)
  diff = tf.reduce_mean(real, axis=0) - tf.reduce_mean(fake, axis=0)  # (...) feature-wise mean difference
  if distance == "squared_l2":
    return tf.reduce_sum(tf.square(diff))
  return tf.reduce_mean(tf.abs(diff))


def historical_average_penalty(variables: Sequence, averages: Sequence, weight: float):
  """weight * sum_i || theta_i - mean_t theta_i ||^2 (Salimans 2016 §3.3), a float32 scalar.

  variables: a player's parameters theta_i; averages: their running means (same shapes), constants here --
  the gradient is 2 * weight * (theta_i - mean_t theta_i).
  """
  if len(variables) != len(averages):
    raise ValueError(f"historical averaging needs one average per variable, got {len(averages)} averages for "
                     f"{len(variables)} variables.")
  total = tf.constant(0.0, tf.float32)
  for v, a in zip(variables, averages):
    total += tf.reduce_sum(tf.square(tf.cast(v, tf.float32) - tf.stop_gradient(tf.cast(a, tf.float32))))
  return weight * total


def running_mean(average, value, count):
  """The cumulative mean of count + 1 values, given the mean `average` of the first `count` and the next `value`.

  average + (value - average) / (count + 1); count is a scalar (>= 0).
  """
  count = tf.cast(count, tf.float32)
  average = tf.cast(average, tf.float32)
  return average + (tf.cast(value, tf.float32) - average) / (count + 1.0)
