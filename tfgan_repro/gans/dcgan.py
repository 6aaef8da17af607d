"""DCGAN training (Radford et al. 2015; SPEC §4): non-saturating loss, Adam beta1 0.5.

Real and fake batches go through D in separate calls so BN never mixes them (seed 004).
"""
import keras
import tensorflow as tf

from tfgan_repro.gans.base import GANModel
from tfgan_repro.losses import standard
from tfgan_repro.networks import dcgan as nets


class DCGAN(GANModel):
  tracker_names = ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm")

  def __init__(self, generator, discriminator, *, label_smoothing: float = 1.0, **kwargs):
    super().__init__(generator, discriminator, **kwargs)
    self.label_smoothing = label_smoothing

  def train_step(self, data):
    real = data["images"]
    batch = tf.shape(real)[0]
    with tf.GradientTape() as tape:
      fake = self.generator(self.latents(batch, salt=0), training=True)
      real_logits = self.discriminator(real, training=True)["logits"]
      fake_logits = self.discriminator(fake, training=True)["logits"]
      d_loss = standard.discriminator_loss(real_logits, fake_logits, self.label_smoothing)
    d_norm = self.apply_gradients(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)

    with tf.GradientTape() as tape:
      fake = self.generator(self.latents(batch, salt=1), training=True)
      g_loss = standard.non_saturating_generator_loss(self.discriminator(fake, training=True)["logits"])
    g_norm = self.apply_gradients(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
    return self.finish_step({
        "d_loss": d_loss, "g_loss": g_loss,
        "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),   # D(x), ideally -> 0.5
        "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits)),   # D(G(z))
        "d_grad_norm": d_norm, "g_grad_norm": g_norm})


def build(config, channels: int, loss_scaling: bool) -> DCGAN:
  nets.check_resolution(config.resolution)
  kw = dict(architecture=config.architecture, init_std=config.init_std, sync_bn=config.sync_batchnorm)
  g = nets.generator(config.resolution, channels, config.z_dim, config.g_width, **kw)
  d = nets.discriminator(config.resolution, channels, config.d_width, leaky_slope=config.leaky_slope, **kw)
  model = DCGAN(g, d, latent_dim=config.z_dim, latent_distribution=config.z_distribution, seed=config.seed,
                label_smoothing=config.label_smoothing)
  model.compile(
      g_optimizer=keras.optimizers.Adam(config.g_lr, beta_1=config.beta1, beta_2=config.beta2),
      d_optimizer=keras.optimizers.Adam(config.d_lr, beta_1=config.beta1, beta_2=config.beta2),
      loss_scaling=loss_scaling)
  return model
