"""外部冲击 does what its source describes (003 例2 M20, Q8): an outside project opens salient estate-wide issues
in the estates it hits; residents there raise them, those that outlast the overloaded committee become disputes,
and petitions follow in proportion to distrust of the committee (prior trust keeps a shock quiet)."""

from functools import cache

import numpy as np

from cgsim.dynamics import issues as iss
from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)


def _shock(**kw):
    return [{"name": "external_shock", "start_week": 10, **kw}]


def test_the_shock_opens_salient_estate_wide_issues_where_it_hits():
    m = small_model(rng=2, weeks=12, buildings_per_estate=1, policies=_shock(issues=3, estates=2))  # 5 estates
    for _ in range(11):
        m.step()
    pol, book = m.policies[0], m.issues
    ids = pol.issue_ids
    assert ids.size == 6 and np.all(book.salience[ids] == 0.95) and book.estate_wide[ids].all()
    assert np.all(book.kind[ids] == iss.PUBLIC) and np.all(book.born[ids] == 10)
    assert len(set(book.estate[ids])) == 2 == len(pol.estates_hit)
    assert set(book.estate[ids]) == set(pol.estates_hit)
    assert np.all(book.resolver[ids] == iss.RC)  # the status quo routes public matters to the committee
    # under three-way routing a public matter goes to government; more estates than there are means all of them
    m = small_model(rng=2, weeks=12, buildings_per_estate=1, policies=[{"name": "three_way_routing", "start_week": 0},
                                               *_shock(estates=1000, kind="public")])
    for _ in range(11):
        m.step()
    ids = m.policies[1].issue_ids
    assert ids.size == m.hierarchy.n_estates == 5 and np.all(m.issues.resolver[ids] == iss.GOV)


@cache
def _run(seed, trust, shock):
    return small_model(rng=seed, weeks=60, trust_rc_mean=trust, petition_rate=0.3,
                       policies=_shock(issues=4, estates=1000) if shock else None).run()


def _total(m, col, start=10):
    w = m.weekly_frame()
    return w[(w.group == "all") & (w.week >= start)][col].sum()


def test_the_shock_brings_voice_and_disputes():
    voice = np.array([_total(_run(s, 0.5, True), "rate_voice") - _total(_run(s, 0.5, False), "rate_voice")
                      for s in SEEDS])
    assert np.all(voice > 0), voice
    # residents' voices settle many shock issues before they are old enough to be disputes; the rest are
    disputes = np.array([_total(_run(s, 0.5, True), "disputes_open") - _total(_run(s, 0.5, False), "disputes_open")
                         for s in SEEDS])
    assert np.all(disputes >= 0) and disputes.sum() > 0, disputes


def test_prior_trust_keeps_the_shock_from_bringing_petitions():
    added = {t: np.array([_total(_run(s, t, True), "petitions") - _total(_run(s, t, False), "petitions")
                          for s in SEEDS]) for t in (0.8, 0.2)}
    assert added[0.2].sum() > 0
    assert added[0.8].sum() < 0.5 * added[0.2].sum(), added
    # and before the shock the runs are the same (the shock's draws are its own)
    a, b = _run(1, 0.5, True).weekly_frame(), _run(1, 0.5, False).weekly_frame()
    assert a[a.week < 10].equals(b[b.week < 10])
