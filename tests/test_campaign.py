"""The campaign runner (issue 16 item 7): it knows which runs are done, partial or missing, resumes partial ones
first, and leaves a finished run's record archived (and committed) before it starts the next."""
import io
import json
import os
import shlex
import subprocess

from tfgan_repro import campaign


def _one_run(name="c-tiny-s0", steps=2):
  flags = f"--model=dcgan --dataset=fashion_mnist --tiny --steps={steps} --log_every=1 --sample_every=2 --ckpt_every=1"
  return campaign.Planned(name, flags, 0, 1.0, "test")


def test_every_planned_run_has_a_unique_name_a_seed_and_a_target(monkeypatch):
  names = [p.name for p in campaign.plan()]
  assert len(names) == len(set(names))
  for p in campaign.plan():
    assert campaign._target_steps(p.flags) > 0 and p.name.endswith(f"-s{p.seed}") and p.minutes > 0


def test_the_historical_weight_arms_run_all_five_techniques_at_their_weight():
  arms = [p for p in campaign.plan() if p.name.startswith("c-dcgan_improved-hw") and "-10k-" not in p.name
          and "-no_" not in p.name]  # the leave-one-outs at 0.01 have their own test
  assert sorted({p.name.rsplit("-s", 1)[0] for p in arms}) == ["c-dcgan_improved-hw0.01-fm32",
                                                               "c-dcgan_improved-hw0.1-fm32"]
  full = [p for p in campaign.plan() if p.name == "c-dcgan_improved-fm32-s0"][0]
  for p in arms:
    weight = p.name.split("-hw", 1)[1].split("-", 1)[0]
    assert p.flags == f"{full.flags} --historical_weight={weight}"  # nothing else differs from the full set
    assert sorted(x.seed for x in arms if x.name.startswith(p.name.rsplit("-s", 1)[0])) == [0, 1, 2]


def test_the_plateau_arms_double_the_steps_and_change_nothing_else():
  by_name = {p.name: p for p in campaign.plan()}
  for arm, base in (("c-dcgan-fm32-10k-s0", "c-dcgan-fm32-s0"),
                    ("c-dcgan_improved-hw0.01-fm32-10k-s0", "c-dcgan_improved-hw0.01-fm32-s0"),
                    ("c-dcgan_improved-fm32-10k-s0", "c-dcgan_improved-fm32-s0")):
    assert campaign._target_steps(by_name[arm].flags) == 2 * campaign._target_steps(by_name[base].flags)
    assert by_name[arm].flags == by_name[base].flags.replace("--steps=5000", "--steps=10000")
    assert by_name[arm].seed == by_name[base].seed


