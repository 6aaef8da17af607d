"""--deterministic: two fresh traces of the same IGAN_v2 training step give bit-identical weights.

Each trace is a new model (new Keras layer names, hence a new graph for grappler), restored from the same
checkpoint and stepped on the same batch. With grappler's arithmetic optimizer on, the join sum of IGAN_v2's
generator becomes an AddN whose summation order depends on run-time buffer reuse, and the traces differ
(runtime.configure_determinism explains). Runs in a subprocess: op determinism is process-wide.
"""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import tensorflow as tf
    from tfgan_repro import gans
    from tfgan_repro.training import runtime
    from tests.helpers import tiny_config

    runtime.configure_determinism(0, sys.argv[1] == "1")
    config = tiny_config("igan_v2_fashion_mnist_96")
    first = gans.build(config, 1)
    path = tf.train.Checkpoint(**first.checkpoint_items()).save(sys.argv[2])
    n = config.batch_size * first.batches_per_step * first.num_classes
    images = np.random.default_rng(0).uniform(-1, 1, (n, 96, 96, 1)).astype(np.float32)
    data = {"images": tf.constant(images), "labels": tf.zeros([n], tf.int64)}
    results = []
    for _ in range(2):
      model = gans.build(config, 1)
      tf.train.Checkpoint(**model.checkpoint_items()).restore(path).assert_existing_objects_matched()
      tf.function(model.train_step)(data)
      results.append([v.numpy() for v in model.trainable_variables])
    differ = [sum(not np.array_equal(a, b) for a, b in zip(results[0], r)) for r in results[1:]]
    print("DIFFERING", max(differ), "OF", len(results[0]))
""")


def _differing(tmp_path, deterministic: bool) -> int:
  out = subprocess.run([sys.executable, "-c", SCRIPT, "1" if deterministic else "0", str(tmp_path / "init")],
                       capture_output=True, text=True, timeout=600)
  lines = [line for line in out.stdout.splitlines() if line.startswith("DIFFERING")]
  assert out.returncode == 0 and lines, out.stdout + out.stderr
  return int(lines[-1].split()[1])


def test_deterministic_igan_v2_steps_repeat_across_traces(tmp_path):
  assert _differing(tmp_path, deterministic=True) == 0
