"""The fit and the bare step timed in alternating windows of one process, so their ratio is read pair by pair.

`training.measure_preset` times the bare step and then the fit, one after the other. Between processes, or
minutes apart in one, the same step's rate moves by up to 15% on these shared machines (results/PERFORMANCE.md,
2026-12-04), more than the 10% margin of issue 13's DCGAN-64 target. Here the two alternate: the fit
(`loop.train`, callbacks on) trains, and at the end of every window of its steps a callback runs a window of
the bare step (`tf.function(model.train_step)` of a second model built with Keras' own BN ops, on one
in-memory batch). Each pair is a fit window and the bare window right after it, so a slow spell of the
machine lands on both sides of a pair, and the median of the per-pair ratios is the figure.

The bare windows do not count towards the fit's: each fit window starts when the bare window before it ends.
The fit's input pipeline keeps prefetching in the background during a bare window, as it does during any
host work of the loop; it is 80-100x faster than the step (the pipeline table), so that is a small cost to
the bare side, not a gain for the fit.
"""
import contextlib
import io
import statistics
import time
from typing import List, NamedTuple

import keras

from tfgan_repro.perf import timing


class PairedRow(NamedTuple):
  preset: str
  widths: str            # as training.describe_widths
  batch: int
  images_per_step: int
  precision: str         # Keras policy both steps ran under
  options: str           # jit / steps_per_execution / threads of the fit
  steps: int             # steps per window, on each side
  fit: List[float]       # images/s of each fit window (wall clock)
  bare: List[float]      # images/s of the bare window right after it

  @property
  def ratios(self) -> List[float]:
    return [f / b for f, b in zip(self.fit, self.bare)]

  @property
  def median_ratio(self) -> float:
    return statistics.median(self.ratios)

  def key(self) -> tuple:
    return (self.preset, self.widths, self.batch, self.precision)


class _Alternate(keras.callbacks.Callback):
  """Last callback of the fit: after `warmup` steps, every `window` steps closes a fit window and runs one
  bare window (`bare_window(n)` -> wall seconds of n bare steps); the next fit window starts when it returns.
  At the end of the warm-up it runs a few bare steps untimed: the first call of the bare step inside the fit
  costs about a second more than the others (measured; TensorFlow sets the function up again there)."""

  def __init__(self, bare_window, warmup: int, window: int, pairs: int, clock=time.perf_counter):
    super().__init__()
    self.bare_window, self.warmup, self.window, self.pairs = bare_window, warmup, window, pairs
    self.clock = clock
    self.fit_s: List[float] = []
    self.bare_s: List[float] = []
    self._start = None

  def on_train_batch_end(self, batch, logs=None):
    done = batch + 1
    if done == self.warmup:
      self.bare_window(min(self.warmup, 3))
      self._start = self.clock()
    elif done > self.warmup and (done - self.warmup) % self.window == 0 and len(self.fit_s) < self.pairs:
      self.fit_s.append(self.clock() - self._start)
      self.bare_s.append(self.bare_window())
      self._start = self.clock()


def measure(name: str, config, workdir: str, *, steps: int, pairs: int, warmup: int,
            seconds: float = 0.0) -> PairedRow:
  """`pairs` (fit window, bare window) pairs of one case config (its data_dir already set, as
  training.case_config makes it). A window is `steps` steps, or about `seconds` of the bare step if longer."""
  import os
  import tensorflow as tf
  from tfgan_repro import gans
  from tfgan_repro.networks import fused_batchnorm
  from tfgan_repro.perf import training
  from tfgan_repro.training import loop, runtime
  if pairs < 1 or steps < 1:
    raise ValueError(f"The paired windows need at least one pair of at least one step; got {pairs} x {steps}.")
  spe = max(1, int(config.get("steps_per_execution", 1)))
  model = gans.build(config, loop.channels_of(config), runtime.configure_precision(config.mixed_precision))
  batch = next(iter(training._dataset(config, model)))
  per_step = training._images_per_step(model, config)
  with fused_batchnorm.stock_keras_ops():  # traced here, with Keras' own BN ops; the concrete function is
    # fixed: a tf.function would trace again inside the fit (loop.train sets the global seed), with our ops
    step = tf.function(model.train_step).get_concrete_function(batch)
    for _ in range(max(1, warmup)):
      logs = step(batch)
    float(logs["g_loss"])
    w0 = time.perf_counter()
    logs = step(batch)
    float(logs["g_loss"])
    one = time.perf_counter() - w0
  window = timing.window_steps(seconds, one, steps)
  window = -(-window // spe) * spe  # whole executions of the fit
  warmup = -(-max(1, warmup) // spe) * spe

  def bare_window(n: int = window) -> float:
    w0 = time.perf_counter()
    for _ in range(n):
      out = step(batch)
    float(out["g_loss"])
    return time.perf_counter() - w0

  alternate = _Alternate(bare_window, warmup, window, pairs)
  config = config.copy_and_resolve_references()
  config.steps = warmup + (pairs + 1) * window  # one more window: the run's last step (its final checkpoint
  # and sample grid) falls outside the pairs
  with contextlib.redirect_stdout(io.StringIO()):  # the loop's progress lines; the bench prints its own
    loop.train(config, os.path.join(workdir, "paired"), overwrite=True, extra_callbacks=[alternate])
  if len(alternate.fit_s) != pairs:
    raise RuntimeError(f"The fit ended after {len(alternate.fit_s)} of {pairs} windows.")
  items = window * per_step
  return PairedRow(name, training.describe_widths(config), config.batch_size, per_step,
                   keras.config.dtype_policy().name, training.options_of(config), window,
                   [items / s for s in alternate.fit_s], [items / s for s in alternate.bare_s])
