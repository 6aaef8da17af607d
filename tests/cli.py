"""Runs `python -m tfgan_repro.main` in a subprocess (real process boundaries for resume tests)."""
import os
import subprocess
import sys

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")


def main_cmd(*args):
  return [sys.executable, "-m", "tfgan_repro.main", *args]


def run_main(*args, timeout=300, env=None):
  return subprocess.run(main_cmd(*args), capture_output=True, text=True, timeout=timeout, env=env or ENV)


def popen_main(*args, env=None):
  return subprocess.Popen(main_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env or ENV)
