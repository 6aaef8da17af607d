"""SPEC §8 as data: every published number, the paper's protocol, the preset and command that would reproduce
it, and why it cannot run on this machine; plus the papers' comparative claims our runs can answer.

`SPEC_ROWS` copies SPEC §8's table cell for cell (tests/test_report.py checks it against ../shared/SPEC.md);
each row expands into one `Entry` per number (or per system where the text gives no values). `CONTEXT` holds
the "context from other studies" numbers of §8: sanity checks, not targets.
Data only: what our runs answer is judged in `tfgan_repro.results.verdicts`.
"""
import dataclasses
from typing import Optional, Tuple

SPEC_ROWS = (  # (experiment, number, source), SPEC §8
    ("CelebA 64, FID", "BEGAN 84.19, BEGAN-skip+TTUR 24.57", "seed 000 §3.2"),
    ("CIFAR-10, FID (50k train vs 10k fake)", "DFM 30.02, BEGAN 77.27, BEGAN-skip+TTUR 57.96", "seed 000 §4"),
    ("CIFAR-10, IS (10 x 50k)", "BEGAN 5.62, BEGAN-skip+TTUR 6.32", "seed 000 §4-5"),
    ("Fashion-MNIST 32, FID and IS curves",
     "BEGAN-skip below BEGAN (FID), above (IS) over 100k iterations", "seed 000 Fig. 9"),
    ("MNIST / Fashion-MNIST / CelebA / LSUN 96, FID (10k)",
     "IGAN, IGAN_v2 vs WGAN-GP, DCGAN (values not in text)", "seed 001 Table 1"),
    ("faces 256, IS", "DCGAN 2.61 (private data)", "seed 004"),
)


@dataclasses.dataclass(frozen=True)
class Paper:
  key: str
  page: str       # results/<page>
  title: str
  source: str     # ../shared/seeds/<file>, beside the repository


PAPERS = (
    Paper("seed000", "seed000_began_skip.md", "Yin et al. 2020, BEGAN with skip connections and separate "
          "learning rates (TTUR)", "began_skip_ttur_yin2020.txt"),
    Paper("seed001", "seed001_igan.md", "Meng et al. 2022, IGAN / IGAN_v2 / IGAN_VN", "igan_meng2022_zh.txt"),
    Paper("seed003", "seed003_improved.md", "DCGAN and Improved DCGAN notes (Radford 2015, Salimans 2016)",
          "dcgan_improved_dcgan_notes_zh.txt"),
    Paper("seed004", "seed004_dcgan_faces.md", "DCGAN on 256x256 faces (CNTK)", "dcgan_cntk_faces256_fr.txt"),
)


@dataclasses.dataclass(frozen=True)
class Entry:
  """One published number (or one system's "values not in text") and how we would reproduce it.

  metric: "fid" | "is"; curve: the paper shows the metric over iterations (a figure, not a final value).
  network: the feature network whose numbers are comparable with the paper's ("ttur_graph": TTUR's graph;
    "keras_inception": Keras InceptionV3). substitute: what we measure here instead ("" = nothing).
  preset: our preset ("" = not implemented); blocker: why the paper protocol cannot run here.
  """
  id: str
  paper: str
  row: int                      # index into SPEC_ROWS; -1 for CONTEXT
  system: str
  dataset: str
  resolution: int
  metric: str
  published: Optional[float]
  published_text: str
  protocol: str
  preset: str
  network: str
  command: str
  blocker: str
  substitute: str = ""
  substitute_command: str = ""
  curve: bool = False
  note: str = ""
  n_fake: int = 0               # the paper's sample counts (0: not stated)
  n_real: int = 0


@dataclasses.dataclass(frozen=True)
class Claim:
  """"a <relation> b" on `metric` between two presets' runs; relation "<" (lower), ">" (higher) or "~".

  kind: "final" compares the last evaluations; "curve" the evaluations over training steps; "figure" is
  qualitative (answered by a figure, not a number).
  a_where / b_where: ((field, value), ...) a run group must have, to tell apart runs of one preset
  (e.g. the two learning-rate readings of BEGAN-skip, or gamma 0.3 against 0.7).
  """
  id: str
  paper: str
  text: str
  source: str
  metric: str
  a: str
  relation: str
  b: str
  kind: str = "final"
  a_where: tuple = ()
  b_where: tuple = ()


