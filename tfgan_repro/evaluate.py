r"""Command line for standalone evaluation (the logic: `tfgan_repro.evaluation` for a checkpoint, `tfgan_repro.metrics`
for the rest).

  # a checkpoint against cached real statistics of its dataset/split (written to RUN/scores.jsonl)
  python -m tfgan_repro.evaluate --workdir=RUN --network=classifier --metrics=fid,is --num_fake=10000
  python -m tfgan_repro.evaluate --workdir=RUN --network=ttur_graph --inception_graph=PATH/classify_image_graph_def.pb
  # real statistics only (cached .npz), two folders, two statistics files
  python -m tfgan_repro.evaluate --dataset=fashion_mnist --split=train --resolution=32 --network=classifier
  python -m tfgan_repro.evaluate --folders=REAL_DIR,FAKE_DIR --network=classifier --dataset=fashion_mnist
  python -m tfgan_repro.evaluate --npz=A.npz,B.npz
  # the classifier feature network, trained into --classifier (a directory or DIR/classifier.keras)
  python -m tfgan_repro.evaluate --train_classifier=fashion_mnist --classifier=checkpoints/classifiers/mine

It prints a short table (metric, value ± std, n real / n fake, network, paper-comparable); the full JSON
records (provenance included) go to the scores file, and to stdout as well with --json. Folders mode
(FID/KID between two image folders, like torch-fidelity / clean-fid) is `tfgan_repro.metrics.evaluate_folders`.

A run's scores go to RUN/scores.jsonl, or to --scores; a shipped run (checkpoints/shipped/) or one whose
directory is not writable is never modified: its scores go to
~/.cache/tfgan_repro/scores/<run>-<hash>/scores.jsonl (TFGAN_REPRO_SCORES_DIR moves that root). The command
says on stderr where it wrote them.

Bad input or a missing file prints one line and exits with status 2.
"""
import json
import sys

from absl import app, flags

from tfgan_repro import _quiet
from tfgan_repro.metrics.features import NETWORKS

_quiet.cli()  # absl WARNING and above, no TFDS chatter; TFGAN_VERBOSE=1 shows them

_WORKDIR = flags.DEFINE_string("workdir", "", "Run directory (config.json, ckpt/) to evaluate.")
_STEP = flags.DEFINE_integer("step", None, "Checkpoint step; default the latest.")
_NETWORK = flags.DEFINE_enum("network", "classifier", list(NETWORKS), "Feature network.")
_METRICS = flags.DEFINE_string("metrics", "fid,is", "Comma-separated subset of fid,is,kid,precision,recall,density,"
                               "coverage,class_kl (the last five also per branch of IGAN_v2/VN).")
_NUM_FAKE = flags.DEFINE_integer("num_fake", 10_000, "Generated samples (seed 001: 10k; seed 000 CIFAR: 10k).")
_NUM_REAL = flags.DEFINE_integer("num_real", 0, "Real images for the statistics; 0 = the whole split.")
_SPLIT = flags.DEFINE_string("split", "", "Real split; default the run's (train).")
_STATS = flags.DEFINE_string("stats", "", "Use this statistics .npz (e.g. TTUR's) instead of computing.")
_STATS_DIR = flags.DEFINE_string("stats_dir", "", "Cache of real statistics; default ~/.cache/tfgan_repro/stats.")
_SEED = flags.DEFINE_integer("seed", 0, "Seed of the generated samples and of IS/KID subsets.")
_KID_SUBSETS = flags.DEFINE_integer("kid_subsets", 100, "KID: number of random subsets of (up to) 1000.")
_QUANTIZE = flags.DEFINE_bool("quantize", True, "Round images to uint8 levels first (what a PNG holds).")
_INCEPTION_WEIGHTS = flags.DEFINE_string("inception_weights", "", "Keras InceptionV3 .h5 (default: Keras cache).")
_INCEPTION_GRAPH = flags.DEFINE_string("inception_graph", "", "TTUR's classify_image_graph_def.pb.")
_CLASSIFIER = flags.DEFINE_string("classifier", "", "classifier.keras (default: checkpoints/classifiers/<ds>); "
                                  "with --train_classifier, where to write it (a directory or DIR/classifier.keras).")
_FOLDERS = flags.DEFINE_string("folders", "", "REFERENCE_DIR,SAMPLES_DIR: scores between two image folders.")
_NPZ = flags.DEFINE_string("npz", "", "A.npz,B.npz: FID between two statistics files.")
_DATASET = flags.DEFINE_string("dataset", "", "Dataset (statistics mode, folders mode with a classifier).")
_RESOLUTION = flags.DEFINE_integer("resolution", 32, "Statistics mode: image size the real data is framed to.")
_CHANNELS = flags.DEFINE_integer("channels", 0, "Statistics mode: 0 = the dataset's own, 1 or 3.")
_DATA_DIR = flags.DEFINE_string("data_dir", "", "Statistics mode: where the dataset is.")
_SCORES = flags.DEFINE_string("scores", "", "JSON-lines file for the records; default RUN/scores.jsonl (a shipped "
                               "or read-only run: ~/.cache/tfgan_repro/scores/<run>-<hash>/).")
