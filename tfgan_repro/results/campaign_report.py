"""The trained-reproduction campaign's page (issue 16): every planned run against the bars of a learned model,
its plateau check, and the claims answered from the runs at their plateau budget. Written by
`python -m tfgan_repro.report` as results/CAMPAIGN.md, from the records `tfgan_repro.campaign` commits
(results/runs/c-*); the earlier tiny-budget runs (results/runs/ without the c- prefix) never enter it.

What a record is judged on, all from its final evaluation (10,000 samples, train split, the shipped
Fashion-MNIST classifier; results/PROTOCOL.md):
- bars (issue 16 item 2): classifier IS >= 4.5, FCD <= 30, every class the run trains on >= 3% of the samples
  by the classifier's label, and for multi-branch generators each branch c >= 80% classified as its class.
  The IS bar is set for runs over all ten classes; a run on a class subset is held to the same fraction of
  its own real images' IS, 4.5 x IS_real(subset) / IS_real(all) (results/real_is.json, written by
  `python -m tfgan_repro.results.real_is`): two classes cannot score the IS of ten;
- plateau: under 10% improvement of the training callback's FCD curve (2,000 samples) over the last 25% of the
  steps, read off the least-squares line through its evaluations from the last one at or before 75% of the
  steps to the end (when there are at least PLATEAU_MIN_POINTS; else off those two end points, which are
  shown beside the line either way). Neighbouring evaluations differ by 10-30% near the end of a run, so
  two points alone can call a flat curve rising or falling.
"""
import os
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from tfgan_repro.results import collect, real_is, verdicts

RECORD_PREFIX = "c-"
PAGE = "CAMPAIGN.md"
BARS = {"is": 4.5, "fid": 30.0, "min_class": 0.03, "branch_purity": 0.80}
BARS_DATASET = "fashion_mnist"  # the bars are on the offline classifier's scale (issue 16)
PLATEAU_IMPROVEMENT = 0.10
PLATEAU_MIN_POINTS = 3
SEEDS_FOR_VERDICT = 3
FINAL_METRICS = ("fid", "is", "precision", "recall", "density", "coverage", "class_kl")

# Seed 003's five techniques: (flag, name in a claim).
_TECHNIQUE_LABELS = (("feature_matching", "feature matching"),
                     ("minibatch_discrimination", "minibatch discrimination"),
                     ("historical_averaging", "historical averaging"),
                     ("label_smoothing", "one-sided label smoothing"),
                     ("virtual_batchnorm", "virtual batch normalization"))
