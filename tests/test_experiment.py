"""The resolved Experiment: each fact derived once, the data opened once, and the layers' import direction."""
import ast
import dataclasses
import json
import pathlib

import pytest

import tfgan_repro
from tfgan_repro import gans, presets
from tfgan_repro.data import sources
from tfgan_repro.experiment import Experiment

from tests.helpers import tiny_config

PACKAGE = pathlib.Path(tfgan_repro.__file__).parent


def _imports(path: pathlib.Path) -> set:
  """Every module an import statement in `path` names (relative imports resolved against tfgan_repro)."""
  names = set()
  for node in ast.walk(ast.parse(path.read_text(), str(path))):
    if isinstance(node, ast.Import):
      names.update(alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
      base = node.module or ""
      if node.level:
        parent = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-node.level])
        base = f"{parent}.{base}" if base else parent
      names.add(base)
      names.update(f"{base}.{alias.name}" for alias in node.names)
  return names


def test_no_metrics_module_imports_the_trainer():
  # metrics/ is the standalone evaluation package: checkpoint restoring lives above it (tfgan_repro.evaluation).
  offenders = {str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p) if n.startswith("tfgan_repro.training"))
               for p in sorted((PACKAGE / "metrics").rglob("*.py"))}
  assert not {p: n for p, n in offenders.items() if n}


def test_gans_do_not_import_the_data_pipeline():
  # A family learns its classes from the Experiment, not by parsing --classes itself (the names of the
  # classes, data.class_names, it may look up).
  offenders = [str(p.relative_to(PACKAGE)) for p in sorted((PACKAGE / "gans").glob("*.py"))
               if {"tfgan_repro.data.pipeline", "tfgan_repro.data.spec"} & _imports(p)
               or "pipeline" in {n.rsplit(".", 1)[-1] for n in _imports(p) if n.startswith("tfgan_repro.data")}]
  assert not offenders


def test_resolve_derives_each_fact_once_and_is_frozen():
  config = tiny_config("igan_vn_fashion_mnist_96", classes="1,8,9")
  experiment = Experiment.resolve(config)
  assert experiment.data.classes == (1, 8, 9) and experiment.data.channels == 3
  assert experiment.layout == gans.StepLayout(config.n_critic, class_major=True)
  assert experiment.images_per_step == 3 * config.batch_size * config.n_critic
  config.classes = "0,1"  # the caller's config is not the experiment's
  assert experiment.config.classes == "1,8,9"
  with pytest.raises(dataclasses.FrozenInstanceError):
    experiment.data = None
  with pytest.raises(ValueError, match="--strategy must be one of"):
    Experiment.resolve(tiny_config("dcgan_fashion_mnist_32", strategy="tpu"))


@pytest.mark.parametrize("name", [n for n, _ in presets.list_presets()])
def test_declared_step_layout_is_what_the_built_model_consumes(name):
  # The trainer shapes the data from the family's declaration; the model's train_step reshapes by its own
  # attributes. They must agree, or a step would silently read a wrong-sized batch.
  experiment = Experiment.resolve(presets.load(name, tiny=True))
  model = gans.build(experiment)
  assert (model.batches_per_step, model.balanced_classes) == tuple(experiment.layout)


def test_load_reads_every_committed_run_directory():
  root = PACKAGE.parent
  runs = [*sorted(root.glob("results/runs/*/config.json")), *sorted(root.glob("results/early_runs/*/config.json")),
          *sorted(root.glob("checkpoints/shipped/*/config.json"))]
  assert runs
  for path in runs:
    experiment = Experiment.load(path.parent)
    assert experiment.config.to_dict() == json.loads(path.read_text())  # config.json round-trips unchanged
  with pytest.raises(FileNotFoundError, match="must be a run directory"):
    Experiment.load(root / "results")


def test_a_run_with_eval_every_reads_its_data_once(tmp_path, monkeypatch, fashion_dir):
  # The training data and the real statistics (computed here: the cache is empty) are the same images: one
  # read of the IDX files serves both. A later run of the preset takes the statistics from the cache.
  reads = []
  read = sources.load_idx_dir
  monkeypatch.setattr(sources, "load_idx_dir", lambda *a, **k: reads.append(a) or read(*a, **k))
  monkeypatch.setenv("TFGAN_REPRO_STATS_DIR", str(tmp_path / "stats"))
  from tfgan_repro.training import loop
  config = tiny_config("dcgan_fashion_mnist_32", steps=2, eval_every=2, eval_samples=8)
  loop.train(config, str(tmp_path / "run"))
  assert len(reads) == 1 and len(list((tmp_path / "stats").iterdir())) == 1
  loop.train(config, str(tmp_path / "run2"))
  assert len(reads) == 2


def test_checking_an_image_folder_reads_each_file_once(tmp_path, monkeypatch):
  from PIL import Image
  import numpy as np
  for i in range(3):
    Image.fromarray(np.full((8, 8, 3), 40 * i, np.uint8)).save(tmp_path / f"{i}.png")
  (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
  reads = []
  real_open, pil_open = open, Image.open
  monkeypatch.setattr(sources, "open", lambda p, *a: reads.append(p) or real_open(p, *a), raising=False)
  monkeypatch.setattr(Image, "open", lambda f, *a: (reads.append(f) if isinstance(f, (str, pathlib.Path)) else None)
                      or pil_open(f, *a))
  files = sources.check_image_files(sources.list_image_folder(tmp_path))
  assert sorted(map(str, reads)) == sorted(str(tmp_path / n) for n in ("0.png", "1.png", "2.png", "broken.png"))
  assert [pathlib.Path(p).name for p in files.paths] == ["0.png", "1.png", "2.png"]
