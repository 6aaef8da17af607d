"""A small CNN trained on a dataset's own training split, as an offline feature network.

The Frechet distance of its 128-d penultimate activations (the "Frechet classifier distance") measures
(Fashion-)MNIST samples honestly where ImageNet Inception features are weak (SPEC §7) -- but it is
NOT comparable with published FIDs, and only with numbers from the same classifier file (weight hash).
Trained by `python -m tfgan_repro.metrics.train_classifier`; shipped under
`checkpoints/classifiers/<dataset>/classifier.keras` with a JSON of its test accuracy.
Resize: to the classifier's training size with `tf.image.resize(..., "bilinear", antialias=True)`
(area-like when shrinking, as the data pipeline frames images); RGB -> luma for 1-channel classifiers.
"""
import json
import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from tfgan_repro.metrics.features.base import FeatureNetwork, WeightsNotFoundError, match_channels, sha256_prefix

FEATURE_LAYER = "features"
MODEL_FILE = "classifier.keras"
INFO_FILE = "classifier.json"


def default_path(dataset: str) -> str:
  """<assets>/classifiers/<dataset>/classifier.keras: checkpoints/ of a checkout, or the installed package's
  copy (tfgan_repro.locations)."""
  from tfgan_repro import locations
  return str(locations.classifiers_root() / dataset / MODEL_FILE)


def build_classifier(input_shape=(28, 28, 1), num_classes: int = 10, feature_dim: int = 128):
  """Inputs in [-1, 1] (B, H, W, C) -> logits (B, num_classes); layer `features` gives (B, feature_dim).

  Three conv-BN-ReLU-pool stages (16, 32, 64 channels; narrow so that training takes ~2 minutes on
  2 CPU cores) and one hidden dense layer: ~0.1M parameters, >90% on Fashion-MNIST in 3 epochs.
  """
  import keras
  from keras import layers
  inputs = keras.Input(input_shape)
  x = inputs
  for width in (16, 32, 64):
    x = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D(2)(x)  # 28 -> 14 -> 7 -> 3
  # No dropout: a few epochs do not overfit, and dropout cost ~1 point of test accuracy at 5 epochs.
  features = layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(layers.Flatten()(x))
  logits = layers.Dense(num_classes, name="logits")(features)
  return keras.Model(inputs, logits, name="classifier")


def missing_message(path: str, dataset: str) -> str:
  train = f"python -m tfgan_repro.metrics.train_classifier --dataset={dataset or 'DATASET'}"
  return (f"No classifier file at {path}. The classifier feature network is trained by this package on the "
          f"dataset's own training split: run `{train}` (writes checkpoints/classifiers/{dataset or 'DATASET'}/), "
          f"or pass --classifier=PATH to a classifier.keras.")


class Classifier(FeatureNetwork):
  """path: a classifier.keras; "" -> the shipped one for `dataset`. Refuses a classifier of another dataset."""
  name = "classifier"
  paper_comparable = False
  default_batch_size = 500

  def __init__(self, path: str = "", dataset: str = ""):
    import keras
    if not path and not dataset:
      raise ValueError("--network=classifier needs --dataset (or --classifier=PATH).")
    path = path or default_path(dataset)
    if not os.path.isfile(path):
      raise WeightsNotFoundError(missing_message(path, dataset))
    info_path = os.path.join(os.path.dirname(path), INFO_FILE)
    self.info = json.loads(Path(info_path).read_text()) if os.path.isfile(info_path) else {}
    trained_on = self.info.get("dataset", "")
    if dataset and trained_on and trained_on != dataset:
      raise ValueError(f"{path} was trained on {trained_on!r}, not {dataset!r}; its distances on {dataset!r} "
                       f"would be meaningless. Pass the {dataset} classifier with --classifier=PATH.")
    model = keras.models.load_model(path, compile=False)
    self._model = keras.Model(model.input, [model.get_layer(FEATURE_LAYER).output, model.output])
    self.input_size = tuple(model.input.shape[1:3])
    self.channels = int(model.input.shape[-1])
    self.feature_dim = int(model.get_layer(FEATURE_LAYER).output.shape[-1])
    self.num_logits = int(model.output.shape[-1])
    self.dataset = trained_on or dataset
    self.resize = (f"bilinear+antialias to {self.input_size[0]}x{self.input_size[1]} (tf.image.resize), "
                   f"{self.channels} channel(s)")
    self.weights, self.weight_hash = path, sha256_prefix(path)

  def _forward(self, pixels):
    x = match_channels(pixels, self.channels)
    if tuple(x.shape[1:3]) != self.input_size:
      x = tf.image.resize(x, self.input_size, method="bilinear", antialias=True)
    return self._model(x / 127.5 - 1.0, training=False)

  def _run(self, pixels: np.ndarray) -> tuple:
    features, logits = self._per_shape(self._forward, pixels)
    return features.numpy(), logits.numpy()

  def describe(self) -> dict:
    return dict(super().describe(), classifier_dataset=self.dataset,
                classifier_test_accuracy=self.info.get("test_accuracy"))
