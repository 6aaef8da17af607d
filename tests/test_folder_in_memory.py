"""Image folders are decoded and framed once and fed from memory (issue 13: the pipeline decoded every image
of every batch): the same images in the same order as decoding per batch, quantised to uint8 as the other
in-memory sources; resumption starts where it stopped; a folder over the memory cap falls back, saying so."""
import logging

import numpy as np
import pytest
from PIL import Image

from tfgan_repro.data import sources
from tfgan_repro.data.pipeline import make_dataset


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
  """Two class sub-folders of RGB images of different sizes and shapes (each is cropped and resized)."""
  root = tmp_path_factory.mktemp("folder")
  rng = np.random.default_rng(0)
  for c, n in (("cats", 5), ("dogs", 4)):
    (root / c).mkdir()
    for i in range(n):
      w, h = 20 + 3 * i, 12 + (5 * i if c == "dogs" else 0)
      Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(root / c / f"img{i}.png")
  return str(root)


def _batches(folder, n=6, **kwargs):
  it = iter(make_dataset("folder", 16, 3, data_dir=folder, seed=4, **kwargs))
  return [{k: v.numpy() for k, v in next(it).items()} for _ in range(n)]


def _quantised(images):
  return np.round((images + 1.0) * 127.5).astype(np.uint8).astype(np.float32) / 127.5 - 1.0


@pytest.mark.parametrize("kwargs", [{}, dict(classes="1,0", balanced_classes=True), dict(classes="1"),
                                    dict(channels=1), dict(start_step=3)])
def test_in_memory_folder_gives_the_per_batch_images_in_the_same_order(folder, monkeypatch, kwargs):
  fast = _batches(folder, **kwargs)  # 6 batches of 3 (or 2 x 3) over 9 images: several epochs
  monkeypatch.setattr(sources, "FOLDER_MEMORY_CAP", 0)  # the per-batch path, as before issue 13
  slow = _batches(folder, **kwargs)
  for f, s in zip(fast, slow):
    np.testing.assert_array_equal(f["labels"], s["labels"])
    assert f["images"].shape == s["images"].shape
    np.testing.assert_array_equal(f["images"], _quantised(s["images"]))  # uint8 in memory, as npz / IDX
    assert np.abs(f["images"] - s["images"]).max() <= 0.5 / 127.5 + 1e-6


def test_resumed_in_memory_folder_continues_the_stream(folder):
  whole, resumed = _batches(folder, n=8), _batches(folder, n=5, start_step=3)
  for a, b in zip(whole[3:], resumed):
    np.testing.assert_array_equal(a["images"], b["images"])
    np.testing.assert_array_equal(a["labels"], b["labels"])


def test_folder_over_the_memory_cap_says_so_and_still_trains(folder, monkeypatch, caplog):
  monkeypatch.setattr(sources, "FOLDER_MEMORY_CAP", 1000)
  with caplog.at_level(logging.WARNING):
    batch = _batches(folder, n=1)[0]
  assert "would take 0.0 GiB in memory (cap 0.0 GiB); decoding them again for every batch" in caplog.text
  assert "9 images at 16x16x3" in caplog.text
  assert batch["images"].shape == (3, 16, 16, 3)


def test_slow_framing_prints_its_progress(folder, monkeypatch, capsys):
  monkeypatch.setattr(sources, "FRAMING_PROGRESS_S", 0.0)
  _batches(folder, n=1)
  lines = capsys.readouterr().err.splitlines()
  assert lines and lines[-1].startswith("Framing image folder ") and lines[-1].endswith(": 9/9 images")
