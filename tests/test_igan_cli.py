"""`python -m tfgan_repro.main --model=igan_v2 --dataset=lsun` without LSUN: one clear line on how to supply it."""
import re

from tests.cli import run_main

TF_NOISE = re.compile(r"^(WARNING: All log messages before absl|[IWE]\d{4} \d\d:)")


def test_igan_v2_on_lsun_without_data_says_how_to_supply_it(tmp_path):
  empty = tmp_path / "no_lsun_here"
  empty.mkdir()
  out = run_main("--model=igan_v2", "--dataset=lsun", f"--data_dir={empty}", f"--workdir={tmp_path / 'run'}")
  assert out.returncode == 2
  lines = [l for l in out.stderr.splitlines() if l.strip() and not TF_NOISE.match(l)]
  assert len(lines) == 1 and lines[0].startswith("error: No data for dataset 'lsun'"), out.stderr
  assert "lsun/bedroom" in lines[0] and "folder of bedroom images as --data_dir" in lines[0]
  assert "Traceback" not in out.stderr and not (tmp_path / "run").exists()
