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
# How to get each network's weights, for errors that must say what can be used instead.
WEIGHTS_HELP = {
    "classifier": "offline, (Fashion-)MNIST only: the shipped checkpoints/classifiers/fashion_mnist/, or "
                  "`python -m tfgan_repro.evaluate --train_classifier=DATASET` (then --classifier=PATH)",
    "keras_inception": "inception_v3_weights_tf_dim_ordering_tf_kernels.h5 from the keras-applications "
                       "release, in the Keras cache or --inception_weights=PATH",
    "ttur_graph": "paper-comparable: classify_image_graph_def.pb from TTUR's inception-2015-12-05.tgz, "
                  "--inception_graph=PATH",
}


def networks_help() -> str:
  """One line naming every feature network and where its weights come from."""
  return "Feature networks: " + "; ".join(f"--network={n} ({WEIGHTS_HELP[n]})" for n in NETWORKS) + "."


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
