r"""The trained-reproduction campaign (issue 16): what to run, what it costs, what is still missing.

  python -m tfgan_repro.campaign status               # every run: done / partial (step k of N) / missing
  python -m tfgan_repro.campaign run --core=1         # the next unfinished runs, one after another, on core 1
  python -m tfgan_repro.campaign run --core=0 --only=dcgan --hours=2.5
  python -m tfgan_repro.campaign commands             # the shell command of every run

Why it is built this way (the machines of this project: 2 cores, sessions of about 2.5 hours whose processes
are ended):
- One run per core, one TensorFlow thread pool each (`taskset -c K`, TF_NUM_*_THREADS=1): two small runs side
  by side beat one run on both cores here.
- Run directories live outside the work tree (`~/.cache/tfgan_repro/campaign/<name>`, or $TFGAN_CAMPAIGN_DIR),
  so a later session on the same machine continues them; a run interrupted at a session's end resumes from
  its last checkpoint (every `--ckpt_every` steps, and on SIGTERM) when `run` is called again.
- A run is done when its record is in `results/runs/<name>` at its target step. After training, the run is
  scored once on 10,000 samples (the plateau numbers of issue 16) and archived; `python -m tfgan_repro.report`
  rebuilds the pages the records feed (results/README.md, seed*.md, CAMPAIGN.md, figures/), and the record is
  committed at once with those pages (`git commit -- results/runs/<name> <pages>`, only those paths), so no
  finished run is lost and the committed results/ always agrees with the committed records. Lanes take turns
  (a lock in the campaign directory) to rebuild and commit.
- Two lanes never take the same run: a lane holds `RUN/.lane` (its pid) while it trains.
- A run that only adds steps to another planned run (`Planned.extends`: same flags, more --steps) starts from a
  copy of that run's directory when this machine has it, and trains only the steps left (`start_from_source`).
- A run that fails or is killed (the out-of-memory killer) is resumed from its checkpoint, up to ATTEMPTS
  times in one lane, then left for a person to look at; a run stopped by SIGTERM or Ctrl-C stops the lane.
- The estimates (`Planned.minutes`) were measured on one machine, and the CPU model changes between sessions
  (one had half its speed). `run` first times the fp32 2048^2 matmul on its core, with one thread, and scales
  every estimate by REFERENCE_CORE_GFLOPS / that figure (the runs are compute-bound: results/PERFORMANCE.md),
  so `--hours` starts only runs that fit on *this* machine.

The plan below is the CPU-scale protocol of results/PROTOCOL.md; change both together.
"""
import argparse
import contextlib
import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional

RECORDS = "results/runs"
SHIPPED = "checkpoints/shipped"
SHIPPED_MAX_BYTES = 2_000_000  # issue 16 item 6: a shipped generator is at most 2 MB
# One-thread fp32 2048^2 matmul GFLOP/s of the core the estimates were measured on (AMD EPYC with AVX-512,
# 2026-12-02; results/PERFORMANCE.md "One core", and the speeds in results/PROTOCOL.md).
REFERENCE_CORE_GFLOPS = 103.0
FINAL_METRICS = "fid,is,precision,recall,density,coverage,class_kl"
FINAL_SAMPLES = 10000
ATTEMPTS = 3  # a lane gives up on a run that fails (or is killed) this many times


class Planned(NamedTuple):
  name: str         # run directory and record name
  flags: str        # flags of `python -m tfgan_repro.main` (besides --workdir and --seed)
  seed: int
  minutes: float    # estimated wall time on one core of this machine type (results/PROTOCOL.md)
  claim: str        # what the run answers
  ship: str = ""    # checkpoints/shipped/<ship>: the run's generator is exported there when it is done
  extends: str = ""  # a planned run with the same flags but fewer --steps: its training is this run's start


def _seeds(name, flags, minutes, claim, seeds=(0, 1, 2), ship: Dict[int, str] = None,
           extends: str = "") -> List[Planned]:
  """One planned run per seed; `ship` maps a seed to the shipped directory its generator is exported to;
  `extends` names the configuration (a name without its seed) whose run of the same seed each one continues."""
  return [Planned(f"{name}-s{s}", flags, s, minutes, claim, (ship or {}).get(s, ""),
                  f"{extends}-s{s}" if extends else "") for s in seeds]




