"""Floating-point work of a traced TensorFlow function, counted from its graph.

The count is TF's own per-op statistics (the "flops" that `tf.profiler` reports: 2 per multiply-add for
convolutions and matmuls, one per element for element-wise ops), summed over the ops the runtime executes:
those that the function's outputs and its stateful ops (variable updates) depend on. Counting the whole
graph instead would include gradients that are built but never run (e.g. a convolution's filter gradient
inside a tape that only asks for input gradients), which overstates a GAN step by about 30%.
Nested functions (a `tf.function` called inside, e.g. IGAN's critic step) are counted once per call.
"""
import tensorflow as tf
from tensorflow.python.framework import ops as tf_ops
from tensorflow.python.util import deprecation

_CALLS = ("PartitionedCall", "StatefulPartitionedCall")


def _executed(graph):
  """Ops of `graph` reachable backwards from its outputs and its stateful ops."""
  roots = [t.op for t in graph.outputs] + [op for op in graph.get_operations() if op.op_def.is_stateful]
  seen, stack = {}, list(roots)
  while stack:
    op = stack.pop()
    if op.name in seen:
      continue
    seen[op.name] = op
    stack.extend(t.op for t in op.inputs)
    stack.extend(op.control_inputs)
  return seen.values()


def _function_graph(graph, name):
  while graph is not None:
    fn = getattr(graph, "_functions", {}).get(name)
    if fn is not None:
      return fn.graph
    graph = getattr(graph, "outer_graph", None)
  return None


def graph_flops(graph) -> float:
  total = 0.0
  for op in _executed(graph):
    if op.type in _CALLS:
      inner = _function_graph(graph, op.get_attr("f").name)
      total += graph_flops(inner) if inner is not None else 0.0
      continue
    try:
      stats = tf_ops.get_stats_for_node_def(graph, op.node_def, "flops")
    except (ValueError, TypeError):  # an op whose shapes are unknown has no count
      continue
    total += stats.value or 0.0
  return total


def function_flops(fn, *args) -> float:
  """Flops of one call of `fn` (a Python callable or tf.function) on `args` (tensors or TensorSpecs)."""
  if not hasattr(fn, "get_concrete_function"):
    fn = tf.function(fn)
  graph = fn.get_concrete_function(*args).graph
  with deprecation.silence():  # the shape helper behind TF's op statistics is a deprecated v1 function
    return graph_flops(graph)
