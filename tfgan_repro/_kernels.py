"""CPU kernels: oneDNN on every x86 CPU that can run it well, not only where TensorFlow turns it on.

TensorFlow 2.21's Linux x86 wheels carry two sets of CPU kernels: Eigen's, and oneDNN's. TF turns oneDNN on by
itself only on CPUs with AVX512_VNNI / AVX512_BF16 / AMX; on an AVX2-only CPU it runs Eigen's kernels unless
TF_ENABLE_ONEDNN_OPTS=1 is set. Measured on such a CPU (an AMD EPYC with AVX2/FMA and no AVX-512, 2026-12-03,
`python -m tfgan_repro.bench`, TF_ENABLE_ONEDNN_OPTS=0 against 1), oneDNN made the DCGAN-64 training step 2.3x
faster on 2 cores and the one-core BEGAN-32 n=16 step 1.96x faster; results/PERFORMANCE.md has the figures.

So `before_tensorflow()` (run by `import tfgan_repro`, before our first TensorFlow import) sets
TF_ENABLE_ONEDNN_OPTS=1 on a Linux x86-64 CPU with AVX2 and FMA, unless the variable is set already: a value the
user gives (TF_ENABLE_ONEDNN_OPTS=0 for Eigen's kernels) is kept. Where TF already turns oneDNN on, setting it
changes nothing. `state()` gives what is in force and why, with the CPU model and the flags that decide which
kernels oneDNN picks, for run_info.jsonl and the bench's machine facts.

oneDNN's results differ from Eigen's in the last bits (another summation order), so a run resumed under the
other setting continues on slightly different numbers; run_info.jsonl records the setting of every (re)start.
oneDNN's kernels differ between CPUs too (AVX2 against AVX-512 code paths): a run from step 0 repeats another
run's trajectory only on a CPU with the same kernel flags (results/PROTOCOL.md, "Plateau arms"), which is why
`state()` names the CPU.
"""
import os
import platform
import sys
from typing import Dict, Mapping, Optional, Sequence, Tuple

ENV = "TF_ENABLE_ONEDNN_OPTS"
MARK = "TFGAN_REPRO_SET_ONEDNN"  # set beside ENV by us, so a child process (campaign, bench) reports why
NEEDED_FLAGS = ("avx2", "fma")  # /proc/cpuinfo names; oneDNN's AVX2 kernels
AUTO_FLAGS = ("avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile")  # where TensorFlow turns oneDNN on itself
# The flags that decide which kernels oneDNN runs, recorded beside the CPU model.
KERNEL_FLAGS = ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16")
X86_64 = ("x86_64", "amd64")

_reason: Optional[str] = None  # why the setting in force is what it is; set by before_tensorflow()


def choose(env: Mapping[str, str], flags: Sequence[str], system: str, machine: str) -> Tuple[Optional[str], str]:
  """(the value to give TF_ENABLE_ONEDNN_OPTS, or None to leave it; why)."""
  if ENV in env:
    if _set_by_us(env):  # inherited from a tfgan_repro parent process that chose it
      return None, _ours(env[ENV], flags)
    return None, f"{ENV}={env[ENV]} as set in the environment"
  if system != "Linux" or machine.lower() not in X86_64:
    return None, f"TensorFlow's default on {system} {machine}"
  missing = [f for f in NEEDED_FLAGS if f not in flags]
  if missing:
    return None, f"TensorFlow's default: this CPU lacks {'/'.join(missing).upper()}"
  return "1", _ours("1", flags)


def _set_by_us(env: Mapping[str, str]) -> bool:
  """Whether env's TF_ENABLE_ONEDNN_OPTS is the value a tfgan_repro process set (not changed since)."""
  return ENV in env and env.get(MARK) == env[ENV]


def _ours(value: str, flags: Sequence[str]) -> str:
  auto = [f.upper() for f in AUTO_FLAGS if f in flags]
  if auto:
    return (f"{ENV}={value} set by tfgan_repro; TensorFlow turns oneDNN on by itself on this CPU as well "
            f"({'/'.join(auto)}); {ENV}=0 keeps Eigen's kernels")
  return (f"{ENV}={value} set by tfgan_repro on this AVX2/FMA CPU (TensorFlow turns oneDNN on by itself only "
          f"with AVX512_VNNI/BF16 or AMX); {ENV}=0 keeps Eigen's kernels")


def before_tensorflow() -> None:
  """Chooses the CPU kernels (see the module docstring); must run before TensorFlow is imported."""
  global _reason
  if _reason is not None:
    return
  if "tensorflow" in sys.modules:
    _reason = "TensorFlow was imported before tfgan_repro, so its own setting holds"
    return
  from tfgan_repro.perf import machine  # standard library only; no TensorFlow
  value, _reason = choose(os.environ, machine.cpu_flags(), platform.system(), platform.machine())
  if value is not None:
    os.environ[ENV] = os.environ[MARK] = value


def users_environment(env: Mapping[str, str]) -> Dict[str, str]:
  """`env` without the variable tfgan_repro set (for a child that must choose as the user's command would,
  e.g. an earlier revision of this package in `bench --before`, which may not choose the same)."""
  env = dict(env)
  if _set_by_us(env):
    del env[ENV], env[MARK]
  return env


def onednn_enabled() -> Optional[bool]:
  """Whether TensorFlow runs oneDNN's kernels in this process (None if this TF build cannot say)."""
  try:
    from tensorflow.python.util import _pywrap_util_port
    return bool(_pywrap_util_port.IsMklEnabled())
  except (ImportError, AttributeError):
    return None


def state() -> Dict[str, object]:
  """{"onednn": True / False / None, "reason": why, "cpu": model name, "flags": the KERNEL_FLAGS it has} for
  run_info.jsonl and the bench."""
  from tfgan_repro.perf import machine  # standard library only
  flags = machine.cpu_flags()
  return {"onednn": onednn_enabled(), "reason": _reason or f"{ENV} not chosen by tfgan_repro",
          "cpu": machine.cpu_model(), "flags": [f for f in KERNEL_FLAGS if f in flags]}
