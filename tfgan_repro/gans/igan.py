"""IGAN, IGAN_v2 and IGAN_VN training (seed 001, Meng et al. 2022; SPEC §3).

One generator with K outputs (K = 1 for IGAN) and one discriminator per output, each with its own optimizer
(seed 001 §1.2: "as many discriminators as classes"). Discriminator c sees real images of class c and output c's
fakes only. A step is n_critic updates of every discriminator, each on its own real batch, then one G update
(seed 001 §2.2.4 (4)); D's loss is the smoothed least-squares label loss plus lambda * the WGAN-GP gradient
penalty (seed 001 §3.1), G's the flipped-label loss; Gaussian noise is added to everything D sees
(seed 001 §2.2.4 (2)); the gradient penalty interpolates between the noisy inputs D actually sees.

D keeps the paper's BN (seed 001 Fig. 9), so the penalty pass has to choose BN statistics (`gp_bn_mode`):
- "batch" (default): the interpolates go through D in training mode, normalised by their own batch
  statistics, as TF code calling D(x_hat, training=True) does. The penalty is then NOT per-sample: BN couples
  the samples of the batch, so sample i's input gradient depends on the other interpolates (the reason
  Gulrajani et al. 2017 §4 keep BN out of the critic). The pass does not update D's moving statistics: they
  are restored after it, so only the real and fake passes feed them.
- "inference": the interpolates are normalised by D's moving statistics: a per-sample penalty (each
  sample's gradient is the one it has alone), on a D normalised differently from its loss passes.

Where the K classes come from:
- labelled data with `--classes` (K ids): the pipeline delivers n_critic * B images of each class, class-major
  (`balanced_classes`); labels renumber 0..K-1 in `--classes` order.
- unlabelled data (CelebA, LSUN bedroom) or no `--classes`: the K branches all learn the one data set, each
  discriminator on its own distinct real batches; seed 001 trains IGAN_v2 on LSUN's bedroom category alone
  (§3.4), so its two branches can only have learnt bedrooms. Class sub-folders of an image folder given as
  `--data_dir` together with `--classes=0,1` give real classes instead.

Deviations and decisions: see `configs/igan_base.py`.
"""
import contextlib
from typing import Dict, List, Optional, Sequence

import keras
import numpy as np
import tensorflow as tf

from tfgan_repro import schedules
from tfgan_repro.gans import StepLayout
from tfgan_repro.gans.base import GANModel
from tfgan_repro.losses import igan as igan_losses
from tfgan_repro.losses import penalties
from tfgan_repro.networks import igan as nets

GP_BN_MODES = ("batch", "inference")


