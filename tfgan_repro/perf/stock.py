"""The bare step as a minimal Keras script runs it: TensorFlow's own CPU kernels and thread pools.

The bench's in-process bare step (`training.bare_step`) runs in the bench's process, so it gets what
`import tfgan_repro` chose: oneDNN's kernels on an AVX2/FMA CPU where TensorFlow itself would run Eigen's
(`tfgan_repro._kernels`), and the --threads setting. A user who writes the same networks as a short Keras
script gets neither. So `measure` times the same bare step in a fresh child process that imports TensorFlow
before tfgan_repro (TensorFlow's choice of kernels holds) with the thread variables removed from its
environment (TensorFlow's thread pools). The report sets the fit beside both bare steps.

The child inherits the user's own TF_ENABLE_ONEDNN_OPTS, if they set one, and the report says which held.
"""
import json
import os
import subprocess
import sys
import tempfile
from typing import Dict, List, NamedTuple, Optional

from tfgan_repro.perf import timing

THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
# TensorFlow first, as a minimal script has it; tfgan_repro then sees TF imported and leaves the kernels alone.
CHILD_CODE = "import tensorflow; from tfgan_repro.perf import stock; stock.child_main()"


class StockRow(NamedTuple):
  preset: str
  widths: str           # as training.describe_widths
  batch: int
  images_per_step: int
  precision: str        # Keras policy the step ran under
  bare: timing.Rate     # images/s of tf.function(model.train_step) on one in-memory batch, in the child

  def key(self) -> tuple:
    return (self.preset, self.widths, self.batch, self.precision)

  def to_json(self) -> dict:
    return {k: (list(v) if isinstance(v, timing.Rate) else v) for k, v in self._asdict().items()}

  @classmethod
  def from_json(cls, d: dict) -> "StockRow":
    return cls(**{k: (timing.Rate(*v) if k == "bare" else v) for k, v in d.items()})


class StockRun(NamedTuple):
  rows: List[StockRow]
  kernels: Dict[str, object]  # {"onednn": bool or None, "reason": str} in the child
  threads: Dict[str, int]     # the child's intra- and inter-op pool sizes (0: TensorFlow's default)


def child_env(env=None) -> Dict[str, str]:
  """The environment a user's own script would start with: `env` (default: this process's) without the
  kernel variable tfgan_repro set and without thread-count variables."""
  from tfgan_repro import _kernels
  out = _kernels.users_environment(os.environ if env is None else env)
  for name in THREAD_VARIABLES:
    out.pop(name, None)
  out.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
  return out


def measure(cases, work: str, *, steps: int, repeats: int, warmup: int, seconds: float = 0.0) -> StockRun:
  """Times the bare step of each case (name, width, batch, overrides) in one child process (see the module
  docstring); perf.ChildFailed if the child fails."""
  from tfgan_repro import _quiet
  from tfgan_repro.perf import ChildFailed
  with tempfile.TemporaryDirectory(prefix="tfgan_bench_stock_") as tmp:
    spec, out = os.path.join(tmp, "spec.json"), os.path.join(tmp, "rows.json")
    with open(spec, "w") as f:
      json.dump({"cases": [list(c) for c in cases], "work": work, "steps": steps, "repeats": repeats,
                 "warmup": warmup, "seconds": seconds}, f)
    print(f"stock bare step: {len(cases)} case(s) in a child process with TensorFlow's own kernels and threads",
          flush=True)
    done = subprocess.run([sys.executable, "-c", CHILD_CODE, spec, out], env=child_env(), stderr=subprocess.PIPE,
                          text=True)
    sys.stderr.write(_quiet.kept_lines(done.stderr, 0 if _quiet.verbose() else _quiet._level()))
    if done.returncode != 0 or not os.path.isfile(out):
      raise ChildFailed(f"The stock bare-step child process failed (exit {done.returncode}; its output is above).")
    with open(out) as f:
      got = json.load(f)
  return StockRun([StockRow.from_json(r) for r in got["rows"]], got["kernels"], got["threads"])


def kernels_reason(env) -> str:
  from tfgan_repro import _kernels
  if _kernels.ENV in env:
    return f"{_kernels.ENV}={env[_kernels.ENV]} as set in the user's environment"
  return f"TensorFlow's default on this CPU, {_kernels.ENV} unset"


def _time_case(name, width, batch, overrides, work, *, steps, repeats, warmup, seconds) -> StockRow:
  import keras
  from tfgan_repro import gans
  from tfgan_repro.perf import training
  from tfgan_repro.training import loop, runtime
  config = training.case_config(name, width, batch, overrides, 0, work)  # 0: TensorFlow's own thread pools
  model = gans.build(config, loop.channels_of(config), runtime.configure_precision(config.mixed_precision))
  data = next(iter(training._dataset(config, model)))
  rate, _ = training.bare_step(config, model, data, steps=steps, repeats=repeats, warmup=warmup, seconds=seconds,
                               count_flops=False)
  row = StockRow(name, training.describe_widths(config), config.batch_size,
                 training._images_per_step(model, config), keras.config.dtype_policy().name, rate)
  print(f"stock {row.preset} {row.widths} batch {row.batch} {row.precision}: bare {rate.wall:.1f} img/s "
        f"({rate.cpu:.1f} per CPU-s)", flush=True)
  training.release_case()
  return row


def child_main() -> None:
  """The child's entry (CHILD_CODE): argv = [spec.json, rows.json]."""
  import tensorflow as tf
  from tfgan_repro import _kernels
  spec_path, out_path = sys.argv[1:3]
  with open(spec_path) as f:
    spec = json.load(f)
  timing_args = {k: spec[k] for k in ("steps", "repeats", "warmup", "seconds")}
  rows = [_time_case(name, width, batch, overrides, spec["work"], **timing_args)
          for name, width, batch, overrides in spec["cases"]]
  cfg = tf.config.threading
  with open(out_path, "w") as f:
    json.dump({"rows": [r.to_json() for r in rows],
               "kernels": {"onednn": _kernels.onednn_enabled(), "reason": kernels_reason(os.environ)},
               "threads": {"intra_op": cfg.get_intra_op_parallelism_threads(),
                           "inter_op": cfg.get_inter_op_parallelism_threads()}}, f)


def match(row, stock_rows) -> Optional[StockRow]:
  """The stock row of the same preset, widths, batch and precision as training row `row`; None if none."""
  found = [s for s in stock_rows if s.key() == (row.preset, row.widths, row.batch, row.precision)]
  return found[0] if found else None
