"""Outputs of interest: which outcomes, groups and period an experiment summarises.

An outcome is a column of the weekly table (``rate_any``) or, prefixed with
``yearly.``, of the yearly table (``yearly.never_participated``); a name that
only the yearly table has may be given without the prefix. A run is summed up
per outcome and group by one number: weekly outcomes are averaged over the
last ``window`` weeks of the horizon, yearly outcomes are taken in the last
full year. ``summarise`` turns one run's tables into those numbers (a tidy
frame), so analyses never need the full tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics import COMMUNITY, WEEKLY_RESIDENT, YEARLY_COMMUNITY, YEARLY_RESIDENT
from ..population import AGE_LABELS, PARTY_LABELS
from ..scenarios import ConfigError, _closest, _where

NON_NUMERIC = {"capacity_stage"}
WEEKLY_OUTCOMES = tuple(c for c in {**WEEKLY_RESIDENT, **COMMUNITY} if c not in NON_NUMERIC)
YEARLY_OUTCOMES = tuple(c for c in {**YEARLY_RESIDENT, **COMMUNITY, **YEARLY_COMMUNITY} if c not in NON_NUMERIC)
#: group label -> table dimension
GROUPS = {"all": "all", **{g: "age" for g in AGE_LABELS}, "local": "hukou", "migrant": "hukou",
          "owner": "tenure", "renter": "tenure", **{g: "party" for g in PARTY_LABELS}}
TABLES = ("weekly", "yearly")
DEFAULT_OUTCOMES = ("rate_any", "stage_active", "trust_neighbours", "trust_committee", "efficacy",
                    "sees_rc_as_government", "yearly.never_participated", "yearly.participated_gt5")
DEFAULT_WINDOW = 52
OUTPUT_KEYS = ("outcomes", "groups", "window", "store")


def split_outcome(name: str) -> tuple[str, str]:
    """``'yearly.x'`` -> ``('yearly', 'x')``; a plain name -> its table (weekly when both have it)."""
    if name.startswith("yearly."):
        return "yearly", name[len("yearly."):]
    if name.startswith("weekly."):
        return "weekly", name[len("weekly."):]
    return ("weekly" if name in WEEKLY_OUTCOMES else "yearly"), name


def canonical(name: str) -> str:
    table, col = split_outcome(name)
    return col if table == "weekly" else f"yearly.{col}"


@dataclass(frozen=True)
class Outputs:
    """Outcomes (canonical names), groups, the weekly averaging window and the tables to keep."""

    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    groups: tuple[str, ...] = ("all",)
    window: int = DEFAULT_WINDOW
    store: tuple[str, ...] = TABLES

    @property
    def weekly(self) -> list[str]:
        return [o for o in self.outcomes if split_outcome(o)[0] == "weekly"]

    @property
    def yearly(self) -> list[str]:
        return [o for o in self.outcomes if split_outcome(o)[0] == "yearly"]

    def to_dict(self) -> dict:
        return {"outcomes": list(self.outcomes), "groups": list(self.groups), "window": self.window,
                "store": list(self.store)}


def parse_outputs(raw, weeks: int, source: str | None, key: str = "outputs") -> Outputs:
    """Validate an ``outputs:`` mapping against the model's tables and the horizon."""
    where = _where(source)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}'{key}' must be a mapping with keys {', '.join(OUTPUT_KEYS)}.")
    bad = [k for k in raw if k not in OUTPUT_KEYS]
    if bad:
        raise ConfigError(f"{where}unknown key '{key}.{bad[0]}'.{_closest(bad[0], OUTPUT_KEYS)} "
                          f"Allowed: {', '.join(OUTPUT_KEYS)}.")
    default = [o for o in DEFAULT_OUTCOMES if weeks >= 52 or split_outcome(o)[0] == "weekly"]
    outcomes = raw.get("outcomes", default)
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not isinstance(outcomes, list) or not outcomes:
        raise ConfigError(f"{where}'{key}.outcomes' must be a non-empty list of column names.")
    names = []
    allowed = list(WEEKLY_OUTCOMES) + [f"yearly.{c}" for c in YEARLY_OUTCOMES]
    for o in outcomes:
        table, col = split_outcome(str(o))
        if col not in (WEEKLY_OUTCOMES if table == "weekly" else YEARLY_OUTCOMES):
            raise ConfigError(f"{where}'{key}.outcomes': unknown outcome {o!r}.{_closest(str(o), allowed)} "
                              f"Allowed: the numeric columns of docs/OUTPUTS.md; weekly by name "
                              f"({', '.join(WEEKLY_OUTCOMES[:4])}, ...), yearly as yearly.NAME "
                              f"(yearly.never_participated, ...).")
        if table == "yearly" and weeks < 52:
            raise ConfigError(f"{where}'{key}.outcomes': {o!r} is a yearly measure and needs weeks >= 52 "
                              f"(weeks is {weeks}).")
        names.append(canonical(str(o)))
    groups = raw.get("groups", ["all"])
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list) or not groups:
        raise ConfigError(f"{where}'{key}.groups' must be a non-empty list. Allowed: {', '.join(GROUPS)}.")
    for g in groups:
        if not isinstance(g, str) or g not in GROUPS:
            raise ConfigError(f"{where}'{key}.groups': unknown group {g!r}.{_closest(str(g), GROUPS)} "
                              f"Allowed: {', '.join(GROUPS)}.")
    window = raw.get("window", min(DEFAULT_WINDOW, weeks))
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= weeks:
        raise ConfigError(f"{where}'{key}.window' = {window!r}: must be a whole number of weeks in [1, {weeks}] "
                          f"(the horizon).")
    store = raw.get("store", list(TABLES))
    if isinstance(store, str):
        store = [store]
    if not isinstance(store, list) or any(s not in TABLES for s in store):
        raise ConfigError(f"{where}'{key}.store' = {store!r}: must be a list drawn from {', '.join(TABLES)} "
                          f"(the tables kept per run; the per-run summary is always kept).")
    return Outputs(tuple(dict.fromkeys(names)), tuple(dict.fromkeys(groups)), window,
                   tuple(t for t in TABLES if t in store))


def summarise(weekly: pd.DataFrame, yearly: pd.DataFrame, outputs: Outputs) -> pd.DataFrame:
    """One run's numbers: a row per group and outcome (``group, outcome, value``)."""
    rows = []
    last_week = int(weekly["week"].max())
    w = weekly[(weekly["week"] > last_week - outputs.window) & weekly["group"].isin(outputs.groups)]
    wmean = w.groupby("group")[[split_outcome(o)[1] for o in outputs.weekly]].mean() if outputs.weekly else None
    ylast = yearly[(yearly["year"] == yearly["year"].max()) & yearly["group"].isin(outputs.groups)] \
        if len(yearly) else yearly
    ylast = ylast.set_index("group")
    for g in outputs.groups:
        for o in outputs.outcomes:
            table, col = split_outcome(o)
            if table == "weekly":
                v = wmean.at[g, col] if g in wmean.index else np.nan
            else:
                v = ylast.at[g, col] if g in ylast.index else np.nan
            rows.append((g, o, float(v)))
    return pd.DataFrame(rows, columns=["group", "outcome", "value"])
