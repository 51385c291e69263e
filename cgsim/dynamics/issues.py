"""Neighbourhood issues: arise, are routed, resolve or escalate (MODEL.md §3.1, §3.5).

Issues arise per building (some concern the whole estate) with a salience
and a kind: property-service matters (``003 例10``), community matters,
public matters for government, and private matters between neighbours
(the three-way split of ``001 §2.4``). A routing table maps each kind to a
resolver; in the status quo nearly everything lands on the residents'
committee ("上面千条线,下面一根针", ``003 例6``). Each resolver has a weekly
settlement rate set by the institutions that week; residents who raised
the issue add to it. Old, salient, unsettled issues become disputes, and
disputes lead to petitions (上访) in proportion to distrust of the committee
(``003 例2``: prior trust → zero petitions).
"""

from __future__ import annotations

import numpy as np

from ..rng import combine_keys, stream_key

PROPERTY, COMMUNITY, PUBLIC, PRIVATE = range(4)
KIND_LABELS = ("property", "community", "public", "private")
RC, FIRM, GOV, COUNCIL, RESIDENTS = range(5)
RESOLVER_LABELS = ("committee", "property_firm", "government", "deliberation", "residents")
N_RESOLVERS = 5
OPEN, SETTLED = 0, 1
#: a decision weighs as much as this many residents raising the issue (the cap of the voice boost in ``settle``)
DECISION_VOICES = 10


def default_routing(firm_present: bool) -> np.ndarray:
    """Status-quo routing: property matters to the firm if there is one, everything else to the committee."""
    return np.array([FIRM if firm_present else RC, RC, RC, RC], np.int8)