class IGAN(GANModel):
  tracker_names = ("d_loss", "g_loss", "gp", "d_real", "d_fake", "d_grad_norm", "g_grad_norm")

  def __init__(self, generator, discriminators: Sequence[keras.Model], *, n_critic: int = 3,
               gp_weight: float = 5.0, real_target: float = 0.9, fake_target: float = 0.1,
               d_input_noise: float = 0.1, labelled: bool = True, gp_bn_mode: str = "batch",
               branch_names: Sequence[str] = (), **kwargs):
    if n_critic < 1:
      raise ValueError(f"n_critic must be a positive integer (seed 001: 3 to 5); got {n_critic}.")
    if not discriminators:
      raise ValueError("IGAN needs one discriminator per class; got none.")
    if gp_bn_mode not in GP_BN_MODES:
      raise ValueError(f"gp_bn_mode must be one of {', '.join(GP_BN_MODES)}; got {gp_bn_mode!r}.")
    super().__init__(generator, discriminators[0], **kwargs)
    self.discriminators = list(discriminators)
    self.num_classes = len(discriminators)
    self.n_critic, self.gp_weight, self.d_input_noise = n_critic, gp_weight, d_input_noise
    self.real_target, self.fake_target = real_target, fake_target
    self.gp_bn_mode = gp_bn_mode
    if branch_names and len(branch_names) != self.num_classes:
      raise ValueError(f"Give one branch name per branch: {self.num_classes}, got {len(branch_names)}.")
    self._branch_names = tuple(branch_names)
    # Labelled K > 1: batches of n_critic * B per class, grouped by class; else K * n_critic batches of B.
    self.balanced_classes = labelled and self.num_classes > 1
    self.batches_per_step = n_critic * (1 if self.balanced_classes else self.num_classes)
    if self.num_classes > 1:
      self.trackers.update({f"d_loss_{c}": keras.metrics.Mean(name=f"d_loss_{c}")
                            for c in range(self.num_classes)})

  def compile(self, g_optimizer, d_optimizers: Sequence, *, loss_scaling: bool = False, **kwargs):
    """g_optimizer for G; d_optimizers: one optimizer per discriminator, in class order."""
    d_optimizers = list(d_optimizers)
    if len(d_optimizers) != self.num_classes:
      raise ValueError(f"Give one optimizer per discriminator: {self.num_classes}, got {len(d_optimizers)}.")
    super().compile(g_optimizer, d_optimizers[0], loss_scaling=loss_scaling, **kwargs)
    rest = [keras.optimizers.LossScaleOptimizer(o) if loss_scaling else o for o in d_optimizers[1:]]
    for opt, disc in zip(rest, self.discriminators[1:]):
      opt.build(disc.trainable_variables)
    self.d_optimizers = [self.d_optimizer] + rest

  def checkpoint_items(self) -> Dict[str, object]:
    items = super().checkpoint_items()  # the networks under their names: discriminator_0, ...
    del items["d_optimizer"]  # saved below under per-class names
    items.update({f"d_optimizer_{c}": opt for c, opt in enumerate(self.d_optimizers)})
    return items

  def optimizers_by_name(self):
    return {"g": self.g_optimizer, **{f"d{c}": o for c, o in enumerate(self.d_optimizers)}}

  def networks(self) -> Dict[str, keras.Model]:
    return {"generator": self.generator, **{f"discriminator_{c}": d for c, d in enumerate(self.discriminators)}}

  # --- train_step and its pieces ------------------------------------------------------------------
  def _fakes(self, z, training=True) -> List[tf.Tensor]:
    out = self.generator(z, training=training)
    return list(out) if isinstance(out, (list, tuple)) else [out]

  def _noisy(self, images, stream: str, *indices):
    """images + N(0, d_input_noise^2) per pixel (seed 001 §2.2.4 (2)), float32; the noise from stream `stream`."""
    images = tf.cast(images, tf.float32)
    return images + self.d_input_noise * self.normal([tf.shape(images)[0], *images.shape[1:]], stream, *indices)

  def _score(self, disc, images, training=True):
    return tf.cast(disc(images, training=training), tf.float32)  # (B, 1)

  def _penalty(self, disc, real, fake, eps):
    """The WGAN-GP penalty of `disc` at eps * real + (1 - eps) * fake, BN as `gp_bn_mode` says (module doc)."""
    batch_statistics = self.gp_bn_mode == "batch"
    with _moving_statistics_kept(disc):  # only "batch" would update them
      return penalties.wasserstein_gradient_penalty(
          lambda v: self._score(disc, v, training=batch_statistics), real, fake, eps)

  def _real_batches(self, images):
    """(K * n_critic * B, H, W, C), class-major -> (K, n_critic, B, H, W, C)."""
    replica = tf.distribute.get_replica_context()
    if self.balanced_classes and replica is not None and replica.num_replicas_in_sync > 1:
      raise ValueError("IGAN_v2/IGAN_VN with --classes runs on one replica: the class-major batch would be "
                       "split across replicas by class. Use --strategy=default.")
    return tf.reshape(images, [self.num_classes, self.n_critic, -1, *images.shape[1:]])

  @tf.function
  def _critic_step(self, real, i):
    """Updates every discriminator once: D_c on real (K, B, H, W, C)[c] and output c's fakes.

    i: the critic step (int64 tensor, keys the draws). A tf.function, so its graph is traced once per run
    and called n_critic times (the double back-prop of the penalty is the bulk of the graph).
    Returns {name: (K,)} of d_loss, gp, d_real, d_fake, d_grad_norm.
    """
    batch = tf.shape(real)[1]
    fakes = self._fakes(self.latents(batch, "z_d", i))  # outside the tapes: D steps leave G alone
    out = {k: [] for k in ("d_loss", "gp", "d_real", "d_fake", "d_grad_norm")}
    for c, (disc, opt) in enumerate(zip(self.discriminators, self.d_optimizers)):
      x, f = self._noisy(real[c], "d_noise_real", i, c), self._noisy(fakes[c], "d_noise_fake", i, c)
      eps = self.uniform([batch, 1, 1, 1], "gp_eps", i, c)  # per-sample U(0, 1)
      with tf.GradientTape() as tape:
        real_s, fake_s = self._score(disc, x), self._score(disc, f)  # separate calls: BN never mixes them
        gp = self._penalty(disc, x, f, eps)
        loss = igan_losses.igan_discriminator_loss(real_s, fake_s, self.real_target, self.fake_target)
        loss += self.gp_weight * gp
      norm = self.apply_gradients(opt, tape, loss, disc.trainable_variables)
      for k, v in zip(out, (loss, gp, tf.reduce_mean(real_s), tf.reduce_mean(fake_s), norm)):
        out[k].append(v)
    return {k: tf.stack(v) for k, v in out.items()}

  def train_step(self, data):
    real = self._real_batches(data["images"])  # (K, n_critic, B, H, W, C)
    critic = [self._critic_step(real[:, i], tf.constant(i, tf.int64)) for i in range(self.n_critic)]
    with tf.GradientTape() as tape:
      fakes = self._fakes(self.latents(tf.shape(real)[2], "z_g"))
      # Sum over classes: each branch gets the gradient a one-class IGAN would give it.
      g_loss = tf.add_n([igan_losses.igan_generator_loss(
          self._score(d, self._noisy(f, "g_noise_fake", c)), self.real_target)
          for c, (d, f) in enumerate(zip(self.discriminators, fakes))])
    g_norm = self.apply_gradients(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
    values = {k: tf.reduce_mean(tf.stack([step[k] for step in critic])) for k in critic[0]}
    if self.num_classes > 1:  # each discriminator's loss at the last critic step
      values.update({f"d_loss_{c}": critic[-1]["d_loss"][c] for c in range(self.num_classes)})
    return self.finish_step({**values, "g_loss": g_loss, "g_grad_norm": g_norm})

  # --- sampling -----------------------------------------------------------------------------------
  @property
  def branch_names(self) -> tuple:
    """One label per generator branch, in output order ("branch 0: T-shirt/top", ...); () for one branch.
    Sample grids (training's SampleWriter, `sample`) label their row groups with these."""
    if self.num_classes == 1:
      return ()
    return self._branch_names or tuple(f"branch {c}" for c in range(self.num_classes))

  def generate_images(self, n: int, seed: int = 0, batch_size: Optional[int] = None) -> np.ndarray:
    """(n, 96, 96, C) in [-1, 1]: an equal mix of the K classes, class-major (class 0 first), the same
    latents for every class so rows of a grid correspond."""
    batch_size = batch_size or self.generation_batch()
    counts = [n // self.num_classes + (c < n % self.num_classes) for c in range(self.num_classes)]
    z = self.fixed_latents(max(counts), seed)
    per_class = [[] for _ in counts]
    for s in range(0, max(counts), batch_size):
      for c, out in enumerate(self._fakes(z[s:s + batch_size], training=False)):
        per_class[c].append(tf.clip_by_value(tf.cast(out, tf.float32), -1.0, 1.0).numpy())
    return np.concatenate([np.concatenate(p)[:k] for p, k in zip(per_class, counts)])


def branch_names_of(config, k: int, classes: tuple) -> tuple:
  """Labels of the K branches: the class each learns (its --classes id and the data set's name for it), or
  just the branch number on unlabelled data, where every branch learns the whole data set."""
  from tfgan_repro.data.class_names import class_names
  if k == 1:
    return ()
  if not classes:
    return tuple(f"branch {c}" for c in range(k))
  names = class_names(config.dataset, config.get("data_dir", "") or "")
  return tuple(f"branch {c}: {names[i]}" if 0 <= i < len(names) else f"branch {c}: class {i}"
               for c, i in enumerate(classes))


@contextlib.contextmanager
def _moving_statistics_kept(network):
  """Restores `network`'s non-trainable variables (its BN moving statistics) on exit.

  Inside, training-mode calls still normalise by batch statistics; only their moving-average updates are
  undone. In a tf.function, automatic control dependencies order the reads before and the writes after the
  calls inside, as written.
  """
  saved = [tf.identity(v.value) for v in network.non_trainable_variables]
  yield
  for v, value in zip(network.non_trainable_variables, saved):
    v.assign(value)


def num_classes_of(config, classes: tuple) -> int:
  """K from the model name, the parsed --classes and --num_branches; ValueError on a contradiction."""
  if config.model == "igan":
    return 1
  k = len(classes) or config.num_branches
  if config.model == "igan_v2" and k != 2:
    raise ValueError(f"igan_v2 is the two-class network (seed 001 Fig. 5): give --classes with 2 ids "
                     f"(e.g. --classes=0,7) or none; got {config.classes!r} / --num_branches={config.num_branches}.")
  if classes and config.num_branches not in (0, len(classes)):
    raise ValueError(f"--num_branches={config.num_branches} but --classes names {len(classes)} classes; "
                     f"set --num_branches=0 to use one branch per class.")
  if k < 2:
    raise ValueError(f"{config.model} needs >= 2 classes: --classes with >= 2 ids, or --num_branches >= 2 "
                     f"on unlabelled data; got {config.classes!r} / --num_branches={config.num_branches}.")
  return k


def build(experiment, loss_scaling: bool) -> IGAN:
  config, channels = experiment.config, experiment.data.channels
  if config.model not in ("igan", "igan_v2", "igan_vn"):
    raise ValueError(f"tfgan_repro.gans.igan builds igan, igan_v2 and igan_vn, not {config.model!r}.")
  if config.resolution != nets.RESOLUTION:
    raise ValueError(f"IGAN makes 96x96 images (seed 001 §2.1: data pre-processed to 96x96); "
                     f"got --resolution={config.resolution}. Use --resolution=96.")
  classes = experiment.data.classes
  k = num_classes_of(config, classes)
  kw = dict(leaky_slope=config.leaky_slope, sync_bn=config.sync_batchnorm)
  # Run directories written before these two fields existed get the presets' values (configs/igan_base.py).
  dropout_at_inference, gp_bn_mode = config.get("g_dropout_at_inference", True), config.get("gp_bn_mode", "batch")
  g = nets.generator(channels, config.z_dim, config.g_width, classes=0 if k == 1 else k,
                     stride1_convs=config.stride1_convs, dropout=config.g_dropout,
                     dropout_at_inference=dropout_at_inference, **kw)
  ds = [nets.discriminator(channels, config.d_width, name=f"discriminator_{c}", **kw) for c in range(k)]
  model = IGAN(g, ds, n_critic=config.n_critic, gp_weight=config.gp_weight, real_target=config.real_target,
               fake_target=config.fake_target, d_input_noise=config.d_input_noise,
               labelled=bool(classes), gp_bn_mode=gp_bn_mode,
               branch_names=branch_names_of(config, k, classes),
               latent_dim=config.z_dim, latent_distribution=config.z_distribution, seed=config.seed)
  d_lr = schedules.DecayToFloor(config.d_end_lr, config.d_init_set, config.lr_gamma, config.lr_decay_steps,
                                updates_per_step=config.n_critic)
  adam = lambda lr: keras.optimizers.Adam(lr, beta_1=config.beta1, beta_2=config.beta2)
  model.compile(g_optimizer=adam(d_lr.scaled(config.g_lr_ratio)), d_optimizers=[adam(d_lr) for _ in range(k)],
                loss_scaling=loss_scaling)
  return model


def step_layout(config, classes: tuple) -> StepLayout:
  """n_critic real batches per step for each of the K discriminators: class-major K x (n_critic * B) images
  with --classes on labelled data (discriminator c sees class c), else n_critic * K batches of the one data set."""
  k = num_classes_of(config, classes)
  class_major = bool(classes) and k > 1
  return StepLayout(config.n_critic * (1 if class_major else k), class_major)
