"""`python -m tfgan_repro.sample` on a tiny trained BEGAN run: grid, interpolation strip, singles, and exports that
reload with the generator's outputs; interpolation paths; the one-line error of a missing run."""
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from tests.helpers import tiny_config
from tfgan_repro import gans, sampling
from tfgan_repro.training import images as image_lib
from tfgan_repro.training import loop
from tfgan_repro.training.restore import load_model

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")


@pytest.fixture
def trained_run(tmp_path, fashion_dir):
  # BEGAN: uniform latents (linear interpolation) and a custom layer (ConvBlock) in the exported generator.
  workdir = str(tmp_path / "run")
  loop.train(tiny_config("began_fashion_mnist_32"), workdir)
  return workdir


def test_interpolation_paths():
  rng = np.random.default_rng(0)
  z0, z1 = rng.normal(size=64), rng.normal(size=64)
  for method in ("linear", "slerp"):
    path = sampling.interpolate(z0, z1, 5, method)
    assert path.shape == (5, 64)
    np.testing.assert_allclose(path[[0, -1]], [z0, z1], atol=1e-5)
  np.testing.assert_allclose(sampling.interpolate(z0, z1, 3, "linear")[1], (z0 + z1) / 2, atol=1e-6)
  # slerp between equal-norm latents stays on their sphere; the straight line cuts inside it.
  z1 = z1 / np.linalg.norm(z1) * np.linalg.norm(z0)
  norms = np.linalg.norm(sampling.interpolate(z0, z1, 7, "slerp"), axis=1)
  np.testing.assert_allclose(norms, np.linalg.norm(z0), rtol=1e-5)
  assert np.linalg.norm(sampling.interpolate(z0, z1, 3, "linear")[1]) < 0.9 * np.linalg.norm(z0)
  with pytest.raises(ValueError, match="at least 2"):
    sampling.interpolate(z0, z1, 1)


def test_sample_cli_writes_files_and_exports_reload(trained_run, tmp_path):
  out = tmp_path / "out"
  proc = subprocess.run([sys.executable, "-m", "tfgan_repro.sample", f"--workdir={trained_run}", f"--out={out}",
                         "--num=9", "--singles=3", "--interpolate=5", "--rows=2", "--export=keras"],
                        capture_output=True, text=True, timeout=180, env=ENV)
  assert proc.returncode == 0, proc.stderr[-3000:]
  model, config, step = load_model(trained_run)
  assert step == config.steps and sampling.resolve_method(model, "auto") == "linear"  # BEGAN: z ~ U(-1, 1)
  images = model.generate_images(9, seed=0)
  grid = np.asarray(Image.open(out / "grid_seed0.png"))
  np.testing.assert_array_equal(grid, image_lib.grid(images)[..., 0])
  strip = np.asarray(Image.open(out / "interpolation_seed0.png"))
  assert strip.shape == (2 * 33 + 1, 5 * 33 + 1)  # 2 rows x 5 columns of 32x32 with 1-pixel padding
  singles = sorted(os.listdir(out / "singles"))
  assert singles == [f"seed0_{i:04d}.png" for i in range(3)]
  np.testing.assert_array_equal(np.asarray(Image.open(out / "singles" / singles[2])),
                                image_lib.to_uint8(images[2])[..., 0])
  # The exported .keras generator reproduces the checkpoint's generator.
  z = model.fixed_latents(4, seed=3)
  reloaded = keras.saving.load_model(out / "generator.keras", compile=False)
  np.testing.assert_allclose(reloaded(z, training=False), model.generator(z, training=False), atol=1e-5)
  # And the SavedModel export, through its `serve` endpoint.
  path = sampling.export_generator(model, str(tmp_path / "saved"), "savedmodel")
  served = tf.saved_model.load(path)
  np.testing.assert_allclose(served.serve(z), model.generator(z, training=False), atol=1e-5)


