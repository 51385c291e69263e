"""中心户 (000 案例三): elected intermediaries ask their neighbours in, spread awareness and knit ties, and
participation rises; thinner coverage (more households each) reaches fewer (000 §4 item 5)."""

import numpy as np
import pytest

from tests.conftest import small_model
from tests.conftest import weekly_mean as _after

SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def runs():
    out = []
    for s in SEEDS:
        r = {"base": small_model(rng=s, weeks=104).run()}
        for k, size in (("dense", 12), ("sparse", 48)):
            pol = {"name": "intermediary_households", "households_per_intermediary": size}
            r[k] = small_model(rng=s, weeks=104, policies=[pol]).run()
        out.append(r)
    return out


def _diff(runs, a, b, col):
    return [_after(r[a], col) - _after(r[b], col) for r in runs]


def test_intermediaries_raise_contact_awareness_ties_and_participation(runs):
    for col, floor in (("asked", 0.02), ("aware", 0.01), ("ties", 50), ("rate_any", 0.002)):
        d = _diff(runs, "dense", "base", col)
        assert np.mean(d) > floor and sum(x > 0 for x in d) >= 4, col


def test_thinner_coverage_reaches_fewer_households(runs):
    for col in ("asked", "aware", "rate_any"):
        d = _diff(runs, "dense", "sparse", col)
        assert np.mean(d) > 0 and sum(x > 0 for x in d) >= 4, col
