"""DCGAN training (Radford et al. 2015; SPEC §4): non-saturating loss, Adam beta1 0.5.

Real and fake batches go through D in separate calls so BN never mixes them (seed 004).

The five Improved Techniques (Salimans et al. 2016; seed 003; SPEC §5) are independent options, all off by
default: feature matching, historical averaging and one-sided label smoothing live in `DCGAN`;
minibatch discrimination (D's `head`) and virtual batch norm (G) live in the networks, wired by `build`.
"""
from typing import Optional

import keras
import tensorflow as tf

from tfgan_repro.gans.base import GANModel
from tfgan_repro.losses import dcgan as losses
from tfgan_repro.losses import improved
from tfgan_repro.networks import dcgan as nets
from tfgan_repro.networks import improved as improved_nets


class DCGAN(GANModel):
  """DCGAN with optional Improved Techniques.

  label_smoothing: D's target for real images (< 1: one-sided smoothing, Salimans 2016 §3.4; fakes stay 0).
  feature_matching_layer: None, or an index into D's "features": G then minimises the feature-matching
    distance on that layer instead of the non-saturating loss (§3.1); D keeps its loss.
  historical_weight: > 0 adds weight * ||theta - mean_t theta||^2 to each player's loss (§3.3). The running
    means start at the initial parameters and take in the parameters after every step, so at step t they are
    the mean of theta_0 .. theta_t (the paper's (1/t) sum_{i=1}^t theta[i], current value included).
  reuse_fake: G's update differentiates the G(z) of D's update (same z) instead of a fresh draw, one G pass
    fewer per step, as Radford's dcgan.torch does (main.lua fGx: "already executed in fDx, so save
    computation"); D(G(z)) is still recomputed with the updated D. Off by default (a fresh z, the code's
    behaviour before the option existed).
  Under tf.distribute, minibatch features and feature-matching means come from each replica's batch (like
  unsynchronised BN), so with those two options R replicas differ slightly from one device; the other
  three options are replica-invariant.
  """
  tracker_names = ("d_loss", "g_loss", "d_real", "d_fake", "d_grad_norm", "g_grad_norm")

  def __init__(self, generator, discriminator, *, label_smoothing: float = 1.0,
               feature_matching_layer: Optional[int] = None, feature_matching_distance: str = "squared_l2",
               historical_weight: float = 0.0, reuse_fake: bool = False, **kwargs):
    super().__init__(generator, discriminator, **kwargs)
    if not 0.0 < label_smoothing <= 1.0:
      raise ValueError(f"label_smoothing is the real-label target, in (0, 1] (1 = off); got {label_smoothing}.")
    if historical_weight < 0:
      raise ValueError(f"historical_weight must be >= 0 (0 = off), got {historical_weight}.")
    self.label_smoothing = label_smoothing
    self.feature_matching_layer = feature_matching_layer
    self.feature_matching_distance = feature_matching_distance
    self.historical_weight = historical_weight
    self.reuse_fake = bool(reuse_fake)
    if historical_weight > 0:
      self.g_average = self._running_mean_of(generator, "g")
      self.d_average = self._running_mean_of(discriminator, "d")
      self.average_count = self.add_weight(shape=(), dtype="int64", initializer="ones", trainable=False,
                                           name="average_count", aggregation="only_first_replica")
      for name in ("g_history", "d_history"):
        self.trackers[name] = keras.metrics.Mean(name=name)

  def _running_mean_of(self, net, prefix):
    """Non-trainable copies of net's trainable variables (the running means, initialised to theta_0)."""
    def copy(v):
      return lambda shape, dtype=None: tf.identity(v.value)
    return [self.add_weight(shape=v.shape, initializer=copy(v), trainable=False, name=f"{prefix}_average_{i}",
                            aggregation="only_first_replica") for i, v in enumerate(net.trainable_variables)]

  def checkpoint_items(self):
    items = super().checkpoint_items()
    if self.historical_weight > 0:
      items.update(g_average=list(self.g_average), d_average=list(self.d_average),  # plain lists: Checkpoint
                   average_count=self.average_count)                               # rejects Keras' tracked ones
    if isinstance(self.generator, improved_nets.ReferenceBatchGenerator):
      items["vbn_reference_z"] = self.generator.reference_z
    return items

  def sampling_items(self):
    # The historical averages are D's and G's running means, read only by the training loss; with them a slim
    # export of the 32x32 improved DCGAN (G width 32) was 13.9 MB against its generator's 1.5 MB.
    items = super().sampling_items()
    for name in ("g_average", "d_average", "average_count"):
      items.pop(name, None)
    return items

  def train_step(self, data):
    real = data["images"]
    batch = tf.shape(real)[0]
    with tf.GradientTape() as g_tape:  # with reuse_fake, G's update differentiates this G(z) too
      fake = self.generator(self.latents(batch, "z_d"), training=True)
    with tf.GradientTape() as tape:
      real_logits = self.discriminator(real, training=True)["logits"]
      fake_logits = self.discriminator(tf.stop_gradient(fake), training=True)["logits"]
      d_history = self._history_penalty(self.discriminator, "d")
      d_loss = losses.dcgan_discriminator_loss(real_logits, fake_logits, self.label_smoothing) + d_history
    d_norm = self.apply_gradients(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)

    if not self.reuse_fake:  # a fresh z and G pass for G's update
      g_tape = tf.GradientTape()
      with g_tape:
        fake = self.generator(self.latents(batch, "z_g"), training=True)
    with g_tape:  # D has been updated: G's loss sees the new D, as in alternating updates
      g_history = self._history_penalty(self.generator, "g")
      g_loss = self.generator_loss(real, fake) + g_history
    g_norm = self.apply_gradients(self.g_optimizer, g_tape, g_loss, self.generator.trainable_variables)
    self._update_running_means()
    return self.finish_step({
        "d_loss": d_loss, "g_loss": g_loss, "d_history": d_history, "g_history": g_history,
        "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),   # D(x), ideally -> 0.5
        "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits)),   # D(G(z))
        "d_grad_norm": d_norm, "g_grad_norm": g_norm})

  def generator_loss(self, real, fake):
    """Non-saturating loss, or feature matching against the real batch (float32 scalar)."""
    fake_out = self.discriminator(fake, training=True)
    if self.feature_matching_layer is None:
      return losses.dcgan_generator_loss(fake_out["logits"])
    real_features = self.discriminator(real, training=True)["features"][self.feature_matching_layer]
    return improved.feature_matching_loss(real_features, fake_out["features"][self.feature_matching_layer],
                                          self.feature_matching_distance)

  def _history_penalty(self, net, prefix):
    if self.historical_weight == 0:
      return tf.constant(0.0, tf.float32)
    averages = self.g_average if prefix == "g" else self.d_average
    return improved.historical_average_penalty(net.trainable_variables, averages, self.historical_weight)

  def _update_running_means(self):
    if self.historical_weight == 0:
      return
    variables = self.generator.trainable_variables + self.discriminator.trainable_variables
    for average, v in zip(self.g_average + self.d_average, variables):
      average.assign(improved.running_mean(average, v, self.average_count))
    self.average_count.assign_add(1)


