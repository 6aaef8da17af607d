"""The report on hand-written fixture runs: byte-identical regeneration, a row for every SPEC §8 number, claims
answered from seeded A/B runs, and figures."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from tfgan_repro import presets
from tfgan_repro.results import collect, ledger, render, verdicts
from tfgan_repro.training import images

# ../shared beside the checkout (as CI places it), else the development machine's copy.
SPEC = next((p for p in (Path(__file__).resolve().parents[2] / "shared" / "SPEC.md", Path("/work/shared/SPEC.md"))
             if p.is_file()), Path("/work/shared/SPEC.md"))
NET = {"network": "classifier", "weights": "classifier.keras", "weights_sha256": "47130db65780",
       "paper_comparable": False, "feature_dim": 128, "resize": "bilinear"}


def _write_run(root: Path, name: str, preset: str, seed: int, fid_offset: float, ttur: bool = False,
               **overrides) -> Path:
  """A run directory as training + evaluate would leave it, with made-up numbers: FCD falls from 100 +
  offset over 3 evaluations, IS rises; TensorBoard holds losses, k_t and M_global. ttur: also a final FID on
  the paper's network (as if the TTUR graph had been available)."""
  run = root / name
  (run / "ckpt").mkdir(parents=True)
  config = presets.load(preset).to_dict()
  config.update(seed=seed, preset=preset, **overrides)
  (run / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True))
  (run / "run_info.jsonl").write_text(json.dumps(
      {"version": "0.1.0", "git_commit": "0123456789abcdef0123", "started": "2026-01-01T00:00:00+00:00",
       "command": f"python -m tfgan_repro.main --preset={preset} --seed={seed}"}) + "\n")
  lines = []
  for i, step in enumerate((100, 200, 300)):
    for metric, value in (("fid", 100.0 + fid_offset - 20 * i + seed), ("is", 3.0 - fid_offset / 50 + 0.5 * i)):
      lines.append(dict(metric=metric, value=value, std=None, **NET, quantized_uint8=True, n_real=1000,
                        n_fake=1000, checkpoint_step=step, source="training callback", time="x"))
  lines.append(dict(metric="fid", value=55.5 + fid_offset + seed, std=None, **NET, quantized_uint8=True,
                    n_real=60000, n_fake=10000, split="train", checkpoint_step=300, time="x"))
  if ttur:
    lines.append(dict(lines[-1], network="ttur_graph", weights="classify_image_graph_def.pb",
                      weights_sha256="abcdef012345", paper_comparable=True, value=20.0 + seed))
  (run / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines) + '{"torn": ')
  (run / "ckpt" / "ckpt-300.index").write_bytes(b"")
  writer = tf.summary.create_file_writer(str(run / "tb"))
  with writer.as_default():
    for step in range(0, 301, 50):
      for tag, value in (("train/d_loss", 0.3 - step / 2000), ("train/g_loss", 0.2 + seed / 100),
                         ("train/k_t", step / 3000), ("train/m_global", 0.5 - step / 1000)):
        tf.summary.scalar(tag, value, step=step)
  writer.close()
  rng = np.random.default_rng(seed + int(fid_offset))
  images.save_png(images.grid(rng.uniform(-1, 1, (4, 8, 8, 1))), run / "samples" / "samples_0000300.png")
  return run


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory):
  root = tmp_path_factory.mktemp("report")
  for seed in (0, 1):
    _write_run(root / "runs", f"began-s{seed}", "began_fashion_mnist_32", seed, 10.0)
    _write_run(root / "runs", f"skip-s{seed}", "began_skip_fashion_mnist_32", seed, 0.0, ttur=True)
  _write_run(root / "runs", "skip-gamma03", "began_skip_fashion_mnist_32", 0, 5.0, gamma=0.3)
  return root


