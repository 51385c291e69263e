"""以奖代补 moves what its source says (000 tool section, 共同缔造): matched contributions draw more co-production
and build more public good, the more so the higher the match; the reward is paid only after results."""

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 130


def _run(seed, **pol):
    policies = [{"name": "reward_for_subsidy", "start_week": 26, **pol}] if pol else None
    return small_model(rng=seed, weeks=WEEKS, policies=policies).run()


def test_reward_for_subsidy_raises_coproduction_and_public_good():
    pairs = [(_run(s), _run(s, match_ratio=1.0)) for s in SEEDS]
    coprod = np.array([_after(p, "rate_coproduction") - _after(b, "rate_coproduction") for b, p in pairs])
    good = np.array([_after(p, "public_good") - _after(b, "public_good") for b, p in pairs])
    assert coprod.mean() > 0 and (coprod > 0).sum() >= 4
    assert good.mean() > 0 and (good > 0).sum() >= 4
    assert all(p.costs_total["reward_for_subsidy"] > 0 for _, p in pairs)


def test_higher_match_ratio_draws_more_coproduction_and_costs_more():
    low = [_run(s, match_ratio=0.25) for s in SEEDS]
    high = [_run(s, match_ratio=2.0) for s in SEEDS]
    more = np.array([_after(h, "rate_coproduction") - _after(lo, "rate_coproduction") for lo, h in zip(low, high)])
    assert more.mean() > 0 and (more > 0).sum() >= 4
    assert sum(h.costs_total["reward_for_subsidy"] for h in high) > sum(lo.costs_total["reward_for_subsidy"]
                                                                         for lo in low)
