"""BEGAN (Berthelot et al. 2017; SPEC §1) and BEGAN with skip connections and separate learning rates
(seed 000; SPEC §2): one algorithm, the variants are config fields (`skip_connections`, `lr_reading`).

Design decisions (the papers leave them open):
- Both players' gradients come from one forward pass, as in Berthelot's Eq. 4 ("for theta_D minimise L_D,
  for theta_G minimise L_G"): D and G step simultaneously, and k_t and M_global use the same L(x) and
  L(G(z_G)). z_D and z_G are independent draws (SPEC §1).
- Learning-rate halving "when convergence stalls" (seed 000 §3.1; SPEC §1), `lr_decay="plateau"`: M_global is
  averaged over windows of `lr_window` steps; when `lr_patience` steps pass without a window mean below
  (1 - lr_min_improvement) x the best one, both rates halve. `lr_decay="step"` halves every `lr_halve_every`
  steps instead. Both rates share one checkpointed scale, so the D:G ratio (seed 000's TTUR) is kept, and
  halving stops where the smaller rate would fall below `lr_floor` (SPEC §1: late collapse otherwise).
  The controllers are in tfgan_repro/schedules.py; their state is checkpointed here.
"""
import keras
import tensorflow as tf

from tfgan_repro import schedules
from tfgan_repro.gans.base import GANModel
from tfgan_repro.losses import began as losses
from tfgan_repro.networks import began as nets
from tfgan_repro.training.callbacks import StepCallback

# (G, D) learning rates of each reading of the papers.
LR_READINGS = {
    "began": (1e-4, 1e-4),          # Berthelot 2017 / SPEC §1: Adam lr 1e-4 for both players
    "anchored": (1e-4, 4e-4),       # SPEC §2 decision: seed 000 §2's 4:1 ratio at seed 000 §3.1's 1e-4
    "ttur_literal": (1e-3, 4e-3),   # seed 000 §2 as written: D 0.004, G 0.001
}
LR_DECAYS = schedules.BEGAN_LR_DECAYS


def learning_rates(config):
  """(g_lr, d_lr): `config.lr_reading`'s pair, where a positive `g_lr` / `d_lr` field overrides its half."""
  if config.lr_reading not in LR_READINGS:
    raise ValueError(f"lr_reading must be one of {', '.join(LR_READINGS)}; got {config.lr_reading!r}.")
  g_lr, d_lr = LR_READINGS[config.lr_reading]
  return (config.g_lr if config.g_lr > 0 else g_lr), (config.d_lr if config.d_lr > 0 else d_lr)


class HalvingLog(StepCallback):
  """Prints one line when the learning-rate scale changes (`step 6000: learning-rate scale 1 -> 0.5`), so a
  run's log says at which step a halving fired; the lr/g, lr/d scalars show it at log_every resolution.
  It reads the scale only after a step where a halving can fire (the end of an `lr_window`, or a multiple of
  `lr_halve_every`): a variable read per batch would be a host sync per step (issue 13)."""

  def on_train_begin(self, logs=None):
    super().on_train_begin(logs)
    self.scale, self._done = float(self.model.lr_scale.numpy()), self._first

  def on_train_batch_end(self, batch, logs=None):
    step, before = self.step_at(batch), self._done
    self._done = step
    period = {"plateau": self.model.lr_window, "step": self.model.lr_halve_every}.get(self.model.lr_decay)
    if not period or step // period == before // period:
      return  # no halving step since the last batch end
    scale = float(self.model.lr_scale.numpy())
    if scale != self.scale:
      print(f"step {step // period * period}: learning-rate scale {self.scale:g} -> {scale:g}", flush=True)
      self.scale = scale


def _global_mean(x):
  """Mean of a per-replica scalar over the replicas, so k_t evolves as on one device."""
  ctx = tf.distribute.get_replica_context()
  if ctx is None or ctx.num_replicas_in_sync == 1:
    return x
  return ctx.all_reduce(tf.distribute.ReduceOp.MEAN, x)


