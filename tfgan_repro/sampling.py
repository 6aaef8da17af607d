"""Sampling a trained model: grids, latent interpolations, single PNGs, and the generator exported as a `.keras`
file, a SavedModel or a slim run directory. `python -m tfgan_repro.sample` is the command line on it; the
report's and the run records' interpolation strips come from here too.

Interpolation, method "auto": spherical (slerp) for N(0, 1) latents -- a straight line between two Gaussian
samples passes near norm sqrt(d/2) at its middle, far from the shell of radius ~sqrt(d) that holds almost
all of the prior's mass, so midpoints would be atypical inputs (White 2016, "Sampling Generative Networks");
linear for U(-1, 1) latents (BEGAN): the prior is the cube [-1, 1]^d, which a straight line never leaves
and a great circle can.

A slim run directory (`export_run`) holds config.json, run_info.jsonl, scores.jsonl and a checkpoint of the
generator and its sampling state only (no discriminators, no optimizer slots); it restores like the full run.
"""
import json
import os
import sys

import numpy as np

METHODS = ("auto", "slerp", "linear")
EXPORTS = ("", "keras", "savedmodel", "run")
_RUN_FILES = ("config.json", "run_info.jsonl", "scores.jsonl")


def restore(workdir: str, step=None):
  """-> (model, step): the run's model at its newest checkpoint, or at `step`. Every checkpoint this module
  reads goes through here, so it is the one place that knows how training/ restores a run."""
  from tfgan_repro.training import restore as restore_lib
  model, _, step = restore_lib.load(workdir, step)
  return model, step


def interpolate(z0, z1, steps: int, method: str = "linear") -> np.ndarray:
  """(d,), (d,) -> (steps, d) float32 from z0 to z1 inclusive, along a line or a great circle (slerp)."""
  if steps < 2:
    raise ValueError(f"--interpolate needs at least 2 steps (both end points); got {steps}.")
  if method not in ("slerp", "linear"):
    raise ValueError(f"Interpolation method must be 'slerp' or 'linear'; got {method!r}.")
  z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
  t = np.linspace(0.0, 1.0, steps)[:, None]
  cos = np.dot(z0, z1) / max(np.linalg.norm(z0) * np.linalg.norm(z1), 1e-12)
  omega = np.arccos(np.clip(cos, -1.0, 1.0))
  if method == "linear" or omega < 1e-6:  # (anti)parallel end points: slerp's sin(omega) -> 0
    return ((1 - t) * z0 + t * z1).astype(np.float32)
  return ((np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)).astype(np.float32)


def resolve_method(model, method: str) -> str:
  if method not in METHODS:
    raise ValueError(f"--method must be one of {', '.join(METHODS)}; got {method!r}.")
  if method != "auto":
    return method
  return "linear" if model.latent_distribution == "uniform" else "slerp"


def generator_outputs(generator, z) -> list:
  """The generator's outputs for z (B, latent_dim) in inference mode, as a list of float32 numpy arrays
  (B, H, W, C): one per class for multi-branch generators (IGAN_v2 / IGAN_VN), else one."""
  out = generator(z, training=False)
  out = list(out) if isinstance(out, (list, tuple)) else [out]
  return [np.asarray(o, dtype=np.float32) for o in out]


def images_of(model, z) -> np.ndarray:
  """z (B, latent_dim) -> (K*B, H, W, C) in [-1, 1], class-major for K-branch generators."""
  return np.clip(np.concatenate(generator_outputs(model.generator, z)), -1.0, 1.0)


def interpolation_images(model, rows: int = 4, steps: int = 8, seed: int = 0, method: str = "auto") -> np.ndarray:
  """(K*rows*steps, H, W, C): row r goes from latent 2r to latent 2r+1 of `model.fixed_latents(2*rows, seed)`;
  a grid with `steps` columns shows one interpolation per row (per class, class-major)."""
  if rows < 1:
    raise ValueError(f"--rows must be at least 1; got {rows}.")
  method = resolve_method(model, method)
  ends = np.asarray(model.fixed_latents(2 * rows, seed))
  z = np.concatenate([interpolate(ends[2 * r], ends[2 * r + 1], steps, method) for r in range(rows)])
  return images_of(model, z)


