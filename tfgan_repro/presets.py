"""Finds the preset for a (model, dataset[, resolution]) pair in `configs/` and applies overrides.

Preset files are named `<model>_<dataset>_<resolution>.py` and define `get_config()` and
`get_tiny_config()`.
"""
import importlib
import pkgutil
import re
from typing import Dict, List, Optional, Tuple

import ml_collections

import tfgan_repro.configs as configs_pkg

_NAME = re.compile(r"^(?P<rest>.+)_(?P<res>\d+)$")


def list_presets() -> List[Tuple[str, int]]:
  """[(module name, resolution)] of every preset file."""
  out = []
  for info in pkgutil.iter_modules(configs_pkg.__path__):
    m = _NAME.match(info.name)
    if m:
      out.append((info.name, int(m.group("res"))))
  return sorted(out)


def find(model: str, dataset: str, resolution: Optional[int] = None) -> str:
  """Module name of the preset at `resolution` if there is one, else the smallest resolution's."""
  prefix = f"{model}_{dataset}_"
  matches = [(res, name) for name, res in list_presets() if name.startswith(prefix)
             and name[len(prefix):].isdigit()]
  if not matches:
    pairs = sorted({name.rsplit("_", 1)[0] for name, _ in list_presets()})
    raise ValueError(f"No preset for --model={model} --dataset={dataset}. Presets (model_dataset): "
                     f"{', '.join(pairs)}.")
  for res, name in matches:  # a preset made for the asked resolution wins; else --resolution overrides
    if res == resolution:
      return name
  return min(matches)[1]


def load(name: str, tiny: bool = False) -> ml_collections.ConfigDict:
  try:
    module = importlib.import_module(f"tfgan_repro.configs.{name}")
  except ModuleNotFoundError:
    raise ValueError(f"No preset named {name!r}; see configs/.") from None
  config = module.get_tiny_config() if tiny else module.get_config()
  config.preset = name + ("/tiny" if tiny else "")
  return config


def apply_overrides(config: ml_collections.ConfigDict, overrides: Dict[str, object]) -> ml_collections.ConfigDict:
  """Sets fields by name, converting strings to the field's type; unknown names are an error."""
  for key, value in overrides.items():
    if key not in config:
      raise ValueError(f"Unknown config field {key!r}; fields: {', '.join(sorted(config.keys()))}.")
    old = config[key]
    if isinstance(value, str) and not isinstance(old, str):
      value = parse_value(value, old, key)
    config[key] = value
  return config


def parse_value(text: str, like, key: str = "value"):
  try:
    if isinstance(like, bool):
      if text.lower() in ("1", "true", "yes"):
        return True
      if text.lower() in ("0", "false", "no"):
        return False
      raise ValueError
    if isinstance(like, int):
      return int(text)
    if isinstance(like, float):
      return float(text)
  except ValueError:
    raise ValueError(f"--{key} expects a {type(like).__name__}, got {text!r}.") from None
  return text
