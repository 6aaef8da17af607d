"""Figures of collected runs (matplotlib, Agg backend, PNG), written so equal inputs give equal bytes.

`make_figures` draws every figure of the report into results/figures/, in a fixed order, and indexes them
(`FigureSet`); a record's own images (results/runs/*/samples/) are linked instead of copied. The pieces:
- `losses`: every `train/*loss*` and `train/l_*` tag of a group, seed mean with a min-max band;
- `began_dynamics`: k_t and M_global (tags `train/k_t`, `train/m_global`) for BEGAN groups;
- `metric_curves`: one metric (FID, IS, ...) over training steps, every group of a data set overlaid
  (seed 000 Figs. 6 and 9), mean ± std over seeds;
- `gamma_comparison`: the newest sample grids of groups that differ only in gamma (seed 000 Fig. 4);
- `copy_samples`: the newest training sample grid of a group's first seed, copied byte for byte.
Each returns the written file name (relative to `out_dir`) or None when its inputs are missing.
Interpolation strips a record does not keep are drawn from the run's checkpoint (`results.archive`).
"""
import os
import shutil
import sys
from typing import Dict, List, NamedTuple, Optional

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tfgan_repro.results import collect  # noqa: E402
from tfgan_repro.results.verdicts import not_paper  # noqa: E402

PNG_METADATA = {"Software": None}  # no version stamp in the file: same inputs, same bytes


def _save(fig, out_dir: str, name: str) -> str:
  os.makedirs(out_dir, exist_ok=True)
  fig.savefig(os.path.join(out_dir, name), dpi=80, metadata=PNG_METADATA)
  plt.close(fig)
  return name


def _seed_band(group: collect.Group, tag: str):
  """(steps, mean, min, max) over the seeds at steps every seed logged; None if no seed has `tag`."""
  series = [dict(r.scalars[tag]) for r in group.runs if tag in r.scalars]
  if not series:
    return None
  steps = sorted(set.intersection(*(set(s) for s in series)))
  if not steps:
    return None
  values = np.array([[s[t] for t in steps] for s in series])
  return np.array(steps), values.mean(0), values.min(0), values.max(0)


def _panels(group: collect.Group, tags: List[str], title: str, out_dir: str, name: str) -> Optional[str]:
  tags = [t for t in tags if _seed_band(group, t) is not None]
  if not tags:
    return None
  height = 1.9 * len(tags) + 0.6
  fig, axes = plt.subplots(len(tags), 1, figsize=(7, height), sharex=True, squeeze=False)
  for ax, tag in zip(axes[:, 0], tags):
    steps, mean, lo, hi = _seed_band(group, tag)
    ax.plot(steps, mean, lw=1.2)
    if len(group.runs) > 1:
      ax.fill_between(steps, lo, hi, alpha=0.25, lw=0)
    ax.set_ylabel(tag.split("/", 1)[1], fontsize=8)
    ax.grid(alpha=0.3)
  axes[-1, 0].set_xlabel("step")
  fig.suptitle(f"{title}\n{group.label} — seeds {group.seeds} (mean, band = min..max)", fontsize=8)
  fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / height))  # leave the two-line title its own 0.45 inch
  return _save(fig, out_dir, name)


def losses(group: collect.Group, out_dir: str) -> Optional[str]:
  tags = sorted({t for r in group.runs for t in r.scalars if t.startswith("train/")
                 and ("loss" in t or t.startswith("train/l_"))})
  return _panels(group, tags, "Losses", out_dir, f"{group.slug}_losses.png")


def began_dynamics(group: collect.Group, out_dir: str) -> Optional[str]:
  return _panels(group, ["train/k_t", "train/m_global"], "BEGAN k_t and M_global (SPEC §1)", out_dir,
                 f"{group.slug}_kt_mglobal.png")


def metric_curves(groups: List[collect.Group], metric: str, network: str, out_dir: str,
                  name: str) -> Optional[str]:
  """Overlays `metric` over steps for every group that has it (e.g. one dataset and resolution)."""
  curves = [(g, collect.group_curve(g, metric, network)) for g in groups]
  curves = [(g, c) for g, c in curves if c]
  if not curves:
    return None
  # Deviations every curve shares go under the title once; each legend entry names only its own.
  shared = set.intersection(*(set(g.deviations) for g, _ in curves))
  legend_rows = len(curves)
  fig, ax = plt.subplots(figsize=(7, 3.6 + 0.22 * legend_rows))
  for g, c in curves:
    steps = np.array([s for s, *_ in c])
    mean = np.array([m for _, m, _, _ in c])
    std = np.array([s if s is not None else 0.0 for _, _, s, _ in c])
    own = [d for d in g.deviations if d not in shared]
    label = g.preset + (f" [{'; '.join(own)}]" if own else "") + f" (n={len(g.runs)})"
    ax.plot(steps, mean, marker="o", ms=2.5, lw=1.2, label=label)
    if len(g.runs) > 1:
      ax.fill_between(steps, mean - std, mean + std, alpha=0.2, lw=0)
  ax.set_xlabel("step")
  ax.set_ylabel(f"{metric.upper()} ({network})")
  ax.grid(alpha=0.3)
  ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False)
  note = not_paper(network, metric)
  common = f"\nall runs: {'; '.join(sorted(shared))}" if shared else ""
  ax.set_title(f"{metric.upper()} over training, {network}, mean ± std over seeds" + (f"\n{note}" if note else "")
               + common, fontsize=8)
  fig.tight_layout()
  return _save(fig, out_dir, name)


