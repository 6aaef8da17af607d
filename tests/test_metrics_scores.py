"""Features -> score: FID, IS and KID against NumPy/SciPy references and cases worked out by hand."""
import numpy as np
import pytest
from scipy import linalg

from tfgan_repro.metrics import fid, inception_score, kid


def _reference_fid(a, b):
  """TTUR's formula written out directly: statistics, sqrtm of the product, trace."""
  mu1, mu2 = a.mean(0), b.mean(0)
  s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  covmean = linalg.sqrtm(s1 @ s2).real
  return np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean)


def test_fid_matches_numpy_scipy_reference():
  rng = np.random.default_rng(0)
  a = rng.normal(size=(500, 16))
  b = rng.normal(size=(400, 16)) @ rng.normal(size=(16, 16)) * 0.5 + 0.3
  assert fid.fid_from_features(a, b) == pytest.approx(_reference_fid(a, b), rel=1e-9)
  assert fid.fid_from_features(a.astype(np.float32), b) == pytest.approx(_reference_fid(a, b), rel=1e-5)


def test_fid_of_identical_features_is_zero():
  x = np.random.default_rng(1).normal(size=(300, 32))
  assert abs(fid.fid_from_features(x, x)) < 1e-6


def test_fid_closed_form_diagonal_gaussians():
  # N(mu1, diag(v1)) vs N(mu2, diag(v2)): |mu1 - mu2|^2 + sum (sqrt(v1) - sqrt(v2))^2.
  mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
  v1, v2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
  expected = 1 + 0 + 4 + (1 - 2) ** 2 + (2 - 1) ** 2 + (3 - 1) ** 2
  assert fid.frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2)) == pytest.approx(expected, abs=1e-9)


def test_fid_symmetric_and_nonnegative():
  rng = np.random.default_rng(2)
  for _ in range(5):
    a, b = rng.normal(size=(200, 8)), rng.gamma(2.0, size=(250, 8))
    ab, ba = fid.fid_from_features(a, b), fid.fid_from_features(b, a)
    assert ab == pytest.approx(ba, rel=1e-8)
    assert ab >= 0


def test_fid_singular_covariance_is_finite():
  rng = np.random.default_rng(3)
  a, b = rng.normal(size=(10, 64)), rng.normal(size=(10, 64))  # N < D: both covariances singular
  value = fid.fid_from_features(a, b)
  assert np.isfinite(value) and value > 0


def test_fid_non_finite_sqrtm_retries_with_eps_offset(monkeypatch):
  calls = []

  def fake_sqrtm(matrix):
    calls.append(matrix)
    return np.full_like(matrix, np.nan) if len(calls) == 1 else linalg.sqrtm(matrix)

  monkeypatch.setattr(fid, "_sqrtm", fake_sqrtm)
  s1, s2 = np.diag([1.0, 4.0]), np.diag([9.0, 1.0])
  value = fid.frechet_distance(np.zeros(2), s1, np.zeros(2), s2, eps=1e-6)
  np.testing.assert_allclose(calls[1], (s1 + 1e-6 * np.eye(2)) @ (s2 + 1e-6 * np.eye(2)))  # TTUR's offset
  assert value == pytest.approx((1 - 3) ** 2 + (2 - 1) ** 2, abs=1e-5)


def test_fid_rejects_mismatched_statistics():
  with pytest.raises(ValueError, match="same feature network"):
    fid.frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
  with pytest.raises(ValueError, match="at least 2"):
    fid.feature_statistics(np.zeros((1, 3)))


def test_inception_score_uniform_is_one():
  mean, std = inception_score.inception_score(probs=np.full((1000, 10), 0.1))
  assert mean == pytest.approx(1.0) and std == pytest.approx(0.0, abs=1e-12)
  mean, _ = inception_score.inception_score(np.zeros((100, 1008)))  # equal logits
  assert mean == pytest.approx(1.0)


@pytest.mark.parametrize("k", [2, 7, 10])
def test_inception_score_confident_even_classes_is_k(k):
  n = 10 * k * 20
  probs = np.eye(k)[np.arange(n) % k]  # one-hot, round-robin: every split holds each class equally
  mean, std = inception_score.inception_score(probs=probs, splits=10, shuffle=False)
  assert mean == pytest.approx(k) and std == pytest.approx(0.0, abs=1e-9)
  mean, _ = inception_score.inception_score(probs=probs, splits=1)  # shuffled, one split
  assert mean == pytest.approx(k)
  mean, _ = inception_score.inception_score(np.log(probs + 1e-30), splits=1)  # near-one-hot logits
  assert mean == pytest.approx(k, rel=1e-6)


