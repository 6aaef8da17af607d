"""Learning-rate schedules of the papers: IGAN's decay to a floor, BEGAN's halving controller.

Keras `LearningRateSchedule`s and pure functions of tensors. A schedule whose state must survive a resume
(BEGAN's halving scale) keeps it in the model's checkpointed variables; the functions here compute the next
value and the model assigns it inside `train_step`.
"""
from typing import NamedTuple

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="tfgan_repro")
class DecayToFloor(keras.optimizers.schedules.LearningRateSchedule):
  """IGAN's dynamic learning rate (seed 001 §2.2.1 Eq. 6; SPEC §3 decision):

      lr(t) = end_lr + init_set * gamma ** (t / decay_steps),    t = iterations / updates_per_step

  so lr(0) = end_lr + init_set and lr -> end_lr. `t` counts training steps (G updates): an optimizer that
  makes `updates_per_step` updates per step (a discriminator trained n_critic times) passes that number, and
  its rate at step t equals a once-per-step optimizer's, which keeps G's rate a fixed multiple of D's.
  """

  def __init__(self, end_lr: float, init_set: float, gamma: float, decay_steps: float,
               updates_per_step: int = 1):
    if end_lr < 0 or init_set < 0:
      raise ValueError(f"end_lr and init_set must be >= 0; got {end_lr} and {init_set}.")
    if not 0.0 < gamma <= 1.0:
      raise ValueError(f"gamma must be in (0, 1] (1 = constant rate); got {gamma}.")
    if decay_steps <= 0 or updates_per_step <= 0:
      raise ValueError(f"decay_steps and updates_per_step must be positive; got {decay_steps}, {updates_per_step}.")
    self.end_lr, self.init_set, self.gamma = float(end_lr), float(init_set), float(gamma)
    self.decay_steps, self.updates_per_step = float(decay_steps), int(updates_per_step)

  def __call__(self, step):
    t = tf.cast(step, tf.float32) / (self.decay_steps * self.updates_per_step)
    return self.end_lr + self.init_set * tf.pow(self.gamma, t)

  def scaled(self, factor: float) -> "DecayToFloor":
    """The same curve times `factor` (G's rate is 1.5x D's, seed 001 §2.2.4 (6)), one update per step."""
    return DecayToFloor(self.end_lr * factor, self.init_set * factor, self.gamma, self.decay_steps)

  def get_config(self):
    return {"end_lr": self.end_lr, "init_set": self.init_set, "gamma": self.gamma,
            "decay_steps": self.decay_steps, "updates_per_step": self.updates_per_step}


class ScaledLearningRate(keras.optimizers.schedules.LearningRateSchedule):
  """base * scale, `scale` a checkpointed variable (BEGAN's halving factor), so a resumed run keeps it."""

  def __init__(self, base: float, scale):
    self.base = float(base)
    self.scale = scale

  def __call__(self, step):
    del step  # the scale variable carries the schedule
    return self.base * tf.cast(self.scale, tf.float32)

  def get_config(self):
    return {"base": self.base}


# BEGAN's halving of both rates (seed 000 §3.1: "adjusted by a factor of 2 when convergence stalls"; SPEC §1).
BEGAN_LR_DECAYS = ("plateau", "step", "none")


def halve_every(done, every: int, min_scale: float):
  """The scale after `done` steps when the rates halve every `every` steps: max(0.5^floor(done/every), min)."""
  halvings = tf.cast(done // every, tf.float32)
  return tf.maximum(0.5 ** halvings, min_scale)


class PlateauState(NamedTuple):
  scale: tf.Tensor        # factor on both learning rates
  best: tf.Tensor         # lowest window mean of M_global so far
  window_sum: tf.Tensor   # sum of M_global over the current window
  stale: tf.Tensor        # steps since the best window (int64)


def halve_on_plateau(state: PlateauState, m_global, step, *, window: int, patience: int,
                     min_improvement: float, min_scale: float) -> PlateauState:
  """State after a step (`step` = steps done, this one included) that measured `m_global`.

  M_global is averaged over windows of `window` steps; when `patience` steps pass without a window mean
  below (1 - min_improvement) x the best one, the scale halves, never below `min_scale`.
  """
  window_sum = state.window_sum + m_global
  at_end = tf.equal(step % window, 0)
  mean = window_sum / float(window)
  improved = at_end & (mean < state.best * (1.0 - min_improvement))
  stale = tf.where(at_end, tf.where(improved, tf.zeros_like(state.stale), state.stale + window), state.stale)
  halve = stale >= patience
  return PlateauState(
      scale=tf.where(halve, tf.maximum(state.scale * 0.5, min_scale), state.scale),
      best=tf.where(improved, mean, state.best),
      window_sum=tf.where(at_end, tf.zeros_like(window_sum), window_sum),
      stale=tf.where(halve, tf.zeros_like(stale), stale))
