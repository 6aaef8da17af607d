"""Standalone GAN evaluation (SPEC §7), importable without the trainer.

Two halves, tested separately:
- features -> score (NumPy/SciPy only): `fid` (TTUR), `inception_score` (Salimans / TF-GAN), `kid`
  (Binkowski et al. 2018), `coverage` (improved precision/recall, Kynkaanniemi et al. 2019; density/coverage,
  Naeem et al. 2020), `class_histogram` (class_kl), `coverage_scores` (those per generator branch);
- images -> features: `features` (ttur_graph, keras_inception, classifier), plus real-data statistics
  (`stats`, cached .npz), provenance records (`provenance`), scores from features and two .npz files (`evaluation`; a
  checkpoint: `tfgan_repro.evaluation`, which restores it with the trainer),
  two image folders (`folders.evaluate_folders`), a terminal table of records (`score_table`) and the training
  callback (`callback.FIDCallback`).
Only --network=ttur_graph gives numbers comparable with published FIDs; every record says which it is.
"""
from tfgan_repro.metrics.features import (NETWORKS, FeatureNetwork, WeightsNotFoundError, compute_features,
                                          make_feature_network)
from tfgan_repro.metrics.fid import feature_statistics, fid_from_features, frechet_distance
# The module, not its function: `metrics.inception_score.inception_score(...)`; re-exporting the function
# under the module's name would hide the module.
from tfgan_repro.metrics import inception_score
from tfgan_repro.metrics.kid import kernel_inception_distance
from tfgan_repro.metrics.stats import Stats, load_stats, reference_stats, save_stats
from tfgan_repro.metrics.folders import evaluate_folder, evaluate_folders
from tfgan_repro.metrics.score_table import format_table
