"""Run directories -> `Run`s -> seed `Group`s with aggregated scores and curves.

A run directory (see `tfgan_repro.training.run_dir`) holds config.json, run_info.jsonl (version, git commit and
command of every start), scores.jsonl (`tfgan_repro.metrics.provenance` records), ckpt/ckpt-<step>.index,
tb/ (TensorBoard events: `train/<loss>`, `lr/<name>`, `metrics/<metric>_<network>`) and samples/*.png.
Runs whose configs agree on every field except the seed and run-control fields (logging cadence, paths,
evaluation cadence) form one `Group`; its scores are aggregated over seeds as mean ± sample std (ddof=1).
Everything is sorted, so the same directories always give the same groups in the same order.
"""
import dataclasses
import glob
import hashlib
import json
import logging
import os
import re
from typing import Dict, List, Optional, Tuple

import numpy as np

# The committed run records (tfgan_repro.results.archive), so the bare command rebuilds the committed results/.
# Live runs are read with --runs='checkpoints/*' (a run directory and its record read the same).
DEFAULT_GLOBS = ("results/runs/*",)
# Fields that do not change what is trained: left out of the group key (steps stays in: a 20k-step run and a
# 100k-step run are different experiments).
RUN_CONTROL = frozenset({
    "seed", "preset", "log_every", "sample_every", "ckpt_every", "keep_checkpoints", "num_samples", "data_dir",
    "strategy", "deterministic", "eval_every", "eval_samples", "eval_network", "eval_metrics", "eval_weights"})
CALLBACK_SOURCE = "training callback"
_CKPT = re.compile(r"^ckpt-(\d+)\.index$")


@dataclasses.dataclass
class Run:
  path: str                                  # relative to the current directory when below it
  config: dict
  starts: list                               # run_info.jsonl, one dict per (re)start
  scores: list                               # scores.jsonl records in file order
  step: Optional[int]                        # newest checkpoint's step; None without a checkpoint
  scalars: Dict[str, List[Tuple[int, float]]]  # TensorBoard tag -> [(step, value)] sorted by step
  samples: List[str]                         # samples/*.png, sorted

  @property
  def name(self) -> str:
    """The run directory's own name (a campaign record's run name)."""
    return os.path.basename(self.path.rstrip("/"))

  @property
  def seed(self) -> int:
    return int(self.config.get("seed", 0))

  @property
  def preset(self) -> str:
    return str(self.config.get("preset", "")).split("/")[0]

  @property
  def tiny(self) -> bool:
    return str(self.config.get("preset", "")).endswith("/tiny")

  @property
  def commit(self) -> str:
    """The commit of the newest start that trained (other lines, e.g. a slim export's, carry none)."""
    commits = [s["git_commit"] for s in self.starts if s.get("git_commit")]
    return commits[-1] if commits else "unknown"

  @property
  def command(self) -> str:
    return self.starts[0].get("command", "") if self.starts else ""

  def newest_sample(self, name: str = "samples") -> Optional[str]:
    """Path of the newest `<name>_<step>.png` (highest step), or None."""
    found = [p for p in self.samples if re.fullmatch(rf"{re.escape(name)}_\d+\.png", os.path.basename(p))]
    return max(found, key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[-1])) if found else None


def _display(path: str) -> str:
  rel = os.path.relpath(path)
  return rel if not rel.startswith("..") else os.path.abspath(path)


def _jsonl(path: str) -> list:
  """Records of a JSON-lines file; a torn last line (a writer still running) is skipped."""
  if not os.path.isfile(path):
    return []
  out = []
  with open(path) as f:
    for line in f:
      try:
        out.append(json.loads(line))
      except json.JSONDecodeError:
        continue
  return out


def checkpoint_step(run_path: str) -> Optional[int]:
  steps = [int(m.group(1)) for name in os.listdir(os.path.join(run_path, "ckpt"))
           if (m := _CKPT.match(name))] if os.path.isdir(os.path.join(run_path, "ckpt")) else []
  return max(steps) if steps else None