class IssueBook:
    """All issues of a run as growable columns."""

    def __init__(self, n_buildings: int, n_estates: int, building_estate: np.ndarray, capacity: int = 256):
        self.n_buildings, self.n_estates = n_buildings, n_estates
        self.building_estate = building_estate
        self.n = 0
        self._alloc(capacity)
        self.resolved_week = 0
        self.petitions_week = 0
        self.new_disputes_week = 0
        self.resolved_total = 0
        self.petitions_total = 0
        self.resolve_weeks_total = 0.0
        self.resolved_by = np.zeros(N_RESOLVERS, np.int64)
        self.new_dispute_ids = np.empty(0, np.int64)
        self._opened_week = None  # the week of the counts below
        self._opened: dict[str, np.ndarray] = {}  # per origin: issues opened in each building this week

    def _alloc(self, cap: int) -> None:
        def grow(name, dtype, fill=0):
            old = getattr(self, name, None)
            new = np.full(cap, fill, dtype)
            if old is not None:
                new[: old.size] = old
            setattr(self, name, new)

        for name, dtype in (("building", np.int32), ("estate", np.int32), ("estate_wide", bool), ("kind", np.int8),
                            ("salience", np.float64), ("born", np.int32), ("status", np.int8),
                            ("disputed", bool), ("voices", np.int32), ("resolver", np.int8),
                            ("coproducers", np.int32), ("decided", bool), ("uid", np.uint64)):
            grow(name, dtype)
        self.cap = cap

    # ---- views ------------------------------------------------------------
    @property
    def open_mask(self) -> np.ndarray:
        return self.status[: self.n] == OPEN

    def open_count(self) -> int:
        return int(np.count_nonzero(self.open_mask))

    def disputes_open(self) -> int:
        m = self.open_mask
        return int(np.count_nonzero(self.disputed[: self.n][m]))

    def exposure_by_building(self) -> tuple[np.ndarray, np.ndarray]:
        """Per building: salience of the most salient open issue its residents face (its own or an estate-wide
        one of its estate) and that issue's id (-1 none)."""
        bsal = np.zeros(self.n_buildings)
        bidx = np.full(self.n_buildings, -1, np.int64)
        esal = np.zeros(self.n_estates)
        eidx = np.full(self.n_estates, -1, np.int64)
        ids = np.flatnonzero(self.open_mask)
        if ids.size:
            ids = ids[np.argsort(self.salience[ids], kind="stable")]  # ascending: last write wins = max
            ew = self.estate_wide[ids]
            b_ids, e_ids = ids[~ew], ids[ew]
            bsal[self.building[b_ids]] = self.salience[b_ids]
            bidx[self.building[b_ids]] = b_ids
            esal[self.estate[e_ids]] = self.salience[e_ids]
            eidx[self.estate[e_ids]] = e_ids
        be = self.building_estate
        sb, se = bsal, esal[be]
        return np.maximum(sb, se), np.where(sb >= se, bidx, eidx[be])

    def exposure(self, res_building: np.ndarray, res_estate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per resident: salience of the most salient open issue they face, and that issue's id (-1 none).
        A resident's estate is their building's estate (``res_estate`` is kept for the call's readability)."""
        sal, target = self.exposure_by_building()
        return sal[res_building], target[res_building]

    # ---- phase 1: arise and route ----------------------------------------
    def arise(self, p, week: int, g: np.random.Generator, routing: np.ndarray) -> int:
        k = g.poisson(p.issue_rate, self.n_buildings)
        b = np.repeat(np.arange(self.n_buildings), k)
        m = b.size
        if m == 0:
            return 0
        u = g.random(m)
        kind = np.full(m, COMMUNITY, np.int8)
        kind[u < p.share_property] = PROPERTY
        kind[(u >= p.share_property) & (u < p.share_property + p.share_public)] = PUBLIC
        kind[u >= 1.0 - p.share_private] = PRIVATE
        a = 2.0
        estate_wide = (g.random(m) < p.estate_issue_share) & (kind != PRIVATE)
        salience = g.beta(a * p.issue_salience_mean / (1 - p.issue_salience_mean), a, m)
        self.add(b, kind, salience, estate_wide, week, routing, origin="arise")
        return m

    def add(self, building: np.ndarray, kind: np.ndarray, salience: np.ndarray, estate_wide: np.ndarray,
            week: int, routing: np.ndarray, *, origin: str) -> np.ndarray:
        """Open new issues (one per element), routed by ``routing``; returns their ids. Issues that arise each
        week come through here, and so do issues a plug-in brings (e.g. an outside project's, ``external_shock``,
        which passes its own ``origin``, its policy id).

        Each issue gets a stable identity ``uid`` from (week, building, ``origin``, its ordinal among that
        origin's issues in that building that week), for its keyed random draws: an issue that exists in two
        scenarios has the same identity, and so the same luck, in both, whatever else either opened."""
        m = len(building)
        if self.n + m > self.cap:
            self._alloc(max(2 * self.cap, self.n + m))
        sl = slice(self.n, self.n + m)
        building = np.asarray(building, np.int64)
        kind = np.asarray(kind, np.int8)
        if self._opened_week is not None and week < self._opened_week:
            raise ValueError(f"issues are opened in the current week ({self._opened_week}), not in week {week}")
        if self._opened_week != week:
            self._opened_week, self._opened = week, {}
        opened = self._opened.setdefault(origin, np.zeros(self.n_buildings, np.int64))
        order = np.argsort(building, kind="stable")
        sb = building[order]
        ordinal = np.empty(m, np.int64)
        ordinal[order] = np.arange(m) - np.searchsorted(sb, sb, side="left")
        ordinal += opened[building]
        opened += np.bincount(building, minlength=self.n_buildings)
        self.uid[sl] = combine_keys(week, building, stream_key(origin), ordinal)
        self.building[sl] = building
        self.estate[sl] = self.building_estate[building]
        self.estate_wide[sl] = estate_wide
        self.kind[sl] = kind
        self.salience[sl] = salience
        self.born[sl] = week
        self.status[sl] = OPEN
        self.disputed[sl] = False
        self.decided[sl] = False
        self.voices[sl] = 0
        self.coproducers[sl] = 0
        self.resolver[sl] = routing[kind]
        self.n += m
        return np.arange(sl.start, sl.stop)

    def reroute(self, routing: np.ndarray) -> None:
        """Apply a new routing table to the open issues (used when a routing policy starts or stops)."""
        ids = np.flatnonzero(self.open_mask)
        self.resolver[ids] = routing[self.kind[ids]]

    def decide(self, ids: np.ndarray) -> None:
        """A deliberative decision on issues ``ids`` (distinct): each is marked ``decided``, gets the settlement
        boost of ``DECISION_VOICES`` voices and, unless it is a property matter (the firm's), passes to the
        deliberation resolver (COUNCIL) that carries decisions out."""
        if len(ids) == 0:
            return
        self.decided[ids] = True
        self.voices[ids] += DECISION_VOICES
        self.resolver[ids] = np.where(self.kind[ids] != PROPERTY, COUNCIL, self.resolver[ids])

    def add_voices(self, target: np.ndarray) -> None:
        t = target[target >= 0]
        np.add.at(self.voices, t, 1)

    def add_coproducers(self, target: np.ndarray) -> None:
        t = target[target >= 0]
        np.add.at(self.coproducers, t, 1)

    # ---- phase 5: settle, escalate, petition ------------------------------
    def settle(self, p, week: int, streams, rate: np.ndarray, distrust_estate: np.ndarray,
               embeddedness: float | np.ndarray, firm_extra_estate: np.ndarray | None = None) -> np.ndarray:
        """Settle open issues at their resolver's rate (plus, for the firm's issues, ``firm_extra_estate`` of
        their estate: the firm does better where an owners' committee bargains with it); returns the ids
        settled this week. The draws (settle, petition) are keyed by each issue's ``uid`` in stream "settle"
        of ``streams`` (a ``cgsim.rng.Streams``)."""
        ids = np.flatnonzero(self.open_mask)
        self.resolved_week = self.petitions_week = self.new_disputes_week = 0
        self.new_dispute_ids = np.empty(0, np.int64)
        if ids.size == 0:
            return ids
        u_fix, u_pet = streams.keyed_uniform("settle", week, self.uid[ids], per_key=2)
        res = self.resolver[ids]
        pr = rate[res] + p.voice_boost * np.minimum(self.voices[ids], DECISION_VOICES)
        if firm_extra_estate is not None:
            firm = np.flatnonzero(res == FIRM)
            pr[firm] += firm_extra_estate[self.estate[ids[firm]]]
        pr += p.self_fix_base * 0.1 * np.minimum(self.coproducers[ids], 10)
        fixed = u_fix < pr  # = u_fix < clip(pr, 0, 1) for uniforms in [0, 1), NaN included
        done = ids[fixed]
        self.status[done] = SETTLED
        self.resolved_week = int(done.size)
        self.resolved_total += done.size
        self.resolve_weeks_total += float(np.sum(week - self.born[done] + 1))
        np.add.at(self.resolved_by, self.resolver[done], 1)
        rest = ids[~fixed]
        age = week - self.born[rest]
        newly = (~self.disputed[rest]) & (age >= p.escalate_weeks) & (self.salience[rest] >= p.escalate_salience)
        self.new_dispute_ids = rest[newly]
        self.disputed[self.new_dispute_ids] = True
        self.new_disputes_week = int(np.count_nonzero(newly))
        disp = self.disputed[rest]
        emb = embeddedness[self.estate[rest]] if np.ndim(embeddedness) else embeddedness  # per estate, or one
        embedded = np.where(self.kind[rest] == PROPERTY, emb, 0.0)
        ppet = p.petition_rate * distrust_estate[self.estate[rest]] * (1 - embedded) * self.salience[rest]
        self.petitions_week = int(np.count_nonzero(disp & (u_pet[~fixed] < ppet)))
        self.petitions_total += self.petitions_week
        return done

    def to_buildings(self, ids: np.ndarray, amount: np.ndarray) -> np.ndarray:
        """Per building, the sum of ``amount[k]`` over issues ``ids[k]`` that concern it: its own issues, and the
        estate-wide issues of its estate (each of those counts in every building of the estate)."""
        ew = self.estate_wide[ids]
        estate_sum = np.bincount(self.estate[ids[ew]], amount[ew], self.n_estates)
        return np.bincount(self.building[ids[~ew]], amount[~ew], self.n_buildings) + estate_sum[self.building_estate]

    def public_good_gain(self, settled: np.ndarray) -> np.ndarray:
        """Per building, what the settled issues ``settled`` add to its public good: each community matter 0.02,
        or 0.05 if residents co-produced it, to its building, or to every building of its estate if it was
        estate-wide (MODEL.md §3.5: completed projects raise the public good of their building/estate)."""
        fixed = settled[self.kind[settled] == COMMUNITY]
        if fixed.size == 0:
            return np.zeros(self.n_buildings)
        return self.to_buildings(fixed, np.where(self.coproducers[fixed] > 0, 0.05, 0.02))

    def affected(self, ids: np.ndarray, res_building: np.ndarray, res_estate: np.ndarray) -> np.ndarray:
        """Residents touched by any of the issues ``ids`` (bool per resident; a resident's estate is their
        building's estate)."""
        if ids.size == 0:
            return np.zeros(res_building.size, bool)
        hit_b = np.zeros(self.n_buildings, bool)
        hit_e = np.zeros(self.n_estates, bool)
        ew = self.estate_wide[ids]
        hit_b[self.building[ids[~ew]]] = True
        hit_e[self.estate[ids[ew]]] = True
        hit_b |= hit_e[self.building_estate]
        return hit_b[res_building]

    def reset_counters(self) -> None:
        """Forget the tallies (after the burn-in); open issues stay open."""
        self.resolved_total = self.petitions_total = 0
        self.resolve_weeks_total = 0.0
        self.resolved_by[:] = 0

    def mean_resolution_weeks(self) -> float:
        return self.resolve_weeks_total / self.resolved_total if self.resolved_total else float("nan")
