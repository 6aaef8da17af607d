"""The one entry point for training data: `make_dataset(...)` -> batches of float32 NHWC in [-1, 1].

Order is a pure function of (seed, step): example i of the endless stream is position i % N of the
permutation drawn for epoch i // N. Resuming at step s therefore starts exactly where the interrupted run
stopped without replaying it (for in-memory and folder sources; TFDS streams, whose file order and shuffle
buffer are seeded too, replay deterministically with `skip`).
"""
from typing import Optional, Sequence

import numpy as np
import tensorflow as tf

from tfgan_repro.data import datasets, locate, sources
from tfgan_repro.data.spec import parse_classes


def frame(images: tf.Tensor, resolution: int, crop: Optional[str]) -> tf.Tensor:
  """uint8/float (B, H, W, C) -> float32 (B, resolution, resolution, C) in [-1, 1].

  Resizing is bilinear with antialiasing (area-like when shrinking).
  """
  images = tf.cast(images, tf.float32)
  h, w = tf.shape(images)[1], tf.shape(images)[2]
  if crop in ("celeba_140", "center_square"):
    side = tf.minimum(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    if crop == "celeba_140":  # the 140-px face box only in the aligned 178x218 framing; else as center_square
      (aligned_w, aligned_h), (box_top, box_left, box) = datasets.CELEBA_ALIGNED_SIZE, datasets.CELEBA_CROP
      aligned = tf.logical_and(tf.equal(h, aligned_h), tf.equal(w, aligned_w))
      top, left, side = (tf.where(aligned, box_top, top), tf.where(aligned, box_left, left),
                         tf.where(aligned, box, side))
    images = tf.image.crop_to_bounding_box(images, top, left, side, side)
  images = tf.image.resize(images, [resolution, resolution], method="bilinear", antialias=True)
  return tf.clip_by_value(images / 127.5 - 1.0, -1.0, 1.0)


def _match_channels(images: tf.Tensor, channels: int) -> tf.Tensor:
  have = images.shape[-1]
  if not channels or have == channels:
    return images
  if have == 1 and channels == 3:
    return tf.tile(images, [1, 1, 1, 3])
  if have == 3 and channels == 1:
    return tf.image.rgb_to_grayscale(images)
  if have == 4:
    return _match_channels(images[..., :3], channels)
  raise ValueError(f"Cannot turn {have}-channel images into {channels} channels.")


def _index_stream(n: int, seed: int, start: int) -> tf.data.Dataset:
  """Endless stream of indices into [0, n): a fresh seeded permutation per epoch, from element `start`."""
  first_epoch, offset = divmod(int(start), n)

  def epoch_indices(epoch):
    return tf.data.Dataset.from_tensor_slices(
        tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64),
                                                 seed=tf.stack([tf.cast(seed, tf.int64), epoch])))

  ds = tf.data.Dataset.range(first_epoch, 2**62).flat_map(epoch_indices)
  return ds.skip(offset)


def _decode_file(path):
  raw = tf.io.read_file(path)
  image = tf.io.decode_image(raw, channels=3, expand_animations=False)
  return image


def _frame_folder(files, kept, resolution, crop, channels, found):
  """(framed uint8 (K, R, R, C) of the kept files, position (N,) of file i in it) or None (too large)."""
  one = lambda path: _match_channels(frame(_decode_file(path)[None], resolution, crop), channels)[0]
  framed = sources.frame_image_files([files.paths[i] for i in kept], resolution, channels, one, what=str(found))
  if framed is None:
    return None
  position = np.zeros(len(files.paths), np.int64)
  position[kept] = np.arange(len(kept))
  return framed, position


