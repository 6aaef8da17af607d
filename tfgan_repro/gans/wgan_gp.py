"""WGAN-GP (Gulrajani et al. 2017, arXiv:1704.00028; SPEC §6), the baseline of seeds 000 and 001.

A step is n_critic = 5 critic updates, each on its own real batch (`batches_per_step = n_critic`), then one G
update. Critic loss D(G(z)) - D(x) + lambda * (||grad D(x_hat)||_2 - 1)^2 with x_hat = eps x + (1 - eps) G(z),
eps ~ U(0, 1) per sample, lambda = 10; G loss -D(G(z)). The critic has no batch norm (the penalty is per sample).
"""
import keras
import tensorflow as tf

from tfgan_repro.gans import StepLayout
from tfgan_repro.gans.base import GANModel
from tfgan_repro.losses import penalties
from tfgan_repro.losses import wgan_gp as losses
from tfgan_repro.networks import wgan as nets


class WGANGP(GANModel):
  tracker_names = ("d_loss", "g_loss", "wasserstein", "gp", "d_grad_norm", "g_grad_norm")

  def __init__(self, generator, critic, *, n_critic: int = 5, gp_weight: float = 10.0, **kwargs):
    if n_critic < 1:
      raise ValueError(f"n_critic must be a positive integer (Gulrajani et al.: 5); got {n_critic}.")
    super().__init__(generator, critic, **kwargs)
    self.n_critic, self.gp_weight = n_critic, gp_weight
    self.batches_per_step = n_critic

  def train_step(self, data):
    real = data["images"]
    real = tf.reshape(real, [self.n_critic, -1, *real.shape[1:]])  # (n_critic, B, H, W, C): a batch per update
    batch = tf.shape(real)[1]
    critic = lambda x: tf.cast(self.discriminator(x, training=True), tf.float32)  # (B, 1)
    d_losses, gps, w_dists, d_norms = [], [], [], []
    for i in range(self.n_critic):
      fake = self.generator(self.latents(batch, "z_d", i), training=True)
      eps = self.uniform([batch, 1, 1, 1], "gp_eps", i)
      with tf.GradientTape() as tape:
        real_scores, fake_scores = critic(real[i]), critic(fake)
        w_dist = losses.wasserstein_estimate(real_scores, fake_scores)
        gp = penalties.wasserstein_gradient_penalty(critic, real[i], fake, eps)
        d_loss = losses.wgan_gp_critic_loss(real_scores, fake_scores, gp, self.gp_weight)
      norm = self.apply_gradients(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)
      for values, v in zip((d_losses, gps, w_dists, d_norms), (d_loss, gp, w_dist, norm)):
        values.append(v)
    with tf.GradientTape() as tape:
      g_loss = losses.wgan_generator_loss(critic(self.generator(self.latents(batch, "z_g"), training=True)))
    g_norm = self.apply_gradients(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
    mean = lambda v: tf.reduce_mean(tf.stack(v))
    return self.finish_step({"d_loss": mean(d_losses), "g_loss": g_loss, "wasserstein": mean(w_dists),
                             "gp": mean(gps), "d_grad_norm": mean(d_norms), "g_grad_norm": g_norm})


def build(experiment, loss_scaling: bool) -> WGANGP:
  config, channels = experiment.config, experiment.data.channels
  g = nets.generator(config.resolution, channels, config.z_dim, config.g_width, sync_bn=config.sync_batchnorm)
  d = nets.critic(config.resolution, channels, config.d_width, leaky_slope=config.leaky_slope)
  model = WGANGP(g, d, n_critic=config.n_critic, gp_weight=config.gp_weight, latent_dim=config.z_dim,
                 latent_distribution=config.z_distribution, seed=config.seed)
  adam = lambda lr: keras.optimizers.Adam(lr, beta_1=config.beta1, beta_2=config.beta2)
  model.compile(g_optimizer=adam(config.g_lr), d_optimizer=adam(config.d_lr), loss_scaling=loss_scaling)
  return model


def step_layout(config, classes: tuple) -> StepLayout:
  return StepLayout(config.n_critic)  # a real batch per critic update