_TRAIN_CLASSIFIER = flags.DEFINE_string("train_classifier", "", "Train the classifier network on this dataset "
                                        "(into --classifier; --data_dir, --seed and --classifier_epochs apply).")
_CLASSIFIER_EPOCHS = flags.DEFINE_integer("classifier_epochs", 3, "--train_classifier: passes over the train split.")
_JSON = flags.DEFINE_bool("json", False, "Print the full JSON records (one per line) instead of the table.")


def _pair(value: str, flag: str) -> list:
  parts = [p for p in value.split(",") if p]
  if len(parts) != 2:
    raise ValueError(f"--{flag} takes two comma-separated paths, A,B; got {value!r}.")
  return parts


def _told(scores_path: str, records: list) -> list:
  """Says on stderr where the records were appended (stdout holds only the table or the JSON)."""
  if scores_path and records:
    print(f"evaluate: {len(records)} score(s) appended to {scores_path}", file=sys.stderr)
  elif records:
    print("evaluate: scores not saved; pass --scores=FILE.jsonl to keep the records", file=sys.stderr)
  return records


def run() -> list:
  """Dispatches on the flags to one evaluation; returns the records (or a stats/classifier summary)."""
  from tfgan_repro import evaluation as checkpoint
  from tfgan_repro.metrics import evaluation, folders, stats
  files = dict(inception_weights=_INCEPTION_WEIGHTS.value, inception_graph=_INCEPTION_GRAPH.value,
               classifier=_CLASSIFIER.value)
  if _TRAIN_CLASSIFIER.value:
    from tfgan_repro.metrics.train_classifier import output_dir, train_classifier
    return [train_classifier(_TRAIN_CLASSIFIER.value, output_dir(_CLASSIFIER.value), data_dir=_DATA_DIR.value,
                             epochs=_CLASSIFIER_EPOCHS.value, seed=_SEED.value,
                             command="python -m tfgan_repro.evaluate " + " ".join(sys.argv[1:]))]
  if _NPZ.value:
    return _told(_SCORES.value, evaluation.evaluate_npz(*_pair(_NPZ.value, "npz"), scores_path=_SCORES.value))
  if _FOLDERS.value:
    return _told(_SCORES.value, folders.evaluate_folders(
        *_pair(_FOLDERS.value, "folders"), network=_NETWORK.value, dataset=_DATASET.value, metrics=_METRICS.value,
        quantize=_QUANTIZE.value, network_files=files, scores_path=_SCORES.value, seed=_SEED.value,
        kid_subsets=_KID_SUBSETS.value))
  if _WORKDIR.value:
    scores = checkpoint.scores_destination(_WORKDIR.value, _SCORES.value)
    return _told(scores, checkpoint.evaluate_checkpoint(
        _WORKDIR.value, network=_NETWORK.value, step=_STEP.value, metrics=_METRICS.value,
        num_fake=_NUM_FAKE.value, num_real=_NUM_REAL.value, split=_SPLIT.value, stats_path=_STATS.value,
        stats_dir=_STATS_DIR.value, seed=_SEED.value, quantize=_QUANTIZE.value, network_files=files,
        scores_path=scores, kid_subsets=_KID_SUBSETS.value))
  if _DATASET.value:
    from tfgan_repro.metrics.features import make_feature_network
    net = make_feature_network(_NETWORK.value, dataset=_DATASET.value, **files)
    ref, path = stats.reference_stats(net, _DATASET.value, split=_SPLIT.value or "train",
                                      resolution=_RESOLUTION.value, channels=_CHANNELS.value,
                                      data_dir=_DATA_DIR.value, num_images=_NUM_REAL.value,
                                      cache_dir=_STATS_DIR.value, quantize=_QUANTIZE.value)
    return [dict(ref.meta, stats_file=path)]
  raise ValueError("Nothing to do: pass --workdir=RUN, --folders=A,B, --npz=A,B, --dataset=NAME (statistics) "
                   "or --train_classifier=NAME.")


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  try:
    records = run()
  except (ValueError, FileNotFoundError) as e:  # includes DataNotFoundError and WeightsNotFoundError
    print(f"evaluate: error: {e}", file=sys.stderr)
    sys.exit(2)
  if _JSON.value:
    for record in records:
      print(json.dumps(record))
  elif records and "metric" in records[0]:
    from tfgan_repro.metrics.score_table import format_table
    print(format_table(records))
  else:  # a statistics file or a trained classifier: its summary, one field a line
    for record in records:
      print("\n".join(f"{k}: {v}" for k, v in record.items()))


if __name__ == "__main__":
  app.run(main)
