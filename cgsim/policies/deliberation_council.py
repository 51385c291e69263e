"""协商议事会: a standing council meets on open issues; inclusive sessions carry legitimacy.

Source: `000` tool section L5-19 (consultation system: residents' and
representatives' meetings, hearings, a ledger of opinions); `001 M9 l.89-97`
and `001 M10 l.99-107` (Shenyang and Jianghan: a consultation and deliberation
council as the community's deliberative organ); `001 M17 l.147` (joint
meetings, "big matters at once, small matters regularly", resolve estate
conflicts); `001 M11 l.113` (Nan'an: deliberation raised participation);
`003 例2 M27` and `003 §4` item 3 (consult every household, hearings on
important decisions; rule by a few does not last); `003 例6 M30` (elected
council); `002 D4` (hearings with randomly drawn residents).

Mechanism: every ``interval_weeks`` the council sits. Its ``representatives``
are the most active engaged residents (the activist core), re-elected every
year; ``lot_seats`` residents are drawn for each session among the engaged
and aware by a lottery stratified by resident group (one per group in turn).
Invitees are asked, get a deliberation seat in their estate and
``invite_boost`` on the deliberation channel. The agenda is the
``agenda_size`` most salient open community issues no deliberation (the
council's or an estate meeting's) has decided yet, including those three-way
routing sent to deliberation. Inclusiveness is the share of the community's
resident groups (age x hukou x tenure) among those who attend; each agenda
item is decided with chance quorum (attendance over half the seats, capped at
1) x (``decide_floor`` + (1 - ``decide_floor``) x inclusiveness); a decision
gives the issue the settlement boost of ten voices and passes it to the
deliberation resolver (COUNCIL), as the model's own meetings do. Members who
move away leave their seat empty until the yearly election. Legitimacy,
a running mean of inclusiveness, sets how surely decisions are carried out:
the COUNCIL settlement rate rises by ``council_fix_rate`` x legitimacy.
Residents whose group sat at a session feel represented: their efficacy gains
``represented_gain`` toward 1. A session in an estate also counts as a meeting
there for the model's own meeting rule.
Touches: ``population.asked`` / ``efficacy``, ``model.opportunity``,
``model.seats``, ``model.extra_utility``, ``model.issues`` (resolver),
``model.resolver_rate``, ``model.extra_cultivation_hours``; cost of staff time
and lot allowances.
"""

from __future__ import annotations

import numpy as np

from ..dynamics import issues as iss
from ..params import p
from ..population import DELIB
from .base import Policy, PolicyParams
from .registry import register


class DeliberationCouncilParams(PolicyParams):
    interval_weeks: int = p(4, 1, 52, "weeks", "001 M17 l.147 (small matters regularly); assumption (monthly)",
                            "Weeks between sessions.", "policy")
    representatives: int = p(9, 0, 200, "seats", "001 M9, M10; 003 例6 M30 (elected council); assumption on size",
                             "Standing members: the most active engaged residents.", "policy")
    lot_seats: int = p(6, 0, 200, "seats", "002 D4 (randomly drawn residents at hearings)",
                       "Residents drawn by lot for each session, one per resident group in turn.", "policy")
    invite_boost: float = p(3.0, 0.0, 10.0, "log-odds", "000 tool section (invited participation); assumption",
                            "Deliberation-channel pull of a personal invitation to a session.", "policy")
    agenda_size: int = p(3, 1, 50, "issues", "000 tool section L5-19 (ledger of opinions); assumption",
                         "Open community issues on one session's agenda.", "policy")
    decide_floor: float = p(0.3, 0.0, 1.0, "probability", "003 例2 M27; assumption",
                            "Chance a quorate session with no group diversity decides an item.", "policy")
    council_fix_rate: float = p(0.1, 0.0, 1.0, "per week at full legitimacy", "003 §4 item 3; assumption",
                                "Extra weekly chance that a council decision is carried out.", "policy")
    represented_gain: float = p(0.005, 0.0, 0.2, "0-1 scale per session", "003 例6 M14 (no real sense of "
                                "control); 001 M11 l.113 (sense of gain); assumption",
                                "Efficacy gain of residents whose group sat at a session (toward 1).", "policy")
    legitimacy_memory: float = p(0.3, 0.0, 1.0, "weight of the latest session", "assumption",
                                 "How fast legitimacy follows the inclusiveness of recent sessions.", "policy")
    staff_hours_per_session: float = p(12.0, 0.0, 200.0, "staff hours", "assumption (as hours_per_meeting)",
                                       "Committee time to prepare and chair a session (also cultivation).", "policy")
    lot_allowance_yuan: float = p(50.0, 0.0, 1000.0, "yuan per lot-drawn attendee", "002 D4 (临时聘请); assumption",
                                  "Allowance paid to a resident drawn by lot who attends.", "policy")


