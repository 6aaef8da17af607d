"""Image grids: (N, H, W, C) float in [-1, 1] -> one uint8 mosaic, for TensorBoard and PNG files.

Multi-branch generators (IGAN_v2 / IGAN_VN) get their grid split into one row group per branch, each with a
label strip on its left (`branch_grids`), and one TensorBoard image per branch (`summarize`)."""
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


# --- multi-branch grids (IGAN_v2 / IGAN_VN: one generator output per class) ------------------------------
STRIP_MARGIN = 4  # px of background around a label's text


def split_class_major(images, k: int) -> list:
  """(N, ...) class-major -> K arrays; branch c holds N // K + (c < N % K), as IGAN.generate_images makes them."""
  images = np.asarray(images)
  n = len(images)
  counts = [n // k + (c < n % k) for c in range(k)]
  return np.split(images, np.cumsum(counts)[:-1])


def _text_size(draw, text: str, font) -> tuple:
  left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
  return right - left, bottom - top


def label_strip(text: str, height: int, width: int, channels: int) -> np.ndarray:
  """(height, width, channels) uint8: `text` in black on the grid's white background, vertically centred."""
  from PIL import Image, ImageDraw, ImageFont
  strip = Image.new("L", (width, height), 255)
  draw = ImageDraw.Draw(strip)
  font = ImageFont.load_default()
  _, text_h = _text_size(draw, text, font)
  draw.text((STRIP_MARGIN, max(0, (height - text_h) // 2)), text, fill=0, font=font)
  array = np.asarray(strip)[..., None]
  return np.repeat(array, channels, axis=-1)


def labelled_grid(groups, labels, columns: int = 0, pad: int = 1) -> np.ndarray:
  """K arrays (N_k, H, W, C) in [-1, 1] and K labels -> one uint8 mosaic: group k's grid (rows of `columns`)
  with a strip showing labels[k] to its left, the groups stacked top to bottom."""
  from PIL import Image, ImageDraw, ImageFont
  if len(groups) != len(labels):
    raise ValueError(f"Give one label per image group: {len(groups)} groups, {len(labels)} labels.")
  columns = columns or int(math.ceil(math.sqrt(sum(len(g) for g in groups))))
  draw, font = ImageDraw.Draw(Image.new("L", (1, 1))), ImageFont.load_default()
  width = max(_text_size(draw, str(t), font)[0] for t in labels) + 2 * STRIP_MARGIN
  rows = []
  for images, label in zip(groups, labels):
    mosaic = grid(images, columns=columns, pad=pad)  # `columns` wide even when the group is shorter
    if rows:  # a wider white gap between groups than between rows, so the groups read as groups
      rows.append(np.full((3 * pad, width + mosaic.shape[1], mosaic.shape[2]), 255, np.uint8))
    rows.append(np.concatenate([label_strip(str(label), mosaic.shape[0], width, mosaic.shape[2]), mosaic], 1))
  return np.concatenate(rows, axis=0)


def branch_grids(images, branch_names=(), columns: int = 0) -> tuple:
  """Class-major images (N, H, W, C) -> (mosaic, [(label, mosaic of that branch)]).

  With K >= 2 branch names the mosaic is `labelled_grid` of the K branches; otherwise the plain `grid`
  and no per-branch mosaics. columns: 0 = ceil(sqrt(N)) for every group, so the groups line up."""
  if len(branch_names) < 2:
    return grid(images, columns=columns), []
  groups = split_class_major(images, len(branch_names))
  columns = columns or int(math.ceil(math.sqrt(len(images))))
  per_branch = [(label, labelled_grid([g], [label], columns)) for label, g in zip(branch_names, groups)]
  return labelled_grid(groups, branch_names, columns), per_branch


def summarize(name: str, images, png_path, branch_names=()) -> None:
  """Writes `images` (N, H, W, C) in [-1, 1] as the PNG `png_path` and to the default TensorBoard writer as
  images/<name>; a multi-branch grid is labelled and also written as images/<name>_branch<c>, one per branch."""
  import tensorflow as tf
  mosaic, per_branch = branch_grids(images, branch_names)
  tf.summary.image(f"images/{name}", mosaic[None], max_outputs=1)
  for c, (label, tile) in enumerate(per_branch):
    tf.summary.image(f"images/{name}_branch{c}", tile[None], max_outputs=1, description=label)
  save_png(mosaic, png_path)
