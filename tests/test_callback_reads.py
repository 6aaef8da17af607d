"""Per-batch callbacks read no variable between the steps they act on (issue 13: each read is a host sync):
BEGAN's HalvingLog reads the learning-rate scale only after a step where a halving can fire, and the FID
callback counts the step from the batch index instead of reading `model.step`."""
import numpy as np
import pytest

from tfgan_repro.gans.began import HalvingLog
from tfgan_repro.metrics.callback import FIDCallback


class Counted:
  """A scalar variable stand-in that counts its reads."""

  def __init__(self, value):
    self.value, self.reads = value, 0

  def numpy(self):
    self.reads += 1
    return np.asarray(self.value)


class FakeBEGAN:
  def __init__(self, step, lr_decay="step", lr_window=4, lr_halve_every=4):
    self.step, self.lr_scale = Counted(step), Counted(1.0)
    self.lr_decay, self.lr_window, self.lr_halve_every = lr_decay, lr_window, lr_halve_every


def _fit(callback, model, steps, start, halve_at=()):
  """Drives `callback` as `fit` would over `steps` batches from step `start`; halves the scale at `halve_at`."""
  callback.set_model(model)
  callback.set_params({"steps": steps})
  callback.on_train_begin()
  reads = []
  for batch in range(steps):
    if start + batch + 1 in halve_at:
      model.lr_scale.value /= 2
    before = model.lr_scale.reads
    callback.on_train_batch_end(batch)
    reads.append(model.lr_scale.reads - before)
  return reads


@pytest.mark.parametrize("lr_decay", ["step", "plateau"])
def test_halving_log_reads_the_scale_only_at_halving_steps(capsys, lr_decay):
  model = FakeBEGAN(step=2, lr_decay=lr_decay)  # a resumed run: batch 0 is step 3
  reads = _fit(HalvingLog(), model, 10, start=2, halve_at=(8,))
  assert reads == [0, 1, 0, 0, 0, 1, 0, 0, 0, 1]  # steps 4, 8 and 12 only
  assert model.step.reads == 1  # once, at the start
  assert capsys.readouterr().out.splitlines() == ["step 8: learning-rate scale 1 -> 0.5"]


def test_halving_log_reads_nothing_without_a_decay():
  model = FakeBEGAN(step=0, lr_decay="none")
  assert _fit(HalvingLog(), model, 6, start=0) == [0] * 6


class RecordingFID(FIDCallback):
  def evaluate(self, step):
    self.history.append(step)


def test_fid_callback_counts_the_step_instead_of_reading_it():
  callback = RecordingFID(3, 8, None, (np.zeros(2), np.eye(2)), log_dir="")
  model = FakeBEGAN(step=4)
  _fit(callback, model, 8, start=4)
  assert callback.history == [6, 9, 12]
  assert model.step.reads == 1
