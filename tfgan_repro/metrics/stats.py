"""Feature statistics of real data, cached as `.npz` with the keys TTUR and pytorch-fid use (`mu`, `sigma`).

A cache file is named by everything that changes the numbers -- dataset, split, resolution, channels,
network, weight hash, number of images and quantisation -- so a stale or foreign entry is never reused.
Besides `mu` (D,) and `sigma` (D, D) it holds `n`, `meta` (a JSON string) and up to `MAX_KEPT` real
feature vectors (with their data labels and the network's argmax labels) for KID, precision/recall,
density/coverage and class_kl. TTUR / pytorch-fid stats files (only `mu`, `sigma`) load too; lacking metadata,
they are assumed to come from the 2015 Inception graph and accepted only with --network=ttur_graph.
"""
import hashlib
import json
import logging
import os
from typing import NamedTuple, Optional

import numpy as np

from tfgan_repro.metrics.features import FeatureNetwork, compute_features
from tfgan_repro.metrics.fid import feature_statistics

MAX_KEPT = 10_000  # real features kept for KID (10k x 2048 float32 = 80 MB for Inception)


class Stats(NamedTuple):
  mu: np.ndarray                          # (D,) float64
  sigma: np.ndarray                       # (D, D) float64
  n: int                                  # images behind the statistics; 0 if unknown
  meta: dict                              # network, weights_sha256, dataset, split, ...; {} for foreign files
  features: Optional[np.ndarray] = None   # (<= MAX_KEPT, D) float32, for KID, precision/recall, density/coverage
  labels: Optional[np.ndarray] = None     # (len(features),) int64: the data's labels of those rows (-1: none)
  predicted: Optional[np.ndarray] = None  # (len(features),) int64: the network's argmax label of those rows


def default_cache_dir() -> str:
  return os.environ.get("TFGAN_REPRO_STATS_DIR",
                        os.path.join(os.path.expanduser("~"), ".cache", "tfgan_repro", "stats"))


def from_features(features: np.ndarray, meta: dict, labels=None, logits=None) -> Stats:
  """labels (N,): the data's; logits (N, K): the network's (kept as argmax labels, for class_kl)."""
  mu, sigma = feature_statistics(features)
  kept = lambda x: None if x is None else np.asarray(x[:MAX_KEPT], np.int64)
  return Stats(mu, sigma, len(features), dict(meta), np.asarray(features[:MAX_KEPT], np.float32), kept(labels),
               None if logits is None else kept(np.argmax(logits, axis=1)))


def save_stats(path: str, stats: Stats) -> None:
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  extra = {k: getattr(stats, k) for k in ("features", "labels", "predicted") if getattr(stats, k) is not None}
  # Written then renamed, so an interrupted run leaves no half file in the cache; the name is per process, so
  # two runs filling the same cache entry at once cannot write into one temporary file.
  tmp = f"{path}.{os.getpid()}.tmp.npz"
  np.savez(tmp, mu=stats.mu, sigma=stats.sigma, n=np.int64(stats.n), meta=np.array(json.dumps(stats.meta)),
           **extra)
  os.replace(tmp, path)


def load_stats(path: str) -> Stats:
  if not os.path.isfile(path):
    raise FileNotFoundError(f"Statistics file {path} does not exist.")
  with np.load(path) as f:
    if "mu" not in f.files or "sigma" not in f.files:
      raise ValueError(f"{path} has keys {sorted(f.files)}; a statistics file needs 'mu' and 'sigma' "
                       "(as written by TTUR, pytorch-fid or tfgan_repro).")
    meta = json.loads(str(f["meta"])) if "meta" in f.files else {}
    features, labels, predicted = (f[k] if k in f.files else None for k in ("features", "labels", "predicted"))
    return Stats(f["mu"].astype(np.float64), f["sigma"].astype(np.float64),
                 int(f["n"]) if "n" in f.files else 0, meta, features, labels, predicted)


def check_compatible(stats: Stats, network: FeatureNetwork, source: str = "") -> None:
  """Raises ValueError unless `stats` were computed with `network` (same name and weight hash)."""
  if not stats.meta:
    if network.name != "ttur_graph":
      raise ValueError(f"{source or 'The statistics'} carry no tfgan_repro metadata, so they are taken to be "
                       f"TTUR / pytorch-fid statistics of the 2015 Inception graph; use them only with "
                       f"--network=ttur_graph, not {network.name}.")
    return
  want = (network.name, network.weight_hash)
  have = (stats.meta.get("network"), stats.meta.get("weights_sha256"))
  if have != want:
    raise ValueError(f"{source or 'The statistics'} come from {have[0]} (weights {have[1]}), but the images go "
                     f"through {want[0]} (weights {want[1]}); their FID would be meaningless.")


