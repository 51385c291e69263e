"""Unit tests for each weekly process (cgsim.dynamics), on hand-made states."""

import numpy as np
import pytest

from cgsim.dynamics import capacity as cap
from cgsim.dynamics import issues as iss
from cgsim.dynamics import learning, outreach, participation, turnover
from cgsim.network import SocialNetwork
from cgsim.params import ModelParams
from cgsim.population import (ACT, ACTIVE, ATTENTIVE, EMPLOYED, MIDDLE, VOICE, WAIT, build_hierarchy,
                              build_population, group_index)
from cgsim.rng import Streams


@pytest.fixture
def world():
    p = ModelParams(n_households=300)
    pop = build_population(p, build_hierarchy(p), Streams(11))
    return p, pop


def test_wait_and_see_and_unaware_residents_never_take_part(world):
    p, pop = world
    n = pop.n
    pop.stage[:] = ATTENTIVE
    pop.stage[: n // 3] = WAIT
    pop.aware[:] = True
    pop.aware[n // 3: n // 2] = False
    util = np.full((n, 4), 10.0)  # everyone would certainly take part
    ev = participation.decide(p, pop, util, np.ones((n, 4), bool), np.random.default_rng(0).random((n, 4)))
    assert not ev[: n // 2].any()
    assert ev[n // 2:].all()


def test_recovery_pending_voice_and_opportunity_gates(world):
    p, pop = world
    n = pop.n
    pop.stage[:] = ATTENTIVE
    pop.aware[:] = True
    pop.recovery[:] = 5.0
    pop.pending_voice[:] = 3
    pop.stage[:10] = ACTIVE  # the backbone raise matters while waiting
    opp = np.ones((n, 4), bool)
    opp[:, 3] = False
    ev = participation.decide(p, pop, np.full((n, 4), 10.0), opp, np.zeros((n, 4)))
    assert not ev[:, ACT].any() and not ev[:, 3].any()
    assert ev[:10, VOICE].all() and not ev[10:, VOICE].any()


def test_utility_moves_with_its_drivers(world):
    p, pop = world
    z = np.zeros(pop.n)
    shift = np.zeros(4)
    extra = np.zeros((pop.n, 4))
    base = participation.utilities(p, pop, z, z, z, shift, extra)
    pop.trust_rc += 0.1
    more = participation.utilities(p, pop, z, z, z, shift, extra)
    assert np.allclose(more - base, p.beta_trust * 0.1)
    sal = participation.utilities(p, pop, z, z, np.ones(pop.n), shift, extra)
    assert np.allclose(sal[:, VOICE] - more[:, VOICE], p.beta_salience)
    assert np.allclose(sal[:, ACT], more[:, ACT])
    # deeper channels cost more and start lower (003 例6 Q23)
    assert np.all(base[:, 2] < base[:, ACT]) and np.all(base[:, 3] < base[:, ACT])


def test_less_free_time_costs_more_utility(world):
    """The time cost of a channel is its hours over the resident's free time (MODEL.md §3.3), so the employed
    middle-aged, with the least free time (MODEL.md §2), pay the most."""
    p, pop = world
    z, shift, extra = np.zeros(pop.n), np.zeros(4), np.zeros((pop.n, 4))
    tight = participation.utilities(p, pop, z, z, z, shift, extra)
    mid = (pop.employment == EMPLOYED) & (pop.age == MIDDLE)
    assert mid.any() and (~mid).any()
    pop.time_budget = np.where(mid, p.time_budget_employed, pop.time_budget)  # as much time as the young
    loose = participation.utilities(p, pop, z, z, z, shift, extra)
    hours = np.array([p.hours_activity, p.hours_voice, p.hours_deliberation, p.hours_coproduction])
    gain = p.beta_cost * hours * (1 / p.time_budget_employed_middle - 1 / p.time_budget_employed)
    assert np.allclose(loose[mid] - tight[mid], gain) and np.all(gain > 0)
    assert np.array_equal(loose[~mid], tight[~mid])


def test_busy_middle_aged_take_part_less_than_with_more_time():
    """Direction, on paired seeds: giving the employed middle-aged more free time draws more of the middle-aged
    into activities, and more often, and leaves the young where they were."""
    from cgsim import CommunityModel
    for seed in (1, 2):
        y = {}
        for hours in (3.0, 8.0):
            m = CommunityModel(preset="mianyang_2019", rng=seed, weeks=52, n_households=1000,
                               time_budget_employed_middle=hours)
            m.run()
            y[hours] = m.yearly_frame().set_index("group")
        fewer_never = y[3.0].loc["middle", "never_joined_activity"] - y[8.0].loc["middle", "never_joined_activity"]
        assert fewer_never > 0.015
        assert y[8.0].loc["middle", "events_per_resident"] > y[3.0].loc["middle", "events_per_resident"] + 0.1
        assert abs(y[8.0].loc["youth", "never_joined_activity"] - y[3.0].loc["youth", "never_joined_activity"]) \
            < 0.5 * fewer_never


def test_venue_capacity_thins_to_the_seats():
    venue = np.repeat([0, 1], 500)
    events = np.ones(1000, bool)
    kept = participation.cap_by_venue(events, venue, np.array([100.0, 1000.0]),
                                      np.random.default_rng(1).random(1000))
    assert abs(kept[:500].sum() - 100) < 30 and kept[500:].all()


def test_outreach_contacts_whole_households_at_the_right_rate():
    household = np.repeat(np.arange(1000), 2)
    u = np.random.default_rng(2).random(1000)
    hit = outreach.household_contacts(100, 1000, household, u)
    assert np.array_equal(hit[0::2], hit[1::2])
    assert 60 < hit[0::2].sum() < 140
    assert not outreach.household_contacts(0, 1000, household, u).any()


def test_peer_asks_and_word_of_mouth_need_a_tie():
    net = SocialNetwork(3, np.array([0]), np.array([1]), np.array([1], np.int8))
    askers = np.array([True, False, False])
    asked = outreach.peer_asks(net, askers, 1.0, np.zeros(3) + 0.5)
    assert asked.tolist() == [False, True, False]


def test_peer_asks_reach_the_documented_number_of_neighbours():
    """party_outreach is contacts per asker-week: a member with 10 ties asking 2 a week reaches 2 on average."""
    hub = np.zeros(10, np.int64)
    net = SocialNetwork(11, hub, np.arange(1, 11), np.ones(10, np.int8))
    askers = np.zeros(11, bool)
    askers[0] = True
    g = np.random.default_rng(5)
    asked = [outreach.peer_asks(net, askers, 2.0, g.random(11).astype(np.float32))[1:].sum() for _ in range(2000)]
    assert abs(np.mean(asked) - 2.0) < 0.1
    assert not outreach.peer_asks(net, askers, 2.0, np.zeros(11))[0]  # nobody asks the asker


def test_issues_arise_route_settle_and_escalate():
    p = ModelParams(issue_rate=0.5, escalate_weeks=2, escalate_salience=0.0, petition_rate=1.0)
    book = iss.IssueBook(10, 2, np.arange(10) // 5)
    routing = iss.default_routing(firm_present=False)
    g = np.random.default_rng(3)
    k = book.arise(p, 0, g, routing)
    s = Streams(3)
    assert k == book.n == book.open_count() > 0
    assert np.all(book.resolver[: book.n] == iss.RC)  # no firm: everything lands on the committee
    none = np.zeros(iss.N_RESOLVERS)
    book.settle(p, 0, s, none, np.ones(2), 0.0)
    assert book.resolved_week == 0
    book.settle(p, 3, s, none, np.ones(2), 0.0)
    assert book.disputes_open() == book.open_count() and book.petitions_week > 0
    book.settle(p, 4, s, np.ones(iss.N_RESOLVERS), np.ones(2), 0.0)
    assert book.open_count() == 0 and book.resolved_total == k


def test_trusted_committee_means_fewer_petitions():
    p = ModelParams(issue_rate=2.0, escalate_weeks=1, escalate_salience=0.0, petition_rate=0.5)
    counts = []
    for distrust in (1.0, 0.1):
        book = iss.IssueBook(20, 1, np.zeros(20, int))
        g = np.random.default_rng(4)
        book.arise(p, 0, g, iss.default_routing(True))
        total = 0
        for w in range(1, 20):
            book.settle(p, w, Streams(4), np.zeros(iss.N_RESOLVERS), np.array([distrust]), 0.0)
            total += book.petitions_week
        counts.append(total)
    assert counts[1] < counts[0] / 3  # 003 例2: prior trust, few petitions


def test_exposure_picks_the_most_salient_open_issue():
    book = iss.IssueBook(2, 1, np.zeros(2, int))
    p = ModelParams(issue_rate=2.0)
    book.arise(p, 0, np.random.default_rng(5), iss.default_routing(True))
    sal, target = book.exposure(np.array([0, 1]), np.array([0, 0]))
    for b in (0, 1):
        ids = np.flatnonzero(((book.building[: book.n] == b) & ~book.estate_wide[: book.n]) | book.estate_wide[: book.n])
        assert sal[b] == pytest.approx(book.salience[ids].max())
        assert book.salience[target[b]] == pytest.approx(sal[b])


def test_negative_experiences_weigh_more(world):
    p, pop = world
    net = SocialNetwork(pop.n, np.array([0]), np.array([1]), np.array([1], np.int8))
    pop.trust_rc[:] = 0.5
    pop.efficacy[:] = 0.5
    n = pop.n
    good = np.zeros(n, bool)
    good[: n // 2] = True
    bad = ~good
    zero = np.zeros(n, bool)
    p = p.model_copy(update={"attitude_drift": 0.0})  # isolate the experience itself
    learning.update_attitudes(p, pop, net, answered=good, ignored=bad, settled_touch=zero, dispute_touch=zero,
                              attended=zero, rc_contact=np.zeros(n, bool), admin_share=0.8,
                              service=np.full(n, 0.5))
    gain = pop.trust_rc[: n // 2].mean() - 0.5
    loss = 0.5 - pop.trust_rc[n // 2:].mean()
    assert loss == pytest.approx(p.negativity_bias * gain)
    assert np.all((pop.trust_rc >= 0) & (pop.trust_rc <= 1))


def test_admin_perception_follows_what_contacted_residents_see(world):
    p, pop = world
    net = SocialNetwork(pop.n, np.array([0]), np.array([1]), np.array([1], np.int8))
    pop.admin_perception[:] = 0.5
    pop.admin_bias[:] = 0.0
    contact = np.zeros(pop.n, bool)
    contact[::2] = True
    zero = np.zeros(pop.n, bool)
    learning.update_attitudes(p, pop, net, answered=zero, ignored=zero, settled_touch=zero, dispute_touch=zero,
                              attended=zero, rc_contact=contact, admin_share=0.9, service=np.full(pop.n, 0.5))
    assert pop.admin_perception[contact].mean() > pop.admin_perception[~contact].mean() > 0.5


def test_ladder_moves_up_when_asked_and_down_when_ignored(world):
    p, pop = world
    n = pop.n
    pop.aware[:] = True
    pop.stage[:] = WAIT
    base = np.zeros(n)
    asked = np.zeros(n, bool)
    asked[: n // 2] = True
    pop.asked[:] = asked
    u = np.random.default_rng(6).random((3, n))
    f = np.zeros(n, bool)
    learning.update_ladder(p.model_copy(update={"stage_up_base": -2.0}), pop, np.zeros(n), base, answered=f,
                           ignored=f, u_up=u[0], u_active=u[1], u_down=u[2])
    assert np.mean(pop.stage[asked] > WAIT) > 2 * np.mean(pop.stage[~asked] > WAIT)
    pop.stage[:] = ATTENTIVE
    pop.idle_weeks[:] = 0
    learning.update_ladder(p.model_copy(update={"stage_drop_ignored": 1.0, "stage_up_base": -15.0}), pop,
                           np.zeros(n), base, answered=f, ignored=np.ones(n, bool), u_up=u[0], u_active=u[1],
                           u_down=u[2])
    assert np.all(pop.stage == WAIT)


def test_capacity_stages_and_crowding_out():
    p = ModelParams()
    assert cap.stage_of(p, 0.1) == cap.DEPENDENT and cap.stage_of(p, 0.5) == cap.LEARNING
    assert cap.stage_of(p, 0.9) == cap.MATURE
    kw = dict(deep_rate=0.0, cultivation_hours=0.0, n_residents=1000, gov_intensity=0.5)
    assert cap.update(p, 0.5, admin_share=0.9, **kw) < cap.update(p, 0.5, admin_share=0.1, **kw)
    grow = dict(deep_rate=0.05, cultivation_hours=50.0, n_residents=1000, admin_share=0.1)
    # stage-matched logic (003 例1): at low C withdrawal hurts; at high C strong government crowds out
    assert cap.update(p, 0.1, gov_intensity=0.9, **grow) > cap.update(p, 0.1, gov_intensity=0.1, **grow)
    assert cap.update(p, 0.8, gov_intensity=0.1, **grow) > cap.update(p, 0.8, gov_intensity=0.9, **grow)
    assert cap.channel_shift(p, cap.DEPENDENT)[1] > 0 > cap.channel_shift(p, cap.DEPENDENT)[3]


def test_turnover_keeps_everyone_and_resets_newcomers(world):
    p, pop = world
    p = p.model_copy(update={"turnover_renter": 1.0, "turnover_owner": 1.0})
    pop.stage[:] = ACTIVE
    n_before = pop.n
    h = pop.household.max() + 1
    movers = turnover.move(p, pop, np.zeros(h), np.random.default_rng(7), turnover.household_move_rate(p, pop, h),
                           admin_share=0.2)
    assert movers.all() and pop.n == n_before == pop.stage.size
    assert np.all(pop.stage == WAIT) and np.all(pop.year_counts == 0)
    assert 0 < pop.aware.mean() < 0.6
    assert group_index(p, pop).shape == (n_before,)
    # newcomers see the committee as it works now (a share of 0.2 of its hours on administration), not the
    # load it started with (admin_load)
    assert np.allclose(pop.admin_perception, np.clip(0.2 + pop.admin_bias, 0, 1))
    assert abs(pop.admin_perception.mean() - 0.2) < abs(pop.admin_perception.mean() - p.admin_load)


def test_clip01_scalar_is_numpys_clip_bit_for_bit():
    import numpy as np

    from cgsim.dynamics.capacity import clip01_scalar

    vals = [0.0, -0.0, 1.0, -1e-300, 5e-324, 1.0000000001, -3.0, 3.0, float("nan"), float("inf"), float("-inf"),
            np.float64(0.25), np.float64(-0.5), *np.random.default_rng(0).normal(0.5, 1.0, 500).tolist()]
    for v in vals:
        b = clip01_scalar(v)
        assert type(b) is float
        assert np.float64(b).tobytes() == np.float64(float(np.clip(v, 0.0, 1.0))).tobytes()


def test_latest_collector_records_what_mesas_collector_records():
    import mesa

    from cgsim import CommunityModel
    from cgsim import metrics

    m = CommunityModel(preset="mianyang_2019", rng=2, weeks=6)
    ref = mesa.DataCollector(model_reporters=metrics.model_reporters())
    ref.collect(m)
    for _ in range(6):
        m.step()
        ref.collect(m)
    assert isinstance(m.datacollector, mesa.DataCollector)
    a, b = m.datacollector.get_model_vars_dataframe(), ref.get_model_vars_dataframe()
    assert a.equals(b) and list(a.columns) == list(b.columns)


def test_ties_form_per_attended_week_and_lapse_per_quiet_week():
    """Tie formation counts the weeks a resident attended (not just whether they did, times four), and a
    tie lapses by the weeks in which neither end took part."""
    from cgsim.network import NEIGHBOUR

    p = ModelParams(n_households=300)
    pop = build_population(p, build_hierarchy(p), Streams(3))
    venue = np.zeros(pop.n, np.int64)  # one venue: any two attendees can meet

    def new_ties(weeks_attended):
        net = SocialNetwork(pop.n, np.array([0]), np.array([1]), np.array([NEIGHBOUR], np.int8))
        att = np.zeros(pop.n, np.uint8)
        att[:200] = weeks_attended
        return learning.form_ties(net, pop, att, 0.1, np.random.default_rng(1), venue=venue)

    once, every_week = new_ties(1), new_ties(4)
    assert 0.5 * 200 * 0.1 < once < 1.5 * 200 * 0.1  # about rate x attendee-weeks
    assert 3 * once < every_week < 5 * once

    n = 4000
    src, dst = np.arange(n), np.arange(n, 2 * n)
    kinds = np.full(n, NEIGHBOUR, np.int8)
    u = np.random.default_rng(2).random(n)
    active = np.zeros(2 * n, np.uint8)

    def lapsed(bits_src, bits_dst, rate=0.2):
        net = SocialNetwork(2 * n, src, dst, kinds)
        active[:n], active[n:] = bits_src, bits_dst
        return learning.decay_ties(net, active, 4, rate, u)

    assert lapsed(0b1111, 0) == 0 == lapsed(0b0011, 0b1100)  # someone took part every week
    quiet4, quiet1 = lapsed(0, 0), lapsed(0b0111, 0)
    assert abs(quiet4 / n - (1 - 0.8 ** 4)) < 0.03 and abs(quiet1 / n - 0.2) < 0.03


def test_party_asks_make_residents_aware_like_any_contact():
    """MODEL.md §3.2: awareness rises for those contacted, whoever contacts them (Party members included)."""
    from cgsim import CommunityModel

    def unaware(outreach_rate):
        m = CommunityModel(preset="mianyang_2019", rng=5, weeks=52, n_households=400,
                           party_outreach=outreach_rate).run()
        y = m.yearly_frame()
        return float(y.loc[y.group == "all", "unaware_rc_office"].iloc[-1])

    assert unaware(3.0) < unaware(0.0) - 0.01


def test_settled_community_matters_raise_their_building_or_whole_estate():
    book = iss.IssueBook(6, 2, np.array([0, 0, 0, 1, 1, 1]))
    book.n = 3
    book.building[:3], book.estate[:3] = [1, 4, 2], [0, 1, 0]
    book.estate_wide[:3] = [False, True, False]
    book.kind[:3] = [iss.COMMUNITY, iss.COMMUNITY, iss.PROPERTY]
    book.coproducers[:3] = [0, 2, 0]
    gain = book.public_good_gain(np.array([0, 1, 2]))
    # building 1's own matter (0.02); estate 1's co-produced estate-wide matter (0.05) in all its buildings;
    # a property matter raises nothing
    assert gain.tolist() == [0.0, 0.02, 0.0, 0.05, 0.05, 0.05]
    # any amount per issue is spread the same way (a reward for an estate-wide project: every building of it)
    assert book.to_buildings(np.array([1, 2]), np.array([3.0, 1.0])).tolist() == [0.0, 0.0, 1.0, 3.0, 3.0, 3.0]


def test_an_ask_pulls_as_far_as_trust_goes_unless_weighted_off():
    """003 例2: an organiser nobody trusts mobilises nobody (ask_trust_weight 1); weight 0 is MODEL.md §3.3's
    reference form, the same pull beta_ask for everyone; at trust 0.5 both give beta_ask."""
    trust = np.array([0.0, 0.5, 1.0])
    on = participation.ask_pull(ModelParams(ask_trust_weight=1.0), 1.5, trust)
    off = participation.ask_pull(ModelParams(ask_trust_weight=0.0), 1.5, trust)
    assert on.tolist() == [0.0, 1.5, 3.0] and off.tolist() == [1.5, 1.5, 1.5]


def test_an_issue_settles_on_its_own_luck_whatever_else_is_open():
    """Common random numbers per issue: an issue's settle draw is keyed by its identity (week, building,
    origin, ordinal), so issues a plug-in opens (here an outside project's) neither change the identities of
    the issues that arise nor which of those settle (ODD §10 item 14)."""
    p = ModelParams(issue_rate=1.5)
    routing = iss.default_routing(firm_present=True)
    books = []
    for shock in (False, True):
        book = iss.IssueBook(30, 3, np.arange(30) // 10)
        if shock:  # a plug-in's issues first, so that the arising ones come after them in the book
            book.add(np.arange(10), np.full(10, iss.PUBLIC), np.full(10, 0.9), np.zeros(10, bool), 0, routing,
                     origin="external_shock")
        book.arise(p, 0, np.random.default_rng(8), routing)
        books.append(book)
    base, shocked = books
    n = base.n
    assert shocked.n == n + 10
    assert np.array_equal(shocked.uid[10: shocked.n], base.uid[:n])  # same identities, other positions
    assert np.unique(shocked.uid[: shocked.n]).size == shocked.n  # none shared with the plug-in's
    rate = np.full(iss.N_RESOLVERS, 0.4)
    for book in books:
        book.settle(p, 1, Streams(2), rate, np.ones(3), 0.0)
    assert 0 < np.count_nonzero(base.status[:n] == iss.SETTLED) < n
    assert np.array_equal(shocked.status[10: shocked.n], base.status[:n])
    # a second batch from the same origin in the same building and week is told apart by its ordinal
    again = iss.IssueBook(2, 1, np.zeros(2, int))
    a = again.add(np.array([0, 0]), np.zeros(2), np.ones(2), np.zeros(2, bool), 5, routing, origin="x")
    b = again.add(np.array([0]), np.zeros(1), np.ones(1), np.zeros(1, bool), 5, routing, origin="x")
    assert np.unique(again.uid[np.concatenate([a, b])]).size == 3
    # buildings in any order: each issue's ordinal counts the earlier ones of its building and origin
    c = again.add(np.array([1, 0, 1]), np.zeros(3), np.ones(3), np.zeros(3, bool), 5, routing, origin="x")
    d = iss.IssueBook(2, 1, np.zeros(2, int))
    d.add(np.array([0, 0, 0, 0, 1, 1]), np.zeros(6), np.ones(6), np.zeros(6, bool), 5, routing, origin="x")
    assert np.array_equal(np.sort(again.uid[np.concatenate([a, b, c])]), np.sort(d.uid[:6]))
    with pytest.raises(ValueError, match="current week"):  # an issue cannot be opened in a past week
        again.add(np.array([0]), np.zeros(1), np.ones(1), np.zeros(1, bool), 4, routing, origin="x")


def test_the_model_keys_settle_and_lapse_draws_by_identity(monkeypatch):
    """Wiring: the model draws settling by the open issues' uids and lapses by the ties' keys."""
    from tests.conftest import small_model

    m = small_model(rng=5, weeks=8)
    calls = {}
    real = m.streams.keyed_uniform

    def spy(name, week, keys, per_key=None):
        if name == "settle":
            calls.setdefault(name, []).append(np.array_equal(keys, m.issues.uid[m.issues.open_mask.nonzero()[0]]))
        if name == "ties:decay":
            calls.setdefault(name, []).append(np.array_equal(keys, m.network.tie_keys()))
        return real(name, week, keys, per_key)

    monkeypatch.setattr(m.streams, "keyed_uniform", spy)
    m.run()
    assert calls["settle"] and all(calls["settle"]) and calls["ties:decay"] and all(calls["ties:decay"])


def test_a_ties_lapse_follows_the_tie_not_its_position():
    """A tie's lapse draw is keyed by its two ends: cutting another tie first changes nothing for it."""
    from cgsim.network import NEIGHBOUR

    n = 3000
    src, dst = np.arange(n), np.arange(n, 2 * n)
    kinds = np.full(n, NEIGHBOUR, np.int8)
    quiet = np.zeros(2 * n, np.uint8)
    s = Streams(5)

    def survivors(net):
        learning.decay_ties(net, quiet, 4, 0.2, s.keyed_uniform("ties:decay", 7, net.tie_keys()))
        return set(zip(net.src.tolist(), net.dst.tolist()))

    full = survivors(SocialNetwork(2 * n, src, dst, kinds))
    cut = survivors(SocialNetwork(2 * n, src[1:], dst[1:], kinds[1:]))  # the first tie gone beforehand
    assert 0 < len(full) < n and cut == full - {(0, n)}
