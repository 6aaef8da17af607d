"""Failure-mode guards (SPEC §1): one warning line and a TensorBoard scalar when a run shows a known failure.

- BEGAN's k_t stuck at 0 or at 1 (`KtGuard`). At 0, L_D = L(x): D trains as a plain auto-encoder of real
  images and G gets no adversarial push (the collapse of issue 16 and carpedm20/BEGAN-tensorflow#12); at 1
  the equilibrium gamma L(x) = L(G(z)) is out of reach the other way. k_t is read from the logs only every
  `log_every` steps, where ScalarLogger reads them anyway (no extra host sync); the logged value is the mean
  over the interval, so "stuck" means within `K_T_EPS` of 0 or 1 for a whole interval, interval after interval,
  for `K_T_WINDOW` steps.
- Sample diversity collapse (`DiversityGuard`): the mean pairwise distance of the fixed-z grid SampleWriter
  has just drawn, over the same measure on its real grid. Distances are in the dataset classifier's features
  (`metrics/features/classifier.py`) when one exists, else in pixels -- the scalar's name says which. With a
  classifier it also logs class coverage: distinct classes in the fake grid over distinct classes in the real.
  Multi-branch generators (IGAN_v2 / VN) are measured per branch, and the lowest branch decides. Grids before
  `DIVERSITY_WARMUP` steps are logged but never warn (an untrained generator has one image for every z).
Scalars: guards/k_t_stuck_at_0_steps, guards/k_t_stuck_at_1_steps, guards/diversity_ratio_<space>[_branch<c>],
guards/class_coverage.
"""
import numpy as np
import tensorflow as tf

from tfgan_repro.training import images as image_lib
from tfgan_repro.training.callbacks import StepCallback

# 1000 steps: with lambda_k = 1e-3 and a balance term |gamma L(x) - L(G(z))| of 0.01-0.3 (per-pixel L1 losses
# of images in [-1, 1] are 0.05-0.8 early in a run), k_t moves by 1e-5-3e-4 a step, so a run that is balancing
# leaves the 1e-3 band within 5-100 steps; 1000 steps flat is no start-up transient. It is 1% of seed 000's
# 100k iterations and a quarter of the 4000-step run in issue 16 that ended at k_t ~ 1e-5: early enough to act.
K_T_WINDOW = 1000
K_T_EPS = 1e-3
# A ratio of 1 is a grid as varied as real images; one image for every z gives 0. Measured on 64-image grids
# of Fashion-MNIST at 32x32 with the shipped classifier: another real grid 0.99, one real class alone
# 0.40-0.59, 2x-blurred reals 0.69, one image plus pixel noise of sd 0.05-0.2 0.05-0.15, the mean image plus
# noise 0.08. 0.25 sits well below "varied but one class" and well above "one image". In pixels the fallback is
# blunter (one class 0.52-0.90, but one image plus sd-0.2 noise 0.26: noise reads as diversity there).
DIVERSITY_THRESHOLD = 0.25
# An untrained generator maps every z to nearly one image (ratio ~0.04 at step 20 for BEGAN-32), so grids before
# this step never warn; by then DCGAN-32 shows garments (issue 16: FCD 8.8 at 1,000 steps). Scalars are logged
# from the first grid on.
DIVERSITY_WARMUP = 1000


class StuckWatch:
  """Steps a logged value has stayed within `eps` of 0 or of 1; warns once per stretch at `window` steps."""

  def __init__(self, window: int = K_T_WINDOW, eps: float = K_T_EPS):
    self.window, self.eps = int(window), float(eps)
    self.state, self.since, self.last_step, self.warned = None, None, None, False

  def update(self, step: int, value: float) -> tuple:
    """-> (state 0 | 1 | None, steps stuck so far, whether to warn now). `value`: the mean since the last call."""
    state = 0 if value <= self.eps else (1 if value >= 1.0 - self.eps else None)
    if state != self.state:  # a stretch starts at the beginning of the interval that first showed it
      self.state, self.since, self.warned = state, (self.last_step if self.last_step is not None else 0), False
    self.last_step = step
    stuck = step - self.since if state is not None else 0
    warn = state is not None and stuck >= self.window and not self.warned
    self.warned = self.warned or warn
    return state, stuck, warn


class KtGuard(StepCallback):
  """Every `every` steps, if the logs carry `k_t` (BEGAN): `StuckWatch` on it, a scalar, one line on a warning."""

  def __init__(self, writer, every: int, window: int = K_T_WINDOW, eps: float = K_T_EPS):
    super().__init__()
    self.writer, self.every = writer, int(every)
    self.watch = StuckWatch(window, eps)
    self.warnings = []

  def on_train_begin(self, logs=None):
    super().on_train_begin(logs)
    self.watch.last_step = self._first

  def on_train_batch_end(self, batch, logs=None):
    step = self.step_at(batch)
    if step % self.every or "k_t" not in (logs or {}):
      return
    state, stuck, warn = self.watch.update(step, float(logs["k_t"]))
    with self.writer.as_default(step=step):
      tf.summary.scalar("guards/k_t_stuck_at_0_steps", stuck if state == 0 else 0)
      tf.summary.scalar("guards/k_t_stuck_at_1_steps", stuck if state == 1 else 0)
    if warn:
      why = ("D trains as a plain auto-encoder of real images and G gets no adversarial signal" if state == 0 else
             "D weighs L(G(z)) fully every step and the equilibrium gamma L(x) = L(G(z)) is not reached")
      message = (f"step {step}: WARNING: BEGAN's k_t has stayed at {state} (within {self.watch.eps:g}) for "
                 f"{stuck} steps: {why} (guards/k_t_stuck_at_{state}_steps).")
      self.warnings.append(message)
      print(message, flush=True)


