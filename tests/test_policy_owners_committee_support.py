"""业委会支持/红色物业 moves what its source says (001 M18, 003 例2 M21): with a Party branch or studio as organiser
more estates form an owners' committee, but only where owners trust their neighbours (003 §4.1-2: trust first)."""

from functools import cache

import numpy as np

from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)
FIVE_ESTATES = dict(buildings_per_estate=1)  # the small community split into five estates


@cache
def _gain(**kw):
    """Owners' committees at the end, policy minus baseline, per seed."""
    out = []
    for s in SEEDS:
        b = small_model(rng=s, weeks=130, **FIVE_ESTATES, **kw).run()
        p = small_model(rng=s, weeks=130, policies=[{"name": "owners_committee_support", "start_week": 26}],
                        **FIVE_ESTATES, **kw).run()
        out.append(sum(o.formed for o in p.owners_committees) - sum(o.formed for o in b.owners_committees))
    return np.array(out)


def test_organiser_helps_owners_form_committees():
    gain = _gain()
    assert gain.mean() > 0 and (gain > 0).sum() >= 4


def test_organiser_without_trust_fails():
    trusting, distrustful = _gain(), _gain(trust_gen_mean=0.15)
    assert distrustful.mean() < 0.5 * trusting.mean()


def test_stop_restores_organiser_and_firm():
    m = small_model(rng=1, weeks=30, policies=[{"name": "owners_committee_support", "start_week": 10,
                                                "end_week": 20}]).run()
    q = m.params
    assert (m.oc_organiser, m.firm.obstruction, m.firm.embeddedness) == (
        q.oc_organiser_effect, q.firm_obstruction, q.firm_embeddedness)