def test_keras_export_of_the_virtual_batch_norm_generator(tmp_path):
  # Improved DCGAN's generator is a subclassed model holding the reference batch z_ref as a weight.
  config = tiny_config("dcgan_improved_fashion_mnist_32")
  model = gans.build(config, loop.channels_of(config))
  path = sampling.export_generator(model, str(tmp_path / "g.keras"), "keras")  # checks 4 outputs itself
  reloaded = keras.saving.load_model(path, compile=False)
  assert type(reloaded).__name__ == "ReferenceBatchGenerator"
  np.testing.assert_array_equal(reloaded.reference_z.numpy(), model.generator.reference_z.numpy())
  z = model.fixed_latents(6, seed=5)
  np.testing.assert_allclose(reloaded(z, training=False), model.generator(z, training=False), atol=1e-5)


def _custom_classes():
  """Every keras Layer/Model class defined in tfgan_repro.networks."""
  import inspect
  from tfgan_repro.networks import began, dcgan, igan, improved, wgan
  return [c for m in (began, dcgan, igan, improved, wgan) for _, c in inspect.getmembers(m, inspect.isclass)
          if c.__module__ == m.__name__ and issubclass(c, keras.layers.Layer)]


def test_every_custom_layer_is_registered_with_keras():
  classes = _custom_classes()
  assert {"ConvBlock", "DepthToSpace", "VirtualBatchNorm", "ReferenceBatchGenerator",
          "MinibatchDiscrimination"} <= {c.__name__ for c in classes}
  for c in classes:
    assert keras.saving.get_registered_name(c) == f"tfgan_repro>{c.__name__}", c
    assert keras.saving.get_registered_object(f"tfgan_repro>{c.__name__}") is c


_LOAD_IN_FRESH_PROCESS = """
import sys
import numpy as np
import tfgan_repro  # registers the package's layers: nothing else is imported from it
import keras
for path in sys.argv[1:]:
  model = keras.saving.load_model(path, compile=False)
  out = keras.tree.flatten(model(np.load(path + ".in.npy"), training=False))  # G: images; D: dict of tensors
  np.savez(path + ".out.npz", *[np.asarray(o, np.float32) for o in out])
"""


def test_exports_load_in_a_fresh_process_with_only_import_tfgan_repro(tmp_path):
  # Between them these hold every custom layer: ConvBlock (BEGAN G), DepthToSpace and the IGAN generator's
  # dropout (IGAN G), ReferenceBatchGenerator with VirtualBatchNorm (improved DCGAN G), MinibatchDiscrimination
  # (improved DCGAN D).
  nets, outputs = {}, {}
  for name, preset in (("began", "began_fashion_mnist_32"), ("igan", "igan_fashion_mnist_96"),
                       ("improved", "dcgan_improved_fashion_mnist_32")):
    config = tiny_config(preset)
    model = gans.build(config, loop.channels_of(config))
    nets[f"{name}_g"] = (model.generator, model.fixed_latents(3, seed=1))
    if name == "improved":
      nets["improved_d"] = (model.discriminator, model.generate_images(3, seed=1))
  for name, (net, x) in nets.items():
    path = str(tmp_path / f"{name}.keras")
    net.save(path)
    np.save(path + ".in.npy", np.asarray(x, np.float32))
    outputs[path] = [np.asarray(o) for o in keras.tree.flatten(net(x, training=False))]
  proc = subprocess.run([sys.executable, "-c", _LOAD_IN_FRESH_PROCESS, *outputs], capture_output=True, text=True,
                        timeout=300, env=ENV)
  assert proc.returncode == 0, proc.stderr[-3000:]
  for path, want in outputs.items():
    with np.load(path + ".out.npz") as got:
      assert len(got.files) == len(want), path
      for i, w in enumerate(want):
        np.testing.assert_allclose(got[f"arr_{i}"], w, atol=1e-5, err_msg=path)


