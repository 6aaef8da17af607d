"""Quiet by default: TensorFlow's start-up lines, absl INFO logs and TFDS's advice stay off the terminal.

On a CPU-only machine every command used to begin with 7-9 C++ lines (oneDNN, "Could not find cuda drivers",
"failed call to cuInit") and, when data was missing, TFDS lines advising `download=True` -- which contradicts
our own one-line error. Two parts:

- `before_tensorflow()` (run by `import tfgan_repro`, so before any TensorFlow import of ours):
  TF_CPP_MIN_LOG_LEVEL defaults to 2 (C++ errors still show), and the first `import tensorflow` runs with
  file descriptor 2 captured, because TensorFlow 2.21 writes its INFO lines through absl before its logging
  honours TF_CPP_MIN_LOG_LEVEL. Captured lines are replayed unless they are below that level, absl's
  "before absl::InitializeLog()" banner, or the cuInit failure of a machine without a CUDA driver.
- `cli()` (called by every command-line module before `app.run`): absl logs WARNING and above unless
  --verbosity is given, and TFDS's own warnings are dropped (our error names what to do).

TFGAN_VERBOSE=1 turns all of this off; a TF_CPP_MIN_LOG_LEVEL or --verbosity the user sets is kept.
"""
import logging
import os
import re
import sys
import tempfile

DEFAULT_TF_CPP_MIN_LOG_LEVEL = "2"  # 0 INFO, 1 WARNING, 2 ERROR, 3 FATAL
_SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
_CPP_LINE = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] ")  # seconds: unix time before absl init
_BANNER = "All log messages before absl::InitializeLog() is called are written to STDERR"
_NO_DRIVER = "Could not find cuda drivers"  # TF's own line when no CUDA driver is installed
_CUINIT = "failed call to cuInit"


def verbose() -> bool:
  return os.environ.get("TFGAN_VERBOSE", "") not in ("", "0")


def _level() -> int:
  try:
    return int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", DEFAULT_TF_CPP_MIN_LOG_LEVEL))
  except ValueError:
    return 0


def kept_lines(text: str, level: int) -> str:
  """The lines of captured start-up output that a user at TF_CPP_MIN_LOG_LEVEL=`level` should see."""
  if level <= 0:
    return text
  no_driver = _NO_DRIVER in text
  kept = []
  for line in text.splitlines(keepends=True):
    match = _CPP_LINE.match(line)
    if _BANNER in line or (match and _SEVERITY[match.group(1)] < level):
      continue
    if no_driver and _CUINIT in line:  # expected on a CPU-only machine, not an error
      continue
    kept.append(line)
  return "".join(kept)


def before_tensorflow() -> None:
  """Sets TF_CPP_MIN_LOG_LEVEL unless set, then imports TensorFlow and finds its devices with stderr filtered.

  A no-op under TFGAN_VERBOSE=1 or once TensorFlow is imported (then its start-up lines are printed already).
  """
  if verbose() or "tensorflow" in sys.modules:
    return
  os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_TF_CPP_MIN_LOG_LEVEL)
  sys.stderr.flush()
  saved = os.dup(2)
  with tempfile.TemporaryFile() as captured:
    os.dup2(captured.fileno(), 2)
    try:
      import tensorflow as tf
      # Device discovery is where cuInit runs; listing does not initialise the runtime, so logical-device
      # and memory-growth settings can still be made afterwards.
      tf.config.list_physical_devices("GPU")
    finally:
      sys.stderr.flush()
      os.dup2(saved, 2)
      os.close(saved)
      captured.seek(0)
      sys.stderr.write(kept_lines(captured.read().decode(errors="replace"), _level()))
      sys.stderr.flush()


class _DropTFDSChatter(logging.Filter):
  """TFDS logs through absl; below ERROR it only narrates, or advises download=True, which we never do."""

  def filter(self, record):
    return record.levelno >= logging.ERROR or f"{os.sep}tensorflow_datasets{os.sep}" not in record.pathname


_TFDS_FILTER = _DropTFDSChatter()


def cli() -> None:
  """For a command-line module, before (or inside) `app.run`: WARNING and above from absl unless the user
  passes --verbosity, no TFDS chatter. A no-op under TFGAN_VERBOSE=1."""
  if verbose():
    return
  from absl import flags
  from absl import logging as absl_logging
  if not (flags.FLAGS.is_parsed() and flags.FLAGS["verbosity"].present):
    # Setting it marks the flag as set, so app.run does not raise it to INFO; a --verbosity given on the
    # command line is parsed later and wins.
    absl_logging.set_verbosity(absl_logging.WARNING)
  logging.getLogger("absl").addFilter(_TFDS_FILTER)  # the same object each time: added once
