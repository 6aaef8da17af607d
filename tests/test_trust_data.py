"""The data a run reads is the data the user named (issue 12): an explicit --data_dir is the only source
tried, the source read is described, bad .npz pixels are refused, CelebA framing works for any image size,
TFDS files are shuffled with the run's seed, and run directories refuse or fail with one clear line."""
import json
import logging
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tfgan_repro.data import DataNotFoundError, find_source, make_dataset, pipeline, sources
from tfgan_repro.data.locate import portable_path
from tfgan_repro.training import run_dir
from tests.helpers import tiny_config


def _write_images(folder, n, size=(64, 64)):
  os.makedirs(folder, exist_ok=True)
  rng = np.random.default_rng(0)
  for i in range(n):
    Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(
        os.path.join(folder, f"img{i}.png"))


# 12.1: an explicit --data_dir is the only source tried, even when the machine has the data set itself.

def test_missing_data_dir_is_an_error_not_the_system_copy(fashion_dir, tmp_path):
  with pytest.raises(DataNotFoundError, match=r"--data_dir=\S+nowhere does not exist"):
    find_source("fashion_mnist", "train", str(tmp_path / "nowhere"))


def test_empty_data_dir_says_what_was_looked_for_there(fashion_dir, tmp_path):
  with pytest.raises(DataNotFoundError) as info:
    find_source("fashion_mnist", "train", str(tmp_path))
  message = str(info.value)
  assert f"--data_dir={tmp_path} holds nothing usable" in message
  assert "train-images-idx3-ubyte" in message and ".jpg/.png" in message and "TFDS 'fashion_mnist'" in message
  assert "\n" not in message


def test_a_data_dir_of_own_images_is_what_is_read(fashion_dir, tmp_path):
  _write_images(tmp_path / "mine", 5, size=(20, 20))
  source = find_source("fashion_mnist", "train", str(tmp_path / "mine"))
  assert source.describe() == {"kind": "folder", "path": str(tmp_path / "mine"), "images": 5, "classes": 0}
  batch = next(iter(make_dataset("fashion_mnist", 16, 5, data_dir=str(tmp_path / "mine"), repeat=False)))
  assert batch["images"].shape == (5, 16, 16, 1)


def test_without_data_dir_the_system_copy_is_read_and_described(fashion_dir):
  source = find_source("fashion_mnist", "train")
  assert source.describe() == {"kind": "idx", "path": "default:fashion_mnist", "images": 60000, "classes": 10}
  assert str(source) == f"IDX files in {fashion_dir} (60000 images, 10 classes)"


def test_recorded_paths_name_no_machine(tmp_path, monkeypatch):
  home, work = tmp_path / "home", tmp_path / "work"
  (work / "data").mkdir(parents=True)
  (home / "d").mkdir(parents=True)
  monkeypatch.setenv("HOME", str(home))
  monkeypatch.chdir(work)
  assert portable_path(str(work / "data")) == "data"
  assert portable_path(str(home / "d" / "x.npz")) == "~/d/x.npz"
  assert portable_path("~/d") == "~/d"
  assert portable_path("/elsewhere/x.npz") == "/elsewhere/x.npz"  # a path outside both stays as given


def test_npz_source_is_described(tmp_path):
  np.savez(tmp_path / "d.npz", x=np.zeros((6, 8, 8, 3), np.uint8), y=np.array([0, 1, 1, 2, 2, 2]))
  assert find_source("cifar10", "train", str(tmp_path / "d.npz")).describe() == {
      "kind": "npz", "path": str(tmp_path / "d.npz"), "images": 6, "classes": 3}


def test_datasets_without_a_default_place_need_data_dir():
  with pytest.raises(DataNotFoundError, match="no --data_dir given.*needs --data_dir"):
    find_source("folder", "train")


# 12.2: non-finite pixels are an error; float ranges are told apart robustly; anything else is refused.

def _npz(tmp_path, x):
  np.savez(tmp_path / "d.npz", x=x)
  return str(tmp_path / "d.npz")


def test_nan_pixels_are_an_error_naming_file_and_count(tmp_path):
  x = np.random.default_rng(0).random((4, 8, 8, 3)).astype(np.float32)  # [0, 1]
  x[0, 0, 0, 0], x[1, 2, 3, 1], x[2, 0, 0, 2] = np.nan, np.inf, -np.inf
  path = _npz(tmp_path, x)
  with pytest.raises(ValueError, match=r"d\.npz: 'x' holds 3 non-finite pixel value\(s\)") as info:
    sources.load_npz(path)
  assert path in str(info.value)


@pytest.mark.parametrize("low, high, to_uint8", [
    (0.0, 1.0, lambda x: x * 255),
    (-1.0, 1.0, lambda x: (x + 1) * 127.5),
    (0.0, 255.0, lambda x: x),
])
def test_float_ranges_are_detected(tmp_path, low, high, to_uint8):
  x = np.random.default_rng(1).uniform(low, high, (4, 8, 8, 1)).astype(np.float32)
  x[0, 0, 0, 0], x[0, 0, 1, 0] = low, high
  got = sources.load_npz(_npz(tmp_path, x)).images
  np.testing.assert_array_equal(got, np.clip(np.round(to_uint8(x)), 0, 255).astype(np.uint8))


@pytest.mark.parametrize("low, high", [(-2, 2), (-1, 255), (0, 1000)])  # e.g. standardised, mixed, 10-bit
def test_other_float_ranges_are_refused_with_the_accepted_ones(tmp_path, low, high):
  x = np.linspace(low, high, 4 * 64, dtype=np.float32).reshape(4, 8, 8)
  with pytest.raises(ValueError, match=r"must lie in \[0, 1\], \[-1, 1\] or \[0, 255\]"):
    sources.load_npz(_npz(tmp_path, x))


