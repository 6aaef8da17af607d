"""oneDNN's CPU kernels: turned on by `import tfgan_repro` on an AVX2/FMA x86-64 Linux CPU unless the user set
TF_ENABLE_ONEDNN_OPTS, and recorded in run_info.jsonl."""
import json
import os
import platform
import subprocess
import sys

import numpy as np

from tfgan_repro import _kernels
from tfgan_repro.perf import machine

AVX2 = ["fpu", "sse4_2", "avx", "avx2", "fma"]

PROBE = ("import json, os, tfgan_repro; from tfgan_repro import _kernels; "
         "print(json.dumps({'env': os.environ.get('TF_ENABLE_ONEDNN_OPTS'), **_kernels.state()}))")


def probe(**env_changes):
  env = {k: v for k, v in os.environ.items() if k not in (_kernels.ENV, _kernels.MARK)}
  env.update(env_changes, TF_CPP_MIN_LOG_LEVEL="3")
  out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
  assert out.returncode == 0, out.stderr
  return json.loads(out.stdout.strip().splitlines()[-1])


def test_an_avx2_fma_linux_cpu_gets_onednn():
  value, reason = _kernels.choose({}, AVX2, "Linux", "x86_64")
  assert value == "1"
  assert "TF_ENABLE_ONEDNN_OPTS=0" in reason  # says how to undo it


def test_where_tensorflow_turns_it_on_itself_the_reason_says_so():
  """On an AVX512_BF16 CPU the setting changes nothing, and the record must not call the CPU AVX2-only."""
  value, reason = _kernels.choose({}, AVX2 + ["avx512f", "avx512_vnni", "avx512_bf16"], "Linux", "x86_64")
  assert value == "1"
  assert "AVX2/FMA CPU" not in reason and "by itself on this CPU as well (AVX512_VNNI/AVX512_BF16)" in reason
  assert "AVX2/FMA CPU" in _kernels.choose({}, AVX2 + ["avx512f"], "Linux", "x86_64")[1]  # AVX-512 alone: no


def test_a_value_the_user_set_is_kept_either_way():
  for user in ("0", "1"):
    value, reason = _kernels.choose({"TF_ENABLE_ONEDNN_OPTS": user}, AVX2, "Linux", "x86_64")
    assert value is None and f"TF_ENABLE_ONEDNN_OPTS={user}" in reason


def test_a_child_of_a_tfgan_repro_process_says_who_chose():
  """campaign / bench children inherit the variable from a parent that set it; they do not call it the user's."""
  value, reason = _kernels.choose({"TF_ENABLE_ONEDNN_OPTS": "1", _kernels.MARK: "1"}, AVX2, "Linux", "x86_64")
  assert value is None and "set by tfgan_repro" in reason
  _, reason = _kernels.choose({"TF_ENABLE_ONEDNN_OPTS": "0", _kernels.MARK: "1"}, AVX2, "Linux", "x86_64")
  assert reason == "TF_ENABLE_ONEDNN_OPTS=0 as set in the environment"  # the user changed it since


def test_other_cpus_and_systems_keep_tensorflows_default():
  assert _kernels.choose({}, ["sse4_2", "avx"], "Linux", "x86_64")[0] is None  # no AVX2 / FMA
  assert "AVX2/FMA" in _kernels.choose({}, ["sse4_2", "avx"], "Linux", "x86_64")[1]
  assert _kernels.choose({}, ["avx2"], "Linux", "x86_64")[1].endswith("lacks FMA")
  assert _kernels.choose({}, AVX2, "Darwin", "x86_64")[0] is None
  assert _kernels.choose({}, [], "Linux", "aarch64")[0] is None


def test_import_turns_it_on_where_the_choice_says_so():
  """A fresh process without the variable: what this CPU's flags call for is what TensorFlow runs."""
  value, _ = _kernels.choose({}, machine.cpu_flags(), platform.system(), platform.machine())
  got = probe()
  assert got["env"] == value
  if value == "1":
    assert got["onednn"] is True, got
    assert "set by tfgan_repro" in got["reason"]


def test_the_users_zero_keeps_eigens_kernels():
  got = probe(TF_ENABLE_ONEDNN_OPTS="0")
  assert got["env"] == "0"
  assert got["onednn"] is False, got
  assert got["reason"] == "TF_ENABLE_ONEDNN_OPTS=0 as set in the environment"


def test_run_info_records_the_kernels(tmp_path):
  from tests.cli import run_main
  npz = tmp_path / "small.npz"
  np.savez(npz, x=np.random.default_rng(0).integers(0, 256, (16, 32, 32, 1), dtype=np.uint8))
  env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
  out = run_main("--tiny", "--model=dcgan", "--dataset=fashion_mnist", f"--data_dir={npz}", "--steps=1",
                 "--sample_every=100", f"--workdir={tmp_path / 'run'}", env=env)
  assert out.returncode == 0, out.stderr
  info = json.loads((tmp_path / "run" / "run_info.jsonl").read_text().splitlines()[-1])
  kernels = info["cpu_kernels"]
  assert kernels["onednn"] is False and kernels["reason"] == "TF_ENABLE_ONEDNN_OPTS=0 as set in the environment"
  # which CPU trained: another CPU's oneDNN kernels give another trajectory from the same seed
  assert kernels["cpu"] == machine.cpu_model()
  assert kernels["flags"] == [f for f in _kernels.KERNEL_FLAGS if f in machine.cpu_flags()]
