r"""Trains the classifier feature network on a dataset's training split; reports test accuracy.

  python -m tfgan_repro.metrics.train_classifier --dataset=fashion_mnist \
      --out_dir=checkpoints/classifiers/fashion_mnist

Seeded and op-deterministic, so the same command on the same TF build gives the same file. Writes
`classifier.keras` and `classifier.json` (test accuracy, sha256, the command) into a directory that holds
no classifier yet: the shipped one (and every statistics cache keyed by its hash) is never replaced silently.
`python -m tfgan_repro.evaluate --train_classifier=NAME --classifier=DIR` runs the same function.
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from tfgan_repro.metrics.features import classifier as classifier_lib

SUPPORTED = ("fashion_mnist", "mnist", "cifar10")


def output_dir(classifier: str) -> str:
  """--classifier of the evaluate CLI -> the directory to train into: DIR, or DIR/classifier.keras -> DIR."""
  if classifier.endswith(".keras"):
    if os.path.basename(classifier) != classifier_lib.MODEL_FILE:
      raise ValueError(f"--classifier={classifier}: a trained classifier is written as "
                       f"DIR/{classifier_lib.MODEL_FILE}; pass that path or just DIR.")
    return os.path.dirname(classifier) or "."
  return classifier


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
  path = os.path.join(out_dir, classifier_lib.MODEL_FILE)
  if os.path.exists(path):
    raise ValueError(f"{path} exists; train into a new directory (--out_dir, or --classifier with "
                     "`evaluate --train_classifier`), or delete the file first to replace it.")
  if epochs < 1:
    raise ValueError(f"The classifier needs at least one epoch; got {epochs}.")
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


def define_flags():
  """Flags are defined only when run as a program: `evaluate`, which imports this module, has its own
  --dataset, --data_dir and --seed (defining them here too raised absl's DuplicateFlagError)."""
  from absl import flags
  flags.DEFINE_string("dataset", "fashion_mnist", "fashion_mnist, mnist or cifar10.")
  flags.DEFINE_string("data_dir", "", "Where the data is (see tfgan_repro.data); default paths if empty.")
  flags.DEFINE_string("out_dir", "", "Default: checkpoints/classifiers/<dataset> (refused if it holds one).")
  flags.DEFINE_integer("epochs", 3, "Passes over the training split.")
  flags.DEFINE_integer("batch_size", 256, "Batch size.")
  flags.DEFINE_integer("seed", 0, "Seed of initialisation, dropout and shuffling.")


def main(argv):
  from absl import app, flags
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  f = flags.FLAGS
  command = "python -m tfgan_repro.metrics.train_classifier " + " ".join(sys.argv[1:])
  try:
    info = train_classifier(f.dataset, f.out_dir, data_dir=f.data_dir, epochs=f.epochs, batch_size=f.batch_size,
                            seed=f.seed, command=command.strip())
  except (ValueError, FileNotFoundError) as e:
    print(f"train_classifier: error: {e}", file=sys.stderr)
    sys.exit(2)
  print(json.dumps(info, indent=2))


if __name__ == "__main__":
  from absl import app
  from tfgan_repro import _quiet
  _quiet.cli()
  define_flags()
  app.run(main)
