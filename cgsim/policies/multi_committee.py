"""一区多居: split a large community into several residents' committees.

Source: `002 A2` (Bixi, Changshu: several committees inside each of four
extra-large communities, service areas drawn by population; claimed: smaller
management span, more community staff, management moved down, residents
served better; `002` §4.3-4.4). The number of committees is not given
(`002` #13), so it is a wide parameter.

Mechanism: from the start week the community has ``committees`` committees
instead of one; each new one brings ``staff_share`` of the original
committee's staff hours (more hours per resident). New committees also
receive their share of administrative work (it scales with committee hours),
so only the free part of the new hours reaches residents. Smaller catchments
mean staff walk less and know their households: each outreach hour reaches
``span_gain`` more households for every extra committee, which asks
residents to take part and makes them aware of their (nearer) committee.
Staff hours are costed in the committee line; each new committee adds office
running costs. Touches: ``committee.extra_hours``; contacts
(``population.asked`` / ``aware``) before outreach.
"""

from __future__ import annotations

from ..dynamics import outreach
from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class MultiCommitteeParams(PolicyParams):
    committees: int = p(2, 1, 8, "committees", "002 A2 (several per extra-large community; number not given, #13)",
                        "Committees the community is split into.", "policy")
    staff_share: float = p(0.6, 0.0, 1.5, "share of the original committee's hours", "002 A2 (充实社区管理力量); "
                           "level assumption", "Staff hours of each new committee, relative to the original.",
                           "policy")
    span_gain: float = p(0.3, 0.0, 2.0, "relative gain per extra committee", "002 A2 (缩小管理跨度); size assumption",
                         "Extra households reached per outreach hour, relative, thanks to smaller catchments.",
                         "policy")
    office_cost_week: float = p(700.0, 0.0, 10_000.0, "yuan/week per new committee", "assumption",
                                "Office rent and running costs of each new committee.", "policy")


@register
class MultiCommittee(Policy):
    id = "multi_committee"
    aliases = ("一区多居",)
    summary = "More committees per population: extra staff hours and smaller catchments reached more often."
    source = "002 A2"
    Params = MultiCommitteeParams

    def start(self, model) -> None:
        q, rc = self.params, model.committee
        self.added_hours = (q.committees - 1) * q.staff_share * rc.staff * rc.hours_per_staff
        rc.extra_hours += self.added_hours

    def stop(self, model) -> None:
        model.committee.extra_hours -= self.added_hours

    def before_outreach(self, model) -> None:
        q, p, pop = self.params, model.params, model.population
        extra = model.committee.outreach_contacts(p) * q.span_gain * (q.committees - 1)
        h = model.hierarchy.n_households
        hit = outreach.household_contacts(extra, h, pop.household, model.uniform("multi_committee:visits", h))
        outreach.apply_contacts(pop, hit, p.awareness_on_contact, model.uniform("multi_committee:aware"))

    def end_of_week(self, model) -> None:
        model.add_cost("multi_committee", (self.params.committees - 1) * self.params.office_cost_week)