def test_state_tells_missing_partial_running_and_done(tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_CAMPAIGN_DIR", str(tmp_path / "runs"))
  p = _one_run(steps=10)
  assert campaign.state(p, str(tmp_path))["status"] == "missing"
  ckpt = tmp_path / "runs" / p.name / "ckpt"
  ckpt.mkdir(parents=True)
  (ckpt / "ckpt-4.index").write_text("")
  assert campaign.state(p, str(tmp_path)) == {"status": "partial", "step": 4, "target": 10}
  (tmp_path / "runs" / p.name / ".lane").write_text(str(os.getpid()))
  assert campaign.state(p, str(tmp_path))["status"] == "running"
  (tmp_path / "runs" / p.name / ".lane").write_text("999999999")  # a lane that died: not running
  assert campaign.state(p, str(tmp_path))["status"] == "partial"
  record = tmp_path / campaign.RECORDS / p.name
  record.mkdir(parents=True)
  (record / "archive.json").write_text(json.dumps({"checkpoint_step": 4}))
  assert campaign.state(p, str(tmp_path))["status"] == "partial"  # a record short of the target is not done
  (record / "archive.json").write_text(json.dumps({"checkpoint_step": 10}))
  assert campaign.state(p, str(tmp_path))["status"] == "done"
  out = io.StringIO()
  monkeypatch.setattr(campaign, "plan", lambda: [p])
  assert campaign.status(repo=str(tmp_path), out=out) == []
  assert "1 runs: 1 done; about 0.0 core-hours left" in out.getvalue()


def test_run_trains_scores_archives_and_commits_then_reports_nothing_left(tmp_path, monkeypatch):
  repo = tmp_path / "repo"
  (repo / campaign.RECORDS).mkdir(parents=True)
  subprocess.check_call(["git", "init", "-q", str(repo)])
  subprocess.check_call(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                         "--allow-empty", "-m", "init"])
  monkeypatch.setenv("GIT_AUTHOR_NAME", "t"), monkeypatch.setenv("GIT_AUTHOR_EMAIL", "t@t")
  monkeypatch.setenv("GIT_COMMITTER_NAME", "t"), monkeypatch.setenv("GIT_COMMITTER_EMAIL", "t@t")
  monkeypatch.setenv("TFGAN_CAMPAIGN_DIR", str(tmp_path / "runs"))
  monkeypatch.setenv("PYTHONPATH", os.path.dirname(os.path.dirname(os.path.abspath(campaign.__file__))))
  p = _one_run()._replace(ship="tiny_dcgan")
  monkeypatch.setattr(campaign, "plan", lambda: [p])
  monkeypatch.setattr(campaign, "FINAL_SAMPLES", 64)
  monkeypatch.setattr(campaign, "FINAL_METRICS", "fid,is")
  assert campaign.run(core=0, repo=str(repo), slowdown=1.0) == 0
  record = repo / campaign.RECORDS / p.name
  assert json.loads((record / "archive.json").read_text())["checkpoint_step"] == 2
  finals = [json.loads(line) for line in (record / "scores.jsonl").read_text().splitlines()]
  assert {r["metric"] for r in finals if r.get("n_fake") == 64} == {"fid", "is"}
  log = subprocess.check_output(["git", "-C", str(repo), "log", "--name-only", "--format=%s"], text=True)
  assert f"campaign: record of {p.name}" in log and f"{campaign.RECORDS}/{p.name}/archive.json" in log
  # the pages the records feed are rebuilt and committed with the record, so committed results/ stays in
  # step with the committed records (CI rebuilds them and compares)
  assert "results/CAMPAIGN.md" in log and "results/README.md" in log
  assert p.name in (repo / "results" / "CAMPAIGN.md").read_text()
  assert subprocess.check_output(["git", "-C", str(repo), "status", "--porcelain"], text=True) == ""
  assert campaign.state(p, str(repo))["status"] == "done"
  assert not (tmp_path / "runs" / p.name / ".lane").exists()
  # a run with `ship`: its generator is exported as a slim run directory and committed with the record
  shipped = repo / campaign.SHIPPED / "tiny_dcgan"
  assert f"{campaign.SHIPPED}/tiny_dcgan/config.json" in log and "generator shipped as" in log
  assert json.loads((shipped / "run_info.jsonl").read_text().splitlines()[-1])["event"] == "slim export"
  assert {"checkpoint", "ckpt-2.index"} <= set(os.listdir(shipped / "ckpt"))
  assert json.loads((shipped / "scores.jsonl").read_text().splitlines()[-1])["n_fake"] == 64
  # an export over the size limit replaces nothing
  before = sorted(os.listdir(shipped / "ckpt"))
  monkeypatch.setattr(campaign, "SHIPPED_MAX_BYTES", 10)
  assert campaign.ship(p, core=0, repo=str(repo)) is None
  assert sorted(os.listdir(shipped / "ckpt")) == before


def test_records_name_no_absolute_path_of_the_repository_or_the_home_directory(tmp_path):
  from tfgan_repro.results import archive
  home = os.path.expanduser("~")
  repo = os.path.join(home, "work", "repo")  # a repository inside home: its own prefix wins
  text = json.dumps({"workdir": os.path.join(repo, "checkpoints", "x"), "stats": os.path.join(home, ".cache", "s"),
                     "data": "/usr/share/datasets/fashion-mnist"})
  assert json.loads(archive.portable(text, repo)) == {"workdir": "checkpoints/x", "stats": "~/.cache/s",
                                                      "data": "/usr/share/datasets/fashion-mnist"}


