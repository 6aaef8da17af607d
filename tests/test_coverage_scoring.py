"""precision / recall / density / coverage / class_kl through `evaluate` and `--eval_every` (issue 16 item 4):
records with provenance, one per branch for multi-branch generators, the real labels in the statistics cache."""
import os
import types

import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import evaluation as checkpoint_eval
from tfgan_repro.data import DataSpec
from tfgan_repro.metrics import format_table, make_feature_network, provenance
from tfgan_repro.metrics import stats as stats_lib
from tfgan_repro.metrics.callback import FIDCallback

NEW = "precision,recall,density,coverage,class_kl"


@pytest.fixture(scope="module")
def fashion_test(fashion_dir_module):
  from tfgan_repro.data.pipeline import frame
  from tfgan_repro.data.sources import load_idx_dir
  source = load_idx_dir(fashion_dir_module, "test")
  return frame(source.images, 32, None).numpy(), np.asarray(source.labels)


@pytest.fixture(scope="module")
def fashion_dir_module():
  from tests.conftest import FASHION_DIR
  if not os.path.isdir(FASHION_DIR):
    pytest.fail(f"{FASHION_DIR} missing: apt-get install dataset-fashion-mnist (CI installs it).")
  return FASHION_DIR


@pytest.fixture(scope="module")
def stats_dir(tmp_path_factory):
  return str(tmp_path_factory.mktemp("stats"))


class BranchGAN:
  """IGAN_v2's sampling interface: class-major `generate_images`, one real class per branch (`classes`), or
  uniform noise for every branch."""

  def __init__(self, images, labels, classes, noise=False):
    self.images, self.labels, self.classes, self.noise = images, labels, classes, noise
    self.branch_names = tuple(f"branch {c}: class {k}" for c, k in enumerate(classes)) if len(classes) > 1 else ()
    self.step = tf.Variable(0, dtype=tf.int64)

  def generate_images(self, n, seed=0):
    rng = np.random.default_rng(seed)
    k = len(self.classes)
    out = []
    for c, cls in enumerate(self.classes):
      m = n // k + (c < n % k)
      pool = np.flatnonzero(self.labels == cls)
      out.append(rng.uniform(-1, 1, (m, 32, 32, 1)).astype(np.float32) if self.noise
                 else self.images[rng.choice(pool, m, replace=False)])
    return np.concatenate(out)


def _evaluate(tmp_path, name, model, classes, stats_dir, **kwargs):
  os.makedirs(tmp_path / name)
  run = types.SimpleNamespace(data=DataSpec.make("fashion_mnist", resolution=32, classes=classes), seed=0)
  return checkpoint_eval.evaluate_checkpoint(
      str(tmp_path / name), load_model=lambda w, step=None: (model, run, 50), network="classifier",
      metrics=NEW, num_fake=600, num_real=1000, split="test", stats_dir=stats_dir, progress=False, **kwargs)


def test_two_branches_get_scores_each_against_their_own_class(tmp_path, fashion_test, stats_dir):
  images, labels = fashion_test
  good = _evaluate(tmp_path, "good", BranchGAN(images, labels, (0, 7)), "0,7", stats_dir)
  swapped = _evaluate(tmp_path, "swapped", BranchGAN(images, labels, (7, 0)), "0,7", stats_dir)
  noise = _evaluate(tmp_path, "noise", BranchGAN(images, labels, (0, 7), noise=True), "0,7", stats_dir)
  by = lambda records: {(r["metric"], r.get("branch")): r for r in records}
  g, s, n = by(good), by(swapped), by(noise)
  assert len(good) == 15  # 5 metrics x (all samples + 2 branches)
  for metric in ("precision", "recall", "coverage"):
    assert g[(metric, None)]["value"] > 0.6 > n[(metric, None)]["value"], metric
  assert g[("density", None)]["value"] > 0.5 > n[("density", None)]["value"]
  # Swapping the branches leaves the pooled samples as good, but each branch misses its class.
  assert s[("precision", None)]["value"] > 0.6 and s[("precision", 0)]["value"] < 0.2
  assert g[("class_kl", 0)]["value"] < 0.1 < 1.0 < s[("class_kl", 0)]["value"]
  assert g[("class_kl", 0)]["class_histogram"][0] > 0.8 and g[("class_kl", 1)]["class_histogram"][7] > 0.8
  r = g[("precision", 1)]
  assert (r["branch_name"], r["n_fake"], r["k"], r["checkpoint_step"]) == ("branch 1: class 7", 300, 3, 50)
  assert r["n_real"] < 1000 and g[("precision", None)]["n_real"] == 1000  # the class-7 reference rows only
  assert g[("coverage", None)]["k"] == 5 and g[("coverage", None)]["n_fake"] == 600
  for key in ("network", "weights_sha256", "quantized_uint8", "split", "reference", "time"):
    assert key in r, key
  assert provenance.read_jsonl(tmp_path / "good" / provenance.SCORES_FILE) == good
  table = format_table(good)
  assert "PRECISION [branch 1: class 7]" in table and "CLASS_KL" in table
  assert "classes of branch 1: class 7:" in table and "classes of the samples (classifier labels): rarest" in table


