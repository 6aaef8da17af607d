"""Evaluation throughput: images/s of feature extraction (the Fashion-MNIST classifier; InceptionV3 at
299x299 built locally with random weights, which costs what the ImageNet weights cost) and how much a
cached set of real statistics saves."""
import os
import time
from typing import NamedTuple, Optional

import numpy as np

from tfgan_repro.perf import flops, timing


class EvalFigures(NamedTuple):
  network: str
  input: str             # what goes in, e.g. "32x32x1 -> 299x299x3"
  batch: int
  gflop_per_image: float
  rate: timing.Rate


def feature_rate(network, side: int, channels: int, batch: int, *, repeats: int, warmup: int,
                 label: str) -> EvalFigures:
  """Images/s of `network` on uint8-valued (batch, side, side, channels) pixels, features and logits fetched."""
  import tensorflow as tf
  rng = np.random.default_rng(0)
  pixels = rng.integers(0, 256, (batch, side, side, channels)).astype(np.float32)
  per_call = timing.repeat(lambda: network(pixels), repeats=repeats, warmup=warmup)
  rate = timing.Rate(batch / per_call["wall"], batch / per_call["cpu"], per_call["cpu"] / per_call["wall"],
                     repeats)
  work = flops.function_flops(network._forward, tf.TensorSpec([batch, side, side, channels], tf.float32))
  return EvalFigures(network.name, label, batch, work / batch / 1e9, rate)


def classifier(dataset: str = "fashion_mnist"):
  from tfgan_repro.metrics.features import WeightsNotFoundError, make_feature_network
  try:
    return make_feature_network("classifier", dataset=dataset)
  except WeightsNotFoundError:
    return None


def inception_random():
  from tfgan_repro.metrics.features.keras_inception import KerasInception
  return KerasInception("random")


def cache_reuse(network, npz_path: str, cache_dir: str, num_images: int) -> Optional[dict]:
  """Seconds of `reference_stats` computing real statistics, then reading them back from the cache."""
  from tfgan_repro.metrics import stats
  seconds = []
  for _ in range(2):
    start = time.perf_counter()
    stats.reference_stats(network, "fashion_mnist", resolution=32, data_dir=npz_path, num_images=num_images,
                          cache_dir=cache_dir, progress=False)
    seconds.append(time.perf_counter() - start)
  return {"images": num_images, "computed_s": seconds[0], "cached_s": seconds[1],
          "cache_file_present": bool(os.listdir(cache_dir))}