GRAPH = "--inception_graph=PATH/classify_image_graph_def.pb"
NO_GRAPH = ("the paper-comparable Inception network (TTUR's classify_image_graph_def.pb) cannot be downloaded "
            "here")
NO_KERAS_WEIGHTS = "Keras InceptionV3 ImageNet weights cannot be downloaded here"
NO_DATA = {
    "celeba": "CelebA is not on this machine and cannot be downloaded here (SPEC §9)",
    "cifar10": "CIFAR-10 is not on this machine and cannot be downloaded here (SPEC §9)",
    "lsun": "LSUN bedroom is not on this machine and cannot be downloaded here (SPEC §9)",
    "mnist": "MNIST is not on this machine and cannot be downloaded here (SPEC §9)",
    "faces256": "seed 004's face set is private",
    "fashion_mnist": "",
}
DATA_FLAG = {"celeba": " --data_dir=PATH/celeba", "cifar10": " --data_dir=PATH/cifar10",
             "lsun": " --data_dir=PATH/lsun", "mnist": " --data_dir=PATH/mnist", "faces256": " --data_dir=FACES_DIR",
             "fashion_mnist": ""}
SEEDS = "0 1 2"


def command(preset: str, dataset: str, evaluate: str, train: str = "", steps: str = "") -> str:
  """Train three seeds of `preset` and evaluate each (at every step of `steps`, a shell word list, if given);
  one line of shell, run from the repository root."""
  wd = f"checkpoints/{preset}-s$s"
  ev = f"python -m tfgan_repro.evaluate --workdir={wd} {evaluate}"
  if steps:
    ev = f"for t in {steps}; do {ev} --step=$t; done"
  return (f"for s in {SEEDS}; do python -m tfgan_repro.main --preset={preset} --seed=$s --workdir={wd}"
          f"{DATA_FLAG[dataset]}{train} && {ev}; done")


def _blocker(dataset: str, *files: str) -> str:
  return "; ".join(b for b in (NO_DATA[dataset],) + files if b)


def _seed000():
  out = []
  celeba = ("TTUR Inception FID on 64x64 CelebA, sample counts not stated; final value after the Fig. 6 curve "
            "(100k iterations, batch 16)")
  for system, preset, value in (("BEGAN", "began_celeba_64", 84.19),
                                ("BEGAN-skip+TTUR", "began_skip_celeba_64", 24.57)):
    out.append(Entry(f"s000-celeba64-fid-{preset.split('_celeba')[0]}", "seed000", 0, system, "celeba", 64, "fid",
                     value, f"{value:.2f}", celeba, preset, "ttur_graph",
                     command(preset, "celeba", f"--network=ttur_graph {GRAPH} --metrics=fid --num_fake=10000"),
                     _blocker("celeba", NO_GRAPH), note="decision: 10k fakes against the whole train split"))
  cifar_fid = "TTUR Inception FID, 50,000 CIFAR-10 training images vs 10,000 generated, after 100k iterations, batch 64"
  for system, preset, value in (("DFM", "", 30.02), ("BEGAN", "began_cifar10_32", 77.27),
                                ("BEGAN-skip+TTUR", "began_skip_cifar10_32", 57.96)):
    cmd = command(preset, "cifar10", f"--network=ttur_graph {GRAPH} --metrics=fid --num_real=50000 "
                  "--num_fake=10000 --split=train") if preset else ""
    blocker = _blocker("cifar10", NO_GRAPH) if preset else (
        "DFM (Warde-Farley & Bengio 2017, denoising feature matching) is not implemented in this package; "
        + _blocker("cifar10", NO_GRAPH))
    out.append(Entry(f"s000-cifar10-fid-{(preset or 'dfm').split('_cifar')[0]}", "seed000", 1, system, "cifar10",
                     32, "fid", value, f"{value:.2f}", cifar_fid, preset, "ttur_graph", cmd, blocker,
                     n_fake=10000, n_real=50000))
  cifar_is = "Inception Score (TTUR/Salimans Inception graph), mean of 10 evaluations on 50,000 samples"
  for system, preset, value in (("BEGAN", "began_cifar10_32", 5.62),
                                ("BEGAN-skip+TTUR", "began_skip_cifar10_32", 6.32)):
    out.append(Entry(f"s000-cifar10-is-{preset.split('_cifar')[0]}", "seed000", 2, system, "cifar10", 32, "is",
                     value, f"{value:.2f}", cifar_is, preset, "ttur_graph",
                     command(preset, "cifar10", f"--network=ttur_graph {GRAPH} --metrics=is --num_fake=50000"),
                     _blocker("cifar10", NO_GRAPH), n_fake=50000))
  curve = ("Inception {m} over 100k iterations (Fig. 9{p}), 32x32, batch 64; curve only, no values in the text")
  for metric, panel, claim in (("fid", "a", "below"), ("is", "b", "above")):
    for system, preset in (("BEGAN", "began_fashion_mnist_32"), ("BEGAN-skip+TTUR", "began_skip_fashion_mnist_32")):
      here = command(preset, "fashion_mnist", "--network=classifier --metrics=fid,is --num_fake=10000",
                     train=" --eval_every=2000 --eval_samples=1000 --eval_metrics=fid,is")
      # The curve is scored during training with TTUR's graph; the final checkpoint again on 10k samples.
      paper_cmd = command(preset, "fashion_mnist", f"--network=ttur_graph {GRAPH} --metrics={metric} "
                          "--num_fake=10000", train=" --eval_every=5000 --eval_samples=10000 "
                          "--eval_network=ttur_graph --eval_weights=PATH/classify_image_graph_def.pb "
                          f"--eval_metrics={metric}")
      out.append(Entry(f"s000-fmnist32-{metric}curve-{preset.split('_fashion')[0]}", "seed000", 3, system,
                       "fashion_mnist", 32, metric, None, f"curve: BEGAN-skip {claim} BEGAN",
                       curve.format(m=metric.upper(), p=panel), preset, "ttur_graph", paper_cmd,
                       _blocker("fashion_mnist", NO_GRAPH), substitute="classifier", substitute_command=here,
                       curve=True))
  return out


