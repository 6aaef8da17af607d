"""`train(config, workdir)`: the whole training run behind `python -m tfgan_repro.main`.

Keras `fit` drives the steps (one epoch of `steps - start` steps, so a resumed run continues at its exact
step); everything a run must survive lives in the callbacks and `Checkpointer`.
"""
import logging
import signal
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

import keras
import tensorflow as tf

from tfgan_repro import data, gans
from tfgan_repro.data import datasets
from tfgan_repro.training import callbacks as cb
from tfgan_repro.training import checkpointing, run_dir, runtime


class NonFiniteError(RuntimeError):
  """Training stopped on a non-finite loss or gradient; the last good checkpoint is intact."""


class Interrupted(RuntimeError):
  """SIGTERM/SIGINT arrived; a checkpoint of the current step was written."""

  def __init__(self, signum: int, step: int):
    super().__init__(f"Interrupted by signal {signum} at step {step}; checkpoint saved. "
                     "Run the same command again to resume.")
    self.signum = signum


class TrainResult(NamedTuple):
  step: int
  workdir: str
  steps_per_sec: Optional[float]


def validate(config) -> None:
  """Rejects impossible settings with one line that says what is allowed."""
  positive = ("batch_size", "steps", "log_every", "sample_every", "ckpt_every", "keep_checkpoints",
              "num_samples", "resolution")
  for name in positive:
    if name in config and int(config[name]) <= 0:
      raise ValueError(f"--{name} must be a positive integer, got {config[name]}.")
  datasets.get_info(config.dataset)
  if config.channels not in (0, 1, 3):
    raise ValueError(f"--channels must be 0 (the dataset's own), 1 or 3; got {config.channels}.")
  if config.strategy not in runtime.STRATEGIES:
    raise ValueError(f"--strategy must be one of {', '.join(runtime.STRATEGIES)}; got {config.strategy!r}.")
  runtime.check_execution(config)  # --mixed_precision, --threads, --jit_compile, --steps_per_execution


def channels_of(config) -> int:
  return config.channels or datasets.get_info(config.dataset).channels


def _metric_callback(config, run: Path):
  from tfgan_repro.metrics import callback as metric_callback
  from tfgan_repro.metrics.features import make_feature_network
  weights = config.get("eval_weights", "")
  files = {"ttur_graph": "inception_graph", "keras_inception": "inception_weights", "classifier": "classifier"}
  network = make_feature_network(config.eval_network, dataset=config.dataset,
                                 **({files[config.eval_network]: weights} if weights and config.eval_network in files
                                    else {}))
  return metric_callback.make_fid_callback(
      config, network=network, every_steps=config.eval_every, num_samples=config.eval_samples,
      log_dir=str(run / "tb"), jsonl_path=str(run / "scores.jsonl"),
      metrics=[m.strip() for m in config.eval_metrics.split(",") if m.strip()])


def train(config, workdir: str, *, overwrite: bool = False,
          extra_callbacks: Sequence = ()) -> TrainResult:
  # Nothing is written to the run directory until every input has been checked and the data, the model
  # and the first batch exist: a failed start leaves nothing behind to refuse the corrected command.
  validate(config)
  run = run_dir.check(workdir, config, overwrite)  # a foreign or unwritable --workdir, before any loading
  runtime.configure_threads(int(config.get("threads", 0)))  # before TensorFlow runs its first op
  runtime.configure_determinism(config.seed, config.deterministic)
  precision = runtime.apply_precision(config.get("mixed_precision", "false"))
  loss_scaling = precision.loss_scaling
  strategy = runtime.make_strategy(config.strategy)
  chief = runtime.is_chief(strategy)
  source = data.find_source(config.dataset, config.split, config.data_dir, with_classes=bool(config.classes),
                            seed=config.seed)

  with strategy.scope():
    model = gans.build(config, channels_of(config), loss_scaling)
  open_checkpoints = lambda: checkpointing.Checkpointer(model, str(run / "ckpt"), config.keep_checkpoints, chief)
  # --overwrite starts afresh: the old checkpoints go with the directory once the start has succeeded.
  ckpt = None if overwrite else open_checkpoints()
  start = ckpt.restore_latest() if ckpt is not None else 0
  if start >= config.steps:
    print(f"{run} is already trained to step {start} (--steps={config.steps}); nothing to do.", flush=True)
    return TrainResult(start, str(run), None)
  runtime.configure_execution(model, config, start)

  per_step_batch = config.batch_size * model.batches_per_step
  ds = data.make_dataset(config.dataset, config.resolution, per_step_batch, split=config.split,
                         classes=config.classes or None, data_dir=config.data_dir, seed=config.seed,
                         start_step=start, channels=channels_of(config),
                         balanced_classes=model.balanced_classes, source=source)
  options = tf.data.Options()
  options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
  ds = ds.with_options(options)
  real_for_grids = next(iter(ds.unbatch().batch(config.num_samples)))["images"]  # for model-specific grids
  if chief:
    run_dir.write_config(run, config, overwrite)
  ckpt = ckpt if ckpt is not None else open_checkpoints()
  if chief:
    run_dir.record_start(run, start, source.describe(), precision={"policy": precision.policy,
                                                                   "loss_scaling": precision.loss_scaling,
                                                                   "reason": precision.reason})
  writer = tf.summary.create_file_writer(str(run / "tb")) if chief else tf.summary.create_noop_writer()
  guard = cb.TrainingGuard(ckpt, config.ckpt_every)
  groups = len(data.parse_classes(config.classes) or [1]) if model.balanced_classes else 1
  logger = cb.ScalarLogger(writer, config.log_every, config.steps, per_step_batch * groups, chief)
  callbacks = [guard, logger]
  if chief:
    callbacks.append(cb.SampleWriter(writer, config.sample_every, run / "samples", config.num_samples,
                                     config.seed, real_for_grids, guard))
  if config.get("eval_every", 0) > 0 and chief:
    callbacks.append(_metric_callback(config, run))
  callbacks += model.training_callbacks(config) + list(extra_callbacks)

  print(f"Data: {config.dataset} {config.split} split from {source}.", flush=True)
  print(f"Training {config.model} on {config.dataset} {config.resolution}x{config.resolution} from step "
        f"{start} to {config.steps} in {run} ({strategy.num_replicas_in_sync} replica(s), "
        f"policy {keras.config.dtype_policy().name}: {precision.reason}; "
        f"{model.steps_per_execution} step(s) per execution).", flush=True)
  guard.install_signal_handlers()
  try:
    # shuffle=False: the pipeline already shuffles with a seeded per-epoch permutation (Keras would only warn).
    model.fit(ds, epochs=1, steps_per_epoch=config.steps - start, callbacks=callbacks, verbose=0, shuffle=False)
  finally:
    guard.restore_signal_handlers()
  step = int(model.step.numpy())
  if guard.failure:
    raise NonFiniteError(guard.failure)
  if guard.signal is not None:
    raise Interrupted(guard.signal, step)
  print(f"Done: step {step}; checkpoints in {run / 'ckpt'}, samples in {run / 'samples'}, "
        f"TensorBoard: tensorboard --logdir {run / 'tb'}", flush=True)
  return TrainResult(step, str(run), logger.speed)
