"""`Experiment`: a run resolved once from the preset plus the flags, then handed to every layer.

Before, the flat config travelled whole and each layer worked out the same facts again (the channel rule, the
parsed --classes, how many images a step takes, the checks). Here each is derived once:
- `data`: a `DataSpec` (dataset, split, resolution, channels, classes, data_dir, seed); `data.open()` finds
  the source, which the trainer opens once and hands on;
- `layout`: what one train_step consumes, declared by the GAN family from the config (`gans.step_layout`),
  not read off a built model;
- `config`: the resolved ConfigDict itself, the family's hyperparameters, which model code reads by field and
  which is what RUN/config.json records.

`Experiment.load(RUN)` rebuilds the one a run directory was trained with.
"""
import copy
import dataclasses
import json
from pathlib import Path
from typing import Optional

import ml_collections

from tfgan_repro import gans
from tfgan_repro.data import datasets
from tfgan_repro.data.spec import DataSpec

_POSITIVE = ("batch_size", "steps", "log_every", "sample_every", "ckpt_every", "keep_checkpoints", "num_samples",
             "resolution")


def check(config) -> None:
  """Rejects impossible settings with one line that says what is allowed (before anything is loaded)."""
  from tfgan_repro.training import runtime
  for name in _POSITIVE:
    if name in config and int(config[name]) <= 0:
      raise ValueError(f"--{name} must be a positive integer, got {config[name]}.")
  datasets.get_info(config.dataset)
  if config.get("channels", 0) not in (0, 1, 3):
    raise ValueError(f"--channels must be 0 (the dataset's own), 1 or 3; got {config.channels}.")
  if config.get("strategy", "default") not in runtime.STRATEGIES:
    raise ValueError(f"--strategy must be one of {', '.join(runtime.STRATEGIES)}; got {config.strategy!r}.")
  runtime.check_execution(config)  # --mixed_precision, --threads, --jit_compile, --steps_per_execution


@dataclasses.dataclass(frozen=True)
class Experiment:
  config: ml_collections.ConfigDict   # a private copy: changing the caller's config later changes nothing here
  data: DataSpec
  layout: gans.StepLayout

  @classmethod
  def resolve(cls, config, *, channels: Optional[int] = None) -> "Experiment":
    """Checks `config` and derives the rest. `channels` replaces the dataset's (tests build odd shapes)."""
    check(config)
    config = copy.deepcopy(config)
    data = DataSpec.make(config.dataset, split=config.get("split", "train"), resolution=config.resolution,
                         channels=channels or config.get("channels", 0), classes=config.get("classes", ""),
                         data_dir=config.get("data_dir", ""), seed=config.get("seed", 0))
    return cls(config, data, gans.step_layout(config, data.classes))

  @classmethod
  def load(cls, workdir) -> "Experiment":
    """The experiment recorded in RUN/config.json."""
    path = Path(workdir) / "config.json"
    if not path.is_file():
      raise FileNotFoundError(f"{path} not found: --workdir must be a run directory made by tfgan_repro.main.")
    return cls.resolve(ml_collections.ConfigDict(json.loads(path.read_text())))

  @classmethod
  def of(cls, experiment_or_config) -> "Experiment":
    """An Experiment as is; a ConfigDict (the Python API's callers, tests, the benchmarks) resolved."""
    if isinstance(experiment_or_config, cls):
      return experiment_or_config
    return cls.resolve(experiment_or_config)

  @property
  def seed(self) -> int:
    return int(self.config.seed)

  @property
  def pipeline_batch(self) -> int:
    """Images per class group that the data pipeline delivers for one step (all of them unless class-major)."""
    return int(self.config.batch_size) * self.layout.batches_per_step

  @property
  def images_per_step(self) -> int:
    return self.pipeline_batch * (len(self.data.classes) if self.layout.class_major else 1)
