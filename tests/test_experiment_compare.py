"""`cgsim compare`: paired replicates (CRN), effects with intervals, the report and the results API."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cgsim.results
from cgsim.analysis.effects import paired_effects, t_interval
from cgsim.experiment.compare import run_compare
from cgsim.experiment.config import load_experiment
from cgsim.experiment.outputs import Outputs, summarise
from cgsim.run import simulate
from cgsim.scenarios import ConfigError, make_config

EXP = """\
name: tiny
title: {en: Tiny comparison, zh: 小型比较}
preset: mianyang_2019
weeks: 56
params: {n_households: 150, burn_in_weeks: 4}
replicates: [5, 6, 7]
scenarios:
  base: {label: {en: Status quo, zh: 现状}}
  sep: {policies: [{name: 居站分设, start_week: 6}]}
outputs:
  outcomes: [rate_any, sees_rc_as_government, yearly.never_participated]
  groups: [all, migrant]
  window: 20
"""


def test_t_interval_matches_scipy():
    x = np.array([0.3, -0.1, 0.5, 0.2, 0.4])
    m, lo, hi = t_interval(x)
    ref = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert m == pytest.approx(x.mean()) and (lo, hi) == pytest.approx(ref)
    assert t_interval([1.0])[1] == -np.inf and np.isnan(t_interval([])[0])


def test_paired_effects_drop_unpaired_seeds():
    rows = []
    for seed, (b, s) in enumerate([(1.0, 1.5), (2.0, 2.4), (3.0, np.nan), (1.0, 1.6)]):
        rows += [("base", seed, "all", "y", b), ("sc", seed, "all", "y", s)]
    df = pd.DataFrame(rows, columns=["scenario", "seed", "group", "outcome", "value"]).dropna()
    e = paired_effects(df, "base").iloc[0]
    assert e["pairs"] == 3 and e["effect"] == pytest.approx(0.5) and e["baseline_mean"] == pytest.approx(4 / 3)
    assert e["clear"] and e["share_higher"] == 1.0


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmp")
    f = d / "tiny.yaml"
    f.write_text(EXP, encoding="utf-8")
    exp = load_experiment(f)
    res = run_compare(exp, d / "out", workers=1, progress=False)
    return exp, res, d / "out"


def test_compare_report_and_effects(compared):
    exp, res, out = compared
    assert res["status"] == {**res["status"], "ok": 6, "failed": 0, "pending": 0}
    md = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    for s in ("Tiny comparison", "Key results", "Effect [95% CI]", "居站分设", "Reproduce", "Config hashes"):
        assert s in md or s in html, s
    assert html.count("data:image/png;base64,") == len(res["figures"]) >= 4  # self-contained
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in res["figures"])
    eff = pd.read_csv(out / "effects.csv")
    assert len(eff) == 3 * 2 and set(eff["scenario"]) == {"sep"} and (eff["pairs"] == 3).all()
    admin = eff[(eff["outcome"] == "sees_rc_as_government") & (eff["group"] == "all")].iloc[0]
    assert admin["effect"] < 0 and admin["ci_high"] < 0  # a station takes admin work off the committee


def test_common_random_numbers_pair_the_runs(compared):
    exp, res, out = compared
    r = cgsim.results.load(out)
    w = r.table("weekly", columns=["rate_any", "trust_committee"], groups=["all"])
    piv = w.pivot_table(index=["seed", "week"], columns="scenario", values="trust_committee")
    before = piv.xs(slice(0, 5), level="week", drop_level=False)
    assert (before["base"] == before["sep"]).all()  # identical until the policy starts in week 6
    assert (piv["base"] != piv["sep"]).any()


def test_results_api(compared):
    exp, res, out = compared
    r = cgsim.results.load(out)
    assert r.manifest["kind"] == "compare" and r.manifest["status"]["ok"] == 6
    runs = r.runs
    assert list(runs["run_id"]) == list(range(6)) and set(runs["status"]) == {"ok"}
    assert {"scenario", "replicate", "seed", "config_hash", "version_cgsim", "version_mesa"} <= set(runs.columns)
    assert runs.groupby("scenario")["config_hash"].nunique().eq(1).all() and runs["config_hash"].nunique() == 2
    s = r.summary
    assert len(s) == 6 * 2 * 3 and {"run_id", "scenario", "seed", "group", "outcome", "value", "config_hash",
                                    "version_cgsim"} <= \
        set(s.columns)
    assert len(r.weekly) == 6 * 56 * 12 and len(r.yearly) == 6 * 1 * 12
    # a stored summary equals the one recomputed from a direct run of the same scenario and seed
    cfg = make_config("mianyang_2019", weeks=56, seed=6, overrides={"n_households": 150, "burn_in_weeks": 4},
                      policies=[{"name": "station_separation", "start_week": 6}])
    direct = summarise(*(lambda x: (x.weekly, x.yearly))(simulate(cfg)), exp.outputs)
    stored = s[(s["scenario"] == "sep") & (s["seed"] == 6)][["group", "outcome", "value"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, direct)
    assert cfg.config_hash() == runs.loc[(runs.scenario == "sep"), "config_hash"].iloc[0]


def test_chinese_report_resume_and_refusals(compared):
    exp, res, out = compared
    again = run_compare(exp, out, workers=1, progress=False, resume=True, lang="zh")
    assert again["ran"] == {"ok": 0, "failed": 0}  # nothing left to run: only the report is redone
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "主要结果" in md and "小型比较" in md and "现状" in md and "百分点" in md
    with pytest.raises(ConfigError, match="already holds results.*--resume"):
        run_compare(exp, out, workers=1, progress=False)
    other = load_experiment(out.parent / "tiny.yaml")
    other.seeds = [1, 2]
    with pytest.raises(ConfigError, match="holds a different compare"):
        run_compare(other, out, workers=1, progress=False, resume=True)


def test_chinese_console(compared, capsys):
    """Under --lang zh the console speaks Chinese too: status, comparison lines and what was written."""
    from cgsim.cli import main

    exp, res, out = compared
    assert main(["compare", str(out.parent / "tiny.yaml"), "--out", str(out), "--resume", "--lang", "zh",
                 "--workers", "1", "--no-progress"]) == 0
    got = capsys.readouterr()
    assert "6 次运行成功，0 次失败，0 次未运行" in got.err and "本进程" in got.err and "runs ok" not in got.err
    assert "居站分设 对比 现状：" in got.out and "已写入" in got.out and "wrote" not in got.out


def test_a_measure_no_run_has_is_named_not_drawn(tmp_path):
    """Trust in the property firm where no firm serves the community: the report says it is not measured,
    and no figure gets an empty panel for it."""
    f = tmp_path / "nofirm.yaml"
    f.write_text(EXP.replace("preset: mianyang_2019", "preset: old_danwei_compound")
                 .replace("outcomes: [rate_any,", "outcomes: [trust_firm, rate_any,"), encoding="utf-8")
    exp = load_experiment(f)
    res = run_compare(exp, tmp_path / "out", workers=1, progress=False)
    md = res["report_md"].read_text(encoding="utf-8")
    assert "Not measured: no property firm serves this community" in md
    assert "on any seed (n = 0), so nothing to compare: all residents" not in md  # not a group without residents
    assert "trust_firm" not in set(res["effects"]["outcome"])
    assert (tmp_path / "out" / "figures" / "time_all.png").is_file()


def test_resume_refuses_runs_made_by_another_model(tmp_path):
    """A store whose finished runs were made by another model (cgsim updated, a preset or calibrated set changed:
    their configuration hash differs) is not finished by this one: the table would mix two models."""
    import json

    f = tmp_path / "tiny.yaml"
    f.write_text(EXP.replace("replicates: [5, 6, 7]", "replicates: [5]"), encoding="utf-8")
    exp = load_experiment(f)
    out = tmp_path / "out"
    run_compare(exp, out, workers=1, progress=False, report=False)
    ledger = out / "runs.jsonl"
    recs = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert [r["status"] for r in recs] == ["ok", "ok"], recs
    run_compare(exp, out, workers=1, progress=False, resume=True, report=False)  # the same model: fine
    cfg_hashes = {r["run_id"]: r["config_hash"] for r in recs}
    for r in recs:
        r["config_hash"] = "0" * 16  # as if made by an older cgsim
    ledger.write_text("".join(json.dumps(r) + "\n" for r in recs))
    with pytest.raises(ConfigError, match="made by another version of the model"):
        run_compare(exp, out, workers=1, progress=False, resume=True, report=False)
    for r in recs:
        r["config_hash"] = cfg_hashes[r["run_id"]]  # the same presets again
    ledger.write_text("".join(json.dumps(r) + "\n" for r in recs))
    manifest = json.loads((out / "manifest.json").read_text())
    code = manifest["versions"]["cgsim_code"]
    assert len(code) == 16
    manifest["versions"]["cgsim_code"] = "0" * 16  # same release, edited code (a change no parameter shows)
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match="with different model code"):
        run_compare(exp, out, workers=1, progress=False, resume=True, report=False)
    del manifest["versions"]["cgsim_code"]  # a store made before the fingerprint existed: the other checks hold
    (out / "manifest.json").write_text(json.dumps(manifest))
    run_compare(exp, out, workers=1, progress=False, resume=True, report=False)
    recs[0]["versions"]["cgsim_code"] = "1" * 16  # one run made by a worker running edited code
    ledger.write_text("".join(json.dumps(r) + "\n" for r in recs))
    with pytest.raises(ConfigError, match="code 1111111111111111, now"):
        run_compare(exp, out, workers=1, progress=False, resume=True, report=False)
    recs[0]["versions"]["cgsim_code"] = code
    ledger.write_text("".join(json.dumps(r) + "\n" for r in recs))
    manifest["versions"]["cgsim"] = "0.0.1"  # stored by an older release
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match="were made with cgsim 0.0.1"):
        run_compare(exp, out, workers=1, progress=False, resume=True, report=False)


def test_summarise_windows():
    w = pd.DataFrame({"week": [0, 1, 2, 3] * 2, "group": ["all"] * 4 + ["migrant"] * 4,
                      "rate_any": [1.0, 2.0, 3.0, 4.0, 0, 0, 0, 8.0]})
    y = pd.DataFrame({"year": [0, 1], "group": ["all", "all"], "never_participated": [0.5, 0.4]})
    s = summarise(w, y, Outputs(("rate_any", "yearly.never_participated"), ("all", "migrant"), window=2))
    v = s.set_index(["group", "outcome"])["value"]
    assert v[("all", "rate_any")] == 3.5 and v[("migrant", "rate_any")] == 4.0
    assert v[("all", "yearly.never_participated")] == 0.4 and np.isnan(v[("migrant", "yearly.never_participated")])


def test_results_load_a_single_run_folder(tmp_path):
    from cgsim.run import write_run

    cfg = make_config("mianyang_2019", weeks=6, seed=4, overrides={"n_households": 150, "burn_in_weeks": 2})
    write_run(simulate(cfg), tmp_path, figure=False)
    r = cgsim.results.load(tmp_path)
    assert r.manifest["kind"] == "run" and list(r.runs["seed"]) == [4] and r.runs["config_hash"][0] == \
        cfg.config_hash()
    w = r.table("weekly", columns=["rate_any"], groups=["all"])
    assert len(w) == 6 and list(w.columns[-1:]) == ["rate_any"] and (w["run_id"] == 0).all()
