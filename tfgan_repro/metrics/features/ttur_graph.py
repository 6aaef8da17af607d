"""The 2015-12-05 Inception graph used by TTUR and TF-GAN: 2048-d `pool_3` and 1008 logits.

The only paper-comparable backend: TTUR's `fid.py` (github.com/bioinf-jku/TTUR) computes published FIDs
from `pool_3:0` of `classify_image_graph_def.pb`, feeding float 0..255 images of any size into
`ExpandDims:0`; the graph itself resizes them to 299x299 with its `ResizeBilinear` op (TF1 semantics,
align_corners=False) and scales them. Logits follow Salimans et al.'s IS code: `pool_3 @ W` with W the
weights of `softmax/logits/MatMul` (no bias; the graph's own softmax is fixed to batch size 1).
Loaded with tf.compat.v1 into its own graph and session, exactly as TTUR runs it.
"""
import os

import numpy as np
import tensorflow as tf

from tfgan_repro.metrics.features.base import FeatureNetwork, WeightsNotFoundError, sha256_prefix

GRAPH_FILE = "classify_image_graph_def.pb"
GRAPH_URL = "http://download.tensorflow.org/models/image/imagenet/inception-2015-12-05.tgz"
INPUT_TENSOR = "ExpandDims:0"
POOL_TENSOR = "pool_3:0"
LOGITS_MATMUL = "softmax/logits/MatMul"


def missing_message(path: str) -> str:
  where = f"--inception_graph={path} does not exist" if path else "no --inception_graph was given"
  return (f"TTUR Inception graph not found: {where}. It is {GRAPH_FILE} from {GRAPH_URL} (the archive TTUR's "
          f"fid.py downloads, unreachable from this machine): fetch and extract it elsewhere, copy the file here "
          f"and pass --inception_graph=PATH/{GRAPH_FILE}.")


class TTURGraph(FeatureNetwork):
  """graph_path: a local copy of classify_image_graph_def.pb (or a GraphDef with the same tensor names)."""
  name = "ttur_graph"
  resize = "bilinear to 299x299 inside the graph (TF1 ResizeBilinear, align_corners=False)"
  paper_comparable = True
  default_batch_size = 50

  def __init__(self, graph_path: str):
    if not graph_path or not os.path.isfile(graph_path):
      raise WeightsNotFoundError(missing_message(graph_path))
    graph_def = tf.compat.v1.GraphDef()
    try:
      with open(graph_path, "rb") as f:
        graph_def.ParseFromString(f.read())
    except Exception as e:  # protobuf DecodeError and friends
      raise ValueError(f"{graph_path} is not a TensorFlow GraphDef ({e}); expected {GRAPH_FILE}.") from None
    self._graph = tf.Graph()
    with self._graph.as_default():
      self._images = tf.compat.v1.placeholder(tf.float32, [None, None, None, 3], name="tfgan_repro_images")
      try:
        # Feeding ExpandDims:0 skips the graph's JPEG decoder; the batch dimension stays free.
        pool, matmul = tf.compat.v1.import_graph_def(
            graph_def, input_map={INPUT_TENSOR: self._images}, return_elements=[POOL_TENSOR, LOGITS_MATMUL],
            name="inception")
      except (ValueError, KeyError) as e:
        raise ValueError(f"{graph_path} lacks the TTUR tensors {INPUT_TENSOR}, {POOL_TENSOR}, "
                         f"{LOGITS_MATMUL} ({e}).") from None
      weights = matmul.inputs[1]  # (2048, 1008)
      self.feature_dim, self.num_logits = int(weights.shape[0]), int(weights.shape[1])
      self._pool = tf.reshape(pool, [-1, self.feature_dim])  # (B, 1, 1, 2048) -> (B, 2048)
      self._logits = tf.matmul(self._pool, weights)
    self._session = tf.compat.v1.Session(graph=self._graph)
    self.weights, self.weight_hash = graph_path, sha256_prefix(graph_path)

  def _run(self, pixels: np.ndarray) -> tuple:
    pixels = np.asarray(pixels, np.float32)
    if pixels.shape[-1] == 1:
      pixels = np.repeat(pixels, 3, axis=-1)  # grayscale tiled to RGB, as TTUR does for MNIST-like data
    return self._session.run([self._pool, self._logits], {self._images: pixels})
