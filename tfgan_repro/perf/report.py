"""results/PERFORMANCE.md from the bench's figures: machine, command, then one table per kind of figure.

Every table is given twice where the clock matters: by wall clock (what a user waits) and by the process's
CPU time (what the work cost; the figure to trust on a shared machine, where the wall clock also counts
other people's work).
"""
import statistics
from typing import List, Optional

from tfgan_repro.perf import revision, stock

CLOCKS = (("wall", "wall clock"), ("cpu", "CPU time of this process"))


def _pct(x: float) -> str:
  return f"{100 * x:.0f}%" if 100 * x >= 10 else f"{100 * x:.2g}%"  # small models: 0.45%, not 0%


def _fmt(x: float) -> str:
  return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _kernels_line(kernels) -> List[str]:
  if not kernels:
    return []
  on = {True: "on", False: "off", None: "unknown"}[kernels.get("onednn")]
  return [f"- oneDNN CPU kernels: {on} ({kernels.get('reason', '')})"]


def machine_section(facts: dict, peaks: dict) -> List[str]:
  threads = ", ".join(f"{k} {v}" for k, v in facts["threads"].items())
  fp32, bf16 = peaks["float32"], peaks.get("bfloat16")
  lines = ["## Machine", "",
           f"- CPU: {facts['cpu']}; {facts['usable_cores']} usable core(s) of {facts['logical_cpus']} logical",
           f"- precision flags: {', '.join(facts['precision_flags']) or 'none'}; native bf16 "
           f"(avx512_bf16 / amx_bf16): {'yes' if facts['native_bf16'] else 'no'}",
           f"- TensorFlow {facts['tensorflow']}, Keras {facts['keras']}, Python {facts['python']}",
           f"- threads: {threads}",
           *_kernels_line(facts.get("cpu_kernels")),
           f"- 2048x2048 matmul peak, float32: {fp32['wall']:.0f} GFLOP/s (wall), {fp32['cpu']:.0f} GFLOP/s "
           "(per CPU-second)"]
  if bf16:
    lines.append(f"- 2048x2048 matmul, bfloat16: {bf16['wall']:.0f} GFLOP/s (wall), {bf16['cpu']:.0f} (per "
                 f"CPU-second): {bf16['cpu'] / fp32['cpu']:.2f}x float32")
  return lines + [""]


def _window(rate) -> str:
  """'12 x 3' (steps per window x windows), or the windows alone where the steps were not recorded."""
  return f"{rate.steps} x {rate.windows}" if rate.steps else f"{rate.windows} windows"


