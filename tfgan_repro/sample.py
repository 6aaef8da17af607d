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
`evaluate` and `tfgan_repro.load` read like the full run. checkpoints/shipped/ holds one made this way.

--method=auto interpolates along a great circle (slerp) for N(0, 1) latents and a straight line for
U(-1, 1) ones (why: `tfgan_repro.sampling`, the library this thin command line calls).

A missing run directory or checkpoint prints one line and exits with status 2.
"""
import os
import sys

from tfgan_repro import sampling


def define_flags():
  """Flags are defined only when run as a program: importing this module defines none."""
  from absl import flags
  flags.DEFINE_string("workdir", "", "Run directory (config.json, ckpt/).")
  flags.DEFINE_integer("step", None, "Checkpoint step; default the newest.")
  flags.DEFINE_string("out", "", "Output directory; default RUN/sampled/step_<step>.")
  flags.DEFINE_integer("num", 64, "Images in the grid.")
  flags.DEFINE_integer("seed", 0, "Seed of the latents (model.fixed_latents).")
  flags.DEFINE_integer("interpolate", 8, "Images per interpolation row; 0 = no strip.")
  flags.DEFINE_integer("rows", 4, "Interpolation rows (pairs of end points).")
  flags.DEFINE_integer("singles", 16, "Single PNGs: the first N grid images.")
  flags.DEFINE_enum("method", "auto", list(sampling.METHODS),
                    "auto: slerp for normal latents, linear for uniform.")
  flags.DEFINE_enum("export", "", list(sampling.EXPORTS), "Export the generator: keras (.keras), savedmodel, or "
                    "run (a slim run directory that sample and evaluate read).")


def main(argv):
  from absl import app, flags
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  f = flags.FLAGS
  if not f.workdir:
    print("sample: error: --workdir=RUN is required (a run directory of tfgan_repro.main).", file=sys.stderr)
    sys.exit(2)
  try:
    written = sampling.sample_run(f.workdir, step=f.step, out=f.out, num=f.num, seed=f.seed,
                                  interpolate_steps=f.interpolate, rows=f.rows, singles=f.singles, method=f.method,
                                  export=f.export)
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
