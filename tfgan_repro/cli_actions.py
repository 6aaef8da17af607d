"""What the command line does once the config is resolved (kept apart so tests can call it)."""
import os
import sys

from tfgan_repro.experiment import Experiment
from tfgan_repro.training import loop

CHECKPOINT_ROOT = os.environ.get("TFGAN_CHECKPOINTS", "checkpoints")


def default_workdir(config) -> str:
  """checkpoints/<preset>[_tiny]; a folder run (own images): checkpoints/<model>_folder_<resolution>[_tiny]."""
  name = config.preset
  if config.get("dataset") == "folder" and not name.startswith(f"{config.model}_folder_"):
    name = f"{config.model}_folder_{config.resolution}" + ("/tiny" if name.endswith("/tiny") else "")
  return os.path.join(CHECKPOINT_ROOT, name.replace("/", "_"))


def default_workdir_of_file(path: str, tiny: bool = False) -> str:
  """checkpoints/<file name>[_tiny] for --config=path/<file name>.py: its own, not its preset's, directory."""
  return os.path.join(CHECKPOINT_ROOT, os.path.splitext(os.path.basename(path))[0] + ("_tiny" if tiny else ""))


def run_training(config, workdir: str = "", overwrite: bool = False) -> int:
  workdir = workdir or default_workdir(config)
  try:
    loop.train(Experiment.resolve(config), workdir, overwrite=overwrite)
  except loop.NonFiniteError as e:
    print(f"error: {e}", file=sys.stderr)
    return 3
  except loop.Interrupted as e:
    print(str(e), file=sys.stderr)
    return 128 + e.signum
  return 0


def summary(config) -> int:
  from tfgan_repro import gans
  model = gans.build(Experiment.resolve(config), loss_scaling=False)
  for net in model.networks().values():
    net.summary(expand_nested=True, line_length=110)
  return 0
