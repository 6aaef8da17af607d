"""Installs tfgan_repro; `configs/` is shipped as the subpackage `tfgan_repro.configs`, and the tracked files of
`checkpoints/classifiers/` and `checkpoints/shipped/` as package data `tfgan_repro/assets/` (found through
`tfgan_repro.locations`; git holds them once, in checkpoints/)."""
import re
from pathlib import Path

from setuptools import find_packages, setup

_VERSION = re.search(r'__version__ = "([^"]+)"',
                     Path("tfgan_repro/__init__.py").read_text()).group(1)

setup(
    name="tfgan_repro",
    version=_VERSION,
    description="Faithful TensorFlow 2 / Keras 3 reproductions of BEGAN, IGAN, DCGAN and WGAN-GP papers.",
    long_description=Path("README.md").read_text() if Path("README.md").exists() else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["tfgan_repro", "tfgan_repro.*"]) + ["tfgan_repro.configs", "tfgan_repro.assets"],
    package_dir={"tfgan_repro.configs": "configs", "tfgan_repro.assets": "checkpoints"},
    # Only these: checkpoints/ also collects the user's own (untracked) run directories.
    package_data={"tfgan_repro.assets": ["README.md", "classifiers/*/*", "shipped/*/*", "shipped/*/ckpt/*"]},
    include_package_data=False,
    install_requires=[
        "tensorflow>=2.16,<2.22",
        "keras>=3.3",
        "tensorflow-datasets>=4.9",
        "tensorboard",
        "absl-py",
        "ml-collections>=0.1.1",
        "numpy",
        "scipy",
        "pillow",
        "matplotlib",
        "tqdm",
    ],
    extras_require={
        "gpu": ["tensorflow[and-cuda]>=2.16,<2.22"],
        "test": ["pytest>=7", "pytest-timeout", "pytest-xdist>=3"],
    },
)
