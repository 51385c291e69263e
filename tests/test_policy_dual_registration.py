"""双报到 (001 M25): registered in-service Party members take part more where they live; the effect fades
when enforcement lapses unless it turned intrinsic (003 例6 M22, 红细胞)."""

import numpy as np
import pytest

from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)
WEEKS, LAPSE = 130, 65


def _rate(m, lo, hi):
    w = m.weekly_frame()
    return w[(w.group == "in_service") & (w.week >= lo) & (w.week < hi)]["rate_any"].mean()


@pytest.fixture(scope="module")
def runs():
    variants = dict(on={}, lapse={"enforcement_end_week": LAPSE},
                    lapse_converted={"enforcement_end_week": LAPSE, "conversion_rate": 0.3})  # a handful convert
    out = []
    for s in SEEDS:
        r = {"base": small_model(rng=s, weeks=WEEKS).run()}
        for k, kw in variants.items():
            r[k] = small_model(rng=s, weeks=WEEKS, policies=[{"name": "dual_registration", **kw}]).run()
        out.append(r)
    return out


def test_dual_registration_raises_in_service_members_participation(runs):
    d = [_rate(r["on"], 39, LAPSE) - _rate(r["base"], 39, LAPSE) for r in runs]
    assert np.mean(d) > 0.005 and sum(x > 0 for x in d) >= 4


def test_effect_fades_after_enforcement_lapses_unless_converted(runs):
    after = (LAPSE + 26, WEEKS)
    fade = [_rate(r["lapse"], *after) - _rate(r["on"], *after) for r in runs]
    kept = [_rate(r["lapse_converted"], *after) - _rate(r["lapse"], *after) for r in runs]
    assert np.mean(fade) < 0 and sum(x < 0 for x in fade) >= 4
    assert np.mean(kept) > 0 and sum(x > 0 for x in kept) >= 4