class BEGAN(GANModel):
  """D is an auto-encoder; L_D = L(x) - k_t L(G(z_D)), L_G = L(G(z_G)), k_t kept at the equilibrium
  E[L(G(z))] = gamma E[L(x)] (seed 000 Eq. 6). Logs k_t, M_global (Eq. 7), L(x) and L(G(z_G)).

  Deviations from the papers: none in the objective; the update order and the halving rule are the
  decisions listed in this module's docstring.
  """

  tracker_names = ("d_loss", "g_loss", "l_real", "l_fake", "k_t", "m_global", "d_grad_norm", "g_grad_norm")
  progress_names = ("k_t", "m_global", "l_real", "l_fake")  # shown on the terminal progress bar too

  def __init__(self, generator, discriminator, *, gamma: float = 0.5, lambda_k: float = 0.001, eta: int = 1,
               lr_decay: str = "plateau", lr_window: int = 1000, lr_patience: int = 5000,
               lr_min_improvement: float = 0.01, lr_halve_every: int = 100000, min_lr_scale: float = 1.0,
               **kwargs):
    super().__init__(generator, discriminator, **kwargs)
    if lr_decay not in LR_DECAYS:
      raise ValueError(f"lr_decay must be one of {', '.join(LR_DECAYS)}; got {lr_decay!r}.")
    self.gamma, self.lambda_k, self.eta = float(gamma), float(lambda_k), int(eta)
    self.lr_decay, self.lr_window, self.lr_patience = lr_decay, int(lr_window), int(lr_patience)
    self.lr_min_improvement, self.lr_halve_every = float(lr_min_improvement), int(lr_halve_every)
    self.min_lr_scale = float(min_lr_scale)

    def state(name, init, dtype="float32"):
      return self.add_weight(shape=(), dtype=dtype, initializer=keras.initializers.Constant(init),
                             trainable=False, name=name, aggregation="only_first_replica")
    self.k_t = state("k_t", 0.0)  # SPEC §1: k_0 = 0
    self.lr_scale = state("lr_scale", 1.0)
    self.m_best = state("m_global_best", float("inf"))
    self.m_window_sum = state("m_global_window_sum", 0.0)
    self.stale_steps = state("stale_steps", 0, "int64")

  def checkpoint_items(self):
    # "k_t" is the key shipped and committed checkpoints hold k_t under: keep it (tests/test_began_model.py).
    return {**super().checkpoint_items(), "k_t": self.k_t, "lr_scale": self.lr_scale, "m_best": self.m_best,
            "m_window_sum": self.m_window_sum, "stale_steps": self.stale_steps}

  def training_callbacks(self, config):
    return [HalvingLog()]

  def train_step(self, data):
    real = data["images"]
    batch = tf.shape(real)[0]
    z = tf.concat([self.latents(batch, "z_d"), self.latents(batch, "z_g")], 0)  # [z_D; z_G]
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
      fake = self.generator(z, training=True)
      fake_d, fake_g = tf.stop_gradient(fake[:batch]), fake[batch:]
      images = tf.concat([real, fake_d, fake_g], 0)  # one D pass: no batch statistics to mix
      recon = self.discriminator(images, training=True)
      real_loss, fake_d_loss, fake_g_loss = [
          losses.began_autoencoder_loss(v, r, self.eta) for v, r in zip(tf.split(images, 3), tf.split(recon, 3))]
      d_loss = losses.began_discriminator_loss(real_loss, fake_d_loss, self.k_t)
      g_loss = losses.began_generator_loss(fake_g_loss)
    d_norm = self.apply_gradients(self.d_optimizer, d_tape, d_loss, self.discriminator.trainable_variables)
    g_norm = self.apply_gradients(self.g_optimizer, g_tape, g_loss, self.generator.trainable_variables)

    real_mean, fake_mean = _global_mean(real_loss), _global_mean(fake_g_loss)
    self.k_t.assign(losses.began_k_update(self.k_t, real_mean, fake_mean, self.gamma, self.lambda_k))
    m_global = losses.began_convergence_measure(real_mean, fake_mean, self.gamma)
    self._update_lr_scale(m_global)
    return self.finish_step({
        "d_loss": d_loss, "g_loss": g_loss, "l_real": real_loss, "l_fake": fake_g_loss,
        "k_t": self.k_t.value, "m_global": m_global, "d_grad_norm": d_norm, "g_grad_norm": g_norm})

  def _update_lr_scale(self, m_global):
    done = self.step + 1  # steps done once this one finishes
    if self.lr_decay == "step":
      self.lr_scale.assign(schedules.halve_every(done, self.lr_halve_every, self.min_lr_scale))
    elif self.lr_decay == "plateau":
      state = schedules.PlateauState(self.lr_scale.value, self.m_best.value, self.m_window_sum.value,
                                     self.stale_steps.value)
      new = schedules.halve_on_plateau(
          state, m_global, done, window=self.lr_window, patience=self.lr_patience,
          min_improvement=self.lr_min_improvement, min_scale=self.min_lr_scale)
      for var, value in zip((self.lr_scale, self.m_best, self.m_window_sum, self.stale_steps), new):
        var.assign(value)

  def image_summaries(self, real_images):
    """{"reconstructions": (N, H, 2W, C)}: each real image with D's reconstruction on its right."""
    if real_images is None:
      return {}
    real = tf.cast(real_images, tf.float32)
    recon = tf.clip_by_value(tf.cast(self.discriminator(real, training=False), tf.float32), -1.0, 1.0)
    return {"reconstructions": tf.concat([real, recon], axis=2)}


