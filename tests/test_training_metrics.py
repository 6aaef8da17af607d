"""The in-training score curve: `--eval_every` logs a Fréchet distance to TensorBoard and scores.jsonl."""
import json

import tensorflow as tf

from tfgan_repro.training import loop

from tests.helpers import tiny_config


def test_eval_every_logs_fid_curve(tmp_path, fashion_dir):
  config = tiny_config("dcgan_fashion_mnist_32", steps=2, eval_every=1, eval_samples=16)
  loop.train(config, str(tmp_path / "run"))
  records = [json.loads(l) for l in (tmp_path / "run" / "scores.jsonl").read_text().splitlines()]
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
