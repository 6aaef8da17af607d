"""What every feature network shares: input conventions, batching with a progress bar, weight hashing.

Images enter as uint8 (N, H, W, C) in 0..255 or float (N, H, W, C) in [-1, 1] (the generator's range),
C in {1, 3}. They are turned into float32 pixels in [0, 255] -- optionally rounded to the 256 levels a PNG
would store ("uint8 quantisation") -- and each network then matches channels, resizes and normalises as
it expects (see its `resize` attribute, recorded with every score).
"""
import hashlib
import os
from typing import Iterable, Optional, Union

import numpy as np
import tensorflow as tf


class WeightsNotFoundError(FileNotFoundError):
  """A feature network's weight file is missing; the message names it, its origin and the flag to pass."""


def sha256_prefix(path, chars: int = 12) -> str:
  """First `chars` hex digits of the file's sha256 (recorded as the weight hash)."""
  digest = hashlib.sha256()
  with open(path, "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
      digest.update(block)
  return digest.hexdigest()[:chars]


def to_pixels(images, quantize: bool = True) -> np.ndarray:
  """uint8 (B, H, W[, C]) or float in [-1, 1] -> float32 (B, H, W, C) in [0, 255].

  quantize: round float images to integers, i.e. score exactly what a saved PNG would hold.
  """
  images = images.numpy() if isinstance(images, tf.Tensor) else np.asarray(images)
  if images.ndim == 3:
    images = images[..., None]  # (B, H, W) grayscale
  if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
    raise ValueError(f"Images must be (N, H, W, C) with C in 1, 3 (or 4 with alpha); got {images.shape}.")
  images = images[..., :3]
  if images.dtype == np.uint8:
    return images.astype(np.float32)
  if not np.issubdtype(images.dtype, np.floating):
    raise ValueError(f"Images must be uint8 (0..255) or float in [-1, 1]; got dtype {images.dtype}.")
  lo, hi = float(images.min()), float(images.max())
  if lo < -1.01 or hi > 1.01:
    raise ValueError(f"Float images must lie in [-1, 1] (the generator's range); got [{lo:.3g}, {hi:.3g}]. "
                     "Pass 0..255 images as uint8.")
  pixels = np.clip((images.astype(np.float32) + 1.0) * 127.5, 0.0, 255.0)
  return np.round(pixels) if quantize else pixels


def match_channels(pixels: tf.Tensor, channels: int) -> tf.Tensor:
  """(B, H, W, 1|3) -> (B, H, W, channels): grayscale is tiled to RGB; RGB -> luma (ITU-R 601)."""
  have = pixels.shape[-1]
  if have == channels:
    return pixels
  if have == 1 and channels == 3:
    return tf.tile(pixels, [1, 1, 1, 3])
  if have == 3 and channels == 1:
    return tf.image.rgb_to_grayscale(pixels)
  raise ValueError(f"Cannot feed {have}-channel images to a network that takes {channels} channels.")


class FeatureNetwork:
  """Maps pixel batches to (features, logits). Subclasses set the attributes and implement `_run`."""
  name = ""                 # "keras_inception" | "ttur_graph" | "classifier"
  feature_dim = 0
  num_logits = 0
  weights = ""              # path of the weight file, or "random" (untrained; tests and timing only)
  weight_hash = ""          # sha256_prefix of the weight file
  resize = ""               # how images reach the input size, e.g. "bilinear to 299x299 (tf.image.resize)"
  paper_comparable = False  # only the TTUR graph gives FIDs comparable with published ones
  default_batch_size = 50

  def _run(self, pixels: np.ndarray) -> tuple:
    """float32 (B, H, W, C) in [0, 255] -> (features (B, feature_dim), logits (B, num_logits))."""
    raise NotImplementedError

  def _per_shape(self, forward, pixels) -> tuple:
    """forward(pixels) run as one traced graph per image shape (any batch size). A shape-relaxing retrace
    (reduce_retracing) would drop the channel count that `match_channels` needs once one network has scored,
    say, 32x32x1 images and then gets 96x96x3 ones."""
    pixels = tf.convert_to_tensor(pixels, tf.float32)
    graphs = self.__dict__.setdefault("_graphs", {})
    shape = tuple(pixels.shape[1:])
    if shape not in graphs:
      graphs[shape] = tf.function(forward, input_signature=[tf.TensorSpec((None,) + shape, tf.float32)])
    return graphs[shape](pixels)

  def __call__(self, pixels: np.ndarray) -> tuple:
    features, logits = self._run(pixels)
    return np.asarray(features, np.float32), np.asarray(logits, np.float32)

  def describe(self) -> dict:
    """The provenance fields of every score computed with this network."""
    return {"network": self.name, "weights": os.path.basename(self.weights) if self.weights else "",
            "weights_sha256": self.weight_hash, "paper_comparable": self.paper_comparable,
            "feature_dim": self.feature_dim, "resize": self.resize}


def _batches(images, batch_size: int):
  if isinstance(images, (np.ndarray, tf.Tensor)):
    for i in range(0, len(images), batch_size):
      yield images[i:i + batch_size]
  else:
    yield from images


def compute_features(network: FeatureNetwork, images: Union[np.ndarray, Iterable], *, batch_size: int = 0,
                     quantize: bool = True, progress: bool = True, total: Optional[int] = None,
                     desc: str = "") -> tuple:
  """Images (N, H, W, C) -- an array or an iterable of batches -> (features (N, D), logits (N, K)) float32.

  total: number of images an iterable will yield (for the progress bar only).
  """
  from tqdm import tqdm  # a tensorflow-datasets dependency; only the progress bar needs it
  batch_size = batch_size or network.default_batch_size
  if isinstance(images, (np.ndarray, tf.Tensor)):
    total = len(images)
  feats, logits = [], []
  with tqdm(total=total, desc=desc or f"{network.name} features", unit="img", disable=not progress,
            leave=False) as bar:
    for batch in _batches(images, batch_size):
      if isinstance(batch, dict):
        batch = batch["images"]
      f, l = network(to_pixels(batch, quantize))
      feats.append(f)
      logits.append(l)
      bar.update(len(f))
  if not feats:
    raise ValueError("No images to compute features of.")
  return np.concatenate(feats), np.concatenate(logits)
