"""Process-wide set-up of a run: determinism, threads, precision policy and `tf.distribute` strategy."""
import json
import math
import os
import sys
from typing import NamedTuple, Optional

import keras
import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multiworker")


def configure_determinism(seed: int, deterministic: bool) -> None:
  """Seeds Python, NumPy and Keras; with `deterministic`, also op determinism and no arithmetic rewrites.

  Op determinism alone does not make IGAN_v2 repeat. Grappler's arithmetic optimizer turns a sum of three
  or more tensors (IGAN's join `main + shortcut + branch`) into one AddN, ordering its inputs by node name.
  TensorFlow's CPU AddN kernel then sums the input whose buffer it can reuse first. Which buffer it can reuse
  depends on whether the other consumers of a shared input (IGAN_v2's shortcut, read by both joins) have run
  yet. So the summation order, and the last bits, change from run to run and from trace to trace. Found
  2026-12-07 (results/PROTOCOL.md, "Plateau arms"): IGAN_v2 at the campaign's widths and at --tiny gave a
  different step 1 in every fresh trace with the optimizer on, and identical ones with it off.
  Measured the same day: with op determinism and the arithmetic optimizer off, IGAN_VN repeated in five of five
  processes too; the arithmetic optimizer off without op determinism did not make VN repeat.
  """
  keras.utils.set_random_seed(seed)  # Python, NumPy and Keras initialisers
  if deterministic:
    tf.config.experimental.enable_op_determinism()
    tf.config.optimizer.set_experimental_options({"arithmetic_optimization": False})


# --mixed_precision values; true/false keep their old meaning (a bool field before).
PRECISIONS = ("false", "true", "auto", "bfloat16", "float16")
_ALIASES = {"0": "false", "no": "false", "float32": "false", "fp32": "false", "1": "true", "yes": "true",
            "bf16": "bfloat16", "mixed_bfloat16": "bfloat16", "fp16": "float16", "mixed_float16": "float16"}


class Precision(NamedTuple):
  policy: str          # Keras dtype policy: float32 | mixed_bfloat16 | mixed_float16
  loss_scaling: bool   # one LossScaleOptimizer per network (float16 only)
  reason: str          # why this policy, for the start-up line and run_info.jsonl
  warning: str = ""    # said at start when the policy is slower here than float32


def parse_precision(value) -> str:
  """--mixed_precision as one of PRECISIONS (bools and the old true/false spellings included)."""
  text = str(value).strip().lower()
  text = _ALIASES.get(text, text)
  if text not in PRECISIONS:
    raise ValueError(f"--mixed_precision must be one of {', '.join(PRECISIONS)}; got {value!r}.")
  return text


def _emulated_bf16_warning(onednn: Optional[bool] = None, flags=None) -> str:
  from tfgan_repro import _kernels
  from tfgan_repro.perf import machine
  ratio = machine.measured_bf16_speed()
  measured = (f"measured by the bench on this CPU: bf16 matmul at {ratio:.2f}x float32" if ratio else
              "python -m tfgan_repro.bench measures the ratio")
  text = (f"this CPU has no native bf16 (no avx512_bf16 / amx_bf16 flag), so bfloat16 is emulated and slower "
          f"than float32 ({measured}); --mixed_precision=auto picks float32 here.")
  onednn = _kernels.onednn_enabled() if onednn is None else onednn
  if onednn and "avx512f" not in (machine.cpu_flags() if flags is None else flags):
    # TF's oneDNN prints its own E-level line about this at the first bf16 op; it is this same fact.
    text += (" TensorFlow will say so too, once: \"oneDNN supports DT_BFLOAT16 only on platforms with AVX-512. "
             "Falling back to the default Eigen-based implementation\" (expected here, not an error of the run).")
  return text


def choose_precision(value, *, gpu: Optional[bool] = None, native_bf16: Optional[bool] = None) -> Precision:
  """The policy for --mixed_precision=`value` on this machine (GPU present? CPU with native bf16?).

  true: bfloat16 on CPU (same exponent range as float32: no loss scaling), float16 + loss scaling on GPU;
  auto: float16 + loss scaling on GPU, bfloat16 on a CPU with native bf16, float32 otherwise;
  bfloat16 / float16: that policy wherever it runs (float16 on CPU is for tests: slow).
  """
  from tfgan_repro.perf import machine
  request = parse_precision(value)
  gpu = bool(tf.config.list_physical_devices("GPU")) if gpu is None else gpu
  native = machine.native_bf16() if native_bf16 is None else native_bf16
  if request == "false":
    return Precision("float32", False, "asked for float32 (--mixed_precision=false)")
  if request == "float16" or (request in ("true", "auto") and gpu):
    why = "asked for float16" if request == "float16" else f"--mixed_precision={request} on a GPU"
    slow = "" if gpu else "float16 on a CPU is emulated and much slower than float32 (meant for tests)."
    return Precision("mixed_float16", True, f"{why}: float16 with dynamic loss scaling", slow)
  if request == "auto" and not native:
    return Precision("float32", False, "--mixed_precision=auto on a CPU without native bf16 "
                     "(no avx512_bf16 / amx_bf16): float32")
  why = {"true": "--mixed_precision=true on a CPU: bfloat16", "auto": "--mixed_precision=auto on a CPU with "
         "native bf16 (avx512_bf16 / amx_bf16): bfloat16", "bfloat16": "asked for bfloat16"}[request]
  if native or gpu:
    return Precision("mixed_bfloat16", False, why)
  return Precision("mixed_bfloat16", False, why + " (emulated on this CPU)", _emulated_bf16_warning())


