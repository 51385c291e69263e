"""满意度评价: the street office evaluates the committee by residents' satisfaction.

Source: `001 M38 §3.4.2 l.231-233` (resident satisfaction as the main
evaluation criterion, replacing one-way top-down assessment); `003 例1 M42`
(give resident satisfaction a reasonable weight so community organisations
answer to residents; `003` §4.23: evaluation design shapes
accountability).

Mechanism: from the start week the evaluation regime switches from upward
inspection to satisfaction, so the committee no longer spends
``upward_compliance`` of its free hours on inspections (the committee's own
rule) and, because residents rate what they experience, it weights
answering their suggestions and issues more in its split of free hours, the
more so the less satisfied they are: each evaluation (at the start, then
every ``evaluation_weeks``) sets the response share to its usual weight x
(1 + ``response_tilt`` x (1 - s) / 0.5), s being residents' mean
satisfaction (so x (1 + tilt) at s = 0.5, less where residents are content).
Satisfaction thereby feeds the committee's decisions. No new staff or
money: the evaluation is a change of rules. Touches:
``street.evaluation_regime`` and the ``response`` share of
``model.committee_allocation``.
"""

from __future__ import annotations

from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class SatisfactionEvaluationParams(PolicyParams):
    response_tilt: float = p(0.5, 0.0, 3.0, "relative increase of the response share", "001 M38 l.231; "
                             "003 例1 M42; size assumption",
                             "How much more weight the committee gives to answering residents once they rate it, "
                             "at mean satisfaction 0.5 (scaled by (1 - satisfaction) / 0.5).",
                             "policy")
    evaluation_weeks: int = p(13, 1, 104, "weeks", "001 M38 (periodic evaluation); assumption on the interval",
                              "Weeks between evaluations (each one resets the response share from residents' "
                              "satisfaction).", "policy")


@register
class SatisfactionEvaluation(Policy):
    id = "satisfaction_evaluation"
    aliases = ("满意度评价",)
    summary = "Evaluation by resident satisfaction: compliance time returns to resident service, answering first."
    source = "001 M38 §3.4.2 l.231-233; 003 例1 M42"
    Params = SatisfactionEvaluationParams

    def start(self, model) -> None:
        alloc = model.committee_allocation
        self.old_regime = model.street.evaluation_regime
        self.had_response = "response" in alloc
        self.old_response = alloc.get("response", model.params.rc_share_response)
        model.street.evaluation_regime = "satisfaction"
        self._evaluate(model)

    def end_of_week(self, model) -> None:
        if (model.week + 1 - self.params.start_week) % self.params.evaluation_weeks == 0:
            self._evaluate(model)

    def _evaluate(self, model) -> None:
        """Residents rate the committee: the less satisfied they are, the more of its free hours go to answering
        them (from next week's plan on)."""
        s = float(model.population.satisfaction.mean())
        gap = min(max(1.0 - s, 0.0), 1.0) / 0.5
        model.committee_allocation["response"] = self.old_response * (1.0 + self.params.response_tilt * gap)

    def stop(self, model) -> None:
        model.street.evaluation_regime = self.old_regime
        if self.had_response:
            model.committee_allocation["response"] = self.old_response
        else:
            model.committee_allocation.pop("response", None)
