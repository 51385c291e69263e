"""Residents' committee (居委会): hours, administrative load first, then resident work.

Administrative work pushed down by the street office consumes staff hours
first (`001 §1.1`: 88% of staff name it the main difficulty; `003 例6`
"上面千条线,下面一根针"). What is left is split between answering residents,
organising activities, outreach visits and convening meetings. Under upward
evaluation part of the free time still goes to compliance with inspections;
satisfaction-based evaluation (`001 §3.4.2`, `003 例1`) returns it to
resident service. How much of the committee's time residents see spent on
administration drives whether they see it as a government agent
(`003 例6` Q25).
"""

from __future__ import annotations

import mesa
import numpy as np

from ..dynamics.capacity import clip01_scalar


class ResidentsCommittee(mesa.Agent):
    def __init__(self, model, staff: int, hours_per_staff: float):
        super().__init__(model)
        self.staff = staff
        self.hours_per_staff = hours_per_staff
        self.activity_credit = 0.0
        self.meeting_credit = 0.0
        self.extra_hours = 0.0  # hours added by policies this week (e.g. more committees)
        self.reset_week()

    def reset_week(self) -> None:
        self.total_hours = self.admin_hours = self.free_hours = 0.0
        self.response_hours = self.activity_hours = self.outreach_hours = self.meeting_hours = 0.0
        self.compliance_hours = 0.0
        self.n_activities = self.n_meetings = 0
        self.response_capacity = 1.0

    @property
    def admin_share(self) -> float:
        return self.admin_hours / self.total_hours if self.total_hours else 0.0

    def plan_week(self, p, street, allocation: dict[str, float] | None = None) -> None:
        """Take administrative work first; split the rest (phase 2)."""
        self.reset_week()
        self.total_hours = self.staff * self.hours_per_staff + self.extra_hours
        self.admin_hours = min(self.total_hours, street.push_admin_work(self.total_hours))
        self.free_hours = self.total_hours - self.admin_hours
        shares = dict(response=p.rc_share_response, activities=p.rc_share_activities,
                      outreach=p.rc_share_outreach, deliberation=p.rc_share_deliberation)
        if allocation:
            shares.update(allocation)
        tot = sum(shares.values()) or 1.0
        compliance = p.upward_compliance if street.evaluation_regime == "upward" else 0.0
        usable = self.free_hours * (1.0 - compliance)
        self.compliance_hours = self.free_hours - usable
        self.response_hours = usable * shares["response"] / tot
        self.activity_hours = usable * shares["activities"] / tot
        self.outreach_hours = usable * shares["outreach"] / tot
        self.meeting_hours = usable * shares["deliberation"] / tot
        self.activity_credit += self.activity_hours / p.hours_per_activity
        self.n_activities = int(self.activity_credit)
        self.activity_credit -= self.n_activities
        self.meeting_credit += self.meeting_hours / p.hours_per_meeting
        self.n_meetings = int(self.meeting_credit)
        self.meeting_credit -= self.n_meetings

    def outreach_contacts(self, p) -> float:
        return self.outreach_hours * p.contacts_per_outreach_hour

    def set_response_capacity(self, p, pending_voices: int, open_issues: int) -> float:
        """Share of this week's demand (pending voices + own issues) the committee can answer (phase 4)."""
        demand = (pending_voices + open_issues) * p.hours_per_voice
        self.response_capacity = 1.0 if demand <= 0 else clip01_scalar(self.response_hours / demand)
        return self.response_capacity
