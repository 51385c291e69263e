"""Paired effects with t-based 95% intervals, and median / 10-90% bands over time.

Scenarios run on the same seeds (common random numbers), so the effect of a
scenario is estimated per seed as (scenario − baseline) and summarised by its
mean with a t interval over seeds. A seed where either run failed gives no
pair and is left out (the ``pairs`` column says how many remain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

QUANTILES = (0.1, 0.5, 0.9)


def t_interval(x, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the mean of ``x`` with a t-based ``level`` interval (±inf with one value)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, -np.inf, np.inf
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return mean, mean - half, mean + half


def paired_effects(summary: pd.DataFrame, baseline: str, order: list[str] | None = None,
                   level: float = 0.95) -> pd.DataFrame:
    """Effects of every scenario vs ``baseline`` per outcome and group.

    ``summary`` has columns ``scenario, seed, group, outcome, value`` (one row
    per run, group and outcome). Returns one row per outcome, group and
    non-baseline scenario: pairs, baseline and scenario means (over the
    paired seeds), effect with its interval, relative effect (effect /
    baseline mean), the share of seeds where the scenario is higher, and
    whether the interval excludes zero.
    """
    wide = summary.pivot_table(index=["outcome", "group", "seed"], columns="scenario", values="value",
                               aggfunc="first")
    order = order or list(wide.columns)
    rows = []
    for (outcome, group), sub in wide.groupby(level=["outcome", "group"], sort=False):
        for sc in order:
            if sc == baseline or sc not in sub.columns or baseline not in sub.columns:
                continue
            pair = sub[[baseline, sc]].dropna()
            diff = (pair[sc] - pair[baseline]).to_numpy()
            mean, lo, hi = t_interval(diff, level)
            base = float(pair[baseline].mean()) if len(pair) else np.nan
            rows.append(dict(outcome=outcome, group=group, scenario=sc, pairs=len(pair), baseline_mean=base,
                             scenario_mean=float(pair[sc].mean()) if len(pair) else np.nan, effect=mean,
                             ci_low=lo, ci_high=hi,
                             relative=mean / base if base and np.isfinite(base) and abs(base) > 1e-12 else np.nan,
                             share_higher=float(np.mean(diff > 0)) if len(diff) else np.nan,
                             clear=bool(np.isfinite(lo) and (lo > 0 or hi < 0))))
    cols = ["outcome", "group", "scenario", "pairs", "baseline_mean", "scenario_mean", "effect", "ci_low", "ci_high",
            "relative", "share_higher", "clear"]
    return pd.DataFrame(rows, columns=cols)


def bands(weekly: pd.DataFrame, columns: list[str], by: str = "scenario",
          quantiles=QUANTILES) -> pd.DataFrame:
    """Quantiles over seeds per ``by``, group and week: ``by, group, week, outcome, q10, q50, q90``."""
    long = weekly.melt(id_vars=[by, "group", "week", "seed"], value_vars=columns, var_name="outcome")
    g = long.groupby([by, "group", "outcome", "week"], sort=False)["value"]
    out = pd.concat({f"q{int(round(q * 100))}": g.quantile(q) for q in quantiles}, axis=1)
    return out.reset_index()


def paired_differences(weekly: pd.DataFrame, columns: list[str], baseline: str) -> pd.DataFrame:
    """Per seed, week and group: scenario − baseline for ``columns`` (rows of non-baseline scenarios)."""
    key = ["seed", "group", "week"]
    base = weekly.loc[weekly["scenario"] == baseline, key + columns]
    other = weekly.loc[weekly["scenario"] != baseline, key + ["scenario"] + columns]
    m = other.merge(base, on=key, suffixes=("", "__base"))
    for c in columns:
        m[c] = m[c] - m[f"{c}__base"]
    return m[key + ["scenario"] + columns]
