"""Where one training step's time goes: a TF profiler trace of the bare step, summed per op type.

`breakdown` runs `tf.function(model.train_step)` under `tf.profiler.experimental` for some steps, reads the
trace's XSpace (the `.xplane.pb` the profiler writes; TensorBoard's profile plugin reads the same file) and
sums, per step:
- `python`: the wall time of each call as seen from Python (the step's whole cost to the training loop), with
  the profiler off and while it traces (the shares below are of the traced time: same steps, same clock);
- `executor`: the time TF's executor spends processing the step's ops (`ExecutorState::Process`);
- `ops`: the time inside the op kernels themselves, in total and per op type (Conv2DBackpropInput, ...).
python - executor is the per-call overhead (Python, eager dispatch, function call); executor - ops is the
executor's own per-op overhead. A step whose ops take nearly all of its python time is compute-bound, and
only faster kernels (or less work) make it faster.
"""
import collections
import glob
import os
import tempfile
import time
from typing import Dict, List, NamedTuple, Tuple


class Breakdown(NamedTuple):
  steps: int
  python_ms: float            # per step, wall time of the call from Python (profiler off)
  traced_ms: float            # per step, the same while the profiler traces (the base of the shares)
  executor_ms: float          # per step, ExecutorState::Process
  ops_ms: float               # per step, time inside op kernels
  ops_per_step: float
  by_type: List[Tuple[str, float, float]]  # (op type, ms per step, calls per step), largest first

  def to_json(self) -> dict:
    return dict(self._asdict())

  @classmethod
  def from_json(cls, d: dict) -> "Breakdown":
    return cls(**{**d, "by_type": [tuple(t) for t in d["by_type"]]})


def _op_type(name: str) -> str:
  """'discriminator_1/encoder_1/conv1/Elu:_MklNativeFusedConv2D' -> '_MklNativeFusedConv2D'."""
  return name.rsplit(":", 1)[-1] if ":" in name else name


def read_trace(logdir: str, steps: int) -> Tuple[float, float, float, Dict[str, Tuple[float, float]]]:
  """(executor ms, ops ms, ops, {op type: (ms, calls)}) per step from the newest trace under `logdir`."""
  from tensorflow.tsl.profiler.protobuf import xplane_pb2
  files = sorted(glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True), key=os.path.getmtime)
  if not files:
    raise RuntimeError(f"The TF profiler wrote no trace under {logdir}.")
  space = xplane_pb2.XSpace()
  with open(files[-1], "rb") as f:
    space.ParseFromString(f.read())
  executor, per_type = 0, collections.defaultdict(lambda: [0, 0])
  for plane in space.planes:
    names = plane.event_metadata
    for line in plane.lines:
      if not line.name.startswith("tf_Compute"):  # the threads that run the ops (one per inter-op thread)
        continue
      for ev in line.events:
        name = names[ev.metadata_id].name
        if name == "ExecutorState::Process":
          executor += ev.duration_ps
        elif name != "ExecutorDoneCallback":
          t = per_type[_op_type(name)]
          t[0] += ev.duration_ps
          t[1] += 1
  ms = lambda ps: ps / 1e9 / steps
  ops = sum(v[0] for v in per_type.values())
  return (ms(executor), ms(ops), sum(v[1] for v in per_type.values()) / steps,
          {k: (ms(v[0]), v[1] / steps) for k, v in per_type.items()})


def breakdown(config, model, batch, *, steps: int = 30, warmup: int = 10, top: int = 8) -> Breakdown:
  """Profiles `steps` bare steps of `model` on `batch` after `warmup` ones (tracing, first-call costs)."""
  import tensorflow as tf
  step = tf.function(model.train_step)
  logs = {}
  for _ in range(warmup):
    logs = step(batch)
  float(logs["g_loss"])
  start = time.perf_counter()
  for _ in range(steps):
    logs = step(batch)
  float(logs["g_loss"])
  python_ms = (time.perf_counter() - start) * 1e3 / steps
  with tempfile.TemporaryDirectory(prefix="tfgan_profile_") as logdir:
    tf.profiler.experimental.start(logdir)
    try:
      start = time.perf_counter()
      for _ in range(steps):
        logs = step(batch)
      float(logs["g_loss"])
      traced_ms = (time.perf_counter() - start) * 1e3 / steps
    finally:
      tf.profiler.experimental.stop()
    executor_ms, ops_ms, ops, per_type = read_trace(logdir, steps)
  ranked = sorted(per_type.items(), key=lambda kv: -kv[1][0])
  by_type = [(k, ms, n) for k, (ms, n) in ranked[:top]]
  rest = ranked[top:]
  if rest:
    by_type.append((f"{len(rest)} other op types", sum(v[0] for _, v in rest), sum(v[1] for _, v in rest)))
  return Breakdown(steps, python_ms, traced_ms, executor_ms, ops_ms, ops, by_type)
