"""`python -m tfgan_repro.bench`: throughput of the training step, the input pipeline and evaluation, written to
results/PERFORMANCE.md with the machine's facts and this command.

  python -m tfgan_repro.bench                                   # the default presets at their paper widths
  python -m tfgan_repro.bench --presets=began_fashion_mnist_32 --widths=16,32 --batch=16 --threads=1
  python -m tfgan_repro.bench --variants='steps_per_execution=1;steps_per_execution=8'   # A/B in one run
  python -m tfgan_repro.bench --presets=began_fashion_mnist_32:16:16@steps_per_execution=10,dcgan_celeba_64:64:64
  taskset -c 0 python -m tfgan_repro.bench --threads=1 ...      # one core, as a one-run-per-core campaign
  python -m tfgan_repro.bench --one_core=began_fashion_mnist_32:16:16   # + a one-core table in the same report
  python -m tfgan_repro.bench --one_core=began_fashion_mnist_32:16:16 --before=d8a0214 \
      --before_one_core=began_fashion_mnist_32:16:16   # + that case at revision d8a0214, end to end, same run

--one_core items are timed in a child process pinned to one core (`taskset -c --one_core_cpu`, one intra- and
one inter-op thread: what `tfgan_repro.campaign` gives each run), against a matmul peak measured by that child
on that core, after the main cases; the report holds both tables.

--before=REV times the --before_presets (all cores) and --before_one_core (one pinned core) items at git
revision REV and at this tree, both end to end through `python -m tfgan_repro.main` (perf/revision.py), so
the report's targets carry a before -> after figure from the same run. Each item must also be timed in
--presets / --one_core (its GFLOP per image comes from there).

--paired items (also timed in --presets) have their fit and bare step timed once more in alternating windows
of one process, --pairs of each (perf/paired.py): the report's DCGAN-64 target then also reads the median of
the per-pair ratios, which a slow spell of a shared machine moves less than a ratio of figures timed apart.

--stock_bare items (also timed in --presets) have their bare step timed once more in a child process that
imports TensorFlow before tfgan_repro, with no thread variables: TensorFlow's own CPU kernels and thread pools,
as a minimal Keras script of the same networks gets them (perf/stock.py). The report sets the fit beside that
bare step too.

This file only defines flags; the measuring lives in `tfgan_repro.perf`.
"""
import json
import os
import subprocess
import sys
import tempfile

from absl import app, flags

from tfgan_repro import _quiet
from tfgan_repro.perf import ChildFailed

DEFAULT_PRESETS = ("began_fashion_mnist_32", "began_skip_fashion_mnist_32", "dcgan_fashion_mnist_32",
                   "dcgan_celeba_64", "wgan_gp_fashion_mnist_96", "igan_fashion_mnist_96")

flags.DEFINE_list("presets", list(DEFAULT_PRESETS), "Presets (configs/ module names) to time, each optionally "
                  "name:width:batch@field=value+field=value (its own width, batch and config overrides).")
flags.DEFINE_list("widths", [], "Network widths to time each preset at (n for BEGAN, G and D widths otherwise); "
                  "empty: the preset's own (the paper's).")
flags.DEFINE_integer("batch", 0, "Batch size (0: the preset's).")
flags.DEFINE_integer("steps", 10, "Steps per timed window.")
flags.DEFINE_integer("repeats", 3, "Timed windows per figure (medians are over these).")
flags.DEFINE_float("window_seconds", 5.0, "Lengthen each timed window to about this many seconds (at least "
                   "--steps steps), sized on the bare step, so a fast step is not timed over a few milliseconds; "
                   "0: windows of exactly --steps steps.")
flags.DEFINE_integer("warmup", 3, "Untimed steps before the windows (tracing, pipeline fill).")
flags.DEFINE_list("precisions", ["false"], "--mixed_precision values to time each preset under.")
flags.DEFINE_string("variants", "", "';'-separated sets of 'field=value,...' config overrides, each timed "
                    "(e.g. 'jit_compile=false;jit_compile=true'); empty: the presets as they are.")
flags.DEFINE_integer("threads", 0, "TF intra-op threads (0: TensorFlow's default).")
flags.DEFINE_bool("sources", True, "Time the input pipeline per kind of source.")
flags.DEFINE_bool("evaluation", True, "Time feature extraction and the real-statistics cache.")
flags.DEFINE_string("out", "results/PERFORMANCE.md", "Where to write the report ('' : print only).")
flags.DEFINE_bool("draft", False, "Mark the report as a development draft, not a reference measurement.")
flags.DEFINE_integer("eval_batch", 0, "Batch of the feature networks (0: 500 for the classifier, 50 for Inception).")
flags.DEFINE_list("one_core", [], "Preset items (as --presets) also timed on one pinned core with one thread, as "
                  "a campaign lane runs them; the report gets a one-core table beside the main one.")
