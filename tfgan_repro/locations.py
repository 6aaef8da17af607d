"""Where the files distributed with the package are: the dataset classifiers and the shipped runs.

They live in the repository's `checkpoints/classifiers/` and `checkpoints/shipped/`. A non-editable install
(`pip install .`) copies them into the package as `tfgan_repro/assets/` (setup.py maps `checkpoints/` there
at build time, so git holds them once); an editable checkout reads them where they are. TFGAN_ASSETS=DIR
points at any other folder laid out like `checkpoints/` (classifiers/, shipped/).
"""
import os
from importlib import resources
from pathlib import Path


def assets_root() -> Path:
  if os.environ.get("TFGAN_ASSETS"):
    return Path(os.environ["TFGAN_ASSETS"]).expanduser()
  packaged = Path(str(resources.files("tfgan_repro") / "assets"))
  if (packaged / "classifiers").is_dir() or (packaged / "shipped").is_dir():
    return packaged
  return Path(__file__).resolve().parents[1] / "checkpoints"  # an editable checkout: the repository's own


def classifiers_root() -> Path:
  return assets_root() / "classifiers"


def shipped_root() -> Path:
  return assets_root() / "shipped"


def shipped_run(name: str = "began_skip_fashion_mnist_32") -> str:
  """The run directory of a shipped generator, for `tfgan_repro.load`, `sample` and `evaluate`."""
  path = shipped_root() / name
  if not (path / "config.json").is_file():
    have = sorted(p.name for p in shipped_root().glob("*") if (p / "config.json").is_file())
    raise FileNotFoundError(f"No shipped run {name!r} in {shipped_root()}; shipped: {', '.join(have) or 'none'}.")
  return str(path)