IGAN_SYSTEMS = (("IGAN", "igan"), ("IGAN_v2", "igan_v2"), ("WGAN-GP", "wgan_gp"), ("DCGAN", "dcgan"))


def _seed001():
  out = []
  protocol = ("FID, Inception V3 2048-d pool features (implementation not stated), 10,000 real samples vs "
              "generated, 96x96; Table 1's values are not in the text")
  for dataset in ("mnist", "fashion_mnist", "celeba", "lsun"):
    for system, model in IGAN_SYSTEMS:
      preset = f"{model}_{dataset}_96"
      evaluate = f"--network=ttur_graph {GRAPH} --metrics=fid --num_real=10000 --num_fake=10000"
      here = (command(preset, dataset, "--network=classifier --metrics=fid --num_real=10000 --num_fake=10000")
              if dataset == "fashion_mnist" else "")
      blocker = _blocker(dataset, NO_GRAPH)
      note = ""
      if model == "dcgan":
        note = ("seed 001 gives no layers for its DCGAN: ours is Radford et al.'s network from a 6x6 start "
                "(dcgan_celeba_96)")
      if model == "igan_v2" and dataset in ("mnist", "fashion_mnist"):
        note = ("the preset trains on classes 0,7 (decision) and is scored against those two classes of the "
                "real split (the reference follows --classes)")
      out.append(Entry(f"s001-{dataset}96-fid-{model}", "seed001", 4, system, dataset, 96, "fid",
                       None, "values not in text", protocol, preset, "ttur_graph",
                       command(preset, dataset, evaluate), blocker,
                       substitute="classifier" if here else "", substitute_command=here, note=note,
                       n_fake=10000, n_real=10000))
  return out


def _seed004():
  return [Entry("s004-faces256-is-dcgan", "seed004", 5, "DCGAN", "faces256", 256, "is", 2.61, "2.61",
                "Inception Score with Keras Inception-v3 (its reference 'How to Implement the Inception Score'), "
                "samples and splits not stated; 50,000 iterations, batch 16, on a private 256x256 face set",
                "dcgan_faces256_256", "keras_inception",
                command("dcgan_faces256_256", "faces256", "--network=keras_inception "
                        "--inception_weights=PATH/inception_v3_weights_tf_dim_ordering_tf_kernels.h5 --metrics=is "
                        "--num_fake=10000"),
                _blocker("faces256", NO_KERAS_WEIGHTS), note="decision: 10k samples, 10 splits")]


