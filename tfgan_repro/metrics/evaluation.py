"""Scores of a checkpoint or of two statistics files (two image folders: `folders.py`), each logged with provenance.

Each entry point returns the records it appended (see `provenance.py`); `python -m tfgan_repro.evaluate`
is the command line over them. A shipped run (checkpoints/shipped/, tracked by git) or a run directory the user
cannot write is never modified: its scores go to a per-user file instead (`scores_destination`).
"""
import hashlib
import os
from typing import Callable, Optional, Sequence

from tfgan_repro.metrics import provenance, stats as stats_lib
from tfgan_repro.metrics.features import compute_features, make_feature_network
from tfgan_repro.metrics.fid import feature_statistics, frechet_distance
from tfgan_repro.metrics.inception_score import inception_score
from tfgan_repro.metrics.kid import kernel_inception_distance, subset_size_for

METRICS = ("fid", "is", "kid")
GENERATE_CHUNK = 500  # images per generate_images call: bounds memory at 10k-50k samples


def parse_metrics(metrics) -> tuple:
  names = tuple(m.strip() for m in (metrics.split(",") if isinstance(metrics, str) else metrics) if m.strip())
  bad = [m for m in names if m not in METRICS]
  if bad or not names:
    raise ValueError(f"--metrics takes a comma-separated subset of {', '.join(METRICS)}; got {metrics!r}.")
  return names


def _field(config, name, default=None):
  """Reads a field of a dict or a ConfigDict-like object."""
  if isinstance(config, dict):
    return config.get(name, default)
  return getattr(config, name, default)


def score_features(metrics, fake_feats, fake_logits, reference: stats_lib.Stats, seed: int,
            kid_subsets: int = 100) -> list:
  """-> [dict(metric, value, std, n_real, ...)] from fake features (N, D) / logits (N, K) and real statistics."""
  out = []
  if "fid" in metrics:
    out.append(dict(metric="fid", value=frechet_distance(*feature_statistics(fake_feats), reference.mu,
                                                         reference.sigma), std=None, n_real=reference.n or None))
  if "is" in metrics:
    mean, std = inception_score(fake_logits, splits=min(10, len(fake_logits)), seed=seed)
    out.append(dict(metric="is", value=mean, std=std, n_real=None))
  if "kid" in metrics:
    if reference.features is None:
      raise ValueError("KID needs real features, which this statistics file lacks (TTUR/pytorch-fid files "
                       "hold only mu and sigma); drop kid from --metrics or let tfgan_repro compute the stats.")
    mean, std = kernel_inception_distance(reference.features, fake_feats, num_subsets=kid_subsets, seed=seed)
    out.append(dict(metric="kid", value=mean, std=std, n_real=len(reference.features), kid_subsets=kid_subsets,
                    kid_subset_size=subset_size_for(len(reference.features), len(fake_feats))))
  return out


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


def _default_load_model() -> Callable:
  try:
    from tfgan_repro.training.restore import load_model
  except ImportError as e:
    raise ValueError(f"Evaluating a checkpoint needs tfgan_repro.training.restore, which is missing ({e}).") \
        from None
  return load_model


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
  The records are appended to `scores_destination(workdir, scores_path)`.
  """
  metrics = parse_metrics(metrics)
  if num_fake < 2:
    raise ValueError(f"--num_fake must be at least 2; got {num_fake}.")
  if not os.path.isdir(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is not a directory.")
  model, config, step = (load_model or _default_load_model())(workdir, step)
  dataset = _field(config, "dataset", "")
  split = split or _field(config, "split", "train") or "train"
  net = make_feature_network(network, dataset=dataset, **(network_files or {}))
  if stats_path:
    reference = stats_lib.load_stats(stats_path)
    stats_lib.check_compatible(reference, net, stats_path)
  else:
    reference, stats_path = stats_lib.reference_stats(
        net, dataset, split=split, resolution=int(_field(config, "resolution", 32)),
        channels=int(_field(config, "channels", 0) or 0), data_dir=_field(config, "data_dir", "") or "",
        num_images=num_real, cache_dir=stats_dir, quantize=quantize, progress=progress,
        classes=_field(config, "classes", "") or None)
  feats, logits = compute_features(net, generated_batches(model, num_fake, seed), quantize=quantize,
                                   progress=progress, total=num_fake, desc="generated features")
  context = dict(dataset=dataset, split=reference.meta.get("split", split),
                 resolution=_field(config, "resolution", None), checkpoint_step=int(step),
                 workdir=os.path.abspath(workdir), reference=stats_path, sample_seed=seed)
  records = [provenance.make_record(**score, network=net.describe(), quantized_uint8=quantize, n_fake=len(feats),
                                    **context)
             for score in score_features(metrics, feats, logits, reference, seed, kid_subsets)]
  path = scores_destination(workdir, scores_path)
  for r in records:
    provenance.append_jsonl(path, r)
  return records


def evaluate_npz(path_a: str, path_b: str, *, scores_path: str = "") -> list:
  """FID between two statistics files; refuses files made with different networks or weights."""
  a, b = stats_lib.load_stats(path_a), stats_lib.load_stats(path_b)
  keys = ("network", "weights_sha256")
  if a.meta and b.meta and tuple(map(a.meta.get, keys)) != tuple(map(b.meta.get, keys)):
    raise ValueError(f"{path_a} comes from {a.meta.get('network')} (weights {a.meta.get('weights_sha256')}) and "
                     f"{path_b} from {b.meta.get('network')} (weights {b.meta.get('weights_sha256')}); "
                     "their FID would be meaningless.")
  if bool(a.meta) != bool(b.meta):  # a file without metadata is taken to be TTUR's / pytorch-fid's
    own = a.meta or b.meta
    if own.get("network") != "ttur_graph":
      raise ValueError(f"Only one of {path_a}, {path_b} has tfgan_repro metadata; the other is taken to be a "
                       f"TTUR / pytorch-fid file (2015 Inception graph), but this one comes from "
                       f"{own.get('network')}: their FID would be meaningless.")
  meta = a.meta or b.meta
  network = {k: meta.get(k, "unknown (no metadata)") for k in ("network", "weights", "weights_sha256", "resize")}
  network["paper_comparable"] = meta.get("paper_comparable") if meta else None
  value = frechet_distance(a.mu, a.sigma, b.mu, b.sigma)
  record = provenance.make_record("fid", value, network=network, quantized_uint8=meta.get("quantized_uint8"),
                                  n_real=a.n or None, n_fake=b.n or None, reference=os.path.abspath(path_a),
                                  samples=os.path.abspath(path_b))
  if scores_path:
    provenance.append_jsonl(scores_path, record)
  return [record]
