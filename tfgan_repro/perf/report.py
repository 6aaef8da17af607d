"""results/PERFORMANCE.md from the bench's figures: machine, command, then one table per kind of figure.

Every table is given twice where the clock matters: by wall clock (what a user waits) and by the process's
CPU time (what the work cost; the figure to trust on a shared machine, where the wall clock also counts
other people's work).
"""
from typing import List, Optional

CLOCKS = (("wall", "wall clock"), ("cpu", "CPU time of this process"))


def _pct(x: float) -> str:
  return f"{100 * x:.0f}%" if 100 * x >= 10 else f"{100 * x:.2g}%"  # small models: 0.45%, not 0%


def _fmt(x: float) -> str:
  return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def machine_section(facts: dict, peaks: dict) -> List[str]:
  threads = ", ".join(f"{k} {v}" for k, v in facts["threads"].items())
  fp32, bf16 = peaks["float32"], peaks.get("bfloat16")
  lines = ["## Machine", "",
           f"- CPU: {facts['cpu']}; {facts['usable_cores']} usable core(s) of {facts['logical_cpus']} logical",
           f"- precision flags: {', '.join(facts['precision_flags']) or 'none'}; native bf16 "
           f"(avx512_bf16 / amx_bf16): {'yes' if facts['native_bf16'] else 'no'}",
           f"- TensorFlow {facts['tensorflow']}, Keras {facts['keras']}, Python {facts['python']}",
           f"- threads: {threads}",
           f"- 2048x2048 matmul peak, float32: {fp32['wall']:.0f} GFLOP/s (wall), {fp32['cpu']:.0f} GFLOP/s "
           "(per CPU-second)"]
  if bf16:
    lines.append(f"- 2048x2048 matmul, bfloat16: {bf16['wall']:.0f} GFLOP/s (wall), {bf16['cpu']:.0f} (per "
                 f"CPU-second): {bf16['cpu'] / fp32['cpu']:.2f}x float32")
  return lines + [""]


def training_section(rows, peaks: dict) -> List[str]:
  out = ["## Training step", "",
         "fit: `loop.train` with its callbacks (checkpoints, scalars, sample grids at the preset's cadence). "
         "bare: `tf.function(model.train_step)` on one in-memory batch, no XLA, no callbacks, no pipeline. "
         "pipeline: the same input pipeline alone. % of peak: GFLOP/s of the fit over the float32 matmul "
         "peak above. busy: CPU seconds per wall second of the fit.", ""]
  for clock, name in CLOCKS:
    out += [f"By {name}:", "",
            "| preset | widths | batch (img/step) | precision | options | GFLOP/img | fit img/s | % of peak | "
            "bare img/s | fit / bare | pipeline img/s | pipeline / fit | busy |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
      fit, bare, pipe = getattr(r.fit, clock), getattr(r.bare, clock), getattr(r.pipeline, clock)
      out.append(f"| {r.preset} | {r.widths} | {r.batch} ({r.images_per_step}) | {r.precision} | {r.options} | "
                 f"{r.gflop_per_image:.3g} | {_fmt(fit)} | {_pct(fit * r.gflop_per_image / peaks['float32'][clock])} | "
                 f"{_fmt(bare)} | {fit / bare:.2f} | {_fmt(pipe)} | {pipe / fit:.1f}x | {r.fit.busy:.2f} |")
    out.append("")
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
          "pipeline fill); rates are images consumed per second (a WGAN-GP step consumes n_critic batches).",
          "- GFLOP/img: TF's per-op float-op statistics (those `tf.profiler` reports: 2 per multiply-add) of the "
          "traced train step, over the ops the runtime executes (those the outputs and variable updates "
          "depend on), divided by the images a step consumes; nested functions counted per call.",
          "- Training data: a synthetic .npz at each preset's resolution and channels (random pixels), so "
          "every preset runs offline; real sources are timed in the pipeline table.", ""]


def write(path: str, *, command: str, facts: dict, peaks: dict, training, sources, evaluation, cache,
          draft: bool) -> str:
  title = "# Throughput" + (" (DRAFT: development measurements on a shared machine, not the reference run)"
                            if draft else "")
  fits = [r.fit.wall for r in training]
  lines = [title, "", "Written by `python -m tfgan_repro.bench`; regenerate it with the command below.", "",
           "```", command, "```", ""]
  lines += machine_section(facts, peaks)
  if training:
    lines += training_section(training, peaks)
  if sources:
    lines += sources_section(sources, max(fits) if fits else None)
  if evaluation or cache:
    lines += evaluation_section(evaluation, peaks, cache)
  text = "\n".join(lines + METHOD)
  import os
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  with open(path, "w") as f:
    f.write(text)
  return text
