"""Command line: `python -m tfgan_repro.main --model=dcgan --dataset=fashion_mnist [--field=value ...]`,
or `--config=my_exp.py` for an experiment kept in one's own file (`config_file`).

Every field of the chosen preset is also a flag. This file is intentionally thin: it parses flags and
calls `tfgan_repro.training.loop.train`; `--help` / `-h` and `--list` are built by `cli_help`.
"""
import json
import logging
import os
import sys

from absl import app, flags

from tfgan_repro import _quiet

# `import tfgan_repro` already filtered TensorFlow's start-up lines; this quiets absl INFO and TFDS chatter.
_quiet.cli()  # TFGAN_VERBOSE=1 (or --verbosity=0) shows them

DEFAULT_MODEL, DEFAULT_DATASET = "began_skip", "fashion_mnist"  # seed 000's Fashion-MNIST 32x32 experiment

flags.DEFINE_string("model", DEFAULT_MODEL, "GAN to train: began, began_skip, dcgan, dcgan_improved, wgan_gp, "
                    "igan, igan_v2, igan_vn (--list shows every preset).")
flags.DEFINE_string("dataset", DEFAULT_DATASET, "mnist, fashion_mnist, cifar10, celeba, lsun, faces256, or folder "
                    "(your images in --data_dir; README \"Own data\").")
flags.DEFINE_string("preset", "", "Preset module in configs/ (overrides --model/--dataset lookup).")
flags.DEFINE_string("config", "", "Your own experiment file: a .py whose get_config() derives from a preset "
                    "(README \"Your own config file\"); instead of --model/--dataset/--preset.")
flags.DEFINE_bool("tiny", False, "Use the preset's tiny variant (seconds; for tests).")
flags.DEFINE_string("workdir", "", "Run directory (default checkpoints/<preset>).")
flags.DEFINE_bool("overwrite", False, "Delete an existing run directory with a different config.")
flags.DEFINE_bool("dry_run", False, "Print the resolved config and exit.")
flags.DEFINE_bool("summary", False, "Print each network's layer table with parameter counts and exit.")
flags.DEFINE_bool("list", False, "Print every preset (model x dataset x resolution, and its paper) and exit.")
FLAGS = flags.FLAGS

_CLI_FLAGS = ("model", "dataset", "preset", "config", "tiny", "workdir", "overwrite", "dry_run", "summary",
              "list")  # help order
_CLI_ONLY = set(_CLI_FLAGS)


def _prescan(argv, name, default):
  """Value of --name in argv before flags are parsed (the preset decides which flags exist)."""
  for i, arg in enumerate(argv):
    if arg.startswith(f"--{name}="):
      return arg.split("=", 1)[1]
    if arg == f"--{name}" and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
      return argv[i + 1]
    if arg in (f"--{name}", f"--no{name}") and isinstance(default, bool):
      return arg == f"--{name}"
  return default


def resolve_config(argv):
  """The config named by --config, or by --model/--dataset/--preset[/--resolution], before flags exist."""
  from tfgan_repro import presets
  tiny, path = _prescan(argv, "tiny", False), _prescan(argv, "config", "")
  if path:
    given = [f"--{name}" for name in ("model", "dataset", "preset") if _prescan(argv, name, None) is not None]
    if given:
      raise ValueError(f"--config={path} names the experiment itself; drop {', '.join(given)} (or --config).")
    from tfgan_repro import config_file
    return config_file.load(path, tiny)
  res = _prescan(argv, "resolution", None)
  return presets.resolve(_prescan(argv, "model", DEFAULT_MODEL), _prescan(argv, "dataset", DEFAULT_DATASET),
                         _prescan(argv, "preset", ""), tiny, int(res) if res and str(res).isdigit() else None)


def _define_config_flags(config):
  for key, value in config.items():
    if key in FLAGS or key in _CLI_ONLY or key == "preset":
      continue
    kind = {bool: flags.DEFINE_bool, int: flags.DEFINE_integer, float: flags.DEFINE_float}.get(
        type(value), flags.DEFINE_string)
    kind(key, value, f"Config field (preset default {value!r}).")


def parse_flags(argv):
  """Loads the preset named by --model/--dataset/--preset, defines its fields as flags, parses argv.

  --list and -h/--help print and exit 0 here, before absl (whose --help exits 1 and lists flags by module).
  """
  from tfgan_repro import cli_help
  if cli_help.wants_list(argv):
    cli_help.emit(cli_help.list_table())
  try:
    config = resolve_config(argv)
  except ValueError as e:
    _die(e)
  _define_config_flags(config)
  if cli_help.wants_help(argv):
    cli_help.emit(cli_help.help_text(config, FLAGS, _CLI_FLAGS))
  # --mixed_precision was a bool flag; its bare forms still mean true / false ("--mixed_precision auto" is a value).
  bare = {"--mixed_precision": "--mixed_precision=true", "--nomixed_precision": "--mixed_precision=false"}
  argv = [bare[a] if a in bare and (i + 1 == len(argv) or argv[i + 1].startswith("-")) else a
          for i, a in enumerate(argv)]
  try:
    rest = FLAGS(argv)
  except flags.Error as e:
    _die(e)
  for key in config.keys():
    if key in FLAGS and FLAGS[key].present and key not in _CLI_ONLY:
      config[key] = FLAGS[key].value
  parse_flags.config = config
  return rest


def _die(error):
  print(f"error: {error}", file=sys.stderr)
  sys.exit(2)


class _DropTFSaverChatter(logging.Filter):
  """TF's checkpoint saver logs one INFO line per save ("Sharding callback duration"); it says nothing to users."""

  def filter(self, record):
    return not str(record.msg).startswith("Sharding callback duration")


def main(argv):
  del argv
  logging.getLogger("absl").addFilter(_DropTFSaverChatter())
  config = parse_flags.config
  from tfgan_repro import cli_actions
  try:
    if FLAGS.dry_run:
      print(json.dumps(config.to_dict(), indent=2, sort_keys=True))
      return 0
    if FLAGS.summary:
      return cli_actions.summary(config)
    workdir = FLAGS.workdir or (cli_actions.default_workdir_of_file(FLAGS.config, FLAGS.tiny) if FLAGS.config else "")
    return cli_actions.run_training(config, workdir, FLAGS.overwrite)
  except (ValueError, FileNotFoundError) as e:  # bad input or missing data: one clear line
    if os.environ.get("TFGAN_TRACEBACK"):
      raise
    _die(e)


if __name__ == "__main__":
  app.run(main, flags_parser=parse_flags)
