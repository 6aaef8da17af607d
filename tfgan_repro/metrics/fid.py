"""Frechet distance between Gaussians fitted to features (FID, or FCD with a dataset classifier).

Matches TTUR's `fid.py` (Heusel et al. 2017, github.com/bioinf-jku/TTUR): statistics in float64 with
`np.cov(rowvar=False)` (ddof=1), `scipy.linalg.sqrtm(sigma1 @ sigma2)` computed silently (TTUR passes
`disp=False`, which SciPy 1.16 deprecated and 1.18 removes; we silence its LinAlgWarning instead), eps * I
added to both covariances when the result is not finite, and imaginary parts dropped unless they are large.
"""
import logging
import warnings

import numpy as np
from scipy import linalg


def feature_statistics(features) -> tuple:
  """features (N, D) -> (mu (D,), sigma (D, D)), both float64; sigma is the unbiased covariance."""
  features = np.asarray(features, dtype=np.float64)
  if features.ndim != 2:
    raise ValueError(f"Features must be a 2-D array (N, D); got shape {features.shape}.")
  if len(features) < 2:
    raise ValueError(f"A covariance needs at least 2 feature vectors; got {len(features)}.")
  return features.mean(axis=0), np.cov(features, rowvar=False)


def _sqrtm(matrix: np.ndarray) -> np.ndarray:
  with warnings.catch_warnings():
    # Near-singular products are normal with few samples or dead ReLU features; TTUR reacts only to
    # non-finite results (below), so the warning would be noise.
    warnings.simplefilter("ignore", linalg.LinAlgWarning)
    return linalg.sqrtm(matrix)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
  """||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2)) for mu (D,), sigma (D, D)."""
  mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
  sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
  if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != mu1.shape * 2:
    raise ValueError(f"Statistics do not match: mu {mu1.shape} vs {mu2.shape}, sigma {sigma1.shape} vs "
                     f"{sigma2.shape}. Were they computed with the same feature network?")
  diff = mu1 - mu2
  covmean = _sqrtm(sigma1 @ sigma2)
  if not np.isfinite(covmean).all():
    # Fewer samples than dimensions makes the product singular; TTUR regularises both covariances.
    logging.warning("FID: singular covariance product; adding %g to the diagonal of both covariances.", eps)
    offset = np.eye(sigma1.shape[0]) * eps
    covmean = _sqrtm((sigma1 + offset) @ (sigma2 + offset))
  if np.iscomplexobj(covmean):
    # sqrtm of a product of PSD matrices is real up to round-off; a large imaginary part means bad input.
    if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
      raise ValueError(f"FID: sqrtm has an imaginary component of {np.max(np.abs(covmean.imag)):.3g}; "
                       "the covariances are not valid (NaN features or too few samples?).")
    covmean = covmean.real
  return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def fid_from_features(features1, features2, eps: float = 1e-6) -> float:
  """FID between two feature sets (N1, D) and (N2, D)."""
  return frechet_distance(*feature_statistics(features1), *feature_statistics(features2), eps=eps)
