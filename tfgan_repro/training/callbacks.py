"""Callbacks of a training run: checkpoints and stop conditions, scalars and progress, image grids."""
import math
import signal
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_repro.training import images as image_lib


def _step(model) -> int:
  return int(model.step.numpy())


class TrainingGuard(keras.callbacks.Callback):
  """Saves every `every` steps and on SIGTERM/SIGINT; stops on a non-finite loss or gradient.

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
      self.signal = signum  # acted on at the end of the current step
    for s in (signal.SIGTERM, signal.SIGINT):
      try:
        self._previous[s] = signal.signal(s, handler)
      except ValueError:  # not the main thread (e.g. some test runners): rely on periodic saves
        pass

  def restore_signal_handlers(self):
    for s, h in self._previous.items():
      signal.signal(s, h)
    self._previous = {}

  def on_train_batch_end(self, batch, logs=None):
    step = _step(self.model)
    logs = logs or {}
    bad = [k for k, v in logs.items() if not math.isfinite(float(v))]
    if float(logs.get("nonfinite", 0.0)) > 0 or bad:
      last = self.checkpointer.last_saved_step
      self.failure = (f"Non-finite value at step {step} ({', '.join(bad) or 'a loss or gradient'}). "
                      f"Training stopped; the last good checkpoint is step {last if last is not None else 'none'} "
                      f"in {self.checkpointer.manager.directory}. Lower the learning rates or check the data.")
      self.model.stop_training = True
      return
    if self.signal is not None:
      self.checkpointer.save()
      self.model.stop_training = True
      return
    if step % self.every == 0:
      self.checkpointer.save()

  def on_train_end(self, logs=None):
    if self.failure is None and self.checkpointer.last_saved_step != _step(self.model):
      self.checkpointer.save()


class ScalarLogger(keras.callbacks.Callback):
  """Every `every` steps: scalars (losses, diagnostics, learning rates, speed) to TensorBoard, a
  progress line (or a progress bar on a terminal), then resets the loss trackers."""

  def __init__(self, writer, every: int, total_steps: int, batch_size: int, chief: bool = True):
    super().__init__()
    self.writer, self.every, self.total, self.batch_size, self.chief = writer, every, total_steps, batch_size, chief
    self.bar = keras.utils.Progbar(total_steps, unit_name="step") if sys.stdout.isatty() and chief else None
    self.speed = None

  def on_train_begin(self, logs=None):
    self._t0, self._s0 = time.perf_counter(), _step(self.model)

  def learning_rates(self):
    return {name: float(keras.ops.convert_to_numpy(opt.learning_rate))
            for name, opt in self.model.optimizers_by_name().items()}

  def on_train_batch_end(self, batch, logs=None):
    step = _step(self.model)
    values = {k: float(v) for k, v in (logs or {}).items() if k != "nonfinite"}
    if self.bar is not None:  # losses plus what the model asks to see (e.g. BEGAN's k_t, M_global)
      extra = set(getattr(self.model, "progress_names", ()))
      self.bar.update(step, [(k, v) for k, v in values.items() if k.endswith("loss") or k in extra])
    if step % self.every and step != self.total:
      return
    now = time.perf_counter()
    if step > self._s0:
      self.speed = (step - self._s0) / max(now - self._t0, 1e-9)
    self._t0, self._s0 = now, step
    lrs = self.learning_rates()
    if self.chief:
      with self.writer.as_default(step=step):
        for k, v in values.items():
          tf.summary.scalar(f"train/{k}", v)
        for k, v in lrs.items():
          tf.summary.scalar(f"lr/{k}", v)
        if self.speed:
          tf.summary.scalar("perf/steps_per_sec", self.speed)
          tf.summary.scalar("perf/images_per_sec", self.speed * self.batch_size)
      self.writer.flush()
      if self.bar is None:
        speed = f"{self.speed:.2f} steps/s, {self.speed * self.batch_size:.0f} img/s" if self.speed else "-"
        shown = " ".join(f"{k} {v:.4g}" for k, v in values.items())
        print(f"step {step}/{self.total} | {speed} | {shown} | lr "
              + " ".join(f"{k} {v:.3g}" for k, v in lrs.items()), flush=True)
    for m in self.model.metrics:  # the next line shows the mean over the next interval only
      m.reset_state()


class SampleWriter(keras.callbacks.Callback):
  """Every `every` steps and at the end: a grid of G(z) for a fixed z (plus any model-specific grids)
  to TensorBoard and RUN/samples/<name>_<step>.png."""

  def __init__(self, writer, every: int, sample_dir, num_samples: int, seed: int, real_images=None,
               guard: TrainingGuard = None):
    super().__init__()
    self.writer, self.every, self.dir, self.guard = writer, every, sample_dir, guard
    self.num_samples, self.seed, self.real_images = num_samples, seed, real_images
    self.last_written = None

  def write(self):
    step = _step(self.model)
    grids = {"samples": self.model.generate_images(self.num_samples, seed=self.seed)}
    grids.update({k: np.asarray(v) for k, v in self.model.image_summaries(self.real_images).items()})
    with self.writer.as_default(step=step):
      for name, imgs in grids.items():
        mosaic = image_lib.grid(imgs)
        tf.summary.image(f"images/{name}", mosaic[None], max_outputs=1)
        image_lib.save_png(mosaic, f"{self.dir}/{name}_{step:07d}.png")
    self.writer.flush()
    self.last_written = step

  def on_train_batch_end(self, batch, logs=None):
    if _step(self.model) % self.every == 0 and not self.model.stop_training:
      self.write()

  def on_train_end(self, logs=None):
    if self.last_written != _step(self.model) and not (self.guard and self.guard.failure):
      self.write()
