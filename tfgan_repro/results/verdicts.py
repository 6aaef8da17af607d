"""The ledger against our runs: which run group stands for a preset, which of its scores to show, the status
of each published number (`entry_answer`) and the verdict on each claim (`judge`), only ever from one protocol
on both sides. `tfgan_repro.results.ledger` holds what is judged (SPEC §8 as data); `render` writes it out.
"""
import dataclasses
from typing import NamedTuple, Optional

from tfgan_repro.results import collect, ledger

PREFERRED_NETWORKS = ("ttur_graph", "classifier", "keras_inception")


@dataclasses.dataclass(frozen=True)
class Verdict:
  status: str    # supported | contradicted | inconclusive | qualitative | not comparable | not run here | not run
                 # yet | not scored
  evidence: str


def group_for(preset: str, groups, where=()):
  """The group that stands for `preset` (with the config values in `where`): full-size runs only; the fewest
  deviations from the preset first, then the most trained, the most seeds."""
  found = [g for g in groups if g.preset == preset and not g.tiny and all(g.config.get(k) == v for k, v in where)]
  if not found:
    return None
  return min(found, key=lambda g: (len(g.deviations), -max(s or 0 for s in g.steps), -len(g.runs), g.slug))


def pick_score(scores, metric: str, prefer=PREFERRED_NETWORKS):
  """The score to show for `metric`: networks in `prefer` order, a final evaluation before the training
  callback's, then the most fake samples and seeds."""
  found = [s for s in scores if s.protocol.metric == metric]
  if not found:
    return None
  order = lambda n: prefer.index(n) if n in prefer else len(prefer)
  return min(found, key=lambda s: (order(s.protocol.network), s.protocol.callback, -s.protocol.n_fake, -s.n,
                                   dataclasses.astuple(s.protocol)))


def not_paper(network: str, metric: str) -> str:
  """Why a `metric` computed on `network` is not a paper number ("" for the paper's network)."""
  if network == "ttur_graph":
    return ""
  if network == "classifier":
    return ("Frechet classifier distance: NOT the paper's Inception FID" if metric == "fid" else
            f"classifier {metric.upper()}: NOT the paper's Inception {metric.upper()}")
  return f"{network}: NOT comparable with published numbers"


class EntryAnswer(NamedTuple):
  """Our side of one ledger entry: the run group standing for its preset (None: not run), the score shown
  (None: not scored) and the status line."""
  group: Optional[collect.Group]
  score: Optional[collect.Score]
  status: str


def entry_answer(entry: ledger.Entry, groups) -> EntryAnswer:
  """The status of one published number: not run, not scored, the paper's protocol (and ours - paper), or
  not comparable and why."""
  group = group_for(entry.preset, groups) if entry.preset else None
  if group is None:
    why = entry.blocker if entry.blocker else "not run yet (runnable here)"
    if entry.substitute_command:
      why = (f"not run yet (runnable here with the offline {entry.substitute} substitute); paper protocol "
             f"blocked: {entry.blocker}")
    return EntryAnswer(None, None, f"not run here: {why}")
  score = pick_score(collect.group_scores(group), entry.metric, (entry.network, entry.substitute)
                     + PREFERRED_NETWORKS)
  deviating = f" (runs deviate from the preset: {'; '.join(group.deviations)})" if group.deviations else ""
  if score is None:
    return EntryAnswer(group, None, f"not scored: run `python -m tfgan_repro.evaluate --workdir=RUN "
                       f"--metrics={entry.metric}`" + deviating)
  comparable = score.protocol.network == entry.network  # the paper's own network (TTUR graph; Keras for seed 004)
  counts = [f"{what} {ours} (paper {paper})" for what, ours, paper in (
      ("n_fake", score.protocol.n_fake, entry.n_fake), ("n_real", score.protocol.n_real, entry.n_real))
      if paper and ours != paper]
  if comparable and counts:
    status = f"paper network, other sample counts: {', '.join(counts)}"
  elif comparable:
    status = "paper protocol"
    if entry.published is not None:
      status += f"; ours - paper = {collect.fmt(score.mean - entry.published)}"
  else:
    status = (f"NOT comparable: {score.protocol.network} ({not_paper(score.protocol.network, entry.metric)}); "
              f"paper protocol blocked: {entry.blocker or 'needs ' + entry.network}")
  return EntryAnswer(group, score, status + deviating)


def why_missing(preset: str, where=()) -> str:
  reason = ledger.NO_DATA.get(ledger.dataset_of(preset), "")
  flags = "".join(f" --{k}={v}" for k, v in where)
  return f"no run of {preset}{flags}" + (f": {reason}" if reason else " yet (runnable here)")


