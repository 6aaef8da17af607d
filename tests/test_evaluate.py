"""Evaluation end to end: a checkpoint (through a stand-in for the lead's restore API), folders, .npz
files, the statistics cache, provenance records, the training callback and the CLI's error path."""
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import types

from tfgan_repro import evaluation as checkpoint_eval
from tfgan_repro.data import DataSpec
from tfgan_repro.metrics import compute_features, evaluation, folders, make_feature_network, provenance
from tfgan_repro.metrics import stats as stats_lib
from tfgan_repro.metrics.callback import FIDCallback

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
def run_of(**data_fields):
  """What metrics/ reads of a run (an Experiment's `data` and `seed`), without the trainer."""
  return types.SimpleNamespace(data=DataSpec.make("fashion_mnist", resolution=32, **data_fields), seed=0)


class FakeGAN:
  """Stands in for GANModel: `generate_images(n, seed)` -> float32 (n, 32, 32, 1) in [-1, 1]."""

  def __init__(self, kind: str):
    self.kind = kind
    self.step = tf.Variable(0, dtype=tf.int64)

  def generate_images(self, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if self.kind == "noise":
      return rng.uniform(-1, 1, (n, 32, 32, 1)).astype(np.float32)
    from tfgan_repro.data.pipeline import frame
    from tfgan_repro.data.sources import load_idx_dir
    train = load_idx_dir(FASHION_DIR, "train").images  # a "perfect" generator: real training images
    return frame(train[rng.choice(len(train), n, replace=False)], 32, None).numpy()


@pytest.fixture(scope="module")
def stats_dir(tmp_path_factory):
  """One statistics cache for the module: the test-split reference is computed once and reused."""
  return str(tmp_path_factory.mktemp("stats"))


def _loader(kind):
  return lambda workdir, step=None: (FakeGAN(kind), run_of(), 1234 if step is None else step)


def test_evaluate_checkpoint_with_fake_model(tmp_path, fashion_dir, stats_dir):
  # The reference is the test split (framing 10k images is quicker than 60k); fakes are training images.
  kwargs = dict(network="classifier", metrics="fid,is,kid", num_fake=500, num_real=1000, split="test",
                stats_dir=stats_dir, progress=False, kid_subsets=10)
  for name in ("good", "bad"):
    os.makedirs(tmp_path / name)
  good = checkpoint_eval.evaluate_checkpoint(str(tmp_path / "good"), load_model=_loader("real"), **kwargs)
  bad = checkpoint_eval.evaluate_checkpoint(str(tmp_path / "bad"), load_model=_loader("noise"), step=7, **kwargs)
  fid_good, fid_bad = good[0]["value"], bad[0]["value"]
  assert [r["metric"] for r in good] == ["fid", "is", "kid"]
  assert fid_good < 0.05 * fid_bad and fid_bad > 100, (fid_good, fid_bad)
  assert good[1]["value"] > 5.0 > bad[1]["value"]  # classifier IS over 10 classes
  assert good[2]["value"] < bad[2]["value"]
  r = good[0]
  for key in ("network", "weights_sha256", "resize", "quantized_uint8", "n_real", "n_fake", "split",
              "checkpoint_step", "paper_comparable", "reference"):
    assert key in r, key
  assert (r["n_real"], r["n_fake"], r["split"], r["checkpoint_step"]) == (1000, 500, "test", 1234)
  assert r["paper_comparable"] is False and "not comparable" in r["note"]
  assert bad[0]["checkpoint_step"] == 7
  assert provenance.read_jsonl(tmp_path / "good" / provenance.SCORES_FILE) == good
  # One cache file, named by everything that changes the numbers, readable as a TTUR/pytorch-fid file.
  net = make_feature_network("classifier", dataset="fashion_mnist")
  cached = f"fashion_mnist-test-32px-1ch-classifier-{net.weight_hash}-n1000-uint8.npz"
  assert os.listdir(stats_dir) == [cached] and r["reference"] == os.path.join(stats_dir, cached)
  with np.load(os.path.join(stats_dir, cached)) as f:
    assert f["mu"].shape == (128,) and f["sigma"].shape == (128, 128)


def test_npz_mode_and_guards(tmp_path):
  rng = np.random.default_rng(0)
  meta = {"network": "classifier", "weights_sha256": "abc", "paper_comparable": False}
  a = stats_lib.from_features(rng.normal(size=(300, 4)), meta)
  b = stats_lib.from_features(rng.normal(size=(300, 4)) + 1, meta)
  stats_lib.save_stats(str(tmp_path / "a.npz"), a)
  stats_lib.save_stats(str(tmp_path / "b.npz"), b)
  (record,) = evaluation.evaluate_npz(str(tmp_path / "a.npz"), str(tmp_path / "b.npz"),
                                      scores_path=str(tmp_path / "s.jsonl"))
  assert record["value"] == pytest.approx(evaluation.frechet_distance(a.mu, a.sigma, b.mu, b.sigma))
  assert record["n_real"] == 300 and record["network"] == "classifier"
  stats_lib.save_stats(str(tmp_path / "c.npz"), stats_lib.from_features(rng.normal(size=(300, 4)),
                                                                         dict(meta, weights_sha256="xyz")))
  with pytest.raises(ValueError, match="meaningless"):
    evaluation.evaluate_npz(str(tmp_path / "a.npz"), str(tmp_path / "c.npz"))
  np.savez(tmp_path / "ttur.npz", mu=a.mu, sigma=a.sigma)  # TTUR / pytorch-fid stats files
  np.savez(tmp_path / "ttur2.npz", mu=b.mu, sigma=b.sigma)
  (record,) = evaluation.evaluate_npz(str(tmp_path / "ttur.npz"), str(tmp_path / "ttur2.npz"))
  assert record["value"] == pytest.approx(evaluation.frechet_distance(a.mu, a.sigma, b.mu, b.sigma))
  assert record["paper_comparable"] is None and record["n_real"] is None
  with pytest.raises(ValueError, match="taken to be a TTUR"):
    evaluation.evaluate_npz(str(tmp_path / "ttur.npz"), str(tmp_path / "a.npz"))
  with pytest.raises(ValueError, match="--network=ttur_graph"):
    stats_lib.check_compatible(stats_lib.load_stats(str(tmp_path / "ttur.npz")),
                               make_feature_network("classifier", dataset="fashion_mnist"))


def test_folders_mode(tmp_path):
  from PIL import Image
  rng = np.random.default_rng(0)
  for name, offset in (("a", 0), ("b", 0), ("c", 120)):
    os.makedirs(tmp_path / name)
    for i in range(40):
      pixels = np.clip(rng.normal(100 + offset, 30, (28, 28)), 0, 255).astype(np.uint8)
      Image.fromarray(pixels).save(tmp_path / name / f"{i:03d}.png")
  run = lambda x, y: folders.evaluate_folders(str(tmp_path / x), str(tmp_path / y), dataset="fashion_mnist",
                                              progress=False, scores_path=str(tmp_path / "s.jsonl"))
  same, shifted = run("a", "b"), run("a", "c")
  assert [r["metric"] for r in same] == ["fid", "kid"]
  assert same[0]["value"] < shifted[0]["value"] and same[0]["n_fake"] == 40
  assert len(provenance.read_jsonl(tmp_path / "s.jsonl")) == 4
  Image.fromarray(np.zeros((10, 10), np.uint8)).save(tmp_path / "a" / "zzz.png")
  with pytest.raises(ValueError, match="resize the folder"):
    run("a", "b")


def _png_folder(path, images):
  from PIL import Image
  os.makedirs(path)
  for i, im in enumerate(images):
    Image.fromarray(im[..., 0]).save(os.path.join(path, f"{i:04d}.png"))
  return str(path)


def test_folders_of_32px_pngs_through_the_classifier(tmp_path, fashion_dir):
  """Folders as a 32-px run's samples look: 32x32 PNGs, which the classifier resizes to its 28x28 input."""
  import tfgan_repro.metrics
  from tfgan_repro.data.pipeline import frame
  from tfgan_repro.data.sources import load_idx_dir
  from tfgan_repro.training.images import to_uint8
  test = to_uint8(frame(load_idx_dir(FASHION_DIR, "test").images[:400], 32, None).numpy())
  noise = np.random.default_rng(0).integers(0, 256, (200, 32, 32, 1), dtype=np.uint8)
  real_a, real_b = _png_folder(tmp_path / "a", test[:200]), _png_folder(tmp_path / "b", test[200:])
  fake = _png_folder(tmp_path / "noise", noise)
  run = lambda b: tfgan_repro.metrics.evaluate_folders(real_a, b, network="classifier", dataset="fashion_mnist",
                                                       metrics="fid,kid", progress=False, kid_subsets=10)
  same, apart = run(real_b), run(fake)
  assert same[0]["value"] < 0.1 * apart[0]["value"] and same[1]["value"] < apart[1]["value"]
  assert same[0]["resize"].startswith("bilinear+antialias to 28x28") and same[0]["n_real"] == 200
  assert same[1]["kid_subset_size"] == 100  # 200 images a side: shrunk from 1000, never all of them
  table = tfgan_repro.metrics.format_table(same).splitlines()
  assert table[0].endswith(f"b vs {real_a}") and table[1].split() == [
      "metric", "value", "n", "real", "/", "n", "fake", "network", "paper-comparable"]
  assert table[2].split()[0] == "FID" and table[2].split()[2:] == ["200", "/", "200", "classifier", "no"]
  assert table[3].split()[:3] == ["KID", f"{same[1]['value']:.4g}", "±"]


def test_missing_feature_network_names_the_usable_ones(tmp_path):
  os.makedirs(tmp_path / "a")
  with pytest.raises(FileNotFoundError, match="TTUR Inception graph not found") as e:
    folders.evaluate_folders(str(tmp_path / "a"), str(tmp_path / "a"), network="ttur_graph")
  for hint in ("--network=classifier", "--train_classifier", "--network=keras_inception", "--inception_weights",
               "--inception_graph", "inception-2015-12-05.tgz"):
    assert hint in str(e.value), hint
  with pytest.raises(ValueError, match="needs --dataset.*Feature networks: --network=classifier"):
    folders.evaluate_folders(str(tmp_path / "a"), str(tmp_path / "a"), network="classifier")


def test_cli_prints_a_table_and_keeps_the_json_in_the_scores_file(tmp_path, fashion_dir, stats_dir):
  shipped = os.path.join(checkpoint_eval.shipped_root(), "began_skip_fashion_mnist_32")
  scores = tmp_path / "s.jsonl"
  args = [sys.executable, "-m", "tfgan_repro.evaluate", f"--workdir={shipped}", "--metrics=fid,is,kid",
          "--num_fake=200", "--num_real=1000", "--split=test", f"--stats_dir={stats_dir}", f"--scores={scores}",
          "--kid_subsets=10"]
  env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
  proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
  assert proc.returncode == 0, proc.stderr[-3000:]
  lines = proc.stdout.splitlines()
  assert "{" not in proc.stdout and max(map(len, lines)) < 120, proc.stdout
  assert lines[0].startswith("began_skip_fashion_mnist_32 @ step ") and lines[0].endswith("vs fashion_mnist/test")
  assert lines[1].split()[0] == "metric" and [l.split()[0] for l in lines[2:5]] == ["FID", "IS", "KID"]
  records = provenance.read_jsonl(scores)
  assert [r["metric"] for r in records] == ["fid", "is", "kid"]
  assert lines[2].split()[1] == f"{records[0]['value']:.4g}"
  assert lines[3].split()[1:4] == [f"{records[1]['value']:.4g}", "±", f"{records[1]['std']:.2g}"]
  assert lines[4].split()[4:8] == ["1000", "/", "200", "classifier"] and lines[4].split()[-1] == "no"
  assert any(l.startswith("paper-comparable no:") for l in lines)
  assert f"3 score(s) appended to {scores}" in proc.stderr
  as_json = subprocess.run(args + ["--json", "--metrics=fid"], capture_output=True, text=True, timeout=300,
                           env=env)
  (record,) = [json.loads(l) for l in as_json.stdout.splitlines()]
  assert record["metric"] == "fid" and record["value"] == pytest.approx(records[0]["value"])


class TinyGAN(keras.Model):
  """The engine's contract, minimally: a `step` variable advanced by train_step and generate_images."""

  def __init__(self):
    super().__init__()
    self.step = tf.Variable(0, dtype=tf.int64, trainable=False)

  def train_step(self, data):
    self.step.assign_add(1)
    return {"step": self.step}

  def generate_images(self, n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 32, 32, 1)).astype(np.float32)


