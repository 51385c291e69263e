"""Resident self-organisations (居民自组织: interest groups, volunteer teams, self-management groups),
MODEL.md §2: they emerge from participation, need a trusted initiator and last longer when inclusive.

- **Emergence needs a trusted initiator.** Once a month a backbone resident (top rung of the ladder, 主动参与,
  who went to an activity that month: the "老面孔" of `003 例9`, the community elites of `003 例3` M5) may
  start a group among the estate's activity-goers. The chance grows with how far the neighbours trust
  (mean generalised trust over the initiator's ties) above ``group_trust_threshold``, and is nil below it:
  need without a trusted organiser does not become action, trust comes first (`003 例2` M19, M27;
  `../shared/research/seeds_003.md` §4 items 1-2). Cultivation (committee meetings and activities, social
  workers, policies: the hours that also raise C) multiplies the chance by 1 + ``group_cultivation_boost`` x its
  intensity: the community identifies backbones, sets up micro-organisations and trains their leaders
  (`001` M32-M33), and a dependent community organises through outside initiators (`003 例1` M1). Engaged activity-goers of the estate join as far as they
  trust neighbours; a group needs three people to exist, and tops up its members monthly.
- **A group is a standing activity.** It meets every week in its estate: its members have an activity to go
  to whether or not the committee runs one (seats of their own, no committee hours), are drawn to it
  (``group_member_pull``), and make ties there as at any activity (MODEL.md §3.6). Groups are part of
  self-governance capacity C (`003 例1` M1 encoding: number and strength of resident organisations;
  ``dynamics.capacity``).
- **Inclusive groups last.** Each month a group folds with chance ``group_fold_rate`` x (1 -
  ``group_inclusion_effect`` x inclusiveness), inclusiveness being the share of the estate's resident groups
  (age x hukou x tenure) among its members: "only if everyone participates will it last", rule by one or a
  few undermines durability (`003 例2` M27; seeds_003.md §4 item 3). A group also folds when fewer than
  three members remain, or when its founder is gone (moved away or back to 观望) and no other member on the
  top rung takes over.

Members leave when they move away or fall back to 观望. The groups are Mesa agents (few); membership is a
resident column (``Population.group``), and everything over residents is array work.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..population import ACTIVE, WAIT
from ..rng import combine_keys

MIN_MEMBERS = 3
N_CELLS = 12  # demographic cells age (3) x hukou (2) x tenure (2), as ``CommunityModel._demo_cell``


class ResidentGroup(mesa.Agent):
    """One resident self-organisation: where it meets, who leads it, since when."""

    def __init__(self, model, gid: int, estate: int, leader: int, week: int):
        super().__init__(model)
        self.gid = gid
        self.estate = estate
        self.leader = leader
        self.founded_week = week
        #: identity for keyed random draws: (founding week, founder), the same in two runs where the group is
        self.key = int(combine_keys(week, leader))
        self.size = 0  # members and inclusiveness as of the last month's organising (movers leave in between)
        self.inclusiveness = 0.0


class SelfOrganisation:
    """The community's resident groups: founding, recruiting, succession and folding (monthly), and what the
    groups give their members each week (``meeting_seats``; the pull is ``group_member_pull``)."""

    def __init__(self, model):
        self.model = model
        self.groups: dict[int, ResidentGroup] = {}  # alive, by id (ids are never reused)
        self.next_id = 0
        self.founded = 0  # since the last ``reset_counters``
        self.folded = 0

    # ---- what groups give their members, weekly --------------------------
    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def member_share(self) -> float:
        n = self.model.population.n
        return float(np.count_nonzero(self.model.population.group >= 0)) / n if n else 0.0

    def meeting_seats(self, members: np.ndarray, n_estates: int) -> np.ndarray:
        """Activity seats per estate for this week's group meetings: one per member (``members``: the mask of
        residents in a group, as they are now)."""
        return np.bincount(self.model.population.estate[members], minlength=n_estates).astype(float)

    # ---- monthly ---------------------------------------------------------
    def organise(self, p, recent_attendee: np.ndarray, neighbour_trust: np.ndarray, demo_cell: np.ndarray,
                 estate_cells: np.ndarray, u: np.ndarray, u_fold, cultivation: float = 0.0) -> None:
        """One month of group life. ``recent_attendee``: went to an activity this month; ``neighbour_trust``:
        mean generalised trust over each resident's ties; ``u`` (2, n) uniforms (founding, joining),
        ``u_fold`` a function giving one uniform per group key (the model keys them by (founding week,
        founder), so a group's folding luck does not depend on which other groups exist); ``cultivation`` the
        community's cultivation intensity (0-1)."""
        pop, week = self.model.population, self.model.week
        # members who fell back to 观望 leave (movers already left, ``turnover.move``)
        pop.group[(pop.group >= 0) & (pop.stage == WAIT)] = -1
        self._succession_and_folding(p, pop, demo_cell, estate_cells, u_fold)
        # founding: a trusted backbone resident who went to an activity this month
        free = pop.group < 0
        cand = np.flatnonzero(free & recent_attendee & (pop.stage == ACTIVE))
        if cand.size and p.group_start_rate > 0:
            thr = p.group_trust_threshold
            standing = np.clip((neighbour_trust[cand] - thr) / max(1.0 - thr, 1e-9), 0.0, 1.0)
            rate = p.group_start_rate * (1.0 + p.group_cultivation_boost * cultivation)
            for leader in cand[u[0, cand] < rate * standing]:
                if pop.group[leader] < 0:  # not recruited into a group founded earlier this month
                    self._found(p, pop, int(leader), recent_attendee, u[1], week)
        # top-up: existing groups recruit among the estate's activity-goers
        for g in list(self.groups.values()):
            if g.size < p.group_size and g.founded_week != week:
                self._recruit(p, pop, g, recent_attendee, u[1], p.group_size - g.size)
        self._measure(demo_cell, estate_cells)

    def _found(self, p, pop, leader: int, recent_attendee: np.ndarray, u_join: np.ndarray, week: int) -> None:
        g = ResidentGroup(self.model, self.next_id, int(pop.estate[leader]), leader, week)
        self.next_id += 1
        pop.group[leader] = g.gid
        g.size = 1
        if self._recruit(p, pop, g, recent_attendee, u_join, p.group_size - 1) + 1 < MIN_MEMBERS:
            pop.group[pop.group == g.gid] = -1  # too few joined: the attempt fails
            g.remove()
            return
        self.groups[g.gid] = g
        self.founded += 1

    def _recruit(self, p, pop, g: ResidentGroup, recent_attendee: np.ndarray, u_join: np.ndarray,
                 places: int) -> int:
        """Engaged, aware activity-goers of the group's estate join as far as they trust neighbours (a resident
        joins if their uniform is below their generalised trust), the most willing first, up to ``places``."""
        if places <= 0:
            return 0
        cand = np.flatnonzero((pop.estate == g.estate) & (pop.group < 0) & recent_attendee
                              & (pop.stage > WAIT) & pop.aware)
        cand = cand[u_join[cand] < pop.trust_gen[cand]]
        if cand.size > places:
            cand = cand[np.argsort(u_join[cand] / np.maximum(pop.trust_gen[cand], 1e-9), kind="stable")[:places]]
        pop.group[cand] = g.gid
        g.size += int(cand.size)
        return int(cand.size)

    def _succession_and_folding(self, p, pop, demo_cell: np.ndarray, estate_cells: np.ndarray, u_fold) -> None:
        if not self.groups:
            return
        self._measure(demo_cell, estate_cells)
        alive = list(self.groups.items())
        draws = u_fold(np.array([g.key for _, g in alive], np.uint64))
        for (gid, g), u in zip(alive, draws):
            fold = g.size < MIN_MEMBERS
            if not fold and pop.group[g.leader] != gid:  # the founder is gone: an active member takes over
                heirs = np.flatnonzero((pop.group == gid) & (pop.stage == ACTIVE))
                if heirs.size:
                    g.leader = int(heirs[0])
                else:
                    fold = True
            if not fold:
                hazard = p.group_fold_rate * (1.0 - p.group_inclusion_effect * g.inclusiveness)
                fold = u < hazard
            if fold:
                pop.group[pop.group == gid] = -1
                del self.groups[gid]
                g.remove()
                self.folded += 1

    def _measure(self, demo_cell: np.ndarray, estate_cells: np.ndarray) -> None:
        """Members and inclusiveness (share of the estate's demographic cells among members) per group."""
        if not self.groups:
            return
        pop = self.model.population
        who = np.flatnonzero(pop.group >= 0)
        gid = pop.group[who].astype(np.int64)
        size = np.bincount(gid, minlength=self.next_id)
        cells = np.bincount(np.unique(gid * N_CELLS + demo_cell[who]) // N_CELLS, minlength=self.next_id)
        for i, g in self.groups.items():
            g.size = int(size[i])
            g.inclusiveness = float(cells[i]) / max(int(estate_cells[g.estate]), 1)

    def reset_counters(self) -> None:
        self.founded = 0
        self.folded = 0


__all__ = ["MIN_MEMBERS", "ResidentGroup", "SelfOrganisation"]
