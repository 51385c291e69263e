"""三事分流: route each issue to the level that should settle it.

Source: `001 M11 §2.4 l.113` (Chongqing Nan'an: "three-matter diversion"
with community deliberation; claimed: residents' participation rate and
sense of gain 获得感 "greatly improved", notes 001/004 §4.29). The
three matters are not defined in 001; MODEL.md §3.1 reads them as public
matters → government, community matters → residents' deliberation,
private matters → residents themselves.

Mechanism: from the start week new and open issues follow that routing
table (property matters keep their resolver), so government departments
take public matters at their own rate, community matters go to
deliberation, private ones to residents at their capacity C, and the
committee's queue shrinks (it answers suggestions sooner). Residents touched
by a matter settled at their own level (deliberation or themselves) gain
``self_settle_efficacy`` efficacy on top of the usual gain from a settled
issue: they settled it. Triage costs staff time per new issue.
Touches: ``model.routing`` (+ ``model.issues.reroute``); efficacy before
learning.
"""

from __future__ import annotations

import numpy as np

from ..dynamics import issues as iss
from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class ThreeWayRoutingParams(PolicyParams):
    self_settle_efficacy: float = p(0.02, 0.0, 0.5, "0-1 per settled issue", "001 §2.4 l.113 (获得感); "
                                    "003 例6 M14 (no sense of real control); size assumption",
                                    "Efficacy gain of residents touched by a matter settled at their own level.",
                                    "policy")
    triage_hours: float = p(0.5, 0.0, 10.0, "staff hours per issue", "assumption",
                            "Staff time to classify a new issue and pass it on.", "policy")


@register
class ThreeWayRouting(Policy):
    id = "three_way_routing"
    aliases = ("三事分流",)
    summary = "Public matters to government, community matters to deliberation, private matters to residents."
    source = "001 M11 §2.4 l.113"
    Params = ThreeWayRoutingParams

    def start(self, model) -> None:
        self.old_routing = model.routing
        routing = model.routing.copy()
        routing[[iss.PUBLIC, iss.COMMUNITY, iss.PRIVATE]] = (iss.GOV, iss.COUNCIL, iss.RESIDENTS)
        model.routing = routing
        model.issues.reroute(routing)
        self.n_seen = model.issues.n

    def stop(self, model) -> None:
        model.routing = self.old_routing
        model.issues.reroute(self.old_routing)

    def after_institutions(self, model) -> None:
        book = model.issues
        ids = np.flatnonzero(book.open_mask)
        self.own_level = ids[np.isin(book.resolver[ids], (iss.COUNCIL, iss.RESIDENTS))]

    def before_learning(self, model) -> None:
        book, pop = model.issues, model.population
        done = self.own_level[book.status[self.own_level] == iss.SETTLED]
        if done.size:
            hit = book.affected(done, pop.building, pop.estate)
            pop.efficacy[hit] += self.params.self_settle_efficacy * (1.0 - pop.efficacy[hit])

    def end_of_week(self, model) -> None:
        new = model.issues.n - self.n_seen
        self.n_seen = model.issues.n
        model.add_cost("three_way_routing", new * self.params.triage_hours * model.params.cost_staff_hour)
