"""Per-preset training figures: the real loop (`fit`), a bare `tf.function` step of the same networks, the
input pipeline alone, and the floating-point work of one step.

Training data is a synthetic .npz at the preset's resolution and channels (random pixels, 10 labels), so
every preset runs offline and the step's cost does not depend on which data set is installed; the input
pipeline of real sources is measured separately (`pipeline_sources`).
"""
import contextlib
import io
import os
from typing import Dict, NamedTuple, Optional, Tuple

import numpy as np

from tfgan_repro.perf import flops, timing


class StepFigures(NamedTuple):
  preset: str
  widths: str               # "n=16" (BEGAN) or "G 64 / D 64"
  batch: int                # config.batch_size
  images_per_step: int      # images one step consumes (batch x critic steps x classes)
  precision: str            # Keras policy the step ran under
  options: str              # jit / steps_per_execution / threads of the fit
  gflop_per_image: float
  fit: timing.Rate          # images/s of loop.train (callbacks on)
  bare: timing.Rate         # images/s of tf.function(model.train_step) on one in-memory batch
  pipeline: timing.Rate     # images/s of the input pipeline alone

  def to_json(self) -> dict:
    return {k: (list(v) if isinstance(v, timing.Rate) else v) for k, v in self._asdict().items()}

  @classmethod
  def from_json(cls, d: dict) -> "StepFigures":
    return cls(**{k: (timing.Rate(*v) if k in ("fit", "bare", "pipeline") else v) for k, v in d.items()})


def preset_config(name: str, width: int = 0, batch: int = 0, overrides: Optional[Dict[str, str]] = None):
  """The preset's config with width (n for BEGAN, G and D widths otherwise) and batch size replaced."""
  from tfgan_repro import presets
  config = presets.load(name)
  fields = {}
  if width:
    fields.update({"width": width} if "width" in config else {"g_width": width, "d_width": width})
  if batch:
    fields["batch_size"] = batch
  return presets.apply_overrides(config, {**fields, **(overrides or {})})


def case_config(name: str, width: int, batch: int, overrides: Dict[str, str], threads: int, work: str):
  """The config of one bench case: the preset at `width` / `batch` with `overrides`, no in-training scores,
  reading a synthetic .npz at its resolution and channels (written once into `work`)."""
  from tfgan_repro.training import loop
  config = preset_config(name, width, batch, {**overrides, "threads": str(threads), "eval_every": "0"})
  config.data_dir = synthetic_npz(work, config.resolution, loop.channels_of(config))
  return config


def release_case() -> None:
  """After a timed case: back to the float32 policy, Keras' graph state cleared, so the next case starts as
  the first did."""
  import gc
  import keras
  from tfgan_repro.training import runtime
  runtime.configure_precision("false")
  keras.backend.clear_session()
  gc.collect()


def describe_widths(config) -> str:
  if "width" in config:
    return f"n={config.width}"
  return f"G {config.g_width} / D {config.d_width}"


def synthetic_npz(directory: str, resolution: int, channels: int, n: int = 1024, seed: int = 0,
                  height_width: Optional[Tuple[int, int]] = None) -> str:
  """An .npz of `n` random uint8 images (n, R, R, C), or (n, H, W, C) with `height_width`, with labels 0..9;
  returns its path."""
  h, w = height_width or (resolution, resolution)
  path = os.path.join(directory, f"synthetic_{h}x{w}x{channels}_{n}.npz")
  if not os.path.isfile(path):
    rng = np.random.default_rng(seed)
    np.savez(path, x=rng.integers(0, 256, (n, h, w, channels), dtype=np.uint8), y=np.arange(n) % 10)
  return path


def source_sized_npz(directory: str, config) -> str:
  """`synthetic_npz` in the shape the preset's data set arrives in: CelebA presets get aligned-size images
  (218 high, 178 wide, cut to the 140-px face box), which code before the any-size framing (e.g. d8a0214)
  requires; other data sets get images at the preset's resolution."""
  from tfgan_repro.data import datasets
  from tfgan_repro.training import loop
  shape = None
  if config.dataset in datasets.DATASETS and datasets.get_info(config.dataset).crop == "celeba_140":
    width, height = datasets.CELEBA_ALIGNED_SIZE
    shape = (height, width)
  return synthetic_npz(directory, config.resolution, loop.channels_of(config), height_width=shape)


def _images_per_step(model, config) -> int:
  from tfgan_repro.data import parse_classes
  groups = len(parse_classes(config.classes) or [1]) if model.balanced_classes else 1
  return config.batch_size * model.batches_per_step * groups


