"""网格化 (000 案例二, 002 B3): visits raise 'asked' and awareness and issues are found and settled sooner;
the grid also makes the committee look like the state and crowds out self-governance capacity (003 例10 M48,
003 例3 M7)."""

import numpy as np
import pytest

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 130


@pytest.fixture(scope="module")
def runs():
    out = []
    for s in SEEDS:
        pol = {"name": "grid_management"}
        out.append({"base": small_model(rng=s, weeks=WEEKS).run(),
                    "grid": small_model(rng=s, weeks=WEEKS, policies=[pol]).run(),
                    "no_state": small_model(rng=s, weeks=WEEKS, policies=[{**pol, "gov_intensity_added": 0.0,
                                                                           "admin_push": 0.0}]).run()})
    return out


def _diff(runs, a, b, col, start=52):
    return [_after(r[a], col, start) - _after(r[b], col, start) for r in runs]


def test_grid_visits_raise_contact_and_awareness(runs):
    for col in ("asked", "aware"):
        d = _diff(runs, "grid", "base", col)
        assert np.mean(d) > 0.01 and min(d) > 0, col


def test_grid_settles_issues_sooner_in_a_busy_neighbourhood():
    """With few issues (the default small community) the effect drowns in noise; with many it shows."""
    busy = dict(weeks=104, issue_rate=0.4)
    d = []
    for s in SEEDS:
        base = small_model(rng=s, **busy).run()
        grid = small_model(rng=s, policies=[{"name": "grid_management"}], **busy).run()
        d.append(_after(grid, "issues_open", 26) - _after(base, "issues_open", 26))
    assert np.mean(d) < 0 and sum(x < 0 for x in d) >= 4


def test_grid_raises_government_image_and_crowds_out_capacity(runs):
    gov = _diff(runs, "grid", "base", "sees_rc_as_government")
    cap = _diff(runs, "grid", "base", "capacity")
    state = _diff(runs, "grid", "no_state", "capacity")
    assert np.mean(gov) > 0.01 and min(gov) > 0
    assert np.mean(cap) < 0 and sum(x < 0 for x in cap) >= 4
    assert np.mean(state) < 0 and min(state) < 0 and sum(x < 0 for x in state) >= 4