def read_scalars(tb_dir: str) -> Dict[str, List[Tuple[int, float]]]:
  """Scalar summaries of every events file below `tb_dir`: tag -> [(step, value)] sorted by step.

  A step logged twice (a resumed run repeats steps after its last checkpoint) keeps the later value.
  """
  files = sorted(glob.glob(os.path.join(tb_dir, "**", "events.out.tfevents.*"), recursive=True))
  if not files:
    return {}
  import tensorflow as tf  # only when there are events to read
  values: Dict[str, Dict[int, float]] = {}
  for path in files:
    try:
      for record in tf.data.TFRecordDataset(path):
        event = tf.compat.v1.Event.FromString(record.numpy())
        for v in event.summary.value:
          if v.HasField("simple_value"):
            value = float(v.simple_value)
          elif v.HasField("tensor") and v.metadata.plugin_data.plugin_name in ("scalars", ""):
            array = tf.make_ndarray(v.tensor)
            if array.size != 1 or array.dtype.kind not in "fiu":
              continue
            value = float(array.reshape(()))
          else:
            continue
          values.setdefault(v.tag, {})[int(event.step)] = value
    except tf.errors.DataLossError:  # the file is still being written: keep what was read
      continue
  return {tag: sorted(steps.items()) for tag, steps in sorted(values.items())}


def read_run(path: str) -> Run:
  """A run directory, or its record (tfgan_repro.results.archive: scalars.json and archive.json stand in for
  tb/ and ckpt/)."""
  config = json.loads(open(os.path.join(path, "config.json")).read())
  sample_dir = os.path.join(path, "samples")
  samples = sorted(os.path.join(sample_dir, f) for f in os.listdir(sample_dir)
                   if f.endswith(".png")) if os.path.isdir(sample_dir) else []
  step, scalars = checkpoint_step(path), read_scalars(os.path.join(path, "tb"))
  record = os.path.join(path, "archive.json")
  if os.path.isfile(record):
    step = step if step is not None else json.loads(open(record).read()).get("checkpoint_step")
    with open(os.path.join(path, "scalars.json")) as f:
      scalars = scalars or {tag: [(int(s), float(v)) for s, v in points] for tag, points in json.load(f).items()}
  return Run(_display(path), config, _jsonl(os.path.join(path, "run_info.jsonl")),
             _jsonl(os.path.join(path, "scores.jsonl")), step, scalars, samples)


def find_runs(globs=DEFAULT_GLOBS) -> List[Run]:
  """Every directory matched by `globs` that holds a config.json, once each, sorted by path."""
  paths = {}
  for pattern in globs:
    for p in sorted(glob.glob(pattern)):
      if os.path.isfile(os.path.join(p, "config.json")):
        paths.setdefault(os.path.realpath(p), p)
  runs = []
  for p in paths.values():
    try:
      runs.append(read_run(p))
    except (json.JSONDecodeError, OSError) as e:  # e.g. config.json being written right now
      logging.warning("Skipping %s: %s", p, e)
  return sorted(runs, key=lambda r: r.path)


# --- groups ---------------------------------------------------------------------------------------------
def key_config(config: dict) -> dict:
  return {k: v for k, v in sorted(config.items()) if k not in RUN_CONTROL}


def deviations(config: dict) -> List[str]:
  """'field=ours (preset p)' for every trained-behaviour field that differs from the run's preset.

  A field the run's config does not hold was added to the presets after the run: it is not a deviation of
  the run (the run trained with whatever the code of its commit did), so it is left out.
  """
  from tfgan_repro import presets
  name = str(config.get("preset", ""))
  try:
    ref = presets.load(name.split("/")[0], name.endswith("/tiny")).to_dict()
  except ValueError:
    return [f"preset {name!r} unknown"]
  ours = key_config(config)
  return [f"{k}={ours.get(k)!r} (preset {ref.get(k)!r})" for k in sorted(set(ours) | set(key_config(ref)))
          if k != "steps" and k in ours and not _same_setting(ours[k], ref.get(k))]


