"""Score dicts of the coverage and fidelity metrics, for all samples and for each generator branch.

precision / recall (k = 3) and density / coverage (k = 5) are `coverage.manifold_scores` on the feature
network's features (the FCD/FID ones) of the fakes and of the kept real reference rows (`Stats.features`,
up to `stats.MAX_KEPT`); class_kl is `class_histogram.class_kl` of the classifier's argmax labels, fakes
against the reference rows (`Stats.predicted`). Each dict carries what a record needs to be read alone:
k, distance, n_real, n_fake, and for class_kl both histograms.

Multi-branch generators (IGAN_v2 / IGAN_VN, `model.branch_names`) also get one dict per branch c (fields
`branch`, `branch_name`): the samples branch c drew, against the reference rows of class c when the run
trains on --classes (branch c learns the c-th listed class, `Stats.labels` renumbered the same way), else
against the whole reference (on unlabelled data every branch learns the whole data set).
"""
from typing import Optional, Sequence

import numpy as np

from tfgan_repro.metrics import class_histogram, coverage

MANIFOLD_METRICS = ("precision", "recall", "density", "coverage")
METRICS = MANIFOLD_METRICS + ("class_kl",)
HISTOGRAM_DIGITS = 4  # fractions in the records: 1e-4 resolves one sample in 10k


def branch_ids(sizes: Sequence[int], k: int) -> np.ndarray:
  """Branch of every sample drawn by `generate_images` calls of these sizes: each call returns its images
  class-major, branch c holding n // k + (c < n % k) of them (as IGAN.generate_images)."""
  if k < 2:
    return np.zeros(sum(sizes), np.int64)
  return np.concatenate([np.repeat(np.arange(k), [n // k + (c < n % k) for c in range(k)]) for n in sizes])


def _reference_part(reference, branch: Optional[int]):
  """(features, predicted labels) of the reference rows branch `branch` is compared with."""
  feats, predicted = reference.features, getattr(reference, "predicted", None)
  if branch is None or not reference.meta.get("classes"):
    return feats, predicted
  labels = getattr(reference, "labels", None)
  if labels is None:
    raise ValueError("Per-branch scores need the data labels of the reference rows, which these statistics "
                     "lack; let tfgan_repro recompute them (drop --stats).")
  rows = np.asarray(labels) == branch
  return feats[rows], (None if predicted is None else predicted[rows])


def _scores_of(metrics, fake_feats, fake_logits, real_feats, real_predicted, num_classes: int) -> list:
  out = []
  if any(m in MANIFOLD_METRICS for m in metrics):
    values = coverage.manifold_scores(real_feats, fake_feats)
    for m in MANIFOLD_METRICS:
      if m in metrics:
        k = coverage.PRECISION_RECALL_K if m in ("precision", "recall") else coverage.DENSITY_COVERAGE_K
        out.append(dict(metric=m, value=values[m], std=None, n_real=len(real_feats), n_fake=len(fake_feats),
                        k=k, distance="euclidean (feature network features)"))
  if "class_kl" in metrics:
    fake = class_histogram.class_counts(fake_logits, num_classes)
    real = class_histogram.class_counts(real_predicted, num_classes)
    hist = lambda c: [round(float(v), HISTOGRAM_DIGITS) for v in class_histogram.histogram(c)]
    out.append(dict(metric="class_kl", value=class_histogram.class_kl(fake, real), std=None,
                    n_real=int(real.sum()), n_fake=len(fake_logits), class_histogram=hist(fake),
                    reference_class_histogram=hist(real)))
  return out


def check_reference(metrics, reference) -> None:
  """ValueError, saying what to do, unless `reference` holds what `metrics` need."""
  wanted = [m for m in metrics if m in METRICS]
  if not wanted:
    return
  if reference.features is None:
    raise ValueError(f"{', '.join(wanted)} need real features, which this statistics file lacks (TTUR/pytorch-fid "
                     "files hold only mu and sigma); drop them from --metrics or let tfgan_repro compute the stats.")
  if "class_kl" in wanted:
    if reference.meta.get("network") != "classifier":
      raise ValueError(f"class_kl counts the dataset's classes, so it needs --network=classifier, not "
                       f"{reference.meta.get('network') or 'unknown'}.")
    if getattr(reference, "predicted", None) is None:
      raise ValueError("class_kl needs the classifier's labels of the real reference rows, which these statistics "
                       "lack; let tfgan_repro recompute them (drop --stats).")


def scores(metrics, fake_feats, fake_logits, reference, *, branches=None, branch_names: Sequence[str] = ()) -> list:
  """-> [dict(metric, value, std, n_real, n_fake, ...)] for the `metrics` among `METRICS`.

  fake_feats (N, D), fake_logits (N, K); reference: `stats.Stats` with features (and predicted, labels);
  branches: (N,) branch of each fake, with `branch_names` one name per branch (() or None: one branch).
  """
  metrics = [m for m in metrics if m in METRICS]
  if not metrics:
    return []
  check_reference(metrics, reference)
  fake_feats, fake_logits = np.asarray(fake_feats), np.asarray(fake_logits)
  num_classes = fake_logits.shape[1] if fake_logits.ndim == 2 else 0
  out = _scores_of(metrics, fake_feats, fake_logits, reference.features, getattr(reference, "predicted", None),
                   num_classes)
  if branches is None or len(branch_names or ()) < 2:
    return out
  branches = np.asarray(branches)
  if branches.shape != (len(fake_feats),):
    raise ValueError(f"Give one branch id per sample: {len(fake_feats)} samples, branches {branches.shape}.")
  for c, name in enumerate(branch_names):
    rows = branches == c
    real_feats, real_predicted = _reference_part(reference, c)
    for score in _scores_of(metrics, fake_feats[rows], fake_logits[rows], real_feats, real_predicted, num_classes):
      out.append(dict(score, branch=c, branch_name=name))
  return out
