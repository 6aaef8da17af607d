"""Before / after in one run: the training of an earlier revision of this package timed beside this tree's.

Both sides run `python -m tfgan_repro.main` end to end on the same synthetic data with the same flags (the
old code had no bench to import), twice per repeat: `warmup` steps and `warmup + steps` steps. The time of a
step is the difference over the extra steps, so start-up, tracing, the first pipeline fill and the final
checkpoint cancel out; what is left is the training loop with its callbacks at the preset's logging cadence
(sample grids and checkpoints pushed past the run). The earlier revision is a detached `git worktree` of this
checkout, removed afterwards. Its subpackages that setup.py maps from other directories (`configs/` ->
`tfgan_repro.configs`) are linked into the worktree, and a check makes sure they import from there: otherwise
an editable install of this checkout supplies them, and the earlier code ran with this tree's presets (at
d8a0214 that read this tree's `mixed_precision = "false"` as true, and timed emulated bfloat16).

The two sides take turns within each repeat, in alternating order (before, after; after, before; ...), so a
slow stretch of a shared machine falls on both rather than on whichever side ran first. A side whose runs got
much less CPU time than wall time on their pinned core spent that time waiting (for the core, if another
process held it, or for something else): `Seconds.busy` shows it, and the report marks such a pair as not
quotable.
"""
import contextlib
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, Iterator, List, NamedTuple, Optional

from tfgan_repro import _kernels

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NEVER = 10 ** 9  # a cadence past any timed run


class Seconds(NamedTuple):
  wall: float  # wall-clock seconds
  cpu: float   # CPU seconds of the child processes (user + system)

  @property
  def busy(self) -> float:
    """CPU seconds per wall second: about 1 for a run alone on its pinned core, less if it waited for it."""
    return self.cpu / self.wall if self.wall > 0 else 0.0


# A one-core run whose CPU time falls below this share of its wall time spent the rest waiting.
WAITED_BUSY = 0.85


class RevisionRow(NamedTuple):
  preset: str
  widths: str              # as the bench's rows: "n=16" or "G 64 / D 64"
  batch: int
  where: str               # "one core" (pinned, one thread) or "all cores"
  before: str              # the revision timed as "before" (short hash)
  before_step_s: Seconds  # per step, median over the repeats
  after_step_s: Seconds
  steps: int = 0           # timed steps per run (on top of the warm-up run's)

  def waited(self) -> bool:
    """True if a one-core side waited (CPU time well under wall time): not a quotable pair."""
    return self.where == "one core" and min(self.before_step_s.busy, self.after_step_s.busy) < WAITED_BUSY

  def to_json(self) -> dict:
    return {k: (list(v) if isinstance(v, Seconds) else v) for k, v in self._asdict().items()}

  @classmethod
  def from_json(cls, d: dict) -> "RevisionRow":
    return cls(**{k: (Seconds(*v) if k.endswith("_step_s") else v) for k, v in d.items()})


def resolve(rev: str, root: str = PACKAGE_ROOT) -> str:
  """The short hash of `rev` in the git checkout at `root`; ValueError (one line) if there is none."""
  try:
    return subprocess.run(["git", "-C", root, "rev-parse", "--short=12", "--verify", f"{rev}^{{commit}}"],
                          capture_output=True, text=True, check=True).stdout.strip()
  except (OSError, subprocess.CalledProcessError):
    raise ValueError(f"--before={rev}: not a commit of a git checkout at {root} (the before / after timing needs "
                     "this package as a git clone, e.g. --before=d8a0214).") from None


