"""Callbacks of a training run: checkpoints and stop conditions, scalars and progress, image grids.

Per batch they read no variable and at most one log value (the guard's `nonfinite` flag): the step is
counted from the batch index (`StepCallback`), and losses are read only when they are written, every
`log_every` steps, or shown by the progress display (at most twice a second, see `progress`). With `steps_per_execution` = N Keras calls them every N steps; `loop.train` keeps N a
divisor of every cadence and of the steps to train, so each cadence still falls on a batch end.
"""
import signal
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_repro.training import images as image_lib
from tfgan_repro.training import progress as progress_lib


class StepCallback(keras.callbacks.Callback):
  """Knows `model.step` after each batch without reading it: one read at the start of `fit`, then
  start + batch index + 1 (capped at the epoch's steps, for a last partial execution)."""

  def on_train_begin(self, logs=None):
    self._first = int(self.model.step.numpy())
    steps = (self.params or {}).get("steps")
    self._last = self._first + steps if steps else None

  def step_at(self, batch: int) -> int:
    step = self._first + int(batch) + 1
    return min(step, self._last) if self._last is not None else step


class TrainingGuard(StepCallback):
  """Saves every `every` steps and on SIGTERM/SIGINT; stops on a non-finite loss or gradient, or on
  `GANModel.max_overflow_streak` loss-scale overflows in a row.

  A non-finite step is never saved, so the newest checkpoint is the last good state.
  """

  def __init__(self, checkpointer, every: int):
    super().__init__()
    self.checkpointer = checkpointer
    self.every = every
    self.failure = None
    self.signal = None
    self._previous = {}

  def install_signal_handlers(self):
    def handler(signum, frame):
      self.signal = signum  # acted on at the end of the current step (execution)
    for s in (signal.SIGTERM, signal.SIGINT):
      try:
        self._previous[s] = signal.signal(s, handler)
      except ValueError:  # not the main thread (e.g. some test runners): rely on periodic saves
        pass

  def restore_signal_handlers(self):
    for s, h in self._previous.items():
      signal.signal(s, h)
    self._previous = {}

  def _describe_failure(self, logs) -> str:
    model = self.model
    step = int(model.nonfinite_step.numpy())
    last = self.checkpointer.last_saved_step
    where = (f"the last good checkpoint is step {last if last is not None else 'none'} in "
             f"{self.checkpointer.manager.directory}")
    streak = float(logs.get("overflow_streak", 0.0))
    if streak >= model.max_overflow_streak:
      return (f"{int(streak)} loss-scale overflows in a row up to step {step}: the gradients are not finite at "
              f"any loss scale. Training stopped; {where}. Lower the learning rates, or train in float32.")
    bad = [k for k, v in logs.items() if k not in ("nonfinite", "overflow_streak")
           and not np.all(np.isfinite(np.asarray(v, np.float64)))]
    return (f"Non-finite value at step {step} ({', '.join(bad) or 'a loss or gradient'}). "
            f"Training stopped; {where}. Lower the learning rates or check the data.")

  def on_train_batch_end(self, batch, logs=None):
    logs = logs or {}
    if float(logs.get("nonfinite", 0.0)) > 0:  # the one value read every batch: set from the first bad step on
      self.failure = self._describe_failure(logs)
      self.model.stop_training = True
      return
    if self.signal is not None:
      self.checkpointer.save()
      self.model.stop_training = True
      return
    if self.step_at(batch) % self.every == 0:
      self.checkpointer.save()

  def on_train_end(self, logs=None):
    if self.failure is None and self.checkpointer.last_saved_step != int(self.model.step.numpy()):
      self.checkpointer.save()


