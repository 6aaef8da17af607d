"""The progress display (issue 15.1): time-based lines and bar, ETA and speed, logs read only when drawn,
the start lines. A fake clock and a stub model stand in for training, except in the one CLI run."""
import io
import re
from collections.abc import Mapping

import pytest
import tensorflow as tf

from tests.cli import run_main
from tfgan_repro.training import callbacks as cb
from tfgan_repro.training import progress


class Clock:
  def __init__(self, t=0.0):
    self.t = t

  def __call__(self):
    return self.t


class StubModel:
  progress_names = ("k_t",)

  def __init__(self, step=0):
    self.step = tf.Variable(step, dtype=tf.int64)
    self.stop_training = False
    self.metrics = []

  def optimizers_by_name(self):
    return {}


class CountingLogs(Mapping):
  """Batch logs that count how often they are read."""
  reads = 0

  def __init__(self, values):
    self._values = values

  def __getitem__(self, key):
    CountingLogs.reads += 1
    return self._values[key]

  def __iter__(self):
    CountingLogs.reads += 1
    return iter(self._values)

  def __len__(self):
    return len(self._values)

  def items(self):
    CountingLogs.reads += 1
    return self._values.items()


LOGS = {"d_loss": 1.25, "g_loss": 0.75, "k_t": 0.002, "d_grad_norm": 3.0, "nonfinite": 0.0}


def logger_for(clock, *, every, total, tty=False, columns=None, chief=True, start=0):
  logger = cb.ScalarLogger(tf.summary.create_noop_writer(), every, total, batch_size=64, chief=chief,
                           tty=tty, clock=clock, columns=columns)
  logger.set_model(StubModel(start))
  logger.set_params({"steps": total - start})
  logger.on_train_begin()
  return logger


def test_plain_lines_come_by_time_whatever_log_every(capsys):
  clock = Clock()
  logger = logger_for(clock, every=10 ** 6, total=1000)
  clock.t = 20.0  # the first step traces and compiles: 20 s
  logger.on_train_batch_end(0, LOGS)
  assert capsys.readouterr().out == ""  # before FIRST_LINE_S
  for batch in range(1, 8):  # then 14 s a step (IGAN_v2 on a CPU: 0.07 steps/s)
    clock.t += 14.0
    logger.on_train_batch_end(batch, LOGS)
  lines = capsys.readouterr().out.splitlines()
  # step 2 at 34 s (>= 30 s), then the first step >= 60 s later: step 7 at 104 s.
  assert [line.split(" ")[1] for line in lines] == ["2/1000", "7/1000"]
  # 1 step in the 14 s after the first step's end; 998 steps left at 1/14 steps/s.
  assert lines[0] == ("step 2/1000 (0%) | ETA 3:52:52, 0:00:34 elapsed | 0.0714 steps/s, 4.57 img/s | "
                      "k_t 0.002 d_loss 1.25 g_loss 0.75")
  logger.on_train_end()


def test_a_slow_first_step_prints_at_its_end_without_a_speed(capsys):
  clock = Clock()
  logger = logger_for(clock, every=10 ** 6, total=1000)
  clock.t = 45.0
  logger.on_train_batch_end(0, LOGS)
  assert capsys.readouterr().out.startswith("step 1/1000 (0%) | ETA -, 0:00:45 elapsed | - steps/s | k_t 0.002")


def test_log_every_lines_carry_everything_and_the_last_step_always_prints(capsys):
  clock = Clock()
  logger = logger_for(clock, every=2, total=3)
  for batch in range(3):
    clock.t += 1.0
    logger.on_train_batch_end(batch, LOGS)
  lines = capsys.readouterr().out.splitlines()
  assert [line.split(" ")[1] for line in lines] == ["2/3", "3/3"]
  assert lines[0].endswith("| k_t 0.002 d_loss 1.25 g_loss 0.75 | d_grad_norm 3 | lr ")
  assert logger.elapsed == 3.0


def test_speed_and_eta_use_the_recent_window_from_the_first_steps_end():
  clock = Clock()
  p = progress.Progress(total=10_000, images_per_step=64, clock=clock, tty=False, stream=io.StringIO())
  p.begin(0)
  clock.t, step = 10.0, 1  # the first step ends at 10 s
  p.tick(step)
  assert p.speed() is None and p.eta() is None
  for _ in range(100):  # 1 step/s for 100 s
    clock.t += 1.0
    step += 1
    p.tick(step)
  assert p.speed() == pytest.approx(1.0)
  for _ in range(90):  # then 2 steps/s: after WINDOW_S the old speed has left the window
    clock.t += 1.0
    step += 2
    p.tick(step)
  assert p.speed() == pytest.approx(2.0)
  assert p.eta() == pytest.approx((10_000 - step) / 2.0)
  assert p.elapsed == 200.0


def test_hms():
  assert progress.hms(0) == "0:00:00" and progress.hms(3725.4) == "1:02:05"
  assert progress.hms(8 * 86400 + 3600 + 2) == "8d 01:00:02"