# The claims of issue 16 item 5, as (claim, [(label, configuration prefix)], metric, relation of the first
# configuration to the second: "<" means the first scores lower, i.e. better for FCD).
CLAIMS = (
    ("seed 000: BEGAN-skip with separate rates beats BEGAN (FCD)", "fid", "<",
     ("BEGAN-skip", "c-began_skip-fm32"), ("BEGAN", "c-began-fm32")),
    ("seed 000 ablation: skip connections alone beat BEGAN (FCD)", "fid", "<",
     ("skip only", "c-began-skip_only-fm32"), ("BEGAN", "c-began-fm32")),
    ("seed 000 ablation: separate rates alone beat BEGAN (FCD)", "fid", "<",
     ("rates only", "c-began-rates_only-fm32"), ("BEGAN", "c-began-fm32")),
    ("seed 003: DCGAN with the five techniques beats plain DCGAN (FCD)", "fid", "<",
     ("DCGAN + 5 techniques", "c-dcgan_improved-fm32"), ("DCGAN", "c-dcgan-fm32")),
    *(("seed 003 leave-one-out: " + label + " helps the improved DCGAN (FCD with all five below FCD without it)",
       "fid", "<", ("all five", "c-dcgan_improved-fm32"), ("without " + label, f"c-dcgan_improved-no_{flag}-fm32"))
      for flag, label in _TECHNIQUE_LABELS),
    *(("seed 003 leave-one-out at historical weight 0.01: " + label + " helps the improved DCGAN (FCD with all "
       "five below FCD without it)", "fid", "<", ("all five, weight 0.01", "c-dcgan_improved-hw0.01-fm32"),
       ("without " + label, "c-dcgan_improved-no_historical_averaging-fm32" if flag == "historical_averaging"
        else f"c-dcgan_improved-hw0.01-no_{flag}-fm32"))
      for flag, label in _TECHNIQUE_LABELS),
    *(("seed 003 at historical weight " + w + " (SPEC gives none; the preset's is 1.0): the five techniques beat "
       "plain DCGAN (FCD)", "fid", "<", ("DCGAN + 5, weight " + w, f"c-dcgan_improved-hw{w}-fm32"),
       ("DCGAN", "c-dcgan-fm32")) for w in ("0.1", "0.01")),
    ("seed 003 at historical weight 0.01, both sides at their plateau arms' 10k steps: the five techniques beat "
     "plain DCGAN (FCD)", "fid", "<", ("DCGAN + 5, weight 0.01, 10k steps", "c-dcgan_improved-hw0.01-fm32-10k"),
     ("DCGAN, 10k steps", "c-dcgan-fm32-10k")),
    ("seed 003 at the preset's historical weight 1.0, both sides at their plateau arms' 10k steps: the five "
     "techniques beat plain DCGAN (FCD)", "fid", "<", ("DCGAN + 5, 10k steps", "c-dcgan_improved-fm32-10k"),
     ("DCGAN, 10k steps", "c-dcgan-fm32-10k")),
    ("seed 001: IGAN beats WGAN-GP at 96x96 (FCD)", "fid", "<",
     ("IGAN", "c-igan-fm96-c07"), ("WGAN-GP", "c-wgan_gp-fm96-c07")),
    ("seed 001: IGAN beats DCGAN at 96x96 (FCD)", "fid", "<",
     ("IGAN", "c-igan-fm96-c07"), ("DCGAN", "c-dcgan-fm96-c07")),
    ("seed 001 §3.5.2: IGAN_v2 is not ideal on the simple Fashion-MNIST (FCD above IGAN's)", "fid", ">",
     ("IGAN_v2", "c-igan_v2-fm96-c07"), ("IGAN", "c-igan-fm96-c07")),
    # The same three at the plateau arms: every run at twice its steps (results/PROTOCOL.md "Plateau arms").
    ("seed 001 at the plateau arms (IGAN 10k steps, WGAN-GP 8k): IGAN beats WGAN-GP at 96x96 (FCD)", "fid", "<",
     ("IGAN, 10k steps", "c-igan-fm96-c07-10k"), ("WGAN-GP, 8k steps", "c-wgan_gp-fm96-c07-8k")),
    ("seed 001 at the plateau arms (both 10k steps): IGAN beats DCGAN at 96x96 (FCD)", "fid", "<",
     ("IGAN, 10k steps", "c-igan-fm96-c07-10k"), ("DCGAN, 10k steps", "c-dcgan-fm96-c07-10k")),
    # IGAN_v2 has no 10k arm (it does not fit a session: tfgan_repro/campaign.py), so its 5k runs, two of three
    # at their plateau, face IGAN's 10k arm: the budget favours the claim's side, so only "contradicted" or
    # "inconclusive" can be read from this row as evidence at the plateau.
    ("seed 001 §3.5.2 with IGAN at twice IGAN_v2's steps (IGAN 10k, IGAN_v2 5k): IGAN_v2 is not ideal on the "
     "simple Fashion-MNIST (FCD above IGAN's)", "fid", ">", ("IGAN_v2, 5k steps", "c-igan_v2-fm96-c07"),
     ("IGAN, 10k steps", "c-igan-fm96-c07-10k")),
    ("seed 000 Fig. 4: gamma 0.3 is less diverse than gamma 0.7 (classifier IS lower)", "is", "<",
     ("gamma 0.3", "c-began_skip-gamma0.3-fm32"), ("gamma 0.7", "c-began_skip-gamma0.7-fm32")),
)


