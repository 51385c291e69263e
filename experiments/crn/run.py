"""How much common random numbers narrow a paired policy comparison.

    python experiments/crn/run.py [--seeds 10] [--preset mianyang_2019] [--year 2] [--out results/crn]

Every comparison in cgsim (``cgsim compare``, sweeps, the stylised facts) runs the status quo and the
policy on the same seeds and takes the difference seed by seed. Named streams (per resident) and keyed
draws (per issue and tie, ``cgsim/rng.py``, ODD §4.9 and §10 item 14) make those two runs share their luck,
so the difference carries the policy's effect and little noise. This script measures how much: for each
policy (its defaults, from week 26) and outcome it reports the mean effect in ``year``, the standard
deviation of the paired differences over seeds, and what the standard deviation of a difference would be
between independent runs (the root of the sum of both scenarios' variances over seeds). Their ratio is the
factor by which pairing shrinks the interval of an effect; its square, how many more seeds unpaired runs
would need for the same interval.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cgsim.run import simulate_seeds
from cgsim.scenarios import ConfigError, make_config

POLICIES = ("station_separation", "grid_management", "three_way_routing", "micro_fund", "community_centre",
            "external_shock")
OUTCOMES = ("never_participated", "trust_committee", "issues_resolved", "mean_weeks_to_resolve", "public_good",
            "capacity", "ties")


def year_table(preset: str, policies, seeds, year: int, workers: int) -> pd.DataFrame:
    cfg = make_config(preset, weeks=52 * (year + 1), policies=policies)
    y = simulate_seeds(cfg, seeds, workers=workers).yearly
    return y[(y.group == "all") & (y.year == year)].set_index("seed").sort_index()[list(OUTCOMES)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--preset", default="mianyang_2019")
    ap.add_argument("--year", type=int, default=2, help="the year of the yearly table compared (0 = first)")
    ap.add_argument("--policies", default=",".join(POLICIES), help="comma-separated policy ids")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/crn")
    a = ap.parse_args(argv)
    if a.seeds < 2:
        print("error: --seeds must be at least 2 (a standard deviation over seeds)", file=sys.stderr)
        return 2
    if a.year < 0:
        print(f"error: --year must be 0 or more (0 = the first simulated year), not {a.year}", file=sys.stderr)
        return 2
    seeds = range(1, a.seeds + 1)
    policies = [x.strip() for x in a.policies.split(",") if x.strip()]
    if not policies:
        print("error: --policies names no policy (comma-separated ids, see `cgsim policies`)", file=sys.stderr)
        return 2
    try:  # every config first, so that a typo stops the script before any run
        for pol in [None, *policies]:
            make_config(a.preset, weeks=52 * (a.year + 1), policies=[{"name": pol, "start_week": 26}] if pol else None)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    base = year_table(a.preset, None, seeds, a.year, a.workers)
    rows = []
    for pol in policies:
        scen = year_table(a.preset, [{"name": pol, "start_week": 26}], seeds, a.year, a.workers)
        d = scen - base
        for col in OUTCOMES:
            sd = float(d[col].std(ddof=1))
            unpaired = float(np.sqrt(base[col].var(ddof=1) + scen[col].var(ddof=1)))
            if np.isnan(sd) or np.isnan(unpaired) or unpaired == 0:
                narrower = float("nan")  # undefined (missing values, or no spread at all)
            else:
                narrower = unpaired / sd if sd > 0 else float("inf")
            rows.append({"policy": pol, "outcome": col, "effect": float(d[col].mean()), "paired_sd": sd,
                         "unpaired_sd": unpaired, "narrower": narrower})
    table = pd.DataFrame(rows)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "crn.csv", index=False)
    md = [f"Paired vs unpaired spread of policy effects, `{a.preset}`, year {a.year}, seeds 1-{a.seeds}",
          "", "| policy | outcome | effect | paired SD | unpaired SD | narrower |", "|---|---|---:|---:|---:|---:|"]
    for r in table.itertuples():
        ratio = "-" if np.isnan(r.narrower) else ("no spread when paired" if np.isinf(r.narrower)
                                                   else f"{r.narrower:.1f}x")
        md.append(f"| `{r.policy}` | {r.outcome} | {r.effect:+.4g} | {r.paired_sd:.3g} | {r.unpaired_sd:.3g} | "
                  f"{ratio} |")
    (out / "crn.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))
    print(f"\nwrote {out / 'crn.csv'} and {out / 'crn.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
