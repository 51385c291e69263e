"""阶段匹配: government intervention intensity matched to the community's self-governance stage.

Source: `003 例1 M1` (government as guardian: 抚养培育 → 辅助成长 → 指导监督
matched to society's 索取依赖 → 学习进步 → 成熟独立; "should not let go" while
organisations are young, "adjust the degree and domains of intervention in
time" as they mature); `003` §4.22 (withdrawing early and
over-administering are both failure modes; the encoding sketch's check:
stage-matched beats always-strong and early withdrawal on long-run C).

Mechanism: ``mode='adaptive'`` reviews capacity C every ``review_weeks`` and
sets the street office's intervention intensity for the stage C is in
(high while dependent, middle while learning, low once mature).
``always_strong`` keeps the dependent-stage intensity throughout;
``early_withdrawal`` drops at once to the mature-stage intensity. Capacity
dynamics do the rest: strong government at high C crowds out
self-governance, weak government at low C lets it collapse. The cost line is
government staff time relative to the status-quo intensity (negative when
the government does less). It sets the intensity through its own shift from
the neighbourhood's level (``street.shift_intensity``), so what other policies
add (grid management) stays on top of it.
Touches: ``street.gov_intensity`` (its own shift).
"""

from __future__ import annotations

from typing import Literal

from ..params import choice, p
from .base import Policy, PolicyParams
from .registry import register


class StageMatchedGovernmentParams(PolicyParams):
    mode: Literal["adaptive", "always_strong", "early_withdrawal"] = choice(
        "adaptive", "category", "003 例1 M1; 003 §4.22",
        "adaptive: intensity by stage; always_strong: nurturing intensity throughout; "
        "early_withdrawal: supervision-only intensity from the start.", "policy")
    intensity_dependent: float = p(0.9, 0.0, 1.0, "0-1 scale", "003 例1 M1 (抚养培育; level assumption)",
                                   "Intervention intensity while C is in the dependent stage.", "policy")
    intensity_learning: float = p(0.5, 0.0, 1.0, "0-1 scale", "003 例1 M1 (辅助成长; level assumption)",
                                  "Intervention intensity while C is in the learning stage.", "policy")
    intensity_mature: float = p(0.2, 0.0, 1.0, "0-1 scale", "003 例1 M1 (指导监督; level assumption)",
                                "Intervention intensity once C is mature.", "policy")
    review_weeks: int = p(13, 1, 104, "weeks", "003 例1 M1 ('adjust in time'); interval assumption",
                          "Weeks between reviews of the stage (adaptive mode).", "policy")
    gov_hours_full: float = p(40.0, 0.0, 400.0, "hours/week at intensity 1", "assumption",
                              "Government staff time of direct management at full intensity.", "policy")


@register
class StageMatchedGovernment(Policy):
    id = "stage_matched_government"
    aliases = ("阶段匹配",)
    summary = "Government intensity follows capacity C's stage (or stays strong, or withdraws early)."
    source = "003 例1 M1"
    Params = StageMatchedGovernmentParams

    def start(self, model) -> None:
        self.started_week = model.week
        self.shift = 0.0

    def stop(self, model) -> None:
        model.street.shift_intensity(self, None)

    def target(self, stage: int) -> float:
        q = self.params
        by_stage = (q.intensity_dependent, q.intensity_learning, q.intensity_mature)
        if q.mode == "always_strong":
            return q.intensity_dependent
        if q.mode == "early_withdrawal":
            return q.intensity_mature
        return by_stage[stage]

    def before_issues(self, model) -> None:
        if (model.week - self.started_week) % self.params.review_weeks == 0:
            # its own change from the neighbourhood's level: other policies' changes (grid management) stay
            street = model.street
            self.shift = self.target(model.capacity_stage) - street.base_intensity
            street.shift_intensity(self, self.shift)

    def end_of_week(self, model) -> None:
        extra_hours = self.shift * self.params.gov_hours_full
        model.add_cost("stage_matched_government", extra_hours * model.params.cost_staff_hour)
