"""Learning-rate schedules of the papers, as `keras.optimizers.schedules.LearningRateSchedule`s."""
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
