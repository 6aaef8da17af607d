"""tfgan_repro: reproductions of BEGAN, BEGAN-skip, IGAN, DCGAN (+ Improved Techniques) and WGAN-GP."""
__version__ = "0.1.0"

from tfgan_repro import _kernels, _quiet

_kernels.before_tensorflow()  # oneDNN's CPU kernels where TF leaves them off on an AVX2 CPU (2x here)
_quiet.before_tensorflow()  # first, so TensorFlow's start-up lines are filtered (TFGAN_VERBOSE=1 shows them)

# Importing the networks registers their custom layers with Keras (package "tfgan_repro"), so an exported
# generator loads with `keras.saving.load_model` after `import tfgan_repro` alone.
from tfgan_repro.networks import began, dcgan, igan, improved, wgan  # noqa: E402,F401

# The Python API (README "Python API"), imported on first use so `import tfgan_repro` stays light:
# train(model=..., dataset=..., **overrides), load(workdir).generate(n), shipped_run(name), metrics.*.
_API = {"train": "tfgan_repro.api", "load": "tfgan_repro.api", "Generator": "tfgan_repro.api",
        "shipped_run": "tfgan_repro.locations", "metrics": None, "presets": None}


def __getattr__(name):
  import importlib
  if name not in _API:
    raise AttributeError(f"module 'tfgan_repro' has no attribute {name!r}")
  if _API[name] is None:
    return importlib.import_module(f"tfgan_repro.{name}")
  return getattr(importlib.import_module(_API[name]), name)


def __dir__():
  return sorted(set(globals()) | set(_API))
