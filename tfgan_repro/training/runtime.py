"""Process-wide set-up of a run: determinism, precision policy and `tf.distribute` strategy."""
import json
import logging
import os

import keras
import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multiworker")


def configure_determinism(seed: int, deterministic: bool) -> None:
  keras.utils.set_random_seed(seed)  # Python, NumPy and Keras initialisers
  if deterministic:
    tf.config.experimental.enable_op_determinism()


def configure_precision(mixed: bool) -> bool:
  """Sets the global Keras dtype policy; returns whether loss scaling is needed.

  CPU: mixed_bfloat16 (bfloat16 keeps float32's exponent range, so no loss scaling);
  GPU: mixed_float16 with one LossScaleOptimizer per network.
  """
  if not mixed:
    keras.mixed_precision.set_dtype_policy("float32")
    return False
  if tf.config.list_physical_devices("GPU"):
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    return True
  keras.mixed_precision.set_dtype_policy("mixed_bfloat16")
  return False


def make_strategy(name: str) -> tf.distribute.Strategy:
  """default: one device; mirrored: all local GPUs (or all logical CPUs); multiworker: TF_CONFIG."""
  if name == "default":
    return tf.distribute.get_strategy()
  if name == "mirrored":
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([d.name for d in devices])
  if name == "multiworker":
    if "TF_CONFIG" not in os.environ:
      raise ValueError("--strategy=multiworker needs the TF_CONFIG environment variable "
                       "(cluster and task), see tf.distribute.MultiWorkerMirroredStrategy.")
    return tf.distribute.MultiWorkerMirroredStrategy()
  raise ValueError(f"--strategy must be one of {', '.join(STRATEGIES)}; got {name!r}.")


def is_chief(strategy: tf.distribute.Strategy) -> bool:
  """True unless this is a non-chief worker of a multi-worker cluster."""
  resolver = getattr(strategy, "cluster_resolver", None)
  if resolver is None or not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
    return True
  task_type, task_id = resolver.task_type, resolver.task_id
  if task_type in (None, "chief"):
    return True
  cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
  return task_type == "worker" and task_id == 0 and "chief" not in cluster


def log_devices(strategy):
  logging.info("Strategy %s with %d replica(s).", type(strategy).__name__, strategy.num_replicas_in_sync)
