"""微基金/微项目 moves what its source says (001 M33, M40): more co-production and a higher public good,
and only through volunteers: where nobody co-produces, projects fail and build nothing."""

from functools import cache

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)


@cache
def _pairs(**kw):
    out = []
    for s in SEEDS:
        b = small_model(rng=s, weeks=156, **kw).run()
        p = small_model(rng=s, weeks=156, policies=[{"name": "micro_fund", "start_week": 26}], **kw).run()
        out.append((b, p))
    return out


def _diff(pairs, col):
    return np.array([_after(p, col) - _after(b, col) for b, p in pairs])


def test_micro_fund_raises_coproduction_and_public_good():
    pairs = _pairs()
    coprod, good = _diff(pairs, "rate_coproduction"), _diff(pairs, "public_good")
    assert coprod.mean() > 0 and (coprod > 0).sum() >= 4
    assert good.mean() > 0 and (good > 0).sum() >= 4
    assert all(p.policies[0].completed >= 1 and p.costs_total["micro_fund"] > 0 for _, p in pairs)


def test_projects_without_volunteers_fail_and_build_nothing():
    idle = _pairs(beta0_coproduction=-10.0)  # a community where (almost) nobody co-produces
    assert all(p.policies[0].completed == 0 and p.policies[0].failed > 0 for _, p in idle)
    idle_good, good = _diff(idle, "public_good"), _diff(_pairs(), "public_good")
    assert idle_good.mean() < good.mean() and (idle_good < good).sum() >= 4


def test_resident_groups_propose():
    """MODEL.md §4: resident groups propose. At a call's proposal week, a building where a group member lives
    proposes even with no backbone resident (主动参与) in it; one with neither does not."""
    from cgsim.policies.micro_fund import MicroFund
    from cgsim.population import ATTENTIVE

    m = small_model(rng=1, weeks=10, build_space=False)
    pop = m.population
    pol = MicroFund(start_week=0, call_weeks=3)
    pol.start(m)
    pop.stage[:] = ATTENTIVE  # nobody on the top rung
    pop.group[:] = -1
    member = int(np.flatnonzero(pop.building == 2)[0])
    pop.group[member] = 0
    m.week = 3  # the proposal week of the call made at week 0
    m.opportunity[:] = False
    pol.before_participation(m)
    assert list(pol.proposals) == [2]
