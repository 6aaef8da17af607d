"""DCGAN networks against SPEC §4's layer tables (seed 004 for 256x256, Radford 2015 for 64x64)."""
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.networks import dcgan

# seed 004, generator table: (filters, kernel, output spatial size)
G256 = [(1024, 4, 4), (512, 5, 8), (256, 5, 16), (128, 5, 32), (64, 5, 64), (32, 5, 128), (3, 5, 256)]
# seed 004, discriminator table: (filters, kernel, output spatial size); last: Conv 4x4/1 to 1
D256 = [(32, 3, 128), (64, 3, 64), (128, 3, 32), (256, 3, 16), (512, 3, 8), (1024, 3, 4), (1, 4, 1)]


def expected_counts(table, c_in, first_has_bn, generator):
  """(trainable, non-trainable) parameters implied by the table: no bias before BN, bias on the last
  layer (and on D's first layer, which has no BN); BN has 2 trainable + 2 moving values per channel."""
  trainable = non_trainable = 0
  for i, (filters, k, _) in enumerate(table):
    last = i == len(table) - 1
    has_bn = not last and (generator or i > 0 or first_has_bn)
    trainable += k * k * c_in * filters + (0 if has_bn else filters)
    if has_bn:
      trainable += 2 * filters
      non_trainable += 2 * filters
    c_in = filters
  return trainable, non_trainable


def _counts(model):
  return (sum(int(np.prod(w.shape)) for w in model.trainable_weights),
          sum(int(np.prod(w.shape)) for w in model.non_trainable_weights))


def test_dcgan256_generator_matches_seed004_table():
  g = dcgan.generator(256, 3, z_dim=100, width=32, architecture="faces256")
  convs = [l for l in g.layers if l.name.startswith(("project", "up", "to_image"))]
  assert [(l.filters, l.kernel_size[0]) for l in convs] == [(f, k) for f, k, _ in G256]
  shapes = [tuple(l.output.shape[1:]) for l in convs]
  assert shapes == [(s, s, f) for f, _, s in G256]
  assert _counts(g) == expected_counts(G256, 100, True, generator=True)
  assert all(not l.use_bias for l in convs[:-1]) and convs[-1].use_bias


def test_dcgan256_discriminator_matches_seed004_table():
  d = dcgan.discriminator(256, 3, width=32, architecture="faces256")
  convs = [l for l in d.layers if l.name.startswith(("down", "logit"))]
  assert [(l.filters, l.kernel_size[0], l.strides[0]) for l in convs] == \
      [(f, k, 1 if i == len(D256) - 1 else 2) for i, (f, k, _) in enumerate(D256)]
  assert [tuple(l.output.shape[1:3]) for l in convs] == [(s, s) for _, _, s in D256]
  assert _counts(d) == expected_counts(D256, 3, False, generator=False)
  out = d(tf.zeros([2, 256, 256, 3]), training=False)
  assert out["logits"].shape == (2, 1) and out["logits"].dtype == tf.float32


def test_dcgan64_makes_64x64x3_in_range():
  g = dcgan.generator(64, 3, z_dim=100, width=128)  # Radford 2015 Fig. 1: 4x4x1024 ... 64x64x3
  assert g.get_layer("project").output.shape[1:] == (4, 4, 1024)
  z = tf.random.normal([3, 100], seed=1) * 10.0  # large inputs still land in [-1, 1]
  images = g(z, training=False).numpy()
  assert images.shape == (3, 64, 64, 3)
  assert images.min() >= -1.0 and images.max() <= 1.0 and images.std() > 0


@pytest.mark.parametrize("resolution", [32, 64, 96, 128, 256])
def test_dcgan_parametric_in_resolution(resolution):
  g = dcgan.generator(resolution, 1, width=4)
  d = dcgan.discriminator(resolution, 1, width=4)
  images = g(tf.zeros([2, 100]))
  assert images.shape == (2, resolution, resolution, 1)
  assert d(images)["logits"].shape == (2, 1)


def test_dcgan_rejects_resolution_it_cannot_make():
  with pytest.raises(ValueError, match="8, 16, 32, 64, 96, 128, 256"):
    dcgan.generator(48, 3)


def test_dcgan96_starts_from_6x6_for_seed001_baseline():
  g = dcgan.generator(96, 3, z_dim=100, width=128)
  assert g.get_layer("project").output.shape[1:] == (6, 6, 1024)
  d = dcgan.discriminator(96, 3, width=128)
  assert d.get_layer("down4").output.shape[1:] == (6, 6, 1024)
  assert d.get_layer("logit").kernel_size == (6, 6)
