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
    """Social workers identify backbones and set up micro-organisations (001 M32-M33): with the policy on and
    the same seeds, more groups are founded when cultivation raises the founding chance
    (group_cultivation_boost 2) than when it does not (0), so the effect is cultivation's, not only that of
    the programmes' extra activity-goers (a committee staffed in proportion, as above, and groups easy to
    found, so that there are enough to count)."""
    kw = dict(rc_staff=2, group_start_rate=0.3, group_trust_threshold=0.0)
    pol = [{"name": "ngo_services", "start_week": 26}]
    founded = []
    for s in SEEDS:
        runs = [small_model(rng=s, weeks=130, policies=pol, group_cultivation_boost=b, **kw).run() for b in (2.0, 0.0)]
        founded.append([m.yearly_frame().query("group == 'all'").groups_founded.sum() for m in runs])
    founded = np.array(founded)
    assert founded[:, 0].sum() > 1.3 * founded[:, 1].sum() > 0
    assert (founded[:, 0] > founded[:, 1]).sum() >= 4


def test_cultivation_raises_the_founding_chance():
    """The founding chance is group_start_rate x (1 + group_cultivation_boost x cultivation) x standing: with
    uniforms spread evenly over the candidates, the share founding follows it (ODD §7.18)."""
    m = small_model(rng=1, group_start_rate=0.1, group_trust_threshold=0.0, group_size=3)
    pop, so = m.population, m.self_organisation
    pop.group[:] = -1
    so.groups.clear()
    pop.stage[:] = 2  # everyone on the top rung
    pop.aware[:] = True
    n = pop.n
    u = np.vstack([np.linspace(0.0, 1.0, n, endpoint=False), np.zeros(n)])  # founding draws even over [0, 1)
    trust = np.ones(n)  # full standing
    going = np.ones(n, bool)

    def leaders(cultivation):
        pop.group[:] = -1
        so.groups.clear()
        so.founded = 0
        so.organise(m.params, going, trust, m._demo_cell, m._estate_groups, u, lambda keys: np.ones(keys.size),
                    cultivation=cultivation)
        return sorted(g.leader for g in so.groups.values())

    none, full = leaders(0.0), leaders(1.0)
    # a candidate whose draw is below the chance founds, unless recruited earlier in the month: the first
    # founder of each estate is the lowest id with u below the chance
    assert len(full) > len(none) > 0
    assert max(u[0, none]) < 0.1 and max(u[0, full]) < 0.1 * (1 + 2.0 * 1.0)