def configuration(name: str) -> str:
  """'c-dcgan-fm32-s1' -> 'c-dcgan-fm32': the run's name without its seed."""
  head, _, seed = name.rpartition("-s")
  return head if seed.isdigit() else name


def _finals(run: collect.Run) -> Dict[Tuple[str, Optional[int]], dict]:
  """(metric, branch) -> the newest final-evaluation record at the run's step (not the training callback's)."""
  out = {}
  for r in run.scores:
    if r.get("source") == collect.CALLBACK_SOURCE or r.get("checkpoint_step") != run.step:
      continue
    out[(r.get("metric"), r.get("branch"))] = r
  return out


def _value(finals, metric: str) -> Optional[float]:
  r = finals.get((metric, None))
  return None if r is None else float(r["value"])


def trained_classes(config: dict) -> List[int]:
  classes = config.get("classes") or ()
  if isinstance(classes, str):
    classes = [int(c) for c in classes.split(",") if c.strip()]
  return list(classes) if classes else list(range(10))


def class_shares(finals, config) -> Optional[Dict[int, float]]:
  """Share of the samples the classifier gives each class the run trains on."""
  r = finals.get(("class_kl", None))
  if r is None or "class_histogram" not in r:
    return None
  hist = r["class_histogram"]
  return {c: float(hist[c]) for c in trained_classes(config) if c < len(hist)}


def branch_purity(finals, config) -> Optional[Dict[int, float]]:
  """For multi-branch generators: branch c -> share of its samples classified as its class."""
  classes = trained_classes(config)
  out = {}
  for (metric, branch), r in finals.items():
    if metric == "class_kl" and branch is not None and "class_histogram" in r and branch < len(classes):
      out[int(branch)] = float(r["class_histogram"][classes[int(branch)]])
  return out or None


def plateau(run: collect.Run) -> Optional[Tuple[int, float, int, float, float]]:
  """(step at 75%, FCD there, last step, FCD there, relative improvement) of the callback's FCD curve."""
  curve = collect.run_curve(run, "fid", "classifier")
  if len(curve) < 2 or not run.step:
    return None
  cut = 0.75 * run.step
  before = [p for p in curve if p[0] <= cut]
  if not before:
    return None
  (s0, v0), (s1, v1) = before[-1], curve[-1]
  return s0, v0, s1, v1, (v0 - v1) / v0 if v0 else 0.0


def _stretch(curve, ends) -> List[Tuple[int, float]]:
  """The points of `curve` in the plateau's stretch: from the last evaluation at or before 75% of the steps
  (`ends`, from plateau()) to the end; [] without it."""
  return [(s, v) for s, v in curve if s >= ends[0]] if ends else []


def plateau_trend(run: collect.Run, ends=None) -> Optional[Tuple[int, float]]:
  """(points, relative improvement of the least-squares line over the last quarter) of the callback's FCD
  curve: the line through the evaluations from the last one at or before 75% of the steps to the end, and
  (line at the window's start - line at its end) / line at its start. None under PLATEAU_MIN_POINTS points.
  `ends`: plateau(run), when the caller has it already."""
  curve = collect.run_curve(run, "fid", "classifier")
  ends = plateau(run) if ends is None else ends
  if ends is None:
    return None
  window = _stretch(curve, ends)
  if len(window) < PLATEAU_MIN_POINTS:
    return None
  steps, values = np.array(window, dtype=np.float64).T
  slope, intercept = np.polyfit(steps, values, 1)
  start, end = slope * steps[0] + intercept, slope * steps[-1] + intercept
  return len(window), float((start - end) / start) if start > 0 else 0.0


