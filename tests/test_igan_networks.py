"""IGAN / IGAN_v2 / IGAN_VN networks (seed 001 Figs. 3-9): shapes, the shortcut and branch layers, one output
and one discriminator per class."""
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from tfgan_repro import gans
from tfgan_repro.gans import igan as igan_gan
from tfgan_repro.networks import igan as nets
from tfgan_repro.training import loop

from tests.helpers import tiny_config

Z = tf.random.stateless_normal([2, 100], [0, 1])


def _io(layer):
  return tuple(layer.input.shape), tuple(layer.output.shape)


def test_igan_generator_makes_96x96x3_in_tanh_range():
  g = nets.generator(3, 100, width=4)
  out = g(Z, training=False)
  assert out.shape == (2, 96, 96, 3) and out.dtype == tf.float32
  assert np.all(np.abs(out.numpy()) <= 1.0)


@pytest.mark.parametrize("classes", [2, 3])
def test_multiclass_generator_makes_one_96x96x3_output_per_class(classes):
  g = nets.generator(3, 100, width=4, classes=classes, stride1_convs=True)
  outs = g(Z, training=False)
  assert len(outs) == classes
  assert all(o.shape == (2, 96, 96, 3) for o in outs)
  assert not np.allclose(outs[0].numpy(), outs[1].numpy())  # distinct per-class heads


def test_dense_heads_make_4x4x64_and_24x24x64():
  g = nets.generator(3, 100, width=64)
  assert g.get_layer("head4").units == 4 * 4 * 64 and g.get_layer("head24").units == 24 * 24 * 64


def test_shortcut_is_one_24x24_stride_24_layer_and_branch_4x4_stride_4():
  w = 4
  g = nets.generator(3, 100, width=w)
  shortcut, branch = g.get_layer("shortcut"), g.get_layer("branch")
  for layer, k, size_in in ((shortcut, 24, 4), (branch, 4, 24)):
    assert isinstance(layer, layers.Conv2DTranspose)
    assert layer.kernel_size == (k, k) and layer.strides == (k, k) and layer.padding == "valid"
    assert _io(layer) == ((None, size_in, size_in, w), (None, 96, 96, w))
  # The shortcut reads the 4x4 head directly: its input is the reshaped head, not a main-path layer.
  assert shortcut.input is g.get_layer("main_conv4").input
  join = g.get_layer("join")
  assert isinstance(join, layers.Add) and len(join.input) == 3


def test_final_conv_then_bn_then_float32_tanh():
  g = nets.generator(3, 100, width=4)
  assert isinstance(g.get_layer("to_image_bn"), layers.BatchNormalization)
  tanh = g.get_layer("to_image_tanh")
  assert tanh.get_config()["activation"] == "tanh" and tanh.compute_dtype == "float32"
  assert g.layers[-1] is tanh


def test_v2_has_a_stride1_conv_after_every_transposed_conv_except_the_shortcut():
  w = 4
  g = nets.generator(3, 100, width=w, classes=2, stride1_convs=True)
  transposed = [l for l in g.layers if isinstance(l, layers.Conv2DTranspose)]
  assert {l.name for l in transposed} == {"shortcut", "main_up8", "main_up48", "iblock0_up48", "iblock0_up96",
                                          "iblock1_up48", "iblock1_up96"}
  for layer in transposed:
    if layer.name == "shortcut":
      continue
    conv = g.get_layer(f"{layer.name}_conv")
    assert conv.strides == (1, 1) and conv.filters == layer.filters
  for c in range(2):  # IBlock c: two up-convolutions, 24 -> 48 -> 96, from the 24x24 head
    assert _io(g.get_layer(f"iblock{c}_up48")) == ((None, 24, 24, w), (None, 48, 48, w))
    assert _io(g.get_layer(f"iblock{c}_up96"))[1] == (None, 96, 96, w)


def test_dropout_is_fresh_in_training_and_deterministic_at_inference():
  g = nets.generator(3, 100, width=4, dropout=0.5)
  assert [l.rate for l in g.layers if isinstance(l, layers.Dropout)] == [0.5, 0.5]
  np.testing.assert_array_equal(g(Z, training=False).numpy(), g(Z, training=False).numpy())
  assert not np.allclose(g(Z, training=True).numpy(), g(Z, training=True).numpy())


def test_discriminator_is_a_residual_cnn_scoring_each_image_and_smaller_than_g():
  d = nets.discriminator(3, width=32)
  assert d(tf.zeros([2, 96, 96, 3]), training=False).shape == (2, 1)
  assert sum(isinstance(l, layers.Add) for l in d.layers) == 3
  assert d.count_params() < nets.generator(3, 100, width=64).count_params()


def test_bad_network_arguments_raise():
  with pytest.raises(ValueError, match="classes must be 0"):
    nets.generator(classes=1)
  with pytest.raises(ValueError, match="dropout"):
    nets.generator(dropout=1.0)


@pytest.mark.parametrize("preset, classes, expected", [
    ("igan_fashion_mnist_96", "", 1), ("igan_v2_fashion_mnist_96", "0,7", 2),
    ("igan_vn_fashion_mnist_96", "0,1,2", 3), ("igan_vn_mnist_96", "1,3,5,7", 4)])
def test_one_discriminator_and_one_optimizer_per_class(preset, classes, expected):
  config = tiny_config(preset, classes=classes)
  model = gans.build(config, loop.channels_of(config))
  assert len(model.discriminators) == len(model.d_optimizers) == expected
  assert len({id(d) for d in model.discriminators}) == expected
  assert len({id(o) for o in model.d_optimizers}) == expected
  outs = model._fakes(Z[:1], training=False)
  assert len(outs) == expected and all(o.shape == (1, 96, 96, 3) for o in outs)
  items = model.checkpoint_items()
  assert {f"discriminator_{c}" for c in range(expected)} <= set(items)
  assert {f"d_optimizer_{c}" for c in range(expected)} <= set(items)
  assert model.balanced_classes == (expected > 1)


def test_unlabelled_data_gets_num_branches_and_distinct_batches():
  config = tiny_config("igan_vn_lsun_96")
  assert config.classes == "" and igan_gan.num_classes_of(config, ()) == config.num_branches == 3
  model = gans.build(config, 3)
  assert not model.balanced_classes and model.batches_per_step == config.n_critic * 3


@pytest.mark.parametrize("preset, overrides, message", [
    ("igan_v2_fashion_mnist_96", {"classes": "0,1,2"}, "two-class"),
    ("igan_vn_fashion_mnist_96", {"classes": "4"}, ">= 2 classes"),
    ("igan_vn_fashion_mnist_96", {"num_branches": 4}, "num_branches"),
    ("igan_fashion_mnist_96", {"resolution": 64}, "96x96")])
def test_bad_configs_raise_one_clear_error(preset, overrides, message):
  config = tiny_config(preset, **overrides)
  with pytest.raises(ValueError, match=message):
    gans.build(config, 3)
