"""Penalties on the discriminator: pure functions of a critic callable and float32 tensors."""
import tensorflow as tf


def interpolate(real, fake, eps):
  """x_hat = eps * x + (1 - eps) * G(z); eps (B, 1, 1, 1) in [0, 1] (Gulrajani et al. 2017, Alg. 1)."""
  real, fake = tf.cast(real, tf.float32), tf.cast(fake, tf.float32)
  return eps * real + (1.0 - eps) * fake


def wasserstein_gradient_penalty(critic, real, fake, eps):
  """mean_i (||d critic(x_hat_i) / d x_hat_i||_2 - 1)^2, x_hat = eps * real + (1 - eps) * fake. SPEC §6.

  critic: images (B, H, W, C) -> scores (B,) or (B, 1); called once on the interpolates.
  real, fake: (B, H, W, C); eps: (B, 1, 1, 1) drawn per sample from U(0, 1).
  Returns the unweighted penalty, a float32 scalar (callers multiply by lambda: 10 for WGAN-GP, 5 for IGAN).
  Call it inside the discriminator's gradient tape: the penalty is differentiated again for D's update.
  """
  x_hat = interpolate(real, fake, eps)
  with tf.GradientTape() as tape:
    tape.watch(x_hat)
    # Without batch-statistics layers the samples do not interact, so the gradient of the sum is per sample.
    # A critic with BN in training mode couples them: then grads[i] also depends on the other x_hat.
    total = tf.reduce_sum(tf.cast(critic(x_hat), tf.float32))
  grads = tf.cast(tape.gradient(total, x_hat), tf.float32)  # (B, H, W, C)
  # 1e-12 keeps the derivative of the square root finite where a gradient vanishes.
  norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=tf.range(1, tf.rank(grads))) + 1e-12)  # (B,)
  return tf.reduce_mean(tf.square(norms - 1.0))
