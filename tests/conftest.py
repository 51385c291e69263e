"""Shared fixtures: small communities keep the suite fast."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cgsim import CommunityModel

SMALL = dict(n_households=240)
ROOT = Path(__file__).parents[1]


def load_script(relpath: str, name: str):
    """An experiment script (e.g. ``experiments/crn/run.py``) imported as a module, to call its functions."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relpath)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def small_run():
    """A small status-quo community run for 104 weeks (shared, read-only)."""
    return CommunityModel(rng=7, weeks=104, **SMALL).run()


def small_model(**kw):
    kw = {**SMALL, **kw}
    kw.setdefault("rng", 3)
    return CommunityModel(**kw)


def weekly_mean(m, col, start=52, group="all"):
    """Mean of a weekly column over the weeks from ``start`` on, for one group (default: all residents)."""
    w = m.weekly_frame()
    return w[(w.group == group) & (w.week >= start)][col].mean()


def assert_measured(frame, where=""):
    """No NaN in a results table except the resident columns of groups with no residents (``n`` = 0), which are
    all NaN there, while their community columns keep their values, and ``trust_firm``, which is NaN in every
    row or in none (a community with or without a property firm)."""
    from cgsim import metrics

    empty = frame["n"] == 0
    if "trust_firm" in frame:  # per community in a district's table
        for _, part in (frame.groupby("community") if "community" in frame else [(None, frame)]):
            tf = part.loc[part["n"] > 0, "trust_firm"]
            assert tf.isna().all() or tf.notna().all(), where
        frame = frame.drop(columns="trust_firm")
    assert not frame[~empty].isna().any().any(), where
    if empty.any():
        res = [c for c in frame.columns if c in metrics.WEEKLY_RESIDENT or c in metrics.YEARLY_RESIDENT]
        com = [c for c in frame.columns if c in metrics.COMMUNITY]
        assert frame.loc[empty, res].isna().all().all() and not frame.loc[empty, com].isna().any().any(), where
