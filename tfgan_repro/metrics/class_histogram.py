"""Which classes the samples are, by the dataset's classifier, and how far that is from the data (NumPy only).

The histogram counts argmax labels of the classifier's logits. The data's class distribution is the same
classifier's histogram of the real reference images, not their true labels: the classifier's confusions
(shirt vs T-shirt) then fall on both sides, and a generator that matches the data scores ~0.

class_kl = KL(p_fake || p_real) = sum_c p_fake(c) log(p_fake(c) / p_real(c)), in nats -- the
"KL(p(y) || p*(y))" term of the MODE score (Che et al. 2017, "Mode Regularized GANs"). One class dropped out
of K equal ones gives log(K / (K - 1)) (0.105 for 10); every sample in one class gives log K (2.30).
p_real gets half a count added per class (Jeffreys) so the value stays finite when fakes fall in a class no
reference image did; a perfect match then scores at most about K / (2 n_real) (5e-4 for 10 classes, 10k images).
"""
import numpy as np

REAL_PSEUDOCOUNT = 0.5


def class_counts(logits_or_labels, num_classes: int) -> np.ndarray:
  """Logits (N, K) or integer labels (N,) -> (num_classes,) int64 counts of the argmax labels."""
  x = np.asarray(logits_or_labels)
  labels = x.argmax(axis=1) if x.ndim == 2 else x.astype(np.int64)
  if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
    raise ValueError(f"Class labels must lie in 0..{num_classes - 1}; got {labels.min()}..{labels.max()}.")
  return np.bincount(labels, minlength=num_classes).astype(np.int64)


def histogram(counts) -> np.ndarray:
  """Counts -> fractions summing to 1."""
  counts = np.asarray(counts, np.float64)
  if counts.sum() <= 0:
    raise ValueError("A class histogram needs at least one sample.")
  return counts / counts.sum()


def class_kl(fake_counts, real_counts) -> float:
  """KL(p_fake || p_real) in nats from two count vectors of equal length (see the module docstring)."""
  fake_counts, real_counts = np.asarray(fake_counts, np.float64), np.asarray(real_counts, np.float64)
  if fake_counts.shape != real_counts.shape:
    raise ValueError(f"Class counts differ in length: {fake_counts.shape} vs {real_counts.shape}.")
  p, q = histogram(fake_counts), histogram(real_counts + REAL_PSEUDOCOUNT)
  kept = p > 0  # 0 log 0 = 0
  return float(np.sum(p[kept] * np.log(p[kept] / q[kept])))
