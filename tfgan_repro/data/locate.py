"""Which source a run reads, and what it was.

An explicit --data_dir is the only place looked at: when it is missing, empty or holds nothing usable the
answer is an error, never the machine's own copy of some data set. Without --data_dir the well-known places
are tried: the Debian IDX packages, then TFDS's default data directory. Nothing here downloads.

The returned `Source` says what was read (kind, resolved path, image and class counts); the trainer prints
it and records it in run_info.jsonl, so a run's data is never a guess.
"""
import logging
import os
from typing import NamedTuple, Optional

import numpy as np

from tfgan_repro.data import datasets, sources

KINDS = {"npz": ".npz file", "idx": "IDX files in", "folder": "image folder", "tfds": "TFDS data in"}


class Source(NamedTuple):
  data: object                # sources.InMemory, sources.ImageFiles or a tf.data.Dataset of TFDS examples
  kind: str                   # a key of KINDS
  path: str                   # resolved location that was read
  num_images: Optional[int]   # None when the TFDS metadata does not say
  num_classes: int            # 0: unlabelled, or labels not read

  def describe(self) -> dict:
    """For run_info.jsonl, which may be committed: the path in a form that names no machine (see portable_path)."""
    return {"kind": self.kind, "path": portable_path(self.path), "images": self.num_images,
            "classes": self.num_classes}

  def __str__(self):
    count = "an unknown number of" if self.num_images is None else str(self.num_images)
    return f"{KINDS[self.kind]} {self.path} ({count} images, {self.num_classes} classes)"


def portable_path(path: str) -> str:
  """`path` as a record may name it: "default:<dataset>" for a well-known place searched when no --data_dir is
  given (the list at the recorded git commit says where that is), relative to the working directory when
  inside it, "~/..." when inside the home directory, else as given."""
  full = os.path.abspath(os.path.expanduser(path))
  for name, dirs in sources.IDX_DEFAULT_DIRS.items():
    if full in (os.path.abspath(d) for d in dirs):
      return f"default:{name}"
  cwd, home = os.getcwd(), os.path.expanduser("~")
  if full == cwd or full.startswith(cwd + os.sep):
    return os.path.relpath(full, cwd)
  if home not in ("", "/") and full.startswith(home + os.sep):
    return "~/" + os.path.relpath(full, home)
  return path


def _labelled(kind: str, path: str, found) -> Source:
  labels = np.asarray(found.labels)
  return Source(found, kind, path, len(labels), len(np.unique(labels[labels >= 0])))


def _tfds(info, split: str, data_dir: Optional[str], seed: int):
  """(Source or None, why not)."""
  import tensorflow_datasets as tfds
  try:
    builder = tfds.builder(info.tfds_name, data_dir=data_dir)
    # Files are shuffled too (else every epoch starts with the same shards in id order). A seeded file
    # order keeps TFDS's interleave deterministic, so a resumed run that replays the stream with `skip`
    # sees exactly the examples the interrupted one would have.
    ds = builder.as_dataset(split=split, shuffle_files=True, read_config=tfds.ReadConfig(
        shuffle_seed=int(seed), shuffle_reshuffle_each_iteration=True))
  except Exception as e:  # tfds raises several types for "not prepared"; all mean the same here
    logging.info("TFDS %s unavailable: %s", info.tfds_name, e)
    return None, f"{type(e).__name__}"
  try:
    count = int(builder.info.splits[split].num_examples)
  except Exception:  # unknown split metadata (e.g. under tfds.testing.mock_data)
    count = None
  label = builder.info.features["label"] if "label" in builder.info.features.keys() else None
  return Source(ds, "tfds", str(builder.data_dir), count, int(getattr(label, "num_classes", 0) or 0)), ""


def _images_below(folder: str) -> bool:
  return any(f.lower().endswith(sources.IMAGE_SUFFIXES) for _, _, files in os.walk(folder) for f in files)