def gamma_families(groups: List[collect.Group]) -> List[List[collect.Group]]:
  """Sets of >= 2 groups whose key configs differ only in `gamma`, each sorted by gamma."""
  families = {}
  for g in groups:
    if "gamma" in g.config:
      rest = {k: v for k, v in g.config.items() if k != "gamma"}
      families.setdefault(repr(sorted(rest.items())), []).append(g)
  out = [sorted(f, key=lambda g: g.config["gamma"]) for _, f in sorted(families.items())]
  return [f for f in out if len({g.config["gamma"] for g in f}) > 1]


def gamma_comparison(family: List[collect.Group], out_dir: str) -> Optional[str]:
  shown = [(g, g.first.newest_sample()) for g in family]
  shown = [(g, p) for g, p in shown if p]
  if len(shown) < 2:
    return None
  from PIL import Image
  fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 4), squeeze=False)
  for ax, (g, path) in zip(axes[0], shown):
    with Image.open(path) as im:
      image = np.asarray(im)
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None, interpolation="nearest")
    ax.set_title(f"gamma={g.config['gamma']}\n{os.path.basename(path)}", fontsize=8)
    ax.axis("off")
  base = family[0]
  fig.suptitle(f"gamma comparison (seed 000 Fig. 4), {base.preset}, seed {base.first.seed}", fontsize=9)
  fig.tight_layout(rect=(0, 0, 1, 0.9))
  return _save(fig, out_dir, f"gamma_{base.slug}.png")


def copy_samples(group: collect.Group, out_dir: str) -> Optional[str]:
  path = group.first.newest_sample()
  if path is None:
    return None
  os.makedirs(out_dir, exist_ok=True)
  name = f"{group.slug}_samples.png"
  shutil.copyfile(path, os.path.join(out_dir, name))
  return name


class FigureSet(NamedTuple):
  title: str
  names: List[str]     # file names in results/figures/
  presets: tuple       # presets shown (pages show a set when it has one of their presets)


def _inside(path: str, out_dir: str):
  """`path` relative to `out_dir` when it lies below it (a committed record's image: link it, do not copy it)."""
  rel = os.path.relpath(os.path.realpath(path), os.path.realpath(out_dir))
  return None if rel.startswith("..") else rel.replace(os.sep, "/")


def _samples(group, fig_dir: str):
  path = group.first.newest_sample()
  return (_inside(path, os.path.dirname(fig_dir)) if path else None) or copy_samples(group, fig_dir)


def _interpolation(group, fig_dir: str):
  """The strip a record keeps (tfgan_repro.results.archive), else one drawn from the newest checkpoint."""
  from tfgan_repro.results import archive
  name = f"{group.slug}_interpolation.png"
  kept = group.first.newest_sample("interpolation")
  linked = _inside(kept, os.path.dirname(fig_dir)) if kept else None
  if linked:
    return linked
  if kept:
    shutil.copyfile(kept, os.path.join(fig_dir, name))
  else:
    archive.interpolation_png(group.first, os.path.join(fig_dir, name))
  return name


def make_figures(groups, fig_dir: str, interpolations: bool = True) -> List[FigureSet]:
  """All figures, in a fixed order."""
  if os.path.isdir(fig_dir):
    shutil.rmtree(fig_dir)  # regenerate: no figure of a run that is gone may survive
  os.makedirs(fig_dir)
  index: List[FigureSet] = []
  for g in groups:
    names = [losses(g, fig_dir), _samples(g, fig_dir)]
    if str(g.config.get("model", "")).startswith("began"):
      names.append(began_dynamics(g, fig_dir))
    if interpolations and (g.first.newest_sample("interpolation") or g.first.step is not None):
      try:
        names.append(_interpolation(g, fig_dir))
      except Exception as e:  # noqa: BLE001 -- one unloadable checkpoint must not stop the whole report
        print(f"report: warning: no interpolation for {g.first.path}: {type(e).__name__}: {e}", file=sys.stderr)
    names = [n for n in names if n]
    if names:
      index.append(FigureSet(f"{g.label}, seed {g.first.seed}", names, (g.preset,)))
  by_data: Dict[tuple, list] = {}
  for g in groups:
    by_data.setdefault((g.config.get("dataset", ""), g.config.get("resolution", 0)), []).append(g)
  for (dataset, res), gs in sorted(by_data.items()):
    for metric in ("fid", "is", "kid"):
      for network in collect.curve_networks(gs, metric):
        name = metric_curves(gs, metric, network, fig_dir, f"{metric}_curves_{dataset}{res}_{network}.png")
        if name:
          index.append(FigureSet(f"{metric.upper()} over training, {dataset} {res}x{res}, {network}", [name],
                                 tuple(sorted({g.preset for g in gs}))))
  for family in gamma_families(groups):
    name = gamma_comparison(family, fig_dir)
    if name:
      index.append(FigureSet(f"gamma comparison, {family[0].label}", [name], (family[0].preset,)))
  return index
