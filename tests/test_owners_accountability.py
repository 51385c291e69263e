"""Owners' committees are held to account (001 M28; notes §5.4 item 17): misconduct that comes to light makes the
owners recall their committee and costs them efficacy and trust in neighbours; a supervisory committee (监委会,
3-7 standing members) prevents much of it (``CommunityModel._owners_hold_to_account``)."""

import numpy as np
import pytest

from cgsim import CommunityModel
from cgsim.actors.firm import OwnersCommittee

#: estates whose owners form committees readily, and a misconduct rate high enough to see within two years
ORGANISED = dict(preset="resettlement_community", n_households=700, weeks=104, oc_threshold=0.02,
                 oc_misconduct_rate=0.1)


def _committee(formed=True):
    m = CommunityModel(preset="commodity_estate", n_households=150, weeks=4, burn_in_weeks=0, rng=1,
                       build_space=False)
    o = OwnersCommittee(m, 0)
    o.formed = formed
    return m, o


def test_supervisory_committee_has_three_to_seven_standing_members():
    m, o = _committee()
    for mobilised, seats in ((0, 0), (2, 0), (3, 3), (5, 5), (40, 7)):
        o.elect_supervisors(mobilised)
        assert o.supervisors == seats
    m, o = _committee(formed=False)
    o.elect_supervisors(40)
    assert o.supervisors == 0  # no owners' committee, nothing to supervise


def test_misconduct_chance_and_recall():
    m, o = _committee()
    p = m.params.model_copy(update={"oc_misconduct_rate": 0.1, "supervision_effect": 0.7})
    assert o.misconduct_chance(p) == pytest.approx(0.1)
    o.elect_supervisors(5)
    assert o.misconduct_chance(p) == pytest.approx(0.03)
    o.recall(12)
    assert not o.formed and o.supervisors == 0 and o.recalls == 1 and o.recalled_week == 12
    assert o.try_form(m.params, 16, 1.0, 0.0, 0.0) and o.formed  # the owners may elect a new one


def test_a_recalled_committee_is_gone_for_the_month_and_its_bargaining_with_it():
    """In the model the monthly step forms committees before misconduct is drawn: a committee recalled this
    month stays recalled until next month's check, and its estate loses the committee's bargaining at once."""
    m = CommunityModel(rng=5, build_space=False, **{**ORGANISED, "oc_threshold": 0.0})
    while m.week % 4:
        m.step()
    formed = [o for o in m.owners_committees if o.formed]
    assert formed  # a zero threshold: every estate with owners has one
    o = formed[0]
    o.misconduct_chance = lambda p: 1.0
    service_before = m.firm.service_level(np.array([c.formed for c in m.owners_committees], float))[o.estate]
    m.step()
    assert not o.formed and o.recalled_week == m.week - 1 and o.recalls == 1
    service_after = m.firm.service_level(np.array([c.formed for c in m.owners_committees], float))[o.estate]
    assert service_after < service_before
    for _ in range(3):
        m.step()
        assert not o.formed
    del o.misconduct_chance
    m.step()  # next month's check: the owners, as mobilised as ever with no threshold, elect a new one
    assert o.formed and o.recalls == 1


def test_burn_in_recalls_are_not_counted_in_year_zero():
    m = CommunityModel(rng=1, **{**ORGANISED, "weeks": 52, "oc_misconduct_rate": 0.2})
    assert all(o.recalls == 0 for o in m.owners_committees)  # the burn-in's are forgotten
    assert any(o.recalled_week is not None and o.recalled_week < 0 for o in m.owners_committees)  # there were
    m.run()
    y = m.yearly_frame()
    assert y.loc[y.group == "all", "oc_recalls"].sum() == sum(o.recalls for o in m.owners_committees) > 0


def test_recall_costs_the_estates_owners_efficacy_and_neighbour_trust():
    m = CommunityModel(rng=3, build_space=False, **{**ORGANISED, "oc_misconduct_harm": 0.25})
    pop = m.population
    for o in m.owners_committees:
        o.formed, o.formed_week = o.estate in (0, 1), -4
    m.owners_committees[0].misconduct_chance = lambda p: 1.0   # misconduct comes to light in estate 0
    m.owners_committees[1].misconduct_chance = lambda p: 0.0   # not in estate 1
    owners = ~pop.renter
    eff, tg = pop.efficacy.copy(), pop.trust_gen.copy()
    n_mob = np.full(m.hierarchy.n_estates, 10)
    m._owners_hold_to_account(owners, n_mob)
    assert not m.owners_committees[0].formed and m.owners_committees[1].formed
    hit = owners & (pop.estate == 0)
    assert hit.any() and (~hit & (pop.estate == 0)).any()  # the estate has renters too
    np.testing.assert_allclose(pop.efficacy[hit], 0.75 * eff[hit])
    np.testing.assert_allclose(pop.trust_gen[hit], 0.75 * tg[hit])
    assert np.array_equal(pop.efficacy[~hit], eff[~hit]) and np.array_equal(pop.trust_gen[~hit], tg[~hit])
    # a committee formed this very week is not yet accountable for anything
    fresh = m.owners_committees[1]
    fresh.formed_week, fresh.misconduct_chance = m.week, lambda p: 1.0
    m._owners_hold_to_account(owners, n_mob)
    assert fresh.formed


@pytest.mark.parametrize("seed", [1, 2])
def test_supervisory_committee_prevents_recalls(seed):
    """Direction (001 M28): on paired seeds, owners who elect supervisory committees recall their committees
    less often and keep them standing for more of the time."""
    plain = CommunityModel(rng=seed, **ORGANISED).run()
    watched = CommunityModel(rng=seed, oc_supervisory_committee=True, **ORGANISED).run()
    yp, yw = (m.yearly_frame() for m in (plain, watched))
    yp, yw = yp[yp.group == "all"], yw[yw.group == "all"]
    wp, ww = (m.weekly_frame() for m in (plain, watched))
    wp, ww = wp[wp.group == "all"], ww[ww.group == "all"]
    assert yp.oc_recalls.sum() == sum(o.recalls for o in plain.owners_committees) > 0
    assert yw.oc_recalls.sum() < yp.oc_recalls.sum()
    assert ww.owners_committees.mean() > wp.owners_committees.mean()
    assert (ww.supervisory_committees > 0).any() and (wp.supervisory_committees == 0).all()
    assert (ww.supervisory_committees <= ww.owners_committees).all()


def test_supervision_acts_only_through_misconduct():
    """With no misconduct to prevent, electing supervisory committees changes nothing but their own count."""
    kw = {**ORGANISED, "oc_misconduct_rate": 0.0, "weeks": 52}
    a = CommunityModel(rng=4, **kw).run().weekly_frame()
    b = CommunityModel(rng=4, oc_supervisory_committee=True, **kw).run().weekly_frame()
    assert (b.supervisory_committees > 0).any()
    cols = [c for c in a.columns if c != "supervisory_committees"]
    assert a[cols].equals(b[cols])
