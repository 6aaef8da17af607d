"""Virtual batch norm and minibatch discrimination (Salimans et al. 2016 §3.2, §3.5) against NumPy."""
import numpy as np
import pytest

from tfgan_repro.networks import dcgan as nets
from tfgan_repro.networks import improved


def _vbn_numpy(x, n, gamma, beta, eps=1e-5):
  """Reference VBN: reference rows by their own statistics, example i by (x_i + N * ref) / (N + 1) moments."""
  spatial = tuple(range(1, x.ndim - 1))
  ref, ex = x[:n].astype(np.float64), x[n:].astype(np.float64)
  ref_mean = ref.mean(axis=(0,) + spatial, keepdims=True)
  ref_sq = (ref ** 2).mean(axis=(0,) + spatial, keepdims=True)
  out = [(ref - ref_mean) / np.sqrt(ref_sq - ref_mean ** 2 + eps) * gamma + beta]
  for xi in ex:
    xi = xi[None]
    mean = (xi.mean(axis=spatial, keepdims=True) + n * ref_mean) / (n + 1)
    sq = ((xi ** 2).mean(axis=spatial, keepdims=True) + n * ref_sq) / (n + 1)
    out.append((xi - mean) / np.sqrt(sq - mean ** 2 + eps) * gamma + beta)
  return np.concatenate(out)


@pytest.mark.parametrize("shape", [(3, 4, 4, 5), (3, 5)])
def test_vbn_matches_reference_statistics_combined_with_the_example(shape):
  rng = np.random.default_rng(0)
  n, b = 6, shape[0]
  x = rng.normal(1.5, 2.0, size=(n + b,) + shape[1:]).astype(np.float32)
  layer = improved.VirtualBatchNorm(n)
  layer.build(x.shape)
  gamma, beta = rng.normal(1, 0.3, shape[-1:]), rng.normal(0, 0.3, shape[-1:])
  layer.gamma.assign(gamma.astype(np.float32))
  layer.beta.assign(beta.astype(np.float32))
  np.testing.assert_allclose(layer(x).numpy(), _vbn_numpy(x, n, gamma, beta), rtol=1e-4, atol=1e-4)


def test_vbn_example_output_ignores_the_rest_of_its_batch():
  rng = np.random.default_rng(1)
  n = 5
  ref = rng.normal(size=(n, 4, 4, 3)).astype(np.float32)
  mine = rng.normal(size=(1, 4, 4, 3)).astype(np.float32)
  layer = improved.VirtualBatchNorm(n)
  a = layer(np.concatenate([ref, mine, rng.normal(size=(3, 4, 4, 3)).astype(np.float32)]))[n]
  b = layer(np.concatenate([ref, mine, 10 + rng.normal(size=(6, 4, 4, 3)).astype(np.float32)]))[n]
  np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


def _vbn_generator(seed=0, n=4):
  z_ref = improved.reference_latents(n, 16, "normal", seed)
  return improved.vbn_generator(z_ref, 16, 1, 16, 8)


def test_vbn_generator_example_output_ignores_the_rest_of_its_batch():
  g = _vbn_generator()
  rng = np.random.default_rng(2)
  z0 = rng.normal(size=(1, 16)).astype(np.float32)
  batch_a = np.concatenate([z0, rng.normal(size=(3, 16)).astype(np.float32)])
  batch_b = np.concatenate([z0, 3 * rng.normal(size=(5, 16)).astype(np.float32)])
  for training in (True, False):
    np.testing.assert_allclose(g(batch_a, training=training)[0].numpy(), g(batch_b, training=training)[0].numpy(),
                               atol=1e-5)
  # The same check fails for plain BN in training mode, so it does detect batch dependence.
  bn = nets.generator(16, 1, 16, 8)
  assert np.abs(bn(batch_a, training=True)[0] - bn(batch_b, training=True)[0]).max() > 1e-3


def test_vbn_generator_equals_body_on_stacked_reference_and_keeps_it_fixed():
  g = _vbn_generator()
  z = np.random.default_rng(3).normal(size=(2, 16)).astype(np.float32)
  stacked = np.concatenate([g.reference_z.numpy(), z])
  np.testing.assert_allclose(g(z).numpy(), g.body(stacked).numpy()[4:], atol=1e-6)
  assert all(v is not g.reference_z for v in g.trainable_variables)
  assert g(z).shape == (2, 16, 16, 1)


def test_reference_latents_come_from_the_seed():
  a = improved.reference_latents(4, 8, "normal", 0)
  np.testing.assert_array_equal(a, improved.reference_latents(4, 8, "normal", 0))
  assert not np.allclose(a, improved.reference_latents(4, 8, "normal", 1))
  u = improved.reference_latents(64, 8, "uniform", 0)
  assert u.min() >= -1 and u.max() <= 1 and u.min() < -0.9


def test_vbn_rejects_bad_reference():
  with pytest.raises(ValueError, match="reference batch"):
    improved.VirtualBatchNorm(0)
  with pytest.raises(ValueError, match=r"shape \(N, 16\)"):
    improved.vbn_generator(np.zeros((4, 8)), 16, 1, 16, 8)


def test_minibatch_features_match_numpy_loops():
  m = np.random.default_rng(4).normal(size=(5, 3, 2)).astype(np.float32)
  expected = np.zeros((5, 3))
  for i in range(5):
    for b in range(3):
      expected[i, b] = sum(np.exp(-np.abs(m[i, b] - m[j, b]).sum()) for j in range(5) if j != i)
  np.testing.assert_allclose(improved.minibatch_features(m).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_minibatch_features_larger_for_identical_than_for_diverse_batch():
  rng = np.random.default_rng(5)
  layer = improved.MinibatchDiscrimination(kernels=6, kernel_dim=3, init_std=0.5)
  diverse = rng.normal(size=(8, 4, 4, 2)).astype(np.float32)
  identical = np.repeat(diverse[:1], 8, axis=0)
  o_same = layer(identical).numpy()[:, 0, 0, 2:]
  o_diverse = layer(diverse).numpy()[:, 0, 0, 2:]
  np.testing.assert_allclose(o_same, 7.0, rtol=1e-4)  # B - 1: every other example is at distance 0
  assert o_diverse.max() < 1.0 and (o_same > o_diverse).all()


def test_minibatch_layer_concatenates_features_broadcast_over_the_map():
  rng = np.random.default_rng(6)
  f = rng.normal(size=(4, 4, 4, 3)).astype(np.float32)
  layer = improved.MinibatchDiscrimination(kernels=5, kernel_dim=2, init_std=0.1)
  out = layer(f).numpy()
  assert out.shape == (4, 4, 4, 8)
  np.testing.assert_array_equal(out[..., :3], f)
  m = (f.reshape(4, -1) @ layer.tensor.numpy()).reshape(4, 5, 2)
  o = improved.minibatch_features(m).numpy()
  np.testing.assert_allclose(out[..., 3:], np.broadcast_to(o[:, None, None], (4, 4, 4, 5)), rtol=1e-5, atol=1e-6)
  assert layer(f.reshape(4, -1)).shape == (4, 48 + 5)  # flat features work too


def test_discriminator_head_output_is_appended_to_features():
  head = improved.MinibatchDiscrimination(4, 3, name="minibatch")
  d = nets.discriminator(16, 1, 8, head=head)
  plain = nets.discriminator(16, 1, 8)
  x = np.zeros((2, 16, 16, 1), np.float32)
  out = d(x)
  assert len(out["features"]) == len(plain(x)["features"]) + 1 == 3
  assert out["features"][-1].shape == (2, 4, 4, 16 + 4) and out["logits"].shape == (2, 1)