def test_callback_logs_fid_curve_to_tensorboard(tmp_path):
  net = make_feature_network("classifier", dataset="fashion_mnist")
  rng = np.random.default_rng(0)
  real = rng.integers(0, 256, (300, 28, 28, 1), dtype=np.uint8)
  reference = stats_lib.from_features(compute_features(net, real, progress=False)[0], net.describe())
  callback = FIDCallback(2, 64, net, reference, str(tmp_path / "tb"), str(tmp_path / "scores.jsonl"),
                         metrics=("fid", "is"))
  model = TinyGAN()
  model.compile()
  model.fit(tf.data.Dataset.from_tensors(np.zeros((1, 1), np.float32)).repeat(5), epochs=1, verbose=0,
            callbacks=[callback])
  assert [step for step, _ in callback.history] == [2, 4]
  tags = {}
  for event_file in tf.io.gfile.glob(str(tmp_path / "tb" / "events.*")):
    for raw in tf.data.TFRecordDataset(event_file):
      event = tf.compat.v1.Event.FromString(raw.numpy())
      for v in event.summary.value:
        tags.setdefault(v.tag, []).append((event.step, float(tf.make_ndarray(v.tensor))))
  assert [s for s, _ in tags["metrics/fid_classifier"]] == [2, 4]
  assert "metrics/is_classifier" in tags
  records = provenance.read_jsonl(tmp_path / "scores.jsonl")
  assert [(r["metric"], r["checkpoint_step"], r["n_fake"]) for r in records] == [
      ("fid", 2, 64), ("is", 2, 64), ("fid", 4, 64), ("is", 4, 64)]


