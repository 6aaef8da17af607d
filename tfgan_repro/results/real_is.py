r"""Classifier IS of real images per class subset: the yardstick that scales the campaign's IS bar.

  python -m tfgan_repro.results.real_is            # writes results/real_is.json (a few seconds per entry)
  python -m tfgan_repro.results.real_is --data=fashion_mnist:96:3:0,7 --out=

Why: the learned-model bar of issue 16 (classifier IS >= 4.5) is set for a run over all ten classes, whose
real images score about 7.6. A run trained on two classes cannot exceed the IS of its own real data (about
2.5 for T-shirts + sneakers: IS counts the classes a sample set spreads over), so for a class-subset run the
campaign page holds it to the same fraction of its real images' IS: bar = 4.5 x IS_real(subset) / IS_real(all),
both measured here on the same framing (resolution, channels), split and classifier.

Each entry is the IS (10 splits, seed 0) of the first `--num` images of the seeded real reference stream that
FCD uses (`metrics.stats.real_batches`), through the shipped classifier.
"""
import json
import os
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from absl import app, flags

PATH = "results/real_is.json"
# The data framings of the campaign (tfgan_repro.campaign.plan): Fashion-MNIST at 32x32x1 (DCGAN, BEGAN) and
# 96x96x3 (seed 001's models), all classes and the subsets the 96x96 runs train on.
DEFAULT_DATA = ("fashion_mnist:32:1:", "fashion_mnist:96:3:", "fashion_mnist:96:3:0,7", "fashion_mnist:96:3:0,1,7")

Key = Tuple[str, str, int, int, Tuple[int, ...]]


def parse_data(spec: str) -> Tuple[str, int, int, Tuple[int, ...]]:
  """'fashion_mnist:96:3:0,7' -> ('fashion_mnist', 96, 3, (0, 7)); an empty class field means all classes."""
  parts = spec.split(":")
  if len(parts) != 4 or not parts[0]:
    raise ValueError(f"--data takes dataset:resolution:channels:classes (classes empty for all), e.g. "
                     f"fashion_mnist:96:3:0,7; got {spec!r}.")
  try:
    classes = tuple(int(c) for c in parts[3].split(",") if c.strip())
    return parts[0], int(parts[1]), int(parts[2]), classes
  except ValueError:
    raise ValueError(f"--data: resolution, channels and classes must be integers; got {spec!r}.") from None


def key(dataset: str, split: str, resolution: int, channels: int, classes: Sequence[int]) -> Key:
  return dataset, split, int(resolution), int(channels), tuple(int(c) for c in classes)


def measure(network, dataset: str, resolution: int, channels: int, classes: Sequence[int], *, split: str = "train",
            num: int = 10_000, data_dir: str = "") -> dict:
  """One table entry: the IS of `num` real images framed as a run with these settings trains on them."""
  import numpy as np
  from tfgan_repro.data import DataSpec
  from tfgan_repro.metrics import stats as stats_lib
  from tfgan_repro.metrics.features import compute_features
  from tfgan_repro.metrics.inception_score import inception_score
  data = DataSpec.make(dataset, split=split, resolution=resolution, channels=channels, classes=list(classes),
                       data_dir=data_dir)
  _, logits = compute_features(network, stats_lib.real_batches(data, num, network.default_batch_size),
                               progress=False)
  mean, std = inception_score(logits, splits=min(10, len(logits)), seed=0)
  return dict(dataset=dataset, split=split, resolution=int(resolution), channels=int(channels),
              classes=list(classes), n=int(len(logits)), value=mean, std=std,
              predicted_histogram=[round(float(v), 4) for v in
                                   np.bincount(np.argmax(logits, 1), minlength=logits.shape[1]) / len(logits)])


def load(path: str = PATH) -> Dict[Key, float]:
  """(dataset, split, resolution, channels, classes) -> real IS; {} when the table has not been made."""
  if not os.path.isfile(path):
    return {}
  with open(path) as f:
    table = json.load(f)
  return {key(e["dataset"], e["split"], e["resolution"], e["channels"], e["classes"]): float(e["value"])
          for e in table["entries"]}


def scaled_bar(bar: float, table: Dict[Key, float], dataset: str, split: str, resolution: int, channels: int,
               classes: Sequence[int], num_classes: int = 10) -> Tuple[Optional[float], str]:
  """(the IS bar for a run on `classes`, how it was set). All classes (or none listed): `bar` itself. A subset:
  bar x IS_real(subset) / IS_real(all) from `table`, or (None, what is missing) when the table lacks either."""
  if not classes or sorted(classes) == list(range(num_classes)):
    return bar, f"{bar:g}"
  sub, full = (table.get(key(dataset, split, resolution, channels, c)) for c in (classes, ()))
  if sub is None or full is None:
    return None, (f"unknown: {PATH} lacks real IS of {dataset} {split} {resolution}px {channels}ch classes "
                  f"{','.join(map(str, classes))} or of all classes (python -m tfgan_repro.results.real_is)")
  value = bar * sub / full
  return value, f"{value:.2f} = {bar:g} x real {sub:.2f} / {full:.2f}"


FLAGS = flags.FLAGS


def define_flags() -> None:
  """The command's flags; defined only when it runs, since the campaign page imports this module."""
  flags.DEFINE_list("data", list(DEFAULT_DATA), "dataset:resolution:channels:classes entries (classes empty: all).")
  flags.DEFINE_string("split", "train", "Split of the real images (the campaign scores against train).")
  flags.DEFINE_integer("num", 10_000, "Real images per entry (the campaign's final scores use 10,000).")
  flags.DEFINE_string("data_dir", "", "Where the data set lies (default: the usual places; see README).")
  flags.DEFINE_string("classifier", "", "Classifier weights (default: the shipped one).")
  flags.DEFINE_string("out", PATH, "JSON table to write ('': print only).")


def main(argv: List[str]) -> int:
  del argv
  from tfgan_repro.metrics.features import make_feature_network
  specs = [parse_data(s) for s in FLAGS.data]
  if len({d for d, *_ in specs}) > 1:
    raise app.UsageError("--data entries of one table share one data set (one classifier); run once per data set.")
  network = None
  entries = []
  for dataset, resolution, channels, classes in specs:
    if network is None:
      network = make_feature_network("classifier", dataset=dataset, classifier=FLAGS.classifier)
    e = measure(network, dataset, resolution, channels, classes, split=FLAGS.split, num=FLAGS.num,
                data_dir=FLAGS.data_dir)
    entries.append(e)
    print(f"{dataset} {FLAGS.split} {resolution}px {channels}ch classes {','.join(map(str, classes)) or 'all'}: "
          f"real IS {e['value']:.3f} ± {e['std']:.3f} (n={e['n']})", flush=True)
  command = "python -m tfgan_repro.results.real_is " + " ".join(
      a for a in sys.argv[1:] if not a.startswith("--out"))
  table = dict(command=command.strip(), network=network.describe() if network else {}, entries=entries,
               note="classifier IS of real images (10 splits, seed 0); not comparable with published IS")
  if FLAGS.out:
    os.makedirs(os.path.dirname(os.path.abspath(FLAGS.out)), exist_ok=True)
    with open(FLAGS.out, "w") as f:
      json.dump(table, f, indent=1)
      f.write("\n")
    print(f"wrote {FLAGS.out}")
  return 0


if __name__ == "__main__":
  define_flags()
  app.run(main)
