"""``CommunityModel``: a Mesa model of one community, stepped week by week.

Build: hierarchy → residents (arrays + Mesa agents on a Network space) →
social network → institutional actors → policies, each from its own named
random stream. Step: the fixed phase order of MODEL.md §3, with policy
hooks at named points:

1. issues arise and are routed              (hook ``before_issues``)
2. outreach and awareness                   (hook ``before_outreach``, after the committee plans)
3. participation decisions, four channels   (hook ``before_participation``)
4. institutions act                          (hook ``before_institutions``)
5. outcomes: settle, escalate, petition     (hook ``after_institutions``)
6. learning, ladder, ties                   (hook ``before_learning``)
7. capacity C, turnover, metrics            (hooks ``end_of_year``, ``end_of_week``)
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import Network

from . import metrics
from .actors import (NGO, GridWorkers, OwnersCommittee, PartyOrganisation, PropertyFirm, ResidentsCommittee,
                     SelfOrganisation, StreetOffice)
from .dynamics import capacity as cap
from .dynamics import issues as iss
from .dynamics import learning, outreach, participation, turnover
from .network import SocialNetwork, generate_edges
from .population import (ACT, COPROD, DELIB, VOICE, Resident, build_hierarchy, build_population, group_index,
                         initial_stages)
from .rng import Streams
from .scenarios import RunConfig, make_config

WEEKS_PER_YEAR = 52
TIE_INTERVAL = 4  # weeks between updates of the tie structure


def _add_seats(seats: np.ndarray, estates: np.ndarray, capacity: float, n_estates: int) -> None:
    """``np.add.at(seats, estates, capacity)`` for a run of consecutive estates (mod ``n_estates``): distinct
    while the run is no longer than the estates, so one indexed add does it (``add.at`` is several times
    slower); longer runs wrap and repeat estates, and take ``add.at``."""
    if estates.size <= n_estates:
        seats[estates] += capacity
    else:
        np.add.at(seats, estates, capacity)


class CommunityModel(mesa.Model):
    """One community. ``CommunityModel(preset="mianyang_2019", rng=1, admin_load=0.6)`` or
    ``CommunityModel(config=load_config("my.yaml"))``. Flat keyword overrides name parameters of
    ``cgsim.params.ModelParams``; ``policies`` is a list of ``{"name": id, ...}`` dicts."""

    def __init__(self, preset: str = "mianyang_2019", *, config: RunConfig | None = None,
                 policies: list | None = None, weeks: int | None = None, rng: Any = None,
                 build_space: bool = True, governance: str | None = None, **overrides: Any):
        if config is None:
            config = make_config(preset=preset, policies=policies, weeks=weeks, seed=rng, governance=governance,
                                 overrides=overrides)
        elif rng is None:
            rng = config.seed
        super().__init__(rng=rng if rng is not None else config.seed)
        self.config = config
        self.params = p = config.params
        self.seed = int(self._seed)
        self.weeks = config.weeks
        self.week = 0
        self.streams = Streams(self.seed)

        # residents, hierarchy, network
        self.hierarchy = hier = build_hierarchy(p)
        self.population = pop = build_population(p, hier, self.streams)
        self.network = SocialNetwork(pop.n, *generate_edges(p, pop, self.streams.gen("network")))
        self.group_base = group_index(p, pop)
        initial_stages(p, pop, self.group_base, self.streams)
        self.space = None
        if build_space:
            self.space = Network(self.network.graph(), random=self.random, layout=None)
            self.network.space = self.space
            cells = self.space._cells
            # FixedAgent's cell setter puts each resident in its cell (once)
            self.residents = [Resident(self, i, cells[i]) for i in range(pop.n)]

        # institutions
        self.street = StreetOffice(self, p.admin_load, p.evaluation_regime, p.gov_intensity)
        self.committee = ResidentsCommittee(self, p.rc_staff, p.rc_hours_per_staff)
        self.party = PartyOrganisation(self, p.party_outreach)
        self.firm = PropertyFirm(self, p.firm_present, p.firm_quality, p.firm_embeddedness, p.firm_obstruction,
                                 hier.n_estates)
        self.owners_committees = [OwnersCommittee(self, e) for e in range(hier.n_estates)]
        self.ngo = NGO(self, p.ngo_staff, p.ngo_hours_per_staff, p.ngo_target)
        self.grid = GridWorkers(self, p.grid_workers_per_grid, p.grid_visits_per_month, hier.n_grids)
        self.self_organisation = SelfOrganisation(self)  # resident groups (MODEL.md §2), founded as residents act
        self.oc_organiser = p.oc_organiser_effect
        self.committee_allocation: dict[str, float] = {}
        self.issues = iss.IssueBook(hier.n_buildings, hier.n_estates,
                                    np.arange(hier.n_buildings) // p.buildings_per_estate)
        self.routing = iss.default_routing(p.firm_present)
        self.resolver_rate = np.zeros(iss.N_RESOLVERS)
        self.capacity = p.capacity_init
        self.capacity_stage = cap.stage_of(p, self.capacity)
        self.public_good = np.full(hier.n_buildings, p.public_good_init)
        self.building_of_estate_count = np.bincount(pop.estate, minlength=hier.n_estates)
        self.grid_households = np.bincount(hier.hh_grid, minlength=hier.n_grids)
        # demographic cell (age x hukou x tenure) per resident and how many cells each estate holds: traits are
        # fixed (a newcomer takes the dwelling's traits), so meetings can judge inclusiveness without a loop
        self._demo_cell = (pop.age.astype(np.int64) * 4 + pop.migrant * 2 + pop.renter).astype(np.int64)
        self._estate_groups = np.bincount(np.unique(pop.estate.astype(np.int64) * 12 + self._demo_cell) // 12,
                                          minlength=hier.n_estates)
        self.move_rate = turnover.household_move_rate(p, pop, hier.n_households)

        # weekly scratch state that policies may touch in their hooks
        self.share_active = np.zeros(pop.n)
        # (n, 4) per-channel arrays are channel-major (Fortran order), like the population's (population.py)
        self.events = np.zeros((pop.n, 4), bool, order="F")
        self.extra_utility = np.zeros((pop.n, 4), order="F")
        self.opportunity = np.zeros((pop.n, 4), bool, order="F")
        self.seats = np.zeros((2, hier.n_estates))  # activity / meeting seats per estate
        self.extra_cultivation_hours = 0.0
        self.cultivation = 0.0  # last week's cultivation intensity (0-1, ``capacity.cultivation_level``)
        self.moved = np.zeros(pop.n, bool)     # residents replaced by newcomers this week
        self.grid_hit = np.zeros(pop.n, bool)  # residents whose household a grid worker visited this week
        # since the last tie update: weeks each resident attended an activity, and one bit per week they took part
        self._attended_weeks = np.zeros(pop.n, np.uint8)
        self._active_weeks = np.zeros(pop.n, np.uint8)
        self.tie_venue = pop.estate  # where co-attendance makes ties; a community centre may widen it
        self._venue_cursor = [0, hier.n_estates // 2]  # next estate for the committee's activities / meetings
        self.cost_week: dict[str, float] = {}
        self.costs_total: dict[str, float] = {}

        from .policies import HOOKS  # noqa: F401  (registers policy modules)
        self.policies = config.build_policies()
        for pol in self.policies:
            pol.setup(self)

        self._burn_in(p.burn_in_weeks)
        self.recorder = metrics.Recorder(self)
        self.datacollector = metrics.LatestCollector(model_reporters=metrics.model_reporters())
        self.latest: dict[str, float] = self.recorder.snapshot()
        self.datacollector.collect(self)

    # ---- helpers for policies --------------------------------------------
    def add_cost(self, label: str, yuan: float) -> None:
        self.cost_week[label] = self.cost_week.get(label, 0.0) + float(yuan)

    def uniform(self, name: str, size: int | tuple | None = None) -> np.ndarray:
        """This week's uniforms of stream ``name`` (one per resident unless ``size`` says otherwise)."""
        return self.streams.uniform32(name, self.week, self.population.n if size is None else size)

    def _hook(self, name: str) -> None:
        for pol in self.policies:
            if pol.active(self.week):
                fn = getattr(pol, name, None)
                if fn is not None:
                    fn(self)

    def _lifecycle(self) -> None:
        for pol in self.policies:
            if not pol.started and pol.active(self.week):
                pol.start(self)
                pol.started = True
            elif pol.started and not pol.stopped and not pol.active(self.week):
                pol.stop(self)
                pol.stopped = True

    # ---- the week ---------------------------------------------------------
    def _burn_in(self, weeks: int) -> None:
        """Spin-up: run the status quo for ``weeks`` weeks before week 0, then forget the tallies."""
        for w in range(-weeks, 0):
            self.week = w
            self._week()
        self.week = 0
        self.population.year_counts[:] = 0
        self.issues.reset_counters()
        self.self_organisation.reset_counters()
        for o in self.owners_committees:
            o.recalls = 0  # recalls are counted from week 0, as the tables are
        self.costs_total = {}

    def step(self) -> None:
        """One week (Mesa's step): policy start/stop, the seven phases, then the records."""
        self._lifecycle()
        answered, ignored = self._week()
        pop, w = self.population, self.week
        self.recorder.record_week(answered=answered, ignored=ignored)
        if (w + 1) % WEEKS_PER_YEAR == 0:
            self.recorder.record_year()
            self._hook("end_of_year")
            pop.year_counts[:] = 0
        self.latest = self.recorder.snapshot()
        self.week += 1
        self.datacollector.collect(self)
        if self.week >= self.weeks:
            self.running = False

    def _week(self) -> tuple[np.ndarray, np.ndarray]:
        p, pop, net, w = self.params, self.population, self.network, self.week
        self.cost_week = {}
        self.extra_utility[:] = 0.0
        self.extra_cultivation_hours = 0.0
        pop.asked[:] = False

        # 1. issues arise and are routed
        self._hook("before_issues")
        self.issues.arise(p, w, self.streams.gen("issues", w), self.routing)

        # 2. outreach and awareness
        rc = self.committee
        rc.plan_week(p, self.street, self.committee_allocation)
        self.ngo.plan_week(p)
        self._hook("before_outreach")
        h = self.hierarchy.n_households
        u_hh = self.uniform("outreach_households", (2, h))      # committee visits, grid visits
        # awareness, NGO, Party, word of mouth; without word of mouth its (last) row is not drawn: the rows
        # before it are the same numbers either way
        u_res = self.uniform("outreach_residents", (4 if p.awareness_spread > 0 else 3, pop.n))
        asked_rc = outreach.household_contacts(rc.outreach_contacts(p), h, pop.household, u_hh[0])
        aware_u = u_res[0]
        outreach.apply_contacts(pop, asked_rc, p.awareness_on_contact, aware_u)
        if self.grid.per_grid > 0:
            visit = self.grid.visit_prob(self.grid_households)[self.hierarchy.hh_grid]
            grid_hit = (u_hh[1] < visit)[pop.household]
            self.grid_hit = grid_hit
            outreach.apply_contacts(pop, grid_hit, p.awareness_on_contact, aware_u)
        elif self.grid_hit.any():
            self.grid_hit = np.zeros(pop.n, bool)
        if self.ngo.staff > 0:
            target = metrics.target_mask(pop, self.ngo.target)
            ngo_hit = outreach.targeted_contacts(self.ngo.contacts(p), target, u_res[1])
            outreach.apply_contacts(pop, ngo_hit, p.awareness_on_contact, aware_u)
        party_hit = outreach.peer_asks(net, self.party.askers(pop), self.party.outreach_rate, u_res[2])
        outreach.apply_contacts(pop, party_hit, p.awareness_on_contact, aware_u)  # as any contact (§3.2)
        if p.awareness_spread > 0:
            outreach.spread_awareness(pop, net, p.awareness_spread, u_res[3])

        # 3. participation decisions
        u_part = self.uniform("participation", (7, pop.n))  # 4 channels, need, 2 recoveries
        sal_b, target_b = self.issues.exposure_by_building()  # residents face their building's top issue
        salience, target_issue = sal_b[pop.building], target_b[pop.building]
        self.target_issue = target_issue  # the issue each resident faces this week (-1 none); policies may read it
        self._build_opportunities(salience, target_issue, u_part[4])
        self._hook("before_participation")
        util = participation.utilities(p, pop, self.group_base, self.share_active, salience,
                                       cap.channel_shift(p, self.capacity_stage), self.extra_utility)
        ev = participation.decide(p, pop, util, self.opportunity, u_part[:4].T)
        u_venue = None  # a venue is rarely full: its stream is drawn only when one is
        for ch, seats in ((ACT, self.seats[0]), (DELIB, self.seats[1])):
            if participation.over_capacity(ev[:, ch], pop.estate, seats):
                if u_venue is None:
                    u_venue = self.uniform("venue_seats", (2, pop.n))
                ev[:, ch] = participation.cap_by_venue(ev[:, ch], pop.estate, seats, u_venue[0 if ch == ACT else 1])
        participation.start_recovery(p, pop, ev, u_part[5:7].T)
        participated = participation.any_event(ev)
        participation.record(pop, ev, participated)
        self.events = ev
        voiced = np.flatnonzero(ev[:, VOICE])
        voiced = voiced[target_issue[voiced] >= 0]
        self.issues.add_voices(target_issue[voiced])
        pop.last_voiced[voiced] = target_issue[voiced]
        self.issues.add_coproducers(target_issue[ev[:, COPROD]])

        # 4. institutions act
        self._hook("before_institutions")
        g_inst = self.streams.gen("institutions", w)
        answered, ignored = self._answer_voices(g_inst.random(pop.n))
        self._hold_meetings(ev[:, DELIB], g_inst.random(self.hierarchy.n_estates))
        self._owners_act()
        self.firm.settle_in(p.firm_embedding_rate)
        if w % TIE_INTERVAL == TIE_INTERVAL - 1:  # resident groups: a month of founding, recruiting, folding
            so = self.self_organisation
            so.organise(p, (self._attended_weeks > 0) | ev[:, ACT], net.mean_of(pop.trust_gen), self._demo_cell,
                        self._estate_groups, self.uniform("groups", (2, pop.n)),
                        lambda keys: self.streams.keyed_uniform("group_folding", w, keys), cultivation=self.cultivation)
        oc = np.array([o.formed for o in self.owners_committees], float)
        firm_rate = self.firm.fix_rate(oc)  # per estate; the base rate is the community firm's without a committee
        firm_base = self.firm.incumbent_rate()
        self.resolver_rate[:] = [p.rc_fix_base * rc.response_capacity, firm_base, p.gov_fix_base,
                                 p.rc_fix_base * rc.response_capacity, p.self_fix_base * self.capacity]

        # 5. outcomes
        self._hook("after_institutions")
        distrust = 1.0 - np.bincount(pop.estate, pop.trust_rc, self.hierarchy.n_estates) / np.maximum(
            self.building_of_estate_count, 1)
        settled = self.issues.settle(p, w, self.streams, self.resolver_rate, distrust,
                                     self.firm.embeddedness_by_estate(), firm_extra_estate=firm_rate - firm_base)
        settled_touch = self.issues.affected(settled, pop.building, pop.estate)
        dispute_touch = self.issues.affected(self.issues.new_dispute_ids, pop.building, pop.estate)
        firm_settled = firm_disputed = None
        if self.firm.present:  # the firm's own record: property matters it settled, or that became disputes
            book = self.issues
            firm_settled = book.affected(settled[book.resolver[settled] == iss.FIRM], pop.building, pop.estate)
            nd = book.new_dispute_ids
            firm_disputed = book.affected(nd[book.resolver[nd] == iss.FIRM], pop.building, pop.estate)
        # settled community matters improve their building's shared goods (an estate-wide matter: every building of
        # the estate's), more when residents co-produced (MODEL.md §3.5)
        self.public_good += self.issues.public_good_gain(settled)
        self.public_good -= p.public_good_depreciation * self.public_good
        np.clip(self.public_good, 0, 1, out=self.public_good)

        # 6. learning, ladder, ties
        self._hook("before_learning")
        oc = np.array([o.formed for o in self.owners_committees], float)  # as it stands after this week's hooks
        firm_service_e = self.firm.service_level(oc)
        service_b = (0.5 * firm_service_e[self.issues.building_estate] + 0.3 * self.public_good
                     + 0.2 * (1.0 - sal_b))  # per building, as every term is
        service = service_b[pop.building]
        firm_service = firm_service_e[pop.estate] if self.firm.present else None
        rc_contact = asked_rc | ev[:, VOICE] | ev[:, ACT] | ev[:, DELIB]
        learning.update_attitudes(p, pop, net, answered=answered, ignored=ignored, settled_touch=settled_touch,
                                  dispute_touch=dispute_touch, attended=ev[:, ACT], rc_contact=rc_contact,
                                  admin_share=rc.admin_share, service=service, firm_settled_touch=firm_settled,
                                  firm_dispute_touch=firm_disputed, firm_service=firm_service)
        learning.update_habits(p, pop, ev)
        self.share_active = net.share(participated)
        u_lad = self.uniform("ladder", (3, pop.n))
        learning.update_ladder(p, pop, self.share_active, self.group_base, answered=answered, ignored=ignored,
                               u_up=u_lad[0], u_active=u_lad[1], u_down=u_lad[2])
        self._attended_weeks += ev[:, ACT]
        self._active_weeks |= participated.view(np.uint8) << np.uint8(w % TIE_INTERVAL)
        if w % TIE_INTERVAL == TIE_INTERVAL - 1:  # ties change every four weeks, by what happened in each of them
            learning.form_ties(net, pop, self._attended_weeks, p.tie_form_rate, self.streams.gen("ties", w),
                               venue=self.tie_venue)
            learning.decay_ties(net, self._active_weeks, TIE_INTERVAL, p.tie_decay,
                                self.streams.keyed_uniform("ties:decay", w, net.tie_keys()))
            self._attended_weeks[:] = 0
            self._active_weeks[:] = 0

        # 7. capacity, turnover, costs, metrics
        deep = (np.count_nonzero(ev[:, DELIB]) + np.count_nonzero(ev[:, COPROD])) / pop.n
        cult = rc.meeting_hours + 0.5 * rc.activity_hours * 0.2 + self.ngo.cultivation_hours() \
            + self.extra_cultivation_hours
        self.capacity = cap.update(p, self.capacity, deep_rate=deep, cultivation_hours=cult, n_residents=pop.n,
                                   admin_share=rc.admin_share, gov_intensity=self.street.gov_intensity,
                                   group_member_share=self.self_organisation.member_share())
        self.capacity_stage = cap.stage_of(p, self.capacity)
        self.cultivation = cap.cultivation_level(cult, pop.n)
        self.moved = turnover.move(p, pop, self.uniform("turnover", h), self.streams.gen("newcomers", w),
                                   self.move_rate, admin_share=rc.admin_share)
        self._attended_weeks[self.moved] = 0  # a newcomer's tie window starts with them
        self._active_weeks[self.moved] = 0
        self.add_cost("committee", rc.total_hours * p.cost_staff_hour)
        if self.grid.per_grid > 0:
            self.add_cost("grid_workers", self.grid.workers * 40.0 * p.cost_staff_hour)
        if self.ngo.staff > 0:
            self.add_cost("ngo", self.ngo.hours * p.cost_staff_hour)
        self._hook("end_of_week")
        for k, v in self.cost_week.items():
            self.costs_total[k] = self.costs_total.get(k, 0.0) + v
        net.sync_space()
        return answered, ignored

    # ---- phase helpers ----------------------------------------------------
    def _build_opportunities(self, salience: np.ndarray, target_issue: np.ndarray, u_need: np.ndarray) -> None:
        """Which channels are open to whom this week, and seats per estate (phase 3 gate)."""
        p, pop, rc = self.params, self.population, self.committee
        ne = self.hierarchy.n_estates
        self.seats[:] = 0.0
        # activities and meetings go round the estates in turn (each from where the last week's stopped), so every
        # estate gets its share whatever the counts per week; meetings start half-way round from activities
        act_estates = (self._venue_cursor[0] + np.arange(rc.n_activities)) % ne
        self._venue_cursor[0] = (self._venue_cursor[0] + rc.n_activities) % ne
        _add_seats(self.seats[0], act_estates, p.activity_capacity, ne)
        opp = self.opportunity
        opp[:] = False
        if self.ngo.n_programmes > 0:
            target = metrics.target_mask(pop, self.ngo.target)
            share = np.bincount(pop.estate[target], minlength=ne) / max(int(target.sum()), 1)
            self.seats[0] += self.ngo.n_programmes * p.activity_capacity * share
            opp[:, ACT] |= target
        opp[:, ACT] |= (self.seats[0] > 0)[pop.estate]
        if self.self_organisation.groups:  # groups meet weekly: an activity for their members, with its own seats
            members = pop.group >= 0
            self.seats[0] += self.self_organisation.meeting_seats(members, ne)
            opp[:, ACT] |= members
            self.extra_utility[members, ACT] += p.group_member_pull
        voice = target_issue != pop.last_voiced  # a new matter to raise
        voice &= salience > 0
        voice |= u_need < p.personal_need_rate   # or a personal need
        opp[:, VOICE] = voice
        meet_estates = (self._venue_cursor[1] + np.arange(rc.n_meetings)) % ne
        self._venue_cursor[1] = (self._venue_cursor[1] + rc.n_meetings) % ne
        _add_seats(self.seats[1], meet_estates, p.meeting_capacity, ne)
        for o in self.owners_committees:  # owners' meetings, monthly, in estates with a committee
            if o.formed and self.week % 4 == o.estate % 4:
                self.seats[1][o.estate] += p.meeting_capacity
        opp[:, DELIB] = (self.seats[1] > 0)[pop.estate]
        kind = self.issues.kind[: self.issues.n]
        coprod = np.zeros(kind.size + 1, bool)  # by issue; the extra last slot is "no issue" (id -1)
        coprod[:-1] = (kind == iss.COMMUNITY) | (kind == iss.PRIVATE)
        opp[:, COPROD] = coprod[target_issue]

    def _answer_voices(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p, pop, rc = self.params, self.population, self.committee
        pending = pop.pending_voice >= 0
        rc_issues = int(np.count_nonzero(self.issues.open_mask
                                         & (self.issues.resolver[: self.issues.n] == iss.RC)))
        phi = rc.set_response_capacity(p, int(pending.sum()), rc_issues)
        answered = pending & (u < phi)
        pop.pending_voice[answered] = -1
        waiting = pop.pending_voice >= 0
        pop.pending_voice += waiting  # one more week for those still waiting
        ignored = waiting & (pop.pending_voice >= p.voice_patience)
        pop.pending_voice[ignored] = -1
        return answered, ignored

    def _hold_meetings(self, attended: np.ndarray, u: np.ndarray) -> None:
        """Meetings with enough people settle the estate's most salient community issue, more surely
        the more groups they include (`003 例2`: inclusive deliberation keeps legitimacy)."""
        pop, book = self.population, self.issues
        ne = self.hierarchy.n_estates
        held = self.seats[1] > 0
        if not held.any() or np.count_nonzero(attended) < 3:
            return
        open_ids = np.flatnonzero(book.open_mask & (book.kind[: book.n] != iss.PUBLIC))
        if open_ids.size == 0:
            return
        who = np.flatnonzero(attended)
        est = pop.estate[who].astype(np.int64)
        k = np.bincount(est, minlength=ne)
        ok = held & (k >= 3)
        if not ok.any():
            return
        # each estate's most salient open issue (first of equals, as argmax)
        order = open_ids[np.lexsort((-book.salience[open_ids], book.estate[open_ids]))]
        e_sorted = book.estate[order]
        first = np.concatenate(([True], e_sorted[1:] != e_sorted[:-1]))
        top = np.full(ne, -1, np.int64)
        top[e_sorted[first]] = order[first]
        ok &= top >= 0
        if not ok.any():
            return
        present = np.bincount(np.unique(est * 12 + self._demo_cell[who]) // 12, minlength=ne)
        inclusiveness = present / np.maximum(self._estate_groups, 1)
        quorum = np.minimum(1.0, k / 10.0)
        decided = ok & (u[:ne] < quorum * (0.3 + 0.7 * inclusiveness) * 0.5)
        book.decide(top[decided])  # one issue per estate

    def _owners_act(self) -> None:
        if self.week % 4:
            return
        p, pop = self.params, self.population
        owners = ~pop.renter
        mobilised = owners & pop.engaged & (pop.trust_gen >= 0.5)
        n_owners = np.bincount(pop.estate[owners], minlength=self.hierarchy.n_estates)
        n_mob = np.bincount(pop.estate[mobilised], minlength=self.hierarchy.n_estates)
        obstruction = self.firm.obstruction if self.firm.present else 0.0
        for o in self.owners_committees:
            share = n_mob[o.estate] / max(n_owners[o.estate], 1)
            o.try_form(p, self.week, share, self.oc_organiser, obstruction)
        self._owners_hold_to_account(owners, n_mob)
        self._owners_choose_firm(owners, n_owners)

    def _owners_hold_to_account(self, owners: np.ndarray, n_mob: np.ndarray) -> None:
        """Where the owners elect a supervisory committee (``oc_supervisory_committee``), each formed committee
        has one of its estate's mobilised owners, 3-7 of them (`001` M28). Then misconduct of a committee
        formed before this week comes to light with ``OwnersCommittee.misconduct_chance`` (stream
        ``oc_accountability``, one uniform per estate): its owners recall it, and every owner of the estate
        loses ``oc_misconduct_harm`` of their efficacy and of their trust in neighbours (`001` M17-M18,
        M28), so that forming a committee again takes the trust it took the first time."""
        p, pop = self.params, self.population
        standing = [o for o in self.owners_committees if o.formed]
        if p.oc_supervisory_committee:
            for o in standing:
                o.elect_supervisors(n_mob[o.estate])
        if p.oc_misconduct_rate <= 0 or not standing:
            return
        u = self.streams.gen("oc_accountability", self.week).random(self.hierarchy.n_estates)
        recalled = [o.estate for o in standing if o.formed_week < self.week and u[o.estate] < o.misconduct_chance(p)]
        if not recalled:
            return
        for e in recalled:
            self.owners_committees[e].recall(self.week)
        hit = np.flatnonzero(owners & np.isin(pop.estate, recalled))
        for arr in (pop.efficacy, pop.trust_gen):
            learning.lose(arr, hit, p.oc_misconduct_harm)

    def _owners_choose_firm(self, owners: np.ndarray, n_owners: np.ndarray) -> None:
        """A formed owners' committee whose owners distrust the firm (mean trust in it below
        ``oc_replace_trust``) replaces it with chance ``oc_replace_rate`` a month (`001` M8, M17-M19, M28: the
        committee selects the firm). Residents' trust in the new firm starts from their disposition."""
        p, pop, firm = self.params, self.population, self.firm
        if not firm.present or p.oc_replace_rate <= 0:
            return
        formed = [o.estate for o in self.owners_committees if o.formed and not firm.replaced[o.estate]]
        if not formed:
            return
        trust = np.bincount(pop.estate[owners], pop.trust_firm[owners], self.hierarchy.n_estates) / np.maximum(
            n_owners, 1)
        u = self.streams.gen("firm_replacement", self.week).random(self.hierarchy.n_estates)
        for e in formed:
            if n_owners[e] and trust[e] < p.oc_replace_trust and u[e] < p.oc_replace_rate:
                firm.replace(e, p.firm_replacement_gain)
                here = pop.estate == e
                pop.trust_firm[here] = pop.trust_firm_anchor[here]

    # ---- running and results ---------------------------------------------
    def run(self, weeks: int | None = None) -> CommunityModel:
        for _ in range(self.weeks - self.week if weeks is None else weeks):
            self.step()
        return self

    def weekly_frame(self):
        return self.recorder.weekly_frame()

    def yearly_frame(self):
        return self.recorder.yearly_frame()
