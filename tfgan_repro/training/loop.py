"""`train(experiment, workdir)`: the whole training run behind `python -m tfgan_repro.main`.

Keras `fit` drives the steps (one epoch of `steps - start` steps, so a resumed run continues at its exact
step); everything a run must survive lives in the callbacks and `Checkpointer`.
"""
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

import keras
import tensorflow as tf

from tfgan_repro import _kernels, data, gans
from tfgan_repro.data import datasets
from tfgan_repro.experiment import Experiment
from tfgan_repro.training import callbacks as cb
from tfgan_repro.training import checkpointing, guards, progress, run_dir, runtime


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


def channels_of(config) -> int:
  """The channel rule (`datasets.channels_for`) for callers holding a bare config (the benchmarks, tests)."""
  return datasets.channels_for(config.dataset, config.channels)


def _eval_network(config):
  """The in-training scores' feature network (--eval_network, --eval_weights)."""
  from tfgan_repro.metrics.features import make_feature_network
  weights = config.get("eval_weights", "")
  files = {"ttur_graph": "inception_graph", "keras_inception": "inception_weights", "classifier": "classifier"}
  return make_feature_network(config.eval_network, dataset=config.dataset,
                              **({files[config.eval_network]: weights} if weights and config.eval_network in files
                                 else {}))


def _metric_callback(experiment: Experiment, run: Path, source, network):
  from tfgan_repro.metrics import callback as metric_callback
  config = experiment.config
  return metric_callback.make_fid_callback(
      experiment, network=network, every_steps=config.eval_every, num_samples=config.eval_samples,
      log_dir=str(run / "tb"), jsonl_path=str(run / "scores.jsonl"),
      metrics=[m.strip() for m in config.eval_metrics.split(",") if m.strip()], source=source)


def train(experiment: Experiment, workdir: str, *, overwrite: bool = False,
          extra_callbacks: Sequence = ()) -> TrainResult:
  """`experiment`: an Experiment, or a config to resolve into one (which checks every field)."""
  # Nothing is written to the run directory until every input has been checked and the data, the model
  # and the first batch exist: a failed start leaves nothing behind to refuse the corrected command.
  experiment = Experiment.of(experiment)
  config, spec = experiment.config, experiment.data
  run = run_dir.check(workdir, config, overwrite)  # a foreign or unwritable --workdir, before any loading
  runtime.configure_threads(int(config.get("threads", 0)))  # before TensorFlow runs its first op
  runtime.configure_determinism(config.seed, config.deterministic)
  precision = runtime.apply_precision(config.get("mixed_precision", "false"))
  loss_scaling = precision.loss_scaling
  strategy = runtime.make_strategy(config.strategy)
  chief = runtime.is_chief(strategy)
  source = spec.open()  # the one read of the data: the pipeline and the real statistics reuse it

  with strategy.scope():
    model = gans.build(experiment, loss_scaling=loss_scaling)
  open_checkpoints = lambda: checkpointing.Checkpointer(model, str(run / "ckpt"), config.keep_checkpoints, chief)
  # --overwrite starts afresh: the old checkpoints go with the directory once the start has succeeded.
  ckpt = None if overwrite else open_checkpoints()
  start = ckpt.restore_latest() if ckpt is not None else 0
  if start >= config.steps:
    print(f"{run} is already trained to step {start} (--steps={config.steps}); nothing to do.", flush=True)
    return TrainResult(start, str(run), None)
  runtime.configure_execution(model, config, start)

  ds = data.make_dataset(spec.dataset, spec.resolution, experiment.pipeline_batch, split=spec.split,
                         classes=spec.classes, data_dir=spec.data_dir, seed=spec.seed, start_step=start,
                         channels=spec.channels, balanced_classes=experiment.layout.class_major, source=source)
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
                                                                   "reason": precision.reason},
                         cpu_kernels=_kernels.state())
  writer = tf.summary.create_file_writer(str(run / "tb")) if chief else tf.summary.create_noop_writer()
  guard = cb.TrainingGuard(ckpt, config.ckpt_every)
  logger = cb.ScalarLogger(writer, config.log_every, config.steps, experiment.images_per_step, chief)
  callbacks = [guard, logger]
  scoring = config.get("eval_every", 0) > 0 and chief
  eval_network = _eval_network(config) if scoring else None
  # The diversity guard measures in the shipped classifier's features: the scores' network when it is that one.
  shared = (eval_network if scoring and config.get("eval_network", "") == "classifier"
            and not config.get("eval_weights", "") and spec.dataset == config.dataset else None)
  if chief:
    sampler = cb.SampleWriter(writer, config.sample_every, run / "samples", config.num_samples, config.seed,
                              real_for_grids, guard)
    callbacks += [sampler, *guards.make_guards(writer, config.log_every, sampler, spec.dataset, shared)]  # issue 16
  if scoring:
    callbacks.append(_metric_callback(experiment, run, source, eval_network))
  callbacks += model.training_callbacks(config) + list(extra_callbacks)

  if chief:  # the start lines: preset, data read, policy, network sizes, how progress is shown
    preset = f"preset {config.preset}: " if config.get("preset") else ""
    print(f"Data: {config.dataset} {config.split} split from {source}.", flush=True)
    print(f"Training {preset}{config.model} on {config.dataset} {config.resolution}x{config.resolution} from step "
          f"{start} to {config.steps} in {run} ({strategy.num_replicas_in_sync} replica(s), "
          f"policy {keras.config.dtype_policy().name}: {precision.reason}; "
          f"{model.steps_per_execution} step(s) per execution).", flush=True)
    print(f"{progress.parameters_line(model)} {logger.describe()}", flush=True)
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
  if chief:
    print(f"Done: step {step} in {progress.hms(logger.elapsed)}; checkpoints in {run / 'ckpt'}, samples in "
          f"{run / 'samples'}, TensorBoard: tensorboard --logdir {run / 'tb'}", flush=True)
  return TrainResult(step, str(run), logger.speed)
