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


def test_the_less_satisfied_residents_are_the_more_the_committee_answers():
    """Each evaluation reads residents' satisfaction (001 M38): the same community with residents made less
    satisfied gets a larger response share at the next evaluation, and one at 0.5 gets the plain tilt."""
    from cgsim.policies.satisfaction_evaluation import SatisfactionEvaluation

    shares = []
    for level in (0.2, 0.5, 0.8):
        m = small_model(rng=1, weeks=40, build_space=False)
        pol = SatisfactionEvaluation(start_week=0, response_tilt=0.5)
        pol.start(m)
        m.population.satisfaction[:] = level
        pol._evaluate(m)
        shares.append(m.committee_allocation["response"])
    base = m.params.rc_share_response
    assert shares[0] > shares[1] > shares[2] > base
    assert shares[1] == np.float64(base * 1.5)
    # evaluations happen every evaluation_weeks from the start week
    m = small_model(rng=2, weeks=60, policies=[{"name": "satisfaction_evaluation", "start_week": 10,
                                                 "evaluation_weeks": 13}])
    seen = []
    for _ in range(60):
        m.step()
        seen.append(m.committee_allocation.get("response"))
    assert seen[9] is None and seen[10] is not None  # the first evaluation comes with the start
    changes = [w for w in range(11, 60) if seen[w] != seen[w - 1]]
    assert changes and all((w + 1 - 10) % 13 == 0 for w in changes)  # then one every 13 weeks
