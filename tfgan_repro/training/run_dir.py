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
from typing import Optional

import tfgan_repro

# Fields that may change between an interrupted run and its resumption without changing what is trained.
RESUMABLE_FIELDS = {"steps", "log_every", "sample_every", "ckpt_every", "keep_checkpoints", "num_samples",
                    "data_dir", "strategy", "eval_every", "eval_samples", "eval_weights",
                    "threads", "jit_compile", "steps_per_execution"}


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


def _same(a, b) -> bool:
  if {type(a), type(b)} == {bool, str}:  # mixed_precision was a bool: a run recorded with false is "false"
    return str(a).lower() == str(b).lower()
  return a == b


def config_diff(old: dict, new: dict) -> list:
  keys = sorted(set(old) | set(new))
  return [f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in keys
          if k not in RESUMABLE_FIELDS and not _same(old.get(k), new.get(k))]


# What a reader needs to recognise a run; when these differ, the other differing fields follow from them.
IDENTITY_FIELDS = ("model", "dataset", "resolution")
MAX_LISTED = 4


def mismatch(run: Path, old: dict, new: dict) -> str:
  """'' when `new` may resume the run recorded as `old`; else one line naming what the directory holds."""
  diff = config_diff(old, new)
  if not diff:
    return ""
  fix = "Pass --overwrite to replace it, or choose another --workdir."
  if old.get("preset") != new.get("preset") or any(old.get(k) != new.get(k) for k in IDENTITY_FIELDS):
    # Another preset: its own name says more than a field-by-field diff of everything that follows from it.
    shown = [d for d in diff if d.split(":")[0] in IDENTITY_FIELDS[1:]]
    fields = len(diff) - (old.get("preset") != new.get("preset"))
    return (f"{run} holds a {old.get('model')} run (preset {old.get('preset')}), not this command's "
            f"{new.get('model')} (preset {new.get('preset')}); {fields} field(s) differ"
            + (f", among them {'; '.join(shown)}" if shown else "") + f". {fix}")
  more = f"; and {len(diff) - MAX_LISTED} more" if len(diff) > MAX_LISTED else ""
  return f"{run} holds a run with a different config ({'; '.join(diff[:MAX_LISTED])}{more}). {fix}"


def _unwritable(run: Path) -> str:
  """Why `run` could not be created or written ('' if it looks possible); checked without writing."""
  if run.exists():
    if not run.is_dir():
      return f"{run} is a file, not a directory"
    return "" if os.access(run, os.W_OK | os.X_OK) else f"{run} is not writable"
  parent = run.parent
  while not parent.exists() and parent != parent.parent:
    parent = parent.parent
  if not parent.is_dir():
    return f"{parent} is a file, not a directory"
  return "" if os.access(parent, os.W_OK | os.X_OK) else f"{parent} is not writable"


def check(workdir: str, config, overwrite: bool = False) -> Path:
  """Refuses, before anything is loaded or written, a --workdir that cannot be created or that holds a run
  of another config (unless `overwrite`). Writes nothing."""
  run = Path(workdir)
  try:
    why = _unwritable(run)
  except OSError as e:  # e.g. a parent that cannot be searched
    why = e.strerror or str(e)
  if why:
    raise RunDirError(f"Cannot use --workdir={workdir}: {why}. Choose a directory you can write to.")
  cfg_path = run / "config.json"
  if cfg_path.is_file() and not overwrite:
    try:
      old = json.loads(cfg_path.read_text())
    except (OSError, ValueError) as e:
      raise RunDirError(f"{cfg_path} cannot be read ({e}). Pass --overwrite to replace the run, or choose "
                        "another --workdir.") from None
    message = mismatch(run, old, config.to_dict())
    if message:
      raise RunDirError(message)
  return run


def write_config(run: Path, config, overwrite: bool = False) -> None:
  """Records the config in the run directory (replacing the directory first if `overwrite`). Called once
  validation, data loading and model building have succeeded, so a failed start leaves nothing behind."""
  try:
    if overwrite and run.exists():
      shutil.rmtree(run)
    run.mkdir(parents=True, exist_ok=True)
    (run / "config.json").write_text(json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n")
  except OSError as e:
    raise RunDirError(f"Cannot use --workdir={run}: {e.strerror or e}. Choose a directory you can write to.") \
        from None


def prepare(workdir: str, config, overwrite: bool = False, write: bool = True) -> Path:
  """`check`, then (if `write`) `write_config`: creates or checks the run directory and records the config."""
  run = check(workdir, config, overwrite)
  if write:
    write_config(run, config, overwrite)
  return run


def record_start(run: Path, from_step: int, data: Optional[dict] = None, precision: Optional[dict] = None,
                 cpu_kernels: Optional[dict] = None) -> dict:
  """Appends one line to run_info.jsonl for a (re)start that is about to train from `from_step` (a rerun of a
  finished run trains nothing and records nothing, so the newest line names the code that trained).

  `data`: the source actually read (`Source.describe()`: kind, path, images, classes).
  """
  info = {"version": tfgan_repro.__version__, "git_commit": git_commit(), "command": command_line(),
          "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
          "from_step": int(from_step)}
  if data is not None:
    info["data"] = data
  if precision is not None:  # the dtype policy, whether loss scaling is on, and why (runtime.choose_precision)
    info["precision"] = precision
  if cpu_kernels is not None:  # whether oneDNN's kernels ran, why, and on which CPU (tfgan_repro._kernels.state)
    info["cpu_kernels"] = cpu_kernels
  with open(Path(run) / "run_info.jsonl", "a") as f:
    f.write(json.dumps(info) + "\n")
  logging.info("Run directory %s (commit %s).", run, info["git_commit"])
  return info