def test_integer_pixels_must_be_bytes(tmp_path):
  x = np.arange(4 * 64, dtype=np.int64).reshape(4, 8, 8)  # 0..255
  np.testing.assert_array_equal(sources.load_npz(_npz(tmp_path, x)).images[..., 0], x.astype(np.uint8))
  with pytest.raises(ValueError, match=r"integers in \[1, 256\]; integer pixels must lie in \[0, 255\]"):
    sources.load_npz(_npz(tmp_path, x + 1))


# 12.6: CelebA framing: the 140-px face box in the aligned 178x218 framing, the centred square otherwise.

def test_celeba_framing_of_aligned_and_other_sizes():
  aligned = tf.random.uniform((1, 218, 178, 3), 0, 255, seed=1)
  np.testing.assert_allclose(pipeline.frame(aligned, 140, "celeba_140"),
                             tf.clip_by_value(aligned[:, 39:179, 19:159] / 127.5 - 1, -1, 1), atol=1e-4)
  crops = tf.random.uniform((2, 64, 80, 3), 0, 255, seed=2)
  np.testing.assert_allclose(pipeline.frame(crops, 32, "celeba_140"), pipeline.frame(crops, 32, "center_square"))


def test_celeba_from_a_folder_of_64px_crops(tmp_path, caplog):
  _write_images(tmp_path, 4)
  with caplog.at_level(logging.WARNING):
    batch = next(iter(make_dataset("celeba", 64, 4, data_dir=str(tmp_path), repeat=False)))
  assert batch["images"].shape == (4, 64, 64, 3)
  assert "images are 64x64, not the aligned 178x218" in caplog.text


# 12.14: TFDS files are shuffled with the run's seed, so the stream (and a resume with `skip`) is exact.

def _file_reader(captured):
  """Stands in for TFDS's reader: 4 'files' of 3 examples, file order shuffled as TFDS does it."""
  def as_dataset(self, split, shuffle_files=False, read_config=None, **kwargs):
    captured.append((shuffle_files, read_config.shuffle_seed, read_config.shuffle_reshuffle_each_iteration))
    files = tf.data.Dataset.range(4)
    if shuffle_files:
      files = files.shuffle(4, seed=read_config.shuffle_seed,
                            reshuffle_each_iteration=read_config.shuffle_reshuffle_each_iteration)
    return files.flat_map(lambda f: tf.data.Dataset.range(3).map(lambda i: {
        "image": tf.fill([4, 4, 3], tf.cast(f * 3 + i, tf.uint8)), "label": tf.cast(f, tf.int64)}))
  return as_dataset


def _ids(ds, n):
  return [int(((b["images"][0, 0, 0, 0].numpy() + 1) * 127.5).round()) for b in ds.take(n)]


def test_tfds_files_are_shuffled_with_the_run_seed_and_resume_is_exact():
  import tensorflow_datasets as tfds
  captured = []
  with tfds.testing.mock_data(as_dataset_fn=_file_reader(captured)):
    run = lambda seed, start=0: _ids(make_dataset("cifar10", 4, 1, seed=seed, start_step=start), 30 - start)
    first, again, resumed, other = run(7), run(7), run(7, start=13), run(8)
  assert captured[0] == (True, 7, True) and captured[-1][1] == 8
  assert first == again and resumed == first[13:] and other != first
  assert sorted(first[:12]) == sorted(first[12:24])  # every example once per epoch


def test_tfds_classes_that_do_not_exist_are_refused():
  import tensorflow_datasets as tfds
  with tfds.testing.mock_data(as_dataset_fn=_file_reader([])):
    with pytest.raises(ValueError, match=r"--classes \[42\] have no images in 'cifar10' \(it has 10 classes\)"):
      make_dataset("cifar10", 4, 1, classes="42")


# 12.5 and 12.9: run directories.

def test_workdir_below_a_file_is_one_line(tmp_path):
  (tmp_path / "file").write_text("")
  with pytest.raises(run_dir.RunDirError, match=r"file is a file, not a directory"):
    run_dir.check(str(tmp_path / "file" / "x"), tiny_config("dcgan_fashion_mnist_32"))


def test_foreign_run_directory_names_what_it_holds(tmp_path):
  run_dir.prepare(str(tmp_path), tiny_config("began_skip_fashion_mnist_32"))
  with pytest.raises(run_dir.RunDirError) as info:
    run_dir.check(str(tmp_path), tiny_config("dcgan_fashion_mnist_32"))
  message = str(info.value)
  assert message.startswith(f"{tmp_path} holds a began_skip run (preset began_skip_fashion_mnist_32/tiny), "
                            "not this command's dcgan (preset dcgan_fashion_mnist_32/tiny); ")
  assert "field(s) differ. Pass --overwrite" in message and len(message) - len(str(tmp_path)) < 220
  other_size = tiny_config("dcgan_fashion_mnist_96")
  assert "field(s) differ, among them resolution: 32 -> 96. Pass" in str(
      pytest.raises(run_dir.RunDirError, run_dir.check, str(tmp_path), other_size).value)


def test_same_preset_lists_a_few_fields(tmp_path):
  config = tiny_config("dcgan_fashion_mnist_32")
  run_dir.prepare(str(tmp_path), config)
  changed = tiny_config("dcgan_fashion_mnist_32", g_lr=0.1, d_lr=0.1, seed=5, batch_size=3, z_dim=7, beta1=0.9)
  message = str(pytest.raises(run_dir.RunDirError, run_dir.check, str(tmp_path), changed).value)
  assert "different config (batch_size: " in message and "; and 2 more)" in message
  assert json.loads((tmp_path / "config.json").read_text())["g_lr"] == config.g_lr