def mean_pairwise_distance(x) -> float:
  """(N, ...) -> mean Euclidean distance over the N (N - 1) / 2 pairs (0 for N < 2)."""
  x = np.asarray(x, np.float64).reshape(len(x), -1)
  if len(x) < 2:
    return 0.0
  sq = np.einsum("ij,ij->i", x, x)
  d = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0))
  return float(d[np.triu_indices(len(x), 1)].mean())


class DiversityMeasure:
  """Grid images (N, H, W, C) in [-1, 1] -> (points to measure distances in, predicted classes or None).
  The classifier is loaded at the first grid, not at the start of a run that may never write one."""

  def __init__(self, dataset: str = "", network=None):
    self.dataset, self._network, self._looked = dataset, network, network is not None

  @property
  def network(self):
    if not self._looked:
      self._looked, self._network = True, _classifier_for(self.dataset)
      if self._network is None:
        print(f"Diversity guard: no classifier for {self.dataset or 'this data'}, so sample diversity is measured "
              "in pixel space (guards/diversity_ratio_pixels).", flush=True)
    return self._network

  @property
  def space(self) -> str:
    return "classifier" if self.network is not None else "pixels"

  def __call__(self, images) -> tuple:
    images = np.asarray(images, np.float32)
    if self.network is None:
      return images.reshape(len(images), -1), None
    from tfgan_repro.metrics.features import compute_features
    feats, logits = compute_features(self.network, images, progress=False)
    return feats, logits.argmax(axis=1)


def _classifier_for(dataset: str):
  """The dataset's shipped classifier, or None (then distances are measured in pixels)."""
  if not dataset:
    return None
  from tfgan_repro.metrics.features import WeightsNotFoundError, make_feature_network
  try:
    return make_feature_network("classifier", dataset=dataset)
  except (WeightsNotFoundError, ValueError):
    return None


class DiversityGuard(StepCallback):
  """After each grid `sampler` (a SampleWriter) writes: the diversity ratio (see the module docstring), its
  scalar, and one warning line when it falls below `threshold` (once per stretch of low grids, from step
  `warmup` on)."""

  def __init__(self, writer, sampler, measure: DiversityMeasure, threshold: float = DIVERSITY_THRESHOLD,
               warmup: int = DIVERSITY_WARMUP):
    super().__init__()
    self.writer, self.sampler, self.measure, self.threshold = writer, sampler, measure, float(threshold)
    self.warmup, self._low = int(warmup), False
    self._real = None  # (mean pairwise distance, number of classes) of the real grid, measured once
    self._checked = None
    self.history = []   # (step, {scalar name: value})
    self.warnings = []

  def _real_measure(self) -> tuple:
    if self._real is None:
      points, classes = self.measure(self.sampler.real_images)
      self._real = (mean_pairwise_distance(points), None if classes is None else len(np.unique(classes)))
    return self._real

  def check(self, step: int, samples) -> dict:
    """Ratios of the grid `samples` (N, H, W, C); logs and warns as the class docstring says."""
    real_distance, real_classes = self._real_measure()
    branches = getattr(self.model, "branch_names", ()) if self.model is not None else ()
    groups = image_lib.split_class_major(samples, len(branches)) if len(branches) >= 2 else [np.asarray(samples)]
    values, predicted = {}, []
    for c, group in enumerate(groups):
      points, classes = self.measure(group)
      name = f"guards/diversity_ratio_{self.measure.space}" + (f"_branch{c}" if len(groups) > 1 else "")
      values[name] = mean_pairwise_distance(points) / max(real_distance, 1e-12)
      if classes is not None:
        predicted.append(classes)
    if predicted and real_classes:
      values["guards/class_coverage"] = len(np.unique(np.concatenate(predicted))) / real_classes
    with self.writer.as_default(step=step):
      for name, value in values.items():
        tf.summary.scalar(name, value)
    self.history.append((step, values))
    if step < self.warmup:
      return values
    low = {k: v for k, v in values.items() if "diversity_ratio" in k and v < self.threshold}
    warn, self._low = low and not self._low, bool(low)
    if warn:
      name, value = min(low.items(), key=lambda kv: kv[1])
      message = (f"step {step}: WARNING: sample diversity collapsed: the fixed-z grid's mean pairwise distance in "
                 f"{self.measure.space} space is {value:.2f} of the real grid's (below {self.threshold:g}; "
                 f"{name}).")
      self.warnings.append(message)
      print(message, flush=True)
    return values

  def _maybe_check(self):
    step, samples = self.sampler.last_written, getattr(self.sampler, "last_samples", None)
    if step is not None and samples is not None and step != self._checked:
      self._checked = step
      self.check(step, samples)

  def on_train_batch_end(self, batch, logs=None):
    self._maybe_check()

  def on_train_end(self, logs=None):
    self._maybe_check()


def make_guards(writer, log_every: int, sampler, dataset: str, classifier=None) -> list:
  """The guards of a run, to go after `sampler` (its SampleWriter) in the callbacks list. `classifier`: the
  dataset's classifier when the run has already loaded it (for --eval_every), so it is not loaded twice."""
  return [KtGuard(writer, log_every), DiversityGuard(writer, sampler, DiversityMeasure(dataset, classifier))]
