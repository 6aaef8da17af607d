"""Precision/recall, density/coverage and the class histogram against brute-force NumPy and hand-worked cases."""
import math

import numpy as np
import pytest

from tfgan_repro.metrics import class_histogram, coverage, coverage_scores
from tfgan_repro.metrics.stats import Stats


def _brute_force(real, fake, pr_k, dc_k):
  """The papers' definitions, one pair at a time in float64."""
  real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
  dist = lambda a, b: math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))

  def radius(points, i, k):
    return sorted(dist(points[i], points[j]) for j in range(len(points)) if j != i)[k - 1]

  real_pr = [radius(real, i, pr_k) for i in range(len(real))]
  real_dc = [radius(real, i, dc_k) for i in range(len(real))]
  fake_pr = [radius(fake, j, pr_k) for j in range(len(fake))]
  precision = np.mean([any(dist(f, r) <= real_pr[i] for i, r in enumerate(real)) for f in fake])
  recall = np.mean([any(dist(r, f) <= fake_pr[j] for j, f in enumerate(fake)) for r in real])
  density = sum(dist(f, r) < real_dc[i] for f in fake for i, r in enumerate(real)) / (dc_k * len(fake))
  cover = np.mean([any(dist(f, r) < real_dc[i] for f in fake) for i, r in enumerate(real)])
  return dict(precision=precision, recall=recall, density=density, coverage=cover)


@pytest.mark.parametrize("chunk", [7, 1 << 22])  # 7 entries: many row blocks, each smaller than a row
def test_manifold_scores_match_brute_force(monkeypatch, chunk):
  monkeypatch.setattr(coverage, "CHUNK_ELEMENTS", chunk)
  rng = np.random.default_rng(0)
  real = rng.normal(size=(40, 3))
  fake = rng.normal(size=(30, 3)) * 1.5 + 0.7
  got = coverage.manifold_scores(real, fake)
  want = _brute_force(real, fake, 3, 5)
  for name in want:
    assert got[name] == pytest.approx(want[name], abs=1e-9), name
  assert 0 < got["precision"] < 1 and 0 < got["coverage"] < 1  # a case that tells the rules apart


def test_worked_example_on_a_line():
  # real 0, 1, 3, 6 (nearest-neighbour radii 1, 1, 2, 3); fakes 0.5 (inside the balls of 0 and 1) and 100.
  real, fake = np.array([[0.], [1.], [3.], [6.]]), np.array([[0.5], [100.]])
  got = coverage.manifold_scores(real, fake, pr_k=1, dc_k=1)
  assert got == dict(precision=0.5, recall=1.0, density=1.0, coverage=0.5)


def test_ties_precision_counts_the_ball_edge_density_does_not():
  # Kynkaanniemi's balls are closed, Naeem's open. real 0, 1, 3 (radii 1, 1, 2); fakes -1 and 5 lie exactly on
  # the edges of the balls of 0 and 3.
  got = coverage.manifold_scores(np.array([[0.], [1.], [3.]]), np.array([[-1.], [5.]]), pr_k=1, dc_k=1)
  assert got == dict(precision=1.0, recall=1.0, density=0.0, coverage=0.0)


def test_identical_sets_score_one_and_far_apart_sets_zero():
  x = np.random.default_rng(1).normal(size=(200, 8)).astype(np.float32) * 10
  same = coverage.manifold_scores(x, x.copy())
  assert same["precision"] == same["recall"] == same["coverage"] == 1.0
  assert same["density"] == pytest.approx(1.0, abs=0.01)  # each fake in its own ball and k - 1 others
  apart = coverage.manifold_scores(x, x + 1000.0)
  assert apart == dict(precision=0.0, recall=0.0, density=0.0, coverage=0.0)


def test_coverage_of_two_samples_of_one_distribution_is_near_naeem_lemma():
  rng = np.random.default_rng(2)
  _, cover = coverage.density_coverage(rng.normal(size=(1500, 6)), rng.normal(size=(1500, 6)))
  assert abs(cover - (1 - 0.5 ** 5)) < 0.03  # Naeem et al. 2020, Lemma 2: 1 - 2^-k for N = M -> infinity


def test_knn_radii_exclude_the_point_itself_and_reject_too_large_k():
  radii = coverage.knn_squared_radii(np.array([[0.], [1.], [3.]]), (1, 2))
  np.testing.assert_allclose(radii[1], [1, 1, 4])
  np.testing.assert_allclose(radii[2], [9, 4, 9])
  with pytest.raises(ValueError, match="k must be"):
    coverage.knn_squared_radii(np.zeros((3, 2)), (3,))


