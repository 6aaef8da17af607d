"""CI-sized run of `python -m tfgan_repro.bench`: a few steps of two small presets, one pipeline per source,
both feature networks. It checks that the report is written and every figure in it is positive; it asserts no
speed (the machines are shared and noisy; the numbers live in results/PERFORMANCE.md)."""
import re

import pytest

from tfgan_repro import bench

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
                   eval_batch=2, one_core=["began_fashion_mnist_32:4:4"], profile=["began_fashion_mnist_32:4:4"])
  assert out.read_text() == text
  for heading in ("## Machine", "## Issue 13's targets in this run", "## Training step", "## One core",
                  "## Input pipeline by source", "## Evaluation"):
    assert heading in text
  training = table_rows(text, "| preset |")
  assert len(training) == 6  # two presets and the one-core one, by wall clock and by CPU time
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
  for row in training + sources + evaluation:
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