def apply_precision(value) -> Precision:
  """Sets the global Keras dtype policy for --mixed_precision=`value` and warns when it is slow here."""
  choice = choose_precision(value)
  keras.mixed_precision.set_dtype_policy(choice.policy)
  if choice.warning:
    print(f"warning: --mixed_precision={parse_precision(value)}: {choice.warning}", file=sys.stderr, flush=True)
  return choice


def configure_precision(mixed) -> bool:
  """Sets the global Keras dtype policy (see `choose_precision`); returns whether loss scaling is needed."""
  choice = choose_precision(mixed)
  keras.mixed_precision.set_dtype_policy(choice.policy)
  return choice.loss_scaling


def configure_threads(threads: int) -> None:
  """threads > 0: TF's intra-op pool gets `threads` threads and the inter-op pool min(2, threads), for
  campaigns that run one process per core (e.g. `taskset -c 3 ... --threads=1`). 0 keeps TensorFlow's
  choice (all cores it may use) or the TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS variables.
  Must run before TensorFlow executes its first op; later calls that would change a setting raise."""
  if threads < 0:
    raise ValueError(f"--threads must be >= 0 (0: TensorFlow's default); got {threads}.")
  if threads == 0:
    return
  inter = min(2, threads)
  cfg = tf.config.threading
  if (cfg.get_intra_op_parallelism_threads(), cfg.get_inter_op_parallelism_threads()) == (threads, inter):
    return
  try:
    cfg.set_intra_op_parallelism_threads(threads)
    cfg.set_inter_op_parallelism_threads(inter)
  except RuntimeError:
    raise ValueError(f"--threads={threads} must be set before TensorFlow starts; this process already ran "
                     "TensorFlow with other thread settings.") from None


def check_execution(config) -> None:
  """Rejects bad execution settings before anything is loaded (one line each)."""
  parse_precision(config.get("mixed_precision", "false"))
  jit_compile(config.get("jit_compile", "auto"))
  if int(config.get("threads", 0)) < 0:
    raise ValueError(f"--threads must be >= 0 (0: TensorFlow's default); got {config.threads}.")
  if int(config.get("steps_per_execution", 1)) < 1:
    raise ValueError(f"--steps_per_execution must be a positive integer, got {config.steps_per_execution}.")


def steps_per_execution(config, start: int) -> int:
  """config.steps_per_execution cut to the largest N that divides it, every cadence (log, sample, checkpoint,
  eval), the start step and the steps to train: callbacks run only at the end of an execution, so every
  cadence and the last step must fall on one. N = 1 is exact for any run."""
  n = int(config.get("steps_per_execution", 1))
  if n < 1:
    raise ValueError(f"--steps_per_execution must be a positive integer, got {n}.")
  for every in (config.log_every, config.sample_every, config.ckpt_every, config.get("eval_every", 0), start,
                config.steps - start):
    n = math.gcd(n, int(every))  # gcd(n, 0) = n: an unused cadence (eval_every = 0) does not limit it
  return max(n, 1)


def jit_compile(value) -> Optional[bool]:
  """--jit_compile: True / False, or None for "auto" (Keras' choice: XLA on a GPU, not on a CPU)."""
  text = str(value).strip().lower()
  if text == "auto":
    return None
  if text in ("true", "1", "yes"):
    return True
  if text in ("false", "0", "no"):
    return False
  raise ValueError(f"--jit_compile must be auto, true or false; got {value!r}.")


def configure_execution(model, config, start: int) -> int:
  """Sets XLA and steps per execution on a compiled model before `fit`; returns steps per execution."""
  jit = jit_compile(config.get("jit_compile", "auto"))
  if jit is not None:
    model.jit_compile = jit
  model.steps_per_execution = steps_per_execution(config, start)
  return model.steps_per_execution


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
