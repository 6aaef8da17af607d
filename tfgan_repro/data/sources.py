"""Readers that turn a local data source into uint8 images (N, H, W, C) and int64 labels.

Nothing here downloads. Each reader raises `DataNotFoundError` (a `ValueError`) with a message that says
how to supply the data when it is missing.
"""
import gzip
import io
import logging
import struct
import sys
import time
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np

# Looked at only when no --data_dir is given.
IDX_DEFAULT_DIRS = {
    "fashion_mnist": ["/usr/share/datasets/fashion-mnist"],  # Debian: apt-get install dataset-fashion-mnist
    "mnist": ["/usr/share/datasets/mnist"],
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
# An image folder is decoded and framed once into a uint8 array of this many bytes at most (CelebA at 64x64x3:
# 2.4 GiB); a larger one is decoded again for every batch (slower, but in constant memory).
FOLDER_MEMORY_CAP = 2 * 1024**3
FRAMING_PROGRESS_S = 3.0  # framing that takes longer prints a progress line this often


class DataNotFoundError(ValueError):
  """No source held the requested data; the message lists what was tried and how to supply it."""


class InMemory(NamedTuple):
  images: np.ndarray   # (N, H, W, C) uint8
  labels: np.ndarray   # (N,) int64; -1 where unknown


class ImageFiles(NamedTuple):
  paths: list          # image file paths, decoded lazily by the pipeline
  labels: np.ndarray   # (N,) int64; class = index of the sub-folder in sorted order, -1 if flat
  class_names: list


def _open_maybe_gz(path: Path):
  return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path) -> np.ndarray:
  """Reads one IDX file (LeCun's MNIST format, optionally gzipped) into a NumPy array."""
  path = Path(path)
  with _open_maybe_gz(path) as f:
    magic = f.read(4)
    if len(magic) != 4 or magic[0] != 0 or magic[1] != 0 or magic[2] != 0x08:
      raise ValueError(f"{path} is not an unsigned-byte IDX file (magic {magic!r}).")
    ndim = magic[3]
    shape = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
    data = np.frombuffer(f.read(), dtype=np.uint8)
  if data.size != int(np.prod(shape)):
    raise ValueError(f"{path}: header says {shape} but holds {data.size} bytes (truncated file?).")
  return data.reshape(shape)


def _find_idx(directory: Path, stem: str) -> Optional[Path]:
  for name in (stem + "-ubyte.gz", stem + "-ubyte", stem + ".gz", stem):
    if (directory / name).is_file():
      return directory / name
  return None


def load_idx_dir(directory, split: str = "train") -> Optional[InMemory]:
  """Loads `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]` from `directory`; None if absent."""
  directory = Path(directory)
  prefix = {"train": "train", "test": "t10k"}.get(split)
  if prefix is None:
    raise ValueError(f"IDX data has splits 'train' and 'test', not {split!r}.")
  images_path = _find_idx(directory, f"{prefix}-images-idx3")
  labels_path = _find_idx(directory, f"{prefix}-labels-idx1")
  if images_path is None or labels_path is None:
    return None
  images = read_idx(images_path)[..., None]  # (N, 28, 28, 1)
  labels = read_idx(labels_path).astype(np.int64)
  if len(images) != len(labels):
    raise ValueError(f"{images_path} has {len(images)} images but {labels_path} {len(labels)} labels.")
  return InMemory(images, labels)


def load_npz(path, split: str = "train") -> InMemory:
  """Loads an .npz holding `x`/`images` (N, H, W[, C]) and optional `y`/`labels`.

  Split-specific keys (`x_train`, `y_test`, ...) are used when present. Pixels may be uint8, integers in
  [0, 255] or floats in [0, 1], [-1, 1] or [0, 255] (told apart by their range); anything else is refused.
  """
  with np.load(path) as f:
    keys = set(f.files)
    x_key = next((k for k in (f"x_{split}", f"images_{split}", "x", "images") if k in keys), None)
    if x_key is None:
      raise ValueError(f"{path} has keys {sorted(keys)}; expected 'x' or 'images' (or 'x_{split}').")
    y_key = next((k for k in (f"y_{split}", f"labels_{split}", "y", "labels") if k in keys), None)
    images = np.asarray(f[x_key])
    labels = np.asarray(f[y_key]).astype(np.int64).reshape(-1) if y_key else np.full(len(images), -1)
  if images.ndim == 3:
    images = images[..., None]
  if images.ndim != 4 or images.shape[-1] not in (1, 3, 4) or not len(images):
    raise ValueError(f"{path}: '{x_key}' has shape {images.shape}; expected (N, H, W) or (N, H, W, C) with "
                     "N > 0 and C = 1, 3 or 4.")
  if len(labels) != len(images):
    raise ValueError(f"{path}: '{x_key}' holds {len(images)} images but '{y_key}' {len(labels)} labels.")
  return InMemory(to_uint8(images, f"{path}: '{x_key}'"), labels)


# Accepted float ranges, in the order they are tried (a set inside [0, 1] is read as [0, 1]). The slack
# absorbs float round-off of normalised data (e.g. 1.0000001); values are clipped after scaling.
_FLOAT_RANGES = (((0.0, 1.0), lambda x: x * 255.0),
                 ((-1.0, 1.0), lambda x: (x + 1.0) * 127.5),
                 ((0.0, 255.0), lambda x: x))