def _dataset(config, model, start_step: int = 0):
  from tfgan_repro import data
  from tfgan_repro.training import loop
  return data.make_dataset(config.dataset, config.resolution, config.batch_size * model.batches_per_step,
                           split=config.split, classes=config.classes or None, data_dir=config.data_dir,
                           seed=config.seed, start_step=start_step, channels=loop.channels_of(config),
                           balanced_classes=model.balanced_classes)


def bare_step(config, model, batch, *, steps: int, repeats: int, warmup: int, seconds: float = 0.0,
              count_flops: bool = True):
  """(Rate, GFLOP per image) of the plain step: `tf.function(model.train_step)` on one batch, no XLA, no
  callbacks, no pipeline, stock Keras layers (Keras' BN ops where ours are fused) -- what a minimal Keras
  script does with the same networks. seconds: the windows' length (`timing.loop_rate`); the Rate's `steps`
  says how many steps that came to. count_flops=False: (Rate, None), without tracing the step's graph again."""
  from tfgan_repro.networks import fused_batchnorm
  with fused_batchnorm.stock_keras_ops():
    return _bare_step(config, model, batch, steps=steps, repeats=repeats, warmup=warmup, seconds=seconds,
                      count_flops=count_flops)


def _bare_step(config, model, batch, *, steps, repeats, warmup, seconds=0.0, count_flops=True):
  import tensorflow as tf
  step = tf.function(model.train_step)
  per_step = _images_per_step(model, config)
  logs = {}

  def one():
    logs.update(step(batch))

  rate = timing.loop_rate(one, lambda: float(logs["g_loss"]), steps=steps, repeats=repeats, warmup=warmup,
                          items_per_step=per_step, seconds=seconds)
  if not count_flops:
    return rate, None
  return rate, flops.function_flops(step, batch) / per_step / 1e9


def fit_step(config, workdir: str, images_per_step: int, *, steps: int, repeats: int,
             warmup: int) -> timing.Rate:
  """Images/s of `loop.train` -- the real loop with its callbacks (checkpoints, scalars, sample grids at
  the preset's cadence) -- over `repeats` windows of `steps` steps after `warmup` steps."""
  from tfgan_repro.training import loop
  clock = timing.StepClock()
  spe = max(1, int(config.get("steps_per_execution", 1)))
  warmup, steps = -(-warmup // spe) * spe, -(-steps // spe) * spe  # whole executions
  config = config.copy_and_resolve_references()
  config.steps = warmup + repeats * steps
  with contextlib.redirect_stdout(io.StringIO()):  # the loop's progress lines; the bench prints its own
    loop.train(config, workdir, overwrite=True, extra_callbacks=[clock])
  return timing.rate(clock.windows(warmup, steps, images_per_step), steps)


def pipeline_rate(config, model, *, steps: int, repeats: int, warmup: int) -> timing.Rate:
  """Images/s of the training input pipeline alone (the batches `loop.train` would consume)."""
  it = iter(_dataset(config, model))
  return timing.loop_rate(lambda: next(it), lambda: None, steps=steps, repeats=repeats, warmup=warmup,
                          items_per_step=_images_per_step(model, config))


def options_of(config) -> str:
  return (f"jit {config.get('jit_compile', 'auto')}, steps/execution {config.get('steps_per_execution', 1)}, "
          f"threads {config.get('threads', 0) or 'default'}")


def measure_preset(name: str, config, workdir: str, *, steps: int, repeats: int, warmup: int,
                   seconds: float = 0.0) -> StepFigures:
  """Bare step, pipeline and fit of one preset config (its data_dir already points at the data to read).

  seconds: if > 0, the windows last about this long (at least `steps` steps), sized on the bare step; the fit
  and the pipeline are timed over windows of the same number of steps, so a ratio of two figures compares
  the same amount of work.
  """
  import keras
  from tfgan_repro import gans
  from tfgan_repro.training import loop, runtime
  loss_scaling = runtime.configure_precision(config.mixed_precision)
  model = gans.build(config, loop.channels_of(config), loss_scaling)
  batch = next(iter(_dataset(config, model)))
  per_step = _images_per_step(model, config)
  bare, gflop = bare_step(config, model, batch, steps=steps, repeats=repeats, warmup=warmup, seconds=seconds)
  steps = bare.steps or steps
  pipe = pipeline_rate(config, model, steps=steps, repeats=repeats, warmup=warmup)
  policy = keras.config.dtype_policy().name
  fit = fit_step(config, os.path.join(workdir, "run"), per_step, steps=steps, repeats=repeats, warmup=warmup)
  return StepFigures(name, describe_widths(config), config.batch_size, per_step, policy, options_of(config),
                     gflop, fit, bare, pipe)
