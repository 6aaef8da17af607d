"""`--config=path/to/my_exp.py`: an experiment kept in the user's own file, outside the package.

The file defines `get_config()` (and, for --tiny, `get_tiny_config()`) returning a ConfigDict derived from a
preset, in the manner of ml_collections' config files:

    from tfgan_repro import presets

    def get_config():
      config = presets.load("dcgan_fashion_mnist_32")  # records config.preset, which run directories compare
      config.batch_size = 32
      return config

ml_collections' `config_flags` would parse the file during flag parsing, but the config's fields become
flags of their own (`--steps=...`), so the file must be read before the flags exist; hence this small loader.
Anything wrong with the file is one ValueError line naming it.
"""
import importlib.util
import os

import ml_collections


def _fail(path: str, why: str) -> ValueError:
  return ValueError(f"--config={path} {why}".replace("\n", " "))


def load(path: str, tiny: bool = False) -> ml_collections.ConfigDict:
  """The ConfigDict of the file's get_config() (get_tiny_config() if `tiny`)."""
  if not os.path.isfile(path):
    raise _fail(path, "is not a file; give the path of a .py file that defines get_config().")
  if not path.endswith(".py"):
    raise _fail(path, "is not a .py file; give a Python file that defines get_config().")
  name = "tfgan_repro_config_" + os.path.splitext(os.path.basename(path))[0]
  spec = importlib.util.spec_from_file_location(name, path)
  module = importlib.util.module_from_spec(spec)
  try:
    spec.loader.exec_module(module)
  except Exception as e:  # any error of the user's code: report it on one line, not as a traceback
    raise _fail(path, f"could not be loaded: {type(e).__name__}: {e}") from None
  function = "get_tiny_config" if tiny else "get_config"
  if not callable(getattr(module, function, None)):
    raise _fail(path, f"defines no {function}()" + (" (needed by --tiny)." if tiny else "."))
  try:
    config = getattr(module, function)()
  except ValueError as e:  # e.g. presets.load's own message for a preset name that does not exist
    raise _fail(path, f"{function}() failed: {e}") from None
  except Exception as e:
    raise _fail(path, f"{function}() failed: {type(e).__name__}: {e}") from None
  if not isinstance(config, ml_collections.ConfigDict):
    raise _fail(path, f"{function}() returned a {type(config).__name__}, not a ConfigDict; start from a preset: "
                "tfgan_repro.presets.load(NAME).")
  if not config.get("preset") or "model" not in config:
    raise _fail(path, f"{function}() returned a config that names no preset; start from one with "
                "tfgan_repro.presets.load(NAME) (`python -m tfgan_repro.main --list` lists them).")
  return config
