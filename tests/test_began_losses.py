"""BEGAN's pure functions against NumPy (seed 000 Eqs. 6-7; SPEC §1)."""
import numpy as np
import pytest

from tfgan_repro.losses import began as losses


def test_autoencoder_loss_is_mean_abs_power_eta():
  rng = np.random.default_rng(0)
  v, r = rng.normal(size=(3, 4, 4, 2)).astype("float32"), rng.normal(size=(3, 4, 4, 2)).astype("float32")
  np.testing.assert_allclose(float(losses.began_autoencoder_loss(v, r, 1)), np.mean(np.abs(v - r)), rtol=1e-6)
  np.testing.assert_allclose(float(losses.began_autoencoder_loss(v, r, 2)), np.mean((v - r) ** 2), rtol=1e-6)
  with pytest.raises(ValueError, match="1 or 2"):
    losses.began_autoencoder_loss(v, r, 3)


def test_objectives_and_convergence_measure():
  real, fake, k, gamma = 0.8, 0.3, 0.25, 0.5
  assert float(losses.began_discriminator_loss(real, fake, k)) == pytest.approx(0.8 - 0.25 * 0.3)
  assert float(losses.began_generator_loss(fake)) == pytest.approx(0.3)
  assert float(losses.began_convergence_measure(real, fake, gamma)) == pytest.approx(0.8 + abs(0.4 - 0.3))
  assert float(losses.began_convergence_measure(real, 0.6, gamma)) == pytest.approx(0.8 + abs(0.4 - 0.6))


@pytest.mark.parametrize("k, real, fake, gamma, lambda_k, expected", [
    (0.1, 0.8, 0.3, 0.5, 0.001, 0.1 + 0.001 * (0.4 - 0.3)),   # inside [0, 1]
    (0.0, 0.2, 0.9, 0.5, 0.001, 0.0),                         # 0 - 0.0008 -> clipped at 0
    (0.9995, 0.9, 0.0, 1.0, 0.001, 1.0),                      # 0.9995 + 0.0009 -> clipped at 1
])
def test_k_update_is_clipped_to_unit_interval(k, real, fake, gamma, lambda_k, expected):
  assert float(losses.began_k_update(k, real, fake, gamma, lambda_k)) == pytest.approx(expected, abs=1e-7)
