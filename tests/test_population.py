import numpy as np

from cgsim.params import ModelParams
from cgsim.population import (ELDERLY, EMPLOYED, MIDDLE, PARTY_FLOATING, PARTY_RETIRED, RETIRED, WAIT, YOUTH,
                              build_hierarchy, build_population, group_index, initial_stages)
from cgsim.rng import Streams


def test_demographics_follow_parameters():
    p = ModelParams(n_households=3000, share_elderly=0.4, migrant_share=0.3, party_share=0.1)
    pop = build_population(p, build_hierarchy(p), Streams(1))
    assert abs(np.mean(pop.age == ELDERLY) - 0.4) < 0.03
    assert abs(np.mean(pop.migrant) - 0.3) < 0.03
    assert np.all(pop.employment[pop.age == ELDERLY] == RETIRED)
    assert np.all(pop.employment[pop.party == PARTY_RETIRED] == RETIRED)
    assert not np.any(pop.party[~pop.migrant] == PARTY_FLOATING)
    # households share dwelling attributes
    for arr in (pop.migrant, pop.renter, pop.building):
        first = np.zeros(pop.household.max() + 1, arr.dtype)
        first[pop.household] = arr
        assert np.array_equal(first[pop.household], arr)


def test_time_budget_lowest_for_employed_middle_aged():
    """MODEL.md §2: free time by employment and age, the employed middle-aged having the least."""
    p = ModelParams(n_households=2000, time_budget_employed=4.5, time_budget_employed_middle=2.5,
                    time_budget_free=12.0)
    pop = build_population(p, build_hierarchy(p), Streams(3))
    employed = pop.employment == EMPLOYED
    mid = employed & (pop.age == MIDDLE)
    young = employed & (pop.age == YOUTH)
    assert mid.any() and young.any() and (~employed).any()
    assert np.all(pop.time_budget[mid] == 2.5)
    assert np.all(pop.time_budget[young] == 4.5)
    assert np.all(pop.time_budget[~employed] == 12.0)
    # with the defaults too, nobody has less free time than the employed middle-aged
    d = ModelParams(n_households=500)
    pop = build_population(d, build_hierarchy(d), Streams(3))
    mid = (pop.employment == EMPLOYED) & (pop.age == MIDDLE)
    assert pop.time_budget[mid].max() < pop.time_budget[~mid].min()


def test_unaware_residents_start_waiting():
    p = ModelParams(n_households=1000)
    pop = build_population(p, build_hierarchy(p), Streams(2))
    initial_stages(p, pop, group_index(p, pop), Streams(2))
    assert np.all(pop.stage[~pop.aware] == WAIT)
    assert 0 < np.mean(pop.stage > WAIT) < 1


def test_hierarchy_nests():
    p = ModelParams(n_households=500, households_per_building=40, buildings_per_estate=3)
    h = build_hierarchy(p)
    assert h.n_buildings == 13 and h.n_estates == 5
    assert np.all(np.diff(h.hh_building) >= 0) and np.all(h.hh_estate == h.hh_building // 3)
