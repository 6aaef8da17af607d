"""Helpers shared by tests."""
import numpy as np


def tiny_config(preset: str, **overrides):
  from tfgan_repro import presets
  return presets.apply_overrides(presets.load(preset, tiny=True), overrides)


def weights_of(model):
  return [v.numpy() for v in model.weights]
