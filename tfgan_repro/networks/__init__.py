"""Networks: plain Keras models, no training logic."""