def cache_name(dataset: str, split: str, resolution: int, channels: int, network: FeatureNetwork,
               num_images: int, quantize: bool, classes=None, data_dir: str = "") -> str:
  """Names everything that changes the statistics; a --data_dir (e.g. an .npz subset of the data set) adds a
  hash of its absolute path, so it never shares an entry with the data set's default copy."""
  n = num_images if num_images else "all"
  kept = f"-c{'_'.join(map(str, classes))}" if classes else ""
  source = f"-d{hashlib.sha256(os.path.abspath(data_dir).encode()).hexdigest()[:8]}" if data_dir else ""
  return (f"{dataset}{source}-{split}{kept}-{resolution}px-{channels}ch-{network.name}-{network.weight_hash}-n{n}"
          f"{'-uint8' if quantize else ''}.npz")


def real_batches(data, num_images: int, batch_size: int, labels_out: Optional[list] = None, source=None):
  """float32 (B, R, R, C) batches in [-1, 1] of the first `num_images` (0: all) of a seeded shuffle of the
  images of `data` (a DataSpec: its labels in `data.classes`, all when empty). Opens the source once.
  labels_out: a list to which each batch's labels (B,) are appended. source: `data.open()`'s result if the
  caller has it (a trainer's), else the data is opened here."""
  from tfgan_repro.data import make_dataset
  if source is not None and source.kind == "tfds":
    source = None  # TFDS file order follows the seed it was opened with; the reference reads with seed 0
  # seed 0, not the run's: every run of a preset shares one reference.
  ds = make_dataset(data.dataset, data.resolution, batch_size, split=data.split, data_dir=data.data_dir,
                    channels=data.channels, classes=data.classes, repeat=False, seed=0, source=source)
  seen = 0
  for batch in ds:
    images = batch["images"].numpy()
    if num_images:
      images = images[:num_images - seen]
    seen += len(images)
    if labels_out is not None:
      labels_out.append(batch["labels"].numpy()[:len(images)])
    yield images
    if num_images and seen >= num_images:
      return


def reference_stats(network: FeatureNetwork, data, *, num_images: int = 0, cache_dir: str = "",
                    quantize: bool = True, progress: bool = True, need_labels: bool = False, source=None,
                    **fields) -> tuple:
  """Real-data Stats for `network`, from the cache or computed (and cached). Returns (Stats, path).

  `data`: a `tfgan_repro.data.DataSpec` (a run's `experiment.data`), or a dataset name with DataSpec.make's
  keywords (split, resolution (32), channels, data_dir, classes as "0,7" or [0, 7]).
  Real images are framed exactly as training sees them (`tfgan_repro.data.make_dataset` at the resolution),
  restricted to the labels in `classes` as a run with --classes trains on them.
  source: the already opened `data.open()` (a trainer's), read again rather than opening the data twice.
  need_labels: a cached entry written before `Stats.labels` / `predicted` were kept is computed again.
  """
  from tfgan_repro.data import DataSpec
  if not isinstance(data, DataSpec):
    data = DataSpec.make(data, **fields)
  elif fields:
    raise TypeError(f"reference_stats takes a DataSpec or a dataset name with keywords, not both: {sorted(fields)}.")
  name = f"{data.dataset}/{data.split}"
  path = os.path.join(cache_dir or default_cache_dir(),
                      cache_name(data.dataset, data.split, data.resolution, data.channels, network, num_images,
                                 quantize, data.classes, data.data_dir))
  if os.path.isfile(path):
    stats = load_stats(path)
    check_compatible(stats, network, path)
    if not need_labels or stats.predicted is not None:
      logging.info("Reference statistics from cache %s", path)
      return stats, path
    print(f"{path} was cached before real labels were kept (class_kl, per-branch scores); computing it again.",
          flush=True)
  labels = []
  features, logits = compute_features(network, real_batches(data, num_images, network.default_batch_size, labels,
                                                            source),
                                 quantize=quantize, progress=progress, total=num_images or None,
                                 desc=f"{name} features")
  if num_images and len(features) < num_images:
    logging.warning("Asked for %d real images; %s has only %d.", num_images, name, len(features))
  meta = dict(network.describe(), dataset=data.dataset, split=data.split, resolution=data.resolution,
              channels=data.channels, data_dir=data.data_dir, quantized_uint8=quantize, n=len(features),
              subset_seed=0, classes=list(data.classes))
  stats = from_features(features, meta, np.concatenate(labels), logits)
  save_stats(path, stats)
  return stats, path