def test_slim_run_export_samples_like_the_full_run_and_is_smaller(trained_run, tmp_path):
  model, _, step = load_model(trained_run)
  slim = sampling.export_run(model, trained_run, str(tmp_path / "slim"), step)
  size = lambda d: sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)
  assert size(os.path.join(slim, "ckpt")) < 0.5 * size(os.path.join(trained_run, "ckpt"))
  reloaded, config, reloaded_step = load_model(slim)
  assert reloaded_step == step and config.model == "began"
  np.testing.assert_array_equal(reloaded.generate_images(6, seed=2), model.generate_images(6, seed=2))
  # sample_run reads it like any run; the export refuses to overwrite.
  written = sampling.sample_run(slim, out=str(tmp_path / "s"), num=4, singles=1, interpolate_steps=0)
  assert os.path.isfile(written["grid"]) and written["step"] == step
  with pytest.raises(ValueError, match="exists"):
    sampling.export_run(model, trained_run, slim, step)


def test_missing_run_is_one_line_exit_2(tmp_path):
  proc = subprocess.run([sys.executable, "-m", "tfgan_repro.sample", f"--workdir={tmp_path / 'nope'}"],
                        capture_output=True, text=True, timeout=120, env=ENV)
  assert proc.returncode == 2
  assert proc.stderr.strip().splitlines()[-1].startswith("sample: error:") and "nope" in proc.stderr
  (tmp_path / "run").mkdir()
  tiny = tiny_config("dcgan_fashion_mnist_32")
  (tmp_path / "run" / "config.json").write_text(tiny.to_json())
  with pytest.raises(FileNotFoundError, match="No checkpoint"):
    sampling.sample_run(str(tmp_path / "run"))
  with pytest.raises(ValueError, match="--singles"):
    sampling.sample_run(str(tmp_path / "run"), num=2, singles=3)


def test_slim_export_of_the_improved_dcgan_drops_the_historical_averages(tmp_path, fashion_dir):
  # Historical averaging keeps a running mean of every D and G weight, which only the training loss reads: a
  # slim export holds the generator and VBN's reference latents (its outputs depend on them), not the averages.
  workdir = str(tmp_path / "run")
  loop.train(tiny_config("dcgan_improved_fashion_mnist_32"), workdir)
  model, config, step = load_model(workdir)
  assert config.historical_averaging and config.virtual_batchnorm
  slim = sampling.export_run(model, workdir, str(tmp_path / "slim"), step)
  stored = dict(tf.train.list_variables(os.path.join(slim, "ckpt", f"ckpt-{step}")))
  assert any(k.startswith("vbn_reference_z/") for k in stored)
  assert not any(k.split("/")[0] in ("g_average", "d_average", "average_count", "discriminator") for k in stored)
  generator_values = sum(int(np.prod(v.shape)) for v in model.generator.weights)
  assert sum(int(np.prod(s)) for s in stored.values()) < 1.1 * generator_values + 10_000
  reloaded, _, _ = load_model(slim)
  np.testing.assert_array_equal(reloaded.generate_images(6, seed=2), model.generate_images(6, seed=2))


@pytest.mark.parametrize("name", ["igan_fashion_mnist_96", "igan_v2_fashion_mnist_96"])
def test_savedmodel_export_of_a_generator_whose_output_is_batch_norm_then_tanh(name, tmp_path):
  # IGAN's generators end in BN + tanh (seed 001 §1.2). Served from a SavedModel, grappler's remapper used to fuse
  # an inference FusedBatchNormV3 with that Tanh, which oneDNN's CPU kernels do not implement ("Fusion is not
  # implemented: [FusedBatchNorm,Tanh]"), so the export failed its reload check where oneDNN runs (AVX2 and
  # newer x86 CPUs, tfgan_repro's default there).
  model = gans.build(tiny_config(name), 1)
  path = sampling.export_generator(model, str(tmp_path / "saved"), "savedmodel")  # checks 4 outputs itself
  z = model.fixed_latents(3, seed=2)
  loaded = tf.saved_model.load(path)  # kept: its functions need the object's variables
  served = tf.nest.flatten(loaded.serve(z))
  want = tf.nest.flatten(model.generator(z, training=False))
  assert len(served) == len(want) == (1 if name == "igan_fashion_mnist_96" else model.num_classes)
  for a, b in zip(served, want):
    np.testing.assert_allclose(a, b, atol=1e-5)
