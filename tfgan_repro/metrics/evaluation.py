"""Scores of a checkpoint, of two image folders or of two statistics files, each logged with provenance.

Each entry point returns the records it appended (see `provenance.py`); `python -m tfgan_repro.evaluate`
is the command line over them.
"""
import os
from typing import Callable, Optional, Sequence

import numpy as np

from tfgan_repro.metrics import provenance, stats as stats_lib
from tfgan_repro.metrics.features import compute_features, make_feature_network
from tfgan_repro.metrics.fid import feature_statistics, frechet_distance
from tfgan_repro.metrics.inception_score import inception_score
from tfgan_repro.metrics.kid import kernel_inception_distance

METRICS = ("fid", "is", "kid")
GENERATE_CHUNK = 500  # images per generate_images call: bounds memory at 10k-50k samples


def parse_metrics(metrics) -> tuple:
  names = tuple(m.strip() for m in (metrics.split(",") if isinstance(metrics, str) else metrics) if m.strip())
  bad = [m for m in names if m not in METRICS]
  if bad or not names:
    raise ValueError(f"--metrics takes a comma-separated subset of {', '.join(METRICS)}; got {metrics!r}.")
  return names


def _field(config, name, default=None):
  """Reads a field of a dict or a ConfigDict-like object."""
  if isinstance(config, dict):
    return config.get(name, default)
  return getattr(config, name, default)


def _scores(metrics, fake_feats, fake_logits, reference: stats_lib.Stats, seed: int,
            kid_subsets: int = 100) -> list:
  """-> [(metric, value, std, n_real)] from fake features (N, D) / logits (N, K) and real statistics."""
  out = []
  if "fid" in metrics:
    out.append(("fid", frechet_distance(*feature_statistics(fake_feats), reference.mu, reference.sigma),
                None, reference.n or None))
  if "is" in metrics:
    mean, std = inception_score(fake_logits, splits=min(10, len(fake_logits)), seed=seed)
    out.append(("is", mean, std, None))
  if "kid" in metrics:
    if reference.features is None:
      raise ValueError("KID needs real features, which this statistics file lacks (TTUR/pytorch-fid files "
                       "hold only mu and sigma); drop kid from --metrics or let tfgan_repro compute the stats.")
    mean, std = kernel_inception_distance(reference.features, fake_feats, num_subsets=kid_subsets, seed=seed)
    out.append(("kid", mean, std, len(reference.features)))
  return out


def _default_load_model() -> Callable:
  try:
    from tfgan_repro.training.restore import load_model
  except ImportError as e:
    raise ValueError(f"Evaluating a checkpoint needs tfgan_repro.training.restore, which is missing ({e}).") \
        from None
  return load_model


def generated_batches(model, num: int, seed: int, chunk: int = GENERATE_CHUNK):
  """float32 (B, H, W, C) batches in [-1, 1]; chunk i uses seed `seed * 100_003 + i` (reproducible)."""
  for i, start in enumerate(range(0, num, chunk)):
    yield model.generate_images(min(chunk, num - start), seed=seed * 100_003 + i)


