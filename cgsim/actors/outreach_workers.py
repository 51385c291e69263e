"""Party organisation and grid workers: the people who ask residents to take part.

Party organisation: community committee → estate branches → building groups
(3 tiers, `001 l.139`). Retired members are the activist core (老面孔,
`003 例9`) and ask neighbours to join; in-service members are passive unless
mobilised (双报到, `001 M25`). Grid workers (网格员) visit households in their
grid (≥20 households a pair a month, `001 l.209`; ~400 households a grid,
`000` 案例二), which raises awareness, "being asked" and issue detection; they
are off unless a config sets ``grid_workers_per_grid``.
"""

from __future__ import annotations

import mesa
import numpy as np

from ..population import PARTY_INSERVICE, PARTY_RETIRED


class PartyOrganisation(mesa.Agent):
    TIERS = ("community committee", "estate branch", "building group")

    def __init__(self, model, outreach_rate: float):
        super().__init__(model)
        self.outreach_rate = outreach_rate
        self.mobilised_inservice = None  # bool per resident, set by 双报到

    def askers(self, pop) -> np.ndarray:
        """Residents who ask neighbours this week: engaged retired members (+ mobilised in-service)."""
        a = (pop.party == PARTY_RETIRED) & pop.engaged
        if self.mobilised_inservice is not None:
            a = a | (self.mobilised_inservice & (pop.party == PARTY_INSERVICE))
        return a


class GridWorkers(mesa.Agent):
    def __init__(self, model, per_grid: float, visits_per_month: float, n_grids: int):
        super().__init__(model)
        self.per_grid = per_grid
        self.visits_per_month = visits_per_month
        self.n_grids = n_grids

    @property
    def workers(self) -> float:
        return self.per_grid * self.n_grids

    def visit_prob(self, households_per_grid: np.ndarray) -> np.ndarray:
        """Weekly chance a household in each grid is visited."""
        visits = self.per_grid * self.visits_per_month / 4.33
        return np.clip(visits / np.maximum(households_per_grid, 1), 0, 1)
