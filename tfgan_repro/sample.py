r"""Samples any checkpoint of a run: a grid, a latent interpolation strip, single PNGs, and the generator
exported as a `.keras` file or a SavedModel.

  python -m tfgan_repro.sample --workdir=RUN [--step=N] [--out=DIR] [--num=64] [--seed=0] [--interpolate=8]
      [--rows=4] [--singles=16] [--method=auto|slerp|linear] [--export=keras|savedmodel|run]

Writes into --out (default RUN/sampled/step_<step>): grid_seed<S>.png (the --num images of
`model.generate_images(num, seed)`, i.e. the latents the training grids use for that seed; for IGAN_v2/VN
one row group per branch, labelled on the left with the branch and its class name),
interpolation_seed<S>.png (--rows rows of --interpolate images each), singles/seed<S>_<i>.png (the first
--singles grid images, one file each) and generator.keras or generator_savedmodel/. An export is reloaded
and must reproduce the generator's outputs, else the command fails.

--export=run writes run/: a slim run directory (config.json, run_info.jsonl, scores.jsonl and a checkpoint of
the generator and its sampling state only, without discriminators and optimizer slots) that `sample`,
`evaluate` and `load_model` read like the full run. checkpoints/shipped/ holds one made this way.

Interpolation, --method=auto: spherical (slerp) for N(0, 1) latents -- a straight line between two Gaussian
samples passes near norm sqrt(d/2) at its middle, far from the shell of radius ~sqrt(d) that holds almost
all of the prior's mass, so midpoints would be atypical inputs (White 2016, "Sampling Generative Networks");
linear for U(-1, 1) latents (BEGAN): the prior is the cube [-1, 1]^d, which a straight line never leaves
and a great circle can.

A missing run directory or checkpoint prints one line and exits with status 2.
"""
import os
import sys

import numpy as np

METHODS = ("auto", "slerp", "linear")
EXPORTS = ("", "keras", "savedmodel", "run")


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


def _generator_state(model) -> dict:
  """The checkpoint items sampling needs: everything but discriminators and optimizers."""
  return {k: v for k, v in model.checkpoint_items().items() if "optimizer" not in k and "discriminator" not in k}


def export_run(model, workdir: str, out: str, step: int, seed: int = 0, atol: float = 1e-6) -> str:
  """Writes the slim run directory `out` (see the module docstring), reloads it with `load_model` and checks
  it reproduces 4 generator outputs within `atol`."""
  import json
  import shutil
  import tensorflow as tf
  from tfgan_repro.training.restore import load_model
  if os.path.exists(out):
    raise ValueError(f"{out} exists; choose a new --out (an export never overwrites).")
  os.makedirs(out)
  for name in ("config.json", "run_info.jsonl", "scores.jsonl"):
    if os.path.isfile(os.path.join(workdir, name)):
      shutil.copyfile(os.path.join(workdir, name), os.path.join(out, name))
  with open(os.path.join(out, "run_info.jsonl"), "a") as f:
    f.write(json.dumps({"event": "slim export", "source": os.path.abspath(workdir), "step": step,
                        "command": "python -m tfgan_repro.sample " + " ".join(sys.argv[1:])}) + "\n")
  manager = tf.train.CheckpointManager(tf.train.Checkpoint(**_generator_state(model)), os.path.join(out, "ckpt"),
                                       max_to_keep=1, checkpoint_name="ckpt")
  manager.save(checkpoint_number=step)
  reloaded, _, reloaded_step = load_model(out)
  z = model.fixed_latents(4, seed)
  want, got = generator_outputs(model.generator, z), generator_outputs(reloaded.generator, z)
  worst = max(float(np.max(np.abs(a - b))) for a, b in zip(want, got))
  if reloaded_step != step or not worst <= atol:
    raise RuntimeError(f"The slim run {out} does not reproduce the checkpoint (step {reloaded_step} vs {step}, "
                       f"max |difference| {worst:.3g}).")
  return out


def sample_run(workdir: str, *, step=None, out: str = "", num: int = 64, seed: int = 0, interpolate_steps: int = 8,
               rows: int = 4, singles: int = 16, method: str = "auto", export: str = "", load_model=None) -> dict:
  """Writes the files described in the module docstring; returns {kind: path or [paths]}."""
  from tfgan_repro.training import images as image_lib
  if not os.path.isdir(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is not a directory (a run directory of tfgan_repro.main).")
  for name, value, low in (("num", num, 1), ("singles", singles, 0), ("interpolate", interpolate_steps, 0)):
    if value < low:
      raise ValueError(f"--{name} must be >= {low}; got {value}.")
  if singles > num:
    raise ValueError(f"--singles={singles} exceeds --num={num}: singles are the first images of the grid.")
  if export not in EXPORTS:
    raise ValueError(f"--export must be one of keras, savedmodel, run (or empty); got {export!r}.")
  if load_model is None:
    from tfgan_repro.training.restore import load_model
  model, _, step = load_model(workdir, step)
  out = out or os.path.join(workdir, "sampled", f"step_{step:07d}")
  os.makedirs(out, exist_ok=True)
  written = {"step": step}
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
  if export == "run":
    written["export"] = export_run(model, workdir, os.path.join(out, "run"), step, seed)
  elif export:
    name = "generator.keras" if export == "keras" else "generator_savedmodel"
    written["export"] = export_generator(model, os.path.join(out, name), export, seed)
  return written


def define_flags():
  """Flags are defined only when run as a program, so importing this module (the report does) defines none."""
  from absl import flags
  flags.DEFINE_string("workdir", "", "Run directory (config.json, ckpt/).")
  flags.DEFINE_integer("step", None, "Checkpoint step; default the newest.")
  flags.DEFINE_string("out", "", "Output directory; default RUN/sampled/step_<step>.")
  flags.DEFINE_integer("num", 64, "Images in the grid.")
  flags.DEFINE_integer("seed", 0, "Seed of the latents (model.fixed_latents).")
  flags.DEFINE_integer("interpolate", 8, "Images per interpolation row; 0 = no strip.")
  flags.DEFINE_integer("rows", 4, "Interpolation rows (pairs of end points).")
  flags.DEFINE_integer("singles", 16, "Single PNGs: the first N grid images.")
  flags.DEFINE_enum("method", "auto", list(METHODS), "auto: slerp for normal latents, linear for uniform.")
  flags.DEFINE_enum("export", "", list(EXPORTS), "Export the generator: keras (.keras), savedmodel, or run (a slim "
                    "run directory that sample and evaluate read).")


def main(argv):
  from absl import app, flags
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  f = flags.FLAGS
  if not f.workdir:
    print("sample: error: --workdir=RUN is required (a run directory of tfgan_repro.main).", file=sys.stderr)
    sys.exit(2)
  try:
    written = sample_run(f.workdir, step=f.step, out=f.out, num=f.num, seed=f.seed, interpolate_steps=f.interpolate,
                         rows=f.rows, singles=f.singles, method=f.method, export=f.export)
  except (ValueError, FileNotFoundError) as e:
    if os.environ.get("TFGAN_TRACEBACK"):
      raise
    print(f"sample: error: {e}", file=sys.stderr)
    sys.exit(2)
  singles = written.pop("singles")
  for kind, path in written.items():
    print(f"{kind}: {path}")
  if singles:
    print(f"singles: {len(singles)} files in {os.path.dirname(singles[0])}")


if __name__ == "__main__":
  from absl import app
  from tfgan_repro import _quiet
  _quiet.cli()
  define_flags()
  app.run(main)