def _tree(out: Path) -> dict:
  return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_report_is_byte_identical_and_answers_claims(fixture_root, monkeypatch):
  monkeypatch.chdir(fixture_root)
  render.write_report(["runs/*"], "out", interpolations=False)
  first = _tree(fixture_root / "out")
  render.write_report(["runs/*"], "out", interpolations=False)
  assert _tree(fixture_root / "out") == first
  # The command line, in another process, gives the same bytes.
  proc = subprocess.run([sys.executable, "-m", "tfgan_repro.report", "--runs=runs/*", "--out=cli",
                         "--nointerpolations"], capture_output=True, text=True, timeout=120,
                        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
  assert proc.returncode == 0, proc.stderr[-2000:]
  assert _tree(fixture_root / "cli") == first

  readme = first["README.md"].decode()
  assert "2026" not in readme  # no date from the inputs' clock fields, none from ours
  # Seeds aggregated: FCD finals 65.5, 66.5 -> mean 66.00, sample std 0.71; NOT comparable with the paper.
  row = next(l for l in readme.splitlines() if l.startswith("| [s000-fmnist32-fidcurve-began]"))
  assert "66.00 ± 0.71 (n=2)" in row and "NOT comparable" in row and "300 of 100000" in row
  # Where the paper's network was used, that number is shown and called the paper protocol.
  row = next(l for l in readme.splitlines() if l.startswith("| [s000-fmnist32-fidcurve-began_skip]"))
  assert "20.50 ± 0.71 (n=2)" in row and "paper protocol" in row and "NOT comparable" not in row
  figs = {n.split("/", 1)[1] for n in first if n.startswith("figures/")}
  groups = collect.group_runs(collect.find_runs(["runs/*"]))
  judged = {c.id: verdicts.judge(c, groups, sorted(figs)) for c in ledger.CLAIMS}
  # Runs short of their presets' steps give a verdict on early training, and the verdict says so.
  assert judged["c000-fmnist-fid-curve"].status == "supported at 300 of 100000 steps", judged["c000-fmnist-fid-curve"]
  assert judged["c000-fmnist-is-curve"].status == "supported at 300 of 100000 steps"
  assert judged["c000-celeba-fid"].status == "not run here" and "CelebA" in judged["c000-celeba-fid"].evidence
  # Claims on runs of one preset that differ in a field pick their groups by it (and say which run is missing).
  literal = judged["c000-fmnist-fid-curve-literal"]
  assert literal.status == "not run yet" and "--lr_reading=ttur_literal" in literal.evidence, literal
  gamma = judged["c000-gamma-fmnist-is"]
  assert gamma.status == "not run yet" and "--gamma=0.7" in gamma.evidence and "0.3" not in gamma.evidence, gamma
  assert judged["c000-gamma-fmnist-figure"].status == "qualitative"  # 0.3 beside 0.5
  assert judged["c000-gamma"].status == "not run here"  # the CelebA figure is not answered by Fashion-MNIST
  assert "gamma=0.3" in readme  # the deviating gamma group is labelled as such
  for pattern in (r"_losses\.png", r"_kt_mglobal\.png", r"_samples\.png", r"fid_curves_fashion_mnist32_classifier",
                  r"is_curves_fashion_mnist32_classifier", r"gamma_began_skip_fashion_mnist_32"):
    assert any(re.search(pattern, f) for f in figs), (pattern, figs)
  for paper in ledger.PAPERS:
    assert paper.page in first


def test_report_from_archived_records_equals_report_from_runs(fixture_root, monkeypatch):
  from tfgan_repro.results import archive
  monkeypatch.chdir(fixture_root)
  written = archive.archive(["runs/*"], "records")
  assert sorted(os.path.basename(p) for p in written) == sorted(os.listdir("runs"))
  record = Path("records/began-s0")
  assert sorted(os.listdir(record)) == ["archive.json", "config.json", "run_info.jsonl", "samples", "scalars.json",
                                        "scores.jsonl"]
  assert not (Path("records/began-s1") / "samples").exists()  # grids only for the seed the report shows
  assert sum(f.stat().st_size for f in Path("records").rglob("*") if f.is_file()) < 200_000
  from_runs = _tree(Path("out")) if Path("out").is_dir() else None
  render.write_report(["runs/*"], "from_runs", interpolations=False)
  render.write_report(["records/*"], "from_records", interpolations=False)
  a, b = _tree(Path("from_runs")), _tree(Path("from_records"))
  assert sorted(a) == sorted(b) and from_runs in (None, a)
  for name in a:
    if name.endswith(".md"):  # the same tables; only the inputs' paths (and so their fingerprint) differ
      strip = lambda text: re.sub(r"fingerprint `\w+`", "", text.decode()).replace("records/", "runs/")
      assert strip(a[name]) == strip(b[name]), name
    else:
      assert a[name] == b[name], name
  # Records inside the output directory (results/runs for results/): their images are linked, not copied.
  archive.archive(["runs/*"], "res/runs")
  render.write_report(["res/runs/*"], "res", interpolations=False)
  readme = Path("res/README.md").read_text()
  assert "](runs/began-s0/samples/samples_0000300.png)" in readme
  assert not list(Path("res/figures").glob("*_samples.png")) and list(Path("res/figures").glob("*_losses.png"))


def _spec_section8():
  text = SPEC.read_text()
  section = text[text.index("## 8."):]
  section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
  rows = [tuple(c.strip() for c in line.strip().strip("|").split("|")) for line in section.splitlines()
          if line.startswith("|") and not line.startswith("|---")]
  context = section[section.index("Context from other studies"):]
  return rows[1:], context


def test_every_spec_number_has_a_row(fixture_root, monkeypatch):
  if SPEC.is_file():  # the ledger's copy of SPEC §8 must still match SPEC.md
    rows, context = _spec_section8()
    assert tuple(rows) == ledger.SPEC_ROWS, "SPEC §8 changed: update tfgan_repro/results/ledger.py"
    context_numbers = set(re.findall(r"\d+\.\d+", context))
    assert context_numbers <= {n for e in ledger.CONTEXT for n in re.findall(r"\d+\.\d+", e.published_text)}
  for i, (experiment, numbers, _) in enumerate(ledger.SPEC_ROWS):
    entries = [e for e in ledger.ENTRIES if e.row == i]
    assert entries, experiment
    published = {f"{e.published:.2f}" for e in entries if e.published is not None}
    assert set(re.findall(r"\d+\.\d+", numbers)) == published, experiment
    if not published:  # values not in the text: one entry per system, each saying so or naming the curve
      assert all(e.published is None for e in entries)
  monkeypatch.chdir(fixture_root)
  render.write_report(["nothing/*"], "empty", interpolations=False)  # no runs at all: every row "not run here"
  readme = (fixture_root / "empty" / "README.md").read_text()
  for e in ledger.ENTRIES:
    line = next(l for l in readme.splitlines() if l.startswith(f"| [{e.id}]("))
    assert e.published_text in line and "not run here" in line
    assert not e.blocker or e.blocker.split(";")[0] in line
  for e in ledger.CONTEXT:
    assert f"| {e.id} |" in readme
  for name in ledger.presets_named():
    presets.load(name)  # every command names a preset that exists


def test_bare_command_rebuilds_the_committed_results(tmp_path, monkeypatch):
  """`python -m tfgan_repro.report` with no flags, from a checkout: the committed tables come back unchanged
  from the committed run records (results/runs/). Markdown is compared byte for byte; figures by name (their
  bytes depend on the installed matplotlib)."""
  committed = Path(__file__).resolve().parents[1] / "results"
  if not (committed / "runs").is_dir():
    pytest.skip("no committed run records")
  import shutil
  shutil.copytree(committed / "runs", tmp_path / "results" / "runs")
  shutil.copy(committed / "DISCUSSION.md", tmp_path / "results")  # hand-written; README links it when present
  shutil.copy(committed / "real_is.json", tmp_path / "results")  # CAMPAIGN.md's class-subset IS bars read it
  monkeypatch.chdir(tmp_path)
  render.write_report(collect.DEFAULT_GLOBS, "results")
  for page in sorted(committed.glob("*.md")):
    if page.name in ("DISCUSSION.md", "PERFORMANCE.md", "PROTOCOL.md"):  # hand-written, or tfgan_repro.bench's
      continue
    assert (tmp_path / "results" / page.name).read_bytes() == page.read_bytes(), page.name
  assert sorted(p.name for p in (tmp_path / "results" / "figures").iterdir()) == \
      sorted(p.name for p in (committed / "figures").iterdir())
