"""Shared fixtures: small communities keep the suite fast."""

from __future__ import annotations

import pytest

from cgsim import CommunityModel

SMALL = dict(n_households=240)


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
