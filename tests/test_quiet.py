"""Quiet by default: no TensorFlow/absl start-up lines (oneDNN, cuda drivers, cuInit) and no TFDS advice on
stderr, unless TFGAN_VERBOSE=1 or the user's own TF_CPP_MIN_LOG_LEVEL asks for them."""
import os
import subprocess
import sys

import pytest

from tfgan_repro import _quiet

# As a fresh user's shell has it: none of the variables the other tests set to silence TensorFlow.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("TF_CPP_MIN_LOG_LEVEL", "TFGAN_VERBOSE", "CUDA_VISIBLE_DEVICES")}

START_UP = """WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796163469.853886    4767 port.cc:153] oneDNN custom operations are on.
I0000 00:00:1796163469.854204    4767 cudart_stub.cc:31] Could not find cuda drivers on your machine.
E0000 00:00:1796163472.576078    4767 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error (303)
W0000 00:00:1796163472.576078    4767 some.cc:1] a warning
E0000 00:00:1796163472.576078    4767 other.cc:2] a real error
/path/module.py:3: UserWarning: a Python warning
"""


def _run(module, *args, **env):
  return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=300,
                        env=dict(ENV, **env))


def test_start_up_lines_are_filtered_by_level():
  kept = _quiet.kept_lines(START_UP, 2).splitlines()
  assert kept == ["E0000 00:00:1796163472.576078    4767 other.cc:2] a real error",
                  "/path/module.py:3: UserWarning: a Python warning"]
  assert len(_quiet.kept_lines(START_UP, 1).splitlines()) == 3  # + the warning
  assert _quiet.kept_lines(START_UP, 0) == START_UP
  # With a CUDA driver installed, a failing cuInit is a real error and is kept.
  with_driver = START_UP.replace("Could not find cuda drivers", "Found the driver")
  assert any("cuInit" in line for line in _quiet.kept_lines(with_driver, 2).splitlines())


def test_dry_run_prints_nothing_on_stderr():
  proc = _run("tfgan_repro.main", "--dry_run")
  assert proc.returncode == 0 and proc.stdout.startswith("{")
  assert proc.stderr == ""


def test_missing_tfds_data_is_our_one_line_only_and_verbose_brings_the_logs_back(tmp_path):
  (tmp_path / "cifar10" / "3.0.2").mkdir(parents=True)  # an empty variant folder: TFDS warns about it
  args = ("--tiny", "--model=dcgan", "--dataset=cifar10", f"--workdir={tmp_path / 'run'}")
  quiet = _run("tfgan_repro.main", *args, TFDS_DATA_DIR=str(tmp_path))
  assert quiet.returncode == 2
  assert quiet.stderr.count("\n") == 1 and quiet.stderr.startswith("error: "), quiet.stderr
  assert "download=True" not in quiet.stderr
  loud = _run("tfgan_repro.main", *args, TFDS_DATA_DIR=str(tmp_path), TFGAN_VERBOSE="1")
  assert loud.returncode == 2 and loud.stderr.count("\n") > 3, loud.stderr
  assert loud.stderr.strip().splitlines()[-1] == quiet.stderr.strip()


@pytest.mark.parametrize("module, args, start", [
    ("tfgan_repro.sample", ("--workdir=/nonexistent/run",), "sample: error:"),
    ("tfgan_repro.evaluate", (), "evaluate: error: Nothing to do"),
])
def test_other_commands_print_only_their_one_line_error(module, args, start):
  proc = _run(module, *args)
  assert proc.returncode == 2
  assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(start), proc.stderr