@register
class DeliberationCouncil(Policy):
    id = "deliberation_council"
    aliases = ("协商议事会",)
    summary = "Periodic council sessions decide open community issues; inclusive sessions build legitimacy."
    source = "000 tool section; 001 M9, M10, M17; 003 例2 M27; 003 例6 M30; 002 D4"
    Params = DeliberationCouncilParams

    def start(self, model) -> None:
        pop = model.population
        self.cell = pop.age.astype(np.int64) * 4 + pop.migrant * 2 + pop.renter
        self.n_groups = np.unique(self.cell).size
        self.invited = np.zeros(pop.n, bool)
        self.lot = np.zeros(pop.n, bool)
        self.legitimacy = 0.0
        self.session = False
        self.n_decided = 0  # agenda items the council decided
        self._elect(model)

    def _elect(self, model) -> None:
        """Standing members: engaged residents with most events this year (habit breaks ties)."""
        pop, k = model.population, self.params.representatives
        ok = np.flatnonzero(pop.engaged)
        score = pop.year_counts[ok].sum(axis=1) + pop.habit[ok].sum(axis=1)
        self.members = ok[np.argsort(-score, kind="stable")[:k]]

    def end_of_year(self, model) -> None:
        self._elect(model)

    def before_outreach(self, model) -> None:
        pop, q = model.population, self.params
        self.session = (model.week - q.start_week) % q.interval_weeks == 0
        self.invited[:] = False
        self.lot[:] = False
        if not self.session:
            return
        self.lot[self._draw_lots(model)] = True
        self.invited[self.members] = True
        self.invited |= self.lot
        pop.asked |= self.invited

    def _draw_lots(self, model) -> np.ndarray:
        """``lot_seats`` engaged, aware residents by a lottery stratified by group: one per group in turn."""
        pop = model.population
        ok = np.flatnonzero(pop.engaged & pop.aware)
        u = model.uniform("deliberation_council:lot")[ok]
        by_cell = np.lexsort((u, self.cell[ok]))
        c = self.cell[ok][by_cell]
        rank = np.arange(c.size) - np.searchsorted(c, c)  # place in its group's random order
        return ok[by_cell][np.lexsort((u[by_cell], rank))[: self.params.lot_seats]]

    def before_participation(self, model) -> None:
        if not self.session:
            return
        inv = self.invited
        model.extra_utility[inv, DELIB] += self.params.invite_boost
        model.opportunity[inv, DELIB] = True
        model.seats[1] += np.bincount(model.population.estate[inv], minlength=model.seats.shape[1])

    def before_institutions(self, model) -> None:
        if not self.session:
            return
        q, book = self.params, model.issues
        came = self.invited & model.events[:, DELIB]
        k = int(came.sum())
        incl = np.unique(self.cell[came]).size / self.n_groups
        self.legitimacy += q.legitimacy_memory * (incl - self.legitimacy)
        self.attended_lot = int((came & self.lot).sum())
        self.represented = np.isin(self.cell, self.cell[came])
        # not decided yet (here or at an estate meeting): three-way routing may have sent them to deliberation
        cand = np.flatnonzero(book.open_mask & (book.kind[: book.n] == iss.COMMUNITY) & ~book.decided[: book.n])
        agenda = cand[np.argsort(-book.salience[cand], kind="stable")[: q.agenda_size]]
        quorum = min(1.0, k / max(0.5 * (q.representatives + q.lot_seats), 1.0))
        u = model.streams.keyed_uniform("deliberation_council:decide", model.week, book.uid[agenda])  # by issue
        done = agenda[u < quorum * (q.decide_floor + (1 - q.decide_floor) * incl)]
        self.n_decided += done.size
        book.decide(done)

    def after_institutions(self, model) -> None:
        model.resolver_rate[iss.COUNCIL] += self.params.council_fix_rate * self.legitimacy

    def before_learning(self, model) -> None:
        if self.session:
            eff = model.population.efficacy
            eff += self.params.represented_gain * self.represented * (1.0 - eff)
            model.extra_cultivation_hours += self.params.staff_hours_per_session

    def end_of_week(self, model) -> None:
        self.members = self.members[~model.moved[self.members]]  # a member who moved away leaves the seat empty
        if not self.session:
            return
        q = self.params
        model.add_cost("deliberation_council", q.staff_hours_per_session * model.params.cost_staff_hour
                       + self.attended_lot * q.lot_allowance_yuan)
