"""results/CAMPAIGN.md (issue 16): a campaign record is judged against the learned-model bars, its plateau is
read from its FCD curve, and a claim gets a verdict only from 3 seeds a side."""
import json

import numpy as np

import pytest

from tfgan_repro import campaign
from tfgan_repro.results import campaign_report, collect, real_is

# real IS of all classes and of classes 0 and 7 at 96x96x3 (made-up round numbers: the bar for {0, 7} is 1.8)
TABLE = {real_is.key("fashion_mnist", "train", 96, 3, ()): 6.0,
         real_is.key("fashion_mnist", "train", 96, 3, (0, 7)): 2.4}


def _record(root, name, *, fid, is_, hist, curve, step=1000, classes=None, branches=None, seed=0):
  d = root / name
  d.mkdir(parents=True)
  (d / "config.json").write_text(json.dumps({"preset": "dcgan_fashion_mnist_32", "seed": seed,
                                             "dataset": "fashion_mnist", "split": "train",
                                             "resolution": 96 if classes else 32, "channels": 3 if classes else 0,
                                             "classes": ",".join(map(str, classes or []))}))
  (d / "archive.json").write_text(json.dumps({"checkpoint_step": step}))
  (d / "scalars.json").write_text("{}")
  final = dict(checkpoint_step=step, network="classifier", n_fake=10000)
  lines = [dict(final, metric="fid", value=fid), dict(final, metric="is", value=is_),
           dict(final, metric="class_kl", value=0.1, class_histogram=hist)]
  for b, bh in (branches or {}).items():
    lines.append(dict(final, metric="class_kl", value=0.1, class_histogram=bh, branch=b))
  lines += [dict(metric="fid", value=v, checkpoint_step=s, network="classifier", source=collect.CALLBACK_SOURCE)
            for s, v in curve]
  (d / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
  return collect.read_run(str(d))


EVEN = [0.1] * 10


def test_bars_name_each_miss_and_a_learned_run_meets_all(tmp_path):
  good = campaign_report.Judged(_record(tmp_path, "c-a-s0", fid=5.0, is_=4.8, hist=EVEN,
                                        curve=[(250, 20.0), (750, 5.2), (1000, 5.0)]))
  assert good.failures() == []
  assert good.plateau_text().startswith("yes: 5.20 at 750 -> 5.00 at 1000 (+3.8%)")
  bad = campaign_report.Judged(_record(tmp_path, "c-b-s0", fid=31.0, is_=4.4,
                                       hist=[0.29] + [0.02] + [0.0861] * 8, curve=[(500, 60.0), (1000, 40.0)]))
  fails = bad.failures()
  assert fails[0] == "IS 4.40 < 4.5" and fails[1] == "FCD 31.00 > 30"
  assert "classes below 3%: 1 (2.0%)" in fails[2]
  assert bad.plateau_text().startswith("no: 60.00 at 500 -> 40.00 at 1000 (+33.3%)")


def test_the_plateau_is_read_off_a_line_through_the_last_quarter_not_its_two_end_points(tmp_path):
  # c-dcgan-fm32-10k-s0's curve from 2.5k steps: flat, swinging between 3 and 8. Its end points say it fell
  # 34% over the last quarter; the line through the six evaluations of that quarter says 6.9%.
  tail = [(7500, 8.22), (8000, 2.97), (8500, 3.92), (9000, 7.52), (9500, 5.45), (10000, 5.45)]
  flat = campaign_report.Judged(_record(tmp_path, "c-flat-s0", fid=5.0, is_=4.6, hist=EVEN,
                                        curve=[(2500, 4.1), (5000, 3.5)] + tail, step=10000))
  slope, intercept = np.polyfit([s for s, _ in tail], [v for _, v in tail], 1)
  start, end = slope * 7500 + intercept, slope * 10000 + intercept
  assert flat.trend[0] == 6 and abs(flat.trend[1] - (start - end) / start) < 1e-12
  assert flat.plateau_text() == ("yes: line through the last 6 evaluations +6.9%; "
                                 "end points 8.22 at 7500 -> 5.45 at 10000 (+33.7%)")
  falling = campaign_report.Judged(_record(tmp_path, "c-fall-s0", fid=5.0, is_=4.6, hist=EVEN,
                                           curve=[(750, 9.0), (875, 8.0), (1000, 7.0)]))
  assert falling.plateau_text().startswith("no: line through the last 3 evaluations +22.2%")


def test_only_the_trained_classes_count_and_each_branch_must_draw_its_own_class(tmp_path):
  hist = [0.5, 0, 0, 0, 0, 0, 0, 0.5, 0, 0]  # classes 0 and 7 only: the other eight at 0% are no miss
  branches = {0: [0.9] + [0] * 6 + [0.1, 0, 0], 1: [0.3] + [0] * 6 + [0.7, 0, 0]}
  j = campaign_report.Judged(_record(tmp_path, "c-v2-s0", fid=10.0, is_=2.0, hist=hist, curve=[(1000, 10.0)],
                                     classes=[0, 7], branches=branches), TABLE)
  assert j.shares == {0: 0.5, 7: 0.5}
  assert j.purity == {0: 0.9, 1: 0.7}
  assert j.failures() == ["branches below 80% own class: 1 (70%)"]


def test_a_class_subset_run_is_held_to_its_own_real_images_share_of_the_is_bar(tmp_path):
  two = [0.5, 0, 0, 0, 0, 0, 0, 0.5, 0, 0]
  low = campaign_report.Judged(_record(tmp_path, "c-low-s0", fid=10.0, is_=1.7, hist=two, curve=[(1000, 10.0)],
                                       classes=[0, 7]), TABLE)
  assert low.is_bar == 4.5 * 2.4 / 6.0
  assert low.failures() == ["IS 1.70 < 1.80 = 4.5 x real 2.40 / 6.00"]
  high = campaign_report.Judged(_record(tmp_path, "c-high-s0", fid=10.0, is_=1.9, hist=two, curve=[(1000, 10.0)],
                                        classes=[0, 7]), TABLE)
  assert high.failures() == []
  # all ten classes: the bar itself, table or not; a subset the table lacks: a miss that says what to run
  full = campaign_report.Judged(_record(tmp_path, "c-full-s0", fid=3.0, is_=4.6, hist=EVEN, curve=[(1000, 3.0)]), {})
  assert full.is_bar == 4.5 and full.failures() == []
  unknown = campaign_report.Judged(_record(tmp_path, "c-u-s0", fid=10.0, is_=2.3, hist=two, curve=[(1000, 10.0)],
                                           classes=[0, 7]), {})
  assert unknown.is_bar is None
  assert unknown.failures()[0].startswith("IS bar unknown:") and "tfgan_repro.results.real_is" in unknown.failures()[0]


def test_real_is_data_specs_and_the_committed_table():
  assert real_is.parse_data("fashion_mnist:96:3:0,7") == ("fashion_mnist", 96, 3, (0, 7))
  assert real_is.parse_data("fashion_mnist:32:1:") == ("fashion_mnist", 32, 1, ())
  for bad in ("fashion_mnist:96:3", ":96:3:"):
    with pytest.raises(ValueError, match="dataset:resolution:channels:classes"):
      real_is.parse_data(bad)
  with pytest.raises(ValueError, match="must be integers"):
    real_is.parse_data("fashion_mnist:x:3:")
  table = real_is.load()  # results/real_is.json: every subset the campaign trains on, with its all-class entry
  for spec in real_is.DEFAULT_DATA:
    dataset, res, ch, classes = real_is.parse_data(spec)
    assert real_is.key(dataset, "train", res, ch, classes) in table
    assert real_is.key(dataset, "train", res, ch, ()) in table


def test_a_claim_needs_three_seeds_a_side(tmp_path):
  runs = [_record(tmp_path, f"c-dcgan_improved-fm32-s{s}", fid=3.0 + 0.1 * s, is_=4.8, hist=EVEN,
                  curve=[(1000, 3.0)], seed=s) for s in range(3)]
  runs += [_record(tmp_path, "c-dcgan-fm32-s0", fid=6.0, is_=4.8, hist=EVEN, curve=[(1000, 6.0)])]
  row = [r for r in campaign_report.claim_rows([campaign_report.Judged(r) for r in runs]) if "seed 003" in r[0]][0]
  assert row[3].startswith("inconclusive (1 seed")
  runs += [_record(tmp_path, f"c-dcgan-fm32-s{s}", fid=6.0 + 0.1 * s, is_=4.8, hist=EVEN, curve=[(1000, 6.0)],
                   seed=s) for s in (1, 2)]
  row = [r for r in campaign_report.claim_rows([campaign_report.Judged(r) for r in runs]) if "seed 003" in r[0]][0]
  assert row[3] == "supported" and row[1].startswith("DCGAN + 5 techniques: 3.10 ± 0.10 (n=3)")
  runs.append(_record(tmp_path, "c-dcgan-fm32-s3", fid=6.0, is_=1.2, hist=EVEN, curve=[(1000, 6.0)], seed=3))
  row = [r for r in campaign_report.claim_rows([campaign_report.Judged(r) for r in runs]) if "seed 003" in r[0]][0]
  assert row[3].startswith("no verdict: c-dcgan-fm32-s3 miss the learned-model bars")


def test_the_page_lists_every_planned_run_and_skips_live_run_directories(tmp_path):
  rec = _record(tmp_path, "c-dcgan-fm32-s0", fid=3.3, is_=4.8, hist=EVEN, curve=[(1000, 3.3)])
  live = tmp_path / "c-live-s0"
  live.mkdir()
  (live / "config.json").write_text("{}")
  runs = campaign_report.campaign_runs([rec, collect.read_run(str(live))])
  assert [r.path for r in runs] == [rec.path]
  page = campaign_report.render(runs)
  for p in campaign.plan():
    assert f"| {p.name} |" in page
  assert "| c-dcgan-fm32-s1 | c003 baseline; family bar | not run yet |" in page


def test_the_ledger_never_sets_runs_of_different_budgets_against_each_other(tmp_path):
  from tfgan_repro.results import ledger, verdicts
  claim = [c for c in ledger.CLAIMS if c.id == "c003-improved-fmnist"][0]

  def run(name, preset, step, fid):
    r = _record(tmp_path, name, fid=fid, is_=4.0, hist=EVEN, curve=[(step, fid)], step=step)
    r.config.update(preset=preset, model=preset.split("_fashion")[0], steps=step, batch_size=64,
                    dataset="fashion_mnist")
    return r

  short = [run("imp300", claim.a, 300, 140.0), run("dc300", claim.b, 300, 55.0)]
  long_b = run("dc5000", claim.b, 5000, 3.3)
  verdict = verdicts.judge(claim, collect.group_runs(short + [long_b]))
  assert "141" not in verdict.evidence and "3.30" not in verdict.evidence and "55.00" in verdict.evidence
  verdict = verdicts.judge(claim, collect.group_runs([short[0], long_b]))
  assert verdict.status == "not comparable" and "300 steps" in verdict.evidence


def test_the_ledger_gives_no_verdict_where_a_run_misses_the_learned_model_bars(tmp_path):
  # results/README.md's claims (verdicts.judge) and CAMPAIGN.md's apply one rule: a model that has not learned
  # is no evidence for or against a paper's claim.
  from tfgan_repro.results import ledger, verdicts
  claim = [c for c in ledger.CLAIMS if c.id == "c003-improved-fmnist"][0]

  def run(name, preset, fid, is_, seed):
    r = _record(tmp_path, name, fid=fid, is_=is_, hist=EVEN, curve=[(5000, fid)], step=5000, seed=seed)
    r.config.update(preset=preset, model=preset.split("_fashion")[0], steps=5000, batch_size=64,
                    dataset="fashion_mnist")
    return r

  improved = [run(f"imp{s}", claim.a, 3.0 + 0.1 * s, 4.8, s) for s in range(3)]
  learned = collect.group_runs(improved + [run(f"dc{s}", claim.b, 6.0 + 0.1 * s, 4.7, s) for s in range(3)])
  assert verdicts.judge(claim, learned, missed_bars=campaign_report.missed_bars).status.startswith("supported")
  blobs = collect.group_runs(improved + [run(f"blob{s}", claim.b, 150.0 + s, 1.1, s) for s in range(3)])
  assert verdicts.judge(claim, blobs).status.startswith("supported")  # the rule alone
  assert verdicts.judge(claim, blobs, missed_bars=campaign_report.missed_bars).status.startswith(
      "no verdict: blob0, blob1, blob2 miss the learned-model bars (the rule alone would say: supported")
  elsewhere = [r for g in blobs for r in g.runs if r.name == "blob0"][0]
  elsewhere.config["dataset"] = "celeba"  # the bars are on the Fashion-MNIST classifier's scale only
  assert campaign_report.missed_bars(elsewhere) == []


def test_every_claim_compares_configurations_the_campaign_plans():
  planned = {campaign_report.configuration(p.name) for p in campaign.plan()}
  for text, _, _, (_, a), (_, b) in campaign_report.CLAIMS:
    assert {a, b} <= planned, text
  loo = [c for c in campaign_report.CLAIMS if c[0].startswith("seed 003 leave-one-out: ")]
  assert len(loo) == 5  # one per technique of seed 003, at the preset's historical weight 1.0
  loo = [c for c in campaign_report.CLAIMS if c[0].startswith("seed 003 leave-one-out at historical weight 0.01")]
  assert len(loo) == 5 and {c[3][1] for c in loo} == {"c-dcgan_improved-hw0.01-fm32"}  # ... and at 0.01
  without = {c[4][1] for c in loo}
  assert "c-dcgan_improved-no_historical_averaging-fm32" in without  # the weight does nothing with it off


def test_a_leave_one_out_claim_is_judged_against_all_five(tmp_path):
  runs = [_record(tmp_path, f"c-dcgan_improved-fm32-s{s}", fid=28.0 + s, is_=4.8, hist=EVEN,
                  curve=[(1000, 28.0)], seed=s) for s in range(3)]
  runs += [_record(tmp_path, f"c-dcgan_improved-no_historical_averaging-fm32-s{s}", fid=2.0 + 0.1 * s, is_=5.0,
                   hist=EVEN, curve=[(1000, 2.0)], seed=s) for s in range(3)]
  rows = campaign_report.claim_rows([campaign_report.Judged(r) for r in runs])
  row = [r for r in rows if "historical averaging helps" in r[0]][0]
  assert row[3] == "contradicted" and row[2].startswith("without historical averaging: 2.10 ± 0.10 (n=3)")
  row = [r for r in rows if "label smoothing helps" in r[0]][0]
  assert row[3].startswith("not run yet (without one-sided label smoothing)")


def test_the_curve_check_reads_the_claim_off_the_last_quarter_and_leaves_the_verdict_alone(tmp_path):
  # Final values say "supported" (3.x against 6.x); the last quarters of the curves (steps 750 and 1000 of
  # 1000: the plateau's stretch starts at the last evaluation at or before 750) say the opposite.
  up = [(500, 1.0), (750, 9.0), (1000, 9.0)]  # improved: mean over the stretch 9.0
  down = [(500, 9.0), (750, 2.0), (1000, 2.0)]  # plain: 2.0
  def judged(root, improved_curve, plain_curve):
    runs = [_record(root, f"c-dcgan_improved-fm32-s{s}", fid=3.0 + 0.1 * s, is_=4.8, hist=EVEN,
                    curve=improved_curve, seed=s) for s in range(3)]
    runs += [_record(root, f"c-dcgan-fm32-s{s}", fid=6.0 + 0.1 * s, is_=4.8, hist=EVEN, curve=plain_curve, seed=s)
             for s in range(3)]
    return [campaign_report.Judged(r) for r in runs]

  seed003 = lambda js: [r for r in campaign_report.claim_rows(js) if r[0].startswith("seed 003: ")][0]
  judged_ = judged(tmp_path / "a", up, down)
  assert campaign_report.last_quarter(judged_[0], "fid") == pytest.approx(9.0)
  row = seed003(judged_)
  assert row[3] == "supported"
  assert row[4] == "9.00 vs 2.00: the opposite direction"
  row = seed003(judged(tmp_path / "b", down, up))
  assert row[4] == "2.00 vs 9.00: the claim's direction"
  # a claim whose side has not run yet has no curve check either
  rows = campaign_report.claim_rows(judged_)
  assert all(r[4] == "—" for r in rows if r[3].startswith("not run yet"))