def _eval(every: int) -> str:
  return (f"--eval_every={every} --eval_samples=2000 --eval_metrics=fid,is --keep_checkpoints=2 "
          f"--ckpt_every=250")


_EVAL = _eval(500)
_DCGAN32 = f"--dataset=fashion_mnist --batch_size=64 --steps=5000 --sample_every=500 --log_every=100 {_EVAL}"
_BEGAN32 = (f"--dataset=fashion_mnist --width=16 --batch_size=16 --steps=20000 --sample_every=1000 --log_every=200 "
            f"{_eval(1000)}")
_AT96 = (f"--dataset=fashion_mnist --g_width=32 --d_width=16 --batch_size=16 --steps=5000 --sample_every=500 "
         f"--log_every=100 --num_samples=16 {_EVAL}")
_TECHNIQUES = ("feature_matching", "minibatch_discrimination", "historical_averaging", "label_smoothing",
               "virtual_batchnorm")


def _off(technique: str) -> str:
  """The flag that turns one of the five techniques off."""
  return "--label_smoothing=1.0" if technique == "label_smoothing" else f"--{technique}=false"


def plan() -> List[Planned]:
  runs = []
  # Seed 003: DCGAN with the five techniques vs plain DCGAN, plus one leave-one-out run per technique.
  runs += _seeds("c-dcgan-fm32", f"--model=dcgan {_DCGAN32}", 33, "c003 baseline; family bar")
  # Minutes measured on 2026-12-04/05 (AMD EPYC, 103-105 GFLOP/s per core, two lanes at once, scoring
  # included): 50-52 with historical averaging, 39-41 without it (it updates a running mean of every variable).
  runs += _seeds("c-dcgan_improved-fm32", f"--model=dcgan_improved {_DCGAN32}", 52, "c003; family bar")
  # At the preset's historical weight 1.0 the full set misses the bars, so no leave-one-out there can have a
  # verdict: one seed each (three for historical averaging, the one that changes the result). The
  # leave-one-outs that answer the claim are at weight 0.01, where the full set learns (below).
  for t in _TECHNIQUES:
    runs += _seeds(f"c-dcgan_improved-no_{t}-fm32", f"--model=dcgan_improved {_DCGAN32} {_off(t)}",
                   42 if t == "historical_averaging" else 52, f"c003 leave-one-out: {t}",
                   seeds=(0, 1, 2) if t == "historical_averaging" else (0,))
  # The weight of historical averaging is this project's choice (SPEC §5 gives none; improved-gan never
  # implemented it). At the preset's 1.0 it anchors a third of D's parameters and the full set misses the bars
  # (results/DISCUSSION.md, seed 003), so the full set is also run at smaller weights.
  for w in ("0.1", "0.01"):
    runs += _seeds(f"c-dcgan_improved-hw{w}-fm32", f"--model=dcgan_improved {_DCGAN32} --historical_weight={w}",
                   52, f"c003 sensitivity: historical weight {w}")
  # Leave-one-outs at weight 0.01, against the full set at 0.01 (results/PROTOCOL.md "Historical weight").
  # Without historical averaging the weight does nothing, so that one is c-dcgan_improved-no_historical_averaging.
  for t in _TECHNIQUES:
    if t != "historical_averaging":
      runs += _seeds(f"c-dcgan_improved-hw0.01-no_{t}-fm32",
                     f"--model=dcgan_improved {_DCGAN32} --historical_weight=0.01 {_off(t)}", 52,
                     f"c003 leave-one-out at historical weight 0.01: {t}")
  # Plateau arms (issue 16 item 2: trained *to a plateau*): at 5k steps no plain DCGAN-32 run is both at its
  # plateau and over every bar, nor is the full set at weight 0.01; the same runs at twice the steps, first one
  # seed each for the family table, then three a side for seed 003's claim at the plateau (results/PROTOCOL.md
  # "Plateau arms"). Each continues its 5k run's directory when this machine has it (`extends`).
  _10K = _DCGAN32.replace("--steps=5000", "--steps=10000")
  runs += _seeds("c-dcgan-fm32-10k", f"--model=dcgan {_10K}", 62, "c003 at the plateau (10k steps); family bar",
                 extends="c-dcgan-fm32")
  runs += _seeds("c-dcgan_improved-hw0.01-fm32-10k", f"--model=dcgan_improved {_10K} --historical_weight=0.01", 95,
                 "c003 at the plateau (10k steps, historical weight 0.01); family bar",
                 extends="c-dcgan_improved-hw0.01-fm32")
  # The full set at the preset's weight 1.0 to 10k steps (added 2026-12-08): its 5k runs miss the IS bar with
  # their curves still falling (14-26% over the last quarter), so seed 003's claim at the preset's weight has
  # no verdict. About 2 h each from step 0 on one core (twice the 5k runs' 52 min, and an AVX2-only core is
  # slower): one lane's stretch of a session, so two seeds per session on two cores (results/PROTOCOL.md
  # "Plateau arms"). Decided before any of its steps: whatever its three seeds show at 10k is the answer.
  runs += _seeds("c-dcgan_improved-fm32-10k", f"--model=dcgan_improved {_10K}", 120,
                 "c003 at the plateau (10k steps, the preset's historical weight 1.0); family bar",
                 extends="c-dcgan_improved-fm32")
  # Seed 000: BEGAN-skip with separate rates vs BEGAN, and the 2x2 ablation; gamma 0.3 / 0.5 / 0.7.
  # 45 minutes: 40-42 measured on the machine above (seeds 1 of BEGAN and BEGAN-skip, rates only seed 0).
  runs += _seeds("c-began-fm32", f"--model=began {_BEGAN32}", 45, "c000 baseline; family bar",
                 ship={1: "began_fashion_mnist_32"})
  runs += _seeds("c-began_skip-fm32", f"--model=began_skip {_BEGAN32}", 45, "c000; family bar",
                 ship={1: "began_skip_fashion_mnist_32"})
  runs += _seeds("c-began-skip_only-fm32", f"--model=began_skip --lr_reading=began {_BEGAN32}", 45,
                 "c000 ablation: skip connections only")
  runs += _seeds("c-began-rates_only-fm32", f"--model=began --lr_reading=anchored {_BEGAN32}", 45,
                 "c000 ablation: separate rates only")
  for g in ("0.3", "0.7"):
    runs += _seeds(f"c-began_skip-gamma{g}-fm32", f"--model=began_skip --gamma={g} {_BEGAN32}", 45,
                   f"c000 gamma {g}")
  # Seed 001: IGAN vs IGAN_v2 vs WGAN-GP vs DCGAN at 96x96 (three classes for IGAN_VN).
  runs += _seeds("c-igan-fm96-c07", f"--model=igan {_AT96} --classes=0,7 --batch_size=8", 60, "c001; family bar")
  runs += _seeds("c-igan_v2-fm96-c07", f"--model=igan_v2 {_AT96} --classes=0,7 --batch_size=8", 125,
                 "c001 v2 vs IGAN; family bar")
  runs += _seeds("c-igan_vn-fm96-c017", f"--model=igan_vn {_AT96} --classes=0,1,7 --batch_size=8 --steps=4000", 140,
                 "family bar (three classes)")
  # IGAN_VN's plateau arm: its 4k-step runs meet every bar with their curves still falling (17-35% over the
  # last quarter); seed 2 continued to twice the steps (results/PROTOCOL.md "Plateau arms"), family table only.
  # Seed 2, because its 4k run is the one a machine that keeps ~/.cache can still have when the arm starts.
  runs += _seeds("c-igan_vn-fm96-c017-8k", f"--model=igan_vn {_AT96} --classes=0,1,7 --batch_size=8 --steps=8000",
                 280, "family bar at the plateau (8k steps, three classes)", seeds=(2,), extends="c-igan_vn-fm96-c017")
  # The last IGAN_VN arm (added 2026-12-07 after the 8k arm, decided before it runs: whatever its last quarter
  # shows is the family's answer, no longer arm follows): seed 2 again, to 12k steps, so the last quarter
  # (9k-12k) lies past the 4.5k-6k swing that kept the 8k arm off the rule (results/PROTOCOL.md).
  runs += _seeds("c-igan_vn-fm96-c017-12k", f"--model=igan_vn {_AT96} --classes=0,1,7 --batch_size=8 --steps=12000",
                 420, "family bar at the plateau (12k steps, three classes)", seeds=(2,),
                 extends="c-igan_vn-fm96-c017-8k")
  runs += _seeds("c-wgan_gp-fm96-c07", f"--model=wgan_gp {_AT96} --classes=0,7 --steps=4000", 62, "c001 baseline; family bar")
  runs += _seeds("c-dcgan-fm96-c07", f"--model=dcgan --resolution=96 {_AT96} --classes=0,7", 20, "c001 baseline")
  # Seed 001's claims at the plateau (issue 16 item 5; added 2026-12-07): at 5k (WGAN-GP 4k) only 4 of its 12
  # runs are at their plateau by the rule, so every run of the four models again at twice its steps, three
  # seeds a side, as seed 003's arms (results/PROTOCOL.md "Plateau arms"). The 5k rows stay as they are.
  # IGAN_v2's arm was dropped on 2026-12-07 before any of its runs finished: 10k steps from step 0 take 250 min
  # on the reference core and 350 on an AVX2-only one (0.48 steps/s measured), more than a session, two cores
  # can at most halve that, and no session's machine has kept the previous one's run directories. Its claim
  # row compares IGAN's 10k arm with IGAN_v2's 5k runs instead (results/campaign_report.py CLAIMS).
  for name, flags, steps, minutes in (
      ("c-igan-fm96-c07", f"--model=igan {_AT96} --classes=0,7 --batch_size=8", 5000, 120),
      ("c-wgan_gp-fm96-c07", f"--model=wgan_gp {_AT96} --classes=0,7 --steps=4000", 4000, 124),
      ("c-dcgan-fm96-c07", f"--model=dcgan --resolution=96 {_AT96} --classes=0,7", 5000, 40)):
    runs += _seeds(f"{name}-{2 * steps // 1000}k", flags.replace(f"--steps={steps}", f"--steps={2 * steps}"), minutes,
                   f"c001 at the plateau ({2 * steps // 1000}k steps)", extends=name)
  # Item 6: one trained generator per family shipped in checkpoints/shipped/ (<= 2 MB). The runs above are over
  # that size except BEGAN's (its seed-1 runs are shipped), so these repeat a family's protocol with only G
  # narrowed until its float32 weights fit (D, steps, batch, classes as above); DCGAN-32's shipped generator
  # is the README quick start's run.
  for family, flags, minutes, ship in (
      ("dcgan_improved-fm32-g32", f"--model=dcgan_improved {_DCGAN32} --g_width=32", 45,
       "dcgan_improved_fashion_mnist_32"),
      ("wgan_gp-fm96-c07-g8", f"--model=wgan_gp {_AT96} --classes=0,7 --steps=4000 --g_width=8", 45,
       "wgan_gp_fashion_mnist_96"),
      ("igan-fm96-c07-g7", f"--model=igan {_AT96} --classes=0,7 --batch_size=8 --g_width=7", 40,
       "igan_fashion_mnist_96"),
      ("igan_v2-fm96-c07-g7", f"--model=igan_v2 {_AT96} --classes=0,7 --batch_size=8 --g_width=7", 60,
       "igan_v2_fashion_mnist_96"),
      ("igan_vn-fm96-c017-g7", f"--model=igan_vn {_AT96} --classes=0,1,7 --batch_size=8 --steps=4000 --g_width=7",
       65, "igan_vn_fashion_mnist_96")):
    runs += _seeds(f"c-ship-{family}", flags, minutes, "item 6: the shipped generator", seeds=(0,),
                   ship={0: ship})
  return runs


