"""Every score with its provenance, as one JSON object per line (`scores.jsonl` in the run directory).

Fields (SPEC §7): metric, value, std, network, weights, weights_sha256, paper_comparable, resize,
quantized_uint8, n_real, n_fake, dataset, split, resolution, checkpoint_step, reference, time, version.
"""
import datetime
import json
import os

import tfgan_repro

SCORES_FILE = "scores.jsonl"
NOT_COMPARABLE = ("not comparable with published FIDs/IS, which use the 2015-12-05 TF Inception graph "
                  "(--network=ttur_graph)")


def make_record(metric: str, value: float, std=None, *, network: dict, quantized_uint8: bool,
                n_real=None, n_fake=None, **context) -> dict:
  """network: `FeatureNetwork.describe()`; context: dataset, split, checkpoint_step, reference, ..."""
  record = {"metric": metric, "value": float(value), "std": None if std is None else float(std)}
  record.update(network)
  record.update(quantized_uint8=None if quantized_uint8 is None else bool(quantized_uint8),
                n_real=n_real, n_fake=n_fake)
  record.update(context)
  if network.get("paper_comparable") is None:
    record["note"] = "feature network unknown (statistics without metadata)"
  elif not network["paper_comparable"]:
    record["note"] = NOT_COMPARABLE
  record["time"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
  record["tfgan_repro_version"] = tfgan_repro.__version__
  return record


def append_jsonl(path: str, record: dict) -> None:
  os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
  with open(path, "a") as f:
    f.write(json.dumps(record, sort_keys=False) + "\n")


def read_jsonl(path: str) -> list:
  with open(path) as f:
    return [json.loads(line) for line in f if line.strip()]
