"""Residents: columnar state arrays plus thin ``mesa.Agent`` views onto them.

The population is a set of numpy arrays indexed by resident id (0..n-1);
weekly processes act on whole arrays (``cgsim.dynamics``). ``Resident`` is a
real Mesa agent placed on the network cell of its id; its attributes read and
write its slot, so Mesa tools (AgentSet queries, DataCollector, SolaraViz)
see the same state as the vectorised processes.

Attributes and their sources are listed in MODEL.md §2 (residents); the
community hierarchy community → estate → building → unit → household is
`003 例7` (five-level network).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np
from mesa.discrete_space import FixedAgent

from .params import ModelParams
from .rng import Streams

# codes
YOUTH, MIDDLE, ELDERLY = 0, 1, 2
EMPLOYED, RETIRED, UNEMPLOYED = 0, 1, 2
NO_PARTY, PARTY_RETIRED, PARTY_INSERVICE, PARTY_FLOATING = 0, 1, 2, 3
WAIT, ATTENTIVE, ACTIVE = 0, 1, 2  # participation ladder 观望 / 关注 / 主动参与 (000)
CHANNELS = ("activity", "voice", "deliberation", "coproduction")
ACT, VOICE, DELIB, COPROD = range(4)

AGE_LABELS = ("youth", "middle", "elderly")
PARTY_LABELS = ("none", "retired", "in_service", "floating")
STAGE_LABELS = ("wait_and_see", "attentive", "active")


def clip01(x: np.ndarray) -> np.ndarray:
    """Clip to [0, 1] in place (two ufunc calls: cheaper than ``np.clip``'s wrapper on small arrays)."""
    np.maximum(x, 0.0, out=x)
    return np.minimum(x, 1.0, out=x)


@dataclass
class Hierarchy:
    """Where each household lives: unit, building, estate, grid (``003 例7``)."""

    n_households: int
    hh_unit: np.ndarray
    hh_building: np.ndarray
    hh_estate: np.ndarray
    hh_grid: np.ndarray
    n_units: int
    n_buildings: int
    n_estates: int
    n_grids: int


def build_hierarchy(p: ModelParams) -> Hierarchy:
    h = p.n_households
    hh = np.arange(h)
    building = hh // p.households_per_building
    unit = building * p.units_per_building + (hh % p.households_per_building) * p.units_per_building // \
        p.households_per_building
    estate = building // p.buildings_per_estate
    grid = hh // p.households_per_grid
    unit = np.unique(unit, return_inverse=True)[1]  # dense ids (small last buildings have fewer units)
    return Hierarchy(h, unit, building, estate, grid, int(unit.max()) + 1, int(building.max()) + 1,
                     int(estate.max()) + 1, int(grid.max()) + 1)


@dataclass
class Population:
    """Resident state as columns. Every array has length ``n`` (adult residents)."""

    n: int
    household: np.ndarray
    unit: np.ndarray
    building: np.ndarray
    estate: np.ndarray
    grid: np.ndarray
    age: np.ndarray
    employment: np.ndarray
    migrant: np.ndarray
    renter: np.ndarray
    low_income: np.ndarray
    party: np.ndarray
    prosocial: np.ndarray
    admin_bias: np.ndarray
    time_budget: np.ndarray
    # dynamic state
    aware: np.ndarray
    trust_gen: np.ndarray
    trust_rc: np.ndarray
    trust_firm: np.ndarray     # trust in the property firm (kept where there is none, but not reported)
    efficacy: np.ndarray
    satisfaction: np.ndarray
    belonging: np.ndarray
    admin_perception: np.ndarray
    stage: np.ndarray
    # (n, channels) arrays are stored channel-major (Fortran order): indexing is as usual, but a channel's
    # column is contiguous, so whole-population updates run over long rows instead of rows of four
    habit: np.ndarray          # (n, 4)
    recovery: np.ndarray       # (n, 2) weeks until the activity / voice channel is open again
    pending_voice: np.ndarray  # weeks waited for an answer (-1 = nothing pending)
    last_voiced: np.ndarray    # id of the issue last raised (-1 none): each matter is raised once
    asked: np.ndarray          # asked to take part this week
    idle_weeks: np.ndarray     # weeks since last event
    year_counts: np.ndarray    # (n, 4) events in the current year
    week_events: np.ndarray    # (n, 4) bool, events this week
    trust_gen_anchor: np.ndarray = field(default=None)  # long-run level each resident drifts to
    trust_rc_anchor: np.ndarray = field(default=None)   # dispositional trust in the committee
    efficacy_anchor: np.ndarray = field(default=None)   # dispositional efficacy
    trust_firm_anchor: np.ndarray = field(default=None)  # dispositional trust in the property firm
    group: np.ndarray = field(default=None)  # id of the resident self-organisation one belongs to (-1 none)

    @property
    def engaged(self) -> np.ndarray:
        return self.stage > WAIT


def _draw_attitude(g: np.random.Generator, n: int, mean: float, sd: float) -> np.ndarray:
    return clip01(g.normal(mean, sd, n))


def build_population(p: ModelParams, hier: Hierarchy, streams: Streams) -> Population:
    """Draw residents from the neighbourhood's demographic parameters (vectorised)."""
    g = streams.gen("population")
    h = hier.n_households
    size = np.minimum(1 + g.poisson(max(p.adults_per_household - 1.0, 0.0), h), 5)
    household = np.repeat(np.arange(h), size)
    n = household.size
    hh_migrant = g.random(h) < p.migrant_share
    hh_renter = np.where(hh_migrant, g.random(h) < p.renter_share_migrant, g.random(h) < p.renter_share_local)
    hh_low = g.random(h) < p.low_income_share
    u = g.random(n)
    age = np.where(u < p.share_youth, YOUTH, np.where(u < p.share_youth + p.share_elderly, ELDERLY, MIDDLE))
    age = age.astype(np.int8)
    u = g.random(n)
    employment = np.full(n, EMPLOYED, np.int8)
    employment[age == ELDERLY] = RETIRED
    employment[(age == YOUTH) & (u < p.youth_unemployed)] = UNEMPLOYED
    mid = age == MIDDLE
    employment[mid & (u < p.middle_unemployed)] = UNEMPLOYED
    employment[mid & (u >= p.middle_unemployed) & (u < p.middle_unemployed + p.middle_retired)] = RETIRED
    migrant = hh_migrant[household]
    u = g.random(n)
    member = u < p.party_share
    party = np.zeros(n, np.int8)
    party[member] = np.where(employment[member] == RETIRED, PARTY_RETIRED, PARTY_INSERVICE)
    floating = member & migrant & (g.random(n) < p.floating_party_share)
    party[floating] = PARTY_FLOATING
    prosocial = g.normal(0.0, p.prosocial_sd, n)
    # the employed middle-aged have the least free time (MODEL.md §2); retired and unemployed residents the most
    time_budget = np.where(employment == EMPLOYED,
                           np.where(age == MIDDLE, p.time_budget_employed_middle, p.time_budget_employed),
                           p.time_budget_free)

    trust_gen = _draw_attitude(g, n, p.trust_gen_mean, p.trust_gen_sd)
    trust_rc = _draw_attitude(g, n, p.trust_rc_mean, p.attitude_sd)
    efficacy = _draw_attitude(g, n, p.efficacy_mean, p.attitude_sd)
    belonging = _draw_attitude(g, n, p.belonging_mean, p.attitude_sd)
    satisfaction = _draw_attitude(g, n, 0.5, p.attitude_sd)
    admin_bias = g.normal(0.0, p.admin_perception_bias_sd, n)
    admin_perception = clip01(p.admin_load + admin_bias)
    aware = g.random(n) < p.awareness_init
    trust_firm = _draw_attitude(g, n, p.trust_firm_mean, p.attitude_sd)  # drawn last: earlier draws stay as they were

    pop = Population(
        n=n, household=household, unit=hier.hh_unit[household], building=hier.hh_building[household],
        estate=hier.hh_estate[household], grid=hier.hh_grid[household], age=age, employment=employment,
        migrant=migrant, renter=hh_renter[household], low_income=hh_low[household], party=party,
        prosocial=prosocial, admin_bias=admin_bias, time_budget=time_budget, aware=aware, trust_gen=trust_gen,
        trust_rc=trust_rc, trust_firm=trust_firm, efficacy=efficacy, satisfaction=satisfaction, belonging=belonging,
        admin_perception=admin_perception, stage=np.zeros(n, np.int8), habit=np.zeros((n, 4), order="F"),
        recovery=np.zeros((n, 2), order="F"), pending_voice=np.full(n, -1, np.int16),
        last_voiced=np.full(n, -1, np.int64), asked=np.zeros(n, bool),
        idle_weeks=np.zeros(n, np.int16), year_counts=np.zeros((n, 4), np.int16, order="F"),
        week_events=np.zeros((n, 4), bool, order="F"), trust_gen_anchor=trust_gen.copy(),
        trust_rc_anchor=trust_rc.copy(), efficacy_anchor=efficacy.copy(), trust_firm_anchor=trust_firm.copy(),
        group=np.full(n, -1, np.int32),
    )
    return pop


def group_index(p: ModelParams, pop: Population) -> np.ndarray:
    """Time-invariant part of the participation utility: the group terms of MODEL.md §3.3."""
    return (p.beta_elderly * (pop.age == ELDERLY) + p.beta_youth * (pop.age == YOUTH)
            + p.beta_unemployed * (pop.employment == UNEMPLOYED) + p.beta_low_income * pop.low_income
            + p.beta_party_retired * (pop.party == PARTY_RETIRED)
            + p.beta_party_inservice * (pop.party == PARTY_INSERVICE)
            + p.beta_migrant * pop.migrant + p.beta_renter * pop.renter + p.beta_prosocial * pop.prosocial)


def initial_stages(p: ModelParams, pop: Population, base: np.ndarray, streams: Streams) -> None:
    """Place residents on the ladder at start: unaware residents wait and see (001 Table 1, 3)."""
    g = streams.gen("initial_stage")
    u1, u2 = g.random(pop.n), g.random(pop.n)
    z = base + p.beta_trust * pop.trust_rc + p.beta_efficacy * pop.efficacy
    attentive = pop.aware & (u1 < 1 / (1 + np.exp(-(p.stage_init_attentive + z))))
    active = attentive & (u2 < 1 / (1 + np.exp(-(p.stage_init_active + z))))
    pop.stage[:] = WAIT
    pop.stage[attentive] = ATTENTIVE
    pop.stage[active] = ACTIVE
    pop.habit[active] = 0.5


class Resident(FixedAgent):
    """A resident as a Mesa agent: a view onto slot ``idx`` of the population arrays."""

    def __init__(self, model: mesa.Model, idx: int, cell):
        super().__init__(model)
        self.idx = idx
        self.cell = cell

    def _get(self, name):
        return getattr(self.model.population, name)[self.idx]

    age_group = property(lambda self: AGE_LABELS[self._get("age")])
    migrant = property(lambda self: bool(self._get("migrant")))
    renter = property(lambda self: bool(self._get("renter")))
    party = property(lambda self: PARTY_LABELS[self._get("party")])
    aware = property(lambda self: bool(self._get("aware")))
    trust_neighbours = property(lambda self: float(self._get("trust_gen")))
    trust_committee = property(lambda self: float(self._get("trust_rc")))
    trust_firm = property(lambda self: float(self._get("trust_firm")) if self.model.firm.present else float("nan"))
    efficacy = property(lambda self: float(self._get("efficacy")))
    stage = property(lambda self: STAGE_LABELS[self._get("stage")])

    @property
    def channels_this_week(self) -> tuple[str, ...]:
        ev = self.model.population.week_events[self.idx]
        return tuple(c for c, e in zip(CHANNELS, ev) if e)

    def set_trust_committee(self, value: float) -> None:
        self.model.population.trust_rc[self.idx] = float(np.clip(value, 0, 1))
