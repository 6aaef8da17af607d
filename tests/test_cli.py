"""The command line: presets, overrides, dry run, summary, run directories and one-line errors."""
import json
import re

import pytest

from tests.cli import run_main
from tests.conftest import FASHION_DIR


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
  assert not (tmp_path / "run").exists()  # a failed start writes nothing (issue 12.8)


def one_error_line(out) -> str:
  """The single non-TF line on stderr of a refused command (exit 2)."""
  lines = [l for l in out.stderr.splitlines() if l.strip() and not TF_NOISE.match(l)]
  assert out.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), out.stderr
  return lines[0]


def test_an_explicit_data_dir_is_the_only_source_tried(tmp_path, fashion_dir):
  # Issue 12.1: this trained on the system Fashion-MNIST and exited 0 (a missing --data_dir too: test_trust_data).
  (tmp_path / "empty").mkdir()
  out = run_main("--tiny", "--model=dcgan", f"--data_dir={tmp_path / 'empty'}", f"--workdir={tmp_path / 'run'}")
  assert f"--data_dir={tmp_path / 'empty'} holds nothing usable; looked there for IDX files" in one_error_line(out)
  assert not (tmp_path / "run").exists()


def test_a_workdir_that_cannot_be_created_is_one_line(fashion_dir):
  # Issue 12.5 (a --workdir below a file: test_trust_data).
  assert "Cannot use --workdir=/sys/x: " in one_error_line(run_main("--tiny", "--model=dcgan", "--workdir=/sys/x"))


def test_a_failed_start_leaves_nothing_so_the_corrected_command_runs(tmp_path, fashion_dir):
  workdir = tmp_path / "run"
  failed = run_main("--tiny", "--model=dcgan", "--classes=42", f"--workdir={workdir}")
  assert "--classes [42] have no images" in one_error_line(failed)
  assert not workdir.exists()
  corrected = run_main("--tiny", "--model=dcgan", "--classes=0", f"--workdir={workdir}")
  assert corrected.returncode == 0, corrected.stderr


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
  # The source actually read is printed and recorded (issue 12.1).
  # The record names no machine path: the default place is named by data set (the console line has the path).
  assert info["data"] == {"kind": "idx", "path": "default:fashion_mnist", "images": 60000, "classes": 10}
  assert f"Data: fashion_mnist train split from IDX files in {FASHION_DIR} (60000 images, 10 classes)." \
      in first.stdout
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


# --- issue 15.2: grouped --help whose texts are the presets' comments, -h, --list ---------------------------

def test_help_groups_flags_names_the_preset_and_quotes_its_comments():
  out = run_main("--model=began_skip", "--dataset=fashion_mnist", "--help")
  assert out.returncode == 0, out.stderr  # absl's own --help exits 1
  text = out.stdout
  assert "Preset: began_skip_fashion_mnist_32" in text
  heads = [line[:-1] for line in text.splitlines() if line in {f"{g}:" for g in
                                                               ("run", "data", "model", "optimisation", "logging",
                                                                "evaluation")}]
  assert heads == ["run", "data", "model", "optimisation", "logging", "evaluation"]
  # The preset's own comment wins over base.py's ("images are resized/cropped ..."), citation included.
  assert re.search(r"--resolution=32 +seed 000 §3.2: input images 32x32", text), text
  assert re.search(r"--gamma=0.5 +seed 000 Fig. 5 \(headline\)", text)
  assert "Config field (preset default" not in text
  data = text.split("\ndata:\n")[1].split("\n\n")[0]
  assert "--data_dir" in data and "--classes" in data and "--gamma" not in data


def test_dash_h_prints_the_help_of_the_chosen_preset():
  out = run_main("--model=igan_v2", "--dataset=celeba", "-h")
  assert out.returncode == 0, out.stderr
  assert "Preset: igan_v2_celeba_96" in out.stdout and "evaluation:" in out.stdout
  assert re.search(r"--gp_weight=5.0 +seed 001 §3.1: lambda = 5", out.stdout)


def test_list_shows_model_dataset_resolution_and_paper():
  out = run_main("--list")
  assert out.returncode == 0, out.stderr
  rows = {tuple(line.split()[:3]): line for line in out.stdout.splitlines()}
  assert "Radford et al. 2015, seed 001" in rows[("dcgan", "celeba", "96")]
  assert "Gulrajani et al. 2017" in rows[("wgan_gp", "lsun", "96")]
  assert "Meng et al. 2022, seed 001" in rows[("igan_vn", "mnist", "96")]
  assert "Salimans et al. 2016, seed 003" in rows[("dcgan_improved", "cifar10", "32")]
  assert "--dataset=folder" in out.stdout


def test_comment_of_the_most_specific_assignment_wins():
  from tfgan_repro import cli_help
  comments = cli_help.preset_comments("igan_v2_celeba_96")
  assert comments["steps"] == "decision (igan_base)"          # the preset's line, not base.py's
  assert comments["dataset"].startswith('"mnist", "fashion_mnist"')  # preset line has none: base.py's
  assert comments["mixed_precision"].startswith("false | true | auto")  # a comment block above the field
  assert "results/PERFORMANCE.md" in comments["jit_compile"]   # a trailing comment continued below


def test_help_shows_the_chosen_model_not_the_flag_default():
  out = run_main("--model=igan_v2", "--dataset=fashion_mnist", "-h")
  assert out.returncode == 0 and "--model=igan_v2 " in out.stdout and "--model=began_skip " not in out.stdout
