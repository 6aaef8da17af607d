"""Losses and penalties: pure functions of tensors, one module per family."""
