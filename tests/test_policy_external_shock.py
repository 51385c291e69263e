"""外部冲击 does what its source describes (003 例2 M20, Q8): an outside project opens salient estate-wide issues
in every building of the estates it hits; residents there raise them (and their voices settle most of them),
those that outlast the overloaded committee become disputes, and petitions follow in proportion to distrust of
the committee (prior trust keeps a shock quiet)."""

from functools import cache

import numpy as np
import pytest

from cgsim.scenarios import ConfigError

from cgsim.dynamics import issues as iss
from tests.conftest import small_model

SEEDS = (1, 2, 3, 4, 5)


def _shock(**kw):
    return [{"name": "external_shock", "start_week": 10, **kw}]


def test_the_shock_opens_salient_issues_in_every_building_it_hits():
    # 240 households in buildings of 24, two buildings an estate: 10 buildings, 5 estates
    m = small_model(rng=2, weeks=12, households_per_building=24, buildings_per_estate=2,
                    policies=_shock(issues=3, estates=2))
    for _ in range(11):
        m.step()
    pol, book = m.policies[0], m.issues
    ids = pol.issue_ids
    assert ids.size == 3 * 2 * 2 and np.all(book.salience[ids] == 0.95) and not book.estate_wide[ids].any()
    assert np.all(book.kind[ids] == iss.PUBLIC) and np.all(book.born[ids] == 10)
    assert len(set(book.estate[ids])) == 2 == len(pol.estates_hit) and len(set(book.building[ids])) == 4
    assert set(book.estate[ids]) == set(pol.estates_hit)
    # every resident of a hit estate faces a shock issue (the most salient open issue of their building)
    sal, target = book.exposure(m.population.building, m.population.estate)
    hit = np.isin(m.population.estate, pol.estates_hit)
    assert np.all(np.isin(target[hit], ids)) and not np.isin(target[~hit], ids).any()
    assert np.all(book.resolver[ids] == iss.RC)  # the status quo routes public matters to the committee
    # under three-way routing a public matter goes to government; more estates than there are means all of them
    m = small_model(rng=2, weeks=12, buildings_per_estate=1, policies=[{"name": "three_way_routing", "start_week": 0},
                                               *_shock(estates=1000, kind="public")])
    for _ in range(11):
        m.step()
    ids = m.policies[1].issue_ids
    assert m.hierarchy.n_estates == 5 and set(m.issues.estate[ids]) == set(range(5))
    assert ids.size == m.hierarchy.n_buildings and np.all(m.issues.resolver[ids] == iss.GOV)


def test_shocks_are_events_and_may_be_listed_more_than_once():
    m = small_model(rng=2, weeks=30, policies=[*_shock(), *_shock(start_week=20)])  # overlapping windows: fine
    m.run()
    assert [p.issue_ids.size for p in m.policies] == [m.hierarchy.n_buildings] * 2
    with pytest.raises(ConfigError, match="overlaps"):  # a policy that acts every week still may not
        small_model(policies=[{"name": "micro_fund", "start_week": 10}, {"name": "micro_fund", "start_week": 20}])


@cache
def _run(seed, trust, shock):
    # residents' voices settle most shock issues in a few weeks (the next test); without that boost they outlast
    # the committee, and what becomes of a long-open shock (disputes, petitions) is what is tested here
    return small_model(rng=seed, weeks=60, trust_rc_mean=trust, petition_rate=0.3, voice_boost=0.0,
                       policies=_shock(issues=2, estates=1000) if shock else None).run()


@cache
def _voiced(seed, shock):
    return small_model(rng=seed, weeks=60, policies=_shock(issues=2, estates=1000) if shock else None).run()


def _total(m, col, start=10, end=None):
    w = m.weekly_frame()
    w = w[(w.group == "all") & (w.week >= start)]
    return (w if end is None else w[w.week < end])[col].sum()


def test_residents_raise_the_shock_and_their_voices_settle_it():
    # in the ten weeks after the shock; later, those who raised it wait out their recovery before speaking
    # again, so over the whole run the shock moves voices forward more than it adds to them
    voice = np.array([_total(_voiced(s, True), "rate_voice", 10, 20) - _total(_voiced(s, False), "rate_voice", 10, 20)
                      for s in SEEDS])
    assert np.all(voice > 0), voice
    resolved = np.array([_total(_voiced(s, True), "issues_resolved") - _total(_voiced(s, False), "issues_resolved")
                         for s in SEEDS])
    assert resolved.mean() > 5, resolved  # 10 shock issues in a 240-household community, most settled
    # unvoiced, the same shock outlasts the committee and becomes disputes
    disputes = np.array([_total(_run(s, 0.5, True), "disputes_open") - _total(_run(s, 0.5, False), "disputes_open")
                         for s in SEEDS])
    assert np.all(disputes > 0), disputes


def test_prior_trust_keeps_the_shock_from_bringing_petitions():
    added = {t: np.array([_total(_run(s, t, True), "petitions") - _total(_run(s, t, False), "petitions")
                          for s in SEEDS]) for t in (0.8, 0.2)}
    assert added[0.2].sum() > 0
    assert added[0.8].sum() < 0.5 * added[0.2].sum(), added
    # and before the shock the runs are the same (the shock's draws are its own)
    a, b = _run(1, 0.5, True).weekly_frame(), _run(1, 0.5, False).weekly_frame()
    assert a[a.week < 10].equals(b[b.week < 10])