def test_runs_on_a_class_subset_are_scored_against_that_subset(tmp_path, fashion_dir):
  # A generator of real T-shirts and sneakers (classes 0, 7), like IGAN_v2 trained with --classes=0,7.
  from tfgan_repro.data.sources import load_idx_dir
  from tfgan_repro.data.pipeline import frame
  test = load_idx_dir(fashion_dir, "test")
  kept = test.images[np.isin(test.labels, [0, 7])][:400]
  net = make_feature_network("classifier", dataset="fashion_mnist")
  fakes = compute_features(net, [frame(kept, 32, None).numpy()], progress=False)[0]
  kwargs = dict(split="train", resolution=32, num_images=1000, cache_dir=str(tmp_path), progress=False)
  subset, subset_path = stats_lib.reference_stats(net, "fashion_mnist", classes="0,7", **kwargs)
  everything, _ = stats_lib.reference_stats(net, "fashion_mnist", **kwargs)
  assert subset.meta["classes"] == [0, 7] and everything.meta["classes"] == []
  assert "-train-c0_7-32px-" in os.path.basename(subset_path) and len(os.listdir(tmp_path)) == 2
  # A --data_dir (say an .npz subset) never shares a cache entry with the default copy of the data set.
  names = {stats_lib.cache_name("fashion_mnist", "train", 32, 1, net, 0, True, None, d)
           for d in ("", "/tmp/a.npz", "/tmp/b.npz")}
  assert len(names) == 3
  fid = lambda ref: evaluation.frechet_distance(*evaluation.feature_statistics(fakes), ref.mu, ref.sigma)
  assert fid(subset) < 0.2 * fid(everything), (fid(subset), fid(everything))
  # The training callback and evaluate_checkpoint read the subset from the run's config.
  from tfgan_repro.metrics.callback import make_fid_callback
  callback = make_fid_callback(run_of(classes="0,7"), network=net, every_steps=10, num_samples=8,
                               log_dir=str(tmp_path / "tb"), num_real=1000, stats_dir=str(tmp_path))
  assert callback.context["reference"] == subset_path


