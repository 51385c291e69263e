"""Social organisations and social workers (社会组织, 社工) (`001 §1.3`, `003 例6`).

Placed social workers run programmes for a target group (vulnerable
residents, youth, migrants or all): each programme is an activity open to
that group, staff contact members of the group, and part of their time
cultivates resident groups (raising capacity C, `003 例1` M1). Purchase of
services (三社联动) adds staff and funds.
"""

from __future__ import annotations

import mesa


class NGO(mesa.Agent):
    def __init__(self, model, staff: int, hours_per_staff: float, target: str):
        super().__init__(model)
        self.staff = staff
        self.hours_per_staff = hours_per_staff
        self.target = target
        self.programme_credit = 0.0
        self.n_programmes = 0

    @property
    def hours(self) -> float:
        return self.staff * self.hours_per_staff

    def plan_week(self, p) -> None:
        self.programme_credit += 0.5 * self.hours / p.hours_per_activity
        self.n_programmes = int(self.programme_credit)
        self.programme_credit -= self.n_programmes

    def contacts(self, p) -> float:
        return 0.3 * self.hours * p.contacts_per_outreach_hour

    def cultivation_hours(self) -> float:
        return 0.2 * self.hours
