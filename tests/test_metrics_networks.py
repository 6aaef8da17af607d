"""Images -> features: each backend builds offline and gives features of the right shape; missing weight
files give one clear message; the shipped Fashion-MNIST classifier is accurate and separates real data
from noise and blur."""
import os

import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro.metrics import WeightsNotFoundError, compute_features, fid_from_features, make_feature_network
from tfgan_repro.metrics.features import base, classifier, keras_inception, ttur_graph


def make_ttur_like_graph(path, size: int = 8, seed: int = 0) -> None:
  """A tiny GraphDef with the tensor names of classify_image_graph_def.pb (DecodeJpeg -> ExpandDims ->
  ResizeBilinear -> ... -> pool_3 (1, 1, 1, 2048) -> pool_3/_reshape -> softmax/logits/MatMul (1008))."""
  rng = np.random.default_rng(seed)
  g = tf.Graph()
  with g.as_default():
    jpeg = tf.compat.v1.placeholder(tf.uint8, [None, None, 3], name="DecodeJpeg")
    x = tf.expand_dims(tf.cast(jpeg, tf.float32), 0, name="ExpandDims")
    x = tf.raw_ops.ResizeBilinear(images=x, size=[size, size], name="ResizeBilinear")
    x = (x - 128.0) / 128.0
    kernel = tf.constant(rng.normal(size=(3, 3, 3, 2048)).astype(np.float32))
    x = tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "SAME"))
    pool = tf.nn.avg_pool2d(x, size, 1, "VALID", name="pool_3")
    flat = tf.reshape(pool, [1, 2048], name="pool_3/_reshape")  # fixed to batch 1, as in the real graph
    weights = tf.constant(rng.normal(size=(2048, 1008)).astype(np.float32) * 0.01, name="softmax/weights")
    logits = tf.matmul(flat, weights, name="softmax/logits/MatMul")
    tf.nn.softmax(logits, name="softmax")
  with open(path, "wb") as f:
    f.write(g.as_graph_def().SerializeToString())


def test_to_pixels_ranges_and_errors():
  assert base.to_pixels(np.array([[[[-1.0]], [[1.0]]]])).tolist() == [[[[0.0]], [[255.0]]]]
  assert base.to_pixels(np.full((1, 2, 2), 0.001), quantize=True)[0, 0, 0, 0] == 128.0  # rounded
  assert base.to_pixels(np.full((1, 2, 2, 3), 7, np.uint8)).dtype == np.float32
  with pytest.raises(ValueError, match=r"\[-1, 1\]"):
    base.to_pixels(np.full((1, 2, 2, 1), 200.0))
  with pytest.raises(ValueError, match="C in 1, 3"):
    base.to_pixels(np.zeros((1, 2, 2, 5)))


def test_ttur_graph_backend_shapes(tmp_path):
  path = tmp_path / ttur_graph.GRAPH_FILE
  make_ttur_like_graph(path)
  net = make_feature_network("ttur_graph", inception_graph=str(path))
  gray = np.random.default_rng(0).integers(0, 256, (5, 28, 28, 1), dtype=np.uint8)
  feats, logits = compute_features(net, gray, batch_size=2, progress=False)  # batches of 2, 2, 1
  assert feats.shape == (5, 2048) and logits.shape == (5, 1008)
  rgb = np.random.default_rng(1).uniform(-1, 1, (3, 40, 30, 3)).astype(np.float32)  # any size
  assert compute_features(net, rgb, progress=False)[0].shape == (3, 2048)
  d = net.describe()
  assert d["paper_comparable"] is True and d["weights"] == ttur_graph.GRAPH_FILE
  assert d["weights_sha256"] == base.sha256_prefix(path) and len(d["weights_sha256"]) == 12
  # Batching must not change features (the graph's batch-1 reshape is bypassed).
  one_by_one = np.concatenate([net(base.to_pixels(gray[i:i + 1]))[0] for i in range(5)])
  np.testing.assert_allclose(one_by_one, feats, rtol=1e-4, atol=1e-4)


def test_ttur_graph_missing_or_wrong_file(tmp_path):
  with pytest.raises(WeightsNotFoundError) as e:
    make_feature_network("ttur_graph", inception_graph=str(tmp_path / "nope.pb"))
  msg = str(e.value)
  assert "classify_image_graph_def.pb" in msg and "inception-2015-12-05.tgz" in msg and "--inception_graph" in msg
  with pytest.raises(WeightsNotFoundError, match="no --inception_graph"):
    make_feature_network("ttur_graph")
  (tmp_path / "junk.pb").write_bytes(b"\xff not a graph")
  with pytest.raises(ValueError, match="not a TensorFlow GraphDef"):
    make_feature_network("ttur_graph", inception_graph=str(tmp_path / "junk.pb"))


