"""FID / KID / IS between two folders of images, as torch-fidelity's and clean-fid's folder modes do.

  from tfgan_repro.metrics import evaluate_folders
  records = evaluate_folders("real_pngs/", "samples/", network="classifier", dataset="fashion_mnist")

Folder a is the reference, folder b the samples (IS is of b alone). Both go through the same feature network,
which resizes as it expects (the classifier: bilinear+antialias to its 28x28 input, RGB -> luma; Inception:
bilinear to 299x299), so the folders may hold images of any one size each. Needs no trainer: only the
metrics package and the data package's folder listing.
"""
import os
from typing import Optional, Sequence

import numpy as np

from tfgan_repro.metrics import provenance, stats as stats_lib
from tfgan_repro.metrics.evaluation import parse_metrics, score_features
from tfgan_repro.metrics.features import WeightsNotFoundError, compute_features, make_feature_network, networks_help


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


def _network(network: str, dataset: str, network_files: Optional[dict]):
  """make_feature_network, whose missing-weights error also names the networks that can be used instead."""
  try:
    return make_feature_network(network, dataset=dataset, **(network_files or {}))
  except WeightsNotFoundError as e:
    raise WeightsNotFoundError(f"{e} {networks_help()}") from None
  except ValueError as e:
    raise ValueError(f"{e} {networks_help()}") from None


def evaluate_folders(folder_a: str, folder_b: str, *, network: str = "classifier", dataset: str = "",
                     metrics: Sequence[str] = ("fid", "kid"), quantize: bool = True, progress: bool = True,
                     network_files: Optional[dict] = None, scores_path: str = "", seed: int = 0,
                     kid_subsets: int = 100) -> list:
  """Score records (provenance.make_record) of folder b against folder a, appended to `scores_path` if given.

  network: one of features.NETWORKS; the classifier needs `dataset` (the one it was trained on) or
  network_files={"classifier": PATH}; Inception needs network_files inception_weights / inception_graph.
  """
  metrics = parse_metrics(metrics)
  for folder in (folder_a, folder_b):
    if not os.path.isdir(folder):
      raise FileNotFoundError(f"Image folder {folder} does not exist.")
  net = _network(network, dataset, network_files)
  feats = []
  for folder in (folder_a, folder_b):
    feats.append(compute_features(net, folder_batches(folder, net.default_batch_size), quantize=quantize,
                                  progress=progress, desc=os.path.basename(folder.rstrip("/")))[:2])
  reference = stats_lib.from_features(feats[0][0], net.describe(), logits=feats[0][1])  # logits: for class_kl
  records = [provenance.make_record(**{"n_fake": len(feats[1][0]), **score}, network=net.describe(),
                                    quantized_uint8=quantize, dataset=dataset or None,
                                    reference=os.path.abspath(folder_a), samples=os.path.abspath(folder_b))
             for score in score_features(metrics, feats[1][0], feats[1][1], reference, seed, kid_subsets)]
  for r in records if scores_path else ():
    provenance.append_jsonl(scores_path, r)
  return records


evaluate_folder = evaluate_folders  # the name issue 15's Python API uses; one function
