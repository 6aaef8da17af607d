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
                   eval_batch=2)
  assert out.read_text() == text
  for heading in ("## Machine", "## Training step", "## Input pipeline by source", "## Evaluation"):
    assert heading in text
  training = table_rows(text, "| preset |")
  assert len(training) == 4  # two presets, by wall clock and by CPU time
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
