"""CI-sized run of `python -m tfgan_repro.bench`: a few steps of two small presets, one pipeline per source,
both feature networks. It checks that the report is written and every figure in it is positive; it asserts no
speed (the machines are shared and noisy; the numbers live in results/PERFORMANCE.md)."""
import re
import subprocess
import sys

import pytest

from tfgan_repro import bench
from tfgan_repro.perf import stock

NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[-+]?\d+)?(x|%)?$")


def table_rows(text, header_start):
  """Data rows (lists of cells) of every Markdown table whose header starts with `header_start`."""
  rows, inside = [], False
  for line in text.splitlines():
    if line.startswith(header_start):
      inside = True
      continue
    if inside and line.startswith("|---"):
      continue
    if inside and line.startswith("|"):
      rows.append([c.strip() for c in line.strip("|").split("|")])
    else:
      inside = False
  return rows


def test_bench_writes_every_figure(tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_REPRO_CACHE", str(tmp_path / "cache"))
  out = tmp_path / "PERFORMANCE.md"
  text = bench.run(presets=["began_fashion_mnist_32", "dcgan_fashion_mnist_32"], widths=["4"], batch=4, steps=2,
                   repeats=2, warmup=1, precisions=["false"], variants=[{}], threads=0, sources=True,
                   evaluation=True, out=str(out), draft=True, command="python -m tfgan_repro.bench (test)",
                   eval_batch=2, one_core=["began_fashion_mnist_32:4:4"], profile=["began_fashion_mnist_32:4:4"],
                   stock_bare=["dcgan_fashion_mnist_32"], paired=["dcgan_fashion_mnist_32"], pairs=2)
  assert out.read_text() == text
  for heading in ("## Machine", "## Issue 13's targets in this run", "## Training step", "## One core",
                  "## Input pipeline by source", "## Evaluation"):
    assert heading in text
  training = table_rows(text, "| preset | widths | batch (img/step) | precision | options |")
  assert len(training) == 6  # two presets and the one-core one, by wall clock and by CPU time
  stock_section = text[text.index("## The bare step as a minimal Keras script"):
                       text.index("## The fit and the bare step in alternating windows")]
  stock_rows = table_rows(stock_section, "| preset |")
  assert [r[:4] for r in stock_rows] == [["dcgan_fashion_mnist_32", "G 4 / D 4", "4 (4)", "float32"]] * 2
  # The child runs the kernels a plain `import tensorflow` process gets here, whatever tfgan_repro chose.
  plain = subprocess.run([sys.executable, "-c", "import tensorflow; from tensorflow.python.util import "
                          "_pywrap_util_port as p; print(bool(p.IsMklEnabled()))"], env=stock.child_env(),
                         capture_output=True, text=True, check=True).stdout.split()[-1]
  assert f"oneDNN CPU kernels {'on' if plain == 'True' else 'off'} (" in stock_section
  assert all(r[-1] == "2 x 2" for r in training)  # --steps=2 per window (no --window_seconds), --repeats=2
  paired = text[text.index("## The fit and the bare step in alternating windows"):text.index("## One core")]
  assert "dcgan_fashion_mnist_32 G 4 / D 4, batch 4 (4 img/step), float32" in paired
  paired_rows = table_rows(paired, "| pair |")
  assert [r[0] for r in paired_rows] == ["1", "2", "median"]  # --pairs=2
  ratios = [float(r[3].rstrip("x")) for r in paired_rows]
  for r, ratio in zip(paired_rows[:2], ratios):  # each pair's ratio is its fit over its bare rate (rounded)
    assert ratio == pytest.approx(float(r[1]) / float(r[2]), rel=0.1), r
  assert ratios[2] == pytest.approx((ratios[0] + ratios[1]) / 2, abs=2e-3)  # the median of the pairs' ratios
  one_core = text[text.index("## One core"):text.index("## Input pipeline")]
  assert re.search(r"pinned to core \d+ .* own 2048x2048 float32 matmul, \d+ GFLOP/s", one_core)
  assert "threads 1" in one_core and "| began_fashion_mnist_32 | n=4 | 4 (4) |" in one_core
  profiled = text[text.index("## Where a step's time goes"):text.index("## Input pipeline")]
  assert "began_fashion_mnist_32 n=4 batch 4, threads 1:" in profiled
  op_rows = table_rows(profiled, "| op type |")
  assert len(op_rows) >= 3 and all(float(r[1]) >= 0 and 0 <= float(r[2].rstrip("%")) <= 100 for r in op_rows)
  assert any("Conv2D" in r[0] for r in op_rows)  # BEGAN's step is convolutions first
  targets = table_rows(text, "| target |")
  # n=4 is neither target width, the DCGAN-64 row was not asked for: each says so; the sources have figures
  assert [r[1] for r in targets[:3]] == ["not timed"] * 3 and all(r[2] == "-" for r in targets[:3])
  assert any(r[0].startswith("input pipeline, image folder") and r[2] in ("yes", "no") for r in targets)
  sources = table_rows(text, "| source |")
  assert len(sources) >= 2 and any(r[0].startswith("image folder") for r in sources)
  evaluation = table_rows(text, "| network |")
  assert [r[0] for r in evaluation] == ["classifier", "keras_inception"]
  for row in training + stock_rows + paired_rows + sources + evaluation:
    figures = [c for c in row if NUMBER.match(c)]
    assert figures, row
    for cell in figures:
      assert float(cell.rstrip("x%")) > 0, row
  assert "nan" not in text.lower() and "inf " not in text
  assert re.search(r"matmul peak, float32: \d+ GFLOP/s", text)
  assert "computed in" in text and "read back from the cache" in text


def test_cases_parse():
  assert bench.parse_case("began_fashion_mnist_32", ["16", "32"], 8) == [
      ("began_fashion_mnist_32", 16, 8, {}), ("began_fashion_mnist_32", 32, 8, {})]
  assert bench.parse_case("dcgan_celeba_64:64:32@reuse_fake=true+steps_per_execution=4", [], 0) == [
      ("dcgan_celeba_64", 64, 32, {"reuse_fake": "true", "steps_per_execution": "4"})]
  with pytest.raises(ValueError, match="--presets items are name"):
    bench.parse_case("dcgan_celeba_64:wide", [], 0)


def test_variants_parse():
  assert bench.parse_variants("") == [{}]
  assert bench.parse_variants("jit_compile=true,threads=1;jit_compile=false") == [
      {"jit_compile": "true", "threads": "1"}, {"jit_compile": "false"}]
  with pytest.raises(ValueError, match="field=value"):
    bench.parse_variants("jit_compile")


def test_before_items_must_be_timed_where_their_gflop_come_from_and_need_a_revision():
  ok = bench._before_cases("HEAD", [], ["began_fashion_mnist_32:16:16"], [], ["began_fashion_mnist_32:16:16"], [], 0)
  assert ok == [[], [("began_fashion_mnist_32", 16, 16, {})]]
  with pytest.raises(ValueError, match="not timed in --one_core"):
    bench._before_cases("HEAD", [], ["began_fashion_mnist_32:32:16"], [], ["began_fashion_mnist_32:16:16"], [], 0)
  with pytest.raises(ValueError, match="needs --before_presets"):
    bench._before_cases("HEAD", [], [], [], [], [], 0)
  with pytest.raises(ValueError, match="they need --before"):
    bench._before_cases("", ["dcgan_celeba_64:64:64"], [], ["dcgan_celeba_64:64:64"], [], [], 0)


def test_a_step_is_the_median_time_of_the_extra_steps_with_the_sides_taking_turns(monkeypatch, tmp_path):
  from tfgan_repro.perf import revision, training
  calls = []

  def fake_run(tree, flags, env, cpu):  # 7 s of start-up, then 0.25 s (CPU 0.5 s) per step; one slow stretch
    steps = int([f for f in flags if f.startswith("--steps=")][0].split("=")[1])
    calls.append((tree, steps, cpu))
    slow = 2.0 if len(calls) in (5, 6) else 1.0  # the second repeat's first side
    per = 0.25 if tree == "NEW" else 0.5
    return revision.Seconds(7.0 + per * steps * slow, 1.0 + 2 * per * steps)

  monkeypatch.setattr(revision, "_one_run", fake_run)
  config = training.preset_config("began_fashion_mnist_32", 16, 16)
  got = revision.pair_seconds({"before": "OLD", "after": "NEW"}, "began_fashion_mnist_32", config, "data.npz", {},
                              steps=100, warmup=10, repeats=3, env={}, cpu=1, work=str(tmp_path))
  assert got == {"before": revision.Seconds(0.5, 1.0), "after": revision.Seconds(0.25, 0.5)}  # the median drops it
  # before, after; after, before; before, after: a slow stretch of the machine does not always hit one side
  assert [c[0] for c in calls[::2]] == ["OLD", "NEW", "NEW", "OLD", "OLD", "NEW"]
  assert [c[1] for c in calls] == [10, 110] * 6 and all(c[2] == 1 for c in calls)
  assert got["after"].busy == 2.0 and revision.Seconds(1.0, 0.5).busy == 0.5
  flags = revision.main_flags("began_fashion_mnist_32", config, "data.npz", 5, "W", {"gamma": "0.7"})
  assert "--width=16" in flags and "--batch_size=16" in flags and "--gamma=0.7" in flags
  assert f"--sample_every={revision.NEVER}" in flags and f"--log_every={config.log_every}" in flags


def test_an_even_number_of_repeats_takes_the_mean_of_the_middle_two(monkeypatch, tmp_path):
  # A median of two that took the larger one let a single slow repeat decide the figure.
  from tfgan_repro.perf import revision, training
  walls = iter([0.0, 10.0, 0.0, 30.0])  # per-step seconds 0.1 and 0.3 from two repeats of 100 steps

  def fake_run(tree, flags, env, cpu):
    w = next(walls)
    return revision.Seconds(w, w)

  monkeypatch.setattr(revision, "_one_run", fake_run)
  config = training.preset_config("began_fashion_mnist_32", 16, 16)
  got = revision.pair_seconds({"after": "NEW"}, "began_fashion_mnist_32", config, "data.npz", {}, steps=100,
                              warmup=10, repeats=2, env={}, cpu=None, work=str(tmp_path))
  assert got["after"].wall == pytest.approx(0.2)


def test_a_time_budget_sets_each_cases_steps_from_this_trees_step_time():
  from tfgan_repro.perf import revision
  assert revision.steps_for(30.0, 0.2, most=200) == 150
  assert revision.steps_for(30.0, 6.0, most=200) == 5
  assert revision.steps_for(30.0, 60.0, most=200) == 3     # at least 3 timed steps, however slow the case
  assert revision.steps_for(30.0, 0.01, most=200) == 200   # at most --before_steps
  assert revision.steps_for(0.0, 0.2, most=200) == 200     # no budget: --before_steps
  assert revision.steps_for(30.0, None, most=200) == 200   # no estimate: --before_steps


def test_the_time_budget_reads_this_trees_step_time_off_the_float32_fit_of_the_same_case():
  from tfgan_repro.perf import timing, training
  rate = lambda x: timing.Rate(x, x, 1.0, 3)
  fit = lambda precision, img_s: training.StepFigures("began_fashion_mnist_32", "n=16", 16, 16, precision, "jit auto",
                                                      0.5, rate(img_s), rate(img_s), rate(1e5))
  rows = [fit("mixed_bfloat16", 160.0), fit("float32", 80.0)]
  cases = [("began_fashion_mnist_32", 16, 16, {}), ("began_fashion_mnist_32", 32, 16, {})]
  # 16 images a step at 80 img/s: 0.2 s a step; n=32 was not timed, so it has no estimate
  assert bench._step_estimates(cases, rows, True) == {("began_fashion_mnist_32", 16, 16, True): 0.2}


def test_the_report_sets_each_target_beside_its_before_and_after(tmp_path):
  from tfgan_repro.perf import report, revision, timing, training
  rate = lambda x: timing.Rate(x, x, 1.0, 3)
  # one-core BEGAN n=16: 0.02 GFLOP/img x 16 img/step = 0.32 GFLOP/step; 10 ms/step before, 4 ms/step after
  row = training.StepFigures("began_fashion_mnist_32", "n=16", 16, 16, "float32", "jit auto", 0.02, rate(3000.0),
                             rate(3200.0), rate(1e5))
  b = revision.RevisionRow("began_fashion_mnist_32", "n=16", 16, "one core", "abc123", revision.Seconds(0.010, 0.01),
                           revision.Seconds(0.004, 0.004), 150)
  peak = {"wall": 100.0, "cpu": 100.0}
  write = lambda revisions: report.write(str(tmp_path / "P.md"), command="c", facts={
      "cpu": "x", "usable_cores": 1, "logical_cpus": 1, "precision_flags": [], "native_bf16": False,
      "tensorflow": "t", "keras": "k", "python": "p", "threads": {}}, peaks={"float32": peak}, training=[],
      sources=[], evaluation=[], cache=None, draft=True, one_core=[row], one_core_peak=peak, revisions=revisions)
  text = write([b])
  target = [r for r in table_rows(text, "| target |") if r[0].startswith("BEGAN-32 n=16")][0]
  assert target[3] == "32% -> 80%"  # 0.32 GFLOP in 10 ms = 32 GFLOP/s; in 4 ms = 80, of a 100 GFLOP/s core
  table = table_rows(text, "| preset | widths | batch | where |")
  assert table == [["began_fashion_mnist_32", "n=16", "16", "one core", "150", "10.0", "4.0", "2.50x", "32%", "80%",
                    "0.010 -> 0.004", "1.00 -> 1.00"]]
  assert "## Before / after: revision abc123 against this tree" in text
  # A before side that got 6 ms of CPU in 10 ms of wall time per step waited for its pinned core: the pair
  # is shown, but marked as not quotable, in both tables.
  waited = b._replace(before_step_s=revision.Seconds(0.010, 0.006))
  assert waited.waited() and not b.waited()
  text = write([waited])
  target = [r for r in table_rows(text, "| target |") if r[0].startswith("BEGAN-32 n=16")][0]
  assert target[3] == "32% -> 80% (runs waited: not quotable)"
  assert table_rows(text, "| preset | widths | batch | where |")[0][7] == "2.50x (runs waited: not quotable)"


def test_dcgan_64s_fit_is_set_beside_both_bare_steps(tmp_path):
  # The fit against the same-kernel bare step, and against the bare step a minimal Keras script gets from
  # TensorFlow's own kernels (a child process): two targets, each read off its own bare step.
  from tfgan_repro.perf import report, timing, training
  rate = lambda x: timing.Rate(x, x / 2, 2.0, 3, 12)
  row = training.StepFigures("dcgan_celeba_64", "G 64 / D 64", 64, 64, "float32", "jit auto", 1.0, rate(52.0),
                             rate(50.0), rate(1e4))
  run = stock.StockRun([stock.StockRow("dcgan_celeba_64", "G 64 / D 64", 64, 64, "float32", rate(26.0))],
                       {"onednn": False, "reason": "TensorFlow's default on this CPU"}, {"intra_op": 0, "inter_op": 0})
  found = {t[0].split(":")[1].split("(")[0].strip(): t[1:3]
           for t in report.targets([row], {"float32": {"wall": 100.0, "cpu": 50.0}}, [], None, [], stock_run=run)
           if t[0].startswith("DCGAN-64")}
  assert found == {
      "fit >= 1.10x the bare step as a minimal Keras script runs it on this CPU, TensorFlow's default kernels and "
      "threads": ("2.00x (52 vs 26 img/s)", True),
      "fit >= 1.10x the bare step on the same kernels and threads": ("1.04x (52 vs 50 img/s)", False)}
  text = "\n".join(report.stock_section(run, [row]))
  assert "oneDNN CPU kernels off (TensorFlow's default on this CPU)" in text
  assert "By CPU time of each process (the child's for the minimal script):" in text
  assert table_rows(text, "| preset |") == [  # by wall clock, then by CPU time (half the rate here)
      ["dcgan_celeba_64", "G 64 / D 64", "64 (64)", "float32", "26", "50", "52", "2.00x", "1.92x", "12 x 3"],
      ["dcgan_celeba_64", "G 64 / D 64", "64 (64)", "float32", "13", "25", "26", "2.00x", "1.92x", "12 x 3"]]
  # Without a stock row of the same case, only the same-kernel target is given.
  other = run._replace(rows=[run.rows[0]._replace(batch=32)])
  assert [t[0] for t in report.targets([row], {"float32": {"wall": 100.0}}, [], None, [], stock_run=other)
          if t[0].startswith("DCGAN-64")] == [
      "DCGAN-64 ngf = ndf = 64 batch 64: fit >= 1.10x the bare step on the same kernels and threads (float32, jit auto)"]


def test_the_paired_figure_is_the_median_of_the_per_pair_ratios(tmp_path):
  # Not the ratio of the two medians: here the fit's median (60) over the bare's (55) would read 1.09x, and
  # the pairs (each fit window beside the bare window after it) read 1.20x, 1.00x, 1.25x: median 1.20x.
  from tfgan_repro.perf import paired, report, timing, training
  rate = lambda x: timing.Rate(x, x, 1.0, 3, 12)
  row = training.StepFigures("dcgan_celeba_64", "G 64 / D 64", 64, 64, "float32", "jit auto", 1.0, rate(52.0),
                             rate(50.0), rate(1e4))
  p = paired.PairedRow("dcgan_celeba_64", "G 64 / D 64", 64, 64, "float32", "jit auto", 12, [60.0, 50.0, 75.0],
                       [50.0, 50.0, 60.0])
  assert p.median_ratio == pytest.approx(1.20)
  found = [t[1:3] for t in report.targets([row], {"float32": {"wall": 100.0}}, [], None, [], paired_rows=[p])
           if "alternating windows" in t[0]]
  assert found == [("1.20x (pairs 1.00-1.25x)", True)]
  # A paired row of another case (batch 32) is not read into the batch-64 target.
  assert not [t for t in report.targets([row], {"float32": {"wall": 100.0}}, [], None, [],
                                        paired_rows=[p._replace(batch=32)]) if "alternating windows" in t[0]]
  text = "\n".join(report.paired_section([p]))
  assert table_rows(text, "| pair |") == [["1", "60", "50", "1.200x"], ["2", "50", "50", "1.000x"],
                                          ["3", "75", "60", "1.250x"], ["median", "60", "50", "1.200x"]]


def test_the_paired_windows_leave_the_bare_windows_out_of_the_fits():
  # Batch ends of a fit with a fake clock: 2 warm-up steps, then windows of 3 steps. Each fit step costs 1 s and
  # each bare step 10 s; a fit window must hold 3 s of fit steps and none of the bare windows before it.
  from tfgan_repro.perf import paired
  clock = [0.0]
  calls = []

  def bare_window(n=3):
    calls.append(n)
    clock[0] += 10.0 * n
    return 10.0 * n

  alternate = paired._Alternate(bare_window, warmup=2, window=3, pairs=2, clock=lambda: clock[0])
  for batch in range(2 + 3 * 3):  # warm-up, two pairs and one window more (the run's end)
    clock[0] += 1.0
    alternate.on_train_batch_end(batch)
  assert alternate.fit_s == [3.0, 3.0] and alternate.bare_s == [30.0, 30.0]
  assert calls == [2, 3, 3]  # untimed bare steps at the end of the warm-up, then one window per pair


def test_paired_items_must_also_be_timed_in_presets():
  with pytest.raises(ValueError, match="--paired item dcgan_celeba_64:64:32 is not timed in --presets"):
    bench.run(presets=["dcgan_celeba_64:64:64"], widths=[], batch=0, steps=1, repeats=1, warmup=0,
              precisions=["false"], variants=[{}], threads=0, sources=False, evaluation=False, out="", draft=True,
              command="c", paired=["dcgan_celeba_64:64:32"])


def test_stock_items_must_also_be_timed_in_presets():
  with pytest.raises(ValueError, match="--stock_bare item dcgan_celeba_64:64:32 is not timed in --presets"):
    bench.run(presets=["dcgan_celeba_64:64:64"], widths=[], batch=0, steps=1, repeats=1, warmup=0,
              precisions=["false"], variants=[{}], threads=0, sources=False, evaluation=False, out="", draft=True,
              command="c", stock_bare=["dcgan_celeba_64:64:32"])


def test_the_stock_child_starts_from_the_users_environment(monkeypatch):
  from tfgan_repro import _kernels
  env = {"PATH": "/bin", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", _kernels.ENV: "1",
         _kernels.MARK: "1"}
  assert stock.child_env(env) == {"PATH": "/bin", "TF_CPP_MIN_LOG_LEVEL": "2"}  # what tfgan_repro set is gone
  mine = {"PATH": "/bin", _kernels.ENV: "0", "TF_CPP_MIN_LOG_LEVEL": "0"}
  assert stock.child_env(mine) == mine  # the user's own choice stays
  assert stock.kernels_reason(mine) == f"{_kernels.ENV}=0 as set in the user's environment"
  assert stock.kernels_reason({}) == f"TensorFlow's default on this CPU, {_kernels.ENV} unset"


def test_a_failed_stock_child_is_one_error_not_a_traceback(tmp_path, monkeypatch, capsys):
  from tfgan_repro.perf import ChildFailed
  monkeypatch.setattr(stock, "CHILD_CODE", "import sys; sys.stderr.write('child: no such preset\\n'); sys.exit(3)")
  with pytest.raises(ChildFailed, match=r"exit 3; its output is above"):
    stock.measure([("dcgan_celeba_64", 64, 64, {})], str(tmp_path), steps=1, repeats=1, warmup=0)
  assert "child: no such preset" in capsys.readouterr().err  # the child's own words reach the user
  monkeypatch.setattr(bench, "run", lambda **kw: (_ for _ in ()).throw(ChildFailed("The stock child failed.")))
  bench.FLAGS(["bench"])
  assert bench.main(["bench"]) == 1
  assert capsys.readouterr().err.strip() == "error: The stock child failed."


def test_the_report_links_the_earlier_reference_runs_kept_beside_it(tmp_path):
  from tfgan_repro.perf import report
  facts = {"cpu": "x", "usable_cores": 1, "logical_cpus": 1, "precision_flags": [], "native_bf16": False,
           "tensorflow": "t", "keras": "k", "python": "p", "threads": {}}
  write = lambda: report.write(str(tmp_path / "PERFORMANCE.md"), command="c", facts=facts,
                               peaks={"float32": {"wall": 1.0, "cpu": 1.0}}, training=[], sources=[], evaluation=[],
                               cache=None, draft=False)
  assert "Earlier reference runs" not in write()
  (tmp_path / report.HISTORY).mkdir()
  for name in ("2026-12-02_amd_epyc_avx512_bf16.md", "2026-11-30_intel_xeon.md"):
    (tmp_path / report.HISTORY / name).write_text("# Throughput\n")
  text = write()
  assert text.index("performance/2026-12-02_amd_epyc_avx512_bf16.md") < text.index("performance/2026-11-30_intel")
  assert text.endswith(".md)\n")


def test_before_after_runs_an_earlier_revision_from_a_worktree_it_removes(tmp_path):
  import os
  import subprocess
  from tfgan_repro.perf import revision
  if not os.path.exists(os.path.join(revision.PACKAGE_ROOT, ".git")):
    pytest.skip("the package is not a git checkout here")
  with pytest.raises(ValueError, match="not a commit"):
    revision.resolve("no-such-revision")
  cpu = sorted(os.sched_getaffinity(0))[-1]
  rows = revision.compare("HEAD", [([("began_fashion_mnist_32", 4, 4, {})], True)], cpu=cpu, steps=4,
                          warmup=1, repeats=1, work=str(tmp_path))
  assert [(r.preset, r.widths, r.batch, r.where, r.before) for r in rows] == [
      ("began_fashion_mnist_32", "n=4", 4, "one core", revision.resolve("HEAD"))]
  trees = subprocess.run(["git", "-C", revision.PACKAGE_ROOT, "worktree", "list"], capture_output=True,
                         text=True).stdout
  assert "tfgan_before_" not in trees  # the temporary worktree is gone


def test_before_after_makes_one_worktree_for_the_all_core_and_the_one_core_items(tmp_path, monkeypatch):
  # --before_presets and --before_one_core together: the earlier revision is checked out once, and each
  # group is timed where it asked to be (all cores, or the pinned core with one thread each).
  import contextlib
  from tfgan_repro.perf import revision
  made, timed = [], []

  @contextlib.contextmanager
  def fake_worktree(rev, *args, **kwargs):
    made.append(rev)
    yield str(tmp_path / "old")

  def fake_pair_seconds(trees, name, config, data_dir, overrides, *, steps, warmup, repeats, env, cpu, work):
    for side, tree in trees.items():
      timed.append((tree == revision.PACKAGE_ROOT, cpu, env.get("TF_NUM_INTRAOP_THREADS")))
    return {side: revision.Seconds(0.02 if tree == revision.PACKAGE_ROOT else 0.03, 0.04)
            for side, tree in trees.items()}

  monkeypatch.delenv("TF_NUM_INTRAOP_THREADS", raising=False)
  monkeypatch.setattr(revision, "resolve", lambda rev, root=None: "abc123")
  monkeypatch.setattr(revision, "worktree", fake_worktree)
  monkeypatch.setattr(revision, "pair_seconds", fake_pair_seconds)
  rows = revision.compare("abc", [([("began_fashion_mnist_32", 4, 4, {})], False),
                                  ([("began_fashion_mnist_32", 8, 4, {})], True)], cpu=1, steps=2, warmup=1,
                          repeats=1, work=str(tmp_path))
  assert made == ["abc123"]
  assert len(rows) == 2
  assert [(r.widths, r.where, r.before_step_s.wall, r.after_step_s.wall) for r in rows] == [
      ("n=4", "all cores", 0.03, 0.02), ("n=8", "one core", 0.03, 0.02)]
  assert timed == [(False, None, None), (True, None, None), (False, 1, "1"), (True, 1, "1")]


def test_a_case_the_earlier_revision_cannot_run_costs_its_row_not_the_bench(tmp_path, monkeypatch, capsys):
  import contextlib
  from tfgan_repro.perf import revision

  @contextlib.contextmanager
  def fake_worktree(rev, *args, **kwargs):
    yield str(tmp_path / "old")

  def fake_pair_seconds(trees, name, config, data_dir, overrides, *, steps, warmup, repeats, env, cpu, work):
    if config.width == 4:
      raise RuntimeError("`python -m tfgan_repro.main ...` failed with status 1:\nunknown flag --x")
    return {side: revision.Seconds(0.02, 0.02) for side in trees}

  monkeypatch.setattr(revision, "resolve", lambda rev, root=None: "abc123")
  monkeypatch.setattr(revision, "worktree", fake_worktree)
  monkeypatch.setattr(revision, "pair_seconds", fake_pair_seconds)
  rows = revision.compare("abc", [([("began_fashion_mnist_32", 4, 4, {}), ("began_fashion_mnist_32", 8, 4, {})],
                                   True)], cpu=1, steps=2, warmup=1, repeats=1, work=str(tmp_path))
  assert [r.widths for r in rows] == ["n=8"]
  assert "n=4 batch 4 (one core): not timed:" in capsys.readouterr().err


def test_before_after_sides_choose_their_own_cpu_kernels(tmp_path, monkeypatch):
  # This process's oneDNN choice is not passed on: an earlier revision that never turned oneDNN on must be
  # timed with the kernels it ran with. A value the user set reaches both sides.
  import contextlib
  from tfgan_repro import _kernels
  from tfgan_repro.perf import revision
  seen = []

  @contextlib.contextmanager
  def fake_worktree(rev, *args, **kwargs):
    yield str(tmp_path / "old")

  def fake_pair_seconds(trees, name, config, data_dir, overrides, *, steps, warmup, repeats, env, cpu, work):
    seen.extend(env.get(_kernels.ENV) for _ in trees)
    return {side: revision.Seconds(0.02, 0.04) for side in trees}

  monkeypatch.setattr(revision, "resolve", lambda rev, root=None: "abc123")
  monkeypatch.setattr(revision, "worktree", fake_worktree)
  monkeypatch.setattr(revision, "pair_seconds", fake_pair_seconds)
  compare = lambda: revision.compare("abc", [([("began_fashion_mnist_32", 4, 4, {})], True)], cpu=1, steps=2,
                                     warmup=1, repeats=1, work=str(tmp_path))
  monkeypatch.setenv(_kernels.ENV, "1")
  monkeypatch.setenv(_kernels.MARK, "1")  # as `import tfgan_repro` leaves them when it chose oneDNN
  compare()
  monkeypatch.setenv(_kernels.ENV, "0")  # the user's own setting since
  compare()
  assert seen == [None, None, "0", "0"]


def test_before_after_data_arrive_in_the_shape_of_the_presets_data_set(tmp_path):
  # An earlier revision frames CelebA presets by the aligned 178x218 images' 140-px face box only (d8a0214
  # stops with "width must be >= target + offset" on 64x64 images), so both sides read aligned-size images.
  import numpy as np
  from tfgan_repro.data import pipeline
  from tfgan_repro.perf import training
  celeba = training.preset_config("dcgan_celeba_64", 8, 4, {})
  x = np.load(training.source_sized_npz(str(tmp_path), celeba))["x"]
  assert x.shape[1:] == (218, 178, 3)
  assert pipeline.frame(x[:2], 64, "celeba_140").shape == (2, 64, 64, 3)
  fashion = training.preset_config("began_fashion_mnist_32", 4, 4, {})
  assert np.load(training.source_sized_npz(str(tmp_path), fashion))["x"].shape[1:] == (32, 32, 1)


def test_window_seconds_lengthen_a_fast_steps_windows_and_say_how_many_steps_they_took():
  import time
  from tfgan_repro.perf import timing
  calls = []
  step = lambda: (calls.append(1), time.sleep(0.01))
  fixed = timing.loop_rate(step, lambda: None, steps=2, repeats=3, warmup=1, items_per_step=4)
  assert (fixed.steps, fixed.windows, len(calls)) == (2, 3, 1 + 3 * 2)
  calls.clear()
  # a 10 ms step and windows of 0.1 s: at most 10 steps each (sleep overshoots, never undershoots), more than 2
  long = timing.loop_rate(step, lambda: None, steps=2, repeats=3, warmup=1, items_per_step=4, seconds=0.1)
  assert 2 < long.steps <= 10 and long.windows == 3
  assert len(calls) == 1 + 1 + 3 * long.steps  # warm-up, the sizing call, the windows
  assert timing.window_steps(1.0, 0.3, least=2) == 4
  assert timing.window_steps(1.0, 5.0, least=2) == 2   # a slow step keeps --steps
  assert timing.window_steps(0.0, 0.3, least=2) == 2   # no --window_seconds: --steps


def _fake_tree(root):
  """A package tree laid out as this repository: tfgan_repro/ and a configs/ that setup.py maps into it."""
  (root / "tfgan_repro").mkdir(parents=True)
  (root / "tfgan_repro" / "__init__.py").write_text("")
  (root / "configs").mkdir()
  (root / "configs" / "__init__.py").write_text("")
  (root / "setup.py").write_text('setup(package_dir={"tfgan_repro.configs": "configs"})\n')
  return str(root)


def test_an_earlier_revision_imports_its_own_presets_not_this_checkouts(tmp_path):
  import os
  from tfgan_repro.perf import revision
  # Unlinked, `tfgan_repro.configs` of the tree comes from this checkout's install (editable: this checkout's
  # configs/; otherwise nowhere): the bench refuses to time such a mix.
  bare = _fake_tree(tmp_path / "unlinked")
  with pytest.raises(RuntimeError, match="does not import its own code"):
    revision.check_own_imports(bare, dict(os.environ), {"configs": "configs"})
  tree = _fake_tree(tmp_path / "tree")
  assert revision.link_mapped_packages(tree) == {"configs": "configs"}
  assert os.path.realpath(os.path.join(tree, "tfgan_repro", "configs")) == os.path.realpath(os.path.join(tree, "configs"))
  revision.check_own_imports(tree, dict(os.environ), {"configs": "configs"})  # no error
  assert revision.link_mapped_packages(tree) == {"configs": "configs"}  # a second call leaves the link alone
  with revision.worktree("HEAD") as checkout:  # a real one: its presets are its own
    assert os.path.realpath(os.path.join(checkout, "tfgan_repro", "configs")) == \
        os.path.realpath(os.path.join(checkout, "configs"))