def training_section(rows, peaks: dict) -> List[str]:
  out = ["## Training step", "",
         "fit: `loop.train` with its callbacks (checkpoints, scalars, sample grids at the preset's cadence). "
         "bare: `tf.function(model.train_step)` on one in-memory batch, no XLA, no callbacks, no pipeline. "
         "pipeline: the same input pipeline alone. % of peak: GFLOP/s of the fit over the float32 matmul "
         "peak above. busy: CPU seconds per wall second of the fit. window: steps per timed window x windows "
         "(the medians are over the windows).", ""]
  for clock, name in CLOCKS:
    out += [f"By {name}:", "",
            "| preset | widths | batch (img/step) | precision | options | GFLOP/img | fit img/s | % of peak | "
            "bare img/s | fit / bare | pipeline img/s | pipeline / fit | busy | window |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
      fit, bare, pipe = getattr(r.fit, clock), getattr(r.bare, clock), getattr(r.pipeline, clock)
      out.append(f"| {r.preset} | {r.widths} | {r.batch} ({r.images_per_step}) | {r.precision} | {r.options} | "
                 f"{r.gflop_per_image:.3g} | {_fmt(fit)} | {_pct(fit * r.gflop_per_image / peaks['float32'][clock])} | "
                 f"{_fmt(bare)} | {fit / bare:.2f} | {_fmt(pipe)} | {pipe / fit:.1f}x | {r.fit.busy:.2f} | "
                 f"{_window(r.fit)} |")
    out.append("")
  return out


def one_core_section(rows, peak: dict) -> List[str]:
  out = ["## One core (a campaign lane)", "",
         f"Timed by a child bench pinned to core {peak.get('cpu_index', '?')} (`taskset`) with one intra- and one "
         "inter-op thread, as `tfgan_repro.campaign` runs each run. % of peak: over that core's own 2048x2048 "
         f"float32 matmul, {peak['wall']:.0f} GFLOP/s (wall), {peak['cpu']:.0f} (per CPU-second), measured by "
         "the child.", ""]
  one = {"float32": peak}
  for line in training_section(rows, one)[4:]:  # the same tables, without the section's heading and legend
    out.append(line)
  return out


# Issue 13's targets: (what, where in this report, threshold, how the figure is read off the rows).
def _is_paper_width(r) -> bool:
  try:
    from tfgan_repro.perf import training
    return training.describe_widths(training.preset_config(r.preset)) == r.widths
  except Exception:  # a preset this checkout no longer has
    return False


def _match(row, revision_rows, where: str):
  """The before / after row of the same case as training row `row`, timed `where`; None if there is none."""
  found = [b for b in revision_rows if (b.preset, b.widths, b.batch, b.where) == (row.preset, row.widths, row.batch,
                                                                                  where)]
  return found[0] if found else None


def _peak_share(row, seconds_per_step: float, peak: dict) -> float:
  """The share of `peak` (GFLOP/s, wall) that `row`'s step reaches when one step takes `seconds_per_step`."""
  return row.gflop_per_image * row.images_per_step / seconds_per_step / peak["wall"]


def _before_after_pct(row, revision_rows, where, peak) -> str:
  b = _match(row, revision_rows, where)
  if b is None:
    return "-"
  return (f"{_pct(_peak_share(row, b.before_step_s.wall, peak))} -> "
          f"{_pct(_peak_share(row, b.after_step_s.wall, peak))}" + _WAITED_MARK * b.waited())


_WAITED_MARK = " (runs waited: not quotable)"


def targets(rows, peaks, one_core, one_core_peak, sources, revision_rows=(), stock_run=None,
            paired_rows=()) -> List[tuple]:
  """[(target, figure text, met: bool or None, before -> after text)] of issue 13's throughput targets, from
  this run's rows; the last field reads the end-to-end before / after rows of the same case ('-': none). With
  `stock_run`, DCGAN-64's fit is also set beside the bare step as a minimal Keras script runs it; with
  `paired_rows` (perf/paired.py), beside the bare step in alternating windows of one process."""
  pct = lambda r, peak: r.fit.wall * r.gflop_per_image / peak["wall"]
  out = []
  for n, bar in ((16, 0.35), (32, 0.55)):
    hits = [r for r in one_core if r.preset == "began_fashion_mnist_32" and r.widths == f"n={n}" and r.batch == 16
            and r.precision == "float32"]
    for r in hits:
      out.append((f"BEGAN-32 n={n} batch 16, one core: >= {bar:.0%} of that core's peak ({r.options})",
                  f"{_pct(pct(r, one_core_peak))} ({_fmt(r.fit.wall)} img/s)", pct(r, one_core_peak) >= bar,
                  _before_after_pct(r, revision_rows, "one core", one_core_peak)))
    if not hits:
      out.append((f"BEGAN-32 n={n} batch 16, one core: >= {bar:.0%} of that core's peak", "not timed", None, "-"))
  hits = [r for r in rows if r.preset == "dcgan_celeba_64" and r.widths == "G 64 / D 64" and r.batch == 64]
  fp32_bare = [r.bare.wall for r in hits if r.precision == "float32"]
  for r in hits:
    b = _match(r, revision_rows, "all cores") if r.precision == "float32" else None
    e2e = "-" if b is None else (f"{r.images_per_step / b.before_step_s.wall / r.bare.wall:.2f}x -> "
                                 f"{r.images_per_step / b.after_step_s.wall / r.bare.wall:.2f}x")
    minimal = stock.match(r, stock_run.rows) if stock_run else None
    if minimal is not None:
      out.append((f"DCGAN-64 ngf = ndf = 64 batch 64: fit >= 1.10x the bare step as a minimal Keras script runs it "
                  f"on this CPU, TensorFlow's default kernels and threads ({r.precision}, fit: {r.options})",
                  f"{r.fit.wall / minimal.bare.wall:.2f}x ({_fmt(r.fit.wall)} vs {_fmt(minimal.bare.wall)} img/s)",
                  r.fit.wall / minimal.bare.wall >= 1.10, "-"))
    for p in (p for p in paired_rows if p.key() == (r.preset, r.widths, r.batch, r.precision)):
      out.append((f"DCGAN-64 ngf = ndf = 64 batch 64: fit >= 1.10x the bare step, in alternating windows of one "
                  f"process: median of {len(p.ratios)} pairs ({r.precision}, {p.options})",
                  f"{p.median_ratio:.2f}x (pairs {min(p.ratios):.2f}-{max(p.ratios):.2f}x)",
                  p.median_ratio >= 1.10, "-"))
    out.append((f"DCGAN-64 ngf = ndf = 64 batch 64: fit >= 1.10x the bare step on the same kernels and threads "
                f"({r.precision}, {r.options})",
                f"{r.fit.wall / r.bare.wall:.2f}x ({_fmt(r.fit.wall)} vs {_fmt(r.bare.wall)} img/s)",
                r.fit.wall / r.bare.wall >= 1.10, e2e))
    if r.precision != "float32" and fp32_bare:
      out.append((f"DCGAN-64 ngf = ndf = 64 batch 64: fit under {r.precision} >= 1.10x the float32 bare step",
                  f"{r.fit.wall / fp32_bare[0]:.2f}x ({_fmt(r.fit.wall)} vs {_fmt(fp32_bare[0])} img/s)",
                  r.fit.wall / fp32_bare[0] >= 1.10, "-"))
  if not hits:
    out.append(("DCGAN-64 ngf = ndf = 64 batch 64: fit >= 1.10x the bare step", "not timed", None, "-"))
  for r in rows:
    if _is_paper_width(r) and r.precision == "float32":
      out.append((f"{r.preset} at its paper widths ({r.widths}, batch {r.batch}), all cores: >= 55% of the peak "
                  f"({r.options})", _pct(pct(r, peaks["float32"])), pct(r, peaks["float32"]) >= 0.55,
                  _before_after_pct(r, revision_rows, "all cores", peaks["float32"])))
  fits = [r.fit.wall for r in rows]
  for r in sources:
    if fits:
      ratio = r.rate.wall / max(fits)
      out.append((f"input pipeline, {r.source}: >= 10x the fastest training step's consumption",
                  f"{ratio:.0f}x", ratio >= 10, "-"))
  return out


def targets_section(found: List[tuple], before: str = "") -> List[str]:
  legend = ("Each figure is read off the tables below (wall clock). The figures of the issue itself (earlier code, "
            "another CPU of this kind) are in its text; a before / after pair in this run is a row pair of the "
            "tables that differs in one option")
  if before:
    legend += (f", or the last column: revision {before} against this tree, both timed end to end in this run "
               "(the before / after table below)")
  out = ["## Issue 13's targets in this run", "", legend + ".", ""]
  if before:
    out += [f"| target | this run | met | {before} -> this tree, end to end |", "|---|---|---|---|"]
  else:
    out += ["| target | this run | met |", "|---|---|---|"]
  for what, figure, met, change in found:
    cells = [what, figure, "-" if met is None else ("yes" if met else "no")] + ([change] if before else [])
    out.append("| " + " | ".join(cells) + " |")
  return out + [""]


def revision_section(revision_rows, rows, one_core, peaks, one_core_peak) -> List[str]:
  """The end-to-end before / after table (perf/revision.py), with % of peak where the case was also timed."""
  before = revision_rows[0].before
  out = [f"## Before / after: revision {before} against this tree", "",
         f"Both sides run `python -m tfgan_repro.main` end to end on the same synthetic data and flags (revision "
         f"{before} from a temporary `git worktree`), for warm-up steps and for warm-up + timed steps; a step's "
         "time is the difference over the extra steps (start-up, tracing and the final checkpoint cancel out), "
         "median over the repeats, the two sides taking turns. One core: pinned with one intra- and one inter-op "
         "thread. % of peak uses this tree's GFLOP per image of the same case (the tables above). CPU / wall: "
         "CPU seconds of the runs per wall second, about 1 for a run that computes all the time on its pinned "
         f"core; a one-core pair below {revision.WAITED_BUSY} on either side spent its time waiting (for a "
         "core another process held, or for something else) and is marked not quotable.", "",
         "| preset | widths | batch | where | steps | before ms/step | this tree ms/step | speed-up | "
         "before % of peak | this tree % of peak | CPU s/step before -> this tree | CPU / wall before -> this tree |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|"]
  for b in revision_rows:
    same = [r for r in (one_core if b.where == "one core" else rows)
            if (r.preset, r.widths, r.batch) == (b.preset, b.widths, b.batch) and r.precision == "float32"]
    peak = one_core_peak if b.where == "one core" else peaks["float32"]
    shares = (["-", "-"] if not same or peak is None else
              [_pct(_peak_share(same[0], s.wall, peak)) for s in (b.before_step_s, b.after_step_s)])
    out.append(f"| {b.preset} | {b.widths} | {b.batch} | {b.where} | {b.steps or '-'} | "
               f"{1e3 * b.before_step_s.wall:.1f} | {1e3 * b.after_step_s.wall:.1f} | "
               f"{b.before_step_s.wall / b.after_step_s.wall:.2f}x{_WAITED_MARK * b.waited()} | {shares[0]} | "
               f"{shares[1]} | {b.before_step_s.cpu:.3f} -> {b.after_step_s.cpu:.3f} | "
               f"{b.before_step_s.busy:.2f} -> {b.after_step_s.busy:.2f} |")
  return out + [""]


def profile_section(profiles) -> List[str]:
  out = ["## Where a step's time goes (TF profiler)", "",
         "The bare step traced with `tf.profiler.experimental` (perf/profile.py), per step: from Python (the "
         "call's wall time, profiler off and on), in TF's executor, and inside the op kernels, with the largest op "
         "types. Python minus executor is the per-call overhead; executor minus ops the executor's per-op "
         "overhead.", ""]
  for label, b in profiles:
    overhead = 1 - b.ops_ms / b.traced_ms if b.traced_ms else 0.0
    out += [f"{label}: {b.python_ms:.1f} ms per step from Python ({b.traced_ms:.1f} while traced), "
            f"{b.executor_ms:.1f} ms in the executor, {b.ops_ms:.1f} ms in {b.ops_per_step:.0f} op calls; "
            f"{100 * overhead:.1f}% of the traced step outside op kernels.", "", "| op type | ms / step | share of op time | calls / step |", "|---|---|---|---|"]
    for name, ms, calls in b.by_type:
      out.append(f"| {name} | {ms:.2f} | {100 * ms / b.ops_ms:.1f}% | {calls:.0f} |")
    out.append("")
  return out


def stock_section(run, rows) -> List[str]:
  """The fit of each --stock_bare case beside its bare step in this process and in the stock child."""
  on = {True: "on", False: "off", None: "unknown"}[run.kernels.get("onednn")]
  threads = ", ".join(f"{k} {v or 'default'}" for k, v in run.threads.items())
  out = ["## The bare step as a minimal Keras script runs it", "",
         "The bare step of the table above, timed again in a child process that imports TensorFlow before "
         "tfgan_repro and has no thread variables: the kernels and thread pools a short Keras script of the "
         f"same networks gets on this CPU (perf/stock.py). In the child: oneDNN CPU kernels {on} "
         f"({run.kernels.get('reason', '')}); threads: {threads}. In-process bare: the training table's bare "
         "step (this process's kernels and threads).", ""]
  names = {"wall": "wall clock", "cpu": "CPU time of each process (the child's for the minimal script)"}
  for clock, _ in CLOCKS:
    out += [f"By {names[clock]}:", "",
            "| preset | widths | batch (img/step) | precision | minimal script img/s | in-process bare img/s | "
            "fit img/s | fit / minimal script | in-process bare / minimal script | window |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for s in run.rows:
      same = [r for r in rows if (r.preset, r.widths, r.batch, r.precision) == s.key()]
      if not same:
        continue
      r, m = same[0], getattr(s.bare, clock)
      out.append(f"| {s.preset} | {s.widths} | {s.batch} ({s.images_per_step}) | {s.precision} | {_fmt(m)} | "
                 f"{_fmt(getattr(r.bare, clock))} | {_fmt(getattr(r.fit, clock))} | "
                 f"{getattr(r.fit, clock) / m:.2f}x | {getattr(r.bare, clock) / m:.2f}x | {_window(s.bare)} |")
    out.append("")
  return out


def paired_section(paired_rows) -> List[str]:
  """Each --paired case's (fit window, bare window) pairs and their ratios."""
  out = ["## The fit and the bare step in alternating windows", "",
         "Timed in one process (perf/paired.py): the fit trains, and after each window of its steps a callback "
         "runs a window of as many bare steps (Keras' own BN ops, one in-memory batch); the next fit window "
         "starts when that returns. A slow spell of the shared machine lands on both sides of a pair, so the "
         "median of the per-pair ratios is steadier than a ratio of two medians timed minutes apart. Wall clock.",
         ""]
  for p in paired_rows:
    out += [f"{p.preset} {p.widths}, batch {p.batch} ({p.images_per_step} img/step), {p.precision}, {p.options}; "
            f"{p.steps} steps per window:", "", "| pair | fit img/s | bare img/s | fit / bare |", "|---|---|---|---|"]
    out += [f"| {i + 1} | {_fmt(f)} | {_fmt(b)} | {f / b:.3f}x |" for i, (f, b) in enumerate(zip(p.fit, p.bare))]
    out += [f"| median | {_fmt(statistics.median(p.fit))} | {_fmt(statistics.median(p.bare))} | "
            f"{p.median_ratio:.3f}x |", ""]
  return out


def sources_section(rows, fastest_fit: Optional[float]) -> List[str]:
  out = ["## Input pipeline by source", "",
         "Images/s of `data.make_dataset` alone; the last column divides by the fastest fit of this run "
         f"({_fmt(fastest_fit) if fastest_fit else '-'} img/s, wall clock).", "",
         "| source | resolution | batch | start-up s | img/s (wall) | img per CPU-second | / fastest fit |",
         "|---|---|---|---|---|---|---|"]
  for r in rows:
    ratio = f"{r.rate.wall / fastest_fit:.0f}x" if fastest_fit else "-"
    out.append(f"| {r.source} | {r.resolution} | {r.batch} | {r.startup_s:.2f} | {_fmt(r.rate.wall)} | "
               f"{_fmt(r.rate.cpu)} | {ratio} |")
  return out + [""]


def evaluation_section(rows, peaks: dict, cache: Optional[dict]) -> List[str]:
  out = ["## Evaluation", "", "Feature extraction (pixels in, features and logits fetched); % of the float32 peak.",
         "", "| network | input | batch | GFLOP/img | img/s (wall) | % of peak (wall) | img per CPU-s | "
         "% of peak (CPU) |", "|---|---|---|---|---|---|---|---|"]
  for r in rows:
    out.append(f"| {r.network} | {r.input} | {r.batch} | {r.gflop_per_image:.3g} | {_fmt(r.rate.wall)} | "
               f"{_pct(r.rate.wall * r.gflop_per_image / peaks['float32']['wall'])} | {_fmt(r.rate.cpu)} | "
               f"{_pct(r.rate.cpu * r.gflop_per_image / peaks['float32']['cpu'])} |")
  if cache:
    out += ["", f"Real statistics of {cache['images']} images (classifier features): computed in "
            f"{cache['computed_s']:.2f} s, read back from the cache in {cache['cached_s']:.2f} s "
            f"({cache['computed_s'] / max(cache['cached_s'], 1e-9):.0f}x): a repeated evaluation of a run skips them."]
  return out + [""]


METHOD = ["## How these figures are made", "",
          "- Timings are medians over windows of whole steps after warm-up steps (compilation, first "
          "pipeline fill); with --window_seconds a window is lengthened to about that many seconds of the bare "
          "step, and the fit and the pipeline are timed over windows of as many steps; rates are images consumed per second (a WGAN-GP step consumes n_critic batches).",
          "- GFLOP/img: TF's per-op float-op statistics (those `tf.profiler` reports: 2 per multiply-add) of the "
          "traced train step, over the ops the runtime executes (those the outputs and variable updates "
          "depend on), divided by the images a step consumes; nested functions counted per call.",
          "- Training data: a synthetic .npz at each preset's resolution and channels (random pixels), so "
          "every preset runs offline; real sources are timed in the pipeline table.", ""]


HISTORY = "performance"  # beside PERFORMANCE.md: earlier reference runs, kept when a new one replaces it


def history_section(path: str) -> List[str]:
  """Links to the earlier reference reports kept in HISTORY/ beside `path` (newest first); [] if none."""
  import os
  folder = os.path.join(os.path.dirname(os.path.abspath(path)), HISTORY)
  names = sorted((n for n in os.listdir(folder) if n.endswith(".md")), reverse=True) if os.path.isdir(folder) else []
  if not names:
    return []
  return (["## Earlier reference runs", "",
           "Kept as they were written, on the machines they name (the CPU model changes between sessions):", ""]
          + [f"- [{n[:-3]}]({HISTORY}/{n})" for n in names] + [""])


def write(path: str, *, command: str, facts: dict, peaks: dict, training, sources, evaluation, cache,
          draft: bool, one_core=(), one_core_peak: Optional[dict] = None, profiles=(), revisions=(),
          stock_run=None, paired_rows=()) -> str:
  title = "# Throughput" + (" (DRAFT: development measurements on a shared machine, not the reference run)"
                            if draft else "")
  fits = [r.fit.wall for r in training]
  lines = [title, "", "Written by `python -m tfgan_repro.bench`; regenerate it with the command below.", "",
           "```", command, "```", ""]
  lines += machine_section(facts, peaks)
  if training or one_core:
    lines += targets_section(targets(training, peaks, one_core, one_core_peak, sources, revisions, stock_run,
                                     paired_rows),
                             revisions[0].before if revisions else "")
  if training:
    lines += training_section(training, peaks)
  if stock_run is not None and stock_run.rows:
    lines += stock_section(stock_run, training)
  if paired_rows:
    lines += paired_section(paired_rows)
  if one_core:
    lines += one_core_section(one_core, one_core_peak)
  if revisions:
    lines += revision_section(revisions, training, one_core, peaks, one_core_peak)
  if profiles:
    lines += profile_section(profiles)
  if sources:
    lines += sources_section(sources, max(fits) if fits else None)
  if evaluation or cache:
    lines += evaluation_section(evaluation, peaks, cache)
  text = "\n".join(lines + METHOD + history_section(path)).rstrip("\n") + "\n"
  import os
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  with open(path, "w") as f:
    f.write(text)
  return text
