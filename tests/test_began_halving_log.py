"""BEGAN's learning-rate halvings are announced in the run's log at the step they fire (issue 12, item 15)."""
import tensorflow as tf

from tfgan_repro import gans

from tests.helpers import tiny_config


def test_each_change_of_the_learning_rate_scale_prints_one_line(capsys):
  # Halve after every step; the floor (2e-5 against 1e-4) stops the scale at 0.2.
  config = tiny_config("began_fashion_mnist_32", lr_decay="step", lr_halve_every=1, lr_reading="began")
  model = gans.build(config, 1)
  batch = {"images": tf.random.stateless_uniform([4, 32, 32, 1], [1, 2], -1.0, 1.0),
           "labels": tf.zeros([4], tf.int64)}
  model.fit(tf.data.Dataset.from_tensors(batch).repeat(), epochs=1, steps_per_epoch=4, verbose=0,
            callbacks=model.training_callbacks(config))
  lines = [l for l in capsys.readouterr().out.splitlines() if "learning-rate scale" in l]
  assert lines == ["step 1: learning-rate scale 1 -> 0.5", "step 2: learning-rate scale 0.5 -> 0.25",
                   "step 3: learning-rate scale 0.25 -> 0.2"]
  assert abs(float(model.g_optimizer.learning_rate) - 2e-5) < 1e-9
