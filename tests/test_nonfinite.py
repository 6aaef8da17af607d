"""A non-finite loss stops training with a clear message; the last good checkpoint still loads.
Under mixed_float16 a loss-scale overflow is skipped and counted, not fatal (issue 12.3)."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.losses import dcgan as dcgan_losses
from tfgan_repro.training import loop, restore

from tests.helpers import tiny_config


def small_npz(tmp_path):
  """64 random 32x32 grey images: data loading is not what these tests are about."""
  path = tmp_path / "small.npz"
  rng = np.random.default_rng(0)
  np.savez(path, x=rng.integers(0, 256, (64, 32, 32, 1), dtype=np.uint8), y=np.arange(64) % 10)
  return str(path)


def scalars(run, tag):
  """{step: value} of one TensorBoard scalar of a run."""
  out = {}
  for path in (run / "tb").glob("events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(str(path)):
      for v in event.summary.value:
        if v.tag == tag:
          out[event.step] = float(tf.make_ndarray(v.tensor))
  return out


@pytest.mark.parametrize("precision", ["false", "float16"])
def test_injected_nan_stops_run_and_keeps_last_good_checkpoint(tmp_path, monkeypatch, precision):
  calls = tf.Variable(0, dtype=tf.int64, trainable=False)
  original = dcgan_losses.dcgan_generator_loss

  def poisoned(fake_logits):  # finite for three steps, NaN from the fourth on
    calls.assign_add(1)
    loss = original(fake_logits)
    return tf.where(calls > 3, tf.constant(np.nan, tf.float32), loss)

  monkeypatch.setattr(dcgan_losses, "dcgan_generator_loss", poisoned)
  config = tiny_config("dcgan_fashion_mnist_32", steps=10, ckpt_every=2, sample_every=100,
                       mixed_precision=precision, data_dir=small_npz(tmp_path))
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


def test_grad_norms_are_of_unscaled_gradients():
  # The same step with and without a LossScaleOptimizer (float32, so scaling by 2^15 is exact): the norms
  # logged must agree, not differ by the loss scale.
  config = tiny_config("dcgan_fashion_mnist_32")
  batch = {"images": tf.random.stateless_uniform([4, 32, 32, 1], [5, 6], -1.0, 1.0), "labels": tf.zeros([4], tf.int64)}
  logs = []
  for loss_scaling in (False, True):
    keras.utils.set_random_seed(0)
    model = gans.build(config, channels=1, loss_scaling=loss_scaling)
    logs.append({k: float(v) for k, v in model.train_step(batch).items()})
  plain, scaled = logs
  for name in ("d_grad_norm", "g_grad_norm"):
    assert plain[name] > 0 and scaled[name] == pytest.approx(plain[name], rel=1e-4), name
  assert scaled["loss_scale_overflows"] == 0 and scaled["nonfinite"] == 0


def test_float16_overflow_steps_are_skipped_and_counted(tmp_path):
  # Tiny DCGAN gradients (~15) times the initial loss scale 2^15 exceed float16's 65504: the first steps
  # overflow, as they do on a GPU. They are skipped and counted; the run trains on.
  config = tiny_config("dcgan_fashion_mnist_32", steps=8, log_every=1, ckpt_every=100, sample_every=100,
                       mixed_precision="float16", data_dir=small_npz(tmp_path))
  result = loop.train(config, str(tmp_path / "run"))
  assert result.step == 8
  overflows = scalars(tmp_path / "run", "train/loss_scale_overflows")
  assert sorted(overflows) == list(range(1, 9)) and sum(overflows.values()) >= 1
  assert overflows[8] == 0  # the scale has come down: the last step applied its update
  norms = scalars(tmp_path / "run", "train/g_grad_norm")
  updated = [norms[s] for s in norms if overflows[s] == 0]
  assert updated and all(0 < v < 1e3 for v in updated)  # unscaled (~10), not x 2^15
  model, _, _ = restore.load_model(tmp_path / "run")
  assert all(np.all(np.isfinite(v.numpy())) for v in model.weights)


def test_overflows_in_a_row_stop_the_run(tmp_path, monkeypatch):
  # A finite but huge loss overflows float16 at every loss scale: after max_overflow_streak steps the run stops.
  original = dcgan_losses.dcgan_generator_loss
  monkeypatch.setattr(dcgan_losses, "dcgan_generator_loss", lambda logits: original(logits) * 1e30)
  config = tiny_config("dcgan_fashion_mnist_32", steps=60, log_every=100, ckpt_every=10, sample_every=100,
                       mixed_precision="float16", data_dir=small_npz(tmp_path))
  with pytest.raises(loop.NonFiniteError, match="30 loss-scale overflows in a row up to step 30"):
    loop.train(config, str(tmp_path / "run"))
  assert tf.train.latest_checkpoint(str(tmp_path / "run" / "ckpt")).endswith("ckpt-20")
