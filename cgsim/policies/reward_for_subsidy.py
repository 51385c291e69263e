"""以奖代补: the government rewards co-built projects after results instead of paying up front.

Source: `000` tool section 发展共建 (L13; §1A.2 of the note): under 共同缔造 the
government uses 以奖代补 (pays out after results) while residents contribute
money, materials, labour and ideas (出钱、出物、出力、出办法), moving them from
"要我建" to "我要建" (`000 §4.2`). The sources give no match ratio or
amounts.

Mechanism: residents who face an open community issue (a co-built project:
environment, facilities) know that what they put in will be matched, so their
contribution goes further: co-production gets ``incentive · ln(1 + match_ratio)``
extra log-odds. When such an issue is settled with residents' contributions, the
government pays ``match_ratio`` times their value (stints × hours × labour value),
within a yearly budget, and the reward buys improvements that raise the
public good of the project's building (of every building of its estate for an
estate-wide project, MODEL.md §3.5). Nothing is paid where nothing is co-built.
Touches: ``extra_utility`` (co-production), ``public_good``, costs.
"""

from __future__ import annotations

import numpy as np

from ..dynamics import issues as iss
from ..params import p
from ..population import COPROD
from .base import Policy, PolicyParams
from .registry import register


class RewardForSubsidyParams(PolicyParams):
    match_ratio: float = p(1.0, 0.0, 5.0, "yuan of reward per yuan contributed", "000 tool section (以奖代补); "
                           "ratio assumption", "Government reward per unit of residents' contribution.", "policy")
    incentive: float = p(0.8, 0.0, 3.0, "log-odds per ln(1 + ratio)", "000 §4.2 (要我建 → 我要建); "
                         "assumption", "How much a matched contribution raises willingness to co-produce.", "policy")
    labour_value: float = p(25.0, 0.0, 200.0, "yuan/hour", "assumption",
                            "Value of one hour of residents' contribution (money, materials or labour).", "policy")
    budget: float = p(50.0, 0.0, 1000.0, "yuan/household-year", "assumption",
                      "Yearly cap on rewards paid.", "policy")
    public_good_per_kyuan: float = p(0.02, 0.0, 1.0, "public-good units per 1,000 yuan", "assumption",
                                     "Public-good rise a reward buys for the project's building (each building of "
                                     "its estate if estate-wide).", "policy")
    verify_hours: float = p(2.0, 0.0, 40.0, "staff hours/project", "000 tool section (pay after results)",
                            "Staff time to check a project's results before paying.", "policy")


@register
class RewardForSubsidy(Policy):
    id = "reward_for_subsidy"
    aliases = ("以奖代补",)
    summary = "Government matches residents' contributions to co-built projects, paid after results."
    source = "000 tool section (发展共建, 以奖代补)"
    Params = RewardForSubsidyParams

    def start(self, model) -> None:
        self.left = self.params.budget * model.hierarchy.n_households
        self.watch = np.empty(0, np.int64)

    def end_of_year(self, model) -> None:
        self.left = self.params.budget * model.hierarchy.n_households

    def before_participation(self, model) -> None:
        pop, book = model.population, model.issues
        _, target = book.exposure(pop.building, pop.estate)
        co_built = (target >= 0) & (book.kind[np.maximum(target, 0)] == iss.COMMUNITY)
        model.extra_utility[co_built, COPROD] += self.params.incentive * np.log1p(self.params.match_ratio)

    def after_institutions(self, model) -> None:
        book = model.issues
        ids = np.flatnonzero(book.open_mask)
        self.watch = ids[(book.kind[ids] == iss.COMMUNITY) & (book.coproducers[ids] > 0)]

    def end_of_week(self, model) -> None:
        q, book = self.params, model.issues
        done = self.watch[book.status[self.watch] == iss.SETTLED]  # co-built and settled this week
        if done.size == 0:
            return
        value = book.coproducers[done] * model.params.hours_coproduction * q.labour_value
        reward = q.match_ratio * value
        reward *= min(1.0, self.left / max(float(reward.sum()), 1e-9))  # within what is left of the budget
        self.left -= float(reward.sum())
        # improvements for the project's building, or for every building of its estate if it was estate-wide
        model.public_good += book.to_buildings(done, reward / 1000.0 * q.public_good_per_kyuan)
        np.clip(model.public_good, 0, 1, out=model.public_good)
        paid = np.count_nonzero(reward)
        model.add_cost("reward_for_subsidy", float(reward.sum()) + paid * q.verify_hours * model.params.cost_staff_hour)
