"""Data sources and the pipeline: real Fashion-MNIST IDX, image folders, npz, TFDS (mocked), errors."""
import logging
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tfgan_repro.data import DataNotFoundError, load_source, make_dataset, sources


def test_idx_reader_on_real_fashion_mnist(fashion_dir):
  train = sources.load_idx_dir(fashion_dir, "train")
  test = sources.load_idx_dir(fashion_dir, "test")
  assert train.images.shape == (60000, 28, 28, 1) and train.images.dtype == np.uint8
  assert test.images.shape == (10000, 28, 28, 1)
  assert sorted(set(train.labels.tolist())) == list(range(10))
  assert np.bincount(train.labels).tolist() == [6000] * 10  # Fashion-MNIST is balanced
  assert 0 < train.images.mean() < 255


def test_fashion_mnist_found_without_data_dir(fashion_dir):
  batch = next(iter(make_dataset("fashion_mnist", 32, 8, seed=3)))
  images = batch["images"].numpy()
  assert images.shape == (8, 32, 32, 1) and images.dtype == np.float32
  assert images.min() >= -1.0 and images.max() <= 1.0 and images.min() < -0.9  # black background


def test_pipeline_is_a_function_of_seed_and_step(fashion_dir):
  stream = iter(make_dataset("fashion_mnist", 16, 4, seed=5))
  batches = [next(stream)["images"].numpy() for _ in range(3)]
  resumed = next(iter(make_dataset("fashion_mnist", 16, 4, seed=5, start_step=2)))["images"].numpy()
  np.testing.assert_array_equal(resumed, batches[2])
  other_seed = next(iter(make_dataset("fashion_mnist", 16, 4, seed=6)))["images"].numpy()
  assert not np.array_equal(other_seed, batches[0])


def test_classes_are_kept_and_renumbered(fashion_dir):
  batch = next(iter(make_dataset("fashion_mnist", 16, 3, classes="0,7", balanced_classes=True)))
  assert batch["labels"].numpy().tolist() == [0, 0, 0, 1, 1, 1]
  mixed = next(iter(make_dataset("fashion_mnist", 16, 64, classes=[7, 9])))["labels"].numpy()
  assert set(mixed.tolist()) <= {0, 1} and len(set(mixed.tolist())) == 2


def _write_images(folder, n, size=(20, 12), mode="RGB", suffix=".png"):
  os.makedirs(folder, exist_ok=True)
  rng = np.random.default_rng(0)
  for i in range(n):
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).convert(mode).save(
        os.path.join(folder, f"img{i}{suffix}"))


def test_folder_reader_skips_corrupt_files(tmp_path, caplog):
  _write_images(tmp_path / "a", 3)
  _write_images(tmp_path / "b" / "deeper", 2, suffix=".jpg")
  (tmp_path / "a" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
  (tmp_path / "b" / "empty.jpg").write_bytes(b"")
  with caplog.at_level(logging.WARNING):
    batch = next(iter(make_dataset("folder", 16, 5, data_dir=str(tmp_path))))
  assert "Skipped 2 unreadable image file(s) of 7" in caplog.text
  images = batch["images"].numpy()
  assert images.shape == (5, 16, 16, 3) and images.min() >= -1 and images.max() <= 1


def test_folder_classes_are_subfolders(tmp_path):
  _write_images(tmp_path / "cats", 2)
  _write_images(tmp_path / "dogs", 3)
  files = sources.list_image_folder(tmp_path, with_classes=True)
  assert files.class_names == ["cats", "dogs"]
  assert sorted(files.labels.tolist()) == [0, 0, 1, 1, 1]


def test_folder_with_no_readable_image_is_a_clear_error(tmp_path):
  (tmp_path / "x.png").write_bytes(b"garbage")
  with pytest.raises(DataNotFoundError, match="None of the 1 image files could be read"):
    make_dataset("folder", 16, 1, data_dir=str(tmp_path))


def test_npz_source(tmp_path):
  x = np.random.default_rng(1).integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
  np.savez(tmp_path / "d.npz", x=x, y=np.arange(10) % 2)
  batch = next(iter(make_dataset("cifar10", 8, 10, data_dir=str(tmp_path / "d.npz"), repeat=False)))
  got = np.sort(((batch["images"].numpy() + 1) * 127.5).round().reshape(10, -1), axis=0)
  np.testing.assert_array_equal(got, np.sort(x.reshape(10, -1).astype(np.float64), axis=0))


def test_training_pipelines_run_without_tf_data_autotuning(tmp_path):
  # With autotuning on, the end of `fit` sat idle after the last step for about as long as the run had
  # trained (13 s after 26 s, 40 s after 44 s; data/pipeline.py `_without_autotune`). Both kinds of source
  # turn it off; the batches are the same either way.
  import tensorflow_datasets as tfds
  x = np.random.default_rng(1).integers(0, 256, (40, 8, 8, 1), dtype=np.uint8)
  np.savez(tmp_path / "d.npz", x=x)
  ds = make_dataset("fashion_mnist", 8, 4, data_dir=str(tmp_path / "d.npz"), seed=3)
  assert ds.options().autotune.enabled is False
  tuned_opts = tf.data.Options()
  tuned_opts.autotune.enabled = True
  tuned = ds.with_options(tuned_opts)
  assert tuned.options().autotune.enabled is True
  for a, b in zip(ds.take(5), tuned.take(5)):
    np.testing.assert_array_equal(a["images"].numpy(), b["images"].numpy())
  with tfds.testing.mock_data(num_examples=12):
    assert make_dataset("cifar10", 16, 4, seed=0).options().autotune.enabled is False


def test_tfds_path_under_mock_data():
  import tensorflow_datasets as tfds
  with tfds.testing.mock_data(num_examples=12):
    batch = next(iter(make_dataset("cifar10", 16, 4, seed=0)))
  assert batch["images"].shape == (4, 16, 16, 3)
  assert float(tf.reduce_min(batch["images"])) >= -1 and float(tf.reduce_max(batch["images"])) <= 1


def test_message_when_nothing_is_available(tmp_path):
  with pytest.raises(DataNotFoundError) as info:
    load_source("cifar10", "train", str(tmp_path / "nowhere"))
  message = str(info.value)
  assert "No data for dataset 'cifar10'" in message and "TFDS 'cifar10'" in message
  assert "To supply it" in message and "--data_dir" in message


def test_bad_arguments_are_value_errors(fashion_dir):
  with pytest.raises(ValueError, match="batch_size must be a positive integer"):
    make_dataset("fashion_mnist", 32, -1)
  with pytest.raises(ValueError, match="Unknown dataset 'imagenet'"):
    make_dataset("imagenet", 32, 4)
  with pytest.raises(ValueError, match=r"--classes \[11\] have no images"):
    make_dataset("fashion_mnist", 32, 4, classes="11")