flags.DEFINE_integer("one_core_cpu", -1, "The core --one_core items are pinned to (-1: the last usable one).")
flags.DEFINE_list("profile", [], "Preset items (as --presets) whose bare step is traced with the TF profiler and "
                  "summed per op type (where a step's time goes); with --one_core, on that pinned core.")
flags.DEFINE_list("stock_bare", [], "Items (as --presets, also in --presets) whose bare step is also timed in a child "
                  "process with TensorFlow's own kernels and threads, as a minimal Keras script runs it.")
flags.DEFINE_list("paired", [], "Items (as --presets, also in --presets) whose fit and bare step are also timed in "
                  "alternating windows of one process, the ratio read pair by pair (perf/paired.py).")
flags.DEFINE_integer("pairs", 7, "(fit window, bare window) pairs of each --paired item.")
flags.DEFINE_string("before", "", "A git revision of this checkout (e.g. d8a0214) to time beside this tree, end "
                    "to end, for the --before_presets / --before_one_core items.")
flags.DEFINE_list("before_presets", [], "Items (as --presets, also in --presets) timed at --before and at this "
                  "tree on all cores.")
flags.DEFINE_list("before_one_core", [], "Items (as --presets, also in --one_core) timed at --before and at this "
                  "tree on the --one_core_cpu core with one thread.")
flags.DEFINE_integer("before_steps", 200, "Timed steps of each end-to-end before / after run (on top of "
                     "--before_warmup).")
flags.DEFINE_float("before_seconds", 0.0, "If > 0, each end-to-end before / after case times about this many "
                   "seconds of this tree's steps (read off its fit in this run), at most --before_steps steps, so "
                   "a paper-width case costs no more than a small one; its warm-up run shrinks with it.")
flags.DEFINE_integer("before_warmup", 20, "Steps of the short end-to-end run whose time is subtracted.")
flags.DEFINE_integer("before_repeats", 0, "Repeats of each before / after pair of runs (0: --repeats). Each repeat "
                     "trains 2 x (warmup + steps) steps per side, so a slow CPU may want fewer.")
flags.DEFINE_string("rows_json", "", "Also write the training rows and matmul peaks as JSON here (used by the "
                    "one-core child process).")
FLAGS = flags.FLAGS


def parse_case(item: str, widths, batch: int) -> list:
  """'name[:width[:batch]][@f=v+f=v]' -> [(name, width, batch, {f: v})], one per width of `widths` when the
  item names none."""
  head, _, extra = item.strip().partition("@")
  parts = head.split(":")
  if not parts[0] or len(parts) > 3 or not all(p.isdigit() for p in parts[1:]):
    raise ValueError(f"--presets items are name[:width[:batch]][@field=value+...]; got {item!r}.")
  overrides = parse_variants(extra.replace("+", ","))[0]
  own_batch = int(parts[2]) if len(parts) > 2 else batch
  own_widths = [int(parts[1])] if len(parts) > 1 else ([int(w) for w in widths] or [0])
  return [(parts[0], w, own_batch, overrides) for w in own_widths]


def parse_variants(text: str) -> list:
  """'a=1,b=2;a=3' -> [{'a': '1', 'b': '2'}, {'a': '3'}]; '' -> [{}]."""
  variants = []
  for part in (p.strip() for p in text.split(";")):
    fields = {}
    for item in (i.strip() for i in part.split(",") if i.strip()):
      key, sep, value = item.partition("=")
      if not sep or not key:
        raise ValueError(f"--variants takes 'field=value' pairs separated by ',' and ';'; got {item!r}.")
      fields[key.strip()] = value.strip()
    variants.append(fields)
  return [v for v in variants if v] or [{}]


