"""Score records (provenance.make_record) -> a short table for a terminal; the JSON stays in scores.jsonl.

  began_skip_fashion_mnist_32 @ step 20000 vs fashion_mnist/train
  metric  value            n real / n fake  network     paper-comparable
  FID     25.41            10000 / 2000     classifier  no
  IS      8.012 ± 0.06         - / 2000     classifier  no
"""
import os

HEADER = ("metric", "value", "n real / n fake", "network", "paper-comparable")


def format_value(value: float, std=None) -> str:
  """4 significant digits (FID 25.41, KID 0.01234), the std to 2: enough to compare, no false precision."""
  text = f"{value:.4g}"
  return text if std is None else f"{text} ± {std:.2g}"


def _title(record: dict) -> str:
  if record.get("workdir"):
    where = os.path.basename(record["workdir"].rstrip("/"))
    if record.get("checkpoint_step") is not None:
      where += f" @ step {record['checkpoint_step']}"
    if record.get("dataset"):
      where += f" vs {record['dataset']}/{record.get('split') or '?'}"
    return where
  if record.get("samples"):
    return f"{record['samples']} vs {record['reference']}"
  return ""


def _comparable(record: dict) -> str:
  flag = record.get("paper_comparable")
  return "unknown" if flag is None else ("yes" if flag else "no")


def _row(record: dict) -> tuple:
  n_real, n_fake = (record.get(k) for k in ("n_real", "n_fake"))
  counts = f"{n_real if n_real else '-':>6} / {n_fake if n_fake else '-'}"
  value = format_value(record["value"], record.get("std"))
  metric = record["metric"].upper() + (f" [{record['branch_name']}]" if record.get("branch_name") else "")
  return (metric, value, counts, record.get("network") or "?", _comparable(record))


def class_notes(records: list) -> list:
  """One line per class_kl record: the rarest and commonest classes of all samples, the top class of a branch."""
  lines = []
  for r in records:
    hist, real = r.get("class_histogram"), r.get("reference_class_histogram")
    if r["metric"] != "class_kl" or not hist:
      continue
    order = sorted(range(len(hist)), key=hist.__getitem__)
    if r.get("branch_name"):
      lines.append(f"classes of {r['branch_name']}: {hist[order[-1]]:.1%} class {order[-1]}.")
    else:
      # The data's classes, not the classifier's confusions (a --classes=0,7 reference puts ~1% on class 2).
      kept = [c for c in order if real and real[c] >= 0.2 * max(real)] or order
      lines.append(f"classes of the samples (classifier labels): rarest {kept[0]} at {hist[kept[0]]:.1%}"
                   + (f" (real {real[kept[0]]:.1%})" if real else "")
                   + f", commonest {order[-1]} at {hist[order[-1]]:.1%}.")
  return lines


def format_table(records: list) -> str:
  """Records of one evaluation -> a title line, an aligned table and a note on comparability."""
  if not records:
    return "no scores"
  rows = [HEADER] + [_row(r) for r in records]
  widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
  lines = [_title(records[0])] if _title(records[0]) else []
  lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
  lines += class_notes(records)
  kid = next((r for r in records if r["metric"] == "kid"), None)
  if kid and kid.get("kid_subset_size") and kid["kid_subset_size"] < 1000:
    lines.append(f"KID: std over {kid.get('kid_subsets', '?')} subsets of {kid['kid_subset_size']} "
                 "(fewer than 1000 images on a side).")
  if any(r.get("paper_comparable") is False for r in records):
    lines.append(f"paper-comparable no: {records[0].get('network')} features; published FIDs/IS use the "
                 "2015 TF Inception graph (--network=ttur_graph).")
  elif any(r.get("paper_comparable") is None for r in records):
    lines.append("paper-comparable unknown: the statistics files carry no record of their feature network.")
  return "\n".join(lines)