def is_bar(config: dict, table=None) -> Tuple[Optional[float], str]:
  """(IS bar of a run with this config, how it was set): BARS['is'], scaled by real_is for a class subset."""
  from tfgan_repro.data.datasets import channels_for
  dataset = config.get("dataset", "")
  classes = trained_classes(config) if config.get("classes") else ()
  return real_is.scaled_bar(BARS["is"], real_is.load() if table is None else table, dataset,
                            config.get("split") or "train", int(config.get("resolution") or 0),
                            channels_for(dataset, int(config.get("channels") or 0)) if dataset else 0, classes)


class Judged:
  """One campaign record against the bars."""

  def __init__(self, run: collect.Run, real_is_table=None):
    self.run, self.name = run, run.name
    self.is_bar, self.is_bar_text = is_bar(run.config, real_is_table)
    self.finals = _finals(run)
    self.values = {m: _value(self.finals, m) for m in FINAL_METRICS}
    self.shares = class_shares(self.finals, run.config)
    self.purity = branch_purity(self.finals, run.config)
    self.plateau = plateau(run)
    self.trend = plateau_trend(run, self.plateau)

  def failures(self) -> List[str]:
    """The bars this run misses ([] when it meets all of them); a missing number is a miss."""
    out = []
    is_, fid = self.values["is"], self.values["fid"]
    if self.is_bar is None:
      out.append(f"IS bar {self.is_bar_text}")
    elif is_ is None or is_ < self.is_bar:
      out.append(f"IS {collect.fmt(is_)} < {self.is_bar_text}")
    if fid is None or fid > BARS["fid"]:
      out.append(f"FCD {collect.fmt(fid)} > {BARS['fid']:g}")
    if self.shares is None:
      out.append("no class histogram")
    else:
      low = {c: v for c, v in self.shares.items() if v < BARS["min_class"]}
      if low:
        out.append("classes below 3%: " + ", ".join(f"{c} ({100 * v:.1f}%)" for c, v in sorted(low.items())))
    if self.purity is not None:
      low = {b: v for b, v in self.purity.items() if v < BARS["branch_purity"]}
      if low:
        out.append("branches below 80% own class: " + ", ".join(f"{b} ({100 * v:.0f}%)" for b, v in sorted(low.items())))
    return out

  def plateau_text(self) -> str:
    if self.plateau is None:
      return "no curve"
    s0, v0, s1, v1, rel = self.plateau
    ends = f"{v0:.2f} at {s0} -> {v1:.2f} at {s1} ({100 * rel:+.1f}%)"
    if self.trend is None:
      return f"{'yes' if rel < PLATEAU_IMPROVEMENT else 'no'}: {ends}"
    n, line = self.trend
    return (f"{'yes' if line < PLATEAU_IMPROVEMENT else 'no'}: line through the last {n} evaluations "
            f"{100 * line:+.1f}%; end points {ends}")


def missed_bars(run: collect.Run) -> List[str]:
  """The learned-model bars `run` misses, for judging the ledger's claims (verdicts.judge). The bars are set on
  the Fashion-MNIST classifier's scale, so a run on another data set misses none."""
  return Judged(run).failures() if run.config.get("dataset") == BARS_DATASET else []


def campaign_runs(runs: List[collect.Run]) -> List[collect.Run]:
  """The campaign's records among `runs`: named c-*, and archived (a live run directory is not a record)."""
  return [r for r in runs if r.name.startswith(RECORD_PREFIX)
          and os.path.isfile(os.path.join(r.path, "archive.json"))]


def _mean_std(values: Sequence[float]) -> Tuple[float, Optional[float], int]:
  arr = np.asarray(values, float)
  return float(arr.mean()), (float(arr.std(ddof=1)) if len(arr) > 1 else None), len(arr)


def _fmt_ms(m, s, n) -> str:
  return f"{m:.2f}" + (f" ± {s:.2f}" if s is not None else "") + f" (n={n})"


def last_quarter(j: Judged, metric: str) -> Optional[float]:
  """Mean of the training callback's evaluations (2,000 samples) of `metric` over the plateau's stretch: from
  the last evaluation at or before 75% of the steps to the end. None without such a stretch."""
  window = _stretch(collect.run_curve(j.run, metric, "classifier"), j.plateau)
  return float(np.mean([v for _, v in window])) if window else None