def evaluate_checkpoint(workdir: str, *, network: str = "classifier", step: Optional[int] = None,
                        metrics: Sequence[str] = ("fid",), num_fake: int = 10_000, num_real: int = 0,
                        split: str = "", stats_path: str = "", stats_dir: str = "", seed: int = 0,
                        quantize: bool = True, progress: bool = True, network_files: Optional[dict] = None,
                        scores_path: str = "", load_model: Optional[Callable] = None,
                        kid_subsets: int = 100) -> list:
  """Scores `num_fake` samples of the checkpoint in `workdir` (latest unless `step`) against real data.

  Real statistics: `stats_path` if given, else the dataset's `split` (default: the run's) computed once
  and cached in `stats_dir`. network_files: inception_weights / inception_graph / classifier paths.
  """
  metrics = parse_metrics(metrics)
  if num_fake < 2:
    raise ValueError(f"--num_fake must be at least 2; got {num_fake}.")
  if not os.path.isdir(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is not a directory.")
  model, config, step = (load_model or _default_load_model())(workdir, step)
  dataset = _field(config, "dataset", "")
  split = split or _field(config, "split", "train") or "train"
  net = make_feature_network(network, dataset=dataset, **(network_files or {}))
  if stats_path:
    reference = stats_lib.load_stats(stats_path)
    stats_lib.check_compatible(reference, net, stats_path)
  else:
    reference, stats_path = stats_lib.reference_stats(
        net, dataset, split=split, resolution=int(_field(config, "resolution", 32)),
        channels=int(_field(config, "channels", 0) or 0), data_dir=_field(config, "data_dir", "") or "",
        num_images=num_real, cache_dir=stats_dir, quantize=quantize, progress=progress,
        classes=_field(config, "classes", "") or None)
  feats, logits = compute_features(net, generated_batches(model, num_fake, seed), quantize=quantize,
                                   progress=progress, total=num_fake, desc="generated features")
  context = dict(dataset=dataset, split=reference.meta.get("split", split),
                 resolution=_field(config, "resolution", None), checkpoint_step=int(step),
                 workdir=os.path.abspath(workdir), reference=stats_path, sample_seed=seed)
  records = [provenance.make_record(m, v, s, network=net.describe(), quantized_uint8=quantize, n_real=n_real,
                                    n_fake=len(feats), **context)
             for m, v, s, n_real in _scores(metrics, feats, logits, reference, seed, kid_subsets)]
  path = scores_path or os.path.join(workdir, provenance.SCORES_FILE)
  for r in records:
    provenance.append_jsonl(path, r)
  return records


def folder_batches(folder: str, batch_size: int):
  """uint8 (B, H, W, C) batches of every jpg/png below `folder`; all images must share one size."""
  from PIL import Image
  from tfgan_repro.data import sources
  paths = sources.list_image_folder(folder).paths
  with Image.open(paths[0]) as first:
    mode = "L" if first.mode in ("L", "1", "I", "I;16") else "RGB"
    size = first.size
  for i in range(0, len(paths), batch_size):
    batch = []
    for p in paths[i:i + batch_size]:
      with Image.open(p) as im:
        if im.size != size:
          raise ValueError(f"{p} is {im.size[0]}x{im.size[1]} but {paths[0]} is {size[0]}x{size[1]}; "
                           "resize the folder to one size first.")
        batch.append(np.asarray(im.convert(mode)))
    yield np.stack(batch)


def evaluate_folders(folder_a: str, folder_b: str, *, network: str = "classifier", dataset: str = "",
                     metrics: Sequence[str] = ("fid", "kid"), quantize: bool = True, progress: bool = True,
                     network_files: Optional[dict] = None, scores_path: str = "", seed: int = 0,
                     kid_subsets: int = 100) -> list:
  """FID/KID between two folders of images (a = reference, b = samples); IS is of folder b."""
  metrics = parse_metrics(metrics)
  for folder in (folder_a, folder_b):
    if not os.path.isdir(folder):
      raise FileNotFoundError(f"Image folder {folder} does not exist.")
  net = make_feature_network(network, dataset=dataset, **(network_files or {}))
  feats = []
  for folder in (folder_a, folder_b):
    feats.append(compute_features(net, folder_batches(folder, net.default_batch_size), quantize=quantize,
                                  progress=progress, desc=os.path.basename(folder.rstrip("/")))[:2])
  reference = stats_lib.from_features(feats[0][0], net.describe())
  records = [provenance.make_record(m, v, s, network=net.describe(), quantized_uint8=quantize,
                                    n_real=n_real, n_fake=len(feats[1][0]), dataset=dataset or None,
                                    reference=os.path.abspath(folder_a), samples=os.path.abspath(folder_b))
             for m, v, s, n_real in _scores(metrics, feats[1][0], feats[1][1], reference, seed, kid_subsets)]
  for r in records if scores_path else ():
    provenance.append_jsonl(scores_path, r)
  return records


def evaluate_npz(path_a: str, path_b: str, *, scores_path: str = "") -> list:
  """FID between two statistics files; refuses files made with different networks or weights."""
  a, b = stats_lib.load_stats(path_a), stats_lib.load_stats(path_b)
  keys = ("network", "weights_sha256")
  if a.meta and b.meta and tuple(map(a.meta.get, keys)) != tuple(map(b.meta.get, keys)):
    raise ValueError(f"{path_a} comes from {a.meta.get('network')} (weights {a.meta.get('weights_sha256')}) and "
                     f"{path_b} from {b.meta.get('network')} (weights {b.meta.get('weights_sha256')}); "
                     "their FID would be meaningless.")
  if bool(a.meta) != bool(b.meta):  # a file without metadata is taken to be TTUR's / pytorch-fid's
    own = a.meta or b.meta
    if own.get("network") != "ttur_graph":
      raise ValueError(f"Only one of {path_a}, {path_b} has tfgan_repro metadata; the other is taken to be a "
                       f"TTUR / pytorch-fid file (2015 Inception graph), but this one comes from "
                       f"{own.get('network')}: their FID would be meaningless.")
  meta = a.meta or b.meta
  network = {k: meta.get(k, "unknown (no metadata)") for k in ("network", "weights", "weights_sha256", "resize")}
  network["paper_comparable"] = meta.get("paper_comparable") if meta else None
  value = frechet_distance(a.mu, a.sigma, b.mu, b.sigma)
  record = provenance.make_record("fid", value, network=network, quantized_uint8=meta.get("quantized_uint8"),
                                  n_real=a.n or None, n_fake=b.n or None, reference=os.path.abspath(path_a),
                                  samples=os.path.abspath(path_b))
  if scores_path:
    provenance.append_jsonl(scores_path, record)
  return [record]