def test_keras_inception_missing_weights_message(tmp_path, monkeypatch):
  monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache
  with pytest.raises(WeightsNotFoundError) as e:
    make_feature_network("keras_inception")
  msg = str(e.value)
  assert keras_inception.WEIGHTS_FILE in msg and keras_inception.WEIGHTS_URL in msg
  assert "--inception_weights=PATH" in msg and "not paper-comparable" in msg and str(tmp_path) in msg
  with pytest.raises(WeightsNotFoundError, match="--inception_weights=/no/such.h5"):
    make_feature_network("keras_inception", inception_weights="/no/such.h5")


def test_keras_inception_random_weights_shapes():
  net = make_feature_network("keras_inception", inception_weights="random")
  gray = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1)).astype(np.float32)
  feats, logits = compute_features(net, gray, progress=False)
  assert feats.shape == (2, 2048) and logits.shape == (2, 1000)
  assert np.isfinite(feats).all()
  assert net.describe()["paper_comparable"] is False and net.describe()["weights_sha256"] == "random"


def test_one_classifier_scores_images_of_different_shapes_in_turn():
  # A shape-relaxing retrace once lost the channel count after 32x32x1 batches, so 96x96x3 ones then failed.
  net = make_feature_network("classifier", dataset="fashion_mnist")
  rng = np.random.default_rng(0)
  gray = rng.uniform(-1, 1, (5, 32, 32, 1)).astype(np.float32)
  rgb = np.repeat(np.repeat(np.repeat(gray, 3, axis=1), 3, axis=2), 3, axis=3)  # the same images, 96x96x3
  f_gray, l_gray = compute_features(net, gray, progress=False)
  f_rgb, l_rgb = compute_features(net, rgb, batch_size=2, progress=False)
  f_again, _ = compute_features(net, gray[:3], progress=False)
  assert f_rgb.shape == f_gray.shape == (5, net.feature_dim) and l_rgb.shape == (5, net.num_logits)
  np.testing.assert_allclose(f_again, f_gray[:3], rtol=1e-5, atol=1e-5)
  assert np.isfinite(f_rgb).all() and not np.allclose(f_rgb[0], f_rgb[1])


def test_unknown_network():
  with pytest.raises(ValueError, match="choose one of"):
    make_feature_network("vgg")


def test_classifier_missing_and_wrong_dataset(tmp_path):
  with pytest.raises(WeightsNotFoundError, match="train_classifier --dataset=cifar10"):
    make_feature_network("classifier", dataset="cifar10")
  shipped = classifier.default_path("fashion_mnist")
  with pytest.raises(ValueError, match="trained on 'fashion_mnist', not 'mnist'"):
    make_feature_network("classifier", dataset="mnist", classifier=shipped)


def test_shipped_classifier_artifact_is_small():
  path = classifier.default_path("fashion_mnist")
  assert os.path.getsize(path) < 2 * 1024 * 1024
  assert os.path.isfile(os.path.join(os.path.dirname(path), classifier.INFO_FILE))


def test_fashion_classifier_accuracy_and_fid_sanity(fashion_dir):
  from scipy import ndimage
  from tfgan_repro.data.sources import load_idx_dir
  train, test = load_idx_dir(fashion_dir, "train"), load_idx_dir(fashion_dir, "test")
  net = make_feature_network("classifier", dataset="fashion_mnist")
  test_feats, test_logits = compute_features(net, test.images, progress=False)
  accuracy = float((test_logits.argmax(1) == test.labels).mean())
  assert accuracy >= 0.90
  train_feats, _ = compute_features(net, train.images[:10_000], progress=False)
  rng = np.random.default_rng(0)
  noise = rng.integers(0, 256, (2000, 28, 28, 1), dtype=np.uint8)
  blurred = ndimage.gaussian_filter(test.images[:2000].astype(np.float32), sigma=(0, 1.5, 1.5, 0))
  noise_feats, _ = compute_features(net, noise, progress=False)
  blur_feats, _ = compute_features(net, np.round(blurred).astype(np.uint8), progress=False)
  real = fid_from_features(train_feats, test_feats)
  vs_noise, vs_blur = fid_from_features(test_feats, noise_feats), fid_from_features(test_feats, blur_feats)
  print(f"\nclassifier test accuracy {accuracy:.4f}; FCD train-vs-test {real:.3f}, "
        f"vs noise {vs_noise:.1f}, vs blurred {vs_blur:.1f}")
  assert real < 0.01 * vs_blur and real < 0.01 * vs_noise
