"""中心户 / 楼栋长: one elected intermediary household per 10-15 households.

Source: `000 案例三 L166` (Gaobazhou 和谐共建中心户: one central household per
10-15 households, democratically elected by area; organises the five mutuals
(mediation, aid, help, learning, watch); unpaid but rewarded from a village
fund, with training and ranking); `000 案例三 L140` and `000 §4` item 5
(after mergers cadres fell by >70%, contact thinned, participation fell);
`000 §4` item 8 (small-unit intermediaries restore organisation);
`000 案例二` (building heads as grid assistants); `003 例7 M49-M50` (unit and
courtyard heads for "the last kilometre").

Mechanism: households are grouped by building into clusters of
``households_per_intermediary``; each cluster elects the aware, engaged adult
with the most ties (trust in neighbours breaks ties), every year; a head who
is no longer engaged (dropped out or moved) is replaced at once. Clusters
with no engaged adult get no intermediary. Each week an intermediary visits
``visits_per_week`` households of the cluster: their adults are asked to take
part and may learn of the committee, and a visit may turn into a tie with the
intermediary (a shorter contact distance).
Touches: ``population.asked`` / ``aware``, ``model.network.add_ties``; cost of
awards and training.
"""

from __future__ import annotations

import numpy as np

from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class IntermediaryHouseholdsParams(PolicyParams):
    households_per_intermediary: int = p(12, 2, 200, "households", "000 案例三 L166 (one per 10-15)",
                                         "Households one intermediary serves.", "policy")
    visits_per_week: float = p(1.0, 0.0, 20.0, "households/intermediary-week", "000 案例三 L166 (五互); assumption",
                               "Households an intermediary calls on a week.", "policy")
    tie_rate: float = p(0.3, 0.0, 1.0, "per visited adult", "000 案例三 L166 (five-level network); assumption",
                        "Chance a visit makes a lasting tie between the intermediary and a visited adult.", "policy")
    award_yuan_per_year: float = p(200.0, 0.0, 5000.0, "yuan/intermediary-year", "000 案例三 L166 (无酬有奖 reward "
                                   "fund); assumption on amount", "Awards paid to an intermediary a year.", "policy")
    training_hours_per_year: float = p(8.0, 0.0, 200.0, "staff hours/intermediary-year", "000 案例三 L166 "
                                       "(regular training, assessment); assumption",
                                       "Committee time to train and assess an intermediary.", "policy")


@register
class IntermediaryHouseholds(Policy):
    id = "intermediary_households"
    aliases = ("中心户", "楼栋长")
    summary = "Elected intermediary households visit 10-15 neighbours, asking them in and knitting ties."
    source = "000 案例三 L140, L166; 000 案例二; 003 例7 M49-M50"
    Params = IntermediaryHouseholdsParams

    def start(self, model) -> None:
        hier, size = model.hierarchy, self.params.households_per_intermediary
        b = hier.hh_building
        first = np.searchsorted(b, b)  # households are numbered building by building
        cluster = np.unique(b * hier.n_households + (np.arange(hier.n_households) - first) // size,
                            return_inverse=True)[1]
        self.hh_cluster = cluster
        self.n_clusters = int(cluster.max()) + 1
        self.cluster_households = np.bincount(cluster, minlength=self.n_clusters)
        self.visited = np.zeros(model.population.n, bool)
        self.head = self._elect(model)

    def _elect(self, model) -> np.ndarray:
        """Per cluster, the aware and engaged adult with most ties (-1 where none is engaged)."""
        pop = model.population
        cl = self.hh_cluster[pop.household]
        ok = np.flatnonzero(pop.engaged & pop.aware)
        order = ok[np.lexsort((pop.trust_gen[ok], model.network.degree[ok], cl[ok]))]
        head = np.full(self.n_clusters, -1, np.int64)
        head[cl[order]] = order  # last write per cluster = highest degree, then trust
        return head

    def end_of_year(self, model) -> None:
        self.head = self._elect(model)

    def before_outreach(self, model) -> None:
        pop, q = model.population, self.params
        sitting = (self.head >= 0) & pop.engaged[np.maximum(self.head, 0)]
        if not sitting.all():  # by-elections where a head dropped out or moved (or none was found)
            self.head = np.where(sitting, self.head, self._elect(model))
        has = self.head >= 0
        prob = np.where(has, q.visits_per_week / self.cluster_households, 0.0)
        u_hh = model.uniform("intermediary_households:visit", model.hierarchy.n_households)
        self.visited = (u_hh < prob[self.hh_cluster])[pop.household]
        self.visited[self.head[has]] = False  # an intermediary does not visit himself
        pop.asked |= self.visited
        u = model.uniform("intermediary_households:aware")
        pop.aware |= self.visited & (u < model.params.awareness_on_contact)

    def end_of_week(self, model) -> None:
        pop, q = model.population, self.params
        u = model.uniform("intermediary_households:tie")
        who = np.flatnonzero(self.visited & (u < q.tie_rate))
        model.network.add_ties(who, self.head[self.hh_cluster[pop.household[who]]])
        n = int(np.count_nonzero(self.head >= 0))
        model.add_cost("intermediary_households", n * (q.award_yuan_per_year
                                                       + q.training_hours_per_year * model.params.cost_staff_hour) / 52)