def interpolation_png(workdir: str, out_path: str, rows: int, steps: int = 8, seed: int = 0) -> str:
  """A `rows` x `steps` interpolation strip of the run's newest checkpoint, saved as one PNG grid."""
  from tfgan_repro.training import images as image_lib
  model, _ = restore(workdir)
  image_lib.save_png(image_lib.grid(interpolation_images(model, rows=rows, steps=steps, seed=seed), columns=steps),
                     out_path)
  return out_path


def export_generator(model, path: str, fmt: str, seed: int = 0, atol: float = 1e-5) -> str:
  """Saves `model.generator` as `.keras` (fmt "keras") or a SavedModel (fmt "savedmodel", endpoint `serve`:
  float32 z (B, latent_dim) -> images), reloads it and checks it reproduces 4 outputs within `atol`."""
  import keras
  import tensorflow as tf
  generator = model.generator
  z = tf.convert_to_tensor(model.fixed_latents(4, seed), tf.float32)
  if fmt == "keras":
    try:
      generator.save(path)
      # No custom_objects: `import tfgan_repro` registered the package's layers with Keras.
      reloaded = keras.saving.load_model(path, compile=False)
    except (TypeError, ValueError, NotImplementedError) as e:
      reason = " ".join(str(e).split())[:200]  # Keras' messages span many lines; keep the error to one
      raise ValueError(f"{type(generator).__name__} does not round-trip through .keras ({reason}...); "
                       "use --export=savedmodel.") from None
    got = generator_outputs(reloaded, z)
  elif fmt == "savedmodel":
    generator.export(path, format="tf_saved_model", verbose=False,
                     input_signature=[tf.TensorSpec((None, model.latent_dim), tf.float32)])
    loaded = tf.saved_model.load(path)  # keep a reference: its functions need the object's variables
    served = loaded.serve(z)
    got = [np.asarray(o, np.float32) for o in (served if isinstance(served, (list, tuple)) else [served])]
  else:
    raise ValueError(f"--export must be one of keras, savedmodel; got {fmt!r}.")
  want = generator_outputs(generator, z)
  worst = max(float(np.max(np.abs(a - b))) for a, b in zip(want, got)) if len(want) == len(got) else np.inf
  if not worst <= atol:
    raise RuntimeError(f"The exported generator {path} does not reproduce the checkpoint "
                       f"(max |difference| {worst:.3g} > {atol}).")
  return path


def export_run(model, workdir: str, out: str, step: int, seed: int = 0, atol: float = 1e-6) -> str:
  """Writes the slim run directory `out` (see the module docstring), restores it and checks it reproduces
  4 generator outputs within `atol`."""
  import tensorflow as tf
  if os.path.exists(out):
    raise ValueError(f"{out} exists; choose a new --out (an export never overwrites).")
  os.makedirs(out)
  from tfgan_repro.results.archive import portable  # an export may be committed: no machine paths in it
  for name in _RUN_FILES:
    if os.path.isfile(os.path.join(workdir, name)):
      with open(os.path.join(workdir, name)) as src, open(os.path.join(out, name), "w") as dst:
        dst.write(portable(src.read(), os.getcwd()))
  with open(os.path.join(out, "run_info.jsonl"), "a") as f:
    f.write(portable(json.dumps({"event": "slim export", "source": os.path.abspath(workdir), "step": step,
                                 "command": "python -m tfgan_repro.sample " + " ".join(sys.argv[1:])}),
                     os.getcwd()) + "\n")
  manager = tf.train.CheckpointManager(tf.train.Checkpoint(**model.sampling_items()), os.path.join(out, "ckpt"),
                                       max_to_keep=1, checkpoint_name="ckpt")
  manager.save(checkpoint_number=step)
  reloaded, reloaded_step = restore(out)
  z = model.fixed_latents(4, seed)
  want, got = generator_outputs(model.generator, z), generator_outputs(reloaded.generator, z)
  worst = max(float(np.max(np.abs(a - b))) for a, b in zip(want, got))
  if reloaded_step != step or not worst <= atol:
    raise RuntimeError(f"The slim run {out} does not reproduce the checkpoint (step {reloaded_step} vs {step}, "
                       f"max |difference| {worst:.3g}).")
  return out


