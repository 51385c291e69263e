"""Bad input gives one clear message naming file, key and what is allowed; the CLI exits 2, no traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cgsim.scenarios import ConfigError, load_config, make_config, read_yaml


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "cfg.yaml"
    f.write_text(text, encoding="utf-8")
    return f


@pytest.mark.parametrize("text, must", [
    ("preset: mianyang_2019\nadmn_load: 0.5\n", ["unknown key 'admn_load'", "admin_load", "cfg.yaml"]),
    ("preset: mianyang_2019\nrc_staff: lots\n", ["'rc_staff'", "int in [1, 60]", "cfg.yaml"]),
    ("preset: mianyang_2019\nadmin_load: 3\n", ["'admin_load'", "[0.0, 1.5]"]),
    ("preset: mianyang_2019\nfirm_present: maybe\n", ["'firm_present'", "bool"]),
    ("preset: nowhere\n", ["unknown preset 'nowhere'", "mianyang_2019", "cfg.yaml"]),
    ("preset: status_quo\n", ["unknown preset 'status_quo'", "is a governance model", "governance: status_quo"]),
    ("preset: mianyang_2019\npolicies:\n  - name: station_separaton\n",
     ["unknown policy 'station_separaton'", "station_separation", "居站分设"]),
    ("preset: mianyang_2019\npolicies:\n  - name: station_separation\n    leakge: 0.2\n",
     ["unknown key 'leakge'", "leakage", "start_week"]),
    ("preset: mianyang_2019\npolicies:\n  - name: station_separation\n    leakage: 1.2\n",
     ["'leakage'", "[0.0, 1.0]"]),
    ("preset: mianyang_2019\npolicies: station_separation\n", ["'policies' must be a list"]),
    ("preset: mianyang_2019\nweeks: -3\n", ["'weeks'", "[1, 5200]"]),
    ("preset: mianyang_2019\nseed: abc\n", ["'seed'"]),
    ("preset: mianyang_2019\nevaluation_regime: votes\n", ["'evaluation_regime'", "upward", "satisfaction"]),
    ("preset: [\n", ["not valid YAML", "line"]),
    ("- just\n- a list\n", ["mapping"]),
    # keys YAML reads as numbers or null, anywhere in the file
    ("preset: mianyang_2019\n1: 2\n", ["key 1", "is a number, not a name", "cfg.yaml"]),
    ("preset: mianyang_2019\npolicies: [{name: station_separation, ~: 2}]\n", ["key None under 'policies[0]'"]),
    # a key twice: PyYAML would keep the last silently
    ("preset: mianyang_2019\nweeks: 2\nweeks: 3\n", ["'weeks' appears twice", "line 2"]),
    ("preset: mianyang_2019\npolicies: [{name: micro_fund, start_week: 2, start_week: 3}]\n",
     ["'start_week' appears twice"]),
    # quoted numbers and yes/no values are not converted behind the author's back
    ("preset: mianyang_2019\nadmin_load: '0.9'\n", ["'admin_load'", "got the text '0.9'", "[0.0, 1.5]"]),
    ("preset: mianyang_2019\nadmin_load: true\n", ["'admin_load'", "yes/no value"]),
    ("preset: mianyang_2019\nfirm_present: 'no'\n", ["'firm_present'", "true or false"]),
    ("preset: mianyang_2019\npolicies: [{name: station_separation, leakage: '0.3'}]\n",
     ["'leakage'", "got the text '0.3'"]),
    ("preset: mianyang_2019\npolicies: [{name: [station_separation]}]\n",
     ["policies[0]: 'name'", "must be one policy id", "station_separation"]),
    ("preset: mianyang_2019\npolicies: [{name: station_separation, start_week: 30, end_week: 10}]\n",
     ["end_week (10) must be after start_week (30)"]),
    ("preset: mianyang_2019\nseed: 18446744073709551616\n", ["'seed'", "9223372036854775807"]),
    # values each in range that together describe no community
    ("preset: mianyang_2019\nshare_youth: 0.9\nshare_elderly: 0.9\n", ["share_youth (0.9) + share_elderly (0.9)"]),
    ("preset: mianyang_2019\nshare_property: 0.5\nshare_public: 0.5\nshare_private: 0.5\n", ["exceeds 1"]),
    ("preset: mianyang_2019\ncapacity_theta1: 0.9\ncapacity_theta2: 0.1\n", ["capacity_theta1 (0.9) must be below"]),
    ("preset: mianyang_2019\npolicies: [{name: dual_registration, start_week: 3, enforcement_end_week: 1}]\n",
     ["enforcement_end_week (1) must be after start_week (3)"]),
    ("preset: mianyang_2019\ngovernance: ''\n", ["'governance' = ''", "shanghai_admin_led"]),
    ("# only a comment\n", ["config file is empty", "'{}'"]),
    # one policy twice in the same weeks would act twice; successive periods are fine (test below)
    ("preset: mianyang_2019\npolicies: [{name: micro_fund}, {name: micro_fund, start_week: 40}]\n",
     ["policies[1] (micro_fund, from week 40) overlaps policies[0]", "end_week"]),
    ("preset: mianyang_2019\ngovernance: co_creation\npolicies: [micro_fund]\n",
     ["overlaps governance co_creation: policies[1]"]),
    # never a silently different value: counts given as decimals, YAML 1.1 octal/base-60 numbers, NaN
    ("preset: mianyang_2019\nn_households: 60.0\n", ["'n_households' = 60.0", "whole number", "write 60"]),
    ("preset: mianyang_2019\npolicies: [{name: station_separation, start_week: 3.0}]\n",
     ["'start_week' = 3.0", "whole number"]),
    ("preset: mianyang_2019\nseed: 010\n", ["line 2", "'010' is ambiguous"]),
    ("preset: mianyang_2019\nweeks: 1:00\n", ["'1:00' is ambiguous"]),
    ("preset: mianyang_2019\nadmin_load: .nan\n", ["'admin_load' = nan", "finite number"]),
    ("preset: mianyang_2019\nrc_share_response: 0\nrc_share_activities: 0\nrc_share_outreach: 0\n"
     "rc_share_deliberation: 0\n", ["are all 0", "weights"]),
    # names are names, not paths to other files
    ("preset: mianyang_2019\ncalibration: ../surveys/mianyang_2019\n", ["unknown calibration", "none"]),
    ("preset: mianyang_2019\ngovernance: ../neighbourhoods/mianyang_2019\n", ["unknown governance model"]),
    ("preset: ../governance/co_creation\n", ["unknown preset", "mianyang_2019"]),
    ("preset: mianyang_2019\nname: [a, b]\n", ["'name' = ['a', 'b']", "text"]),
    ("preset: mianyang_2019\nadmin_load: 1.2.3\n", ["got the text '1.2.3'", "e.g. 0.5, 12 or 1e-3"]),
])
def test_config_errors_name_file_key_and_allowed(tmp_path, text, must):
    f = _write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(f)
    for s in must:
        assert s in str(e.value), (s, str(e.value))


def test_missing_file_and_good_config(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    f = _write(tmp_path, "preset: mianyang_2019\nweeks: 10\nseed: 4\nadmin_load: 0.6\n"
                         "policies:\n  - {name: 居站分设, start_week: 5}\n")
    cfg = load_config(f)
    assert cfg.weeks == 10 and cfg.seed == 4 and cfg.params.admin_load == 0.6
    assert cfg.policies == [{"name": "station_separation", "start_week": 5}]
    with pytest.warns(UserWarning, match="will not act"):  # --weeks 3 cuts the run before the policy starts
        assert load_config(f, seed=9, weeks=3).seed == 9


def test_config_hash_ignores_seed_but_not_parameters():
    a = make_config(seed=1).config_hash()
    assert a == make_config(seed=2).config_hash()
    assert a != make_config(overrides={"admin_load": 0.5}).config_hash()


def test_keyword_overrides_are_validated_too():
    with pytest.raises(ConfigError, match="unknown key 'admin_lod'"):
        make_config(overrides={"admin_lod": 0.3})


def test_presets_do_not_override_their_calibrated_values():
    from cgsim.scenarios import NEIGHBOURHOODS, calibrated_params, preset_names, read_yaml

    for name in preset_names():
        d = read_yaml(NEIGHBOURHOODS / f"{name}.yaml")
        if d.get("calibration"):
            fitted = set(calibrated_params(d["calibration"]))
            assert fitted, f"{name}: calibrated set {d['calibration']} missing"
            assert not fitted & set(d.get("params") or {}), name


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "cgsim.cli", *args], capture_output=True, text=True)


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    f = _write(tmp_path, "preset: mianyang_2019\nadmn_load: 0.5\n")
    r = _cli("run", str(f), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "unknown key 'admn_load'" in r.stderr and "Traceback" not in r.stderr
    r = _cli("run", "no_such_preset", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "unknown preset" in r.stderr and "Traceback" not in r.stderr
    r = _cli("policies", "nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_cli_run_writes_all_outputs(tmp_path):
    import json

    import pandas as pd

    f = _write(tmp_path, "preset: mianyang_2019\nweeks: 60\nn_households: 150\n"
                         "policies:\n  - {name: station_separation, start_week: 20}\n")
    out = tmp_path / "run"
    r = _cli("run", str(f), "--seed", "3", "--out", str(out))
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 3 and len(meta["config_hash"]) == 16 and "mesa" in meta["versions"]
    assert len(meta["versions"]["cgsim_code"]) == 16  # which code made the run, not only which release
    assert meta["config"]["policies"] == [{"name": "station_separation", "start_week": 20}]
    w = pd.read_parquet(out / "weekly.parquet")
    y = pd.read_parquet(out / "yearly.parquet")
    assert w.week.max() == 59 and set(y.year) == {0}
    for col in ("never_participated", "participated_gt5", "never_joined_activity", "suggest_never",
                "suggest_rarely", "suggest_often", "unaware_rc_office", "trust_strangers", "sees_rc_as_government",
                "shallow_share", "vulnerable_share_of_participants", "trust_committee", "efficacy", "satisfaction",
                "issues_resolved", "issues_open", "petitions", "capacity", "capacity_stage", "rc_admin_share"):
        assert col in y.columns, col
    assert set(y.dimension) == {"all", "age", "hukou", "tenure", "party"}
    assert (out / "summary.png").stat().st_size > 10_000


def test_cli_lists_presets_params_and_policies():
    r = _cli("presets")
    assert r.returncode == 0 and "mianyang_2019" in r.stdout and "karamay_2016" in r.stdout
    r = _cli("params", "admin_load")
    assert r.returncode == 0 and "001 §1.1" in r.stdout
    r = _cli("policies", "居站分设")
    assert r.returncode == 0 and "leakage" in r.stdout and "001 §3.2" in r.stdout


def test_a_policy_starting_after_the_horizon_is_said(tmp_path):
    f = _write(tmp_path, "preset: mianyang_2019\nweeks: 10\npolicies: [{name: micro_fund, start_week: 40}]\n")
    with pytest.warns(UserWarning, match=r"policies\[0\] \(micro_fund\) starts at week 40, after the run's 10 weeks"):
        load_config(f)


def test_yaml_merge_keys_and_exponent_numbers_are_read_as_yaml_means_them(tmp_path):
    f = _write(tmp_path, "x-common: &c {admin_load: 1e-1, rc_staff: 4}\npreset: mianyang_2019\n")
    assert read_yaml(f)["x-common"] == {"admin_load": 0.1, "rc_staff": 4}
    f = _write(tmp_path, "a: 1.0e0\nb: +.5\nc: 0o17\nd: 0x1F\ne: 1_000\nf: .inf\ng: 1.2.3\n")
    assert read_yaml(f) == {"a": 1.0, "b": 0.5, "c": 15, "d": 31, "e": 1000, "f": float("inf"), "g": "1.2.3"}
    f = _write(tmp_path, "preset: mianyang_2019\n<<: {admin_load: 0.5, rc_staff: 4}\nrc_staff: 5\n")
    cfg = load_config(f)
    assert cfg.params.admin_load == 0.5 and cfg.params.rc_staff == 5  # explicit keys win over merged ones


def test_one_policy_in_successive_periods_is_allowed(tmp_path):
    f = _write(tmp_path, "preset: mianyang_2019\npolicies: [{name: micro_fund, start_week: 5, end_week: 20},"
                         " {name: micro_fund, start_week: 20}]\n")
    assert [p["name"] for p in load_config(f).policies] == ["micro_fund", "micro_fund"]


def test_cli_checks_out_and_groups_before_running(tmp_path, capsys):
    from cgsim.cli import main

    f = tmp_path / "afile"
    f.write_text("x")
    assert main(["run", "mianyang_2019", "--weeks", "2", "--out", str(f)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["params", "--group", "participaton"]) == 2
    assert "Did you mean 'participation'" in capsys.readouterr().err
    assert main(["viz", "--port", "99999"]) == 2
    assert "--port 99999" in capsys.readouterr().err
    assert main(["run", "mianyang_2019", "--weeks", "-1", "--out", str(tmp_path / "r")]) == 2
    assert "--weeks -1" in capsys.readouterr().err
    assert main(["params", "admin_load", "--group", "network"]) == 2
    assert "in group 'committee', not 'network'" in capsys.readouterr().err
    store = tmp_path / "store"  # a single run's tables must not land in a results store
    store.mkdir()
    (store / "manifest.json").write_text("{}")
    assert main(["run", "mianyang_2019", "--weeks", "2", "--out", str(store)]) == 2
    assert "results store" in capsys.readouterr().err and sorted(p.name for p in store.iterdir()) == ["manifest.json"]
    # an earlier run is replaced only on request: a reused --out loses nothing by mistake
    run1 = tmp_path / "run1"
    assert main(["run", "mianyang_2019", "--weeks", "2", "--out", str(run1), "--no-figure"]) == 0
    before = (run1 / "weekly.parquet").read_bytes()
    capsys.readouterr()
    assert main(["run", "karamay_2016", "--weeks", "2", "--out", str(run1), "--no-figure"]) == 2
    assert "already holds a run (mianyang_2019, seed 1)" in capsys.readouterr().err
    assert (run1 / "weekly.parquet").read_bytes() == before
    (run1 / "summary.png").write_bytes(b"the replaced run's figure")
    assert main(["run", "karamay_2016", "--weeks", "2", "--out", str(run1), "--no-figure", "--overwrite"]) == 0
    assert not (run1 / "summary.png").exists()
    assert json.loads((run1 / "meta.json").read_text())["config"]["preset"] == "karamay_2016"


@pytest.mark.parametrize("argv, flag", [
    (["run", "mianyang_2019", "--weeks", "2", "--weeks", "3", "--out", "o"], "--weeks"),
    (["run", "mianyang_2019", "--out", "a", "--out", "b"], "--out"),
    (["compare", "x.yaml", "--out", "o", "--workers", "1", "--workers", "2"], "--workers"),
    (["calibrate", "--survey", "s", "--params", "a", "--params", "b", "--out", "o"], "--params"),
])
def test_cli_refuses_an_option_given_twice(argv, flag, capsys):
    """argparse keeps the last of two values without a word; the user meant one of them, not ours to guess."""
    from cgsim.cli import main

    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: given twice" in err and "give it once" in err and "Traceback" not in err


def test_cli_repeatable_options_stay_repeatable():
    from cgsim.cli import build_parser

    a = build_parser().parse_args(["calibrate", "--survey", "s", "--params", "a", "--out", "o", "--set", "x=1",
                                   "--set", "y=2", "--quiet", "--quiet"])
    assert a.set == ["x=1", "y=2"] and a.quiet


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc (a folder nobody can write in)")
def test_cli_refuses_an_out_it_cannot_write_before_running(capsys):
    from cgsim.cli import main

    assert main(["run", "mianyang_2019", "--weeks", "2", "--out", "/proc/cgsim-out"]) == 2
    out = capsys.readouterr()
    assert "--out /proc/cgsim-out: cannot write in /proc" in out.err and out.out == ""  # nothing ran


def test_presets_and_params_show_one_in_full():
    r = _cli("presets", "co_creation")
    assert r.returncode == 0 and "policy: {'name': 'micro_fund'}" in r.stdout and "source: 000" in r.stdout
    r = _cli("presets", "rural_village")  # says how its calibrated set was made
    assert "calibration: rural_village (a steady-state fit, no survey, on top of mianyang_2019:" in r.stdout
    assert "calibration: mianyang_2019 (fitted to the mianyang_2019 survey:" in _cli("presets", "mianyang_2019").stdout
    r = _cli("presets", "mianyang_2091")
    assert r.returncode == 2 and "Did you mean 'mianyang_2019'" in r.stderr and "Traceback" not in r.stderr
    r = _cli("params", "evaluation_regime")
    assert r.returncode == 0 and "upward | satisfaction" in r.stdout
    r = _cli("params", "beta0_activity")
    import yaml

    fitted = yaml.safe_load((Path(__file__).parents[1] / "data/calibrated/mianyang_2019.yaml").read_text())
    # the calibrated value the preset runs with, not just the default
    assert f"mianyang_2019 {fitted['params']['beta0_activity']}" in r.stdout
    r = _cli("policies", "阶段匹配")
    assert r.returncode == 0 and "adaptive | always_strong | early_withdrawal" in r.stdout
    from cgsim.experiment.config import one_line

    assert one_line("邻里信任？\n  各项政策 do x\n  y") == "邻里信任？各项政策 do x y"
