r"""Compact, committable records of run directories, so `results/` can be regenerated from a clean checkout.

  python -m tfgan_repro.results.archive --runs='checkpoints/*-s[0-9]' [--out=results/runs]
  python -m tfgan_repro.report --runs='results/runs/*'

A run directory holds checkpoints (megabytes each) and TensorBoard event files with images; the report needs
neither. The record of a run keeps what the report reads, nothing else:
  config.json, run_info.jsonl, scores.jsonl   copied, with absolute paths made relative (`portable`)
  scalars.json                                the TensorBoard scalars, {tag: [[step, value], ...]}
  archive.json                                the newest checkpoint's step and where the record came from
  samples/                                    for the first seed of each group (the one the report shows): the
                                              newest sample and reconstruction grids and a latent
                                              interpolation strip drawn from the newest checkpoint
`tfgan_repro.results.collect` reads a record like the run directory it came from, so a report from records
has the numbers, curves and figures of a report from the runs. When the records lie inside the report's
output directory (results/runs/ for results/), the report links their images instead of copying them.
Re-archiving a run replaces its record.
"""
import json
import os
import re
import shutil
import sys
from typing import List

from tfgan_repro.results import collect

ARCHIVE_FILE = "archive.json"
SCALARS_FILE = "scalars.json"
COPIED = ("config.json", "run_info.jsonl", "scores.jsonl")


def interpolation_png(run: collect.Run, out_path: str) -> str:
  """A latent interpolation strip of the run's newest checkpoint (`tfgan_repro.sampling`): 4 rows of 8, 2 rows
  at 64x64 and above (large noisy images compress badly and the files are committed)."""
  from tfgan_repro import sampling
  rows = 2 if int(run.config.get("resolution", 32)) >= 64 else 4
  return sampling.interpolation_png(run.path, out_path, rows=rows, steps=8, seed=0)


def portable(text: str, repo: str) -> str:
  """`text` with this machine's absolute paths made portable: paths in the repository become relative to it,
  paths in the home directory start with `~/` (committed records name no machine's directories)."""
  prefixes = {os.path.abspath(repo) + os.sep: "", os.path.expanduser("~") + os.sep: "~" + os.sep}
  for prefix in sorted(prefixes, key=len, reverse=True):  # the longer first: a repository inside home
    # where a path starts: a JSON string, a flag's value (--workdir=/...), or a word of a command line
    text = re.sub(r'(?<=["=\s])' + re.escape(prefix), prefixes[prefix].replace("\\", "\\\\"), text)
  return text


def archive_run(run: collect.Run, out_dir: str, with_samples: bool, repo: str = ".") -> str:
  """Writes the record of `run` to out_dir/<run directory name>/ and returns that path. Absolute paths in
  the copied records are made portable (`portable`), relative to `repo` (the repository's top directory)."""
  dest = os.path.join(out_dir, os.path.basename(os.path.normpath(run.path)))
  if os.path.realpath(dest) == os.path.realpath(run.path):
    raise ValueError(f"{run.path} is already a record in {out_dir}.")
  if os.path.isdir(dest):
    shutil.rmtree(dest)
  os.makedirs(dest)
  for name in COPIED:
    src = os.path.join(run.path, name)
    if os.path.isfile(src):
      with open(src) as f, open(os.path.join(dest, name), "w") as out:
        out.write(portable(f.read(), repo))
  with open(os.path.join(dest, SCALARS_FILE), "w") as f:
    json.dump({tag: [[s, v] for s, v in points] for tag, points in run.scalars.items()}, f, sort_keys=True)
  with open(os.path.join(dest, ARCHIVE_FILE), "w") as f:
    source = portable(json.dumps(os.path.abspath(run.path)), repo)
    json.dump({"checkpoint_step": run.step, "source": json.loads(source)}, f, sort_keys=True, indent=1)
  if with_samples:
    os.makedirs(os.path.join(dest, "samples"))
    for name in ("samples", "reconstructions"):
      newest = run.newest_sample(name)
      if newest:
        shutil.copyfile(newest, os.path.join(dest, "samples", os.path.basename(newest)))
    if run.step is not None and os.path.isdir(os.path.join(run.path, "ckpt")):
      try:
        interpolation_png(run, os.path.join(dest, "samples", f"interpolation_{run.step:07d}.png"))
      except Exception as e:  # noqa: BLE001 -- an unloadable checkpoint costs the strip, not the record
        print(f"archive: warning: no interpolation for {run.path}: {type(e).__name__}: {e}", file=sys.stderr)
  return dest


def archive(globs, out_dir: str) -> List[str]:
  runs = [r for r in collect.find_runs(globs) if not r.tiny]
  shown = {g.first.path for g in collect.group_runs(runs)}
  os.makedirs(out_dir, exist_ok=True)
  return [archive_run(r, out_dir, r.path in shown) for r in runs]


def main(argv):
  from absl import app, flags
  if len(argv) > 1:
    raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
  globs = [g for g in flags.FLAGS.runs.split(",") if g]
  try:
    written = archive(globs, flags.FLAGS.out)
  except (ValueError, FileNotFoundError) as e:
    print(f"archive: error: {e}", file=sys.stderr)
    sys.exit(2)
  if not written:
    print(f"archive: error: no run directory (with config.json) matches {', '.join(globs)}.", file=sys.stderr)
    sys.exit(2)
  for path in written:
    print(path)


if __name__ == "__main__":
  from absl import app, flags
  from tfgan_repro import _quiet
  _quiet.cli()  # absl WARNING and above, no TFDS chatter (TFGAN_VERBOSE=1 shows them)
  flags.DEFINE_string("runs", "checkpoints/*", "Comma-separated globs of run directories to archive.")
  flags.DEFINE_string("out", "results/runs", "Directory of the records.")
  app.run(main)
