"""协商议事会 (000, 001 M9-M17, 003 例2): periodic sessions draw residents into deliberation and settle
collective issues through the council; lot-drawn, inclusive sessions carry more legitimacy and give more
groups a sense of control than rule by the activist few (003 例2 M27, 002 D4)."""

import numpy as np
import pytest

from cgsim.dynamics.issues import COUNCIL
from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)
WEEKS = 130


def _after(m, col, group="all", start=52):
    w = m.weekly_frame()
    return w[(w.group == group) & (w.week >= start)][col].mean()


def _run(s, **kw):
    m = small_model(rng=s, weeks=WEEKS, policies=[{"name": "deliberation_council", **kw}])
    legitimacy = []
    while m.running:
        m.step()
        if m.week > 52:
            legitimacy.append(m.policies[0].legitimacy)
    m.mean_legitimacy = float(np.mean(legitimacy))
    return m


@pytest.fixture(scope="module")
def runs():
    return [{"base": small_model(rng=s, weeks=WEEKS).run(), "inclusive": _run(s),
             "few": _run(s, lot_seats=0, representatives=15)} for s in SEEDS]


def test_council_draws_deliberation_and_settles_collective_issues(runs):
    delib = [_after(r["inclusive"], "rate_deliberation") - _after(r["base"], "rate_deliberation") for r in runs]
    settled = [r["inclusive"].issues.resolved_by[COUNCIL] - r["base"].issues.resolved_by[COUNCIL] for r in runs]
    cap = [_after(r["inclusive"], "capacity") - _after(r["base"], "capacity") for r in runs]
    assert np.mean(delib) > 0.002 and min(delib) > 0
    assert np.mean(settled) > 0 and sum(x > 0 for x in settled) >= 4
    assert np.mean(cap) > 0 and sum(x > 0 for x in cap) >= 4


def test_lot_drawn_inclusive_council_beats_rule_by_a_few(runs):
    legit = [r["inclusive"].mean_legitimacy - r["few"].mean_legitimacy for r in runs]
    migrants = [_after(r["inclusive"], "efficacy", "migrant") - _after(r["few"], "efficacy", "migrant") for r in runs]
    assert np.mean(legit) > 0.03 and sum(x > 0 for x in legit) >= 4
    assert np.mean(migrants) > 0 and sum(x > 0 for x in migrants) >= 4