def _time_case(name, width, batch, overrides, threads, work, **timing):
  """One training row: bare step, pipeline and fit of `name` at `width` / `batch` with `overrides`; `timing`
  is measure_preset's steps, repeats, warmup and seconds."""
  from tfgan_repro.perf import training
  shown = {k: v for k, v in overrides.items() if k not in ("mixed_precision", "jit_compile", "steps_per_execution")}
  config = training.case_config(name, width, batch, overrides, threads, work)
  row = training.measure_preset(name, config, work, **timing)
  if shown:
    row = row._replace(options=row.options + ", " + ", ".join(f"{k}={v}" for k, v in shown.items()))
  print(f"{row.preset} {row.widths} batch {row.batch} {row.precision} [{row.options}]: fit {row.fit.wall:.1f} img/s "
        f"({row.fit.cpu:.1f} per CPU-s), bare {row.bare.wall:.1f}, pipeline {row.pipeline.wall:.0f}, "
        f"{row.gflop_per_image:.3f} GFLOP/img", flush=True)
  training.release_case()
  return row


def _paired_case(name, width, batch, overrides, threads, work, **timing):
  """perf.paired.PairedRow of one preset case: fit and bare step in alternating windows."""
  from tfgan_repro.perf import paired, training
  config = training.case_config(name, width, batch, overrides, threads, work)
  row = paired.measure(name, config, work, **timing)
  print(f"paired {row.preset} {row.widths} batch {row.batch} {row.precision}: fit / bare "
        + ", ".join(f"{r:.3f}" for r in row.ratios) + f" (median {row.median_ratio:.3f}x, {row.steps} steps a window)",
        flush=True)
  training.release_case()
  return row


def _profile_case(name, width, batch, overrides, threads, work):
  """(label, perf.profile.Breakdown) of the bare step of one preset case."""
  from tfgan_repro import gans
  from tfgan_repro.perf import profile, training
  from tfgan_repro.training import loop, runtime
  config = training.case_config(name, width, batch, overrides, threads, work)
  model = gans.build(config, loop.channels_of(config), runtime.configure_precision(config.mixed_precision))
  batch_data = next(iter(training._dataset(config, model)))
  found = profile.breakdown(config, model, batch_data, steps=10, warmup=3)
  label = f"{name} {training.describe_widths(config)} batch {config.batch_size}, threads {threads or 'default'}"
  print(f"profile {label}: {found.python_ms:.1f} ms/step from Python, {found.executor_ms:.1f} in the executor, "
        f"{found.ops_ms:.1f} in {found.ops_per_step:.0f} ops", flush=True)
  training.release_case()
  return label, found


