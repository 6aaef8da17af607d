"""Installs tfgan_repro; `configs/` is shipped as the subpackage `tfgan_repro.configs`."""
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
    packages=find_packages(include=["tfgan_repro", "tfgan_repro.*"]) + ["tfgan_repro.configs"],
    package_dir={"tfgan_repro.configs": "configs"},
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
        "test": ["pytest>=7", "pytest-timeout"],
    },
)
