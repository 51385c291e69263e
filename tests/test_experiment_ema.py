"""cgsim as an EMA workbench model: XLRM built from cgsim's schema, runs under an evaluator, example runs."""

import runpy
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ema_workbench")
pytestmark = pytest.mark.filterwarnings("ignore:ipyparallel not installed")

from cgsim.ema import BEHAVIOURAL, build_model  # noqa: E402
from cgsim.scenarios import ConfigError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SMALL = dict(weeks=20, params={"n_households": 150, "burn_in_weeks": 4})


def test_model_xlrm_from_schema():
    m = build_model(**SMALL, policy_levers={"station_separation.leakage": (0.0, 0.5)}, outcomes=["rate_any"])
    assert [u.name for u in m.uncertainties] == list(BEHAVIOURAL)
    assert [lv.name for lv in m.levers] == ["station_separation", "micro_fund", "dual_registration",
                                           "station_separation__leakage"]
    assert [o.name for o in m.outcomes] == ["rate_any"]
    with pytest.raises(ConfigError, match="inside"):
        build_model(**SMALL, uncertainties={"beta_cost": (-1.0, 2.0)})
    with pytest.raises(ConfigError, match="not a model parameter"):
        build_model(**SMALL, uncertainties={"beta_costs": (0.0, 2.0)})
    with pytest.raises(ConfigError, match="POLICY.PARAM"):
        build_model(**SMALL, policy_levers={"micro_fund.leakage": (0.0, 0.5)})
    with pytest.raises(ConfigError, match="needs weeks >= 52"):
        build_model(**SMALL, outcomes=["yearly.never_participated"])


def test_runs_under_an_evaluator_with_common_seeds():
    from ema_workbench import SequentialEvaluator

    m = build_model(**SMALL, uncertainties={"beta_trust": (0.0, 2.0)}, policies=["居站分设"], seeds=[3, 4],
                    outcomes=["rate_any", "sees_rc_as_government"])
    with SequentialEvaluator(m) as ev:
        exps, outs = ev.perform_experiments(scenarios=2, policies=2, uncertainty_sampling_kwargs={"rng": 1},
                                            lever_sampling_kwargs={"rng": 2})
    assert len(exps) == 4 and np.asarray(outs["rate_any"]).shape == (4, 2)
    assert np.isfinite(np.asarray(outs["sees_rc_as_government"], float)).all()
    # the same function called directly gives the same numbers (seeded, deterministic)
    row = exps.iloc[0]
    direct = m.function(seed=3, beta_trust=row["beta_trust"], station_separation=row["station_separation"])
    assert direct["rate_any"] == pytest.approx(float(np.asarray(outs["rate_any"])[0, 0]))


def test_example_quick(capsys):
    ns = runpy.run_path(str(ROOT / "experiments" / "ema" / "run.py"), run_name="ema_example")
    assert ns["main"](["--quick"]) == 0
    out = capsys.readouterr().out
    assert "6 experiments" in out and "feature scores" in out and "beta_trust" in out
