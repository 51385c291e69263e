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