def test_make_fid_callback_from_run_config(fashion_dir, stats_dir):
  from tfgan_repro.metrics.callback import make_fid_callback
  net = make_feature_network("classifier", dataset="fashion_mnist")
  callback = make_fid_callback(run_of(split="test"), network=net, every_steps=100, num_samples=64,
                               log_dir=stats_dir + "/tb", num_real=1000, stats_dir=stats_dir)
  assert callback.reference.n == 1000 and callback.context["split"] == "test"
  assert len(os.listdir(stats_dir)) == 1  # the cached reference of the checkpoint test, reused


def test_cli_missing_weights_is_one_line_exit_2(tmp_path):
  env = dict(os.environ, KERAS_HOME=str(tmp_path))
  proc = subprocess.run([sys.executable, "-m", "tfgan_repro.evaluate", "--network=keras_inception",
                         f"--folders={tmp_path},{tmp_path}"], capture_output=True, text=True, env=env,
                        timeout=120)
  assert proc.returncode == 2
  assert "Traceback" not in proc.stderr
  last = proc.stderr.strip().splitlines()[-1]
  assert last.startswith("evaluate: error: Keras InceptionV3 weights not found") and "--inception_weights" in last


def test_end_to_end_with_real_restore(tmp_path, fashion_dir, stats_dir):
  """A tiny real run (2 DCGAN steps), restored by the trainer's API and scored through the CLI's function."""
  restore = pytest.importorskip("tfgan_repro.training.restore")
  from tests.helpers import tiny_config
  from tfgan_repro.training import loop
  workdir = str(tmp_path / "run")
  loop.train(tiny_config("dcgan_fashion_mnist_32"), workdir)
  records = checkpoint_eval.evaluate_checkpoint(workdir, network="classifier", metrics="fid,is", num_fake=100,
                                                num_real=1000, split="test", stats_dir=stats_dir, progress=False,
                                                load_model=restore.load)
  assert [r["metric"] for r in records] == ["fid", "is"]
  assert np.isfinite(records[0]["value"]) and records[0]["checkpoint_step"] == 2
  assert provenance.read_jsonl(os.path.join(workdir, provenance.SCORES_FILE)) == records


