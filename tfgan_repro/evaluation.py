"""Scores of a trained checkpoint, each logged with provenance (`python -m tfgan_repro.evaluate --workdir=RUN`).

It sits above `metrics/` (which never imports the trainer) because it restores the run's model; the scoring
itself is `metrics.evaluation.score_features`. A shipped run (checkpoints/shipped/, tracked by git) or a run
directory the user cannot write is never modified: its scores go to a per-user file instead
(`scores_destination`).
"""
import dataclasses
import hashlib
import os
from typing import Callable, Optional, Sequence

from tfgan_repro.metrics import coverage_scores, provenance, stats as stats_lib
from tfgan_repro.metrics.evaluation import parse_metrics, score_features
from tfgan_repro.metrics.features import compute_features, make_feature_network
from tfgan_repro.training import restore

GENERATE_CHUNK = 500  # images per generate_images call: bounds memory at 10k-50k samples


def shipped_root() -> str:
  """<assets>/shipped: the run directories distributed with the code (tfgan_repro.locations)."""
  from tfgan_repro import locations
  return str(locations.shipped_root())


def default_scores_dir() -> str:
  return os.environ.get("TFGAN_REPRO_SCORES_DIR",
                        os.path.join(os.path.expanduser("~"), ".cache", "tfgan_repro", "scores"))


def scores_destination(workdir: str, scores_path: str = "") -> str:
  """Where the scores of the run in `workdir` are appended: `scores_path` if given, else RUN/scores.jsonl,
  unless the run is shipped or not writable: then <scores dir>/<run name>-<hash of its path>/scores.jsonl."""
  if scores_path:
    return scores_path
  run = os.path.realpath(workdir)
  own = os.path.join(run, provenance.SCORES_FILE)
  root = os.path.realpath(shipped_root())
  shipped = os.path.commonpath([run, root]) == root
  writable = os.access(own, os.W_OK) if os.path.exists(own) else os.access(run, os.W_OK)
  if writable and not shipped:
    return own
  key = f"{os.path.basename(run)}-{hashlib.sha256(run.encode()).hexdigest()[:8]}"  # two runs of one name differ
  return os.path.join(default_scores_dir(), key, provenance.SCORES_FILE)


def generated_batches(model, num: int, seed: int, chunk: int = GENERATE_CHUNK):
  """float32 (B, H, W, C) batches in [-1, 1]; chunk i uses seed `seed * 100_003 + i` (reproducible)."""
  for i, start in enumerate(range(0, num, chunk)):
    yield model.generate_images(min(chunk, num - start), seed=seed * 100_003 + i)


def evaluate_checkpoint(workdir: str, *, network: str = "classifier", step: Optional[int] = None,
                        metrics: Sequence[str] = ("fid",), num_fake: int = 10_000, num_real: int = 0,
                        split: str = "", stats_path: str = "", stats_dir: str = "", seed: int = 0,
                        quantize: bool = True, progress: bool = True, network_files: Optional[dict] = None,
                        scores_path: str = "", load_model: Optional[Callable] = None,
                        kid_subsets: int = 100) -> list:
  """Scores `num_fake` samples of the checkpoint in `workdir` (latest unless `step`) against real data.

  Real statistics: `stats_path` if given, else the dataset's `split` (default: the run's) computed once
  and cached in `stats_dir`. network_files: inception_weights / inception_graph / classifier paths.
  The records are appended to `scores_destination(workdir, scores_path)`. `load_model(workdir, step)` ->
  (model, experiment, step), `training.restore.load` by default; only `experiment.data` is read.
  """
  metrics = parse_metrics(metrics)
  if num_fake < 2:
    raise ValueError(f"--num_fake must be at least 2; got {num_fake}.")
  if not os.path.isdir(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is not a directory.")
  model, experiment, step = (load_model or restore.load)(workdir, step)
  data = experiment.data
  if split:
    data = dataclasses.replace(data, split=split)
  net = make_feature_network(network, dataset=data.dataset, **(network_files or {}))
  if stats_path:
    reference = stats_lib.load_stats(stats_path)
    stats_lib.check_compatible(reference, net, stats_path)
  else:
    reference, stats_path = stats_lib.reference_stats(net, data, num_images=num_real, cache_dir=stats_dir,
                                                      quantize=quantize, progress=progress,
                                                      need_labels=any(m in coverage_scores.METRICS for m in metrics))
  coverage_scores.check_reference(metrics, reference)  # before generating: says what is missing
  names = tuple(getattr(model, "branch_names", ()) or ())  # IGAN_v2/VN: per-branch coverage scores
  branches = coverage_scores.branch_ids([min(GENERATE_CHUNK, num_fake - s) for s in range(0, num_fake, GENERATE_CHUNK)],
                                        len(names))
  feats, logits = compute_features(net, generated_batches(model, num_fake, seed), quantize=quantize,
                                   progress=progress, total=num_fake, desc="generated features")
  context = dict(dataset=data.dataset, split=reference.meta.get("split", data.split),
                 resolution=data.resolution, checkpoint_step=int(step),
                 workdir=os.path.abspath(workdir), reference=stats_path, sample_seed=seed)
  records = [provenance.make_record(**{"n_fake": len(feats), **score}, network=net.describe(),
                                    quantized_uint8=quantize, **context)
             for score in score_features(metrics, feats, logits, reference, seed, kid_subsets, branches=branches,
                                         branch_names=names)]
  path = scores_destination(workdir, scores_path)
  for r in records:
    provenance.append_jsonl(path, r)
  return records