def _from_data_dir(name, info, split, data_dir, with_classes, seed) -> Source:
  path = os.path.abspath(os.path.expanduser(data_dir))
  missing = f"No data for dataset '{name}' ({split} split): --data_dir={data_dir}"
  if not os.path.exists(path):
    raise sources.DataNotFoundError(f"{missing} does not exist. To supply it: {info.how_to_get}.")
  if os.path.isfile(path):
    if not path.endswith(".npz"):
      raise sources.DataNotFoundError(f"{missing} is a file but not an .npz; give an .npz or a directory.")
    return _labelled("npz", path, sources.load_npz(path, split))
  for d in (path, os.path.join(path, name)):
    found = sources.load_idx_dir(d, split) if os.path.isdir(d) else None
    if found is not None:
      return _labelled("idx", d, found)
  tfds_failed = ""
  if info.tfds_name and os.path.isdir(os.path.join(path, info.tfds_name.split("/")[0])):
    found, tfds_failed = _tfds(info, split, path, seed)
    if found is not None:
      return found
  folder = os.path.join(path, split) if os.path.isdir(os.path.join(path, split)) else path
  if _images_below(folder):
    files = sources.check_image_files(sources.list_image_folder(folder, with_classes))
    return Source(files, "folder", folder, len(files.paths), len(files.class_names))
  prefix = "t10k" if split == "test" else split
  looked = [f"IDX files ({prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz], also in {name}/)",
            f".jpg/.png images (also in {split}/)"]
  if info.tfds_name:
    looked.append(f"TFDS '{info.tfds_name}' prepared there"
                  + (f" (found {info.tfds_name}/ but it would not load: {tfds_failed})" if tfds_failed else ""))
  raise sources.DataNotFoundError(f"{missing} holds nothing usable; looked there for {', '.join(looked)}. "
                                  f"To supply it: {info.how_to_get}.")


def _from_default_places(name, info, split, seed) -> Source:
  for d in sources.IDX_DEFAULT_DIRS.get(name, []):
    found = sources.load_idx_dir(d, split) if os.path.isdir(d) else None
    if found is not None:
      return _labelled("idx", os.path.abspath(d), found)
  if info.tfds_name:
    found, _ = _tfds(info, split, None, seed)
    if found is not None:
      return found
  tried = list(sources.IDX_DEFAULT_DIRS.get(name, []))
  if info.tfds_name:
    tried.append(f"TFDS '{info.tfds_name}' in TFDS's default data directory (never downloaded)")
  raise sources.DataNotFoundError(
      f"No data for dataset '{name}' ({split} split) and no --data_dir given. "
      f"Tried: {'; '.join(tried) or 'nothing (this dataset needs --data_dir)'}. To supply it: {info.how_to_get}.")


def _check_celeba_framing(info, source: Source) -> None:
  if info.crop != "celeba_140" or source.kind == "tfds":  # TFDS celeb_a is always the aligned set
    return
  if source.kind == "folder":
    from PIL import Image
    with Image.open(source.data.paths[0]) as im:
      size = im.size
  else:
    size = (source.data.images.shape[2], source.data.images.shape[1])
  if tuple(size) != datasets.CELEBA_ALIGNED_SIZE:
    logging.warning("CelebA framing: the images are %dx%d, not the aligned 178x218, so each is cut to its "
                    "largest centred square instead of the 140x140 face crop.", *size)


def find_source(name: str, split: str = "train", data_dir: str = "", with_classes: bool = False,
                seed: int = 0) -> Source:
  """The source a run of dataset `name` reads; raises DataNotFoundError saying what was looked for where.

  `seed` orders TFDS files (in-memory and folder sources are shuffled by the pipeline).
  """
  info = datasets.get_info(name)
  with_classes = with_classes or info.num_classes > 0
  if data_dir:
    source = _from_data_dir(name, info, split, data_dir, with_classes, seed)
  else:
    source = _from_default_places(name, info, split, seed)
  _check_celeba_framing(info, source)
  return source


def load_source(name: str, split: str = "train", data_dir: str = "", with_classes: bool = False):
  """The data of `find_source`: InMemory, ImageFiles or a tf.data.Dataset (TFDS)."""
  return find_source(name, split, data_dir, with_classes).data
