"""DCGAN's cross-entropy losses (losses/dcgan.py; Goodfellow et al. 2014) against NumPy; the smoothed real
target is tested in tests/test_improved_losses.py."""
import numpy as np
import pytest

from tfgan_repro.losses import dcgan as losses


def _log_sigmoid(x):
  return -np.logaddexp(0.0, -x)


def test_discriminator_and_non_saturating_generator_losses_match_numpy():
  rng = np.random.default_rng(0)
  real, fake = rng.normal(size=(4, 1)).astype("float32") * 3, rng.normal(size=(6, 1)).astype("float32") * 3
  d_want = -_log_sigmoid(real).mean() - _log_sigmoid(-fake).mean()  # -log D(x) - log(1 - D(G(z)))
  assert float(losses.dcgan_discriminator_loss(real, fake)) == pytest.approx(d_want, rel=1e-5)
  assert float(losses.dcgan_generator_loss(fake)) == pytest.approx(-_log_sigmoid(fake).mean(), rel=1e-5)
