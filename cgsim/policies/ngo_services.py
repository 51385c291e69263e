"""三社联动/政府购买服务: the government buys social-work services for a target group.

Source: `001 §1.3 l.57` (social organisations weak, few social workers:
Mianyang 23 organisations and 300+ workers; Chengdu ~1.1 professionals per
community); `001 M10 l.99-107` (functions transferred to social organisations
by purchase of services); `001 M34 l.197-203` (cultivation through project
subsidies and purchase of services); `003 例6 M44` (project management and
purchase of services for social organisations, targeted and single-function);
`002 C3` (purchases aimed at "4050" unemployed and people in difficulty).

Mechanism: the contract adds ``staff`` social workers to the community's NGO and
sets its ``target`` group; through the NGO actor they run programmes (activities
open to the group, with seats), contact its members (asked, aware) and spend
part of their time cultivating resident groups, which raises capacity ``C``.
The model charges their hours under "ngo"; the contract adds a budget per
programme.
Touches: ``model.ngo`` (staff, target), costs.
"""

from __future__ import annotations

from typing import Literal

from ..params import choice, p
from .base import Policy, PolicyParams
from .registry import register


class NgoServicesParams(PolicyParams):
    staff: int = p(2, 0, 50, "social workers", "001 §1.3 l.57 (Chengdu ~1.1 per community); assumption",
                   "Social workers the contract places in the community.", "policy")
    target: Literal["vulnerable", "youth", "migrants", "all"] = choice(
        "vulnerable", "category", "001 M40 l.243; 002 C3; 003 例6", "Group the purchased programmes serve.",
        "policy")
    programme_budget: float = p(300.0, 0.0, 10_000.0, "yuan/programme", "001 M34 (project subsidies); "
                                "amount assumption", "Materials and venue money per programme.", "policy")


@register
class NgoServices(Policy):
    id = "ngo_services"
    aliases = ("三社联动", "政府购买服务")
    summary = "Government buys social workers' programmes for a target group; they also cultivate resident groups."
    source = "001 §1.3 l.57; 001 M10, M34; 003 例6 M44; 002 C3"
    Params = NgoServicesParams

    def start(self, model) -> None:
        ngo = model.ngo
        self.before = (ngo.staff, ngo.target)
        ngo.staff += self.params.staff
        ngo.target = self.params.target

    def stop(self, model) -> None:
        model.ngo.staff, model.ngo.target = self.before

    def end_of_week(self, model) -> None:
        model.add_cost("ngo_services", model.ngo.n_programmes * self.params.programme_budget)
