"""社区工作准入: a work-access list caps the administrative work pushed onto the committee.

Source: `001 M7 / §3.2 l.163` (Mianyang's access system exists but "in
actual work the RC still bears a great deal of administrative work": it did
not bite); `004 M45 l.84` (Zhuhai's access system is claimed to have
"slimmed down and lightened the burden" on communities). The sources
disagree on whether it works (notes 001/004 §4.12: contested), so
how far the list is enforced is a wide, uncertain parameter.

Mechanism: from the start week the street office may push administrative
work onto the committee only up to ``cap`` (a share of committee hours);
of the work above the cap, ``enforcement`` is actually refused, the rest
still lands on the committee. Freed hours go to resident work (answering,
activities, outreach, meetings), and residents see less administration.
Vetting tasks against the list costs a few street staff hours a week.
Touches: the street office's absorber list (and so committee hours).
"""

from __future__ import annotations

from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class WorkAccessListParams(PolicyParams):
    cap: float = p(0.5, 0.0, 1.5, "share of committee hours", "001 §3.2 l.163; 004 l.84; level assumption",
                   "Administrative work the list admits, as a share of committee hours.", "policy")
    enforcement: float = p(0.5, 0.0, 1.0, "share of excess work", "001 §3.2 l.163 (did not bite, ~0); "
                           "004 M45 l.84 (claimed to work, ~1); contested, assumption",
                           "Share of the work above the cap that is actually refused.", "policy")
    review_hours: float = p(2.0, 0.0, 40.0, "hours/week", "assumption",
                            "Street staff hours a week spent vetting tasks against the list.", "policy")


class AccessFilter:
    """Street-office absorber: keeps work above the cap off the committee, as far as enforced."""

    def __init__(self, committee, cap: float, enforcement: float):
        self.committee, self.cap, self.enforcement = committee, cap, enforcement

    def absorb(self, demand_hours: float) -> float:
        excess = max(demand_hours - self.cap * self.committee.total_hours, 0.0)
        return excess * self.enforcement


@register
class WorkAccessList(Policy):
    id = "work_access_list"
    aliases = ("社区工作准入",)
    summary = "Administrative work above a cap is refused, as far as the list is enforced (contested)."
    source = "001 M7 §3.2 l.163; 004 M45 l.84"
    Params = WorkAccessListParams

    def start(self, model) -> None:
        q = self.params
        self.filter = AccessFilter(model.committee, q.cap, q.enforcement)
        model.street.register_absorber(self.filter)

    def stop(self, model) -> None:
        model.street.unregister_absorber(self.filter)

    def end_of_week(self, model) -> None:
        model.add_cost("work_access_list", self.params.review_hours * model.params.cost_staff_hour)
