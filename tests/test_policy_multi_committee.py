"""一区多居 moves what its source says (002 A2): more committee hours per resident and a smaller span serve residents
better; the smaller span itself (not only the hours) brings the committee closer to residents."""

from functools import cache

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 104


@cache
def _run(seed, **pol):
    policies = [{"name": "multi_committee", "start_week": 26, **pol}] if pol else None
    return small_model(rng=seed, weeks=WEEKS, policies=policies).run()


def _last_year(m, col):
    y = m.yearly_frame()
    return y[y.group == "all"][col].iloc[-1]


def _diff(f, col, base=None, **pol):
    return np.array([f(_run(s, **pol), col) - f(_run(s, **(base or {})), col) for s in SEEDS])


def test_more_committees_serve_residents_better():
    answered = _diff(_after, "voices_answered", committees=2)
    trust = _diff(_after, "trust_committee", committees=2)
    never = _diff(_last_year, "never_participated", committees=2)
    assert answered.mean() > 0 and np.sum(answered > 0) >= 4
    assert trust.mean() > 0 and np.sum(trust > 0) >= 4
    assert never.mean() < 0 and np.sum(never < 0) >= 4


def test_smaller_span_brings_the_committee_closer():
    hours_only = dict(committees=2, span_gain=0.0)
    asked = _diff(_after, "asked", base=hours_only, committees=2)
    unaware = _diff(_last_year, "unaware_rc_office", base=hours_only, committees=2)
    assert np.all(asked > 0)
    assert unaware.mean() < 0 and np.sum(unaware < 0) >= 3