def _curve_check(a: List[Judged], b: List[Judged], metric: str, relation: str) -> str:
  """The claim read off the last quarter of the curves instead of the final values: each side's mean of its
  runs' last-quarter means, and whether the direction matches the claim's. A final value is one draw from a
  curve that can swing 2x between evaluations; this says whether the verdict rests on such a draw."""
  qa = [q for q in (last_quarter(j, metric) for j in a) if q is not None]
  qb = [q for q in (last_quarter(j, metric) for j in b) if q is not None]
  if not qa or not qb:
    return "—"
  ma, mb = float(np.mean(qa)), float(np.mean(qb))
  text = f"{ma:.2f} vs {mb:.2f}"
  if relation not in ("<", ">"):
    return text
  holds = ma < mb if relation == "<" else ma > mb
  return text + (": the claim's direction" if holds else ": the opposite direction")


def claim_rows(judged: List[Judged]) -> List[List[str]]:
  by_conf: Dict[str, List[Judged]] = {}
  for j in judged:
    by_conf.setdefault(configuration(j.name), []).append(j)
  rows = []
  for text, metric, relation, (a_label, a), (b_label, b) in CLAIMS:
    a_vals = [j.values[metric] for j in by_conf.get(a, []) if j.values[metric] is not None]
    b_vals = [j.values[metric] for j in by_conf.get(b, []) if j.values[metric] is not None]
    if not a_vals or not b_vals:
      missing = [lbl for lbl, v in ((a_label, a_vals), (b_label, b_vals)) if not v]
      rows.append([text, "—", "—", f"not run yet ({', '.join(missing)})", "—"])
      continue
    ma, mb = _mean_std(a_vals), _mean_std(b_vals)
    verdict = verdicts.compare(relation, *ma, *mb)
    if min(ma[2], mb[2]) < SEEDS_FOR_VERDICT and not verdict.startswith("inconclusive"):
      verdict = f"inconclusive ({min(ma[2], mb[2])} seed(s) on one side, {SEEDS_FOR_VERDICT} needed; now: {verdict})"
    unlearned = [j.name for j in by_conf[a] + by_conf[b] if j.failures()]
    if unlearned:  # a model that has not learned is no evidence for or against a paper's claim
      verdict = verdicts.no_verdict(unlearned, verdict)
    rows.append([text, f"{a_label}: {_fmt_ms(*ma)}", f"{b_label}: {_fmt_ms(*mb)}", verdict,
                 _curve_check(by_conf[a], by_conf[b], metric, relation)])
  return rows


def _cell(v) -> str:
  return str(v).replace("|", "\\|").replace("\n", " ")


def _table(header, rows) -> List[str]:
  return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
          + ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows])


def _planned():
  from tfgan_repro import campaign  # light: no TensorFlow
  return campaign.plan()


