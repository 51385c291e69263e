"""志愿积分: points and recognition for volunteering, and what is left when they stop.

Source: `003 例10 M56` (Baibuting, "everyone is a volunteer": outstanding
volunteers get free check-ups and trips); `000 §4` item 9 and the tool
section L5-19 (无酬有奖: no pay but awards; award contests "stimulate
enthusiasm"). Crowding-out when rewards stop is MODEL.md §4's mechanism; the
sources report no removal, so its size is an assumption (motivation-crowding
theory: a rewarded act comes to be done for the reward).

Mechanism: while points run (from the start week until
``incentive_end_week``) every resident gets ``reward_utility`` added to the
activity and co-production channels. Each rewarded act moves the actor's
intrinsic motivation down by ``crowding_rate`` of the way to
``max_crowding``; that deficit is subtracted from the same channels with or
without points and fades back at ``crowding_recovery`` a week. So volunteering
rises while points run and, after they stop, falls below where it would be without the
crowding-out: at the default sizes back to about the status quo (the habits the points built
offset the deficit), below it where the crowding-out is strong (``max_crowding`` 2).
Touches: ``model.extra_utility``; cost of rewards and bookkeeping.
"""

from __future__ import annotations

import numpy as np

from ..params import p
from ..population import ACT, COPROD
from .base import Policy, PolicyParams
from .registry import register

CHANNELS = [ACT, COPROD]


class VolunteerIncentivesParams(PolicyParams):
    reward_utility: float = p(0.8, 0.0, 5.0, "log-odds", "003 例10 M56; 000 §4 item 9; assumption on size",
                              "Pull of points and recognition on activity and co-production while they run.", "policy")
    incentive_end_week: int | None = p(None, 0, 10_000, "week", "MODEL.md §4 (crowding-out when removed)",
                                       "Week the points stop while the policy stays in force to follow the "
                                       "aftermath (none = never).", "timing")
    crowding_rate: float = p(0.3, 0.0, 1.0, "share of the gap per rewarded act", "assumption (motivation crowding)",
                             "How far one rewarded act moves intrinsic motivation toward its full crowding-out.",
                             "policy")
    max_crowding: float = p(0.6, 0.0, 5.0, "log-odds", "assumption (motivation crowding)",
                            "Largest loss of intrinsic motivation from rewarded volunteering.", "policy")
    crowding_recovery: float = p(0.02, 0.0, 1.0, "per week", "assumption",
                                 "Weekly share of the motivation deficit that recovers.", "policy")
    reward_yuan: float = p(20.0, 0.0, 500.0, "yuan per rewarded act", "003 例10 M56 (check-ups, trips); assumption",
                           "Value of the rewards one act of volunteering earns.", "policy")
    admin_hours_per_week: float = p(2.0, 0.0, 40.0, "staff hours/week", "assumption",
                                    "Committee time to keep the points ledger and hand out rewards.", "policy")


@register
class VolunteerIncentives(Policy):
    id = "volunteer_incentives"
    aliases = ("志愿积分",)
    summary = "Points and recognition raise volunteering; rewarded acts crowd out intrinsic motivation."
    source = "003 例10 M56; 000 §4 item 9; assumption (crowding-out)"
    Params = VolunteerIncentivesParams

    def start(self, model) -> None:
        self.deficit = np.zeros(model.population.n)
        self.rewarded = 0

    def _paying(self, week: int) -> bool:
        e = self.params.incentive_end_week
        return e is None or week < e

    def before_participation(self, model) -> None:
        pull = (self.params.reward_utility if self._paying(model.week) else 0.0) - self.deficit
        model.extra_utility[:, CHANNELS] += pull[:, None]

    def before_institutions(self, model) -> None:
        q = self.params
        self.rewarded = 0
        if not self._paying(model.week):
            return
        acts = model.events[:, CHANNELS].sum(axis=1)
        did = acts > 0
        self.deficit[did] += q.crowding_rate * (q.max_crowding - self.deficit[did])
        self.rewarded = int(acts.sum())

    def end_of_week(self, model) -> None:
        q = self.params
        self.deficit *= 1.0 - q.crowding_recovery
        self.deficit[model.moved] = 0.0  # a newcomer's motivation was never crowded out
        if self._paying(model.week):
            model.add_cost("volunteer_incentives", self.rewarded * q.reward_yuan
                           + q.admin_hours_per_week * model.params.cost_staff_hour)