def _same_setting(a, b) -> bool:
  """Equality of two values of one field; a bool recorded by older code equals its spelling in a field that
  became a string since (mixed_precision: False == "false")."""
  if isinstance(a, bool) != isinstance(b, bool):
    return str(a).lower() == str(b).lower()
  return a == b


@dataclasses.dataclass
class Group:
  runs: List[Run]  # sorted by (seed, path)

  @property
  def first(self) -> Run:
    return self.runs[0]

  @property
  def config(self) -> dict:
    return key_config(self.first.config)

  @property
  def preset(self) -> str:
    return self.first.preset

  @property
  def tiny(self) -> bool:
    return self.first.tiny

  @property
  def deviations(self) -> List[str]:
    return deviations(self.first.config)

  @property
  def key_hash(self) -> str:
    return hashlib.sha256(json.dumps(self.config, sort_keys=True).encode()).hexdigest()[:6]

  @property
  def slug(self) -> str:
    """File-name stem, unique per group: <preset>[-tiny]-<hash of the key config>."""
    return f"{self.preset or 'run'}{'-tiny' if self.tiny else ''}-{self.key_hash}"

  @property
  def label(self) -> str:
    extra = (["tiny"] if self.tiny else []) + self.deviations
    return self.preset + (f" [{'; '.join(extra)}]" if extra else "")

  @property
  def seeds(self) -> List[int]:
    return [r.seed for r in self.runs]

  @property
  def steps(self) -> List[Optional[int]]:
    return [r.step for r in self.runs]

  @property
  def preset_steps(self) -> int:
    """The preset's (the paper's) step budget, which a reduced-budget run stops short of; the run's own
    --steps when the preset is unknown."""
    from tfgan_repro import presets
    try:
      return int(presets.load(self.preset).steps)
    except ValueError:
      return int(self.config.get("steps", 0))

  @property
  def commits(self) -> List[str]:
    return sorted({r.commit for r in self.runs})


def group_runs(runs: List[Run]) -> List[Group]:
  groups: Dict[str, List[Run]] = {}
  for run in runs:
    groups.setdefault(json.dumps(key_config(run.config), sort_keys=True), []).append(run)
  out = [Group(sorted(rs, key=lambda r: (r.seed, r.path))) for rs in groups.values()]
  return sorted(out, key=lambda g: (g.config.get("dataset", ""), g.preset, g.tiny, g.key_hash))


# --- scores ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Protocol:
  """What makes two scores comparable (SPEC §7)."""
  metric: str
  network: str
  weights_sha256: str
  n_fake: int
  n_real: int
  split: str
  quantized: bool
  callback: bool     # from the in-training callback (fewer samples, scored while training)
  paper_comparable: bool

  def describe(self) -> str:
    split = f" ({self.split})" if self.split else ""
    real = f" vs {self.n_real} real{split}" if self.metric != "is" else ""
    weights = f" {self.weights_sha256[:12]}" if self.weights_sha256 else ""
    return (f"{self.metric.upper()} on {self.network}{weights}, {self.n_fake} fake{real}"
            f"{', uint8' if self.quantized else ''}{', training callback' if self.callback else ''}")


@dataclasses.dataclass(frozen=True)
class Score:
  """One protocol's final values over a group's seeds: values = ((seed, step, value), ...)."""
  protocol: Protocol
  values: tuple

  @property
  def n(self) -> int:
    return len(self.values)

  @property
  def mean(self) -> float:
    return float(np.mean([v for _, _, v in self.values]))

  @property
  def std(self) -> Optional[float]:
    return float(np.std([v for _, _, v in self.values], ddof=1)) if self.n > 1 else None

  @property
  def steps(self) -> List[int]:
    return sorted({s for _, s, _ in self.values})