def test_lanes_take_partial_runs_then_seed_0_of_everything_and_only_what_fits(tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_CAMPAIGN_DIR", str(tmp_path / "runs"))
  steps = "--steps=100"
  runs = [campaign.Planned("a-s0", steps, 0, 30.0, ""), campaign.Planned("a-s1", steps, 1, 30.0, ""),
          campaign.Planned("b-s0", steps, 0, 120.0, ""), campaign.Planned("b-s1", steps, 1, 120.0, "")]
  monkeypatch.setattr(campaign, "plan", lambda: runs)
  order = lambda **kw: [p.name for p in campaign.next_runs(repo=str(tmp_path), **kw)]
  assert order() == ["a-s0", "b-s0", "a-s1", "b-s1"]
  (tmp_path / "runs" / "b-s1" / "ckpt").mkdir(parents=True)
  (tmp_path / "runs" / "b-s1" / "ckpt" / "ckpt-75.index").write_text("")  # 25% left: about 30 min
  assert order() == ["b-s1", "a-s0", "b-s0", "a-s1"]
  assert order(minutes=60) == ["b-s1", "a-s0", "a-s1"]  # b-s0's 120 minutes do not fit in 60
  assert order(minutes=10) == []
  assert order(only="a-") == ["a-s0", "a-s1"]
  assert order(minutes=60, slowdown=2.0) == ["b-s1", "a-s0", "a-s1"]  # 2 x 30 min still fits in 60
  assert order(minutes=59, slowdown=2.0) == []  # on a core half as fast nothing fits in 59


def test_estimates_scale_by_this_cores_matmul_speed_against_the_reference(monkeypatch):
  out = io.StringIO()
  monkeypatch.setattr(campaign, "core_gflops", lambda core: campaign.REFERENCE_CORE_GFLOPS / 2)
  assert campaign.machine_slowdown(1, out=out) == 2.0
  assert "estimates x 2.00 here" in out.getvalue()
  monkeypatch.setattr(campaign, "core_gflops", lambda core: None)  # could not measure: say so, keep them
  out = io.StringIO()
  assert campaign.machine_slowdown(1, out=out) == 1.0 and "could not time the matmul" in out.getvalue()


def test_a_repeated_steps_flag_counts_as_absl_reads_it():
  assert campaign._target_steps("--steps=5000 --eval_every=500 --steps=4000") == 4000
  wgan = [p for p in campaign.plan() if p.name == "c-wgan_gp-fm96-c07-s0"][0]
  assert campaign._target_steps(wgan.flags) == 4000


def test_paths_inside_command_lines_are_made_portable_too():
  from tfgan_repro.results import archive
  home = os.path.expanduser("~")
  repo = os.path.join(home, "work", "repo")
  text = json.dumps({"command": f"python -m tfgan_repro.main --workdir={home}/.cache/c/r --x {repo}/checkpoints/y"})
  assert json.loads(archive.portable(text, repo)) == {
      "command": "python -m tfgan_repro.main --workdir=~/.cache/c/r --x checkpoints/y"}


def test_a_lane_retries_a_failed_or_killed_run_then_leaves_it_and_stops_when_asked(tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_CAMPAIGN_DIR", str(tmp_path / "runs"))
  (tmp_path / campaign.RECORDS).mkdir(parents=True)
  runs = [_one_run("c-a-s0"), _one_run("c-b-s0")]
  monkeypatch.setattr(campaign, "plan", lambda: runs)
  calls = []
  statuses = {"c-a-s0": 1, "c-b-s0": -9}  # a bug (exit 1) and the out-of-memory killer (SIGKILL)
  monkeypatch.setattr(campaign, "_run_logged", lambda cmd, log, core: calls.append(cmd[-1]) or
                      statuses[os.path.basename(cmd[-1].split("=", 1)[1])])
  assert campaign.run(core=0, repo=str(tmp_path), slowdown=1.0) == 1  # ends instead of looping forever
  assert [os.path.basename(c) for c in calls] == ["c-a-s0"] * campaign.ATTEMPTS + ["c-b-s0"] * campaign.ATTEMPTS
  calls.clear()
  statuses["c-a-s0"] = 128 + 15  # SIGTERM: main saved a checkpoint; the lane stops at once
  assert campaign.run(core=0, repo=str(tmp_path), slowdown=1.0) == 143 and len(calls) == 1


def test_a_run_that_extends_another_starts_from_a_copy_of_its_directory_without_its_final_scores(
    tmp_path, monkeypatch):
  monkeypatch.setenv("TFGAN_CAMPAIGN_DIR", str(tmp_path / "runs"))
  short, long = _one_run("c-tiny-s0", steps=4), _one_run("c-tiny-8-s0", steps=8)._replace(extends="c-tiny-s0")
  monkeypatch.setattr(campaign, "plan", lambda: [short, long])
  out = io.StringIO()
  assert campaign.state(long, str(tmp_path)) == {"status": "missing", "step": None, "target": 8}
  assert campaign.start_from_source(long, out) is None  # nothing to continue: a fresh start, and why
  assert "trains from step 0 instead" in out.getvalue() and not (tmp_path / "runs" / long.name).exists()
  source = tmp_path / "runs" / short.name
  (source / "ckpt").mkdir(parents=True)
  for name in ("ckpt-2.index", "ckpt-4.index", "ckpt-4.data-00000-of-00001"):
    (source / "ckpt" / name).write_text(name)
  (source / "samples").mkdir()
  (source / "samples" / "samples_0000004.png").write_text("png")
  (source / "config.json").write_text("{}")
  (source / "run_info.jsonl").write_text('{"from_step": 0}\n')
  callback = {"metric": "fid", "value": 9.0, "checkpoint_step": 4, "n_fake": 2000, "source": "training callback"}
  final = {"metric": "fid", "value": 8.0, "checkpoint_step": 4, "n_fake": 10000, "source": "evaluate"}
  (source / "scores.jsonl").write_text(json.dumps(callback) + "\n" + json.dumps(final) + "\n")
  (source / ".lane").write_text(str(os.getpid()))  # still training: not a start to copy
  assert campaign.source_step(long) is None
  (source / ".lane").unlink()
  # the estimate counts only the steps left after the copied ones
  st = campaign.state(long, str(tmp_path))
  assert st == {"status": "missing", "step": 4, "target": 8} and campaign.minutes_left(long, st) == 0.5
  assert campaign.start_from_source(long, out) == 4
  run = tmp_path / "runs" / long.name
  assert sorted(os.listdir(run / "ckpt")) == ["ckpt-2.index", "ckpt-4.data-00000-of-00001", "ckpt-4.index"]
  assert (run / "samples" / "samples_0000004.png").is_file() and (run / "config.json").is_file()
  assert [json.loads(line) for line in (run / "scores.jsonl").read_text().splitlines()] == [callback]
  assert "continues c-tiny-s0 from its step-4 checkpoint" in (run / "campaign.log").read_text()
  assert campaign.state(long, str(tmp_path)) == {"status": "partial", "step": 4, "target": 8}
  assert campaign.start_from_source(long, out) is None  # started: never copied over again
  assert (source / "ckpt" / "ckpt-4.index").is_file()  # the source is left as it was


def test_the_plateau_arms_continue_the_5k_runs_of_their_seed():
  by_name = {p.name: p for p in campaign.plan()}
  for arm in ("c-dcgan-fm32-10k", "c-dcgan_improved-hw0.01-fm32-10k", "c-dcgan_improved-fm32-10k"):
    for s in (0, 1, 2):
      p = by_name[f"{arm}-s{s}"]
      base = by_name[p.extends]
      assert base.name == f"{arm[:-4]}-s{s}" and base.seed == s
      assert p.flags == base.flags.replace("--steps=5000", "--steps=10000")


def test_igan_vns_plateau_arm_doubles_the_steps_of_the_run_it_continues():
  by_name = {p.name: p for p in campaign.plan()}
  arm = by_name["c-igan_vn-fm96-c017-8k-s2"]
  base = by_name[arm.extends]
  assert base.name == "c-igan_vn-fm96-c017-s2" and base.seed == arm.seed == 2
  assert campaign._target_steps(arm.flags) == 2 * campaign._target_steps(base.flags) == 8000
  assert arm.flags == base.flags.replace("--steps=4000", "--steps=8000")


def test_igan_vns_last_arm_continues_the_8k_arm_to_12k():
  by_name = {p.name: p for p in campaign.plan()}
  arm = by_name["c-igan_vn-fm96-c017-12k-s2"]
  base = by_name[arm.extends]
  assert base.name == "c-igan_vn-fm96-c017-8k-s2" and base.seed == arm.seed == 2
  assert campaign._target_steps(arm.flags) == 12000
  assert arm.flags == base.flags.replace("--steps=8000", "--steps=12000")


def test_seed_001s_plateau_arms_double_the_steps_of_each_run_on_three_seeds_but_igan_v2s():
  by_name = {p.name: p for p in campaign.plan()}
  # IGAN_v2's arm is not planned: 10k steps from step 0 do not fit a session (campaign.plan's comment).
  assert not any(n.startswith("c-igan_v2-fm96-c07-10k") for n in by_name)
  for base_name, arm_name in (("c-igan-fm96-c07", "c-igan-fm96-c07-10k"), ("c-wgan_gp-fm96-c07", "c-wgan_gp-fm96-c07-8k"),
                              ("c-dcgan-fm96-c07", "c-dcgan-fm96-c07-10k")):
    for s in (0, 1, 2):
      arm, base = by_name[f"{arm_name}-s{s}"], by_name[f"{base_name}-s{s}"]
      assert arm.extends == base.name and arm.seed == base.seed == s
      assert campaign._target_steps(arm.flags) == 2 * campaign._target_steps(base.flags)
      # Only the step count differs: the same model, data, widths, batch and evaluation.
      assert [t for t in shlex.split(arm.flags) if not t.startswith("--steps=")] == \
          [t for t in shlex.split(base.flags) if not t.startswith("--steps=")]


def test_the_leave_one_outs_at_weight_001_turn_one_technique_off_the_full_set_at_001():
  by_name = {p.name: p for p in campaign.plan()}
  for t in campaign._TECHNIQUES:
    assert f"c-dcgan_improved-no_{t}-fm32-s0" in by_name  # every technique has one at the preset's weight 1.0
    if t == "historical_averaging":
      assert not any(n.startswith("c-dcgan_improved-hw0.01-no_historical") for n in by_name)
      continue
    for s in (0, 1, 2):
      full = by_name[f"c-dcgan_improved-hw0.01-fm32-s{s}"]
      assert by_name[f"c-dcgan_improved-hw0.01-no_{t}-fm32-s{s}"].flags == f"{full.flags} {campaign._off(t)}"
