"""`GANModel`: the one `keras.Model` base every GAN algorithm here derives from.

A subclass owns its networks, writes only `train_step`, and uses the helpers below for what every GAN
step needs: latents that do not depend on the number of replicas, loss scaling for `tf.distribute` and
mixed precision, gradient application with diagnostics, and the step counter.
"""
from typing import Dict, Optional, Sequence

import keras
import numpy as np
import tensorflow as tf

from tfgan_repro.gans import random_streams

GENERATION_PIXELS = 256 * 32 * 32  # pixels of one generator call in generate_images (GANModel.generation_batch)


def _replica():
  """(replica id, replicas in sync) of the current context; (0, 1) outside `tf.distribute`."""
  ctx = tf.distribute.get_replica_context()
  if ctx is None:  # cross-replica context
    return 0, 1
  return ctx.replica_id_in_sync_group, ctx.num_replicas_in_sync


class GANModel(keras.Model):
  """Base GAN: a generator, one or more discriminators, one optimizer each.

  Randomness inside `train_step` is stateless, drawn from named streams keyed by (seed, step, name,
  indices) (`rng`, gans/random_streams.py) for the *global* batch before this replica's slice is taken:
  a run is reproducible from its checkpoint, and a step on R replicas sees the same latents as the same
  step on one device.
  """

  tracker_names: Sequence[str] = ("d_loss", "g_loss")
  progress_names: Sequence[str] = ()  # trackers besides the losses the terminal progress bar shows
  batches_per_step = 1        # batches of `batch_size` consumed by one train_step (e.g. WGAN critic steps)
  balanced_classes = False    # the data pipeline groups each batch by class
  # Loss-scale overflows in a row that stop the run: by then the scale has halved from 2^15 to 2^-15, so
  # the gradients are not finite at any useful scale.
  max_overflow_streak = 30

  def __init__(self, generator: keras.Model, discriminator: keras.Model, *, latent_dim: int,
               latent_distribution: str = "normal", seed: int = 0, name: Optional[str] = None):
    super().__init__(name=name)
    if latent_distribution not in ("normal", "uniform"):
      raise ValueError(f"latent_distribution must be 'normal' or 'uniform', got {latent_distribution!r}.")
    self.generator = generator
    self.discriminator = discriminator
    self.latent_dim = latent_dim
    self.latent_distribution = latent_distribution
    self.step = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False,
                                name="step", aggregation="only_first_replica")
    self.seed = self.add_weight(shape=(), dtype="int64", initializer=keras.initializers.Constant(seed),
                                trainable=False, name="seed", aggregation="only_first_replica")
    self.trackers = {n: keras.metrics.Mean(name=n) for n in self.tracker_names}
    # First step with a non-finite value (-1: none); not checkpointed, a restored run starts clean.
    self.nonfinite_step = self.add_weight(shape=(), dtype="int64", initializer=keras.initializers.Constant(-1),
                                          trainable=False, name="nonfinite_step", aggregation="only_first_replica")
    self.loss_scaling = False

  # --- set-up -------------------------------------------------------------------------------------
  def compile(self, g_optimizer, d_optimizer, *, loss_scaling: bool = False, **kwargs):
    """Stores one optimizer per player and builds them on their variables (needed under a strategy).

    loss_scaling: wrap each optimizer in its own `LossScaleOptimizer` (mixed_float16); overriding
      `compile` drops Keras' automatic wrapping, so it happens here.
    """
    super().compile(**kwargs)
    self.loss_scaling = bool(loss_scaling)
    if loss_scaling:
      g_optimizer = keras.optimizers.LossScaleOptimizer(g_optimizer)
      d_optimizer = keras.optimizers.LossScaleOptimizer(d_optimizer)
      self.overflow_streak = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False,
                                             name="overflow_streak", aggregation="only_first_replica")
      self.trackers["loss_scale_overflows"] = keras.metrics.Sum(name="loss_scale_overflows")
    self.g_optimizer = g_optimizer
    self.d_optimizer = d_optimizer
    self.g_optimizer.build(self.generator.trainable_variables)
    self.d_optimizer.build(self.discriminator.trainable_variables)
    self.built = True  # networks are built; stops Keras from tracing `call` on a data batch

  def _maybe_symbolic_build(self, iterator=None, data_batch=None):
    # Keras 3 "builds" a distributed model by strategy.reduce-ing one data batch, which fails for dict
    # batches under MultiWorkerMirroredStrategy and wastes a batch otherwise. compile() built everything.
    if not self.built:
      super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

  def networks(self) -> Dict[str, keras.Model]:
    """Every network by its checkpoint name ("generator", "discriminator"; IGAN: "discriminator_0", ...)."""
    return {"generator": self.generator, "discriminator": self.discriminator}

  def checkpoint_items(self) -> Dict[str, object]:
    """Everything a resumed run needs; subclasses add their extra state."""
    items = {**self.networks(), "g_optimizer": self.g_optimizer, "d_optimizer": self.d_optimizer,
             "step": self.step, "seed": self.seed}
    seeds = self.seed_generator_states()
    if seeds:  # e.g. IGAN's training-mode dropout; without it a resumed run draws other masks
      items["seed_generators"] = tf.train.Checkpoint(**seeds)
    return items

  def sampling_items(self) -> Dict[str, object]:
    """The checkpoint items sampling needs, which a slim export (`sample --export=run`) holds: everything but
    the other networks (discriminators), the optimizers and state only training reads (subclasses drop
    theirs, e.g. DCGAN's historical averages)."""
    others = set(self.networks()) - {"generator"}
    return {k: v for k, v in self.checkpoint_items().items() if k not in others and "optimizer" not in k}

  def seed_generator_states(self) -> Dict[str, tf.Variable]:
    """The state of every Keras seed generator in the networks (dropout layers' masks in training). Keras
    keeps these out of `model.weights`, so a checkpoint of the networks alone does not hold them."""
    # Keyed by position, not by path: Keras numbers seed generators process-wide (seed_generator_3/...), so a
    # second model built in the same process would name the same state differently.
    return {f"{name}_{i}": v for name, net in self.networks().items()
            for i, v in enumerate(v for v in net.non_trainable_variables if "seed_generator_state" in v.path)}

  def training_callbacks(self, config) -> list:
    """Keras callbacks of this model's own state that the training loop adds (BEGAN: `HalvingLog`, which
    announces learning-rate halvings); the state lives in the model, so the model names its callbacks."""
    return []

  def optimizers_by_name(self) -> Dict[str, keras.optimizers.Optimizer]:
    return {"g": self.g_optimizer, "d": self.d_optimizer}

  @property
  def metrics(self):
    return list(self.trackers.values())

  # --- helpers for train_step ---------------------------------------------------------------------
  def rng(self, name: str, *indices) -> tf.Tensor:
    """The (2,) int64 seed of stream `name` at this step, e.g. `self.rng("gp_eps", critic_step, c)`.

    Every draw of a step must use its own (name, indices): tests/test_random_streams.py checks that no two
    draws of a family's step share a seed.
    """
    return random_streams.stream_seed(self.seed.value, self.step.value, name, *indices)

  def _noise(self, shape, kind: str, stream: str, indices) -> tf.Tensor:
    """This replica's slice of a (R * shape[0], ...) draw from stream (name, *indices) of this step."""
    rid, replicas = _replica()
    key = self.rng(stream, *indices)
    full_shape = tf.concat([[shape[0] * replicas], tf.constant(shape[1:], tf.int32)], 0)
    if kind == "normal":
      full = tf.random.stateless_normal(full_shape, seed=key)
    else:
      full = tf.random.stateless_uniform(full_shape, seed=key)
    return full[rid * shape[0]:(rid + 1) * shape[0]]

  def latents(self, batch_size, stream: str, *indices) -> tf.Tensor:
    """z from stream (name, *indices): N(0, 1) or U(-1, 1), (batch_size, latent_dim) float32."""
    if self.latent_distribution == "normal":
      return self._noise([batch_size, self.latent_dim], "normal", stream, indices)
    return self._noise([batch_size, self.latent_dim], "uniform", stream, indices) * 2.0 - 1.0

  def uniform(self, shape, stream: str, *indices) -> tf.Tensor:
    """U(0, 1) of `shape` for this replica (e.g. gradient-penalty interpolation weights)."""
    return self._noise(list(shape), "uniform", stream, indices)

  def normal(self, shape, stream: str, *indices) -> tf.Tensor:
    """N(0, 1) of `shape` for this replica (e.g. noise on D's inputs)."""
    return self._noise(list(shape), "normal", stream, indices)

  def apply_gradients(self, optimizer, tape: tf.GradientTape, loss: tf.Tensor, variables) -> tf.Tensor:
    """Differentiates `loss` (float32, this replica's mean) and applies the update; returns the grad norm.

    The loss is divided by the replicas in sync: replica gradients are summed, so the update equals the
    one-device update on the global batch. `optimizer.scale_loss` adds dynamic loss scaling where used;
    the returned norm is of the *unscaled* gradients, so it reads the same with or without loss scaling.
    On a loss-scale overflow it is not finite: the optimizer skips that update and halves its scale
    (`finish_step` counts the step instead of stopping the run).
    """
    _, replicas = _replica()
    with tape:  # re-entering records the scaling too
      scaled = optimizer.scale_loss(loss / tf.cast(replicas, loss.dtype))
    grads = tape.gradient(scaled, variables)
    # Read before `apply`, which halves the scale on an overflow (or doubles it after a run of good steps).
    scale = (tf.identity(optimizer.dynamic_scale) if isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
             else tf.constant(1.0, tf.float32))
    norm = tf.linalg.global_norm([tf.cast(g, tf.float32) for g in grads if g is not None])
    optimizer.apply(grads, variables)
    return norm / scale * tf.cast(replicas, tf.float32)

  def finish_step(self, values: Dict[str, tf.Tensor]) -> Dict[str, tf.Tensor]:
    """Advances the step, updates the trackers and returns the logs (with a `nonfinite` flag).

    Values named `*_grad_norm` are gradient norms. With loss scaling, a step whose losses are finite but
    whose gradients are not is a loss-scale overflow: the optimizers skipped it, the norms are left out of
    the means, the step is counted in `loss_scale_overflows`, and only `max_overflow_streak` of them in a
    row flag the run as non-finite. Without loss scaling any non-finite value flags it.
    `nonfinite` stays set from the first bad step on (`nonfinite_step` holds it), so a callback that sees
    only every N-th step's logs (steps_per_execution) still sees it.
    """
    self.step.assign_add(1)
    finite = {k: tf.reduce_all(tf.math.is_finite(tf.cast(v, tf.float32))) for k, v in values.items()}
    losses_ok = tf.reduce_all([ok for k, ok in finite.items() if not k.endswith("_grad_norm")] or [True])
    grads_ok = tf.reduce_all([ok for k, ok in finite.items() if k.endswith("_grad_norm")] or [True])
    if self.loss_scaling:
      overflow = losses_ok & tf.logical_not(grads_ok)
      streak = tf.where(overflow, self.overflow_streak + 1, tf.zeros_like(self.overflow_streak))
      self.overflow_streak.assign(streak)
      self.trackers["loss_scale_overflows"].update_state(tf.cast(overflow, tf.float32))
      good = losses_ok & (streak < self.max_overflow_streak)
    else:
      overflow, good = tf.constant(False), losses_ok & grads_ok
    for name, value in values.items():
      if name in self.trackers:
        value = tf.cast(value, tf.float32)
        if name.endswith("_grad_norm"):  # an overflow step's norms are left out of the mean
          keep = tf.cast(tf.logical_not(overflow), tf.float32)
          value = tf.where(overflow, tf.zeros_like(value), value)
          self.trackers[name].update_state(value, sample_weight=keep * tf.ones_like(value))
        else:
          self.trackers[name].update_state(value)
    self.nonfinite_step.assign(tf.where((self.nonfinite_step < 0) & tf.logical_not(good), self.step.value,
                                        self.nonfinite_step))
    logs = {name: t.result() for name, t in self.trackers.items()}
    if self.loss_scaling:  # an interval of overflow steps only applied no update: its norm is undefined
      for name in (n for n in logs if n.endswith("_grad_norm")):
        logs[name] = tf.where(self.trackers[name].count > 0, logs[name], float("nan"))
    logs["nonfinite"] = tf.cast(self.nonfinite_step >= 0, tf.float32)
    if self.loss_scaling:
      logs["overflow_streak"] = tf.cast(self.overflow_streak, tf.float32)
    if isinstance(tf.distribute.get_strategy(), tf.distribute.MultiWorkerMirroredStrategy):
      # Keras 3 reduces fit logs across workers with strategy.reduce(MEAN, v, axis=0), which needs an axis.
      logs = {k: tf.reshape(v, [1]) for k, v in logs.items()}
    return logs

  # --- sampling -----------------------------------------------------------------------------------
  def fixed_latents(self, n: int, seed: int = 0) -> tf.Tensor:
    """The sample grids' z: (n, latent_dim), a function of `seed` alone (not of the step or the run's seed),
    so grids of every checkpoint, and of runs made before named streams, show the same latents."""
    key = tf.constant([seed, 12345], tf.int64)
    if self.latent_distribution == "normal":
      return tf.random.stateless_normal([n, self.latent_dim], seed=key)
    return tf.random.stateless_uniform([n, self.latent_dim], seed=key, minval=-1.0, maxval=1.0)

  def generate(self, z: tf.Tensor) -> tf.Tensor:
    """G(z) in inference mode, float32 (B, H, W, C) in [-1, 1]."""
    return tf.clip_by_value(tf.cast(self.generator(z, training=False), tf.float32), -1.0, 1.0)

  def generation_batch(self) -> int:
    """Latents per generator call of `generate_images`: as many pixels as 256 images of 32x32, so at 96x96
    a call holds 28 images. Eager inference keeps every layer's output of the call alive: 256 IGAN images of
    96x96 took 9.5 GB (measured 2026-12-04), and two campaign lanes doing that at once ran a 24 GiB machine
    out of memory."""
    shape = self.generator.compute_output_shape((None, self.latent_dim))  # also for wrapped generators
    if isinstance(shape[0], (list, tuple)):  # one shape per branch (IGAN_v2 / IGAN_VN): all the same size
      shape = shape[0]
    height, width = shape[1:3]
    return int(np.clip(GENERATION_PIXELS // (height * width), 1, 256))

  def generate_images(self, n: int, seed: int = 0, batch_size: Optional[int] = None) -> np.ndarray:
    batch_size = batch_size or self.generation_batch()
    z = self.fixed_latents(n, seed)
    return np.concatenate([self.generate(z[i:i + batch_size]).numpy() for i in range(0, n, batch_size)])

  def image_summaries(self, real_images: Optional[tf.Tensor]) -> Dict[str, tf.Tensor]:
    """Extra image grids for TensorBoard and the run directory (e.g. BEGAN reconstructions)."""
    return {}

  def call(self, z, training=False):
    return self.generator(z, training=training)
