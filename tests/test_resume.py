"""Crash safety: SIGKILL then rerun resumes exactly; SIGTERM saves; deterministic resume = uninterrupted."""
import os
import signal
import time

import numpy as np
import pytest
import tensorflow as tf

from tests.cli import popen_main, run_main

TINY = ["--tiny", "--model=dcgan", "--dataset=fashion_mnist", "--log_every=1"]


def checkpoint_values(path):
  """{variable key: value} of every tensor stored in a checkpoint file prefix."""
  reader = tf.train.load_checkpoint(path)
  return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map()
          if not k.startswith("_CHECKPOINTABLE_OBJECT_GRAPH")}


def latest(workdir):
  return tf.train.latest_checkpoint(str(workdir / "ckpt"))


def wait_for_checkpoint(workdir, proc, min_step, timeout=240):
  start = time.time()
  while time.time() - start < timeout:
    path = latest(workdir)
    if path and int(path.rsplit("-", 1)[1]) >= min_step:
      return path
    if proc.poll() is not None:
      raise AssertionError("training ended before the checkpoint appeared:\n" + proc.stdout.read())
    time.sleep(0.2)
  raise AssertionError("no checkpoint in time")


def test_sigkill_then_rerun_resumes_from_last_checkpoint(tmp_path):
  workdir = tmp_path / "run"
  args = TINY + ["--steps=400", "--ckpt_every=3", "--sample_every=1000", f"--workdir={workdir}"]
  proc = popen_main(*args)
  wait_for_checkpoint(workdir, proc, 6)
  proc.send_signal(signal.SIGKILL)
  proc.wait(timeout=30)
  path = latest(workdir)
  step = int(path.rsplit("-", 1)[1])
  saved = checkpoint_values(path)

  # The restored state equals the checkpoint: weights, optimizer slots and iterations, step, RNG seed.
  from tfgan_repro.training import restore
  model, _, restored_step = restore.load_model(workdir)
  assert restored_step == step
  assert int(model.g_optimizer.iterations.numpy()) == step == int(model.d_optimizer.iterations.numpy())
  assert int(model.seed.numpy()) == 0
  state = tf.train.Checkpoint(**model.checkpoint_items())
  for key, value in saved.items():
    if key.endswith("/.ATTRIBUTES/VARIABLE_VALUE") and not key.startswith("save_counter"):
      assert key.split("/")[0] in {"generator", "discriminator", "g_optimizer", "d_optimizer", "step", "seed"}
  assert len([k for k in saved if "g_optimizer" in k]) > 2  # Adam slots are saved, not just iterations

  out = run_main(*TINY, f"--steps={step + 3}", "--ckpt_every=3", "--sample_every=1000", f"--workdir={workdir}")
  assert out.returncode == 0, out.stderr
  assert f"from step {step} to {step + 3}" in out.stdout
  model2, _, final = restore.load_model(workdir)
  assert final == step + 3 and int(model2.g_optimizer.iterations.numpy()) == step + 3


def test_sigterm_saves_the_current_step(tmp_path):
  workdir = tmp_path / "run"
  proc = popen_main(*TINY, "--steps=100000", "--ckpt_every=100000", "--sample_every=100000",
                    f"--workdir={workdir}")
  # Wait for real progress (a progress line), then ask it to stop.
  deadline = time.time() + 240
  while time.time() < deadline:
    line = proc.stdout.readline()
    if line.startswith("step 5/"):
      break
  proc.send_signal(signal.SIGTERM)
  output = proc.communicate(timeout=120)[0]
  assert proc.returncode == 128 + signal.SIGTERM, output
  assert "Run the same command again to resume" in output
  step = int(latest(workdir).rsplit("-", 1)[1])
  assert step >= 5  # saved where it stopped, although the periodic interval is 100000


