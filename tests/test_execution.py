"""How steps run (issue 13.2): steps_per_execution keeps every cadence and resumes bit-exactly, callbacks
read losses only when they log, --threads is checked."""
import signal
import time

import ml_collections
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.training import callbacks as cb
from tfgan_repro.training import loop, runtime

from tests.helpers import tiny_config
from tests.test_resume import checkpoint_values


def small_npz(tmp_path):
  path = tmp_path / "small.npz"
  rng = np.random.default_rng(0)
  np.savez(path, x=rng.integers(0, 256, (64, 32, 32, 1), dtype=np.uint8), y=np.arange(64) % 10)
  return str(path)


def test_steps_per_execution_divides_every_cadence():
  c = ml_collections.ConfigDict(dict(steps_per_execution=10, log_every=50, sample_every=500, ckpt_every=500,
                                     eval_every=0, steps=1000))
  assert runtime.steps_per_execution(c, 0) == 10
  assert runtime.steps_per_execution(c, 317) == 1      # a resume from step 317 keeps every cadence
  c.log_every = 25
  assert runtime.steps_per_execution(c, 0) == 5
  c.eval_every = 2
  assert runtime.steps_per_execution(c, 0) == 1
  c.steps_per_execution = 0
  with pytest.raises(ValueError, match="--steps_per_execution must be a positive integer"):
    runtime.steps_per_execution(c, 0)


def test_steps_per_execution_trains_the_same_steps(tmp_path):
  # N steps per execution changes when callbacks run, not what is trained: the same run with N = 1, with N = 3,
  # and with N = 3 interrupted at step 3 and resumed, ends with identical checkpoints at identical steps.
  data_dir = small_npz(tmp_path)
  common = dict(log_every=3, sample_every=3, ckpt_every=3, data_dir=data_dir)
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=6, steps_per_execution=1, **common), str(tmp_path / "a"))
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=6, steps_per_execution=3, **common), str(tmp_path / "b"))
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=3, steps_per_execution=3, **common), str(tmp_path / "c"))
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=6, steps_per_execution=3, **common), str(tmp_path / "c"))
  want = checkpoint_values(str(tmp_path / "a" / "ckpt" / "ckpt-6"))
  for run in ("b", "c"):
    assert sorted(p.name for p in (tmp_path / run / "ckpt").glob("*.index")) == ["ckpt-3.index", "ckpt-6.index"]
    assert sorted(p.name for p in (tmp_path / run / "samples").glob("samples_*")) == [
        "samples_0000003.png", "samples_0000006.png"]
    got = checkpoint_values(str(tmp_path / run / "ckpt" / "ckpt-6"))
    for key in want:
      if not key.startswith("save_counter"):
        np.testing.assert_array_equal(got[key], want[key], err_msg=f"{run}: {key}")


class Unreadable:
  """A log value that fails when read: a callback that reads it outside its logging step fails."""

  def __float__(self):
    raise AssertionError("a log value was read outside a logging step")


class FakeModel:
  def __init__(self, step):
    self.step = tf.Variable(step, dtype=tf.int64)
    self.stop_training = False
    self.metrics = []

  def optimizers_by_name(self):
    return {}


def test_callbacks_read_only_the_nonfinite_flag_between_log_steps(tmp_path):
  writer = tf.summary.create_noop_writer()
  logger = cb.ScalarLogger(writer, every=5, total_steps=20, batch_size=4, tty=False)
  model = FakeModel(10)  # a resumed run: fit's batch 0 is step 11
  logger.set_model(model)
  logger.set_params({"steps": 10})
  logger.on_train_begin()
  model.step.assign(999)  # never read again during the epoch
  for batch in range(4):  # steps 11..14: nothing logged, nothing read
    logger.on_train_batch_end(batch, {"d_loss": Unreadable(), "nonfinite": Unreadable()})
  with pytest.raises(AssertionError, match="outside a logging step"):
    logger.on_train_batch_end(4, {"d_loss": Unreadable()})  # step 15 logs, so it reads
  assert logger.step_at(9) == 20 and logger.step_at(12) == 20  # capped at the epoch's last step


def test_threads_are_checked():
  with pytest.raises(ValueError, match="--threads must be >= 0"):
    runtime.configure_threads(-1)
  runtime.configure_threads(0)  # TensorFlow's default: nothing to set
  current = tf.config.threading.get_intra_op_parallelism_threads()
  with pytest.raises(ValueError, match="must be set before TensorFlow starts"):
    runtime.configure_threads(current + 3)  # this test process has long started TensorFlow


def test_sigterm_with_steps_per_execution_saves_at_an_execution_end(tmp_path):
  from tests.cli import popen_main
  from tests.test_resume import latest
  workdir = tmp_path / "run"
  proc = popen_main("--tiny", "--model=dcgan", "--dataset=fashion_mnist", f"--data_dir={small_npz(tmp_path)}",
                    "--steps=100000", "--steps_per_execution=4", "--log_every=4", "--ckpt_every=100000",
                    "--sample_every=100000", f"--workdir={workdir}")
  deadline, seen = time.time() + 240, []
  while time.time() < deadline:
    seen.append(proc.stdout.readline())
    assert seen[-1] or proc.poll() is None, "training ended early:\n" + "".join(seen)
    if seen[-1].startswith("step 8/"):
      break
  proc.send_signal(signal.SIGTERM)
  output = "".join(seen) + proc.communicate(timeout=120)[0]
  assert proc.returncode == 128 + signal.SIGTERM, output
  assert "4 step(s) per execution" in output
  step = int(latest(workdir).rsplit("-", 1)[1])
  assert step >= 8 and step % 4 == 0
