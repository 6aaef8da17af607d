"""tf.distribute and mixed precision: 2 mirrored replicas = 1 device; multi-worker; bfloat16 steps."""
import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import gans
from tfgan_repro.training import runtime

from tests.cli import ENV, main_cmd
from tests.helpers import tiny_config


def one_fit_step(strategy, config, batch, weights=None):
  """One `fit` step under `strategy`, with plain SGD: its update is linear in the gradient, so a per-replica
  loss scaled wrongly (a sum over replicas, say) shows as an update twice or half as large. (Adam's first
  update is about lr * sign(g) whatever the gradient's scale, and it maps rounding-level differences of a
  near-zero gradient to differences of up to lr.)"""
  with strategy.scope():
    model = gans.build(config, channels=1)
    model.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1))
  if weights is not None:
    model.set_weights(weights)
  initial = model.get_weights()
  ds = tf.data.Dataset.from_tensors(batch).repeat()
  model.fit(ds, epochs=1, steps_per_epoch=1, verbose=0)
  return model, initial


def test_mirrored_two_replicas_equal_one_device(mirrored_strategy):
  assert len(tf.config.list_logical_devices("CPU")) >= 2, "conftest sets 2 logical CPUs"
  config = tiny_config("dcgan_fashion_mnist_32", batch_size=8)
  batch = {"images": tf.random.stateless_uniform([8, 32, 32, 1], [3, 4], -1.0, 1.0),
           "labels": tf.zeros([8], tf.int64)}
  single, initial = one_fit_step(tf.distribute.get_strategy(), config, batch)
  double, _ = one_fit_step(mirrored_strategy, config, batch, weights=initial)
  moved = max(float(np.max(np.abs(a - b))) for a, b in zip(single.get_weights(), initial))
  assert moved > 1e-4  # the step did something
  for a, b, w, v in zip(single.get_weights(), double.get_weights(), initial, single.weights):
    step_a, step_b = a - w, b - w  # the two updates, compared to the size of the larger one
    np.testing.assert_allclose(step_b, step_a, rtol=1e-3, atol=1e-4 * float(np.max(np.abs(step_a))) + 1e-9,
                               err_msg=v.path)


def test_mixed_bfloat16_step_keeps_losses_float32():
  config = tiny_config("dcgan_fashion_mnist_32", mixed_precision=True)
  try:
    loss_scaling = runtime.configure_precision(True)
    assert keras.config.dtype_policy().name == "mixed_bfloat16" and not loss_scaling
    model = gans.build(config, channels=1, loss_scaling=loss_scaling)
    assert model.generator.get_layer("up1").compute_dtype == "bfloat16"
    assert model.generator.get_layer("up1").kernel.dtype == "float32"  # float32 master weights
    batch = {"images": tf.random.uniform([4, 32, 32, 1], -1, 1), "labels": tf.zeros([4], tf.int64)}
    logs = model.train_step(batch)
  finally:
    runtime.configure_precision(False)
  for name in ("d_loss", "g_loss"):
    assert logs[name].dtype == tf.float32 and np.isfinite(float(logs[name]))
  assert model.generate(tf.zeros([2, config.z_dim])).dtype == tf.float32


def test_loss_scale_optimizers_wrap_each_network():
  config = tiny_config("dcgan_fashion_mnist_32")
  model = gans.build(config, channels=1, loss_scaling=True)
  assert isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
  assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
  assert model.g_optimizer is not model.d_optimizer


def _free_ports(n):
  socks = [socket.socket() for _ in range(n)]
  for s in socks:
    s.bind(("127.0.0.1", 0))
  ports = [s.getsockname()[1] for s in socks]
  for s in socks:
    s.close()
  return ports


def test_multiworker_two_local_processes(tmp_path, fashion_dir):
  ports = _free_ports(2)
  cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
  workdir = tmp_path / "run"
  args = ["--tiny", "--model=dcgan", "--strategy=multiworker", "--steps=3", "--ckpt_every=100",
          "--sample_every=100", f"--workdir={workdir}"]
  procs = []
  for index in range(2):
    env = dict(ENV, TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}))
    procs.append(subprocess.Popen(main_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, env=env))
  outputs = [p.communicate(timeout=400)[0] for p in procs]
  for p, out in zip(procs, outputs):
    assert p.returncode == 0, out[-3000:]
  assert "2 replica(s)" in outputs[0]
  checkpoints = sorted(f.name for f in (workdir / "ckpt").glob("*.index"))
  assert checkpoints == ["ckpt-3.index"]