def test_class_kl_against_a_loop_and_hand_values():
  fake, real = np.array([5, 0, 3, 2]), np.array([40, 30, 20, 10])
  q = (real + 0.5) / (real + 0.5).sum()
  p = fake / fake.sum()
  want = sum(p[c] * math.log(p[c] / q[c]) for c in range(4) if p[c] > 0)
  assert class_histogram.class_kl(fake, real) == pytest.approx(want, rel=1e-12)
  uniform = np.full(10, 1000)
  assert class_histogram.class_kl(uniform, uniform) == pytest.approx(0.0, abs=1e-12)
  one_class = np.eye(10, dtype=int)[3] * 1000
  assert class_histogram.class_kl(one_class, uniform) == pytest.approx(math.log(10), abs=1e-3)
  dropped = np.array([0] + [1000] * 9)
  assert class_histogram.class_kl(dropped, uniform) == pytest.approx(math.log(10 / 9), abs=1e-3)
  np.testing.assert_array_equal(class_histogram.class_counts(np.array([[0, 2.], [3, 1], [1, 5]]), 3), [1, 2, 0])


def _reference(labelled: bool):
  """Two real classes, far apart in a 4-d feature space; the classifier calls them class 3 and class 7."""
  rng = np.random.default_rng(3)
  feats = np.concatenate([rng.normal(size=(100, 4)), rng.normal(size=(100, 4)) + 50]).astype(np.float32)
  labels = np.repeat([0, 1], 100)
  meta = dict(network="classifier", classes=[3, 7] if labelled else [])
  return Stats(feats.mean(0), np.cov(feats, rowvar=False), 200, meta, feats, labels, np.repeat([3, 7], 100))


def _logits(classes):
  return np.eye(10)[np.asarray(classes)]


def test_per_branch_scores_compare_each_branch_with_its_class():
  reference = _reference(labelled=True)
  rng = np.random.default_rng(4)
  fakes = np.concatenate([rng.normal(size=(60, 4)), rng.normal(size=(60, 4)) + 50])  # branch 0 then branch 1
  branches = coverage_scores.branch_ids([120], 2)
  assert branches.tolist() == [0] * 60 + [1] * 60
  records = coverage_scores.scores(("precision", "recall", "class_kl"), fakes, _logits([3] * 60 + [7] * 60),
                                   reference, branches=branches, branch_names=("0: shirt", "1: bag"))
  by = {(r["metric"], r.get("branch")): r for r in records}
  assert len(records) == 9 and by[("precision", 1)]["branch_name"] == "1: bag"
  assert by[("precision", 0)]["n_real"] == 100 and by[("precision", 0)]["n_fake"] == 60
  assert by[("recall", None)]["value"] > 0.5 and by[("recall", 1)]["value"] > 0.5  # vs its own class: covered
  # branch 0 is all class 3, as are its real rows: only the pseudocounts (0.5 per class) separate them
  assert by[("class_kl", 0)]["value"] == pytest.approx(math.log(105 / 100.5), rel=1e-9)
  assert by[("class_kl", 0)]["class_histogram"][3] == 1.0
  assert by[("class_kl", None)]["reference_class_histogram"][7] == 0.5
  # Branch 1 drawing class 0's images: it falls outside its class's manifold.
  swapped = coverage_scores.scores(("precision",), fakes[::-1], _logits([3] * 120), reference,
                                   branches=branches, branch_names=("a", "b"))
  assert [r["value"] for r in swapped if r.get("branch") is not None] == [0.0, 0.0]


def test_unlabelled_branches_are_compared_with_the_whole_reference():
  reference = _reference(labelled=False)
  fakes = reference.features[::2]
  records = coverage_scores.scores(("coverage",), fakes, _logits([3] * 100), reference,
                                   branches=coverage_scores.branch_ids([50, 50], 2), branch_names=("a", "b"))
  assert [r["n_real"] for r in records] == [200, 200, 200]


def test_missing_reference_parts_say_what_to_do():
  reference = _reference(labelled=True)
  with pytest.raises(ValueError, match="need real features"):
    coverage_scores.scores(("precision",), np.zeros((5, 4)), _logits([0] * 5), reference._replace(features=None))
  with pytest.raises(ValueError, match="--network=classifier"):
    coverage_scores.scores(("class_kl",), np.zeros((5, 4)), _logits([0] * 5),
                           reference._replace(meta=dict(network="keras_inception")))
  with pytest.raises(ValueError, match="recompute"):
    coverage_scores.scores(("class_kl",), np.zeros((5, 4)), _logits([0] * 5), reference._replace(predicted=None))
