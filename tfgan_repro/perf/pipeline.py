"""The input pipeline alone, per kind of source: Fashion-MNIST's IDX files (where installed), an image
folder and an .npz (both synthetic, written here), at one resolution and batch."""
import os
from typing import List, NamedTuple

import numpy as np

from tfgan_repro.perf import timing


class SourceFigures(NamedTuple):
  source: str       # what was read
  resolution: int
  batch: int
  startup_s: float  # from make_dataset to the first batch (in-memory sources frame every image up front)
  rate: timing.Rate


def image_folder(directory: str, n: int = 256, side: int = 64, seed: int = 0) -> str:
  """A folder of `n` random RGB PNGs of side x side; returns its path."""
  from PIL import Image
  folder = os.path.join(directory, f"folder_{side}px_{n}")
  if not os.path.isdir(folder):
    os.makedirs(folder)
    rng = np.random.default_rng(seed)
    for i in range(n):
      Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8)).save(os.path.join(folder, f"{i}.png"))
  return folder


def _measure(label: str, dataset: str, data_dir: str, resolution: int, batch: int, *, steps: int, repeats: int,
             warmup: int) -> SourceFigures:
  import time
  from tfgan_repro import data
  start = time.perf_counter()
  it = iter(data.make_dataset(dataset, resolution, batch, data_dir=data_dir))
  next(it)
  startup = time.perf_counter() - start
  rate = timing.loop_rate(lambda: next(it), lambda: None, steps=steps, repeats=repeats, warmup=warmup,
                          items_per_step=batch)
  return SourceFigures(label, resolution, batch, startup, rate)


def measure_sources(directory: str, npz_path: str, resolution: int, batch: int, *, steps: int, repeats: int,
                    warmup: int, fashion_mnist: bool = True) -> List[SourceFigures]:
  from tfgan_repro import data
  cases = []
  if fashion_mnist:
    try:
      found = data.find_source("fashion_mnist", "train", "")
      cases.append((f"Fashion-MNIST ({found.kind}, {found.num_images} images)", "fashion_mnist", ""))
    except (data.DataNotFoundError, ValueError):
      pass  # not installed here: the table says so by leaving the row out
  folder = image_folder(directory)
  cases.append(("image folder (256 PNG, 64x64 RGB, framed once into memory)", "folder", folder))
  cases.append((f".npz ({os.path.basename(npz_path)})", "folder", npz_path))
  return [_measure(label, name, path, resolution, batch, steps=steps, repeats=repeats, warmup=warmup)
          for label, name, path in cases]
