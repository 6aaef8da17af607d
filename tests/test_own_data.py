"""--dataset=folder: every model family trains on a folder of the user's images (issue 15.3).

No `<model>_folder_<res>` presets: a folder run takes the model's preset closest to --resolution (RGB data
first) and reads --data_dir. The IGAN family's 96x96 graphs take 0.5-1.5 min to build and run one tiny step,
so its runs are slow tests (RUN_SLOW=1); its preset choice and the class sub-folders are checked fast.
"""
import json
import os

import numpy as np
import pytest

from tests.cli import run_main


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
  """Two class sub-folders of 6 non-square RGB PNGs each: cats/ dark, dogs/ bright."""
  from PIL import Image
  root = tmp_path_factory.mktemp("own_images")
  rng = np.random.default_rng(0)
  for cls, low in (("cats", 0), ("dogs", 200)):
    (root / cls).mkdir()
    for i in range(6):
      Image.fromarray(rng.integers(low, low + 56, (40, 50, 3), dtype=np.uint8)).save(root / cls / f"{i}.png")
  return str(root)


@pytest.mark.parametrize("model, resolution, base", [
    ("dcgan", 64, "dcgan_celeba_64"), ("dcgan", 32, "dcgan_cifar10_32"), ("dcgan", 96, "dcgan_celeba_96"),
    ("began", 128, "began_celeba_64"), ("began_skip", 32, "began_skip_cifar10_32"),
    ("wgan_gp", 96, "wgan_gp_celeba_96"), ("igan", 96, "igan_celeba_96"), ("igan_v2", 96, "igan_v2_celeba_96"),
    ("igan_vn", 96, "igan_vn_celeba_96"), ("dcgan_improved", 32, "dcgan_improved_cifar10_32"),
])
def test_folder_runs_start_from_the_closest_preset(model, resolution, base):
  from tfgan_repro import presets
  config = presets.resolve(model, "folder", resolution=resolution)
  assert (config.preset, config.dataset, config.resolution) == (base, "folder", resolution)


def _train(model, resolution, folder, tmp_path, **extra):
  import tfgan_repro
  result = tfgan_repro.train(model=model, dataset="folder", tiny=True, data_dir=folder, resolution=resolution,
                             steps=1, workdir=str(tmp_path / "run"), **extra)
  info = json.loads((tmp_path / "run" / "run_info.jsonl").read_text().splitlines()[0])
  assert result.step == 1 and info["data"]["kind"] == "folder" and info["data"]["images"] == 12
  images = tfgan_repro.load(result.workdir).generate(2)
  assert images.shape[1:3] == (resolution, resolution) and images.dtype == np.uint8
  return info


@pytest.mark.parametrize("model, resolution", [("dcgan", 32), ("began", 32), ("began_skip", 64), ("wgan_gp", 96)])
def test_every_family_trains_on_a_folder(model, resolution, image_folder, tmp_path):
  _train(model, resolution, image_folder, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="IGAN's 96x96 graphs: 0.5-1.5 min a step; RUN_SLOW=1")
@pytest.mark.parametrize("model, extra", [("igan", {}), ("igan_v2", {"classes": "0,1"}),
                                          ("igan_vn", {"classes": "0,1", "num_branches": 0})])
def test_igan_family_trains_on_a_folder(model, extra, image_folder, tmp_path):
  info = _train(model, 96, image_folder, tmp_path, **extra)
  assert info["data"]["classes"] == (2 if extra else 0)


def test_classes_pick_sub_folders(image_folder):
  from tfgan_repro import data
  batch = next(iter(data.make_dataset("folder", 32, 12, classes=[1], data_dir=image_folder)))
  assert np.asarray(batch["images"]).min() > 0.4  # dogs/ only: every pixel >= 200 of 255, i.e. > 0.56


def test_folder_from_the_command_line(image_folder, tmp_path):
  out = run_main("--model=dcgan", "--dataset=folder", f"--data_dir={image_folder}", "--resolution=32", "--tiny",
                 "--steps=1", f"--workdir={tmp_path / 'run'}")
  assert out.returncode == 0, out.stderr
  assert f"Data: folder train split from image folder {image_folder} (12 images" in out.stdout
  saved = json.loads((tmp_path / "run" / "config.json").read_text())
  assert (saved["dataset"], saved["resolution"], saved["preset"]) == ("folder", 32, "dcgan_cifar10_32/tiny")