def test_deterministic_resume_equals_uninterrupted_run(tmp_path):
  common = TINY + ["--deterministic", "--ckpt_every=2", "--sample_every=1000"]
  whole, parts = tmp_path / "whole", tmp_path / "parts"
  assert run_main(*common, "--steps=6", f"--workdir={whole}").returncode == 0
  first = run_main(*common, "--steps=3", f"--workdir={parts}")
  assert first.returncode == 0, first.stderr
  second = run_main(*common, "--steps=6", f"--workdir={parts}")
  assert second.returncode == 0 and "from step 3 to 6" in second.stdout, second.stdout + second.stderr
  a, b = checkpoint_values(latest(whole)), checkpoint_values(latest(parts))
  assert a.keys() == b.keys()
  for key in a:
    if key.startswith("save_counter"):
      continue
    np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_dropout_seed_generator_states_are_checkpointed_and_restored(tmp_path):
  """Keras keeps seed-generator states out of `model.weights`; the checkpoint must still hold them."""
  from tfgan_repro import gans
  from tests.helpers import tiny_config
  model = gans.build(tiny_config("igan_fashion_mnist_96"), 3)
  states = model.seed_generator_states()
  assert states, "IGAN's G has dropout layers"
  for v in states.values():
    v.assign(v.numpy() + 7)
  path = tf.train.Checkpoint(**model.checkpoint_items()).save(str(tmp_path / "ckpt"))
  fresh = gans.build(tiny_config("igan_fashion_mnist_96"), 3)
  tf.train.Checkpoint(**fresh.checkpoint_items()).restore(path).assert_existing_objects_matched()
  for (name, v), w in zip(states.items(), fresh.seed_generator_states().values()):
    np.testing.assert_array_equal(v.numpy(), w.numpy(), err_msg=name)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="slow (three IGAN processes); set RUN_SLOW=1")
def test_deterministic_resume_of_a_generator_with_training_dropout_equals_uninterrupted_run(tmp_path):
  """IGAN_v2's G has training-mode dropout, whose masks come from Keras seed generators: their states are
  checkpointed, so the resumed run draws the masks the uninterrupted one drew."""
  common = ["--tiny", "--model=igan_v2", "--dataset=fashion_mnist", "--classes=0,7", "--log_every=1",
            "--deterministic", "--ckpt_every=1", "--sample_every=1000"]
  whole, parts = tmp_path / "whole", tmp_path / "parts"
  assert run_main(*common, "--steps=2", f"--workdir={whole}").returncode == 0
  assert run_main(*common, "--steps=1", f"--workdir={parts}").returncode == 0
  second = run_main(*common, "--steps=2", f"--workdir={parts}")
  assert second.returncode == 0 and "from step 1 to 2" in second.stdout, second.stdout + second.stderr
  a, b = checkpoint_values(latest(whole)), checkpoint_values(latest(parts))
  assert a.keys() == b.keys()
  for key in a:
    if not key.startswith("save_counter"):
      np.testing.assert_array_equal(a[key], b[key], err_msg=key)
  assert any("seed_generators" in k for k in a), sorted(a)


