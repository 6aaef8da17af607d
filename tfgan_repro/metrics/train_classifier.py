r"""Trains the classifier feature network on a dataset's training split; reports test accuracy.

  python -m tfgan_repro.metrics.train_classifier --dataset=fashion_mnist \
      --out_dir=checkpoints/classifiers/fashion_mnist

Seeded and op-deterministic, so the same command on the same TF build gives the same file. Writes
`classifier.keras` and `classifier.json` (test accuracy, sha256, the command).
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from absl import app, flags

from tfgan_repro.metrics.features import classifier as classifier_lib

_DATASET = flags.DEFINE_string("dataset", "fashion_mnist", "fashion_mnist, mnist or cifar10.")
_DATA_DIR = flags.DEFINE_string("data_dir", "", "Where the data is (see tfgan_repro.data); default paths if empty.")
_OUT_DIR = flags.DEFINE_string("out_dir", "", "Default: checkpoints/classifiers/<dataset>.")
_EPOCHS = flags.DEFINE_integer("epochs", 3, "Passes over the training split.")
_BATCH_SIZE = flags.DEFINE_integer("batch_size", 256, "Batch size.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of initialisation, dropout and shuffling.")

SUPPORTED = ("fashion_mnist", "mnist", "cifar10")


def _arrays(dataset: str, split: str, data_dir: str) -> tuple:
  """uint8 (N, H, W, C) -> float32 in [-1, 1], and int64 labels (N,)."""
  from tfgan_repro.data import load_source
  from tfgan_repro.data.sources import InMemory
  source = load_source(dataset, split, data_dir)
  if not isinstance(source, InMemory):  # a TFDS split: small enough to hold in memory
    import tensorflow_datasets as tfds
    pairs = list(tfds.as_numpy(source.map(lambda ex: (ex["image"], ex["label"]))))
    source = InMemory(np.stack([p[0] for p in pairs]), np.array([p[1] for p in pairs], np.int64))
  return source.images.astype(np.float32) / 127.5 - 1.0, source.labels.astype(np.int64)


def train_classifier(dataset: str, out_dir: str = "", *, data_dir: str = "", epochs: int = 3,
                     batch_size: int = 256, seed: int = 0, command: str = "") -> dict:
  """Trains, evaluates on the test split, saves; returns the info written to classifier.json."""
  import keras
  import tensorflow as tf
  if dataset not in SUPPORTED:
    raise ValueError(f"No classifier recipe for {dataset!r}; choose one of: {', '.join(SUPPORTED)}.")
  out_dir = out_dir or os.path.dirname(classifier_lib.default_path(dataset))
  keras.utils.set_random_seed(seed)
  tf.config.experimental.enable_op_determinism()
  x_train, y_train = _arrays(dataset, "train", data_dir)
  x_test, y_test = _arrays(dataset, "test", data_dir)
  model = classifier_lib.build_classifier(x_train.shape[1:], int(y_train.max()) + 1)
  steps = epochs * (len(x_train) // batch_size + 1)
  # Cosine decay to 0: a short run ends at a low rate, which buys ~1 point of accuracy over a constant one.
  model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
  start = time.time()
  history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=2)
  seconds = time.time() - start
  _, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
  os.makedirs(out_dir, exist_ok=True)
  path = os.path.join(out_dir, classifier_lib.MODEL_FILE)
  # Save an uncompiled copy: without Adam's moments the file is a third of the size.
  export = classifier_lib.build_classifier(x_train.shape[1:], int(y_train.max()) + 1)
  export.set_weights(model.get_weights())
  export.save(path)
  info = {"dataset": dataset, "test_accuracy": round(float(test_accuracy), 4),
          "train_accuracy": round(float(history.history["accuracy"][-1]), 4),
          "num_train": len(x_train), "num_test": len(x_test), "input_shape": list(x_train.shape[1:]),
          "feature_layer": classifier_lib.FEATURE_LAYER, "feature_dim": 128, "params": model.count_params(),
          "epochs": epochs, "batch_size": batch_size, "seed": seed, "train_seconds": round(seconds, 1),
          "sha256": classifier_lib.sha256_prefix(path, 64), "tensorflow": tf.__version__,
          "keras": keras.__version__, "command": command}
  Path(out_dir, classifier_lib.INFO_FILE).write_text(json.dumps(info, indent=2) + "\n")
  return info


def main(argv):
  del argv
  command = "python -m tfgan_repro.metrics.train_classifier " + " ".join(sys.argv[1:])
  try:
    info = train_classifier(_DATASET.value, _OUT_DIR.value, data_dir=_DATA_DIR.value, epochs=_EPOCHS.value,
                            batch_size=_BATCH_SIZE.value, seed=_SEED.value, command=command.strip())
  except (ValueError, FileNotFoundError) as e:
    print(f"train_classifier: {e}", file=sys.stderr)
    sys.exit(2)
  print(json.dumps(info, indent=2))


if __name__ == "__main__":
  app.run(main)
