"""BEGAN networks: 3x3 ELU blocks, 8x8 bottleneck at every resolution, skip connections in G and D's
decoder only (seed 000 §2-§3.1; SPEC §1-§2)."""
import math

import keras
import numpy as np
import pytest

from tfgan_repro.networks import began as nets


def _blocks(model):
  return [l for l in model.layers if isinstance(l, nets.ConvBlock)]


def _probe(model, block, inputs):
  """(input, output) of `block` inside `model` on `inputs`."""
  x, y = keras.Model(model.input, [block.input, block.output])(inputs)
  return np.asarray(x), np.asarray(y)


@pytest.mark.parametrize("skip", [False, True])
def test_skip_adds_each_block_input_in_generator_and_decoder_only(skip):
  rng = np.random.default_rng(0)
  g = nets.generator(32, 1, z_dim=8, width=4, skip_connections=skip)
  d = nets.discriminator(32, 1, h_dim=8, width=4, skip_connections=skip)
  z = rng.uniform(-1, 1, (2, 8)).astype("float32")
  images = rng.uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
  decoder, encoder = d.get_layer("decoder"), d.get_layer("encoder")
  for net, inputs in ((g, z), (decoder, z)):
    assert len(_blocks(net)) == 3
    for block in _blocks(net):
      x, y = _probe(net, block, inputs)
      conv = np.asarray(block.conv_path(x))
      assert np.abs(x).max() > 1e-3  # the input term is not negligible, so the check can fail
      np.testing.assert_allclose(y, conv + x if skip else conv, rtol=1e-5, atol=1e-6)
  for block in _blocks(encoder):
    assert not block.skip
    x, y = _probe(encoder, block, images)
    np.testing.assert_allclose(y, np.asarray(block.conv_path(x)), rtol=1e-5, atol=1e-6)
    assert np.abs(y - (np.asarray(block.conv_path(x)) + x)).max() > 1e-3


def test_skip_block_with_channel_change_adds_a_1x1_projection():
  block = nets.ConvBlock(5, skip=True)
  x = np.random.default_rng(1).normal(size=(2, 6, 6, 3)).astype("float32")
  y = np.asarray(block(x))
  assert block.projection is not None and block.projection.kernel.shape == (1, 1, 3, 5)
  np.testing.assert_allclose(y, np.asarray(block.conv_path(x)) + np.asarray(block.projection(x)),
                             rtol=1e-5, atol=1e-6)
  same = nets.ConvBlock(3, skip=True)
  np.testing.assert_allclose(np.asarray(same(x)), np.asarray(same.conv_path(x)) + x, rtol=1e-5, atol=1e-6)
  assert same.projection is None and len(same.weights) == 4  # two kernels, two biases


@pytest.mark.parametrize("resolution", [32, 64, 128, 256])
def test_bottleneck_is_8x8_and_encoder_widths_grow_by_n(resolution):
  width, blocks = 2, int(math.log2(resolution // 8)) + 1
  g = nets.generator(resolution, 3, z_dim=4, width=width)
  d = nets.discriminator(resolution, 3, h_dim=4, width=width)
  enc, dec = d.get_layer("encoder"), d.get_layer("decoder")
  assert g.get_layer("bottleneck").output.shape[1:] == (8, 8, width)
  assert dec.get_layer("bottleneck").output.shape[1:] == (8, 8, width)
  assert [b.output.shape[-1] for b in _blocks(enc)] == [width * (i + 1) for i in range(blocks)]  # n, 2n, 3n
  assert _blocks(enc)[-1].output.shape[1:3] == (8, 8)
  assert len(_blocks(g)) == len(_blocks(dec)) == blocks
  assert g.output.shape[1:] == d.output.shape[1:] == (resolution, resolution, 3)
  assert enc.output.shape[1:] == (4,)


def test_layers_are_3x3_elu_convs_with_stride_2_down_and_nearest_up():
  d = nets.discriminator(64, 3, h_dim=4, width=2)
  g = nets.generator(64, 3, z_dim=4, width=2)
  convs = []
  for net in (g, d.get_layer("encoder"), d.get_layer("decoder")):
    for layer in net.layers:
      assert not isinstance(layer, (keras.layers.BatchNormalization, keras.layers.Dropout))
      if isinstance(layer, nets.ConvBlock):
        convs += [layer.conv1, layer.conv2]
      elif isinstance(layer, keras.layers.Conv2D):
        convs.append(layer)
      if isinstance(layer, keras.layers.UpSampling2D):
        assert layer.interpolation == "nearest"
  outputs = [c for c in convs if c.name == "to_image"]
  assert len(outputs) == 2 and all(c.activation.__name__ == "linear" for c in outputs)
  hidden = [c for c in convs if c.name != "to_image"]
  assert all(c.kernel_size == (3, 3) and c.activation.__name__ == "elu" for c in hidden)
  assert sorted(c.strides[0] for c in hidden).count(2) == 3  # 64 -> 32 -> 16 -> 8
  assert len([l for l in g.layers if isinstance(l, keras.layers.UpSampling2D)]) == 3
  # seed 000 §2: G at 64x64 has 9 convolutions and 3 up-samplings.
  assert sum(2 if isinstance(l, nets.ConvBlock) else isinstance(l, keras.layers.Conv2D) for l in g.layers) == 9


def test_unsupported_resolution_says_what_is_allowed():
  with pytest.raises(ValueError, match="32, 64, 128, 256"):
    nets.generator(48, 1)


def test_mixed_precision_outputs_are_float32():
  keras.mixed_precision.set_dtype_policy("mixed_bfloat16")  # reset by the conftest fixture
  g = nets.generator(32, 1, z_dim=4, width=2)
  d = nets.discriminator(32, 1, h_dim=4, width=2)
  assert _blocks(g)[0].conv1.compute_dtype == "bfloat16"
  out = d(g(np.zeros((1, 4), "float32")))
  assert g.output.dtype == "float32" and out.dtype == "float32"
