"""Throughput measurement behind `python -m tfgan_repro.bench`: machine facts and matmul peak (`machine`),
floating-point work of a traced step (`flops`), timed loops (`timing`), the training-step, pipeline and
evaluation figures (`training`, `evaluation`) and the Markdown report (`report`)."""


class ChildFailed(RuntimeError):
  """A child process of the bench (the one-core bench, the stock bare step) failed; its output is above."""