@contextlib.contextmanager
def worktree(rev: str, root: str = PACKAGE_ROOT) -> Iterator[str]:
  """A detached worktree of `rev` in a temporary directory, removed on exit; it imports as a self-contained
  package (`link_mapped_packages`, checked by `check_own_imports`)."""
  base = tempfile.mkdtemp(prefix="tfgan_before_")
  path = os.path.join(base, "tree")
  subprocess.run(["git", "-C", root, "worktree", "add", "--detach", "--quiet", path, rev], check=True,
                 capture_output=True)
  try:
    check_own_imports(path, _kernels.users_environment(os.environ), link_mapped_packages(path))
    yield path
  finally:
    subprocess.run(["git", "-C", root, "worktree", "remove", "--force", path], capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


_MAPPED = re.compile(r"""["']tfgan_repro\.(\w+)["']\s*:\s*["']([\w./-]+)["']""")


def link_mapped_packages(tree: str) -> Dict[str, str]:
  """Links each subpackage that `tree`'s setup.py maps from another directory (package_dir, e.g.
  "tfgan_repro.configs": "configs") into `tree`/tfgan_repro, so the tree imports as a self-contained package;
  returns {subpackage: directory}."""
  setup = os.path.join(tree, "setup.py")
  text = open(setup).read() if os.path.isfile(setup) else ""
  mapped = dict(_MAPPED.findall(text))
  for name, directory in mapped.items():
    link, target = os.path.join(tree, "tfgan_repro", name), os.path.join(tree, directory)
    if os.path.isdir(target) and not os.path.exists(link):
      os.symlink(os.path.relpath(target, os.path.dirname(link)), link)
  return mapped


def check_own_imports(tree: str, env: Dict[str, str], mapped: Dict[str, str]) -> None:
  """RuntimeError unless `tfgan_repro` and its mapped subpackages import from `tree` in a child run as the
  timed runs start (same interpreter, working directory and PYTHONPATH)."""
  names = ["tfgan_repro"] + [f"tfgan_repro.{n}" for n in mapped]
  code = ("import importlib, os, sys\n"
          f"for n in {names!r}:\n"
          "  m = importlib.import_module(n)\n"
          "  print(n, os.path.realpath(list(getattr(m, '__path__', [m.__file__]))[0]))")
  done = subprocess.run([sys.executable, "-c", code], cwd=tree, env=dict(env, PYTHONPATH=tree), capture_output=True,
                        text=True)
  root = os.path.realpath(tree)
  found = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
  outside = {n: p for n, p in found.items() if not p.startswith(root + os.sep)}
  if done.returncode != 0 or outside or len(found) != len(names):
    detail = ", ".join(f"{n} from {p}" for n, p in outside.items()) or done.stderr.strip().splitlines()[-1:]
    raise RuntimeError(f"The revision in {tree} does not import its own code ({detail}); its timings would "
                       "mix two revisions.")


def main_flags(name: str, config, data_dir: str, steps: int, workdir: str, overrides: Dict[str, str]) -> List[str]:
  """Flags of `tfgan_repro.main` for one timed run of preset `name` at `config`'s widths and batch."""
  widths = ([f"--width={config.width}"] if "width" in config
            else [f"--g_width={config.g_width}", f"--d_width={config.d_width}"])
  return [f"--preset={name}", *widths, f"--batch_size={config.batch_size}", f"--data_dir={data_dir}",
          f"--steps={steps}", f"--log_every={config.log_every}", f"--sample_every={NEVER}",
          f"--ckpt_every={NEVER}", f"--workdir={workdir}", *(f"--{k}={v}" for k, v in overrides.items())]


def _one_run(tree: str, flags: List[str], env: Dict[str, str], cpu: Optional[int]) -> Seconds:
  """(wall s, CPU s of the child) of one `python -m tfgan_repro.main` in `tree`; RuntimeError if it fails."""
  cmd = [sys.executable, "-m", "tfgan_repro.main", *flags]
  if cpu is not None:
    cmd = ["taskset", "-c", str(cpu), *cmd]
  before = resource.getrusage(resource.RUSAGE_CHILDREN)
  start = time.perf_counter()
  done = subprocess.run(cmd, cwd=tree, env=dict(env, PYTHONPATH=tree), capture_output=True, text=True)
  wall = time.perf_counter() - start
  after = resource.getrusage(resource.RUSAGE_CHILDREN)
  if done.returncode != 0:
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
    raise RuntimeError(f"`{' '.join(cmd)}` (in {tree}) failed with status {done.returncode}:\n{tail}")
  return Seconds(wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def _per_step(tree: str, name: str, config, data_dir: str, overrides: Dict[str, str], *, steps: int, warmup: int,
              env: Dict[str, str], cpu: Optional[int], work: str) -> Seconds:
  """Seconds per step (wall, CPU) of one repeat of `tree`'s training: (warmup + steps) run minus warmup run."""
  runs = []
  for n in (warmup, warmup + steps):
    workdir = os.path.join(tempfile.mkdtemp(prefix=f"run_{n}_", dir=work), "run")
    runs.append(_one_run(tree, main_flags(name, config, data_dir, n, workdir, overrides), env, cpu))
    shutil.rmtree(os.path.dirname(workdir), ignore_errors=True)
  return Seconds((runs[1].wall - runs[0].wall) / steps, (runs[1].cpu - runs[0].cpu) / steps)


def pair_seconds(trees: Dict[str, str], name: str, config, data_dir: str, overrides: Dict[str, str], *, steps: int,
                 warmup: int, repeats: int, env: Dict[str, str], cpu: Optional[int], work: str) -> Dict[str, Seconds]:
  """{side: median seconds per step (wall, CPU)} of each tree in `trees` ({side: tree}) for one case. The sides
  take turns in every repeat, in reversed order every other repeat; the median of an even count is the mean of
  the middle two."""
  order = list(trees)
  per_side: Dict[str, List[Seconds]] = {side: [] for side in order}
  for i in range(repeats):
    for side in (order if i % 2 == 0 else order[::-1]):
      per_side[side].append(_per_step(trees[side], name, config, data_dir, overrides, steps=steps, warmup=warmup,
                                      env=env, cpu=cpu, work=work))
  return {side: Seconds(statistics.median(s.wall for s in xs), statistics.median(s.cpu for s in xs))
          for side, xs in per_side.items()}


def steps_for(seconds: float, step_s: Optional[float], most: int, least: int = 3) -> int:
  """Timed steps of a case whose step takes about `step_s` on this tree: enough for `seconds` of timed training,
  at least `least` and at most `most` (`most` when there is no budget or no estimate)."""
  if seconds <= 0 or not step_s or step_s <= 0:
    return most
  return max(least, min(most, math.ceil(seconds / step_s)))


def compare(rev: str, groups, *, cpu: int, steps: int, warmup: int, repeats: int, work: str,
            seconds: float = 0.0, estimates: Optional[Dict[tuple, float]] = None) -> List[RevisionRow]:
  """One RevisionRow per case: `rev` against this tree, same flags and data, from one worktree of `rev`.

  groups: (cases, one_core) pairs; cases are (name, width, batch, overrides); `one_core` pins them to core
  `cpu` with one intra- and one inter-op thread (a campaign lane), else they run on all cores.
  seconds: with `estimates` ({(name, width, batch, one_core): this tree's seconds per step}), each case times
  about this many seconds of this tree's steps (`steps_for`, at most `steps`), and its warm-up run is at most a
  fifth of that (at least 3 steps, at most `warmup`), so a paper-width case costs no more than a small one.
  A case whose run fails on either side is left out (its error printed), so the rest of the bench stands.
  """
  from tfgan_repro.perf import training
  short = resolve(rev)
  rows = []
  with worktree(short) as old_tree:
    for cases, one_core in groups:
      # Each side chooses its CPU kernels as the user's command would: an earlier revision may not turn
      # oneDNN on, and inheriting this process's choice would time it with kernels it never ran with.
      env = dict(_kernels.users_environment(os.environ), TF_CPP_MIN_LOG_LEVEL="2")
      if one_core:
        env.update(TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
      where = "one core" if one_core else "all cores"
      for name, width, batch, overrides in cases:
        config = training.preset_config(name, width, batch, overrides)
        data_dir = training.source_sized_npz(work, config)
        n = steps_for(seconds, (estimates or {}).get((name, width, batch, one_core)), steps)
        warm = warmup if n == steps else min(warmup, max(3, n // 5))
        try:
          timed = pair_seconds({"before": old_tree, "after": PACKAGE_ROOT}, name, config, data_dir, overrides,
                               steps=n, warmup=warm, repeats=repeats, env=env, cpu=cpu if one_core else None,
                               work=work)
        except RuntimeError as e:  # one case the earlier revision cannot run costs its row, not the whole bench
          print(f"before/after {name} {training.describe_widths(config)} batch {config.batch_size} ({where}): "
                f"not timed: {e}", file=sys.stderr, flush=True)
          continue
        row = RevisionRow(name, training.describe_widths(config), config.batch_size, where, short,
                          timed["before"], timed["after"], n)
        print(f"before/after {name} {row.widths} batch {row.batch} ({where}, {n} steps): {short} "
              f"{1e3 * row.before_step_s.wall:.0f} ms/step, this tree {1e3 * row.after_step_s.wall:.0f} ms/step "
              f"({row.before_step_s.wall / row.after_step_s.wall:.2f}x; CPU/wall {row.before_step_s.busy:.2f} and "
              f"{row.after_step_s.busy:.2f})" + ("; a side waited, not quotable" if row.waited() else ""),
              flush=True)
        rows.append(row)
  return rows