def _truncate_data_files(prefix):
  """Cuts every data file of a checkpoint to half its size, as a full disk or an interrupted copy would."""
  import glob
  for f in glob.glob(str(prefix) + ".data-*"):
    size = os.path.getsize(f)
    with open(f, "r+b") as handle:
      handle.truncate(size // 2)


def _file_bytes(directory, prefix):
  return {os.path.basename(f): open(f, "rb").read() for f in sorted(directory.glob(prefix + ".*"))}


def test_a_truncated_newest_checkpoint_falls_back_to_the_newest_readable_one(tmp_path, fashion_dir, capsys):
  from tests.helpers import tiny_config
  from tfgan_repro.training import loop
  from tfgan_repro.training.checkpointing import unreadable_reason
  common = dict(ckpt_every=2, keep_checkpoints=3, sample_every=1000, log_every=1000)
  workdir, ckpt = tmp_path / "run", tmp_path / "run" / "ckpt"
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=6, **common), str(workdir))
  assert latest(workdir).endswith("ckpt-6")
  _truncate_data_files(ckpt / "ckpt-6")
  assert "Read less bytes than requested" in unreadable_reason(str(ckpt / "ckpt-6"))
  bad = _file_bytes(ckpt, "ckpt-6")
  capsys.readouterr()

  result = loop.train(tiny_config("dcgan_fashion_mnist_32", steps=10, **common), str(workdir))
  out = capsys.readouterr()
  assert result.step == 10 and "from step 4 to 10" in out.out, out.out
  (warning,) = [line for line in out.err.splitlines() if line.startswith("warning:")]
  assert str(ckpt / "ckpt-6") in warning and "resuming from ckpt-4" in warning
  # The unreadable files are kept byte for byte, out of the way of the new ckpt-6 and of the clean-up
  # that kept only the last 3 checkpoints (6, 8, 10) of the resumed run.
  assert _file_bytes(ckpt / "unreadable", "ckpt-6") == bad
  assert sorted(p.name for p in ckpt.glob("*.index")) == ["ckpt-10.index", "ckpt-6.index", "ckpt-8.index"]
  assert unreadable_reason(str(ckpt / "ckpt-6")) is None
  assert tf.train.load_checkpoint(str(ckpt / "ckpt-6")).get_tensor("step/.ATTRIBUTES/VARIABLE_VALUE") == 6
  assert latest(workdir).endswith("ckpt-10")


def test_no_readable_checkpoint_is_one_line_exit_2_and_changes_nothing(tmp_path, fashion_dir):
  from tests.helpers import tiny_config
  from tfgan_repro.training import loop
  workdir, ckpt = tmp_path / "run", tmp_path / "run" / "ckpt"
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=2, ckpt_every=1, sample_every=1000), str(workdir))
  for prefix in ("ckpt-1", "ckpt-2"):
    _truncate_data_files(ckpt / prefix)
  before = {p.name: p.read_bytes() for p in ckpt.iterdir()}
  out = run_main(*TINY, "--steps=4", "--ckpt_every=1", "--sample_every=1000", f"--workdir={workdir}")
  assert out.returncode == 2, out.stdout + out.stderr
  assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
  assert out.stderr.startswith("error: None of the 2 checkpoint(s)") and "ckpt-2" in out.stderr
  assert {p.name: p.read_bytes() for p in ckpt.iterdir()} == before


def test_sampling_and_scoring_read_the_newest_readable_checkpoint_and_move_nothing(tmp_path, fashion_dir, capsys):
  from tests.helpers import tiny_config
  from tfgan_repro.training import loop
  from tfgan_repro.training.restore import load_model
  workdir, ckpt = tmp_path / "run", tmp_path / "run" / "ckpt"
  loop.train(tiny_config("dcgan_fashion_mnist_32", steps=6, ckpt_every=2, keep_checkpoints=3, sample_every=1000,
                         log_every=1000), str(workdir))
  _truncate_data_files(ckpt / "ckpt-6")
  before = {p.name: p.read_bytes() for p in ckpt.iterdir()}
  capsys.readouterr()
  _, _, step = load_model(str(workdir))
  assert step == 4
  err = capsys.readouterr().err
  assert "warning: ckpt-6" in err and "cannot be read" in err and "using ckpt-4" in err, err
  with pytest.raises(ValueError, match=r"ckpt-6 cannot be read \(.*Read less bytes"):
    load_model(str(workdir), step=6)
  assert {p.name: p.read_bytes() for p in ckpt.iterdir()} == before  # a reader moves and changes nothing
  for prefix in ("ckpt-2", "ckpt-4"):
    _truncate_data_files(ckpt / prefix)
  with pytest.raises(ValueError, match=r"None of the 3 checkpoint\(s\) in .* can be read \(newest, ckpt-6"):
    load_model(str(workdir))
  assert sorted(p.name for p in ckpt.iterdir()) == sorted(before)
