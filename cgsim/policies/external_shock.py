"""外部冲击: an outside project (metro construction, demolition, pollution) lands on a few estates at once.

Not a governance policy but an event to test governance against, scheduled like one. Source:
`003 例2 M20, Q5, Q8` (Metro Line 10 construction beside one neighbourhood in October 2007: with
prior trust and the committee and Party branch speaking for residents, the shock passed with no
petition at all); `003 例3` (demolition and pollution bring petitions a community cannot settle);
`003 例2 §4.2` (stylised fact: trust before mobilisation).

Mechanism: in the start week ``issues`` issues of kind ``kind`` and salience ``salience`` open in
every building of each of ``estates`` estates (drawn from the policy's own stream; every estate if
the community has fewer): the project affects every household there, and each building raises its
own grievance (losses, safety), so every resident of a hit estate faces one. From then on they are
ordinary issues (ODD §7.2): routed by the
routing table in force (a public matter goes to the committee in the status quo, to government
under three-way routing), the most salient issue their residents see (so they weigh on voice and
deliberation), settled at their resolver's rate, disputed when old and salient, and petitioned in
proportion to the estate's distrust of the committee, which is where prior trust keeps a shock
quiet. ``end_week`` ends nothing: the issues stay until settled. It acts once (``one_off``), so
several shocks may be listed; shocks in the same start week draw the same estates (give one shock
more ``estates`` instead). Common random numbers hold up to the start week; after it, issues'
settlement draws are taken in the order of the open issues, so the shock's issues also move the
draws of later issues (issue-level noise in the paired difference, not only the shock's effect).
Touches: ``model.issues`` (new issues, through ``IssueBook.add``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..dynamics import issues as iss
from ..params import choice, p
from .base import Policy, PolicyParams
from .registry import register

KINDS = {"public": iss.PUBLIC, "community": iss.COMMUNITY, "property": iss.PROPERTY}


class ExternalShockParams(PolicyParams):
    issues: int = p(1, 1, 20, "issues per building", "003 例2 Q5, M20 (one project; every household's losses); "
                    "assumption", "Issues the shock opens in each building of an estate it hits.", "policy")
    estates: int = p(1, 1, 1000, "estates", "003 例2 Q5 (one neighbourhood beside the works); assumption",
                     "Estates the shock hits (every estate if the community has fewer).", "policy")
    salience: float = p(0.95, 0.0, 1.0, "0-1 scale", "003 例2 M20 (residents' losses, building safety); "
                        "assumption", "How much the shock's issues matter to the residents who face them.",
                        "policy")
    kind: Literal["public", "community", "property"] = choice(
        "public", "", "003 例2 (a municipal project: a public matter); 003 例3",
        "Kind of issue, which decides who it is routed to: public, community or property.", "policy")


@register
class ExternalShock(Policy):
    id = "external_shock"
    aliases = ("外部冲击",)
    summary = ("An outside project (e.g. metro construction) opens salient issues in every building of a few "
               "estates at once: a stress test of trust, routing and petitions.")
    source = "003 例2 M20, Q5, Q8; 003 例3"
    Params = ExternalShockParams
    one_off = True

    def start(self, model) -> None:
        q, hier, book = self.params, model.hierarchy, model.issues
        k = min(q.estates, hier.n_estates)
        g = model.streams.gen("external_shock:estates", model.week)
        hit = np.sort(g.choice(hier.n_estates, size=k, replace=False))
        buildings = np.flatnonzero(np.isin(book.building_estate, hit))
        building = np.repeat(buildings, q.issues)
        m = building.size
        self.issue_ids = book.add(building, np.full(m, KINDS[q.kind], np.int8), np.full(m, q.salience),
                                  np.zeros(m, bool), model.week, model.routing, origin=self.id)
        self.estates_hit = hit
