"""BEGAN objective, equilibrium control and convergence measure (Berthelot et al. 2017; seed 000 Eqs. 6-7;
SPEC §1), as pure functions of float32 tensors. Every loss is a scalar: the mean over batch and pixels."""
import tensorflow as tf

ETAS = (1, 2)  # seed 000 §2: eta in {1, 2}


def began_autoencoder_loss(images, reconstructions, eta: int = 1):
  """L(v) = mean |v - D(v)|^eta over (B, H, W, C); eta 1 (L1, seed 002) or 2. -> scalar float32."""
  if eta not in ETAS:
    raise ValueError(f"eta (the pixel-loss norm) must be 1 or 2, got {eta!r}.")
  diff = tf.abs(tf.cast(images, tf.float32) - tf.cast(reconstructions, tf.float32))
  return tf.reduce_mean(diff if eta == 1 else tf.square(diff))


def began_discriminator_loss(real_loss, fake_loss, k_t):
  """L_D = L(x) - k_t * L(G(z_D)) (seed 000 Eq. 6)."""
  return real_loss - tf.cast(k_t, tf.float32) * fake_loss


def began_generator_loss(fake_loss):
  """L_G = L(G(z_G)) (seed 000 Eq. 6): G wants its images auto-encoded well."""
  return fake_loss


def began_k_update(k_t, real_loss, fake_loss, gamma: float, lambda_k: float):
  """k_{t+1} = clip(k_t + lambda_k * (gamma * L(x) - L(G(z_G))), 0, 1) (seed 000 Eq. 6; SPEC §1)."""
  k_t = tf.cast(k_t, tf.float32)
  return tf.clip_by_value(k_t + lambda_k * (gamma * real_loss - fake_loss), 0.0, 1.0)


def began_convergence_measure(real_loss, fake_loss, gamma: float):
  """M_global = L(x) + |gamma * L(x) - L(G(z_G))| (seed 000 Eq. 7); lower is better."""
  return real_loss + tf.abs(gamma * real_loss - fake_loss)
