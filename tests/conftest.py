"""Shared test set-up: quiet TF logs, 2 logical CPUs for distribution tests, small fixtures."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TF 2.21's oneDNN kernels crashed (SIGSEGV / SIGABRT in conv2d_backprop_filter) in tests/test_igan_batchnorm.py
# and test_igan_fused_bn.py on an AMD EPYC with AVX512_BF16 (2026-12-02). The cause, found 2026-12-06: the
# filter gradient of a strided 1x1 convolution with few input channels (IGAN's D below width 16, which those
# tests build at width 4), in eager mode and tf.function alike; the networks now avoid that kernel
# (networks/igan.py, SubsampledPointwiseConv2D; tests/test_igan_narrow_d.py checks it under oneDNN). The
# tests' own process still runs TF's non-oneDNN kernels on every CPU model these machines have
# (TF_ENABLE_ONEDNN_OPTS=1 tests oneDNN there too). TF reads the variable once, at its first use, so it is read below and the user's setting is
# then put back: the training commands the tests start as subprocesses choose their kernels as a user's
# command does (tfgan_repro._kernels: oneDNN on an AVX2 CPU), so they test the path users run.
_USER_ONEDNN = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.util import _pywrap_util_port

_pywrap_util_port.IsMklEnabled()  # fixes this process's choice (TF reads TF_ENABLE_ONEDNN_OPTS once)
if _USER_ONEDNN is None:
  del os.environ["TF_ENABLE_ONEDNN_OPTS"]

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
