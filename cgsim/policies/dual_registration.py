"""双报到: in-service Party members register where they live and serve there.

Source: `001 M25 l.147-149` (in-service members register with their
residential community, join the estate Party-member volunteer team and claim
posts; enforced by work-unit supervision, an annual appraisal by the estate
branch used in promotion, and a check of conduct "outside the 8 hours");
`001 M16 l.147` (duty roster, monthly public posting); `003 例6 M22` (红细胞:
the visible effect came from rigid organisational constraint; turning it into
endogenous participation is an open problem; `003 §4` item 17); `003 例9`
(in-service members passive where they live).

Mechanism: every in-service member (floating members excluded) registers. Each
week a member is on duty with the chance implied by the hours committed a
month, and serves if intrinsically motivated or, while enforcement lasts, with
chance ``enforcement``. Serving members are asked by the branch, get a
volunteer post (an activity opportunity with a seat and ``duty_boost``) and
ask their neighbours to join; having reported to the community, they know its
committee. Each week a member actually serves (an activity that week) turns
their motivation intrinsic with chance ``conversion_rate``; after ``enforcement_end_week`` only
converted members keep serving, so the effect fades unless conversion took
hold.
Touches: ``model.party.mobilised_inservice``, ``population.asked`` / ``aware``,
``model.extra_utility``, ``model.opportunity``, ``model.seats``; cost of the
branch's roster and appraisal time.
"""

from __future__ import annotations

import numpy as np

from ..params import p
from ..population import ACT, PARTY_INSERVICE
from .base import Policy, PolicyParams
from .registry import register

WEEKS_PER_MONTH = 52 / 12


class DualRegistrationParams(PolicyParams):
    hours_per_month: float = p(4.0, 0.0, 40.0, "hours/member-month", "001 M25 l.149 (members claim posts); assumption",
                               "Volunteer hours a registered member commits a month (duty weeks = hours / "
                               "hours_activity).", "policy")
    enforcement: float = p(0.8, 0.0, 1.0, "probability", "001 M25 l.149 (work-unit supervision, appraisal, "
                           "promotion check); 001 M16 l.147 (public roster); assumption",
                           "Chance a member without intrinsic motivation serves a duty week while enforced.", "policy")
    enforcement_end_week: int | None = p(None, 0, 10_000, "week", "003 例6 M22 (effect rests on constraint)",
                                         "Week enforcement lapses while members stay registered (none = never).",
                                         "timing")
    conversion_rate: float = p(0.01, 0.0, 1.0, "per week served", "003 例6 M22 (conversion an open problem); "
                               "assumption", "Chance a week served turns a member's motivation intrinsic.", "policy")
    duty_boost: float = p(1.0, 0.0, 5.0, "log-odds", "001 M25; assumption",
                          "Activity-channel bonus of a member serving this week (a claimed post).", "policy")
    admin_hours_per_member: float = p(0.5, 0.0, 10.0, "staff hours/member-month", "001 M25 l.149 (annual "
                                      "appraisal, roster); assumption",
                                      "Estate-branch time to keep the roster and appraise a member.", "policy")


@register
class DualRegistration(Policy):
    id = "dual_registration"
    aliases = ("双报到",)
    summary = ("In-service Party members serve where they live while enforced; the effect fades after "
               "enforcement lapses unless it became intrinsic.")
    source = "001 M25 l.147-149; 001 M16 l.147; 003 例6 M22"
    Params = DualRegistrationParams

    def start(self, model) -> None:
        pop = model.population
        self.registered = pop.party == PARTY_INSERVICE
        self.intrinsic = np.zeros(pop.n, bool)
        self.serving = np.zeros(pop.n, bool)
        model.party.mobilised_inservice = self.serving

    def stop(self, model) -> None:
        model.party.mobilised_inservice = None

    def _enforced(self, week: int) -> bool:
        e = self.params.enforcement_end_week
        return e is None or week < e

    def before_outreach(self, model) -> None:
        q, pop = self.params, model.population
        u = model.uniform("dual_registration:duty", (2, pop.n))
        duty = self.registered & (u[0] < q.hours_per_month / (WEEKS_PER_MONTH * model.params.hours_activity))
        comply = self.intrinsic | (self._enforced(model.week) & (u[1] < q.enforcement))
        self.serving[:] = duty & comply  # the array the Party organisation reads as mobilised members
        pop.asked |= self.serving
        pop.aware |= self.serving  # a member who reported to the community (报到) knows its committee

    def before_participation(self, model) -> None:
        s = self.serving
        model.extra_utility[s, ACT] += self.params.duty_boost
        model.opportunity[s, ACT] = True
        model.seats[0] += np.bincount(model.population.estate[s], minlength=model.seats.shape[1])

    def end_of_week(self, model) -> None:
        q = self.params
        u = model.uniform("dual_registration:conversion")
        # motivation turns intrinsic through service actually done, not through being on the roster
        self.intrinsic |= self.serving & model.events[:, ACT] & (u < q.conversion_rate)
        self.intrinsic[model.moved] = False  # a newcomer (same household type, a new person) starts unconverted
        hours = self.registered.sum() * q.admin_hours_per_member / WEEKS_PER_MONTH
        model.add_cost("dual_registration", hours * model.params.cost_staff_hour)
