"""A non-finite loss stops training with a clear message; the last good checkpoint still loads."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.losses import standard
from tfgan_repro.training import loop, restore

from tests.helpers import tiny_config


def test_injected_nan_stops_run_and_keeps_last_good_checkpoint(tmp_path, monkeypatch, fashion_dir):
  calls = tf.Variable(0, dtype=tf.int64, trainable=False)
  original = standard.non_saturating_generator_loss

  def poisoned(fake_logits):  # finite for three steps, NaN from the fourth on
    calls.assign_add(1)
    loss = original(fake_logits)
    return tf.where(calls > 3, tf.constant(np.nan, tf.float32), loss)

  monkeypatch.setattr(standard, "non_saturating_generator_loss", poisoned)
  config = tiny_config("dcgan_fashion_mnist_32", steps=10, ckpt_every=2, sample_every=100)
  with pytest.raises(loop.NonFiniteError) as info:
    loop.train(config, str(tmp_path / "run"))
  message = str(info.value)
  assert "Non-finite value at step 4" in message and "last good checkpoint is step 2" in message
  assert tf.train.latest_checkpoint(str(tmp_path / "run" / "ckpt")).endswith("ckpt-2")
  monkeypatch.undo()
  model, _, step = restore.load_model(tmp_path / "run")
  assert step == 2
  assert all(np.all(np.isfinite(v.numpy())) for v in model.weights)
  assert np.all(np.isfinite(model.generate_images(4)))
