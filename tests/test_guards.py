"""Failure-mode guards (issue 16 item 3): BEGAN's k_t stuck at 0 or 1, and a fixed-z grid that lost its diversity."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.data import make_dataset
from tfgan_repro.training import guards
from tfgan_repro.training.callbacks import SampleWriter


def test_stuck_watch_counts_from_the_interval_that_first_showed_it():
  watch = guards.StuckWatch(window=300)
  seen = [watch.update(step, value) for step, value in
          [(100, 0.05), (200, 0.0), (300, 0.0), (400, 0.0), (500, 0.99), (600, 0.9995), (900, 1.0), (1000, 0.0)]]
  # k_t was at 0 from step 100 (the start of the interval logged at 200) to 400: warned at 400, once.
  assert [s[:2] for s in seen] == [(None, 0), (0, 100), (0, 200), (0, 300), (None, 0), (1, 100), (1, 400), (0, 100)]
  assert [s[2] for s in seen] == [False, False, False, True, False, False, True, False]


class HeldKt(keras.Model):
  """BEGAN's training interface, reduced: a step counter and k_t, which nothing moves from its initial 0."""

  def __init__(self):
    super().__init__()
    self.step = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.k_t = tf.Variable(0.0, trainable=False)

  def train_step(self, data):
    self.step.assign_add(1)
    return {"k_t": self.k_t.value(), "d_loss": tf.reduce_mean(data)}


def test_a_model_whose_k_t_is_held_at_zero_warns_after_the_window_not_before(capsys):
  model = HeldKt()
  model.compile()
  guard = guards.KtGuard(tf.summary.create_noop_writer(), every=2, window=8)
  seen = []

  class Record(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
      seen.append(len(guard.warnings))

  model.fit(tf.data.Dataset.from_tensors(tf.zeros([2])).repeat(), epochs=1, steps_per_epoch=10, verbose=0,
            callbacks=[guard, Record()])
  assert seen == [0] * 7 + [1] * 3  # step 8 = the window, not step 6
  lines = [l for l in capsys.readouterr().out.splitlines() if "WARNING" in l]
  assert len(lines) == 1 and lines[0].startswith("step 8: WARNING: BEGAN's k_t has stayed at 0")


def test_a_moving_k_t_and_a_model_without_k_t_never_warn():
  guard = guards.KtGuard(tf.summary.create_noop_writer(), every=1, window=3)
  guard._first, guard._last = 0, None  # as on_train_begin leaves them for a run from step 0
  guard.watch.last_step = 0
  for batch, k in enumerate(np.linspace(0.0, 0.1, 20)):
    guard.on_train_batch_end(batch, {"k_t": k, "d_loss": 1.0})
    guard.on_train_batch_end(batch, {"d_loss": 1.0})  # DCGAN's logs: ignored
  assert guard.warnings == []


class StubGenerator:
  """`generate_images` as a GAN has it: `collapsed` returns one image for every z, else distinct real images."""

  def __init__(self, images, collapsed: bool, branch_names=()):
    self.images, self.collapsed, self.branch_names = images, collapsed, branch_names
    self.stop_training = False

  def generate_images(self, n, seed=0):
    return np.repeat(self.images[:1], n, 0) if self.collapsed else self.images[64:64 + n]

  def image_summaries(self, real_images):
    return {}


@pytest.fixture(scope="module")
def fashion_images():
  ds = make_dataset("fashion_mnist", 32, 192, split="test", repeat=False, seed=0)
  return next(iter(ds))["images"].numpy()


@pytest.mark.parametrize("dataset, space", [("fashion_mnist", "classifier"), ("", "pixels")])
@pytest.mark.parametrize("collapsed", [True, False])
def test_diversity_guard_warns_on_one_image_for_every_z_only(tmp_path, capsys, fashion_images, dataset, space,
                                                            collapsed):
  writer = tf.summary.create_noop_writer()
  sampler = SampleWriter(writer, 5, tmp_path, 64, seed=0, real_images=fashion_images[:64])
  guard = guards.DiversityGuard(writer, sampler, guards.DiversityMeasure(dataset))
  model = StubGenerator(fashion_images, collapsed)
  for callback in (sampler, guard):
    callback.set_model(model)
  step = guards.DIVERSITY_WARMUP
  sampler.write(step)  # what SampleWriter does at a sample_every step; the guard reuses that grid
  guard.on_train_batch_end(step - 1)
  guard.on_train_batch_end(step)  # the same grid is measured once
  (step, values), = guard.history
  ratio = values[f"guards/diversity_ratio_{space}"]
  warned = [l for l in capsys.readouterr().out.splitlines() if "WARNING: sample diversity" in l]
  if collapsed:
    assert ratio < 1e-3 and len(warned) == 1 and f"in {space} space" in warned[0]
  else:
    assert ratio > 0.8 and not warned
  if space == "classifier":
    assert values["guards/class_coverage"] == pytest.approx(0.1 if collapsed else 1.0)
  else:
    assert "guards/class_coverage" not in values


def test_diversity_is_measured_per_branch_and_the_lowest_branch_decides(tmp_path, fashion_images):
  writer = tf.summary.create_noop_writer()
  sampler = SampleWriter(writer, 5, tmp_path, 64, seed=0, real_images=fashion_images[:64])
  guard = guards.DiversityGuard(writer, sampler, guards.DiversityMeasure(""))
  # Class-major: branch 0 is 32 varied images, branch 1 one image 32 times. Pooled, the grid looks varied.
  grid = np.concatenate([fashion_images[64:96], np.repeat(fashion_images[:1], 32, 0)])
  guard.set_model(StubGenerator(fashion_images, False, branch_names=("branch 0", "branch 1")))
  values = guard.check(guards.DIVERSITY_WARMUP, grid)
  assert values["guards/diversity_ratio_pixels_branch0"] > 0.5
  assert values["guards/diversity_ratio_pixels_branch1"] == 0.0
  assert len(guard.warnings) == 1 and "branch1" in guard.warnings[0]
  assert guards.mean_pairwise_distance(grid) > 0.5 * guards.mean_pairwise_distance(fashion_images[:64])


def test_mean_pairwise_distance_by_hand():
  assert guards.mean_pairwise_distance(np.array([[0., 0.], [3., 4.], [0., 4.]])) == pytest.approx((5 + 4 + 3) / 3)


def test_low_grids_warn_once_per_stretch_and_never_during_the_warm_up(tmp_path, fashion_images):
  writer = tf.summary.create_noop_writer()
  sampler = SampleWriter(writer, 5, tmp_path, 64, seed=0, real_images=fashion_images[:64])
  guard = guards.DiversityGuard(writer, sampler, guards.DiversityMeasure(""), warmup=100)
  one, varied = np.repeat(fashion_images[:1], 64, 0), fashion_images[64:128]
  for step, grid in [(50, one), (100, one), (150, one), (200, varied), (250, one)]:
    guard.check(step, grid)
  assert [line.split(":")[0] for line in guard.warnings] == ["step 100", "step 250"]
  assert [s for s, _ in guard.history] == [50, 100, 150, 200, 250]  # the scalar is logged at every grid
