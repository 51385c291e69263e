"""社区工作准入 moves what its sources say (001 §3.2, 004 l.84): less administration reaches the committee,
more resident service, less 'government' image; how much depends on enforcement, which the sources dispute."""

from functools import cache

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 104


@cache
def _run(seed, **pol):
    policies = [{"name": "work_access_list", "start_week": 26, **pol}] if pol else None
    return small_model(rng=seed, weeks=WEEKS, policies=policies).run()


def _diff(col, **pol):
    return np.array([_after(_run(s, **pol), col) - _after(_run(s), col) for s in SEEDS])


def test_access_list_lightens_admin_load_and_improves_service():
    admin = _diff("rc_admin_share", enforcement=0.5)
    gov = _diff("sees_rc_as_government", enforcement=0.5)
    answered = _diff("voices_answered", enforcement=0.5)
    assert np.all(admin < -0.05)
    assert gov.mean() < 0 and np.sum(gov < 0) >= 4
    assert answered.mean() > 0 and np.sum(answered > 0) >= 4


def test_effect_depends_on_contested_enforcement():
    for s in SEEDS[:2]:  # Mianyang: the list exists but does not bite
        b, p = _run(s), _run(s, enforcement=0.0)
        assert p.committee.admin_hours == b.committee.admin_hours
        assert _after(p, "sees_rc_as_government") == _after(b, "sees_rc_as_government")
    half, full = _diff("sees_rc_as_government", enforcement=0.5), _diff("sees_rc_as_government", enforcement=1.0)
    assert full.mean() < half.mean() and np.sum(full < half) >= 4  # Zhuhai: enforced, it lightens the load more
