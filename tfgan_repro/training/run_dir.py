"""Run directories describe themselves: resolved config, package version and git commit.

Layout: RUN/config.json, RUN/run_info.json, RUN/ckpt/ (tf.train checkpoints), RUN/tb/ (TensorBoard),
RUN/samples/ (PNG grids).
"""
import datetime
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import tfgan_repro

# Fields that may change between an interrupted run and its resumption without changing what is trained.
RESUMABLE_FIELDS = {"steps", "log_every", "sample_every", "ckpt_every", "keep_checkpoints", "num_samples",
                    "data_dir", "strategy", "eval_every", "eval_samples", "eval_weights"}


class RunDirError(ValueError):
  pass


def git_commit() -> str:
  try:
    here = Path(tfgan_repro.__file__).resolve().parent
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                           capture_output=True, text=True, timeout=10)
    if out.returncode != 0:
      return "unknown"
    return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
  except (OSError, subprocess.SubprocessError):
    return "unknown"


def command_line() -> str:
  """The command as typed: `python -m tfgan_repro.main ...` when started with -m (argv[0] is a path then)."""
  spec = getattr(sys.modules.get("__main__"), "__spec__", None)
  head = ["python", "-m", spec.name] if spec is not None and spec.name else ["python", sys.argv[0]]
  return " ".join(head + sys.argv[1:])


def config_diff(old: dict, new: dict) -> list:
  keys = sorted(set(old) | set(new))
  return [f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in keys
          if k not in RESUMABLE_FIELDS and old.get(k) != new.get(k)]


def prepare(workdir: str, config, overwrite: bool = False, write: bool = True) -> Path:
  """Creates (or checks) the run directory and records the config before training starts."""
  run = Path(workdir)
  new = config.to_dict()
  if overwrite and run.exists() and write:
    shutil.rmtree(run)
  cfg_path = run / "config.json"
  if cfg_path.exists():
    old = json.loads(cfg_path.read_text())
    diff = config_diff(old, new)
    if diff:
      raise RunDirError(f"{run} holds a run with a different config ({'; '.join(diff)}). "
                        f"Pass --overwrite to replace it, or choose another --workdir.")
  if write:
    run.mkdir(parents=True, exist_ok=True)
    cfg_path.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n")
  return run


def record_start(run: Path, from_step: int) -> dict:
  """Appends one line to run_info.jsonl for a (re)start that is about to train from `from_step` (a rerun of a
  finished run trains nothing and records nothing, so the newest line names the code that trained)."""
  info = {"version": tfgan_repro.__version__, "git_commit": git_commit(), "command": command_line(),
          "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "from_step": int(from_step)}
  with open(Path(run) / "run_info.jsonl", "a") as f:
    f.write(json.dumps(info) + "\n")
  logging.info("Run directory %s (commit %s).", run, info["git_commit"])
  return info
