"""Named random streams: every draw of a training step is keyed by (seed, step, name, indices).

A draw such as the gradient-penalty weights of critic update i for class c is the stream
`("gp_eps", i, c)`. Its stateless seed is a hash of the run's seed, the step, the name and the indices, so
- a resumed run redraws exactly what the uninterrupted run drew (nothing is stateful), and
- two different streams never share a seed, however many critic updates or classes a family uses
  (the numeric salts this replaces had to be kept below fixed bounds by hand).
The hash is computed by TensorFlow ops (step and indices may be tensors inside a `tf.function`) and
by BLAKE2b for the name: Python's `hash()` of a string changes between processes.
"""
import hashlib

import tensorflow as tf


def name_key(name: str) -> int:
  """A signed 64-bit integer of `name`, the same in every process."""
  if not isinstance(name, str) or not name:
    raise ValueError(f"A random stream needs a non-empty string name, got {name!r}.")
  return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little", signed=True)


def stream_seed(seed, step, name: str, *indices) -> tf.Tensor:
  """The (2,) int64 stateless seed of stream `name` at `step`; indices: ints or integer scalar tensors.

  Each fold-in hashes the key so far (Philox, fixed so every device computes the same key) and pairs it
  with the next index: keys of different (step, name, indices) differ unless a 64-bit hash collides.
  """
  key = tf.stack([tf.cast(seed, tf.int64), tf.constant(name_key(name), tf.int64)])
  for data in (step, *indices):
    key = tf.random.experimental.stateless_fold_in(key, tf.cast(data, tf.int64), alg="philox")
  return key