class ScalarLogger(StepCallback):
  """Every `every` steps: scalars (losses, diagnostics, learning rates, speed) to TensorBoard, then resets
  the loss trackers. The chief also shows progress (`progress.Progress`): a bar on a terminal, plain lines
  elsewhere, drawn by time as well as every `every` steps; logs are read only when something is drawn."""

  def __init__(self, writer, every: int, total_steps: int, batch_size: int, chief: bool = True, *,
               tty=None, clock=time.perf_counter, columns=None):
    super().__init__()
    self.writer, self.every, self.total, self.batch_size, self.chief = writer, every, total_steps, batch_size, chief
    self.clock = clock
    self.progress = (progress_lib.Progress(total_steps, batch_size, tty=tty, clock=clock, columns=columns)
                     if chief else None)
    self.speed = None

  def describe(self) -> str:
    return self.progress.describe(self.every) if self.progress else ""

  @property
  def elapsed(self) -> float:
    """Seconds since `fit` started training (the first step's tracing included)."""
    return self.clock() - self._begin

  def on_train_begin(self, logs=None):
    super().on_train_begin(logs)
    self._t0, self._s0 = self.clock(), self._first
    self._begin = self._t0
    if self.progress:  # losses plus what the model asks to see (e.g. BEGAN's k_t, M_global)
      self.progress.key_names = tuple(getattr(self.model, "progress_names", ()))
      self.progress.begin(self._first)

  def on_train_end(self, logs=None):
    if self.progress:
      self.progress.end()

  @staticmethod
  def _values(logs):
    return {k: float(v) for k, v in (logs or {}).items() if k not in ("nonfinite", "overflow_streak")}

  def learning_rates(self):
    return {name: float(keras.ops.convert_to_numpy(opt.learning_rate))
            for name, opt in self.model.optimizers_by_name().items()}

  def on_train_batch_end(self, batch, logs=None):
    step = self.step_at(batch)
    log_now = not (step % self.every and step != self.total)
    draw = self.progress is not None and self.progress.tick(step, force=log_now)  # reads no log
    if not (draw or log_now):
      return
    values = self._values(logs)  # waits for the device: only on a drawn or a logged step
    lrs = None
    if log_now:
      now = self.clock()
      if step > self._s0:
        self.speed = (step - self._s0) / max(now - self._t0, 1e-9)
      self._t0, self._s0 = now, step
      lrs = self.learning_rates()
    if log_now and self.chief:
      with self.writer.as_default(step=step):
        for k, v in values.items():
          tf.summary.scalar(f"train/{k}", v)
        for k, v in lrs.items():
          tf.summary.scalar(f"lr/{k}", v)
        if self.speed:
          tf.summary.scalar("perf/steps_per_sec", self.speed)
          tf.summary.scalar("perf/images_per_sec", self.speed * self.batch_size)
      self.writer.flush()
    if draw:
      self.progress.draw(values, lrs)
    if log_now:
      for m in self.model.metrics:  # the next line shows the mean over the next interval only
        m.reset_state()


class SampleWriter(StepCallback):
  """Every `every` steps and at the end: a grid of G(z) for a fixed z (plus any model-specific grids)
  to TensorBoard and RUN/samples/<name>_<step>.png."""

  def __init__(self, writer, every: int, sample_dir, num_samples: int, seed: int, real_images=None,
               guard: TrainingGuard = None):
    super().__init__()
    self.writer, self.every, self.dir, self.guard = writer, every, sample_dir, guard
    self.num_samples, self.seed, self.real_images = num_samples, seed, real_images
    self.last_written = self.last_samples = None

  def write(self, step: int):
    grids = {"samples": self.model.generate_images(self.num_samples, seed=self.seed)}
    grids.update({k: np.asarray(v) for k, v in self.model.image_summaries(self.real_images).items()})
    with self.writer.as_default(step=step):
      for name, imgs in grids.items():  # IGAN_v2/VN samples: labelled by branch, one TB image per branch
        branches = getattr(self.model, "branch_names", ()) if name == "samples" else ()
        image_lib.summarize(name, imgs, f"{self.dir}/{name}_{step:07d}.png", branches)
    self.writer.flush()
    self.last_written, self.last_samples = step, grids["samples"]  # guards.DiversityGuard measures this grid

  def on_train_batch_end(self, batch, logs=None):
    step = self.step_at(batch)
    if step % self.every == 0 and not self.model.stop_training:
      self.write(step)

  def on_train_end(self, logs=None):
    step = int(self.model.step.numpy())
    if self.last_written != step and not (self.guard and self.guard.failure):
      self.write(step)
