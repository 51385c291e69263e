"""满意度评价 moves what its sources say (001 §3.4.2, 003 例1): committee time shifts from upward compliance
to answering residents, who trust it more; reverting to upward inspection brings compliance back."""

from functools import cache

import numpy as np

from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 130


@cache
def _run(seed, **pol):
    policies = [{"name": "satisfaction_evaluation", "start_week": 26, **pol}] if pol else None
    return small_model(rng=seed, weeks=WEEKS, policies=policies).run()


def _mean(m, col, start, end):
    w = m.weekly_frame()
    return w[(w.group == "all") & (w.week >= start) & (w.week < end)][col].mean()


def _diff(col, start, end, **pol):
    return np.array([_mean(_run(s, **pol), col, start, end) - _mean(_run(s), col, start, end) for s in SEEDS])


def test_satisfaction_evaluation_turns_compliance_into_resident_service():
    for s in SEEDS:
        b, p = _run(s), _run(s, response_tilt=0.5)
        assert b.committee.compliance_hours > 0 and p.committee.compliance_hours == 0
        assert p.committee.response_hours > b.committee.response_hours
    answered = _diff("voices_answered", 52, WEEKS, response_tilt=0.5)
    trust = _diff("trust_committee", 52, WEEKS, response_tilt=0.5)
    assert answered.mean() > 0 and np.sum(answered > 0) >= 4
    assert trust.mean() > 0 and np.sum(trust > 0) >= 4


def test_reverting_to_upward_inspection_brings_compliance_back():
    for s in SEEDS[:2]:
        assert _run(s, end_week=78).committee.compliance_hours == _run(s).committee.compliance_hours
    during = _diff("voices_answered", 40, 78, end_week=78)
    after = _diff("voices_answered", 90, WEEKS, end_week=78)
    assert during.mean() > 0 and np.abs(after).mean() < 0.5 * during.mean()
