"""--mixed_precision by hardware (issue 13.3): what each value picks, the warning on emulated bf16, the old
true/false spellings, and the policy recorded in run_info.jsonl."""
import json

import pytest

from tfgan_repro.perf import machine
from tfgan_repro.training import runtime

from tests.helpers import tiny_config


@pytest.mark.parametrize("value,gpu,native,policy,scaling", [
    ("false", False, True, "float32", False),
    (False, True, True, "float32", False),
    ("true", False, False, "mixed_bfloat16", False),   # keeps meaning what was asked, even where slow
    (True, True, False, "mixed_float16", True),
    ("auto", False, True, "mixed_bfloat16", False),
    ("auto", False, False, "float32", False),
    ("auto", True, False, "mixed_float16", True),
    ("bf16", False, True, "mixed_bfloat16", False),
    ("float16", False, True, "mixed_float16", True),
])
def test_policy_for_each_value(value, gpu, native, policy, scaling):
  choice = runtime.choose_precision(value, gpu=gpu, native_bf16=native)
  assert (choice.policy, choice.loss_scaling) == (policy, scaling)
  assert choice.reason


def test_emulated_bf16_warns_with_the_measured_ratio(tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_REPRO_CACHE", str(tmp_path))
  choice = runtime.choose_precision("true", gpu=False, native_bf16=False)
  assert "emulated" in choice.warning and "tfgan_repro.bench" in choice.warning  # no measurement yet
  machine.save_bf16_speed(0.24)
  choice = runtime.choose_precision("bfloat16", gpu=False, native_bf16=False)
  assert "0.24x float32" in choice.warning
  assert not runtime.choose_precision("true", gpu=False, native_bf16=True).warning
  assert not runtime.choose_precision("auto", gpu=False, native_bf16=False).warning  # auto took float32


def test_emulated_bf16_warning_names_tensorflows_own_line_where_onednn_prints_it():
  # oneDNN on an AVX2-only CPU prints one E-level line at the first bf16 op; the warning says it is expected.
  said = runtime._emulated_bf16_warning(onednn=True, flags=["avx2", "fma"])
  assert "oneDNN supports DT_BFLOAT16 only on platforms with AVX-512" in said and "expected here" in said
  assert "DT_BFLOAT16" not in runtime._emulated_bf16_warning(onednn=False, flags=["avx2", "fma"])  # Eigen: no line
  assert "DT_BFLOAT16" not in runtime._emulated_bf16_warning(onednn=True, flags=["avx2", "avx512f"])


def test_native_bf16_is_read_from_the_cpu_flags():
  assert machine.native_bf16(["fpu", "avx512f", "amx_bf16"])
  assert machine.native_bf16(["avx512_bf16"])
  assert not machine.native_bf16(["fpu", "avx512f", "avx512_vnni"])


def test_bad_value_is_one_line():
  with pytest.raises(ValueError, match="--mixed_precision must be one of false, true, auto"):
    runtime.parse_precision("half")


def test_old_bool_spellings_still_work():
  assert tiny_config("dcgan_fashion_mnist_32", mixed_precision=True).mixed_precision == "true"
  assert tiny_config("dcgan_fashion_mnist_32", mixed_precision="False").mixed_precision == "False"
  assert runtime.parse_precision("False") == "false"
  from tfgan_repro.training import run_dir
  assert not run_dir.config_diff({"mixed_precision": False}, {"mixed_precision": "false"})  # an old run resumes


def test_bare_flag_still_means_true():
  from tests.cli import run_main
  for flag, want in (("--mixed_precision", "true"), ("--nomixed_precision", "false"),
                     ("--mixed_precision=auto", "auto")):
    out = run_main("--tiny", "--model=dcgan", "--dataset=fashion_mnist", flag, "--dry_run")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["mixed_precision"] == want


def test_run_info_records_policy_and_why(tmp_path):
  import numpy as np
  from tfgan_repro.training import loop
  npz = tmp_path / "small.npz"
  np.savez(npz, x=np.random.default_rng(0).integers(0, 256, (16, 32, 32, 1), dtype=np.uint8))
  config = tiny_config("dcgan_fashion_mnist_32", steps=1, sample_every=100, mixed_precision="auto",
                       data_dir=str(npz))
  loop.train(config, str(tmp_path / "run"))
  info = json.loads((tmp_path / "run" / "run_info.jsonl").read_text().splitlines()[-1])
  want = runtime.choose_precision("auto")
  assert info["precision"] == {"policy": want.policy, "loss_scaling": want.loss_scaling, "reason": want.reason}