def render(runs: List[collect.Run], planned=None, out_dir: str = "") -> str:
  """The page's markdown; `out_dir` is where it is written (grid links are relative to it)."""
  table = real_is.load(os.path.join(out_dir, os.path.basename(real_is.PATH)) if out_dir else real_is.PATH)
  all_judged = [Judged(r, table) for r in runs]  # each record read and judged once
  judged = {j.name: j for j in all_judged}
  planned = _planned() if planned is None else planned
  lines = ["# Trained-reproduction campaign (issue 16)", "",
           "Generated by `python -m tfgan_repro.report` from the campaign's records (`results/runs/c-*`, "
           "committed by `python -m tfgan_repro.campaign run`); do not edit by hand. Protocol: "
           "[PROTOCOL.md](PROTOCOL.md). Every number is the classifier's (Frechet classifier distance FCD, "
           "classifier IS; NOT the papers' Inception numbers), on 10,000 samples against the train split at "
           "the run's last step.", "",
           f"Bars of a learned model: IS >= {BARS['is']}, FCD <= {BARS['fid']:g}, every trained class >= 3% of "
           "the samples, each IGAN_v2 / IGAN_VN branch >= 80% its own class. Plateau: the training callback's "
           "FCD (2,000 samples) improves by under 10% over the last 25% of the steps, read off the least-squares "
           "line through the evaluations of that stretch (from the last one at or before 75% of the steps; the "
           "two end points alone when there are fewer than three), with the end points beside it.", "",
           f"The IS bar of {BARS['is']} is for runs over all ten classes. A run on a class subset cannot score "
           "the IS of ten classes (IS counts the classes a sample set spreads over; real T-shirts + sneakers "
           "score about 2.4), so it is held to the same fraction of its own real images' IS: "
           f"{BARS['is']} x IS_real(its classes) / IS_real(all classes), both from "
           "[real_is.json](real_is.json) (`python -m tfgan_repro.results.real_is`: 10,000 real train images "
           "framed as the run trains on them). The IS column shows each run's bar.", "",
           "## Runs", ""]
  rows = []
  for p in planned:
    j = judged.pop(p.name, None)
    if j is None:
      rows.append([p.name, p.claim, "not run yet", "", "", "", "", "", "", ""])
      continue
    v = j.values
    low = min(j.shares.items(), key=lambda kv: kv[1]) if j.shares else None
    fails = j.failures()
    purity = ", ".join(f"{b}: {100 * x:.0f}%" for b, x in sorted(j.purity.items())) if j.purity else "—"
    rows.append([p.name, p.claim, str(j.run.step), collect.fmt(v["fid"]),
                 collect.fmt(v["is"]) + (f" (bar {j.is_bar:.2f})" if j.is_bar is not None else ""),
                 " / ".join(collect.fmt(v[m]) for m in ("precision", "recall", "density", "coverage")),
                 f"{low[0]}: {100 * low[1]:.1f}%" if low else "—", purity, j.plateau_text(),
                 "all met" if not fails else "; ".join(fails)])
  for j in judged.values():  # records of runs no longer in the plan
    rows.append([j.name, "(not in the current plan)", str(j.run.step), collect.fmt(j.values["fid"]),
                 collect.fmt(j.values["is"]), "", "", "", j.plateau_text(), "; ".join(j.failures()) or "all met"])
  lines += _table(["run", "answers", "step", "FCD", "IS", "P / R / D / C", "rarest class", "branch purity",
                   "plateau", "bars"], rows)
  lines += ["", "## Curves and grids", "",
            "FCD of the training callback (2,000 samples) at each evaluation, and the run's last sample grid.", ""]
  for j in sorted(all_judged, key=lambda j: j.name):
    curve = collect.run_curve(j.run, "fid", "classifier")
    grid = [s for s in j.run.samples if os.path.basename(s).startswith("samples_")]
    where = os.path.relpath(grid[-1], out_dir) if grid and out_dir else (grid[-1] if grid else "")
    lines.append(f"- {j.name}: " + ", ".join(f"{s}: {v:.1f}" for s, v in curve)
                 + (f"; grid [{os.path.basename(where)}]({where})" if where else ""))
  lines += ["", "## Claims at the campaign budget", "",
            "A claim needs 3 seeds per side for a verdict (results/DISCUSSION.md's rule: a difference within "
            "the sum of the seeds' standard deviations is inconclusive). The verdict compares final values "
            "(10,000 samples at the last step). The last column reads the same claim off the curves instead: "
            "each side's mean over its runs of the training callback's evaluations (2,000 samples) in the "
            "plateau's stretch, the last quarter of the steps. It does not change the verdict; where it "
            "points the other way, the verdict rests on one draw from a swinging curve.", ""]
  lines += _table(["claim", "first", "second", "verdict", "last quarter of the curves (2,000 samples)"],
                  claim_rows(all_judged))
  return "\n".join(lines) + "\n"
