"""Experiment presets, one file per paper experiment: `<model>_<dataset>_<resolution>.py`.

Installed as `tfgan_repro.configs`. Each preset defines `get_config()` (the paper's values,
each cited) and `get_tiny_config()` (the same experiment shrunk to run in seconds for tests).
"""