def _compare(claim: ledger.Claim, a_mean, a_std, a_n, b_mean, b_std, b_n) -> str:
  return compare(claim.relation, a_mean, a_std, a_n, b_mean, b_std, b_n)


def compare(relation: str, a_mean, a_std, a_n, b_mean, b_std, b_n) -> str:
  """The verdict rule on two seed groups: `relation` ("<", ">" or "~") of the first to the second holds
  (supported), fails (contradicted), or cannot be told from the seeds' spread (inconclusive)."""
  diff = a_mean - b_mean
  noise = (a_std or 0.0) + (b_std or 0.0)
  if relation == "~":
    agrees = abs(diff) <= noise
  else:
    agrees = diff < 0 if relation == "<" else diff > 0
  if min(a_n, b_n) < 2:
    if relation == "~":
      return "inconclusive (1 seed: no spread to compare against)"
    return f"inconclusive (1 seed; direction {'agrees' if agrees else 'disagrees'})"
  if relation == "~":
    return "supported" if agrees else "contradicted"
  if abs(diff) <= noise:
    return "inconclusive (within the seeds' spread)"
  return "supported" if agrees else "contradicted"


def _notes(network: str, *groups) -> str:
  """Caveats of an answer: a network other than the paper's, runs that deviate from their presets."""
  out = "" if network == "ttur_graph" else f"; measured with {network}, not the paper's network"
  for g in groups:
    if g.deviations:
      out += f"; {g.preset} runs deviate from the preset ({', '.join(g.deviations)})"
  return out


def _callback_samples(group, metric: str, network: str) -> set:
  return {r.get("n_fake") for run in group.runs for r in run.scores
          if r.get("source") == "training callback" and r.get("metric") == metric and r.get("network") == network}


def _budget(*groups) -> str:
  """' at 600 of 100000 steps' when the runs stopped short of their presets' steps: a verdict on early
  training, not on the converged models the papers compare."""
  short = [(max(s or 0 for s in g.steps), g.preset_steps) for g in groups]
  short = [(t, p) for t, p in short if t < p]
  if not short:
    return ""
  return " at " + " / ".join(dict.fromkeys(f"{t} of {p}" for t, p in short)) + " steps"


def _side(preset: str, where) -> str:
  return preset + (f" ({', '.join(f'{k}={v}' for k, v in where)})" if where else "")


def _trained(group) -> int:
  return max(s or 0 for s in group.steps)


def _same_budget(claim: ledger.Claim, groups):
  """(a, b) groups of the claim's two sides trained for the same number of steps, the most trained pair
  first; None if there is none. A 300-step run against a 5000-step run says nothing about the claim."""
  side = lambda preset, where: [g for g in groups if g.preset == preset and not g.tiny
                                and all(g.config.get(k) == v for k, v in where)]
  pairs = [(ga, gb) for ga in side(claim.a, claim.a_where) for gb in side(claim.b, claim.b_where)
           if _trained(ga) == _trained(gb)]
  if not pairs:
    return None
  return min(pairs, key=lambda p: (-_trained(p[0]), len(p[0].deviations) + len(p[1].deviations),
                                   -len(p[0].runs) - len(p[1].runs), p[0].slug, p[1].slug))


def no_verdict(unlearned, status: str) -> str:
  """The verdict when runs on either side miss the learned-model bars: a model that has not learned is no
  evidence for or against a paper's claim. One wording for every page that judges claims."""
  return f"no verdict: {', '.join(unlearned)} miss the learned-model bars (the rule alone would say: {status})"


def _gated(status: str, groups, missed_bars) -> str:
  """`status`, or no_verdict when `missed_bars` (run -> the bars it misses) names a run of `groups`."""
  if missed_bars is None or not status.startswith(("supported", "contradicted", "inconclusive")):
    return status
  unlearned = [r.name for g in groups for r in g.runs if missed_bars(r)]
  return no_verdict(unlearned, status) if unlearned else status


