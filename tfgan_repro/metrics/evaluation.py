"""Scores from features (`score_features`) and between two statistics files (`evaluate_npz`), with provenance.

Two image folders: `folders.py`. Scoring a trained checkpoint needs the trainer's restore, so it lives above
this package, in `tfgan_repro.evaluation`; `python -m tfgan_repro.evaluate` is the command line over both.
"""
import os

from tfgan_repro.metrics import coverage_scores, provenance, stats as stats_lib
from tfgan_repro.metrics.fid import feature_statistics, frechet_distance
from tfgan_repro.metrics.inception_score import inception_score
from tfgan_repro.metrics.kid import kernel_inception_distance, subset_size_for

METRICS = ("fid", "is", "kid") + coverage_scores.METRICS  # precision, recall, density, coverage, class_kl


def parse_metrics(metrics) -> tuple:
  names = tuple(m.strip() for m in (metrics.split(",") if isinstance(metrics, str) else metrics) if m.strip())
  bad = [m for m in names if m not in METRICS]
  if bad or not names:
    raise ValueError(f"--metrics takes a comma-separated subset of {', '.join(METRICS)}; got {metrics!r}.")
  return names


def score_features(metrics, fake_feats, fake_logits, reference: stats_lib.Stats, seed: int,
            kid_subsets: int = 100, *, branches=None, branch_names=()) -> list:
  """-> [dict(metric, value, std, n_real, ...)] from fake features (N, D) / logits (N, K) and real statistics.
  branches (N,) / branch_names: the generator branch of each fake, for per-branch `coverage_scores`."""
  coverage_scores.check_reference(metrics, reference)  # before any slow score
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
  return out + coverage_scores.scores(metrics, fake_feats, fake_logits, reference, branches=branches,
                                      branch_names=branch_names)


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
