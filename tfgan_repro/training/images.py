"""Image grids: (N, H, W, C) float in [-1, 1] -> one uint8 mosaic, for TensorBoard and PNG files."""
import math
from pathlib import Path

import numpy as np


def to_uint8(images) -> np.ndarray:
  images = np.asarray(images, dtype=np.float32)
  return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def grid(images, columns: int = 0, pad: int = 1) -> np.ndarray:
  """(N, H, W, C) in [-1, 1] -> (rows*(H+pad)+pad, cols*(W+pad)+pad, C) uint8, row-major."""
  images = to_uint8(images)
  n, h, w, c = images.shape
  columns = columns or int(math.ceil(math.sqrt(n)))
  rows = int(math.ceil(n / columns))
  out = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad, c), 255, np.uint8)
  for i in range(n):
    r, col = divmod(i, columns)
    out[pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = images[i]
  return out


def save_png(array: np.ndarray, path) -> None:
  from PIL import Image
  Path(path).parent.mkdir(parents=True, exist_ok=True)
  Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)
