"""三社联动/政府购买服务 moves what its source says (001 §1.3, M34; 003 例6 M44): programmes raise the target group's
participation more than others', and social workers' cultivation raises self-governance capacity C."""

import numpy as np

from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)


def _pairs(pol=None, **kw):
    out = []
    for s in SEEDS:
        b = small_model(rng=s, weeks=130, **kw).run()
        p = small_model(rng=s, weeks=130, policies=[{"name": "ngo_services", "start_week": 26, **(pol or {})}],
                        **kw).run()
        out.append((b, p))
    return out


def _after(m, col, dim="all", group="all", start=52):
    w = m.weekly_frame()
    return w[(w.dimension == dim) & (w.group == group) & (w.week >= start)][col].mean()


def _diff(pairs, col, dim="all", group="all"):
    return np.array([_after(p, col, dim, group) - _after(b, col, dim, group) for b, p in pairs])


def test_programmes_raise_the_target_groups_participation_most():
    pairs = _pairs({"target": "youth"})
    youth = _diff(pairs, "rate_activity", "age", "youth")
    middle = _diff(pairs, "rate_activity", "age", "middle")
    assert youth.mean() > 0 and (youth > 0).sum() >= 4
    assert youth.mean() > middle.mean() and (youth > middle).sum() >= 4
    assert all(p.costs_total["ngo"] > 0 for _, p in pairs)


def test_cultivation_raises_capacity():
    # a committee staffed in proportion to the small community (9 staff per 1,200 households), so that its own
    # cultivation does not already saturate C's growth
    cap = _diff(_pairs(rc_staff=2), "capacity")
    assert cap.mean() > 0 and (cap > 0).sum() >= 4


def test_stop_restores_the_ngo():
    m = small_model(rng=1, weeks=30, policies=[{"name": "ngo_services", "start_week": 10, "end_week": 20,
                                                "target": "youth"}]).run()
    assert (m.ngo.staff, m.ngo.target) == (m.params.ngo_staff, m.params.ngo_target)


def test_cultivation_founds_resident_groups():
    """Social workers identify backbones and set up micro-organisations (001 M32-M33): with the same seeds,
    more resident groups are founded after the policy starts than in the status quo (a committee staffed in
    proportion, as above, and a founding rate at which a small community founds some groups by itself)."""
    kw = dict(rc_staff=2, group_start_rate=0.1)
    founded = []
    for b, p in _pairs(**kw):
        fb, fp = (m.yearly_frame() for m in (b, p))
        founded.append((fp[fp.group == "all"].groups_founded.sum(), fb[fb.group == "all"].groups_founded.sum()))
    founded = np.array(founded)
    assert founded[:, 0].sum() > founded[:, 1].sum()
    assert (founded[:, 0] >= founded[:, 1]).sum() >= 4
