"""Training: run directories, precision and distribution set-up, checkpoints, callbacks, the loop."""
