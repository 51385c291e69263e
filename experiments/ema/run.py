"""cgsim under the EMA workbench: which policies keep participation up across behavioural uncertainty?

    python experiments/ema/run.py                      # 32 scenarios x 8 policies, 2 seeds each, 2 processes
    python experiments/ema/run.py --quick              # a small smoke run (also run by the tests)
    python experiments/ema/run.py --out results/ema    # also save the results (ema_workbench tarball)

Uncertainties are behavioural parameters (``cgsim.ema.BEHAVIOURAL``), levers are 居站分设, 微基金 and
双报到 switched on or off plus the leakage of the service station, outcomes are participation and trust
of all residents. Every experiment runs on the same seeds (common random numbers) and outcomes are
averaged over them. The script prints the mean outcomes per policy combination and a feature-scoring
table: which uncertainties and levers drive each outcome.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore", message="ipyparallel not installed")

from ema_workbench import (MultiprocessingEvaluator, Samplers, SequentialEvaluator,  # noqa: E402
                           save_results)
from ema_workbench.analysis import feature_scoring  # noqa: E402

from cgsim.ema import POLICIES, build_model  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small community, few experiments, in this process")
    ap.add_argument("--scenarios", type=int, default=32)
    ap.add_argument("--policies", type=int, default=8)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--out", default=None, help="save experiments and outcomes here (.tar.gz)")
    a = ap.parse_args(argv)
    if a.quick:
        model = build_model(weeks=52, params={"n_households": 150, "burn_in_weeks": 4}, seeds=[1, 2],
                            uncertainties={"beta_trust": (0.0, 2.0), "learn_pos": (0.01, 0.1)},
                            policy_levers={"station_separation.leakage": (0.0, 0.6)},
                            outcomes=["rate_any", "trust_committee", "yearly.never_participated"])
        n_scen, n_pol, evaluator = 3, 2, SequentialEvaluator(model)
    else:
        model = build_model(weeks=104, params={"n_households": 600}, seeds=[1, 2],
                            policy_levers={"station_separation.leakage": (0.0, 0.6)})
        n_scen, n_pol = a.scenarios, a.policies
        evaluator = MultiprocessingEvaluator(model, n_processes=a.processes)
    with evaluator as ev:
        experiments, outcomes = ev.perform_experiments(
            scenarios=n_scen, policies=n_pol, uncertainty_sampling=Samplers.LHS,
            uncertainty_sampling_kwargs={"rng": 42}, lever_sampling=Samplers.LHS, lever_sampling_kwargs={"rng": 7})
    means = {k: np.asarray(v, dtype=float).reshape(len(experiments), -1).mean(axis=1) for k, v in outcomes.items()}
    if a.out:
        save_results((experiments, outcomes), a.out)
    df = pd.concat([experiments.reset_index(drop=True), pd.DataFrame(means)], axis=1)
    levers = [p for p in POLICIES if p in df.columns]
    print(f"{len(df)} experiments ({n_scen} scenarios x {n_pol} policies), outcomes averaged over seeds")
    print(df.groupby(levers)[list(means)].mean().round(3).to_string())
    x = experiments.drop(columns=["scenario", "policy", "model"])
    scores = feature_scoring.get_feature_scores_all(x, means)
    scores.index.name, scores.columns.name = "factor", None
    print("\nfeature scores (extra trees): what drives each outcome")
    print(scores.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
