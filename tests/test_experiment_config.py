"""Experiment, sweep and sensitivity configs: one clear message naming file, key and what is allowed."""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from cgsim.experiment.config import load_experiment
from cgsim.experiment.design import load_sweep
from cgsim.scenarios import ConfigError

ROOT = Path(__file__).resolve().parents[1]
GOOD = """\
preset: mianyang_2019
weeks: 60
params: {n_households: 150}
replicates: 3
scenarios:
  base: {}
  sep: {policies: [{name: 居站分设, start_week: 5}]}
outputs: {outcomes: [rate_any, yearly.never_participated], groups: [all, migrant]}
"""
SWEEP = """\
preset: mianyang_2019
weeks: 20
params: {n_households: 150}
policies: [{name: station_separation, start_week: 4}]
replicates: 2
"""


def _write(tmp_path: Path, text: str, name: str = "exp.yaml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_good_experiment_and_example_configs():
    for f in sorted((ROOT / "configs" / "experiments").glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        spec = load_sweep(f) if ("factors:" in text) else load_experiment(f)
        assert spec.seeds
    exp = load_experiment(ROOT / "configs" / "experiments" / "status_quo_vs_three_policies.yaml")
    assert [s.name for s in exp.scenarios] == ["status_quo", "station_separation", "micro_fund", "dual_registration"]
    assert exp.seeds == list(range(1, 21)) and exp.baseline == "status_quo"
    assert [p["name"] for s in exp.scenarios for p in s.policies] == ["station_separation", "micro_fund",
                                                                      "dual_registration"]


def test_experiment_defaults(tmp_path):
    exp = load_experiment(_write(tmp_path, GOOD))
    assert exp.name == "exp" and exp.baseline == "base" and exp.seeds == [1, 2, 3]
    assert exp.outputs.outcomes == ("rate_any", "yearly.never_participated")
    assert exp.scenario("sep").label["zh"] == "居站分设" and exp.scenario("base").label["zh"] == "现状"
    assert exp.job(exp.scenario("sep"), 7)["seed"] == 7


@pytest.mark.parametrize("change, must", [
    (("replicates: 3", "replicats: 3"), ["exp.yaml", "unknown key 'replicats'", "replicates"]),
    (("replicates: 3", "replicates: 0"), ["exp.yaml", "'replicates'", "[1, 100000]"]),
    (("replicates: 3", "replicates: [1, 1]"), ["repeats a seed"]),
    (("replicates: 3", "replicates: many"), ["'replicates'", "count"]),
    (("rate_any,", "rate_anyy,"), ["exp.yaml", "outputs.outcomes", "'rate_anyy'", "rate_any"]),
    (("groups: [all, migrant]", "groups: [all, migrants]"), ["outputs.groups", "'migrants'", "migrant"]),
    (("weeks: 60", "weeks: 30"), ["yearly.never_participated", "weeks >= 52"]),
    (("  base: {}\n", "  base: {polices: []}\n"), ["unknown key 'scenarios.base.polices'", "policies"]),
    (("居站分设", "居站"), ["scenarios.sep", "unknown policy '居站'", "居站分设"]),
    (("start_week: 5", "start_week: 5, leakage: 2"), ["scenarios.sep", "'leakage'", "[0.0, 1.0]"]),
    (("params: {n_households: 150}", "params: {n_household: 150}"), ["exp.yaml", "unknown key 'n_household'"]),
    (("preset: mianyang_2019", "preset: atlantis"), ["unknown preset 'atlantis'", "mianyang_2019"]),
    (("groups: [all, migrant]", "groups: [[all], migrant]"), ["outputs.groups", "unknown group ['all']"]),
    (("params: {n_households: 150}", "params: {1: 150}"), ["exp.yaml", "key 1 under 'params'"]),
    # a list where a mapping belongs is a mistake, not "nothing"; a run key one level too deep
    (("params: {n_households: 150}", "params: []"), ["'params' must be a mapping"]),
    (("  base: {}\n", "  base: []\n"), ["'scenarios.base' must be a mapping"]),
    (("  base: {}\n", "  base: {params: []}\n"), ["'scenarios.base.params' must be a mapping"]),
    (("  base: {}\n", "  base: {description: [a, b]}\n"), ["'scenarios.base.description'", "text"]),
    (("params: {n_households: 150}", "params: {n_households: 150, preset: karamay_2016}"),
     ["'preset'", "top-level key", "not under 'params'"]),
    # a scenario whose policy starts after the horizon could not differ from its baseline
    (("start_week: 5", "start_week: 60"), ["'scenarios.sep.policies[0]'", "starts at week 60", "before week 60"]),
])
def test_experiment_errors(tmp_path, change, must):
    old, new = change
    assert old in GOOD
    f = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as e:
        load_experiment(f)
    for s in must:
        assert s in str(e.value), (s, str(e.value))


def test_experiment_baseline_and_scenario_count(tmp_path):
    with pytest.raises(ConfigError, match="'baseline' = 'nobody' is not a scenario.*Allowed: base, sep"):
        load_experiment(_write(tmp_path, GOOD + "baseline: nobody\n"))
    with pytest.raises(ConfigError, match="at least two"):
        load_experiment(_write(tmp_path, GOOD.replace("  sep: {policies: [{name: 居站分设, start_week: 5}]}\n", "")))


@pytest.mark.parametrize("tail, must", [
    ("design: {method: lhs}\nfactors: {admin_load: {}}\n", ["'design.samples' is needed"]),
    ("design: {method: sobol, samples: 10}\nfactors: {admin_load: {}}\n", ["power of two"]),
    ("design: {method: grid}\nfactors: {admin_load: [0.5]}\n", ["'design.method' = 'grid'", "full_factorial"]),
    ("factors: {admin_lod: [0.5]}\n", ["sweep.yaml", "'factors.admin_lod'", "admin_load"]),
    ("factors: {admin_load: [0.5, 2.0]}\n", ["'factors.admin_load' = 2.0", "[0.0, 1.5]"]),
    ("factors: {rc_staff: [3, 4.5]}\n", ["'factors.rc_staff' = 4.5", "whole"]),
    ("factors: {evaluation_regime: [upward, votes]}\n", ["level 'votes'", "satisfaction"]),
    ("factors: {micro_fund.crowdfund: [1, 2]}\n", ["'micro_fund' is not among", "station_separation"]),
    ("factors: {station_separation.leak: [0.1]}\n", ["no parameter 'leak'", "leakage"]),
    ("design: {method: lhs, samples: 8}\nfactors: {admin_load: [0.5, 0.8]}\n", ["{low: , high: }"]),
    ("design: {method: lhs, samples: 8}\nfactors: {firm_present: {}}\n", ["full-factorial"]),
    ("design: {method: lhs, samples: 8}\nfactors: {admin_load: {low: 0.9, high: 0.2}}\n", ["low (0.9) must be below"]),
    ("sensitivity: {method: sobol, samples: 12}\nfactors: {admin_load: {}}\n", ["power of two"]),
    ("sensitivity: {method: morris, on_failure: skip}\nfactors: {admin_load: {}}\n", ["on_failure", "impute"]),
    ("design: {method: lhs, samples: 8}\nsensitivity: {method: morris}\nfactors: {admin_load: {}}\n", ["not both"]),
    # run limits are checked before any point is made, for every design
    ("design: {method: lhs, samples: 1000000}\nfactors: {admin_load: {}}\n", ["1000000 points x 2 replicates"]),
    ("sensitivity: {method: morris, samples: 100000}\n"
     "factors: {admin_load: {}, learn_pos: {}, beta_trust: {}, beta_social: {}, beta_habit: {}}\n",
     ["600000 points x 2 replicates", "above the limit"]),
    ("factors: {admin_load: {low: 0.1, high: 1.0, levels: 1000}, learn_pos: {low: 0.01, high: 0.1, levels: 1000}}\n",
     ["1000000 points x 2 replicates"]),
    # levels that are not numbers, empty ranges, policies that never act within the horizon
    ("factors: {admin_load: [0.5, .nan]}\n", ["'factors.admin_load' = nan"]),
    ("factors: {admin_load: {low: 0.8, high: 0.8, levels: 3}}\n", ["low (0.8) must be below high (0.8)"]),
    # a value both fixed and swept; a policy given twice
    ("sensitivity: {method: sobol, samples: 8, num_levels: 4}\nfactors: {admin_load: {}}\n",
     ["'sensitivity.num_levels' applies to method morris only"]),
    ("sensitivity: {method: morris, second_order: true}\nfactors: {admin_load: {}}\n",
     ["'sensitivity.second_order' applies to method sobol only"]),
    # levels given twice, or rounding together, would quietly make fewer points than asked
    ("factors: {admin_load: [0.5, 0.5]}\n", ["lists level 0.5 twice"]),
    ("factors: {rc_staff: {low: 2, high: 3, levels: 4}}\n", ["round to only 2 distinct whole numbers (2, 3)"]),
    ("factors: {admin_load: {low: 0.5, high: 1.0, levels: 1000000000000000}}\n", ["[2, 1000000]"]),
    ("factors: {rc_staff: [2.0, 3.0]}\n", ["'factors.rc_staff' = 2.0", "whole number (write 2)"]),
    ("design: {method: lhs, samples: 2}\nfactors: {rc_staff: {low: 2.0, high: 4.0}}\n", ["whole number"]),
    ("factors: {n_households: [100, 200]}\n", ["'factors.n_households' is also fixed in 'params'"]),
    ("factors: {station_separation.start_week: [2, 3]}\n", ["also fixed in 'policies'"]),
])
def test_sweep_errors(tmp_path, tail, must):
    f = _write(tmp_path, SWEEP + tail, "sweep.yaml")
    with pytest.raises(ConfigError) as e:
        load_sweep(f)
    for s in must:
        assert s in str(e.value), (s, str(e.value))


@pytest.mark.parametrize("old, new, must", [
    ("policies: [{name: station_separation, start_week: 4}]", "policies: [{name: station_separation}]\n"
     "factors: {station_separation.start_week: [2, 30]}", ["reaches week 30", "Keep it below 20"]),
    ("policies: [{name: station_separation, start_week: 4}]", "policies: [{name: station_separation}]\n"
     "factors: {admin_load: [0.5]}", ["'policies[0]' (station_separation) starts at week 26", "20 weeks"]),
    ("policies: [{name: station_separation, start_week: 4}]", "policies: [{name: micro_fund, start_week: 2}, "
     "{name: micro_fund, start_week: 3}]\nfactors: {admin_load: [0.5]}",
     ["policies[1] (micro_fund, from week 3) overlaps policies[0]"]),
])
def test_sweep_policy_errors(tmp_path, old, new, must):
    assert old in SWEEP
    f = _write(tmp_path, SWEEP.replace(old, new), "sweep.yaml")
    with pytest.raises(ConfigError) as e:
        load_sweep(f)
    for s in must:
        assert s in str(e.value), (s, str(e.value))


def test_a_governance_scenario_whose_policies_never_act_is_refused(tmp_path):
    text = ("preset: mianyang_2019\nweeks: 20\nparams: {n_households: 150}\nreplicates: 2\n"
            "outputs: {outcomes: [rate_any]}\nscenarios:\n  base: {}\n  cc: {governance: co_creation}\n")
    with pytest.raises(ConfigError, match=r"'scenarios.cc.governance' \(co_creation\): its policies start at week 26"):
        load_experiment(_write(tmp_path, text))


def test_a_governance_policy_cannot_be_a_factor_and_one_mistake_is_one_message(tmp_path):
    text = SWEEP.replace("policies: [{name: station_separation, start_week: 4}]\n", "governance: co_creation\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError, match="micro_fund comes from governance co_creation"):
            load_sweep(_write(tmp_path, text + "factors: {micro_fund.call_reach: [0.1, 0.2]}\n", "s.yaml"))
    assert not caught  # no warnings about co_creation's late policies before the error


def test_sweep_designs(tmp_path):
    ff = load_sweep(_write(tmp_path, SWEEP + "factors:\n  admin_load: {low: 0.5, high: 1.1, levels: 3}\n"
                                             "  station_separation.enabled: [false, true]\n", "a.yaml"))
    d = ff.design()
    assert len(d) == 3 * 2 * 2 and list(d.run_id) == list(range(12)) and set(d.seed) == {1, 2}
    assert sorted(d["admin_load"].unique()) == pytest.approx([0.5, 0.8, 1.1])
    off = ff.job(d[d["station_separation.enabled"] == False].iloc[0].to_dict())  # noqa: E712
    assert off["policies"] == [] and off["overrides"]["admin_load"] == 0.5
    lhs = load_sweep(_write(tmp_path, SWEEP + "design: {method: lhs, samples: 16, seed: 3}\nfactors:\n"
                                              "  rc_staff: {low: 2, high: 20}\n  station_separation.leakage: {}\n",
                            "b.yaml"))
    pts = lhs.points()
    assert len(pts) == 16 and pts["rc_staff"].between(2, 20).all() and pts["rc_staff"].dtype.kind == "i"
    assert pts["station_separation.leakage"].between(0, 1).all()
    assert pts.equals(lhs.points())  # the design is reproducible from its seed
    job = lhs.job(lhs.design().iloc[0].to_dict())
    assert job["policies"][0]["leakage"] == pts["station_separation.leakage"][0]
    sob = load_sweep(_write(tmp_path, SWEEP + "sensitivity: {method: sobol, samples: 8}\n"
                                              "factors: {admin_load: {}, learn_pos: {}}\n", "c.yaml"))
    assert sob.kind == "sensitivity" and len(sob.points()) == 8 * (2 + 2) == sob.n_points()
    for spec in (ff, lhs):
        assert spec.n_points() == len(spec.points())
    mor = load_sweep(_write(tmp_path, SWEEP + "sensitivity: {method: morris, samples: 5}\n"
                                              "factors: {admin_load: {}, learn_pos: {}}\n", "d.yaml"))
    assert mor.n_points() == len(mor.points()) == 5 * 3


def test_cli_config_errors_exit_2_without_traceback(tmp_path, capsys):
    from cgsim.cli import main

    f = _write(tmp_path, GOOD.replace("rate_any,", "rate_anyy,"))
    p = subprocess.run([sys.executable, "-m", "cgsim.cli", "compare", str(f), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and str(f) in p.stderr and "rate_anyy" in p.stderr
    for cmd in ("sweep", "sensitivity"):
        assert main([cmd, str(f), "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("cgsim: error: ") and str(f) in err
    good = _write(tmp_path, GOOD, "good.yaml")  # contradictory or idle flags stop before anything runs
    for flags, must in ((["--resume", "--overwrite"], "contradict"), (["--retry-failed"], "add --resume")):
        assert main(["compare", str(good), "--out", str(tmp_path / "o2"), *flags]) == 2
        assert must in capsys.readouterr().err
    assert not (tmp_path / "o2").exists()
    # pool options are checked before a store is made (else the corrected command meets "already holds results")
    for flags, must in ((["--workers", "0"], "--workers 0"), (["--executor", "dask"], "needs --scheduler"),
                        (["--executor", "dask", "--scheduler", "not a url"], "not a scheduler address"),
                        (["--scheduler", "tcp://127.0.0.1:8786"], "only applies with --executor dask"),
                        (["--executor", "dask", "--scheduler", "http://x:8786"], "unknown address scheme 'http'"),
                        (["--resume"], "holds no results to continue")):
        assert main(["compare", str(good), "--out", str(tmp_path / "o3"), *flags]) == 2
        assert must in capsys.readouterr().err
        assert not (tmp_path / "o3").exists() or not any((tmp_path / "o3").iterdir())
    sens = _write(tmp_path, SWEEP + "sensitivity: {method: morris}\nfactors: {admin_load: {}}\n", "sens.yaml")
    assert main(["sweep", str(sens), "--out", str(tmp_path / "o4")]) == 2
    assert "run it with `cgsim sensitivity`" in capsys.readouterr().err


def test_a_config_for_another_command_is_named_as_such():
    configs = ROOT / "configs" / "experiments"
    with pytest.raises(ConfigError, match="it is a comparison config; run it with `cgsim compare`"):
        load_sweep(configs / "status_quo_vs_three_policies.yaml")
    with pytest.raises(ConfigError, match="it is a sweep config; run it with `cgsim sweep`"):
        load_experiment(configs / "sweep_admin_load.yaml")