def test_a_cache_written_before_labels_were_kept_is_computed_again_only_when_needed(tmp_path, capsys):
  net = make_feature_network("classifier", dataset="fashion_mnist")
  data = DataSpec.make("fashion_mnist", split="test", resolution=32)
  fresh, path = stats_lib.reference_stats(net, data, num_images=200, cache_dir=str(tmp_path), progress=False)
  assert fresh.labels.shape == fresh.predicted.shape == (200,) and fresh.features.shape == (200, 128)
  # What an older tfgan_repro wrote: mu, sigma, n, meta, features; no labels.
  stats_lib.save_stats(path, fresh._replace(labels=None, predicted=None))
  old, _ = stats_lib.reference_stats(net, data, num_images=200, cache_dir=str(tmp_path), progress=False)
  assert old.predicted is None and old.features is not None  # FID/KID/precision runs keep using it
  again, _ = stats_lib.reference_stats(net, data, num_images=200, cache_dir=str(tmp_path), progress=False,
                                       need_labels=True)
  np.testing.assert_array_equal(again.predicted, fresh.predicted)
  np.testing.assert_allclose(again.mu, fresh.mu, rtol=1e-6)
  assert "computing it again" in capsys.readouterr().out
  assert stats_lib.load_stats(path).predicted is not None  # said once: the entry is now complete


def test_training_callback_logs_the_new_metrics_per_branch(tmp_path, fashion_test, stats_dir):
  images, labels = fashion_test
  net = make_feature_network("classifier", dataset="fashion_mnist")
  reference, path = stats_lib.reference_stats(net, DataSpec.make("fashion_mnist", split="test", resolution=32,
                                                                 classes="0,7"),
                                              num_images=1000, cache_dir=stats_dir, progress=False,
                                              need_labels=True)
  callback = FIDCallback(10, 200, net, reference, str(tmp_path / "tb"), str(tmp_path / "scores.jsonl"),
                         metrics=("fid", "recall", "class_kl"), context={"reference": path})
  callback.set_model(BranchGAN(images, labels, (0, 7)))
  result = callback.evaluate(10)
  assert set(result) == {"fid", "recall", "recall_branch0", "recall_branch1", "class_kl", "class_kl_branch0",
                         "class_kl_branch1"}
  records = provenance.read_jsonl(tmp_path / "scores.jsonl")
  assert [(r["metric"], r.get("branch")) for r in records] == [
      ("fid", None), ("recall", None), ("class_kl", None), ("recall", 0), ("class_kl", 0), ("recall", 1),
      ("class_kl", 1)]
  assert all(r["source"] == "training callback" and r["checkpoint_step"] == 10 for r in records)
  tags = set()
  for f in os.listdir(tmp_path / "tb"):
    for event in tf.compat.v1.train.summary_iterator(str(tmp_path / "tb" / f)):
      tags.update(v.tag for v in event.summary.value)
  assert {"metrics/recall_classifier", "metrics/class_kl_branch1_classifier"} <= tags
  with pytest.raises(ValueError, match="class_kl"):
    FIDCallback(10, 200, net, reference._replace(meta=dict(reference.meta, network="keras_inception")),
                str(tmp_path / "tb"), metrics=("class_kl",))
