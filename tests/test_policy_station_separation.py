"""居站分设 moves what its source says (001 §3.2): more committee time for residents, less 'government' image."""

import numpy as np

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)


def _paired(**pol):
    out = []
    for s in SEEDS:
        b = small_model(rng=s, weeks=104).run()
        p = small_model(rng=s, weeks=104, policies=[{"name": "station_separation", "start_week": 26, **pol}]).run()
        out.append((b, p))
    return out


def test_station_separation_frees_committee_time_and_lowers_government_image():
    pairs = _paired()
    free = [p.committee.free_hours - b.committee.free_hours for b, p in pairs]
    gov = [_after(p, "sees_rc_as_government") - _after(b, "sees_rc_as_government") for b, p in pairs]
    answered = [_after(p, "voices_answered") - _after(b, "voices_answered") for b, p in pairs]
    assert min(free) > 0
    assert np.mean(gov) < 0 and sum(g < 0 for g in gov) >= 4
    assert np.mean(answered) > 0


def test_full_leakage_means_no_effect_on_the_committee():
    for b, p in _paired(leakage=1.0)[:2]:
        assert p.committee.admin_hours == b.committee.admin_hours