def test_inception_score_matches_salimans_loop():
  rng = np.random.default_rng(4)
  logits = rng.normal(size=(200, 5)) * 3
  p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
  scores = []
  for i in range(10):  # Salimans et al.'s improved-gan/inception_score/model.py, unshuffled
    part = p[i * 200 // 10:(i + 1) * 200 // 10]
    kl = part * (np.log(part) - np.log(part.mean(0, keepdims=True)))
    scores.append(np.exp(kl.sum(1).mean()))
  mean, std = inception_score.inception_score(logits, shuffle=False)
  assert (mean, std) == pytest.approx((np.mean(scores), np.std(scores)), rel=1e-10)


def test_inception_score_rejects_bad_input():
  with pytest.raises(ValueError, match="exactly one"):
    inception_score.inception_score()
  with pytest.raises(ValueError, match="sum to 1"):
    inception_score.inception_score(probs=np.ones((10, 3)))


def _reference_mmd2(x, y):
  """Unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3, written as explicit sums over pairs."""
  d = x.shape[1]
  k = lambda a, b: (a @ b / d + 1.0) ** 3
  m, n = len(x), len(y)
  xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
  yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
  xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
  return xx + yy - 2 * xy


def test_kid_matches_reference():
  rng = np.random.default_rng(5)
  real, fake = rng.normal(size=(40, 6)), rng.normal(size=(40, 6)) + 0.5
  expected = _reference_mmd2(fake, real)
  assert kid.mmd2_unbiased(fake, real) == pytest.approx(expected, rel=1e-10)
  # A subset covering all samples is a permutation, under which MMD^2 is invariant.
  mean, std = kid.kernel_inception_distance(real, fake, num_subsets=3, subset_size=40)
  assert mean == pytest.approx(expected, rel=1e-10) and std == pytest.approx(0.0, abs=1e-12)


def test_polynomial_kernel_integer_and_real_degree():
  rng = np.random.default_rng(7)
  x, y = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
  np.testing.assert_allclose(kid.polynomial_kernel(x, y), (x @ y.T / 3 + 1) ** 3, rtol=1e-12)
  np.testing.assert_allclose(kid.polynomial_kernel(x, y, degree=2.5, gamma=0.1, coef0=5.0),
                             (0.1 * x @ y.T + 5.0) ** 2.5, rtol=1e-12)


def test_kid_same_distribution_near_zero_and_shift_positive():
  rng = np.random.default_rng(6)
  a, b = rng.normal(size=(600, 16)), rng.normal(size=(600, 16))
  same, _ = kid.kernel_inception_distance(a, b, num_subsets=20, subset_size=200)
  shifted, _ = kid.kernel_inception_distance(a, b + 1.0, num_subsets=20, subset_size=200)
  assert abs(same) < 0.05 * shifted and shifted > 0


def test_kid_with_fewer_images_than_subset_size_warns_and_shrinks_the_subsets(caplog):
  # 30 images a side, subset_size 1000: subsets of all 30 would be permutations of one set (std ~4e-15);
  # they shrink to 15, and mean/std equal a NumPy loop over the same draws.
  rng = np.random.default_rng(8)
  real, fake = rng.normal(size=(30, 5)), rng.normal(size=(30, 5)) + 0.3
  with caplog.at_level("WARNING"):
    mean, std = kid.kernel_inception_distance(real, fake, num_subsets=6, subset_size=1000, seed=4)
  assert "fewer than subset_size=1000; using subsets of 15" in caplog.text
  draws = np.random.default_rng(4)
  expected = []
  for _ in range(6):
    f = fake[draws.choice(30, 15, replace=False)]
    expected.append(_reference_mmd2(f, real[draws.choice(30, 15, replace=False)]))
  assert mean == pytest.approx(np.mean(expected), rel=1e-10)
  assert std == pytest.approx(np.std(expected), rel=1e-8) and std > 1e-3 * abs(mean)
  assert kid.subset_size_for(5000, 2000) == 1000 and kid.subset_size_for(1000, 1000) == 1000
  assert kid.subset_size_for(1000, 200) == 100 and kid.subset_size_for(3, 3) == 2
