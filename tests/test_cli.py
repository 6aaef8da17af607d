"""The command line: presets, overrides, dry run, summary, run directories and one-line errors."""
import json
import re

import pytest

from tests.cli import run_main


def test_dry_run_prints_resolved_config_with_overrides():
  out = run_main("--model=dcgan", "--dataset=cifar10", "--dry_run", "--g_lr=0.001", "--batch_size=16",
                 "--label_smoothing=0.9")
  assert out.returncode == 0, out.stderr
  config = json.loads(out.stdout)
  assert config["model"] == "dcgan" and config["dataset"] == "cifar10" and config["resolution"] == 32
  assert config["g_lr"] == 0.001 and config["batch_size"] == 16 and config["label_smoothing"] == 0.9
  assert config["d_lr"] == 0.0002 and config["preset"] == "dcgan_cifar10_32"


def test_resolution_selects_preset():
  out = run_main("--model=dcgan", "--dataset=celeba", "--dry_run")
  assert json.loads(out.stdout)["resolution"] == 64


# TensorFlow's C++ start-up lines, printed before Python can silence them.
TF_NOISE = re.compile(r"^(WARNING: All log messages before absl|[IWE]\d{4} \d\d:)")


@pytest.mark.parametrize("args, expected", [
    (["--model=vae"], "No preset for --model=vae --dataset=fashion_mnist. Presets (model_dataset): "),
    (["--model=dcgan", "--dataset=imagenet"], "No preset for --model=dcgan --dataset=imagenet"),
    (["--model=dcgan", "--batch_size=-4"], "--batch_size must be a positive integer, got -4."),
    (["--model=dcgan", "--resolution=48"], "DCGAN makes square images of side 8, 16, 32, 64, 96, 128, 256"),
    (["--model=dcgan", "--strategy=tpu"], "--strategy must be one of default, mirrored, multiworker"),
    (["--model=dcgan", "--no_such_field=1"], "Unknown command line flag 'no_such_field'"),
    (["--model=dcgan", "--batch_size=big"], "batch_size"),
])
def test_bad_input_exits_nonzero_with_one_clear_line(args, expected, tmp_path):
  out = run_main(*args, "--tiny", f"--workdir={tmp_path / 'run'}")
  assert out.returncode != 0
  lines = [l for l in out.stderr.splitlines() if l.strip() and not TF_NOISE.match(l)]
  assert len(lines) <= 2 and expected in out.stderr, out.stderr  # absl may add a usage hint line
  assert "Traceback" not in out.stderr


def test_summary_prints_layer_tables():
  out = run_main("--model=dcgan", "--dataset=faces256", "--summary")
  assert out.returncode == 0, out.stderr
  assert "generator" in out.stdout and "discriminator" in out.stdout
  assert "Total params" in out.stdout and "(None, 256, 256, 3)" in out.stdout


def event_tags(tb_dir):
  import tensorflow as tf
  tags = set()
  for path in tb_dir.glob("events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(str(path)):
      tags.update(v.tag for v in event.summary.value)
  return tags


def test_run_directory_records_config_and_refuses_a_different_one(tmp_path):
  workdir = tmp_path / "run"
  first = run_main("--tiny", "--model=dcgan", f"--workdir={workdir}")
  assert first.returncode == 0, first.stderr
  saved = json.loads((workdir / "config.json").read_text())
  info = json.loads((workdir / "run_info.jsonl").read_text().splitlines()[0])
  assert saved["model"] == "dcgan" and saved["preset"] == "dcgan_fashion_mnist_32/tiny"
  assert info["version"] and info["git_commit"] and "tfgan_repro.main" in info["command"]
  assert list((workdir / "samples").glob("samples_*.png"))
  tags = event_tags(workdir / "tb")
  assert {"train/d_loss", "train/g_loss", "train/d_grad_norm", "lr/g", "lr/d", "images/samples"} <= tags
  assert info["from_step"] == 0
  # Rerunning the finished run trains nothing and records no start: run_info names the code that trained.
  again = run_main("--tiny", "--model=dcgan", f"--workdir={workdir}")
  assert again.returncode == 0 and "nothing to do" in again.stdout, again.stderr
  assert len((workdir / "run_info.jsonl").read_text().splitlines()) == 1

  refused = run_main("--tiny", "--model=dcgan", "--g_lr=0.1", f"--workdir={workdir}")
  assert refused.returncode == 2 and "different config (g_lr: 0.0002 -> 0.1)" in refused.stderr
  replaced = run_main("--tiny", "--model=dcgan", "--g_lr=0.1", "--overwrite", f"--workdir={workdir}")
  assert replaced.returncode == 0, replaced.stderr
  assert json.loads((workdir / "config.json").read_text())["g_lr"] == 0.1