def runs_dir() -> str:
  return os.environ.get("TFGAN_CAMPAIGN_DIR") or os.path.expanduser("~/.cache/tfgan_repro/campaign")


def _target_steps(flags: str) -> int:
  steps = [int(t.split("=", 1)[1]) for t in shlex.split(flags) if t.startswith("--steps=")]
  if not steps:
    raise ValueError(f"A campaign run must name --steps: {flags}")
  return steps[-1]  # absl keeps the last value of a repeated flag


def _newest_checkpoint(run: str) -> Optional[int]:
  from tfgan_repro.results import collect  # light: no TensorFlow
  return collect.checkpoint_step(run) if os.path.isdir(run) else None


def source_step(p: Planned) -> Optional[int]:
  """The step `p` would start from by continuing `p.extends` (its newest checkpoint on this machine, when that
  run is not training and is not past `p`'s target), or None."""
  if not p.extends:
    return None
  source = os.path.join(runs_dir(), p.extends)
  step = _newest_checkpoint(source)
  if step is None or _lane_alive(source) or step > _target_steps(p.flags):
    return None
  return step


# What a continued run takes from the run it extends: everything a fresh run would have written by that step.
_EXTENDED = ("config.json", "run_info.jsonl", "ckpt", "tb", "samples")


def start_from_source(p: Planned, out=sys.stdout) -> Optional[int]:
  """Starts the not yet started run `p` from the run it `extends`, a copy of that run's directory: config, run
  history (whose lines name the other run's directory and commit), checkpoints, TensorBoard events, sample
  grids and its training-time scores (not its final 10,000-sample scores, which are of its own last step).
  Training then resumes from the copied checkpoint. Resumption is exact, and no step depends on --steps
  (tests/test_resume.py: 3 steps then 6 equal 6 at once), so this is the run a fresh start would train, less
  the steps already done. Returns the step it starts from, or None: nothing copied (fresh start), the reason
  printed when `p` extends a run this machine does not have."""
  run = os.path.join(runs_dir(), p.name)
  if not p.extends or _newest_checkpoint(run) is not None:
    return None
  step = source_step(p)
  source = os.path.join(runs_dir(), p.extends)
  if step is None:
    print(f"campaign: {p.name} would continue {p.extends}, but {source} has no finished checkpoint here; it "
          f"trains from step 0 instead (the same run, in more time).", file=out, flush=True)
    return None
  os.makedirs(run, exist_ok=True)
  for item in _EXTENDED:
    src, dst = os.path.join(source, item), os.path.join(run, item)
    if os.path.isdir(src):
      shutil.copytree(src, dst, dirs_exist_ok=True)
    elif os.path.isfile(src):
      shutil.copy2(src, dst)
  from tfgan_repro.results import collect  # light: no TensorFlow
  scores = os.path.join(source, "scores.jsonl")
  if os.path.isfile(scores):
    with open(scores) as f, open(os.path.join(run, "scores.jsonl"), "w") as g:
      g.writelines(line for line in f if json.loads(line).get("source") == collect.CALLBACK_SOURCE)
  with open(os.path.join(run, "campaign.log"), "a") as f:
    f.write(f"\ncontinues {p.extends} from its step-{step} checkpoint (copied: {', '.join(_EXTENDED)} and "
            f"its training-time scores)\n")
  print(f"campaign: {p.name} continues {p.extends} from its step {step}.", file=out, flush=True)
  return step


