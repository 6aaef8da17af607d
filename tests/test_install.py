"""A non-editable `pip install .` finds its classifier, shipped run and presets (issue 15.7). Slow: RUN_SLOW=1.

The venv gets this environment's third-party packages through a .pth line (TensorFlow is not re-installed),
but its tfgan_repro is the built wheel: the package is imported from a directory that is not the checkout.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.environ.get("RUN_SLOW"), reason="slow (pip install); set RUN_SLOW=1")]

PROBE = r"""
import sys, tfgan_repro
from tfgan_repro import locations, presets
from tfgan_repro.metrics.features import classifier
assert "site-packages" in tfgan_repro.__file__, tfgan_repro.__file__
root = str(locations.assets_root())
assert root.startswith(tfgan_repro.__path__[0]), root  # the package's own copy, not a checkout's
import os
assert os.path.isfile(classifier.default_path("fashion_mnist")), classifier.default_path("fashion_mnist")
gen = tfgan_repro.load(tfgan_repro.shipped_run())
images = gen.generate(4)
assert images.shape == (4, 32, 32, 1) and str(images.dtype) == "uint8", images.shape
assert len(presets.list_presets()) > 20
print("INSTALLED-OK", root)
"""


def _source_copy(dest: Path) -> Path:
  """The files git would ship (tracked + new, not ignored): an install from a clean tree, no build/ here."""
  files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split("\n")
  for name in filter(None, files):
    if (REPO / name).is_file():
      (dest / name).parent.mkdir(parents=True, exist_ok=True)
      shutil.copy2(REPO / name, dest / name)
  return dest


def test_non_editable_install_finds_classifier_and_shipped_run(tmp_path):
  src = _source_copy(tmp_path / "src")
  venv = tmp_path / "venv"
  subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
  python = venv / "bin" / "python"
  purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                capture_output=True, text=True, check=True).stdout.strip())
  # This environment's packages (TensorFlow, pip, ...) after the venv's own; its editable tfgan_repro finder
  # is a .pth of that directory and so is not run.
  (purelib / "_host_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
  install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(src)],
                           capture_output=True, text=True, timeout=900)
  assert install.returncode == 0, install.stderr[-3000:]
  shutil.rmtree(src)  # nothing may be read from the source tree any more
  env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
  env.pop("TFGAN_ASSETS", None)
  out = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True, cwd=tmp_path, env=env,
                       timeout=300)
  assert "INSTALLED-OK" in out.stdout, out.stdout[-2000:] + out.stderr[-3000:]
  help_out = subprocess.run([str(python), "-m", "tfgan_repro.main", "--list"], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=300)
  assert help_out.returncode == 0 and "igan_v2_celeba_96" in help_out.stdout, help_out.stderr[-2000:]
