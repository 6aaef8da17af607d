"""Timed loops: medians over repeats after warm-up, by wall clock and by this process's CPU time.

Both clocks are kept because the machines this runs on are shared: wall time is what a user waits, CPU
time is what the work cost. On a quiet machine with one thread they agree; `busy` (CPU seconds per wall
second) says how far they part (below 1: the process waited for a core; above 1: it used several).
"""
import math
import time
from typing import Callable, Dict, List, NamedTuple

import keras
import numpy as np


class Rate(NamedTuple):
  wall: float   # items per wall-clock second (median over windows)
  cpu: float    # items per CPU second of this process (median over windows)
  busy: float   # median CPU seconds per wall second
  windows: int  # how many windows the medians are over
  steps: int = 0  # steps (calls) per window; 0 where not recorded


def _now():
  return time.perf_counter(), time.process_time()


def rate(windows: List[tuple], steps: int = 0) -> Rate:
  """[(items, wall seconds, cpu seconds)] -> medians of the per-window rates (`steps` per window, if known)."""
  if not windows:
    raise ValueError("No timed windows: give more steps (--steps) or repeats (--repeats).")
  w = np.array(windows, dtype=np.float64)
  wall, cpu = np.maximum(w[:, 1], 1e-12), np.maximum(w[:, 2], 1e-12)
  return Rate(float(np.median(w[:, 0] / wall)), float(np.median(w[:, 0] / cpu)),
              float(np.median(cpu / wall)), len(windows), steps)


def repeat(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> Dict[str, float]:
  """Median seconds of one call of `fn` ({"wall": ..., "cpu": ...}); `fn` must finish its work (e.g. fetch
  a result with .numpy()) before returning."""
  for _ in range(warmup):
    fn()
  walls, cpus = [], []
  for _ in range(repeats):
    w0, c0 = _now()
    fn()
    w1, c1 = _now()
    walls.append(w1 - w0)
    cpus.append(c1 - c0)
  return {"wall": float(np.median(walls)), "cpu": float(np.median(cpus))}


def window_steps(seconds: float, step_s: float, least: int) -> int:
  """Steps of a window that lasts about `seconds` when a step takes `step_s`; at least `least`."""
  if seconds <= 0 or step_s <= 0:
    return least
  return max(least, math.ceil(seconds / step_s))


def loop_rate(step: Callable[[], object], sync: Callable[[], object], *, steps: int, repeats: int,
              warmup: int, items_per_step: int, seconds: float = 0.0) -> Rate:
  """Rate of `step()` calls: `warmup` calls, then `repeats` windows of `steps` calls each ending in `sync()`.

  seconds: if > 0, each window is lengthened to about this many seconds (at least `steps` calls), sized from
  one more synced call after the warm-up, so that a fast step is not timed over a few milliseconds.
  """
  for _ in range(warmup):
    step()
  sync()
  if seconds > 0:
    w0 = time.perf_counter()
    step()
    sync()
    steps = window_steps(seconds, time.perf_counter() - w0, steps)
  windows = []
  for _ in range(repeats):
    w0, c0 = _now()
    for _ in range(steps):
      step()
    sync()
    w1, c1 = _now()
    windows.append((steps * items_per_step, w1 - w0, c1 - c0))
  return rate(windows, steps)


class StepClock(keras.callbacks.Callback):
  """Notes the clocks at every batch end of `fit` (with steps_per_execution, every N steps); `windows` cuts
  the record into windows of whole executions after a warm-up."""

  def __init__(self):
    super().__init__()
    self.marks = []  # (steps done in this fit, wall, cpu)

  def on_train_begin(self, logs=None):
    self.marks = [(0,) + _now()]

  def on_train_batch_end(self, batch, logs=None):
    self.marks.append((batch + 1,) + _now())

  def windows(self, warmup_steps: int, window_steps: int, items_per_step: int) -> List[tuple]:
    marks = [m for m in self.marks if m[0] >= warmup_steps]
    out, start = [], marks[0] if marks else None
    for m in marks[1:]:
      if m[0] - start[0] >= window_steps:
        out.append(((m[0] - start[0]) * items_per_step, m[1] - start[1], m[2] - start[2]))
        start = m
    return out