@pytest.mark.parametrize("columns", [12, 40, 69, 80, 120, 300])
def test_the_bar_fits_the_terminal(columns):
  clock = Clock()
  out = io.StringIO()
  p = progress.Progress(total=50_000, images_per_step=64, key_names=("k_t", "m_global"), clock=clock, tty=True,
                        columns=lambda: columns, stream=out)
  p.begin(0)
  values = {"d_loss": 0.123456, "g_loss": 0.0456789, "k_t": 0.00312345, "m_global": 0.198765}
  for step in range(1, 2000, 50):
    clock.t += 7.0
    p.tick(step)
    p.draw(values)
  p.end()
  drawn = [chunk for chunk in re.split("[\r\n]", out.getvalue()) if chunk.strip()]
  assert drawn and all(len(chunk) <= columns - 1 for chunk in drawn)
  numbers = ("4% | ETA 1:52:07, 0:04:40 elapsed | 7.14 steps/s, 457 img/s | k_t 0.00312 m_global 0.199 "
             "d_loss 0.123 g_loss 0.0457")
  if columns >= 300:  # room for everything, and a bar of 20
    assert drawn[-1].rstrip() == "step 1951/50000 [" + "-" * 20 + "] " + numbers
  elif columns >= 69:  # the numbers first: no room for the bar
    assert drawn[-1].startswith(("step 1951/50000 " + numbers)[:columns - 1])


def test_other_output_wipes_the_bar_instead_of_landing_after_it(capsys):
  import sys
  clock = Clock()
  out = io.StringIO()
  p = progress.Progress(total=100, images_per_step=1, clock=clock, tty=True, columns=lambda: 30, stream=out)
  p.begin(0)
  print("step 3: learning-rate scale 1 -> 0.5")
  p.end()
  assert sys.stdout is not None and "learning-rate" in capsys.readouterr().out
  assert out.getvalue() == "\r" + "step 0/100 | first step: tracing"[:29] + "\r" + " " * 29 + "\r"


def test_an_early_stop_leaves_the_last_bar_on_screen():
  clock = Clock()
  out = io.StringIO()
  p = progress.Progress(total=100, images_per_step=1, clock=clock, tty=True, columns=lambda: 50, stream=out)
  p.begin(0)
  clock.t = 1.0
  p.tick(1)
  p.draw({"d_loss": 1.0})
  p.end()  # a SIGTERM or a non-finite loss: no last-step line
  last = out.getvalue().rsplit("\r", 1)[-1]
  assert last.startswith("step 1/100 1% | ETA -, 0:00:01 elapsed") and last.endswith("\n")


@pytest.mark.parametrize("tty", [False, True])
def test_logs_are_read_only_when_something_is_drawn(tty, capsys):
  clock = Clock()
  logger = logger_for(clock, every=25, total=1000, tty=tty, columns=lambda: 100)
  draws, draw = [], logger.progress.draw
  logger.progress.draw = lambda *a: (draws.append(logger.progress.step), draw(*a))
  CountingLogs.reads = 0
  for batch in range(100):  # 0.1 s a step: 10 s, no time-based plain line yet
    clock.t += 0.1
    logger.on_train_batch_end(batch, CountingLogs(dict(LOGS)))
  logger.on_train_end()
  assert CountingLogs.reads == len(draws)  # one read per line or redraw, none on the other batches
  if tty:  # the first step, then at most twice a second, plus the --log_every lines
    assert len(draws) <= 1 + 10 / progress.REDRAW_S + 4 and draws[0] == 1
  else:  # the --log_every steps only
    assert draws == [25, 50, 75, 100] and len(capsys.readouterr().out.splitlines()) == 4


def test_non_chief_replicas_print_nothing(capsys):
  clock = Clock()
  logger = logger_for(clock, every=1, total=3, chief=False)
  for batch in range(3):
    clock.t += 40.0
    logger.on_train_batch_end(batch, LOGS)
  logger.on_train_end()
  assert capsys.readouterr().out == "" and logger.describe() == ""


class Net:
  def __init__(self, n):
    self.n = n

  def count_params(self):
    return self.n


def test_parameters_line_counts_one_discriminator_per_class():
  class IGANLike:
    def networks(self):
      return {"generator": Net(1_500_000), "discriminator_0": Net(250_000), "discriminator_1": Net(250_000)}

  class DCGANLike:
    def networks(self):
      return {"generator": Net(3_576_704), "discriminator": Net(999)}

  assert progress.parameters_line(IGANLike()) == "Parameters: G 1.50M, D 2 x 250.0k = 500.0k."
  assert progress.parameters_line(DCGANLike()) == "Parameters: G 3.58M, D 999."


def test_start_lines_name_preset_data_policy_and_parameters(tmp_path, fashion_dir):
  from tests.helpers import tiny_config
  from tfgan_repro import gans
  out = run_main("--model=dcgan", "--tiny", "--steps=2", f"--workdir={tmp_path / 'run'}")
  assert out.returncode == 0, out.stderr
  lines = out.stdout.splitlines()
  data, training, counts_line = (next(l for l in lines if l.startswith(p)) for p in ("Data:", "Training", "Param"))
  assert data.startswith(f"Data: fashion_mnist train split from IDX files in {fashion_dir} (60000 images")
  assert training.startswith("Training preset dcgan_fashion_mnist_32/tiny: dcgan on fashion_mnist 32x32 from "
                             "step 0 to 2 in ")
  assert "policy float32: " in training
  model = gans.build(tiny_config("dcgan_fashion_mnist_32"), 1)
  counts = progress.parameters_line(model)
  assert re.fullmatch(r"Parameters: G [\d.]+k, D [\d.]+k\.", counts)
  assert counts_line == counts + " Progress: a line after 30 s, then every 60 s and every step."
  assert [l.split(" ")[1] for l in lines if re.match(r"step \d+/", l)] == ["1/2", "2/2"]
  assert re.fullmatch(r"Done: step 2 in 0:\d\d:\d\d; checkpoints in .*", lines[-1])
