"""民众联络所/邻里中心 moves what its source says (004 M42-M43): more activity and more migrant-local ties,
and the more so the more migrants the district has (SIP, a migrant-type district)."""

from functools import cache

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)


@cache
def _pairs(migrant_share=0.2):
    out = []
    for s in SEEDS:
        kw = dict(rng=s, weeks=130, migrant_share=migrant_share)
        b = small_model(**kw).run()
        p = small_model(**kw, policies=[{"name": "community_centre", "start_week": 26}]).run()
        out.append((b, p))
    return out


def _diff(pairs, col):
    return np.array([_after(p, col) - _after(b, col) for b, p in pairs])


def test_community_centre_raises_activity_and_cross_group_ties():
    pairs = _pairs()
    ties, act = _diff(pairs, "cross_group_ties"), _diff(pairs, "rate_activity")
    assert ties.mean() > 0 and (ties > 0).sum() >= 4
    assert act.mean() > 0 and (act > 0).sum() >= 4
    assert all(p.costs_total["community_centre"] > 0 for _, p in pairs)


def test_centre_adds_more_cross_group_ties_where_there_are_more_migrants():
    mixed, local = _diff(_pairs(), "cross_group_ties"), _diff(_pairs(0.05), "cross_group_ties")
    assert mixed.mean() > local.mean() and (mixed > local).sum() >= 4


def test_stop_restores_the_tie_venue():
    m = small_model(rng=1, weeks=30, policies=[{"name": "community_centre", "start_week": 10, "end_week": 20}]).run()
    assert m.tie_venue is m.population.estate
