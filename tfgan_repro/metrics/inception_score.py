"""Inception Score: exp(E_x KL(p(y|x) || p(y))), mean and std over splits.

Matches Salimans et al.'s `inception_score/model.py` (github.com/openai/improved-gan) and TF-GAN's
`classifier_score_from_logits`: the samples are cut into `splits` consecutive parts with Salimans' index
rule, p(y) is the mean prediction within each part, and the mean and (population) std of the per-part
scores are returned. Unlike Salimans' code the samples are shuffled first (seeded), so a generator that
emits classes in order cannot score differently per part; KL is computed in float64 with 0 log 0 = 0.
"""
import numpy as np
from scipy import special


def inception_score(logits=None, *, probs=None, splits: int = 10, shuffle: bool = True,
                    seed: int = 0) -> tuple:
  """(N, K) logits or probabilities -> (mean, std) of the score over `splits` parts.

  Uniform predictions score 1; confident predictions spread evenly over k classes score k.
  """
  if (logits is None) == (probs is None):
    raise ValueError("Pass exactly one of `logits` or `probs`.")
  if logits is not None:
    p = special.softmax(np.asarray(logits, np.float64), axis=1)
  else:
    p = np.asarray(probs, np.float64)
    if p.ndim == 2 and (p.min() < 0 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-4)):
      raise ValueError("`probs` rows must be non-negative and sum to 1; pass raw scores as `logits`.")
  if p.ndim != 2:
    raise ValueError(f"Predictions must be (N, K); got shape {p.shape}.")
  n = len(p)
  if not 1 <= splits <= n:
    raise ValueError(f"splits must be in [1, N={n}]; got {splits}.")
  if shuffle:
    p = p[np.random.default_rng(seed).permutation(n)]
  scores = []
  for i in range(splits):
    part = p[i * n // splits:(i + 1) * n // splits]
    p_y = part.mean(axis=0, keepdims=True)
    kl = special.rel_entr(part, p_y).sum(axis=1)  # sum_y p log(p / p_y), with 0 log 0 = 0
    scores.append(np.exp(kl.mean()))
  return float(np.mean(scores)), float(np.std(scores))