def _check(config):
  if not 0.0 <= config.gamma <= 1.0:
    raise ValueError(f"gamma must be in [0, 1] (seed 000 §2), e.g. 0.3, 0.5 or 0.7; got {config.gamma}.")
  if config.eta not in losses.ETAS:
    raise ValueError(f"eta (the pixel-loss norm) must be 1 or 2; got {config.eta}.")
  if config.lambda_k < 0:
    raise ValueError(f"lambda_k must be >= 0 (paper: 0.001); got {config.lambda_k}.")
  for name in ("lr_window", "lr_patience", "lr_halve_every", "width", "z_dim", "h_dim"):
    if config[name] <= 0:
      raise ValueError(f"--{name} must be a positive integer, got {config[name]}.")


def build(experiment, loss_scaling: bool) -> BEGAN:
  config, channels = experiment.config, experiment.data.channels
  nets.num_blocks(config.resolution)
  _check(config)
  g = nets.generator(config.resolution, channels, config.z_dim, config.width, config.skip_connections)
  d = nets.discriminator(config.resolution, channels, config.h_dim, config.width, config.skip_connections)
  g_lr, d_lr = learning_rates(config)
  model = BEGAN(g, d, latent_dim=config.z_dim, latent_distribution="uniform",  # SPEC §1: z ~ U(-1, 1)
                seed=config.seed, gamma=config.gamma, lambda_k=config.lambda_k, eta=config.eta,
                lr_decay=config.lr_decay, lr_window=config.lr_window, lr_patience=config.lr_patience,
                lr_min_improvement=config.lr_min_improvement, lr_halve_every=config.lr_halve_every,
                min_lr_scale=min(1.0, config.lr_floor / min(g_lr, d_lr)))
  model.compile(
      g_optimizer=keras.optimizers.Adam(schedules.ScaledLearningRate(g_lr, model.lr_scale), beta_1=config.beta1,
                                        beta_2=config.beta2),
      d_optimizer=keras.optimizers.Adam(schedules.ScaledLearningRate(d_lr, model.lr_scale), beta_1=config.beta1,
                                        beta_2=config.beta2),
      loss_scaling=loss_scaling)
  return model
