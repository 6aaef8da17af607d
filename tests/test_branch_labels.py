"""Multi-branch samples are labelled (issue 15.6): IGAN_v2/VN grids carry a strip naming each row group's
branch and class, in the PNG of training's SampleWriter and of `sample`, and TensorBoard gets one image
per branch."""
import glob

import numpy as np
import tensorflow as tf
from PIL import Image

from tests.helpers import tiny_config
from tfgan_repro import gans, sampling
from tfgan_repro.training import images as image_lib
from tfgan_repro.training.callbacks import SampleWriter


def _igan_v2():
  config = tiny_config("igan_v2_fashion_mnist_96")  # --classes=0,7
  return gans.build(config, 1), config


def test_branch_names_name_the_classes_or_the_branch():
  model, _ = _igan_v2()
  assert model.branch_names == ("branch 0: T-shirt/top", "branch 1: Sneaker")
  unlabelled = gans.build(tiny_config("igan_v2_celeba_96"), 3)
  assert unlabelled.branch_names == ("branch 0", "branch 1")
  from tfgan_repro.gans.igan import branch_names_of
  vn = tiny_config("igan_vn_fashion_mnist_96", classes="1,8,9")
  assert branch_names_of(vn, 3, (1, 8, 9)) == ("branch 0: Trouser", "branch 1: Bag", "branch 2: Ankle boot")
  assert gans.build(tiny_config("igan_fashion_mnist_96"), 1).branch_names == ()


def test_images_split_by_branch_in_generate_images_order():
  model, _ = _igan_v2()
  images = model.generate_images(7, seed=3)  # 4 of branch 0, then 3 of branch 1
  z = model.fixed_latents(4, 3)
  per_branch = [np.clip(o.numpy(), -1, 1) for o in model.generator(z, training=False)]
  first, second = image_lib.split_class_major(images, 2)
  np.testing.assert_allclose(first, per_branch[0], atol=1e-6)
  np.testing.assert_allclose(second, per_branch[1][:3], atol=1e-6)


def _strip_is_labelled(mosaic, plain, groups):
  """The labelled mosaic is wider than the plain grid, and the strip left of each group has dark text."""
  extra = mosaic.shape[1] - plain.shape[1]
  assert extra > 20, (mosaic.shape, plain.shape)
  strip = mosaic[:, :extra].min(axis=-1)
  bounds = np.linspace(0, mosaic.shape[0], groups + 1).astype(int)
  for top, bottom in zip(bounds[:-1], bounds[1:]):
    assert (strip[top:bottom] < 128).sum() > 10, (top, bottom)


def test_labelled_grid_has_a_label_strip_per_group():
  images = np.full((12, 8, 8, 3), 0.5, np.float32)  # light grey tiles: text pixels are the only dark ones
  mosaic, per_branch = image_lib.branch_grids(images, ("branch 0: Trouser", "branch 1: Bag", "branch 2: Coat"))
  _strip_is_labelled(mosaic, image_lib.grid(images), 3)
  assert [label for label, _ in per_branch] == ["branch 0: Trouser", "branch 1: Bag", "branch 2: Coat"]
  assert image_lib.branch_grids(images, ())[0].shape == image_lib.grid(images).shape  # one branch: no strip


def test_sample_writer_labels_the_png_and_writes_one_tensorboard_image_per_branch(tmp_path):
  model, _ = _igan_v2()
  writer = tf.summary.create_file_writer(str(tmp_path / "tb"))
  callback = SampleWriter(writer, every=1, sample_dir=str(tmp_path / "samples"), num_samples=8, seed=0)
  callback.set_model(model)
  callback.write(5)
  png = np.asarray(Image.open(tmp_path / "samples" / "samples_0000005.png"))
  _strip_is_labelled(png[..., None], image_lib.grid(model.generate_images(8, seed=0)), 2)
  tags = {}
  for path in glob.glob(str(tmp_path / "tb" / "events.*")):
    for event in tf.compat.v1.train.summary_iterator(path):
      for value in event.summary.value:
        tags[value.tag] = value.metadata.summary_description
  assert {"images/samples", "images/samples_branch0", "images/samples_branch1"} <= set(tags), tags
  assert tags["images/samples_branch1"] == "branch 1: Sneaker"


def test_sample_cli_grid_is_labelled_by_branch(tmp_path):
  model, _ = _igan_v2()
  written = sampling.write_samples(model, str(tmp_path / "out"), num=8, singles=1, interpolate_steps=3, rows=1)
  grid = np.asarray(Image.open(written["grid"]))
  _strip_is_labelled(grid[..., None], image_lib.grid(model.generate_images(8, seed=0)), 2)
  strip = np.asarray(Image.open(written["interpolation"]))
  _strip_is_labelled(strip[..., None], image_lib.grid(np.zeros((6, 96, 96, 1)), columns=3), 2)