ENTRIES: Tuple[Entry, ...] = tuple(_seed000() + _seed001() + _seed004())

# SPEC §8 "Context from other studies (for sanity, not targets)".
_LUCIC = "Lucic et al. 2018, best FID over a large hyper-parameter search, 10k real vs 10k fake (TTUR graph)"
_TTUR = "Heusel et al. 2017 (TTUR), FID of the original rule -> with TTUR"
CONTEXT = tuple(
    [Entry(f"ctx-lucic-{sys.lower().replace('-', '')}-{ds}", "context", -1, sys, ds, 0, "fid", v, f"{v}", _LUCIC,
           "", "ttur_graph", "", "context only")
     for sys, values in (("BEGAN", (13.1, 22.9, 71.4, 38.9)), ("WGAN-GP", (20.3, 24.5, 55.8, 30.3)))
     for ds, v in zip(("mnist", "fashion_mnist", "cifar10", "celeba"), values)]
    + [Entry(f"ctx-ttur-{sys.lower().replace('-', '')}-{ds}", "context", -1, sys, ds, res, "fid", after,
             f"{before} -> {after}", _TTUR, "", "ttur_graph", "", "context only")
       for sys, ds, res, before, after in (("DCGAN", "celeba", 64, 21.4, 12.5), ("DCGAN", "cifar10", 32, 37.7, 36.9),
                                           ("WGAN-GP", "cifar10", 32, 29.3, 24.8))]
    + [Entry("ctx-real-cifar10-is", "context", -1, "real data", "cifar10", 32, "is", 11.24, "about 11.24",
             "IS of the real CIFAR-10 training set", "", "ttur_graph", "", "context only")])