def make_dataset(name: str, resolution: int, batch_size: int, *, split: str = "train",
                 classes: Optional[Sequence[int]] = None, data_dir: str = "", seed: int = 0,
                 start_step: int = 0, channels: int = 0, balanced_classes: bool = False,
                 repeat: bool = True, source: Optional[locate.Source] = None) -> tf.data.Dataset:
  """Batches {"images": float32 (B, R, R, C) in [-1, 1], "labels": int64 (B,)}.

  Args:
    classes: keep only these labels; labels are then renumbered 0..K-1 in this order.
    balanced_classes: each batch holds `batch_size` images of every kept class, grouped by class
      (shape (K * batch_size, R, R, C)); per-class models use it.
    start_step: number of batches already consumed (for resuming).
    channels: 0 keeps the dataset's channels; 1 or 3 converts.
    source: what `locate.find_source` returned for these arguments (found here when None).
  """
  if batch_size <= 0:
    raise ValueError(f"batch_size must be a positive integer, got {batch_size}.")
  if resolution <= 0:
    raise ValueError(f"resolution must be a positive integer, got {resolution}.")
  info = datasets.get_info(name)
  classes = parse_classes(classes)
  if balanced_classes and not classes:
    raise ValueError("balanced_classes needs --classes (e.g. --classes=0,7).")
  if source is None:
    source = locate.find_source(name, split, data_dir, with_classes=bool(classes), seed=seed)
  found, source = source, source.data
  channels = datasets.channels_for(name, channels)

  if isinstance(source, tf.data.Dataset):
    missing = [c for c in classes or [] if not 0 <= c < found.num_classes]
    if missing:  # a filter on a label that never occurs would wait forever for its first batch
      raise ValueError(f"--classes {missing} have no images in '{name}' (it has {found.num_classes} classes).")
    return _tfds_pipeline(source, info, resolution, batch_size, classes, seed, start_step, channels,
                          balanced_classes, repeat)

  labels = np.asarray(source.labels, dtype=np.int64)
  groups = [np.arange(len(labels))]
  if classes:
    missing = [c for c in classes if not np.any(labels == c)]
    if missing:
      raise ValueError(f"--classes {missing} have no images in '{name}' (labels present: "
                       f"{sorted(set(labels.tolist()))}).")
    groups = [np.flatnonzero(labels == c) for c in classes]
    remap = np.full(max(int(labels.max()), max(classes)) + 1, -1, dtype=np.int64)
    remap[classes] = np.arange(len(classes))
    labels = np.where(labels >= 0, remap[np.maximum(labels, 0)], -1)
  if not balanced_classes and classes:
    groups = [np.concatenate(groups)]

  if isinstance(source, sources.InMemory):
    # Frame once up front, only the kept images, each chunk straight to uint8 at the data's own channels
    # (tiled when fetched): Fashion-MNIST at 96x96x3 in float32 would hold 6.6 GB at once.
    kept = np.concatenate(groups)
    framed = np.empty((len(labels), resolution, resolution, source.images.shape[-1]), np.uint8)
    for i in range(0, len(kept), 4096):
      part = kept[i:i + 4096]
      framed[part] = ((frame(source.images[part], resolution, info.crop).numpy() + 1.0) * 127.5).round()
    images_t = tf.constant(framed)
    fetch = lambda idx: _match_channels(tf.cast(tf.gather(images_t, idx), tf.float32) / 127.5 - 1.0, channels)
  elif (framed := _frame_folder(source, np.concatenate(groups), resolution, info.crop, channels, found)) is not None:
    images_t, position_t = tf.constant(framed[0]), tf.constant(framed[1])  # each kept image decoded once
    fetch = lambda idx: tf.cast(tf.gather(images_t, tf.gather(position_t, idx)), tf.float32) / 127.5 - 1.0
  else:  # over sources.FOLDER_MEMORY_CAP: decoded per batch
    paths_t = tf.constant(source.paths)

    def fetch(idx):
      imgs = tf.map_fn(lambda p: frame(_decode_file(p)[None], resolution, info.crop)[0],
                       tf.gather(paths_t, idx), fn_output_signature=tf.float32)
      return _match_channels(imgs, channels)

  labels_t = tf.constant(labels)
  streams = []
  for g, members in enumerate(groups):
    members_t = tf.constant(members, dtype=tf.int64)
    stream = _index_stream(len(members), seed * 1000 + g, start_step * batch_size)
    streams.append(stream.map(lambda i, m=members_t: tf.gather(m, i)).batch(batch_size, drop_remainder=True))
  ds = streams[0] if len(streams) == 1 else tf.data.Dataset.zip(tuple(streams)).map(
      lambda *parts: tf.concat(parts, axis=0))
  if not repeat:
    ds = ds.take(max(1, sum(len(g) for g in groups) // (batch_size * len(groups))))
  ds = ds.map(lambda idx: {"images": fetch(idx), "labels": tf.gather(labels_t, idx)},
              num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
  return _without_autotune(ds.prefetch(tf.data.AUTOTUNE))


def _without_autotune(ds: tf.data.Dataset) -> tf.data.Dataset:
  """`ds` with tf.data's autotuning off (AUTOTUNE parallelism and buffers then take tf.data's defaults).

  With it on, the end of `fit` (Keras' `tf_sync`) sat idle after the last step for a time that grew with the
  run: about 13 s after 26 s of training and 40 s after 44 s, at zero CPU, on one pinned core (2026-12-03,
  results/PERFORMANCE.md). With it off, the same 60-step run ended 1 s after its last step, and its steps
  were no slower. The pipeline runs at 100x the training step's consumption or more, so the tuning bought
  nothing here. Batch contents and order do not depend on it.
  """
  options = tf.data.Options()
  options.autotune.enabled = False
  return ds.with_options(options)


def _tfds_pipeline(ds, info, resolution, batch_size, classes, seed, start_step, channels, balanced, repeat):
  def prep(ex):
    image = frame(ex["image"][None], resolution, info.crop)[0]
    label = tf.cast(ex.get("label", tf.constant(-1, tf.int64)), tf.int64)
    return {"images": _match_channels(image[None], channels)[0], "labels": label}

  def keep(c):
    return lambda ex: tf.equal(tf.cast(ex["label"], tf.int64), c)

  if classes:
    per_class = [ds.filter(keep(c)) for c in classes]
    per_class = [p.map(lambda ex, k=k: dict(ex, label=tf.constant(k, tf.int64))) for k, p in enumerate(per_class)]
  else:
    per_class = [ds]
  if classes and not balanced:
    per_class = [tf.data.Dataset.sample_from_datasets(
        [p.repeat() if repeat else p for p in per_class], seed=seed, stop_on_empty_dataset=not repeat)]
  out = []
  for g, p in enumerate(per_class):
    p = p.shuffle(10_000, seed=seed * 1000 + g, reshuffle_each_iteration=True)
    p = p.repeat() if repeat else p
    p = p.map(prep, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    out.append(p.batch(batch_size, drop_remainder=True).skip(start_step))
  ds = out[0] if len(out) == 1 else tf.data.Dataset.zip(tuple(out)).map(
      lambda *parts: {k: tf.concat([q[k] for q in parts], 0) for k in ("images", "labels")})
  return _without_autotune(ds.prefetch(tf.data.AUTOTUNE))