def write_samples(model, out: str, *, num: int = 64, seed: int = 0, interpolate_steps: int = 8, rows: int = 4,
                  singles: int = 16, method: str = "auto") -> dict:
  """Into `out`: grid_seed<S>.png (the `num` images of `model.generate_images(num, seed)`, the latents the
  training grids use for that seed; IGAN_v2/VN: one row group per branch, labelled with the branch and its
  class name), interpolation_seed<S>.png (`rows` rows of `interpolate_steps` images; 0: none) and
  singles/seed<S>_<i>.png (the first `singles` grid images). -> {kind: path or [paths]}."""
  from tfgan_repro.training import images as image_lib
  os.makedirs(out, exist_ok=True)
  written = {}
  images = model.generate_images(num, seed=seed)
  branches = getattr(model, "branch_names", ())  # IGAN_v2/VN: row groups labelled by branch (and class)
  written["grid"] = os.path.join(out, f"grid_seed{seed}.png")
  image_lib.save_png(image_lib.branch_grids(images, branches)[0], written["grid"])
  if interpolate_steps:
    strip = interpolation_images(model, rows, interpolate_steps, seed, method)
    written["interpolation"] = os.path.join(out, f"interpolation_seed{seed}.png")
    image_lib.save_png(image_lib.branch_grids(strip, branches, columns=interpolate_steps)[0],
                       written["interpolation"])
  written["singles"] = []
  for i in range(singles):
    path = os.path.join(out, "singles", f"seed{seed}_{i:04d}.png")
    image_lib.save_png(image_lib.to_uint8(images[i]), path)
    written["singles"].append(path)
  return written


def sample_run(workdir: str, *, step=None, out: str = "", num: int = 64, seed: int = 0, interpolate_steps: int = 8,
               rows: int = 4, singles: int = 16, method: str = "auto", export: str = "") -> dict:
  """`write_samples` of a run's checkpoint (newest, or `step`) into `out` (default RUN/sampled/step_<step>),
  then the export: "keras" (generator.keras), "savedmodel" (generator_savedmodel/), "run" (run/, a slim run
  directory) or "" (none). Arguments are checked before the checkpoint is read. -> {kind: path or [paths]}."""
  if not os.path.isdir(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is not a directory (a run directory of tfgan_repro.main).")
  for name, value, low in (("num", num, 1), ("singles", singles, 0), ("interpolate", interpolate_steps, 0)):
    if value < low:
      raise ValueError(f"--{name} must be >= {low}; got {value}.")
  if singles > num:
    raise ValueError(f"--singles={singles} exceeds --num={num}: singles are the first images of the grid.")
  if export not in EXPORTS:
    raise ValueError(f"--export must be one of keras, savedmodel, run (or empty); got {export!r}.")
  model, step = restore(workdir, step)
  out = out or os.path.join(workdir, "sampled", f"step_{step:07d}")
  written = {"step": step, **write_samples(model, out, num=num, seed=seed, interpolate_steps=interpolate_steps,
                                           rows=rows, singles=singles, method=method)}
  if export == "run":
    written["export"] = export_run(model, workdir, os.path.join(out, "run"), step, seed)
  elif export:
    name = "generator.keras" if export == "keras" else "generator_savedmodel"
    written["export"] = export_generator(model, os.path.join(out, name), export, seed)
  return written
