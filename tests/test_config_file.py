"""`--config=path/to/my_exp.py`: an experiment in the user's own file, derived from a preset."""
import json
import textwrap

import pytest

from tfgan_repro import config_file

from tests.cli import run_main

MY_EXP = '''
from tfgan_repro import presets


def get_config():
  config = presets.load("dcgan_fashion_mnist_32")
  config.batch_size = 32
  config.g_lr = 0.0001
  return config


def get_tiny_config():
  config = presets.load("dcgan_fashion_mnist_32", tiny=True)
  config.steps = 1
  return config
'''


@pytest.fixture
def my_exp(tmp_path):
  path = tmp_path / "my_exp.py"
  path.write_text(MY_EXP)
  return path


def test_a_config_file_derives_from_a_preset_and_flags_still_override_it(my_exp, tmp_path):
  out = run_main(f"--config={my_exp}", "--dry_run", "--g_lr=0.003")
  assert out.returncode == 0, out.stderr
  config = json.loads(out.stdout)
  assert config["preset"] == "dcgan_fashion_mnist_32" and config["batch_size"] == 32  # the file's
  assert config["g_lr"] == 0.003 and config["d_lr"] == 0.0002                          # the flag's, the preset's
  # --tiny reads get_tiny_config(); it trains, into checkpoints/<file name>_tiny unless --workdir says otherwise.
  out = run_main(f"--config={my_exp}", "--tiny", f"--workdir={tmp_path / 'run'}")
  assert out.returncode == 0, out.stderr
  assert json.loads((tmp_path / "run" / "config.json").read_text())["preset"] == "dcgan_fashion_mnist_32/tiny"
  from tfgan_repro import cli_actions
  assert cli_actions.default_workdir_of_file(str(my_exp), tiny=True).endswith("my_exp_tiny")


@pytest.mark.parametrize("text, expected", [
    (None, "is not a file"),
    ("def get_config(:\n", "could not be loaded: SyntaxError: "),
    ("import no_such_module\n", "could not be loaded: ModuleNotFoundError: No module named 'no_such_module'"),
    ("x = 1\n", "defines no get_config()."),
    ("def get_config():\n  return {'model': 'dcgan'}\n", "returned a dict, not a ConfigDict"),
    ("import ml_collections\ndef get_config():\n  return ml_collections.ConfigDict({'steps': 3})\n",
     "names no preset"),
    ("from tfgan_repro import presets\ndef get_config():\n  return presets.load('dcgan_mnist_7')\n",
     "get_config() failed: No preset named 'dcgan_mnist_7'"),
])
def test_a_broken_config_file_is_one_error_line(tmp_path, text, expected):
  path = tmp_path / "exp.py"
  if text is not None:
    path.write_text(textwrap.dedent(text))
  with pytest.raises(ValueError) as error:
    config_file.load(str(path))
  message = str(error.value)
  assert message.startswith(f"--config={path} ") and expected in message and "\n" not in message


def test_the_command_line_reports_a_bad_config_file_in_one_line(tmp_path, my_exp):
  out = run_main(f"--config={tmp_path / 'missing.py'}", "--dry_run")
  assert out.returncode == 2
  assert out.stderr.strip().splitlines()[-1] == (f"error: --config={tmp_path / 'missing.py'} is not a file; give "
                                                 "the path of a .py file that defines get_config().")
  out = run_main(f"--config={my_exp}", "--model=wgan_gp", "--dry_run")
  assert out.returncode == 2 and "drop --model" in out.stderr.strip().splitlines()[-1]