CLAIMS = (
    Claim("c000-celeba-fid", "seed000", "BEGAN-skip+TTUR reaches a lower CelebA-64 FID than BEGAN (24.57 vs 84.19)",
          "seed 000 §3.2", "fid", "began_skip_celeba_64", "<", "began_celeba_64"),
    Claim("c000-celeba-fid-curve", "seed000", "BEGAN-skip+TTUR's FID stays below BEGAN's, whose FID fluctuates and "
          "rises late in training", "seed 000 Fig. 6", "fid", "began_skip_celeba_64", "<", "began_celeba_64",
          "curve"),
    Claim("c000-cifar10-fid", "seed000", "BEGAN-skip+TTUR has a lower CIFAR-10 FID than BEGAN (57.96 vs 77.27)",
          "seed 000 §4", "fid", "began_skip_cifar10_32", "<", "began_cifar10_32"),
    Claim("c000-cifar10-is", "seed000", "BEGAN-skip+TTUR has a higher CIFAR-10 IS than BEGAN (6.32 vs 5.62)",
          "seed 000 §4-5", "is", "began_skip_cifar10_32", ">", "began_cifar10_32"),
    Claim("c000-fmnist-fid-curve", "seed000", "On Fashion-MNIST BEGAN-skip's FID is below BEGAN's over 100k "
          "iterations", "seed 000 Fig. 9a", "fid", "began_skip_fashion_mnist_32", "<", "began_fashion_mnist_32",
          "curve"),
    Claim("c000-fmnist-is-curve", "seed000", "On Fashion-MNIST BEGAN-skip's IS is above BEGAN's, still rising at "
          "100k iterations", "seed 000 Fig. 9b", "is", "began_skip_fashion_mnist_32", ">", "began_fashion_mnist_32",
          "curve"),
    Claim("c000-fmnist-fid-curve-literal", "seed000", "As c000-fmnist-fid-curve, with seed 000 §2's learning "
          "rates as written (G 1e-3, D 4e-3: --lr_reading=ttur_literal)", "seed 000 Fig. 9a, §2", "fid",
          "began_skip_fashion_mnist_32", "<", "began_fashion_mnist_32", "curve",
          a_where=(("lr_reading", "ttur_literal"),)),
    Claim("c000-fmnist-is-curve-literal", "seed000", "As c000-fmnist-is-curve, with seed 000 §2's learning "
          "rates as written (--lr_reading=ttur_literal)", "seed 000 Fig. 9b, §2", "is",
          "began_skip_fashion_mnist_32", ">", "began_fashion_mnist_32", "curve",
          a_where=(("lr_reading", "ttur_literal"),)),
    Claim("c000-gamma", "seed000", "gamma 0.3 gives more uniform, less diverse samples than gamma 0.7",
          "seed 000 Fig. 4", "", "began_skip_celeba_64", "~", "began_skip_celeba_64", "figure"),
    Claim("c000-gamma-fmnist-figure", "seed000", "gamma 0.3 gives more uniform, less diverse samples than gamma "
          "0.7 (seed 000 shows it on CelebA; here on Fashion-MNIST)", "seed 000 Fig. 4", "",
          "began_skip_fashion_mnist_32", "~", "began_skip_fashion_mnist_32", "figure"),
    Claim("c000-gamma-fmnist-is", "seed000", "Less diverse at gamma 0.3 than at 0.7, read as a lower classifier "
          "IS (the IS rewards samples spread over the classes; our proxy, not the paper's test)",
          "seed 000 Fig. 4", "is", "began_skip_fashion_mnist_32", "<", "began_skip_fashion_mnist_32",
          a_where=(("gamma", 0.3),), b_where=(("gamma", 0.7),)),
) + tuple(
    Claim(f"c001-igan-{ds}-{rival}", "seed001", f"IGAN beats {name} on {label} (\"IGAN performs excellently on "
          "simple and complex datasets\")", "seed 001 §3.5.2", "fid", f"igan_{ds}_96", "<", f"{rival}_{ds}_96")
    for ds, label in (("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST"), ("celeba", "CelebA"),
                      ("lsun", "LSUN bedroom"))
    for rival, name in (("wgan_gp", "WGAN-GP"), ("dcgan", "DCGAN"))
) + tuple(
    Claim(f"c001-v2-{ds}", "seed001", text.format(label), "seed 001 §3.5.2", "fid", "igan_v2_" + ds + "_96", rel,
          "igan_" + ds + "_96")
    for ds, label, rel, text in (
        ("mnist", "MNIST", ">", "IGAN_v2 is not ideal on the simple {} (FID above IGAN's)"),
        ("fashion_mnist", "Fashion-MNIST", ">", "IGAN_v2 is not ideal on the simple {} (FID above IGAN's)"),
        ("celeba", "CelebA", "~", "On the complex {} IGAN_v2 is as good as IGAN"),
        ("lsun", "LSUN bedroom", "~", "On the complex {} IGAN_v2 is as good as IGAN"))
) + (
    Claim("c003-improved-fmnist", "seed003", "The Improved Techniques make DCGAN converge to better samples "
          "(seed 003's summary; no number given)", "seed 003 §2", "fid", "dcgan_improved_fashion_mnist_32", "<",
          "dcgan_fashion_mnist_32"),
    Claim("c003-improved-cifar10", "seed003", "The Improved Techniques make DCGAN converge to better samples "
          "(seed 003's summary; no number given)", "seed 003 §2", "fid", "dcgan_improved_cifar10_32", "<",
          "dcgan_cifar10_32"),
)


def entries_of(paper: str):
  return [e for e in ENTRIES if e.paper == paper]


def claims_of(paper: str):
  return [c for c in CLAIMS if c.paper == paper]


def presets_named():
  """Every preset the ledger refers to (entries and claims), sorted."""
  names = {e.preset for e in ENTRIES if e.preset} | {c.a for c in CLAIMS} | {c.b for c in CLAIMS}
  return sorted(names)


def dataset_of(preset: str) -> str:
  from tfgan_repro import presets
  return presets.load(preset).dataset


def preset_command(preset: str) -> str:
  """How to run and score `preset`: a ledger entry's command (the offline one where there is one), else three
  seeds scored with the classifier (Fashion-MNIST) or the TTUR graph."""
  for e in ENTRIES:
    if e.preset == preset and (e.substitute_command or e.command):
      return e.substitute_command or e.command
  dataset = dataset_of(preset)
  network = ("--network=classifier" if dataset == "fashion_mnist" else f"--network=ttur_graph {GRAPH}")
  return command(preset, dataset, f"{network} --metrics=fid --num_fake=10000")
