"""Kernel Inception Distance: unbiased MMD^2 with the cubic polynomial kernel, averaged over subsets.

Matches Binkowski et al. 2018, "Demystifying MMD GANs" (github.com/mbinkowski/MMD-GAN,
`gan/compute_scores.py`: `polynomial_mmd_averages` and the 'unbiased' estimator of `_mmd2_and_variance`):
k(x, y) = (gamma x.y + coef0)^degree with gamma = 1 / D, coef0 = 1, degree 3; each subset draws m real and
m fake features without replacement. Defaults (100 subsets of 1000) follow torch-fidelity / clean-fid.

With fewer than `subset_size` images on a side, both references take subsets of all of them: every subset is
then a permutation of the same images, MMD^2 is the same for each, and the reported std is round-off (4e-15).
Here the subsets shrink to half the smaller side instead (with a warning), so they differ and the std says
how much the score moves between subsets.
"""
import logging

import numpy as np


def polynomial_kernel(x, y, degree: int = 3, gamma=None, coef0: float = 1.0) -> np.ndarray:
  """(N, D), (M, D) -> (N, M) Gram matrix (gamma <x, y> + coef0)^degree in float64."""
  x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
  gamma = 1.0 / x.shape[1] if gamma is None else gamma
  base = gamma * (x @ y.T) + coef0
  if float(degree).is_integer() and degree >= 1:
    k = base
    for _ in range(int(degree) - 1):  # repeated products: ~20x faster than np.power for a cube
      k = k * base
    return k
  return base ** degree


def mmd2_unbiased(x, y, **kernel_args) -> float:
  """Unbiased MMD^2 between equal-sized samples x, y (m, D): off-diagonal means of K_xx and K_yy, full K_xy."""
  m = len(x)
  if m < 2 or len(y) != m:
    raise ValueError(f"mmd2_unbiased needs two samples of the same size >= 2; got {len(x)} and {len(y)}.")
  k_xx, k_yy, k_xy = (polynomial_kernel(a, b, **kernel_args) for a, b in ((x, x), (y, y), (x, y)))
  off_xx = k_xx.sum() - np.trace(k_xx)
  off_yy = k_yy.sum() - np.trace(k_yy)
  return float((off_xx + off_yy) / (m * (m - 1)) - 2.0 * k_xy.sum() / (m * m))


def subset_size_for(n_real: int, n_fake: int, subset_size: int = 1000) -> int:
  """The subset size KID uses: `subset_size`, or max(2, min(N, M) // 2) when a side has fewer images."""
  smaller = min(n_real, n_fake)
  if smaller >= subset_size:
    return subset_size
  return max(2, smaller // 2)


def kernel_inception_distance(real, fake, num_subsets: int = 100, subset_size: int = 1000,
                              seed: int = 0, **kernel_args) -> tuple:
  """real (N, D), fake (M, D) -> (mean, std) of unbiased MMD^2 over `num_subsets` random subsets.

  Subsets are of `subset_size_for(N, M, subset_size)`: shrunk, with a warning, when N or M < subset_size.
  Values can be slightly negative (the estimator is unbiased).
  """
  real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
  if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
    raise ValueError(f"KID needs features (N, D) and (M, D) of the same D; got {real.shape} and {fake.shape}.")
  if num_subsets < 1:
    raise ValueError(f"num_subsets must be >= 1; got {num_subsets}.")
  if min(len(real), len(fake)) < 2:
    raise ValueError(f"KID needs at least 2 real and 2 fake images; got {len(real)} and {len(fake)}.")
  m = subset_size_for(len(real), len(fake), subset_size)
  if m < subset_size:
    logging.warning("KID: %d real / %d fake images, fewer than subset_size=%d; using subsets of %d so that "
                    "they differ (use more images for the usual 1000).", len(real), len(fake), subset_size, m)
  rng = np.random.default_rng(seed)
  mmds = [mmd2_unbiased(fake[rng.choice(len(fake), m, replace=False)],
                        real[rng.choice(len(real), m, replace=False)], **kernel_args)
          for _ in range(num_subsets)]
  return float(np.mean(mmds)), float(np.std(mmds))
