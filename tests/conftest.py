"""Shared test set-up: quiet TF logs, 2 logical CPUs for distribution tests, small fixtures."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The tests run the CPU kernels a user's command runs. `import tfgan_repro` chooses them before TensorFlow loads
# (tfgan_repro._kernels: oneDNN's on an AVX2/FMA x86-64 Linux CPU, unless TF_ENABLE_ONEDNN_OPTS is set, e.g.
# TF_ENABLE_ONEDNN_OPTS=0 for Eigen's), and the training commands the tests start as subprocesses inherit the
# same choice. From 2026-12-02 to 12-07 this process ran Eigen's kernels instead: TF 2.21's oneDNN crashed
# (SIGSEGV / SIGABRT in conv2d_backprop_filter) in tests/test_igan_batchnorm.py and test_igan_fused_bn.py. The
# cause, found 2026-12-06, was the filter gradient of a strided 1x1 convolution with few input channels (IGAN's
# D below width 16, which those tests build at width 4); the networks now avoid that kernel (networks/igan.py,
# SubsampledPointwiseConv2D; tests/test_igan_narrow_d.py checks it under oneDNN in a child process).
import tfgan_repro  # noqa: E402,F401  (must come before TensorFlow's first import)

import numpy as np
import pytest
import tensorflow as tf

# Two logical CPU devices must be configured before TF initialises its runtime.
_cpus = tf.config.list_physical_devices("CPU")
try:
  tf.config.set_logical_device_configuration(_cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)
except RuntimeError:
  pass

FASHION_DIR = "/usr/share/datasets/fashion-mnist"


@pytest.fixture(autouse=True)
def _float32_policy():
  import keras
  keras.mixed_precision.set_dtype_policy("float32")
  yield
  keras.mixed_precision.set_dtype_policy("float32")


@pytest.fixture
def fashion_dir():
  if not os.path.isdir(FASHION_DIR):
    pytest.fail(f"{FASHION_DIR} missing: apt-get install dataset-fashion-mnist (CI installs it).")
  return FASHION_DIR


@pytest.fixture(scope="session")
def mirrored_strategy():
  """One 2-replica MirroredStrategy per test process: several strategies in one process can reuse
  collective instance keys and abort each other's all-reduces."""
  strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
  assert strategy.num_replicas_in_sync == 2
  return strategy