def state(p: Planned, repo: str = ".") -> Dict[str, object]:
  """{'status': done | partial | missing | running, 'step': newest step or None, 'target': steps}. A missing
  run that will continue the run it extends shows that run's step."""
  target = _target_steps(p.flags)
  record = os.path.join(repo, RECORDS, p.name, "archive.json")
  if os.path.isfile(record):
    with open(record) as f:
      if json.load(f).get("checkpoint_step") == target:
        return {"status": "done", "step": target, "target": target}
  run = os.path.join(runs_dir(), p.name)
  step = _newest_checkpoint(run)
  if _lane_alive(run):
    return {"status": "running", "step": step, "target": target}
  if step is None:
    return {"status": "missing", "step": source_step(p), "target": target}
  return {"status": "partial", "step": step, "target": target}


def _lane_alive(run: str) -> bool:
  try:
    with open(os.path.join(run, ".lane")) as f:
      os.kill(int(f.read().strip()), 0)
    return True
  except (OSError, ValueError):
    return False


def minutes_left(p: Planned, st: Dict[str, object], slowdown: float = 1.0) -> float:
  """Estimated minutes to finish `p` from state `st`, on a core `slowdown` times slower than the reference."""
  if st["status"] == "done":
    return 0.0
  return p.minutes * slowdown * (1 - (st["step"] or 0) / st["target"])


