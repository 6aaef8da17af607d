r"""Regenerates `results/`: the reproduction ledger of every SPEC §8 number beside our runs.

  python -m tfgan_repro.report [--runs='results/runs/*'] [--out=results] [--nointerpolations]

Run it from the repository root (the default glob and the paths shown are relative to the current directory).
The default reads the committed run records, so the bare command rebuilds the committed results/; pass
--runs='checkpoints/*' (or several comma-separated globs) to report live run directories.

A thin command line on `tfgan_repro.results.render.write_report`: it reads run directories
(`results.collect`), judges them against the published numbers and claims (`results.verdicts` on
`results.ledger`), and writes results/README.md, one page per paper (results/seed*.md) and
results/figures/*.png (`results.figures`). The same run directories give byte-identical files.
"""
import os
import sys

from tfgan_repro.results import collect, render


def define_flags():
  """Flags are defined only when run as a program (importing this module defines none)."""
  from absl import flags
  flags.DEFINE_string("runs", ",".join(collect.DEFAULT_GLOBS), "Comma-separated globs of run directories.")
  flags.DEFINE_string("out", "results", "Output directory (README.md, seed*.md, figures/).")
  flags.DEFINE_bool("interpolations", True, "Draw a latent interpolation strip from each group's checkpoint.")


def main(argv):
  from absl import app, flags
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  f = flags.FLAGS
  globs = [g for g in f.runs.split(",") if g]
  if not globs:
    print("report: error: --runs needs at least one glob, e.g. --runs='results/runs/*'.", file=sys.stderr)
    sys.exit(2)
  os.makedirs(f.out, exist_ok=True)
  for path in render.write_report(globs, f.out, f.interpolations):
    print(path)


if __name__ == "__main__":
  from absl import app
  from tfgan_repro import _quiet
  _quiet.cli()  # absl WARNING and above, no TFDS chatter (TFGAN_VERBOSE=1 shows them)
  define_flags()
  app.run(main)
