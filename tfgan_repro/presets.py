"""Finds the preset for a (model, dataset[, resolution]) pair in `configs/` and applies overrides.

Preset files are named `<model>_<dataset>_<resolution>.py` and define `get_config()` and
`get_tiny_config()`.

`--dataset=folder` (own images) has no preset files: it takes the model's preset closest to --resolution,
preferring an RGB data set (CelebA / LSUN / CIFAR-10 framing, the nearest thing to a folder of photos), and
reads the folder instead (`folder_preset`). Everything else of that preset (networks, optimiser, steps) stays.
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


FOLDER = "folder"
_RGB_FIRST = ("celeba", "lsun", "cifar10", "faces256")  # tie-break for folder runs: photos before grey digits


def split_name(name: str) -> Tuple[str, str]:
  """'began_skip_fashion_mnist_32' -> ('began_skip', 'fashion_mnist'), by the known data set names."""
  from tfgan_repro.data.datasets import DATASETS
  rest = _NAME.match(name).group("rest")
  for dataset in sorted(DATASETS, key=len, reverse=True):
    if rest.endswith("_" + dataset):
      return rest[:-len(dataset) - 1], dataset
  model, _, dataset = rest.rpartition("_")
  return model, dataset


def models() -> List[str]:
  return sorted({split_name(name)[0] for name, _ in list_presets()})


def folder_preset(model: str, resolution: Optional[int] = None) -> str:
  """The preset a `--dataset=folder` run of `model` starts from: closest in resolution, RGB data first."""
  own = [(name, res) for name, res in list_presets() if split_name(name)[0] == model]
  if not own:
    raise ValueError(f"No preset for --model={model}; models: {', '.join(models())}.")
  def rank(item):
    name, res = item
    dataset = split_name(name)[1]
    return (abs(res - resolution) if resolution else 0, res,
            _RGB_FIRST.index(dataset) if dataset in _RGB_FIRST else len(_RGB_FIRST), name)
  return min(own, key=rank)[0]


def find(model: str, dataset: str, resolution: Optional[int] = None) -> str:
  """Module name of the preset at `resolution` if there is one, else the smallest resolution's."""
  if dataset == FOLDER and not any(split_name(n) == (model, FOLDER) for n, _ in list_presets()):
    return folder_preset(model, resolution)
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
    raise ValueError(f"No preset named {name!r}; see `python -m tfgan_repro.main --list`.") from None
  config = module.get_tiny_config() if tiny else module.get_config()
  config.preset = name + ("/tiny" if tiny else "")
  return config


def resolve(model: str, dataset: str, preset: str = "", tiny: bool = False,
            resolution: Optional[int] = None) -> ml_collections.ConfigDict:
  """The config of --preset, or of (--model, --dataset[, --resolution]); a folder run reads --data_dir.

  `config.preset` stays the preset it was made from (run records compare against it); a folder run's
  dataset and resolution then show as deviations from it, which they are.
  """
  name = preset or find(model, dataset, resolution)
  config = load(name, tiny)
  if dataset == FOLDER and not preset and config.dataset != FOLDER:
    config.dataset = FOLDER
    if resolution:
      config.resolution = int(resolution)
  return config


def describe(config, name: str) -> str:
  """One paragraph for --help: what the preset reproduces (its docstring), and a folder run's origin."""
  from tfgan_repro import cli_help
  text = cli_help.preset_summary(name)
  if config.get("dataset") == FOLDER and split_name(name)[1] != FOLDER:
    text = (f"Own images (--dataset=folder --data_dir=DIR) with the networks and training of {name}, the "
            f"{config.model} preset closest to --resolution={config.resolution}: {text}")
  return text


def apply_overrides(config: ml_collections.ConfigDict, overrides: Dict[str, object]) -> ml_collections.ConfigDict:
  """Sets fields by name, converting strings to the field's type; unknown names are an error."""
  for key, value in overrides.items():
    if key not in config:
      raise ValueError(f"Unknown config field {key!r}; fields: {', '.join(sorted(config.keys()))}.")
    old = config[key]
    if isinstance(value, str) and not isinstance(old, str):
      value = parse_value(value, old, key)
    elif isinstance(value, bool) and isinstance(old, str):  # a field that grew from a bool (mixed_precision)
      value = str(value).lower()
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