def test_scores_of_a_shipped_or_read_only_run_never_go_into_it(tmp_path, monkeypatch, fashion_dir, stats_dir):
  monkeypatch.setenv("TFGAN_REPRO_SCORES_DIR", str(tmp_path / "scores"))
  shipped = os.path.join(checkpoint_eval.shipped_root(), "began_skip_fashion_mnist_32")
  tracked = os.path.join(shipped, provenance.SCORES_FILE)
  before = open(tracked, "rb").read()
  records = checkpoint_eval.evaluate_checkpoint(shipped, load_model=_loader("noise"), network="classifier",
                                                metrics="fid", num_fake=100, num_real=1000, split="test",
                                                stats_dir=stats_dir, progress=False)
  assert open(tracked, "rb").read() == before
  destination = checkpoint_eval.scores_destination(shipped)
  assert destination.startswith(str(tmp_path / "scores" / "began_skip_fashion_mnist_32-"))
  assert provenance.read_jsonl(destination) == records
  # A run of one's own keeps RUN/scores.jsonl, unless it cannot be written; --scores wins over both.
  own = os.path.realpath(tmp_path)
  assert checkpoint_eval.scores_destination(own) == os.path.join(own, provenance.SCORES_FILE)
  assert checkpoint_eval.scores_destination(shipped, "mine.jsonl") == "mine.jsonl"
  monkeypatch.setattr(checkpoint_eval.os, "access", lambda path, mode: False)
  assert checkpoint_eval.scores_destination(own).startswith(str(tmp_path / "scores" / f"{os.path.basename(own)}-"))


def test_cli_trains_the_classifier_into_the_named_directory(tmp_path):
  # `evaluate` imports train_classifier, whose flags used to clash with its own (absl DuplicateFlagError).
  from tfgan_repro.metrics.train_classifier import train_classifier
  rng = np.random.default_rng(0)
  x, y = rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), np.arange(200) % 10  # a tiny 10-class stand-in
  np.savez(tmp_path / "tiny.npz", x_train=x[:160], y_train=y[:160], x_test=x[160:], y_test=y[160:])
  out = tmp_path / "clf"
  proc = subprocess.run([sys.executable, "-m", "tfgan_repro.evaluate", "--train_classifier=fashion_mnist", "--json",
                         f"--data_dir={tmp_path / 'tiny.npz'}", f"--classifier={out / 'classifier.keras'}",
                         "--classifier_epochs=1"], capture_output=True, text=True, timeout=300,
                        env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
  assert proc.returncode == 0, proc.stderr[-3000:]
  (info,) = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
  assert (info["dataset"], info["num_train"], info["num_test"], info["epochs"]) == ("fashion_mnist", 160, 40, 1)
  net = make_feature_network("classifier", dataset="fashion_mnist", classifier=str(out / "classifier.keras"))
  assert net.weight_hash == info["sha256"][:len(net.weight_hash)]
  # An existing classifier (the shipped one, by default) is never replaced.
  with pytest.raises(ValueError, match="exists"):
    train_classifier("fashion_mnist", str(out), data_dir=str(tmp_path / "tiny.npz"))
  with pytest.raises(ValueError, match="exists"):
    train_classifier("fashion_mnist")


def test_folder_evaluation_imports_without_the_trainer():
  code = ("import sys, tfgan_repro.metrics as m; assert m.evaluate_folders is m.evaluate_folder; "
          "print(sorted(k for k in sys.modules if k.startswith(('tfgan_repro.training', 'tfgan_repro.gans'))))")
  proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                        env=dict(os.environ, CUDA_VISIBLE_DEVICES=""))
  assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr[-2000:]
