"""The learning-rate schedules (tfgan_repro/schedules.py) against closed forms: IGAN's decay to a floor
(seed 001 Eq. 6) and BEGAN's halving controllers (seed 000 §3.1; SPEC §1)."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import schedules
from tfgan_repro.schedules import DecayToFloor


def test_schedule_values_at_chosen_steps():
  s = DecayToFloor(end_lr=2e-4, init_set=1.8e-3, gamma=0.5, decay_steps=1000)
  for step, want in [(0, 2e-3), (1000, 2e-4 + 9e-4), (3000, 2e-4 + 1.8e-3 / 8), (500, 2e-4 + 1.8e-3 * 0.5 ** 0.5)]:
    np.testing.assert_allclose(float(s(step)), want, rtol=1e-6)
  assert abs(float(s(60000)) - 2e-4) < 1e-9  # decays to end_lr
  d = DecayToFloor(2e-4, 1.8e-3, 0.5, 1000, updates_per_step=3)  # a discriminator updated 3x per step
  np.testing.assert_allclose(float(d(3 * 700)), float(s(700)), rtol=1e-6)
  g = s.scaled(1.5)
  for step in (0, 250, 4000):
    np.testing.assert_allclose(float(g(step)), 1.5 * float(s(step)), rtol=1e-6)
  again = DecayToFloor.from_config(d.get_config())
  assert again.get_config() == d.get_config() and float(again(1234)) == float(d(1234))


@pytest.mark.parametrize("kwargs", [dict(gamma=0.0), dict(gamma=1.5), dict(decay_steps=0), dict(end_lr=-1.0)])
def test_schedule_rejects_bad_values(kwargs):
  args = {**dict(end_lr=2e-4, init_set=1.8e-3, gamma=0.5, decay_steps=1000), **kwargs}
  with pytest.raises(ValueError):
    DecayToFloor(**args)


def test_plateau_halves_after_patience_without_a_better_window():
  state = schedules.PlateauState(tf.constant(1.0), tf.constant(np.inf, tf.float32), tf.constant(0.0),
                                 tf.constant(0, tf.int64))
  scales, bests = [], []
  # windows of 2 steps, patience 4 steps: means 1.0, 0.5 (better), 0.5, 0.499 (< 1% better), 0.6
  for step, m in enumerate([1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.499, 0.499, 0.6, 0.6], start=1):
    state = schedules.halve_on_plateau(state, tf.constant(m), tf.constant(step, tf.int64), window=2, patience=4,
                                       min_improvement=0.01, min_scale=0.3)
    scales.append(float(state.scale))
    bests.append(float(state.best))
  assert scales == [1.0] * 7 + [0.5] * 3  # halved when the 4th non-improving step ends a window
  assert bests[-1] == 0.5 and float(state.stale) == 2
  for _ in range(8):  # keeps stalling: halves again, but not below the floor
    step += 1
    state = schedules.halve_on_plateau(state, tf.constant(0.6), tf.constant(step, tf.int64), window=2, patience=4,
                                       min_improvement=0.01, min_scale=0.3)
  assert float(state.scale) == pytest.approx(0.3)


def test_halve_every_matches_powers_of_one_half_down_to_the_floor():
  for done, want in [(0, 1.0), (99, 1.0), (100, 0.5), (250, 0.25), (1000, 0.2)]:
    assert float(schedules.halve_every(tf.constant(done, tf.int64), 100, 0.2)) == pytest.approx(want)


def test_scaled_learning_rate_follows_its_scale_variable():
  scale = tf.Variable(1.0)
  rate = schedules.ScaledLearningRate(4e-4, scale)
  assert float(rate(0)) == pytest.approx(4e-4)
  scale.assign(0.25)  # a halving (or a restored checkpoint) moves the rate with no new schedule object
  assert float(rate(10)) == pytest.approx(1e-4) and rate.get_config() == {"base": 4e-4}
