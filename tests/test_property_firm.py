"""The owners' committee chooses the property firm (001 M8, M17-M19, M28): where owners distrust the firm
their committee replaces it; the new firm serves better and its staff get to know residents over time
(003 例10). Trust in the firm thereby feeds a decision (``CommunityModel._owners_choose_firm``)."""

import numpy as np
import pytest

from cgsim import CommunityModel

#: a poor firm (distrusted once residents have felt its service) and owners who organise readily
POOR = dict(preset="commodity_estate", n_households=600, weeks=104, firm_quality=0.1, oc_threshold=0.02)


def test_replace_and_settle_in():
    m = CommunityModel(preset="commodity_estate", n_households=900, rng=1, build_space=False)
    firm = m.firm
    assert firm.replaced.size >= 2 and firm.replacements == 0
    oc = np.zeros(firm.replaced.size)
    before = firm.service_level(oc).copy()
    firm.replace(1, 0.2)
    after = firm.service_level(oc)
    assert after[1] == pytest.approx(min(1.0, firm.quality + 0.2)) and after[1] > before[1]
    assert np.array_equal(np.delete(after, 1), np.delete(before, 1))
    emb = firm.embeddedness_by_estate()
    assert emb[1] == 0.0 and np.all(np.delete(emb, 1) == firm.embeddedness)
    for _ in range(52):
        firm.settle_in(0.05)
    e1 = firm.embeddedness_by_estate()[1]
    assert 0.0 < e1 < firm.embeddedness  # staff get to know residents, gradually
    # the base rate stays the incumbent's, also in a community of one estate
    assert firm.incumbent_rate() == pytest.approx(0.15 * (1 + firm.embeddedness) * firm.quality)
    rates = firm.fix_rate(oc)
    assert rates[0] == pytest.approx(firm.incumbent_rate()) and rates[1] != rates[0]
    # a policy that embeds the firm's staff (red property) reaches the owners' chosen firm too, in proportion
    e0, firm.embeddedness = firm.embeddedness, 0.6
    assert firm.embeddedness_by_estate()[1] == pytest.approx(0.6 * e1 / e0)
    one = CommunityModel(preset="commodity_estate", n_households=200, buildings_per_estate=200, rng=1,
                         build_space=False)
    assert one.firm.replaced.size == 1
    one.firm.replace(0, 0.3)
    assert one.firm.incumbent_rate() == pytest.approx(0.15 * (1 + one.firm.embeddedness) * one.firm.quality)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_distrusted_firm_is_replaced_and_trust_recovers(seed):
    """Paired seeds: with replacement possible, owners' committees replace a poor firm and residents end up
    trusting the firm and rating their services more than where owners cannot replace it."""
    keep = CommunityModel(rng=seed, oc_replace_rate=0.0, **POOR).run()
    swap = CommunityModel(rng=seed, oc_replace_rate=0.5, **POOR).run()
    yk, ys = keep.yearly_frame(), swap.yearly_frame()
    yk, ys = yk[yk.group == "all"].iloc[-1], ys[ys.group == "all"].iloc[-1]
    assert yk.firms_replaced == 0 and ys.firms_replaced > 0
    assert ys.trust_firm > yk.trust_firm
    assert ys.satisfaction > yk.satisfaction


def test_no_replacement_without_an_owners_committee_or_distrust():
    no_oc = CommunityModel(rng=1, **{**POOR, "oc_threshold": 1.0, "oc_replace_rate": 1.0}).run()
    assert not any(o.formed for o in no_oc.owners_committees)
    assert no_oc.firm.replacements == 0
    trusted = CommunityModel(rng=1, **{**POOR, "firm_quality": 0.8, "oc_replace_rate": 1.0}).run()
    assert any(o.formed for o in trusted.owners_committees)
    assert trusted.firm.replacements == 0


def test_replacement_resets_trust_to_disposition():
    """Owners whose committee distrusts the firm replace it; residents of that estate start trusting the new
    firm from their disposition, and other estates keep theirs."""
    m = CommunityModel(rng=2, build_space=False, **{**POOR, "firm_quality": 0.5, "oc_replace_rate": 1.0})
    pop = m.population
    for o in m.owners_committees:
        o.formed = o.estate == 0
    owners = ~pop.renter
    n_owners = np.bincount(pop.estate[owners], minlength=m.hierarchy.n_estates)
    pop.trust_firm[pop.estate == 0] = 0.1   # estate 0 distrusts the firm
    pop.trust_firm[pop.estate != 0] = 0.1
    before = pop.trust_firm.copy()
    m._owners_choose_firm(owners, n_owners)
    assert list(np.flatnonzero(m.firm.replaced)) == [0]  # only where a committee exists
    here = pop.estate == 0
    assert np.array_equal(pop.trust_firm[here], pop.trust_firm_anchor[here])
    assert np.array_equal(pop.trust_firm[~here], before[~here])
    m.firm.replaced[:] = False
    m.firm.replacements = 0
    pop.trust_firm[:] = 0.6  # trusted: nothing happens
    m._owners_choose_firm(owners, n_owners)
    assert m.firm.replacements == 0
