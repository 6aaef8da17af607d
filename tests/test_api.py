"""The Python API as the README shows it (issue 15.5): its "Python API" snippet runs as written."""
import re
from pathlib import Path

import tfgan_repro

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_snippet() -> str:
  section = README.read_text().split("\n## Python API\n")[1].split("\n## ")[0]
  return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_dir_shows_the_api():
  assert {"train", "load", "metrics", "shipped_run"} <= set(dir(tfgan_repro))
  assert callable(tfgan_repro.metrics.fid_from_features) and callable(tfgan_repro.metrics.evaluate_folder)


def test_readme_python_api_snippet_runs_as_written(tmp_path, monkeypatch, fashion_dir):
  monkeypatch.chdir(tmp_path)  # the snippet writes runs/ and two PNG folders where it runs
  scope = {}
  exec(compile(readme_snippet(), "README.md (Python API)", "exec"), scope)
  assert scope["images"].shape == (16, 32, 32, 1) and (tmp_path / "runs" / "dcgan_demo" / "ckpt").is_dir()
  assert {r["metric"] for r in scope["records"]} == {"fid", "kid"} and scope["fid"] >= 0
  assert scope["shipped"].generate(4).shape == (4, 32, 32, 1)