_SLACK = 1e-3


def to_uint8(images: np.ndarray, what: str) -> np.ndarray:
  """uint8 as is; integers in [0, 255]; floats by range. Raises ValueError naming `what` otherwise."""
  if images.dtype == np.uint8:
    return images
  if images.dtype == np.bool_:  # a binary image: True is white
    return images.astype(np.uint8) * 255
  if images.dtype.kind in "iu":
    lo, hi = int(images.min()), int(images.max())
    if lo < 0 or hi > 255:
      raise ValueError(f"{what} holds integers in [{lo}, {hi}]; integer pixels must lie in [0, 255].")
    return images.astype(np.uint8)
  if images.dtype.kind != "f":
    raise ValueError(f"{what} has dtype {images.dtype}; pixels must be uint8, integers or floats.")
  bad = int(np.size(images) - np.count_nonzero(np.isfinite(images)))
  if bad:
    raise ValueError(f"{what} holds {bad} non-finite pixel value(s) (NaN or Inf) of {images.size}; "
                     "clean or drop those images first.")
  lo, hi = float(images.min()), float(images.max())
  for (low, high), scale in _FLOAT_RANGES:
    if lo >= low - _SLACK and hi <= high + _SLACK:
      return np.clip(np.round(scale(images)), 0, 255).astype(np.uint8)
  raise ValueError(f"{what} holds floats in [{lo:g}, {hi:g}]; float pixels must lie in [0, 1], [-1, 1] "
                   "or [0, 255] (or store uint8).")


def list_image_folder(directory, with_classes: bool = False) -> ImageFiles:
  """Lists jpg/png files below `directory` (recursively); class = first-level sub-folder if asked."""
  directory = Path(directory)
  paths = sorted(str(p) for p in directory.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
  if not paths:
    raise DataNotFoundError(f"No .jpg/.png images found below {directory}.")
  class_names = []
  labels = np.full(len(paths), -1, dtype=np.int64)
  if with_classes:
    rel_first = [Path(p).relative_to(directory).parts[0] for p in paths]
    class_names = sorted({r for r, p in zip(rel_first, paths) if Path(p).parent != directory})
    index = {name: i for i, name in enumerate(class_names)}
    labels = np.array([index.get(r, -1) for r in rel_first], dtype=np.int64)
  return ImageFiles(paths, labels, class_names)


def check_image_files(files: ImageFiles) -> ImageFiles:
  """Drops files that cannot be decoded (logging how many); raises if none can."""
  from PIL import Image  # only needed for folders
  good = []
  for i, p in enumerate(files.paths):
    try:
      with open(p, "rb") as f:  # one read of the file; PIL parses the bytes twice
        raw = io.BytesIO(f.read())
      with Image.open(raw) as im:
        im.verify()  # chunk checksums, which TensorFlow's decoder rejects but a decode alone does not check
      raw.seek(0)
      with Image.open(raw) as im:
        im.load()  # the pixel data itself (a truncated file passes verify)
      good.append(i)
    except Exception:  # any unreadable file is skipped, never a mid-run traceback
      pass
  skipped = len(files.paths) - len(good)
  if skipped:
    logging.warning("Skipped %d unreadable image file(s) of %d.", skipped, len(files.paths))
  if not good:
    raise DataNotFoundError(f"None of the {len(files.paths)} image files could be read.")
  return ImageFiles([files.paths[i] for i in good], files.labels[good], files.class_names)


def frame_image_files(paths, resolution: int, channels: int, frame_file, *,
                      what: str = "image folder") -> Optional[np.ndarray]:
  """Decodes and frames every image once: uint8 (N, resolution, resolution, channels), image i from paths[i],
  quantised as the in-memory sources are; None (with a message saying so) above `FOLDER_MEMORY_CAP` bytes.

  frame_file: tf string path -> float32 (resolution, resolution, channels) in [-1, 1] (the pipeline's framing).
  Prints a progress line every `FRAMING_PROGRESS_S` seconds when framing takes longer than that.
  """
  n = len(paths)
  need = n * resolution * resolution * channels
  cap_bytes = FOLDER_MEMORY_CAP
  if need > cap_bytes:
    logging.warning("%s: %d images at %dx%dx%d would take %.1f GiB in memory (cap %.1f GiB); decoding them "
                    "again for every batch instead (slower).", what, n, resolution, resolution, channels,
                    need / 1024**3, cap_bytes / 1024**3)
    return None
  import tensorflow as tf  # only folders need it here
  framed = np.empty((n, resolution, resolution, channels), np.uint8)
  ds = tf.data.Dataset.from_tensor_slices(tf.constant(list(paths), tf.string)).map(
      frame_file, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).batch(256)
  start = last = time.monotonic()
  done = 0
  for chunk in ds.as_numpy_iterator():
    framed[done:done + len(chunk)] = ((chunk + 1.0) * 127.5).round()  # as the in-memory sources
    done += len(chunk)
    now = time.monotonic()
    if now - start > FRAMING_PROGRESS_S and (now - last > FRAMING_PROGRESS_S or done == n):
      print(f"Framing {what}: {done}/{n} images", file=sys.stderr, flush=True)
      last = now
  return framed
