"""Named random streams (gans/random_streams.py): each draw of a training step has its own seed.

Every family's train_step is run with its stream calls recorded; the test fails when two draws of the steps
share a seed (a family reusing a (name, indices) pair, or a hash collision), and lists the streams each
family draws, so a new draw has to be named here too.
"""
import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.gans import random_streams


def test_seed_is_pinned_and_does_not_depend_on_the_process():
  # A hard-coded value: Python's hash() of a string would change with PYTHONHASHSEED from process to process.
  # If this fails, the random numbers of every run changed: say so in the commit.
  assert random_streams.name_key("gp_eps") == -1599517392208499448
  key = random_streams.stream_seed(0, 7, "gp_eps", 2, 1).numpy().tolist()
  assert key == [5678264420583267914, 1]


def test_indices_as_tensors_or_ints_and_inside_a_function_give_the_same_seed():
  eager = random_streams.stream_seed(3, 11, "d_noise_real", 1, 0)
  traced = tf.function(lambda s, i: random_streams.stream_seed(3, s, "d_noise_real", i, 0))(
      tf.constant(11, tf.int64), tf.constant(1, tf.int32))
  np.testing.assert_array_equal(eager.numpy(), traced.numpy())


def test_every_part_of_the_key_changes_the_seed():
  base = (0, 5, "z_d", 1)
  variants = [base, (1, 5, "z_d", 1), (0, 6, "z_d", 1), (0, 5, "z_g", 1), (0, 5, "z_d", 2), (0, 5, "z_d"),
              (0, 5, "z_d", 1, 0)]
  keys = {tuple(random_streams.stream_seed(*v).numpy().tolist()) for v in variants}
  assert len(keys) == len(variants)
  with pytest.raises(ValueError, match="non-empty string"):
    random_streams.name_key("")


def _igan_streams(n_critic, k):
  per_critic = [s for i in range(n_critic)
                for s in [("z_d", i)] + [(n, i, c) for c in range(k) for n in ("d_noise_real", "d_noise_fake",
                                                                                  "gp_eps")]]
  return per_critic + [("z_g",)] + [("g_noise_fake", c) for c in range(k)]


# family -> the streams one step draws, in order
N_CRITIC, Z = 3, 4
STREAMS = {
    "began": [("z_d",), ("z_g",)],
    "dcgan": [("z_d",), ("z_g",)],
    "dcgan_reuse_fake": [("z_d",)],
    "wgan_gp": [s for i in range(N_CRITIC) for s in (("z_d", i), ("gp_eps", i))] + [("z_g",)],
    "igan": _igan_streams(N_CRITIC, 1),
    "igan_v2": _igan_streams(N_CRITIC, 2),
    "igan_vn": _igan_streams(N_CRITIC, 3),
}


def _dense(out_shape, inputs, outputs=1):
  """inputs -> `outputs` dense heads of `out_shape`: stand-ins for the real networks, whose size does not
  change which draws a step makes (the train_step code does)."""
  x = keras.Input(inputs if isinstance(inputs, tuple) else (inputs,))
  flat = keras.layers.Flatten()(x)
  heads = [keras.layers.Reshape(out_shape)(keras.layers.Dense(int(np.prod(out_shape)))(flat))
           for _ in range(outputs)]
  return keras.Model(x, heads if outputs > 1 else heads[0])


def _model(family):
  """The family's GAN on 8x8x1 images with one-layer networks (the real tiny presets take a minute eagerly)."""
  from tfgan_repro.gans import began, dcgan, igan, wgan_gp
  image, kw = (8, 8, 1), dict(latent_dim=Z, seed=0)
  adam = keras.optimizers.Adam
  if family == "began":
    model = began.BEGAN(_dense(image, Z), _dense(image, image), latent_distribution="uniform", **kw)
  elif family.startswith("dcgan"):
    x = keras.Input(image)
    features = keras.layers.Dense(4)(keras.layers.Flatten()(x))
    d = keras.Model(x, {"logits": keras.layers.Dense(1)(features), "features": [features]})
    model = dcgan.DCGAN(_dense(image, Z), d, reuse_fake=family == "dcgan_reuse_fake", **kw)
  elif family == "wgan_gp":
    model = wgan_gp.WGANGP(_dense(image, Z), _dense((1,), image), n_critic=N_CRITIC, **kw)
  else:
    k = {"igan": 1, "igan_v2": 2, "igan_vn": 3}[family]
    model = igan.IGAN(_dense(image, Z, outputs=k), [_dense((1,), image) for _ in range(k)], n_critic=N_CRITIC,
                      **kw)
    model.compile(adam(), [adam() for _ in range(k)])
    return model, N_CRITIC * k
  model.compile(adam(), adam())
  return model, N_CRITIC if family == "wgan_gp" else 1


@pytest.mark.parametrize("family", sorted(STREAMS))
def test_no_two_draws_of_a_family_share_a_seed(family):
  keras.utils.set_random_seed(0)
  model, batches = _model(family)
  calls, draw = [], model.rng

  def recording(name, *indices):
    key = draw(name, *indices)
    calls.append((int(model.step.numpy()), (name, *(int(i) for i in indices)), tuple(key.numpy().tolist())))
    return key

  model.rng = recording
  images = tf.random.stateless_uniform([batches * 2, 8, 8, 1], [1, 2], -1.0, 1.0)
  tf.config.run_functions_eagerly(True)  # IGAN's critic step is a tf.function: record concrete indices
  try:
    for _ in range(3):
      model.train_step({"images": images, "labels": tf.zeros([batches * 2], tf.int64)})
  finally:
    tf.config.run_functions_eagerly(False)
  for step in range(3):
    assert [s for t, s, _ in calls if t == step] == STREAMS[family], step
  seeds = [key for _, _, key in calls]
  fixed = (0, 12345)  # GANModel.fixed_latents(n, seed=0): the sample grids
  assert len(set(seeds)) == len(seeds) and fixed not in seeds