def one_core_rows(items, *, cpu: int, steps: int, repeats: int, warmup: int, precisions, profile=(),
                  seconds: float = 0.0) -> tuple:
  """([StepFigures], float32 peak {"wall", "cpu"}, [(label, Breakdown)]) of `items` (and the `profile` items)
  timed by a child bench pinned to core `cpu` with one intra- and one inter-op thread."""
  from tfgan_repro.perf import profile as profile_lib, training
  if cpu < 0:
    cpu = sorted(os.sched_getaffinity(0))[-1]
  with tempfile.TemporaryDirectory(prefix="tfgan_bench_core_") as tmp:
    path = os.path.join(tmp, "rows.json")
    cmd = ["taskset", "-c", str(cpu), sys.executable, "-m", "tfgan_repro.bench", "--threads=1",
           f"--presets={','.join(items)}", f"--steps={steps}", f"--repeats={repeats}", f"--warmup={warmup}",
           f"--window_seconds={seconds:g}", f"--precisions={','.join(precisions)}", "--nosources", "--noevaluation", "--out=", f"--rows_json={path}",
           f"--profile={','.join(profile)}"]
    env = dict(os.environ, TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
    print(f"one core: {' '.join(cmd[3:])} on core {cpu}", flush=True)
    if subprocess.call(cmd, env=env) != 0 or not os.path.isfile(path):
      raise ChildFailed(f"The one-core bench on core {cpu} failed (its output is above).")
    with open(path) as f:
      got = json.load(f)
  return ([training.StepFigures.from_json(r) for r in got["rows"]], dict(got["peak"], cpu_index=cpu),
          [(label, profile_lib.Breakdown.from_json(b)) for label, b in got["profiles"]])


def _before_cases(before, before_presets, before_one_core, presets, one_core, widths, batch):
  """([cases on all cores], [cases on one core]) of the --before items; ValueError if an item is not also timed
  where its GFLOP per image is read, or if items are given without a revision (or a revision without items)."""
  if bool(before) != bool(list(before_presets) + list(before_one_core)):
    raise ValueError("--before needs --before_presets and/or --before_one_core items, and they need --before.")
  return [_cases_also_in(items, timed, widths, batch, f"--before item {{}} is not timed in {flag} (its GFLOP per "
                         "image comes from there); add it there too.")
          for items, timed, flag in ((before_presets, presets, "--presets"), (before_one_core, one_core, "--one_core"))]


def _cases_also_in(items, timed, widths, batch, message: str) -> list:
  """The cases of `items`; ValueError(`message` with the case as name:width:batch) for one that is not also
  a case of the `timed` items."""
  key = lambda c: tuple(c[:3]) + (tuple(sorted(c[3].items())),)
  known = {key(c) for item in timed for c in parse_case(item, widths, batch)}
  cases = [c for item in items for c in parse_case(item, widths, batch)]
  for c in cases:
    if key(c) not in known:
      raise ValueError(message.format(f"{c[0]}:{c[1]}:{c[2]}"))
  return cases


def _step_estimates(cases, rows, one_core: bool) -> dict:
  """{(name, width, batch, one_core): seconds per step of this tree's fit} of `cases`, read off the float32
  training `rows` of the same preset, widths and batch in this run."""
  from tfgan_repro.perf import training
  out = {}
  for name, width, batch, overrides in cases:
    config = training.preset_config(name, width, batch, overrides)
    same = [r for r in rows if (r.preset, r.widths, r.batch, r.precision) ==
            (name, training.describe_widths(config), config.batch_size, "float32") and r.fit.wall > 0]
    if same:
      out[(name, width, batch, one_core)] = same[0].images_per_step / same[0].fit.wall
  return out


def run(*, presets, widths, batch, steps, repeats, warmup, precisions, variants, threads, sources, evaluation,
        out, draft, command, eval_batch: int = 0, one_core=(), one_core_cpu: int = -1, rows_json: str = "",
        profile=(), before: str = "", before_presets=(), before_one_core=(), before_steps: int = 200,
        before_warmup: int = 20, before_repeats: int = 0, before_seconds: float = 0.0,
        window_seconds: float = 0.0, stock_bare=(), paired=(), pairs: int = 7) -> str:
  """Times everything asked for, prints a line per figure and returns (and writes to `out`) the report."""
  from tfgan_repro.training import runtime
  from tfgan_repro.perf import revision, stock
  stock_cases = _cases_also_in(stock_bare, presets, widths, batch, "--stock_bare item {} is not timed in --presets "
                               "(the fit it is set beside comes from there); add it there too.")
  paired_cases = _cases_also_in(paired, presets, widths, batch, "--paired item {} is not timed in --presets (its "
                                "figures are set beside the fit there); add it there too.")
  if paired_cases and pairs < 1:
    raise ValueError(f"--pairs must be at least 1; got {pairs}.")
  before_cases = _before_cases(before, before_presets, before_one_core, presets, one_core, widths, batch)
  if before:
    before = revision.resolve(before)  # a bad revision fails here, before anything is timed
  runtime.configure_threads(threads)  # before TensorFlow runs anything
  from tfgan_repro.perf import evaluation as eval_lib, machine, pipeline, report, training
  facts = machine.describe()
  peaks = {"float32": machine.matmul_peak("float32"), "bfloat16": machine.matmul_peak("bfloat16")}
  machine.save_bf16_speed(peaks["bfloat16"]["cpu"] / peaks["float32"]["cpu"])
  print(f"matmul peak: float32 {peaks['float32']['wall']:.0f} GFLOP/s, bfloat16 {peaks['bfloat16']['wall']:.0f}",
        flush=True)
  work = tempfile.mkdtemp(prefix="tfgan_bench_")
  cases = [case for item in presets for case in parse_case(item, widths, batch)]
  rows = [_time_case(name, width, own_batch, {"mixed_precision": precision, **variant, **overrides}, threads, work,
                     steps=steps, repeats=repeats, warmup=warmup, seconds=window_seconds)  # an item's own wins
          for name, width, own_batch, overrides in cases for precision in precisions for variant in variants]
  profiles = [] if one_core else [_profile_case(name, width, own_batch, overrides, threads, work)
                                  for item in profile for name, width, own_batch, overrides in
                                  parse_case(item, widths, batch)]
  stock_run = None
  if stock_cases:
    stock_run = stock.measure([(name, width, own_batch, {"mixed_precision": "false", **overrides})
                               for name, width, own_batch, overrides in stock_cases], work, steps=steps,
                              repeats=repeats, warmup=warmup, seconds=window_seconds)
  paired_rows = [_paired_case(name, width, own_batch, {"mixed_precision": precision, **overrides}, threads, work,
                              steps=steps, pairs=pairs, warmup=warmup, seconds=window_seconds)
                 for name, width, own_batch, overrides in paired_cases for precision in precisions]
  if rows_json:
    with open(rows_json, "w") as f:
      json.dump({"rows": [r.to_json() for r in rows], "peak": peaks["float32"],
                 "profiles": [(label, b.to_json()) for label, b in profiles]}, f)
  single, single_peak = [], None
  if one_core:
    single, single_peak, profiles = one_core_rows(one_core, cpu=one_core_cpu, steps=steps, repeats=repeats,
                                                  warmup=warmup, precisions=precisions, profile=profile,
                                                  seconds=window_seconds)
  revisions = []
  groups = [(items, alone) for items, alone in ((before_cases[0], False), (before_cases[1], True)) if items]
  if groups:  # one worktree of the earlier revision for both groups
    revisions = revision.compare(before, groups,
                                 cpu=one_core_cpu if one_core_cpu >= 0 else sorted(os.sched_getaffinity(0))[-1],
                                 steps=before_steps, warmup=before_warmup, repeats=before_repeats or repeats,
                                 work=work, seconds=before_seconds,
                                 estimates={**_step_estimates(before_cases[0], rows, False),
                                            **_step_estimates(before_cases[1], single, True)})
  source_rows = []
  if sources:
    npz = training.synthetic_npz(work, 32, 3)
    source_rows = pipeline.measure_sources(work, npz, 32, 64, steps=steps, repeats=repeats, warmup=warmup)
    for r in source_rows:
      print(f"pipeline {r.source}: {r.rate.wall:.0f} img/s", flush=True)
  eval_rows, cache = [], None
  if evaluation:
    net = eval_lib.classifier()
    if net is not None:
      eval_rows.append(eval_lib.feature_rate(net, 32, 1, eval_batch or 500, repeats=repeats, warmup=1,
                                             label="32x32x1 -> 28x28x1"))
      cache = eval_lib.cache_reuse(net, training.synthetic_npz(work, 32, 1), tempfile.mkdtemp(dir=work),
                                   num_images=1000)
    eval_rows.append(eval_lib.feature_rate(eval_lib.inception_random(), 64, 3, eval_batch or 50, repeats=repeats,
                                           warmup=1, label="64x64x3 -> 299x299x3"))
    for r in eval_rows:
      print(f"features {r.network}: {r.rate.wall:.1f} img/s, {r.gflop_per_image:.2f} GFLOP/img", flush=True)
  text = report.write(out, command=command, facts=facts, peaks=peaks, training=rows, sources=source_rows,
                      evaluation=eval_rows, cache=cache, draft=draft, one_core=single,
                      one_core_peak=single_peak, profiles=profiles, revisions=revisions,
                      stock_run=stock_run, paired_rows=paired_rows) if out else ""
  if out:
    print(f"Wrote {out}", flush=True)
  return text


def main(argv):
  if len(argv) > 1:
    print(f"error: unexpected arguments {argv[1:]}", file=sys.stderr)
    return 2
  try:
    run(presets=FLAGS.presets, widths=FLAGS.widths, batch=FLAGS.batch, steps=FLAGS.steps, repeats=FLAGS.repeats,
        warmup=FLAGS.warmup, precisions=FLAGS.precisions, variants=parse_variants(FLAGS.variants),
        threads=FLAGS.threads, sources=FLAGS.sources, evaluation=FLAGS.evaluation, out=FLAGS.out,
        draft=FLAGS.draft, eval_batch=FLAGS.eval_batch, one_core=FLAGS.one_core, one_core_cpu=FLAGS.one_core_cpu,
        rows_json=FLAGS.rows_json, profile=FLAGS.profile, before=FLAGS.before, before_presets=FLAGS.before_presets,
        before_one_core=FLAGS.before_one_core, before_steps=FLAGS.before_steps, before_warmup=FLAGS.before_warmup,
        before_repeats=FLAGS.before_repeats, before_seconds=FLAGS.before_seconds,
        window_seconds=FLAGS.window_seconds, stock_bare=FLAGS.stock_bare, paired=FLAGS.paired, pairs=FLAGS.pairs,
        command="python -m tfgan_repro.bench " + " ".join(sys.argv[1:]))
  except ValueError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  except ChildFailed as e:  # the child printed its own error; no traceback of this process on top
    print(f"error: {e}", file=sys.stderr)
    return 1
  return 0


if __name__ == "__main__":
  _quiet.cli()
  app.run(main)