def _feature_matching_layer(config, n_features: int) -> Optional[int]:
  if not config.feature_matching:
    return None
  layer = config.feature_matching_layer
  if not -n_features <= layer < n_features:
    raise ValueError(f"--feature_matching_layer indexes D's {n_features} feature maps (one per block"
                     f"{', plus the minibatch layer' if config.minibatch_discrimination else ''}): use "
                     f"{-n_features} .. {n_features - 1}; got {layer}.")
  return layer


def build(experiment, loss_scaling: bool) -> DCGAN:
  config, channels = experiment.config, experiment.data.channels
  n_blocks = nets.check_resolution(config.resolution)
  if config.feature_matching_distance not in improved.FEATURE_MATCHING_DISTANCES:
    allowed, got = ", ".join(improved.FEATURE_MATCHING_DISTANCES), config.feature_matching_distance
    raise ValueError(f"--feature_matching_distance must be one of {allowed}; got {got!r}.")
  if config.historical_averaging and config.historical_weight <= 0:
    raise ValueError(f"--historical_averaging needs --historical_weight > 0, got {config.historical_weight}.")
  kw = dict(architecture=config.architecture, init_std=config.init_std, sync_bn=config.sync_batchnorm)
  if config.virtual_batchnorm:
    if config.vbn_reference_size < 1:
      raise ValueError(f"--vbn_reference_size must be a positive integer, got {config.vbn_reference_size}.")
    z_ref = improved_nets.reference_latents(config.vbn_reference_size, config.z_dim, config.z_distribution,
                                            config.seed)
    g = improved_nets.vbn_generator(z_ref, config.resolution, channels, config.z_dim, config.g_width, **kw)
  else:
    g = nets.generator(config.resolution, channels, config.z_dim, config.g_width, **kw)
  head = None
  if config.minibatch_discrimination:
    head = improved_nets.MinibatchDiscrimination(config.minibatch_kernels, config.minibatch_kernel_dim,
                                                 init_std=config.init_std, name="minibatch")
  d = nets.discriminator(config.resolution, channels, config.d_width, leaky_slope=config.leaky_slope, head=head,
                         **kw)
  model = DCGAN(g, d, latent_dim=config.z_dim, latent_distribution=config.z_distribution, seed=config.seed,
                label_smoothing=config.label_smoothing,
                feature_matching_layer=_feature_matching_layer(config, n_blocks + bool(head)),
                feature_matching_distance=config.feature_matching_distance,
                historical_weight=config.historical_weight if config.historical_averaging else 0.0,
                reuse_fake=config.get("reuse_fake", False))
  model.compile(
      g_optimizer=keras.optimizers.Adam(config.g_lr, beta_1=config.beta1, beta_2=config.beta2),
      d_optimizer=keras.optimizers.Adam(config.d_lr, beta_1=config.beta1, beta_2=config.beta2),
      loss_scaling=loss_scaling)
  return model