def judge(claim: ledger.Claim, groups, figure_names=(), missed_bars=None) -> Verdict:
  """Answers `claim` from our runs (the same protocol and the same training budget on both sides, or no
  answer). With `missed_bars` (run -> list of the learned-model bars it misses), a comparison involving a run
  that misses them is no verdict, as on the campaign page."""
  ga, gb = group_for(claim.a, groups, claim.a_where), group_for(claim.b, groups, claim.b_where)
  if ga is not None and gb is not None and _trained(ga) != _trained(gb):
    ga, gb = _same_budget(claim, groups) or (ga, gb)
  if claim.kind == "figure":
    shown = [f for f in figure_names if f.startswith(f"gamma_{claim.a}")]  # bare names: files in figures/
    if shown:
      return Verdict("qualitative", "see " + ", ".join(f"figures/{f}" for f in shown)
                     + " (sample grids side by side, judged by eye)")
    return Verdict("not run here", f"needs runs differing only in gamma ({why_missing(claim.a)} with --gamma=0.3 "
                   "and --gamma=0.7)")
  missing = [(p, where) for p, g, where in ((claim.a, ga, claim.a_where), (claim.b, gb, claim.b_where))
             if g is None]
  if missing:
    runnable = all(not ledger.NO_DATA.get(ledger.dataset_of(p), "") for p, _ in missing)
    return Verdict("not run yet" if runnable else "not run here",
                   "; ".join(dict.fromkeys(why_missing(p, where) for p, where in missing)))
  if _trained(ga) != _trained(gb):
    return Verdict("not comparable", f"no runs of both sides at one budget: {_side(claim.a, claim.a_where)} "
                   f"trained {_trained(ga)} steps, {_side(claim.b, claim.b_where)} {_trained(gb)}")
  if claim.kind == "curve":
    for network in sorted(collect.curve_networks([ga, gb], claim.metric),
                          key=lambda n: PREFERRED_NETWORKS.index(n) if n in PREFERRED_NETWORKS else 9):
      ca = {s: (m, sd, n) for s, m, sd, n in collect.group_curve(ga, claim.metric, network)}
      cb = {s: (m, sd, n) for s, m, sd, n in collect.group_curve(gb, claim.metric, network)}
      common = sorted(set(ca) & set(cb))
      if not common:
        continue
      if _callback_samples(ga, claim.metric, network) != _callback_samples(gb, claim.metric, network):
        # FID is biased upward for fewer samples: curves scored with different counts are not comparable.
        return Verdict("not comparable", f"the two curves use different sample counts ({network})")
      # A step counts for (against) the claim only where the means differ by more than the seeds' spread
      # (std_a + std_b, as for final values); the rest are ties.
      sign = -1.0 if claim.relation == "<" else 1.0
      margin = {s: sign * (ca[s][0] - cb[s][0]) - ((ca[s][1] or 0.0) + (cb[s][1] or 0.0)) for s in common}
      against = {s: -sign * (ca[s][0] - cb[s][0]) - ((ca[s][1] or 0.0) + (cb[s][1] or 0.0)) for s in common}
      better = [s for s in common if margin[s] > 0]
      worse = [s for s in common if against[s] > 0]
      n = min(len(ga.runs), len(gb.runs))
      status = ("inconclusive (1 seed)" if n < 2 else "supported" if len(better) >= 0.8 * len(common) else
                "contradicted" if len(worse) >= 0.8 * len(common) else "inconclusive (within the seeds' spread "
                "or the curves cross)") + _budget(ga, gb)
      status = _gated(status, (ga, gb), missed_bars)
      last = common[-1]
      std = lambda v: f" ± {collect.fmt(v)}" if v is not None else ""
      return Verdict(status, f"{_side(claim.a, claim.a_where)} {claim.relation} {_side(claim.b, claim.b_where)} "
                     f"beyond the seeds' spread at {len(better)}/{len(common)} common evaluation steps, the "
                     f"opposite at {len(worse)} (step {last}: {collect.fmt(ca[last][0])}{std(ca[last][1])} vs "
                     f"{collect.fmt(cb[last][0])}{std(cb[last][1])}), "
                     f"n={len(ga.runs)}/{len(gb.runs)} seeds{_notes(network, ga, gb)}")
    return Verdict("not scored", "no in-training evaluations common to both runs (train with --eval_every)")
  sa = {s.protocol: s for s in collect.group_scores(ga) if s.protocol.metric == claim.metric}
  sb = {s.protocol: s for s in collect.group_scores(gb) if s.protocol.metric == claim.metric}
  common = pick_score([sa[p] for p in set(sa) & set(sb)], claim.metric)
  if common is None:
    return Verdict("not scored", f"no {claim.metric.upper()} computed under one protocol for both "
                   "(python -m tfgan_repro.evaluate on each run)")
  a, b = sa[common.protocol], sb[common.protocol]
  status = _gated(_compare(claim, a.mean, a.std, a.n, b.mean, b.std, b.n) + _budget(ga, gb), (ga, gb), missed_bars)
  return Verdict(status, f"{_side(claim.a, claim.a_where)}: {collect.format_score(a)} vs "
                 f"{_side(claim.b, claim.b_where)}: {collect.format_score(b)}; "
                 f"{common.protocol.describe()}, step {'/'.join(map(str, sorted(set(a.steps + b.steps))))}"
                 f"{_notes(common.protocol.network, ga, gb)}")
