"""Keras `InceptionV3` (ImageNet weights) as a feature network: 2048-d `avg_pool` and 1000 logits.

NOT paper-comparable: published FIDs use the 2015-12-05 TF graph (see `ttur_graph.py`), a different
Inception whose FIDs differ by several points. Weights load only from a local file -- never
`weights="imagenet"`, which would try to download.
Resize: `tf.image.resize(..., (299, 299), "bilinear")` (half-pixel centres, no antialiasing) on 0..255
pixels, then Keras' `inception_v3.preprocess_input` scaling x / 127.5 - 1.
"""
import logging
import os

import numpy as np
import tensorflow as tf

from tfgan_repro.metrics.features.base import FeatureNetwork, WeightsNotFoundError, match_channels, sha256_prefix

WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + WEIGHTS_FILE)
INPUT_SIZE = 299


def keras_cache_path() -> str:
  """Where `keras.applications` caches the file (respects $KERAS_HOME)."""
  home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
  return os.path.join(home, "models", WEIGHTS_FILE)


def missing_message(path: str, explicit: bool) -> str:
  where = f"--inception_weights={path}" if explicit else f"the Keras cache ({path})"
  return (f"Keras InceptionV3 weights not found: {where} has no file. Copy {WEIGHTS_FILE} (from {WEIGHTS_URL}; "
          f"it cannot be downloaded on this machine) there or pass --inception_weights=PATH. "
          f"Its FIDs are not paper-comparable; for published numbers use --network=ttur_graph "
          f"--inception_graph=PATH, offline on (Fashion-)MNIST --network=classifier.")


class KerasInception(FeatureNetwork):
  """weights: a path to the with-top .h5; "" -> the Keras cache file; "random" -> untrained (tests/timing)."""
  name = "keras_inception"
  feature_dim = 2048
  num_logits = 1000
  resize = f"bilinear to {INPUT_SIZE}x{INPUT_SIZE} (tf.image.resize, half-pixel, no antialias)"
  paper_comparable = False
  default_batch_size = 50

  def __init__(self, weights: str = ""):
    import keras
    path = "" if weights == "random" else (weights or keras_cache_path())
    if path and not os.path.isfile(path):
      raise WeightsNotFoundError(missing_message(path, explicit=bool(weights)))
    model = keras.applications.InceptionV3(include_top=True, weights=None)
    if path:
      try:
        model.load_weights(path)
      except Exception as e:  # h5py/Keras raise many types for a wrong or corrupt file
        raise ValueError(f"Could not load Keras InceptionV3 weights from {path} ({e}). Expected {WEIGHTS_FILE} "
                         "(the with-top ImageNet weights).") from None
      self.weights, self.weight_hash = path, sha256_prefix(path)
    else:
      logging.warning("Keras InceptionV3 with RANDOM weights: scores are meaningless (tests and timing only).")
      self.weights, self.weight_hash = "random", "random"
    self._pool = keras.Model(model.input, model.get_layer("avg_pool").output)
    top = model.get_layer("predictions")  # Dense(1000, softmax): logits = pool @ W + b
    self._kernel, self._bias = top.kernel, top.bias

  def _forward(self, pixels):
    x = tf.image.resize(match_channels(pixels, 3), (INPUT_SIZE, INPUT_SIZE), method="bilinear")
    pool = self._pool(x / 127.5 - 1.0, training=False)  # (B, 2048)
    return pool, tf.matmul(pool, self._kernel) + self._bias  # (B, 1000)

  def _run(self, pixels: np.ndarray) -> tuple:
    pool, logits = self._per_shape(self._forward, pixels)
    return pool.numpy(), logits.numpy()
