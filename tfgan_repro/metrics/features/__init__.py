"""Images -> features. `make_feature_network(name, ...)` builds one of `NETWORKS`; `compute_features` batches.

| name            | features        | weights from                              | paper-comparable |
|-----------------|-----------------|-------------------------------------------|------------------|
| ttur_graph      | pool_3, 2048    | --inception_graph (classify_image_graph_def.pb) | yes        |
| keras_inception | avg_pool, 2048  | --inception_weights or the Keras cache    | no               |
| classifier      | 128 (penultimate) | checkpoints/classifiers/<dataset>/ or --classifier | no (offline FCD) |
A missing file raises `WeightsNotFoundError`; no backend ever falls back to another.
"""
from tfgan_repro.metrics.features.base import (FeatureNetwork, WeightsNotFoundError, compute_features,
                                               sha256_prefix, to_pixels)

NETWORKS = ("classifier", "keras_inception", "ttur_graph")


def make_feature_network(name: str, *, dataset: str = "", inception_weights: str = "",
                         inception_graph: str = "", classifier: str = "") -> FeatureNetwork:
  """Builds the named network from local files only."""
  if name == "ttur_graph":
    from tfgan_repro.metrics.features.ttur_graph import TTURGraph
    return TTURGraph(inception_graph)
  if name == "keras_inception":
    from tfgan_repro.metrics.features.keras_inception import KerasInception
    return KerasInception(inception_weights)
  if name == "classifier":
    from tfgan_repro.metrics.features.classifier import Classifier
    return Classifier(classifier, dataset)
  raise ValueError(f"Unknown feature network {name!r}; choose one of: {', '.join(NETWORKS)}.")