def core_gflops(core: int) -> Optional[float]:
  """This core's fp32 2048^2 matmul GFLOP/s with one thread, from a child pinned to it (about 15 s); None
  when the measurement fails (the caller then keeps the reference estimates and says so)."""
  code = "from tfgan_repro.perf import machine; print(machine.matmul_peak()['wall'])"
  env = dict(os.environ, TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1", TF_CPP_MIN_LOG_LEVEL="3")
  try:
    out = subprocess.run(["taskset", "-c", str(core), sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=600, check=True).stdout
    return float(out.strip().splitlines()[-1])
  except (OSError, subprocess.SubprocessError, ValueError, IndexError):
    return None


def machine_slowdown(core: int, out=sys.stdout) -> float:
  """REFERENCE_CORE_GFLOPS / this core's matmul speed (1.0 if it cannot be measured), printed with its reason."""
  gflops = core_gflops(core)
  if gflops is None or gflops <= 0:
    print(f"campaign: could not time the matmul on core {core}; the estimates stay those of the reference "
          f"machine ({REFERENCE_CORE_GFLOPS:g} GFLOP/s per core).", file=out, flush=True)
    return 1.0
  slowdown = REFERENCE_CORE_GFLOPS / gflops
  print(f"campaign: core {core} runs the float32 2048^2 matmul at {gflops:.0f} GFLOP/s on one thread, against "
        f"{REFERENCE_CORE_GFLOPS:g} on the machine the estimates come from: estimates x {slowdown:.2f} here.",
        file=out, flush=True)
  return slowdown


def status(only: str = "", repo: str = ".", out=sys.stdout, slowdown: float = 1.0) -> List[Planned]:
  """Prints one line per run and the totals, the estimates scaled by `slowdown`; returns the runs not done."""
  todo, left = [], 0.0
  counts: Dict[str, int] = {}
  for p in plan():
    if only not in p.name:
      continue
    st = state(p, repo)
    counts[st["status"]] = counts.get(st["status"], 0) + 1
    shown = f"{st['status']} {st['step'] or 0}/{st['target']}" if st["status"] != "done" else "done"
    if st["status"] == "missing" and st["step"]:
      shown = f"extends {st['step']}/{st['target']}"  # it will continue the run it extends from there
    print(f"{p.name:44s} {shown:18s} ~{minutes_left(p, st, slowdown):4.0f} min  {p.claim}", file=out)
    if st["status"] != "done":
      todo.append(p)
      left += minutes_left(p, st, slowdown)
  print(f"{sum(counts.values())} runs: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        + f"; about {left / 60:.1f} core-hours left (one run per core: {left / 120:.1f} h on 2 cores)"
        + (" at the reference machine's speed (--measure: this machine's)." if slowdown == 1.0 else
           f" on this machine (estimates x {slowdown:.2f})."), file=out)
  return todo


def main_command(p: Planned, python: str = sys.executable) -> List[str]:
  return [python, "-m", "tfgan_repro.main", *shlex.split(p.flags), f"--seed={p.seed}",
          f"--workdir={os.path.join(runs_dir(), p.name)}"]


def _run_logged(cmd: List[str], log: str, core: int) -> int:
  env = dict(os.environ, TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
  with open(log, "a") as f:
    f.write(f"\n$ {shlex.join(cmd)}\n")
    f.flush()
    return subprocess.call(["taskset", "-c", str(core), *cmd], stdout=f, stderr=subprocess.STDOUT, env=env)


# The pages `python -m tfgan_repro.report` writes from the records besides the markdown it prints.
REPORT_FIGURES = "results/figures"


@contextlib.contextmanager
def _one_lane_at_a_time():
  """Held while a lane rebuilds the report and commits: two lanes finishing together would write the same pages
  and race for git's index."""
  os.makedirs(runs_dir(), exist_ok=True)
  with open(os.path.join(runs_dir(), ".commit.lock"), "w") as f:
    fcntl.flock(f, fcntl.LOCK_EX)
    try:
      yield
    finally:
      fcntl.flock(f, fcntl.LOCK_UN)


def rebuild_report(repo: str, core: int, log: str) -> List[str]:
  """Rebuilds results/ from the records in `repo` (`python -m tfgan_repro.report` there, pinned to `core`,
  output appended to `log`); returns the paths it wrote, relative to `repo`; RuntimeError if it fails."""
  cmd = ["taskset", "-c", str(core), sys.executable, "-m", "tfgan_repro.report"]
  done = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
  with open(log, "a") as f:
    f.write(f"\n$ (in {repo}) {shlex.join(cmd[3:])}\n{done.stdout}{done.stderr}")
  if done.returncode != 0:
    raise RuntimeError(f"`python -m tfgan_repro.report` failed in {repo} (status {done.returncode}); see {log}.")
  written = [line.strip() for line in done.stdout.splitlines() if line.strip().endswith(".md")]
  return written + ([REPORT_FIGURES] if os.path.isdir(os.path.join(repo, REPORT_FIGURES)) else [])


def ship(p: Planned, core: int, repo: str = ".") -> Optional[str]:
  """Exports the generator of the finished run `p` as the slim run directory SHIPPED/<p.ship> in `repo`
  (`python -m tfgan_repro.sample --export=run`: generator checkpoint, config, run history and scores),
  replacing the one there; returns its path relative to `repo`, or None (with a warning) when the export is
  over SHIPPED_MAX_BYTES and nothing was replaced."""
  run = os.path.join(runs_dir(), p.name)
  log = os.path.join(run, "campaign.log")
  staging = os.path.join(run, "ship_export")
  shutil.rmtree(staging, ignore_errors=True)
  cmd = [sys.executable, "-m", "tfgan_repro.sample", f"--workdir={run}", f"--out={staging}", "--num=16",
         "--singles=0", "--interpolate=0", "--export=run"]
  if _run_logged(cmd, log, core) != 0:
    raise RuntimeError(f"Exporting the generator of {p.name} failed; see {log}.")
  exported = os.path.join(staging, "run")
  size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(exported) for f in files)
  if size > SHIPPED_MAX_BYTES:
    print(f"campaign: warning: the generator of {p.name} exports to {size / 1e6:.2f} MB, over the "
          f"{SHIPPED_MAX_BYTES / 1e6:g} MB of a shipped generator; {SHIPPED}/{p.ship} is left as it was "
          f"(the export stays in {exported}).", file=sys.stderr, flush=True)
    return None
  dest = os.path.join(SHIPPED, p.ship)
  shutil.rmtree(os.path.join(repo, dest), ignore_errors=True)
  shutil.move(exported, os.path.join(repo, dest))
  shutil.rmtree(staging)
  return dest


def finish(p: Planned, core: int, repo: str = ".", commit: bool = True) -> str:
  """Scores a trained run on 10,000 samples, archives its record, rebuilds the report from the records and
  commits the record with the pages it changed (and, for a run with `ship`, its exported generator in
  checkpoints/shipped/); returns the record path. If the report fails, the record is committed alone, with a
  warning saying how to rebuild."""
  run = os.path.join(runs_dir(), p.name)
  log = os.path.join(run, "campaign.log")
  cmd = [sys.executable, "-m", "tfgan_repro.evaluate", f"--workdir={run}", "--network=classifier",
         f"--metrics={FINAL_METRICS}", f"--num_fake={FINAL_SAMPLES}", "--num_real=10000"]
  if _run_logged(cmd, log, core) != 0:
    raise RuntimeError(f"Final evaluation of {p.name} failed; see {log}.")
  from tfgan_repro.results import archive, collect
  with _one_lane_at_a_time():
    archive.archive_run(collect.read_run(run), os.path.join(repo, RECORDS), with_samples=True, repo=repo)
    record = os.path.join(RECORDS, p.name)
    try:
      pages = rebuild_report(repo, core, log)
    except RuntimeError as e:
      print(f"campaign: warning: {e} The record is committed without the pages; run `python -m "
            "tfgan_repro.report` and commit results/.", file=sys.stderr, flush=True)
      pages = []
    shipped = [ship(p, core, repo)] if p.ship else []
    shipped = [s for s in shipped if s]
    if commit:
      subprocess.check_call(["git", "add", "-A", "--", record, *pages, *shipped], cwd=repo)
      subprocess.check_call(["git", "commit", "-q", "-m", f"campaign: record of {p.name} ({p.claim})"
                             + ("; report rebuilt" if pages else "")
                             + (f"; generator shipped as {shipped[0]}" if shipped else ""),
                             "--", record, *pages, *shipped], cwd=repo)
  return record


def next_runs(only: str = "", repo: str = ".", minutes: Optional[float] = None,
              slowdown: float = 1.0) -> List[Planned]:
  """The unfinished runs in the order a lane takes them: partial runs first (an interruption left them
  behind), then seed 0 of every configuration before any seed 1 (every family's first result comes before
  the repeats), then plan order. With `minutes`, only runs whose estimated time left fits: a run cut off by a
  session's end is lost when the next session starts on another machine. `slowdown` scales the estimates
  (`machine_slowdown`)."""
  todo = []
  for i, p in enumerate(plan()):
    st = state(p, repo)
    if only in p.name and st["status"] in ("partial", "missing"):
      if minutes is None or minutes_left(p, st, slowdown) <= minutes:
        todo.append((st["status"] != "partial", p.seed, i, p))
  return [p for *_, p in sorted(todo, key=lambda t: t[:3])]


def run(core: int, only: str = "", hours: float = 0.0, repo: str = ".", commit: bool = True,
        slowdown: Optional[float] = None) -> int:
  """Trains, scores, archives and commits unfinished runs until none is left or `hours` have passed.
  `slowdown` (None: measured on `core`, `machine_slowdown`) scales the estimates that decide what fits."""
  deadline = time.time() + hours * 3600 if hours > 0 else None
  if slowdown is None:
    slowdown = machine_slowdown(core)
  failed: Dict[str, int] = {}  # run -> failed attempts in this lane
  given_up = lambda p: failed.get(p.name, 0) >= ATTEMPTS
  while deadline is None or time.time() < deadline:
    todo = [p for p in next_runs(only, repo, (deadline - time.time()) / 60 if deadline else None, slowdown)
            if not given_up(p)]
    if not todo:
      left = [p for p in next_runs(only, repo) if not given_up(p)]
      print("campaign: nothing left to run" + (f" matching {only!r}" if only else "")
            + (f" that fits in the time left ({len(left)} longer run(s) wait for a fresh session)" if left else "")
            + ".", flush=True)
      return 1 if failed else 0
    p = todo[0]
    run_path = os.path.join(runs_dir(), p.name)
    os.makedirs(run_path, exist_ok=True)
    with open(os.path.join(run_path, ".lane"), "w") as f:
      f.write(str(os.getpid()))
    try:
      start_from_source(p)
      print(f"campaign: {time.strftime('%H:%M:%S')} core {core}: {p.name} "
            f"(~{minutes_left(p, state(p, repo), slowdown):.0f} min here)", flush=True)
      code = _run_logged(main_command(p), os.path.join(run_path, "campaign.log"), core)
      if code != 0:
        # The run stays partial and resumes from its last checkpoint. Asked to stop (SIGTERM / Ctrl-C: main
        # saved a checkpoint and exits with 128 + the signal): the lane stops too. Killed (a negative status:
        # the out-of-memory killer's SIGKILL) or failed: retried, up to ATTEMPTS times in this lane.
        print(f"campaign: {p.name} stopped with exit status {code}; see {run_path}/campaign.log", flush=True)
        if code >= 128:
          return code
        failed[p.name] = failed.get(p.name, 0) + 1
        if given_up(p):
          print(f"campaign: {p.name} failed {ATTEMPTS} times; this lane leaves it (fix the cause, then rerun)",
                flush=True)
        continue
      print(f"campaign: {p.name} trained; scoring, archiving, committing", flush=True)
      print(f"campaign: {finish(p, core, repo, commit)}", flush=True)
    finally:
      os.remove(os.path.join(run_path, ".lane"))
  print("campaign: time is up; rerun the same command to continue.", flush=True)
  return 0


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(prog="python -m tfgan_repro.campaign", description=__doc__.split("\n\n")[0],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
  sub = parser.add_subparsers(dest="action", required=True)
  for name in ("status", "commands"):
    sub.add_parser(name).add_argument("--only", default="", help="only runs whose name contains this")
  sub.choices["status"].add_argument("--measure", action="store_true",
                                     help="time core 0's matmul first and scale the estimates to this machine")
  r = sub.add_parser("run")
  r.add_argument("--core", type=int, required=True, help="CPU core to pin the runs to (taskset -c)")
  r.add_argument("--only", default="", help="only runs whose name contains this")
  r.add_argument("--hours", type=float, default=0.0,
                 help="time this lane has (0: no limit): it starts only runs whose estimate fits in what is left")
  r.add_argument("--no_commit", action="store_true", help="archive the records but do not commit them")
  args = parser.parse_args(argv)
  if args.action == "status":
    status(args.only, slowdown=machine_slowdown(0) if args.measure else 1.0)
    return 0
  if args.action == "commands":
    for p in plan():
      if args.only in p.name:
        print(shlex.join(main_command(p, "python")))
    return 0
  if not os.path.isdir(RECORDS):
    parser.error(f"run from the repository's top directory (no {RECORDS}/ here).")
  return run(args.core, args.only, args.hours, commit=not args.no_commit)


if __name__ == "__main__":
  sys.exit(main())
