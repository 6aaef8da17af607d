"""Fidelity and diversity from k-nearest-neighbour balls in feature space (features -> score, NumPy only).

- Improved precision / recall (Kynkaanniemi et al., "Improved Precision and Recall Metric for Assessing
  Generative Models", NeurIPS 2019; k = 3, the paper's value): the real manifold is the union of balls around
  the real features, each with radius the distance to its k-th nearest real neighbour; precision is the share
  of fakes inside it, recall the share of reals inside the fake manifold built the same way. Closed balls
  (`<=`), as in their code (kynkaat/improved-precision-and-recall-metric, `ManifoldEstimator.evaluate`).
- Density / coverage (Naeem et al., "Reliable Fidelity and Diversity Metrics for Generative Models",
  ICML 2020; k = 5, the value the paper recommends for 10k real and 10k fake samples): density = the number of
  real balls (radius: k-th neighbour, as above) holding each fake, over k, averaged (1 in expectation for
  identical distributions, above 1 where fakes crowd dense regions); coverage = the share of real balls holding
  at least one fake (about 1 - 2^-k = 0.97 for identical distributions of equal size, their Lemma 2). Open
  balls (`<`), as in their code (clovaai/generative-evaluation-prdc, `compute_prdc`).

Distance: Euclidean in the feature network's features (the ones FCD/FID use), compared squared
(||a||^2 + ||b||^2 - 2 a.b in float32, clipped at 0). The k-th nearest neighbour excludes the point itself.
Every pairwise matrix is built `CHUNK_ELEMENTS` entries at a time, so 10k x 10k never needs 800 MB at once.
"""
from typing import Dict, Sequence

import numpy as np

PRECISION_RECALL_K = 3   # Kynkaanniemi et al. 2019
DENSITY_COVERAGE_K = 5   # Naeem et al. 2020 (with M = N = 10000)
CHUNK_ELEMENTS = 1 << 22  # 4M float32 entries = 16 MB per distance block


def _as_features(x, name: str) -> np.ndarray:
  x = np.asarray(x, np.float32)
  if x.ndim != 2 or len(x) < 2:
    raise ValueError(f"{name} features must be (N, D) with N >= 2; got shape {x.shape}.")
  return x


def _rows_per_chunk(columns: int) -> int:
  return max(1, CHUNK_ELEMENTS // max(1, columns))


class _Columns:
  """The right-hand set of a distance block, prepared once: B^T contiguous (a @ B^T is ~2x faster than with a
  transposed view) and ||b||^2."""

  def __init__(self, b: np.ndarray):
    self.t = np.ascontiguousarray(np.asarray(b, np.float32).T)  # (D, m)
    self.sq = np.einsum("ij,ij->j", self.t, self.t)              # (m,)

  def distances(self, a: np.ndarray) -> np.ndarray:
    """(n, D) -> (n, m) float32 squared Euclidean distances."""
    a = np.asarray(a, np.float32)
    d = a @ self.t
    d *= -2.0
    d += np.einsum("ij,ij->i", a, a)[:, None]
    d += self.sq[None, :]
    return np.maximum(d, 0.0, out=d)


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
  """(n, D), (m, D) -> (n, m) float32 squared Euclidean distances."""
  return _Columns(b).distances(a)


def knn_squared_radii(features, ks: Sequence[int]) -> Dict[int, np.ndarray]:
  """{k: (N,) squared distance of each point to its k-th nearest other point} for every k in `ks`."""
  x = _as_features(features, "The")
  ks = sorted(set(int(k) for k in ks))
  if ks[0] < 1 or ks[-1] >= len(x):
    raise ValueError(f"k must be in 1..{len(x) - 1} for {len(x)} points; got {ks}.")
  out = {k: np.empty(len(x), np.float32) for k in ks}
  columns, step = _Columns(x), _rows_per_chunk(len(x))
  for start in range(0, len(x), step):
    d = columns.distances(x[start:start + step])
    rows = np.arange(len(d))
    d[rows, start + rows] = -1.0  # the point itself sorts first, whatever rounding left on the diagonal
    # The k_max + 1 smallest of each row, sorted: position k (0-based) is the k-th nearest other point.
    nearest = np.sort(np.partition(d, ks[-1], axis=1)[:, :ks[-1] + 1], axis=1)
    for k in ks:
      out[k][start:start + len(d)] = nearest[:, k]
  return out


def manifold_scores(real, fake, *, pr_k: int = PRECISION_RECALL_K, dc_k: int = DENSITY_COVERAGE_K) -> dict:
  """Real (N, D) and fake (M, D) features -> {precision, recall, density, coverage} in one pass over
  real x fake distances (plus one over real x real and one over fake x fake for the radii)."""
  real, fake = _as_features(real, "Real"), _as_features(fake, "Fake")
  if real.shape[1] != fake.shape[1]:
    raise ValueError(f"Real and fake features differ in width: {real.shape[1]} vs {fake.shape[1]}.")
  real_r = knn_squared_radii(real, (pr_k, dc_k))
  fake_r = knn_squared_radii(fake, (pr_k,))[pr_k]
  in_real_manifold = np.zeros(len(fake), bool)      # precision: fake j in some real ball (k = pr_k)
  real_balls_holding = np.zeros(len(fake), np.int64)  # density: real balls (k = dc_k) holding fake j
  real_in_fake_manifold = np.zeros(len(real), bool)  # recall: real i in some fake ball
  real_ball_covered = np.zeros(len(real), bool)      # coverage: real ball i holds some fake
  columns, step = _Columns(fake), _rows_per_chunk(len(fake))
  for start in range(0, len(real), step):
    stop = min(start + step, len(real))
    d = columns.distances(real[start:stop])  # (rows, M)
    in_real_manifold |= np.any(d <= real_r[pr_k][start:stop, None], axis=0)
    inside = d < real_r[dc_k][start:stop, None]
    real_balls_holding += inside.sum(axis=0)
    real_ball_covered[start:stop] = inside.any(axis=1)
    real_in_fake_manifold[start:stop] = np.any(d <= fake_r[None, :], axis=1)
  return {"precision": float(in_real_manifold.mean()), "recall": float(real_in_fake_manifold.mean()),
          "density": float(real_balls_holding.sum() / (dc_k * len(fake))),
          "coverage": float(real_ball_covered.mean())}


def improved_precision_recall(real, fake, k: int = PRECISION_RECALL_K) -> tuple:
  """-> (precision, recall), Kynkaanniemi et al. 2019."""
  scores = manifold_scores(real, fake, pr_k=k, dc_k=k)
  return scores["precision"], scores["recall"]


def density_coverage(real, fake, k: int = DENSITY_COVERAGE_K) -> tuple:
  """-> (density, coverage), Naeem et al. 2020."""
  scores = manifold_scores(real, fake, pr_k=k, dc_k=k)
  return scores["density"], scores["coverage"]