def protocol_of(record: dict) -> Protocol:
  return Protocol(str(record.get("metric", "")), str(record.get("network", "")),
                  str(record.get("weights_sha256") or ""), int(record.get("n_fake") or 0),
                  int(record.get("n_real") or 0), str(record.get("split") or ""),
                  bool(record.get("quantized_uint8")), record.get("source") == CALLBACK_SOURCE,
                  bool(record.get("paper_comparable")))


def final_scores(run: Run) -> Dict[Protocol, Tuple[int, float]]:
  """Protocol -> (step, value) of its latest checkpoint step (a later line wins a tie)."""
  out: Dict[Protocol, Tuple[int, float]] = {}
  for r in run.scores:
    if r.get("value") is None or r.get("metric") not in ("fid", "is", "kid"):
      continue
    step = int(r.get("checkpoint_step") or 0)
    p = protocol_of(r)
    if p not in out or step >= out[p][0]:
      out[p] = (step, float(r["value"]))
  return out


def group_scores(group: Group) -> List[Score]:
  """Every protocol any seed was scored with, sorted; each Score holds the seeds that have it."""
  per: Dict[Protocol, list] = {}
  for run in group.runs:
    for p, (step, value) in final_scores(run).items():
      per.setdefault(p, []).append((run.seed, step, value))
  return [Score(p, tuple(v)) for p, v in sorted(per.items(), key=lambda kv: dataclasses.astuple(kv[0]))]


def run_curve(run: Run, metric: str, network: str) -> List[Tuple[int, float]]:
  """[(step, value)] of the in-training evaluations: scores.jsonl callback records, else TensorBoard."""
  points = {int(r.get("checkpoint_step") or 0): float(r["value"]) for r in run.scores
            if r.get("source") == CALLBACK_SOURCE and r.get("metric") == metric and r.get("network") == network
            and r.get("value") is not None}
  if points:
    return sorted(points.items())
  return list(run.scalars.get(f"metrics/{metric}_{network}", []))


def group_curve(group: Group, metric: str, network: str) -> List[Tuple[int, float, Optional[float], int]]:
  """[(step, mean, std or None, n)] over the seeds that were evaluated at that step."""
  per: Dict[int, list] = {}
  for run in group.runs:
    for step, value in run_curve(run, metric, network):
      per.setdefault(step, []).append(value)
  return [(s, float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else None, len(v))
          for s, v in sorted(per.items())]


def curve_networks(groups: List[Group], metric: str) -> List[str]:
  """Networks with an in-training `metric` curve in any of `groups`, sorted."""
  found = set()
  for g in groups:
    for run in g.runs:
      found |= {r.get("network") for r in run.scores if r.get("source") == CALLBACK_SOURCE
                and r.get("metric") == metric and r.get("network")}
      found |= {t.split("_", 1)[1] for t in run.scalars if t.startswith(f"metrics/{metric}_")}
  return sorted(found)


def fingerprint(runs: List[Run]) -> str:
  """sha256 prefix of everything the report reads: equal fingerprints, equal inputs."""
  digest = hashlib.sha256()
  for run in runs:
    digest.update(json.dumps([run.path, run.config, run.starts, run.scores, run.step, run.scalars],
                             sort_keys=True).encode())
    for path in run.samples:
      digest.update(os.path.basename(path).encode())
      with open(path, "rb") as f:
        digest.update(hashlib.sha256(f.read()).digest())
  return digest.hexdigest()[:16]


def fmt(value: Optional[float]) -> str:
  """Fixed formatting for every number in the report: 2 decimals, 3 significant digits below 0.1."""
  if value is None:
    return "—"
  return f"{value:.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:.3g}"


def format_score(score: Score) -> str:
  """'mean ± std (n=K)', or 'value (n=1)'."""
  spread = f" ± {fmt(score.std)}" if score.std is not None else ""
  return f"{fmt(score.mean)}{spread} (n={score.n})"
