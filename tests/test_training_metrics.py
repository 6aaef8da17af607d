"""The in-training score curve: `--eval_every` logs a Fréchet distance to TensorBoard and scores.jsonl."""
import json

import pytest
import tensorflow as tf

from tfgan_repro.training import loop

from tests.helpers import tiny_config


def test_eval_every_logs_fid_curve(tmp_path, fashion_dir, capsys):
  config = tiny_config("dcgan_fashion_mnist_32", steps=2, eval_every=1, eval_samples=16)
  loop.train(config, str(tmp_path / "run"))
  records = [json.loads(l) for l in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
  out = capsys.readouterr().out  # the run's log says each score too
  assert f"step 2: FCD {records[1]['value']:.3g} (classifier, 16 samples; not Inception numbers)" in out
  assert [r["checkpoint_step"] for r in records] == [1, 2]
  assert all(r["metric"] == "fid" and r["value"] > 0 and r["n_fake"] == 16 for r in records)
  values = {}
  for path in (tmp_path / "run" / "tb").glob("events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(str(path)):
      for v in event.summary.value:
        if v.tag == "metrics/fid_classifier":
          values[event.step] = float(tf.make_ndarray(v.tensor))
  assert sorted(values) == [1, 2]
  assert abs(values[2] - records[1]["value"]) < 1e-3 * max(1.0, records[1]["value"])


def test_the_scores_and_the_diversity_guard_share_one_classifier(tmp_path, fashion_dir, monkeypatch):
  # --eval_every with the classifier and the diversity guard (which measures in the same features) load the
  # classifier once per run, not once each.
  from tfgan_repro.metrics import features
  loads = []
  real = features.make_feature_network

  def counted(name, **kwargs):
    loads.append(name)
    return real(name, **kwargs)

  monkeypatch.setattr(features, "make_feature_network", counted)
  config = tiny_config("dcgan_fashion_mnist_32", steps=2, eval_every=2, eval_samples=8, sample_every=1)
  loop.train(config, str(tmp_path / "run"))
  assert loads == ["classifier"]
  scalars = set()
  for path in (tmp_path / "run" / "tb").glob("events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(str(path)):
      scalars.update(v.tag for v in event.summary.value)
  assert "guards/diversity_ratio_classifier" in scalars  # the guard measured, in the classifier's features


def test_eval_weights_names_the_feature_network_file(tmp_path, fashion_dir):
  # The curve network's weights come from --eval_weights: here a copy of the shipped classifier; a missing
  # file stops the run before training with the error that says how to get it.
  import shutil
  from tfgan_repro.metrics.features import classifier
  copy = tmp_path / "mine" / "classifier.keras"
  copy.parent.mkdir()
  shutil.copyfile(classifier.default_path("fashion_mnist"), copy)
  config = tiny_config("dcgan_fashion_mnist_32", steps=1, eval_every=1, eval_samples=8, eval_weights=str(copy))
  loop.train(config, str(tmp_path / "run"))
  record = json.loads((tmp_path / "run" / "scores.jsonl").read_text().splitlines()[0])
  assert record["network"] == "classifier" and record["value"] > 0
  copy.write_bytes(b"not a zip")  # the same path, now unreadable: the run must read --eval_weights, not the default
  with pytest.raises(ValueError, match="mine/classifier.keras"):
    loop.train(config, str(tmp_path / "run1"))
  config = tiny_config("dcgan_fashion_mnist_32", steps=1, eval_every=1, eval_samples=8, eval_network="ttur_graph",
                       eval_weights=str(tmp_path / "nope.pb"))
  with pytest.raises(FileNotFoundError, match="nope.pb"):
    loop.train(config, str(tmp_path / "run2"))
