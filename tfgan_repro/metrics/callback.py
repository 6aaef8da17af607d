"""A Keras callback that scores the generator every N steps and logs the curve to TensorBoard.

Seed 000 (Fig. 9) plots FID and IS over training iterations. Every `every_steps` steps this callback
draws `num_samples` images with a fixed seed (the same latents each time, so the curve shows the model
changing, not the sample), scores them against fixed real statistics, writes `metrics/fid_<network>`
(and `metrics/is_<network>`) with `tf.summary.scalar`, and appends provenance records to a JSON-lines file.
It needs from the model only `model.step` (a variable) and `model.generate_images(n, seed=...)`.
"""
from typing import Sequence

import keras
import tensorflow as tf

from tfgan_repro.metrics import coverage_scores, provenance
from tfgan_repro.metrics.features import FeatureNetwork, compute_features
from tfgan_repro.metrics.fid import feature_statistics, frechet_distance
from tfgan_repro.metrics.inception_score import inception_score
from tfgan_repro.metrics.stats import Stats


class FIDCallback(keras.callbacks.Callback):
  """Args:
    every_steps: score when model.step is a positive multiple of this.
    num_samples: generated images per evaluation (M; FID is biased upward for small M -- compare curves
      only at equal M).
    feature_extractor: a FeatureNetwork (see tfgan_repro.metrics.features).
    reference_stats: real-data `Stats` (tfgan_repro.metrics.stats) or a (mu, sigma) pair.
    log_dir: TensorBoard directory; jsonl_path: where provenance records go ("" for none).
    metrics: any of "fid", "is" and `coverage_scores.METRICS` (precision, recall, density, coverage, class_kl).
  """

  def __init__(self, every_steps: int, num_samples: int, feature_extractor: FeatureNetwork, reference_stats,
               log_dir: str, jsonl_path: str = "", *, seed: int = 0, metrics: Sequence[str] = ("fid",),
               quantize: bool = True, context=None):
    super().__init__()
    if every_steps < 1 or num_samples < 2:
      raise ValueError(f"FIDCallback needs every_steps >= 1 and num_samples >= 2; got {every_steps}, "
                       f"{num_samples}.")
    if not isinstance(reference_stats, Stats):
      mu, sigma = reference_stats
      reference_stats = Stats(mu, sigma, 0, {})
    bad = [m for m in metrics if m not in ("fid", "is") + coverage_scores.METRICS]
    if bad:
      raise ValueError(f"FIDCallback metrics are fid, is, {', '.join(coverage_scores.METRICS)}; got {bad}.")
    coverage_scores.check_reference(metrics, reference_stats)
    self.every_steps, self.num_samples = int(every_steps), int(num_samples)
    self.network, self.reference = feature_extractor, reference_stats
    self.log_dir, self.jsonl_path, self.seed = log_dir, jsonl_path, seed
    self.metrics_to_log, self.quantize, self.context = tuple(metrics), quantize, dict(context or {})
    self._writer = None
    self._last_step = None
    self.history = []  # (step, {metric: value}) of every evaluation

  def on_train_begin(self, logs=None):
    # The step from the batch index, as training/callbacks.py's StepCallback (metrics/ does not import the
    # trainer): reading model.step every batch would be a host sync per step (issue 13).
    self._first = int(self.model.step.numpy())
    steps = (self.params or {}).get("steps")
    self._end = self._first + steps if steps else None

  def on_train_batch_end(self, batch, logs=None):
    step = self._first + int(batch) + 1
    step = min(step, self._end) if self._end is not None else step
    if step > 0 and step % self.every_steps == 0 and step != self._last_step:
      self._last_step = step
      self.evaluate(step)

  def evaluate(self, step: int) -> dict:
    """Scores the current generator; returns {metric: value} and logs it at `step`."""
    images = self.model.generate_images(self.num_samples, seed=self.seed)
    feats, logits = compute_features(self.network, images, quantize=self.quantize, progress=False)
    values = {}
    if "fid" in self.metrics_to_log:
      values["fid"] = (frechet_distance(*feature_statistics(feats), self.reference.mu, self.reference.sigma),
                       None)
    if "is" in self.metrics_to_log:
      values["is"] = inception_score(logits, splits=min(10, len(logits)), seed=self.seed)
    if self._writer is None:
      self._writer = tf.summary.create_file_writer(self.log_dir)
    with self._writer.as_default():
      for metric, (value, _) in values.items():
        tf.summary.scalar(f"metrics/{metric}_{self.network.name}", value, step=step)
    self._writer.flush()
    if self.jsonl_path:
      for metric, (value, std) in values.items():
        provenance.append_jsonl(self.jsonl_path, provenance.make_record(
            metric, value, std, network=self.network.describe(), quantized_uint8=self.quantize,
            n_real=(self.reference.n or None) if metric == "fid" else None, n_fake=len(feats),
            checkpoint_step=step, sample_seed=self.seed, source="training callback", **self.context))
    result = {metric: value for metric, (value, _) in values.items()}
    names = tuple(getattr(self.model, "branch_names", ()) or ())  # IGAN_v2/VN: also one score per branch
    for score in coverage_scores.scores(self.metrics_to_log, feats, logits, self.reference, branch_names=names,
                                        branches=coverage_scores.branch_ids([len(feats)], len(names))):
      key = score["metric"] + ("" if score.get("branch") is None else f"_branch{score['branch']}")
      result[key] = score["value"]
      with self._writer.as_default():
        tf.summary.scalar(f"metrics/{key}_{self.network.name}", score["value"], step=step)
      if self.jsonl_path:
        provenance.append_jsonl(self.jsonl_path, provenance.make_record(
            **score, network=self.network.describe(), quantized_uint8=self.quantize, checkpoint_step=step,
            sample_seed=self.seed, source="training callback", **self.context))
    self._writer.flush()
    self.history.append((step, result))
    print(self.summary_line(step, result, len(feats)), flush=True)
    return result

  def summary_line(self, step: int, result: dict, n_fake: int) -> str:
    """`step 500: FCD 44.1, IS 2.59 (classifier, 1000 samples; not Inception numbers)`: the run's log shows
    each evaluation, not only TensorBoard and scores.jsonl."""
    fid = "FCD" if self.network.name == "classifier" else "FID"
    names = {"fid": fid, "is": "IS", "class_kl": "class KL"}
    shown = [f"{names.get(k, k)} {v:.3g}" for k, v in result.items() if "_branch" not in k]
    note = "not Inception numbers" if self.network.name == "classifier" else "see paper_comparable in scores.jsonl"
    return f"step {step}: {', '.join(shown)} ({self.network.name}, {n_fake} samples; {note})"


def make_fid_callback(experiment, *, network: FeatureNetwork, every_steps: int, num_samples: int, log_dir: str,
                      jsonl_path: str = "", num_real: int = 10_000, stats_dir: str = "",
                      metrics: Sequence[str] = ("fid",), source=None) -> FIDCallback:
  """Builds the callback for a run: `experiment.data` (a `tfgan_repro.data.DataSpec`) names the real images,
  `experiment.seed` the fixed latents. Anything with those two attributes will do (metrics/ never imports
  the trainer). `source`: the run's opened data, read again if the real statistics must be computed.

  Real statistics come from (or go to) the stats cache, so every run of a preset shares them; a run trained on
  `classes` is scored against those classes only.
  """
  from tfgan_repro.metrics.stats import reference_stats
  spec = experiment.data
  reference, path = reference_stats(network, spec, num_images=num_real, cache_dir=stats_dir, progress=False,
                                    need_labels=any(m in coverage_scores.METRICS for m in metrics), source=source)
  return FIDCallback(every_steps, num_samples, network, reference, log_dir, jsonl_path, seed=experiment.seed,
                     metrics=metrics, context={"dataset": spec.dataset, "split": reference.meta.get("split"),
                                               "reference": path})
