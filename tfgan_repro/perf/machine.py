"""Facts about this machine that decide throughput: CPU model and flags, cores, thread settings, versions,
and a matmul peak measured in-process (the yardstick for "% of peak").

The bench stores its bf16:float32 matmul ratio per CPU model in the user's cache
($TFGAN_REPRO_CACHE or ~/.cache/tfgan_repro/bench.json), so a training run can quote it when it warns that
bf16 is emulated on this CPU.
"""
import json
import os
import platform
import time
from typing import Dict, List, Optional

from tfgan_repro import _kernels

# CPU flags that decide the precision a step should use (/proc/cpuinfo names).
PRECISION_FLAGS = ("avx512f", "avx512_bf16", "amx_bf16", "avx512_fp16", "amx_tile")
NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def _cpuinfo() -> Dict[str, str]:
  """The first processor's /proc/cpuinfo fields ({} where there is no such file)."""
  try:
    with open("/proc/cpuinfo") as f:
      text = f.read().split("\n\n")[0]
  except OSError:
    return {}
  fields = {}
  for line in text.splitlines():
    key, _, value = line.partition(":")
    fields[key.strip()] = value.strip()
  return fields


def cpu_model() -> str:
  return _cpuinfo().get("model name") or platform.processor() or platform.machine()


def cpu_flags() -> List[str]:
  return _cpuinfo().get("flags", "").split()


def native_bf16(flags: Optional[List[str]] = None) -> bool:
  """True when the CPU computes bf16 natively (AVX512_BF16 or AMX-BF16); else TF emulates it, slowly."""
  flags = cpu_flags() if flags is None else flags
  return any(f in flags for f in NATIVE_BF16_FLAGS)


def usable_cores() -> int:
  try:
    return len(os.sched_getaffinity(0))
  except AttributeError:  # not Linux
    return os.cpu_count() or 1


def thread_settings() -> Dict[str, object]:
  import tensorflow as tf
  env = {k: os.environ[k] for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
         if k in os.environ}
  return {"intra_op": tf.config.threading.get_intra_op_parallelism_threads() or "default",
          "inter_op": tf.config.threading.get_inter_op_parallelism_threads() or "default", **env}


def versions() -> Dict[str, str]:
  import keras
  import tensorflow as tf
  return {"python": platform.python_version(), "tensorflow": tf.__version__, "keras": keras.__version__}


def matmul_peak(dtype: str = "float32", n: int = 2048, repeats: int = 5) -> Dict[str, float]:
  """GFLOP/s of an n x n x n matmul (2 n^3 flops), median over `repeats` after one warm-up:
  {"wall": by wall clock, "cpu": by process CPU time}."""
  import tensorflow as tf
  from tfgan_repro.perf import timing
  a = tf.cast(tf.random.stateless_normal([n, n], [1, 2]), dtype)
  b = tf.cast(tf.random.stateless_normal([n, n], [3, 4]), dtype)
  matmul = tf.function(lambda x, y: tf.reduce_sum(tf.matmul(x, y)[:1, :1]))  # fetch 1 value, not n^2
  times = timing.repeat(lambda: matmul(a, b).numpy(), repeats=repeats, warmup=1)
  return {k: 2.0 * n ** 3 / v / 1e9 for k, v in times.items()}


def _cache_path() -> str:
  root = os.environ.get("TFGAN_REPRO_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "tfgan_repro"))
  return os.path.join(root, "bench.json")


def save_bf16_speed(ratio: float) -> None:
  """Stores bf16 matmul GFLOP/s / float32 GFLOP/s for this CPU model (read by `measured_bf16_speed`)."""
  path = _cache_path()
  try:
    known = json.loads(open(path).read()) if os.path.isfile(path) else {}
  except (OSError, ValueError):
    known = {}
  known[cpu_model()] = {"bf16_over_float32_matmul": round(float(ratio), 3),
                        "measured": time.strftime("%Y-%m-%d")}
  try:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
      json.dump(known, f, indent=1, sort_keys=True)
  except OSError:  # a read-only home: the warning then says how to measure instead
    pass


def measured_bf16_speed() -> Optional[float]:
  try:
    return float(json.loads(open(_cache_path()).read())[cpu_model()]["bf16_over_float32_matmul"])
  except (OSError, ValueError, KeyError, TypeError):
    return None


def describe() -> Dict[str, object]:
  flags = cpu_flags()
  return {"cpu": cpu_model(), "precision_flags": [f for f in PRECISION_FLAGS if f in flags],
          "native_bf16": native_bf16(flags), "usable_cores": usable_cores(), "logical_cpus": os.cpu_count(),
          "threads": thread_settings(), "cpu_kernels": _kernels.state(), **versions()}

