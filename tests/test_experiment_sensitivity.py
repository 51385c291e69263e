"""`cgsim sensitivity`: Morris and Sobol indices (SALib), replicate averaging, explicit failure handling."""

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cgsim.analysis.sensitivity import FailedRuns, analyse, run_sensitivity
from cgsim.experiment.design import load_sweep

BASE = """\
name: sens
preset: mianyang_2019
weeks: 8
params: {n_households: 150, burn_in_weeks: 4}
replicates: 2
factors:
  beta_trust: {low: 0.0, high: 2.0}
  learn_pos: {low: 0.01, high: 0.1}
  admin_load: {low: 0.4, high: 1.2}
outputs: {outcomes: [rate_any], groups: [all]}
"""


def _spec(tmp_path, sens):
    f = tmp_path / "sens.yaml"
    f.write_text(BASE + f"sensitivity: {sens}\n", encoding="utf-8")
    return load_sweep(f, require="sensitivity")


def _fake_results(spec, drop_points=()):
    """A store's summary for y = 3 x1 + 0.3 x2 + 0 x3 (+ replicate noise), some points failed."""
    pts = spec.points()
    rows = []
    for rep in range(len(spec.seeds)):
        for _, p in pts.iterrows():
            if p["point"] in drop_points:
                continue
            y = 3 * p["beta_trust"] / 2 + 0.3 * (p["learn_pos"] - 0.01) / 0.09 + 1e-3 * rep
            rows.append({"point": p["point"], "replicate": rep, "group": "all", "outcome": "rate_any", "value": y})
    return SimpleNamespace(summary=pd.DataFrame(rows))


@pytest.mark.parametrize("sens, key", [("{method: morris, samples: 12, num_levels: 4}", "mu_star"),
                                       ("{method: sobol, samples: 64}", "ST")])
def test_indices_rank_factors(tmp_path, sens, key):
    spec = _spec(tmp_path, sens)
    idx, means = analyse(spec, _fake_results(spec))
    v = idx.set_index("factor")[key]
    assert v["beta_trust"] > v["learn_pos"] > v["admin_load"] - 1e-9 and abs(v["admin_load"]) < 0.05
    assert (means["replicates"] == 2).all() and (idx["failed_points"] == 0).all()


def _with_nan_rows(tmp_path, field: str, values: tuple, **row):
    """A Morris spec whose outputs ``field`` is ``values``, and fake results plus a copy of their rows set to
    ``row`` with no value (finished runs without one)."""
    spec = _spec(tmp_path, "{method: morris, samples: 6, num_levels: 4, on_failure: error}")
    res = _fake_results(spec)
    nan = res.summary.assign(**row, value=np.nan)
    object.__setattr__(spec.outputs, field, values)
    return spec, SimpleNamespace(summary=pd.concat([res.summary, nan], ignore_index=True))


def test_a_group_with_no_residents_is_reported_not_failed(tmp_path):
    """Runs that finished with no value for a group (n = 0 there: NaN, not 0) give NaN indices and a warning
    that names the group, not 'failed points'; the other groups are analysed as usual."""
    spec, res = _with_nan_rows(tmp_path, "groups", ("all", "floating"), group="floating")
    with pytest.warns(UserWarning, match=r"rate_any \(floating\): the group has no residents"):
        idx, means = analyse(spec, res)
    fl, al = idx[idx.group == "floating"], idx[idx.group == "all"]
    assert fl["mu_star"].isna().all() and fl["empty_group"].all() and (fl["failed_points"] == 0).all()
    assert al["mu_star"].notna().all() and not al["empty_group"].any()
    assert (means.loc[means.group == "floating", "empty"] == 2).all()


def test_a_measure_the_community_lacks_is_not_measured_not_an_empty_group(tmp_path):
    """Trust in the property firm where there is no firm: NaN indices and a warning that says the measure is
    not measured (drop it from the outcomes), not that the group has no residents."""
    spec, res = _with_nan_rows(tmp_path, "outcomes", ("rate_any", "trust_firm"), outcome="trust_firm")
    with pytest.warns(UserWarning, match=r"trust_firm: not measured in these runs \(no property firm"):
        idx, _ = analyse(spec, res)
    tf, ra = idx[idx.outcome == "trust_firm"], idx[idx.outcome == "rate_any"]
    assert tf["mu_star"].isna().all() and tf["not_measured"].all() and not tf["empty_group"].any()
    assert ra["mu_star"].notna().all() and not ra["not_measured"].any()


def test_failed_points_are_dropped_imputed_or_stop(tmp_path):
    spec = _spec(tmp_path, "{method: morris, samples: 6, num_levels: 4, on_failure: drop}")
    res = _fake_results(spec, drop_points={5})  # point 5 lies in the second trajectory (4 points each)
    with pytest.warns(UserWarning, match="dropped 1 of 6 trajectories"):
        idx, _ = analyse(spec, res)
    assert (idx["failed_points"] == 1).all() and (idx["dropped_points"] == 4).all()
    spec.sensitivity["on_failure"] = "impute"
    with pytest.warns(UserWarning, match="imputed 1 failed design points"):
        idx, _ = analyse(spec, res)
    assert (idx["imputed_points"] == 1).all()
    spec.sensitivity["on_failure"] = "error"
    with pytest.raises(FailedRuns, match="1 design points have no finished run"):
        analyse(spec, res)
    # a point with one of two replicates failed keeps the other (counted, not dropped)
    spec.sensitivity["on_failure"] = "drop"
    part = _fake_results(spec)
    part.summary = part.summary[~((part.summary.point == 2) & (part.summary.replicate == 1))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        idx, means = analyse(spec, part)
    assert (idx["partial_points"] == 1).all() and means.loc[means.point == 2, "replicates"].item() == 1


def test_morris_end_to_end(tmp_path):
    spec = _spec(tmp_path, "{method: morris, samples: 3, num_levels: 4, seed: 3}")
    spec.factors = spec.factors[:2]
    res = run_sensitivity(spec, tmp_path / "out", workers=1, progress=False)
    assert res["status"]["ok"] == 3 * 3 * 2
    idx = pd.read_csv(tmp_path / "out" / "indices.csv")
    assert list(idx["factor"]) == ["beta_trust", "learn_pos"] and np.isfinite(idx["mu_star"]).all()
    assert (tmp_path / "out" / "report.html").read_text().count("data:image/png") == 1
    assert "Morris" in (tmp_path / "out" / "report.md").read_text()


def test_on_failure_error_still_reports_what_ran(tmp_path, capsys):
    """Runs that fail on an invalid combination (theta1 above a fixed theta2) stop the analysis with exit 1; the
    runs-ok/failed line comes first, so the analyst sees what is stored."""
    from cgsim.cli import main as cli

    f = tmp_path / "sens.yaml"
    f.write_text(BASE.replace("params: {n_households: 150, burn_in_weeks: 4}",
                              "params: {n_households: 60, burn_in_weeks: 2, capacity_theta2: 0.5}")
                 .replace("weeks: 8", "weeks: 3").replace("  beta_trust: {low: 0.0, high: 2.0}\n",
                                                         "  capacity_theta1: {low: 0.1, high: 0.9}\n")
                 .replace("replicates: 2", "replicates: 1")
                 + "sensitivity: {method: morris, samples: 4, num_levels: 4, on_failure: error}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        cli(["sensitivity", str(f), "--out", str(tmp_path / "o"), "--workers", "1", "--no-progress"])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert "runs ok," in err and " failed, 0 pending" in err
    assert err.index("runs ok,") < err.index("cgsim: error:") and "have no finished run" in err
