"""业委会支持/红色物业: a Party branch or studio helps owners form a 业委会; red property embeds the firm.

Source: `001 M18 l.175` ("Party branch first, then owners' committee": where the
property firm's interference had long blocked a 业委会, an estate Party branch
guided owners through the legal procedure); `001 M27 l.175` (the estate branch
supervises the property firm and coordinates it with the owners' committee);
`001 M19 l.179` (branch, owners' committee and firm as "four wheels"); `003 例2 M21` (a Party
secretary's property-management studio 蓉之林 trained owners and helped a
compound set up its 业委会); `003 例6 M22` (Party members should lead in founding
业委会); `003 例10` (embedded property staff who know residents settle disputes
early). Trust comes first (`003 §4.1-2`, 例2): the organiser only lowers the
threshold, owners must still be engaged and trust their neighbours.

Mechanism: from the start week a trusted organiser lowers the share of
mobilised owners an estate needs to form a 业委会 (``model.oc_organiser``), the
branch's supervision of the firm cuts its obstruction, and red property (红色物业:
Party building inside the firm) raises the firm's embeddedness, so the firm
settles property matters sooner and fewer property disputes end in petitions.
The public pays the studio's staff hours.
Touches: ``model.oc_organiser``, ``model.firm`` (obstruction, embeddedness), costs.
"""

from __future__ import annotations

from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class OwnersCommitteeSupportParams(PolicyParams):
    organiser_effect: float = p(0.5, 0.0, 1.0, "share of threshold removed", "001 M18 l.175; 003 例2 M21; "
                                "size assumption", "How much the branch or studio lowers the owners' threshold.",
                                "policy")
    obstruction_cut: float = p(0.5, 0.0, 1.0, "share of obstruction removed", "001 M18, M27 l.175; assumption",
                               "Part of the firm's obstruction the branch's supervision removes.", "policy")
    embeddedness_gain: float = p(0.3, 0.0, 1.0, "share of the gap to 1", "003 例10; 001 M27; assumption",
                                 "How far red property closes the gap to a fully embedded firm.", "policy")
    studio_hours: float = p(10.0, 0.0, 120.0, "staff hours/week", "003 例2 Q9 (studio of 3 staff serving a "
                            "subdistrict); assumption", "Studio time spent on this community.", "policy")


@register
class OwnersCommitteeSupport(Policy):
    id = "owners_committee_support"
    aliases = ("业委会支持", "红色物业")
    summary = "A Party branch or studio lowers the threshold to form a 业委会; red property embeds the firm."
    source = "001 M18, M27 l.175; 001 M19 l.179; 003 例2 M21; 003 例6 M22; 003 例10"
    Params = OwnersCommitteeSupportParams

    def start(self, model) -> None:
        q, firm = self.params, model.firm
        self.before = (model.oc_organiser, firm.obstruction, firm.embeddedness)
        model.oc_organiser = 1.0 - (1.0 - model.oc_organiser) * (1.0 - q.organiser_effect)
        firm.obstruction *= 1.0 - q.obstruction_cut
        firm.embeddedness += q.embeddedness_gain * (1.0 - firm.embeddedness)

    def stop(self, model) -> None:
        model.oc_organiser, model.firm.obstruction, model.firm.embeddedness = self.before

    def end_of_week(self, model) -> None:
        model.add_cost("owners_committee_support", self.params.studio_hours * model.params.cost_staff_hour)
