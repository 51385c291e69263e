"""网格化: grid workers visit households and find and handle issues; the grid is also the state.

Source: `000 案例二 L89-103` (Haihong: ~400 households a grid; each grid
manager visits >=60 households on >=10 days a month; discovery, handling,
results fed back; all 10 disputes settled in the grid; "有事就找网格管理员");
`002 B3` (one community worker per grid of 4-5 buildings); `001 M20 l.185`,
`001 M22 l.209` (>=20 households a month per pair); `002 §4` item 8 (grids
improve detection and response, not participation); `003 例10 M48` (the grid
manager as a micro government-service centre; street staff moved into
grids); `003 例3 M7` and `003 例1` (embedded, administrative organisation
crowds out self-governance: "行政有效,治理无效").

Mechanism: from the start week the model's grid workers (``model.grid``) are
staffed at ``workers_per_grid`` with ``visits_per_month`` household visits
each; the model turns visits into "asked" and awareness and charges their
staff time (cost label ``grid_workers``). Each week an open issue is found
with chance 1 - exp(-``detection`` x visits to its building or estate), and
grid workers handle found issues on the spot: the committee's weekly
settlement rate rises by ``handling`` x the share of its open issues found.
Visits also make residents see the committee as an arm of the state
(``admin_push`` x weekly visit chance, toward 'government'), and the grid adds
``gov_intensity_added`` to the strength of direct government management,
which crowds out capacity C where C is already high.
Touches: ``model.grid``, ``model.street.gov_intensity``, ``model.resolver_rate``,
``population.admin_perception``.
"""

from __future__ import annotations

import numpy as np

from ..dynamics import issues as iss
from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class GridManagementParams(PolicyParams):
    workers_per_grid: float = p(1.0, 0.1, 5.0, "workers per grid", "002 B3 (one per 4-5 buildings); 000 案例二",
                                "Grid workers per grid.", "policy")
    visits_per_month: float = p(60.0, 0.0, 200.0, "households/worker-month", "000 案例二 L99 (>=60); 001 M22 "
                                "l.209 (>=20 per pair)", "Household visits a grid worker makes a month.", "policy")
    detection: float = p(0.3, 0.0, 1.0, "per visit", "000 案例二 L97 (discovery); assumption",
                         "Chance one visit to a building (or estate) finds a given open issue there.", "policy")
    handling: float = p(0.03, 0.0, 1.0, "per week", "000 案例二 L97-103 (routine events handled on the spot, "
                        "results fed back), L93 (10 of 10 disputes settled in the grid); assumption",
                        "Extra weekly chance that a found issue routed to the committee is settled.", "policy")
    admin_push: float = p(0.05, 0.0, 1.0, "0-1 scale per visit", "003 例10 M48; assumption",
                          "How far a visit moves perceived administrativisation toward 'government'.", "policy")
    gov_intensity_added: float = p(0.1, 0.0, 1.0, "0-1 scale", "003 例10 M48; 003 例3 M7; 003 例1",
                                   "Rise in the strength of direct government management.", "policy")


@register
class GridManagement(Policy):
    id = "grid_management"
    aliases = ("网格化",)
    summary = ("Grid workers visit households, find and handle issues, and make the committee look more like "
               "the state.")
    source = "000 案例二; 002 B3; 001 M20, M22; 003 例10 M48; 003 例3 M7"
    Params = GridManagementParams

    def start(self, model) -> None:
        q, grid, street = self.params, model.grid, model.street
        self.saved = (grid.per_grid, grid.visits_per_month)
        grid.per_grid, grid.visits_per_month = q.workers_per_grid, q.visits_per_month
        street.shift_intensity(self, q.gov_intensity_added)
        self.found = np.zeros(0, bool)

    def stop(self, model) -> None:
        model.grid.per_grid, model.grid.visits_per_month = self.saved
        model.street.shift_intensity(self, None)

    def _household_visit_prob(self, model) -> np.ndarray:
        return model.grid.visit_prob(model.grid_households)[model.hierarchy.hh_grid]

    def after_institutions(self, model) -> None:
        q, book, hier = self.params, model.issues, model.hierarchy
        if self.found.size < book.n:
            self.found = np.concatenate([self.found, np.zeros(book.n - self.found.size, bool)])
        v = self._household_visit_prob(model)
        per_building = np.bincount(hier.hh_building, v, hier.n_buildings)
        per_estate = np.bincount(hier.hh_estate, v, hier.n_estates)
        ids = np.flatnonzero(book.open_mask & ~self.found[: book.n])
        visits = np.where(book.estate_wide[ids], per_estate[book.estate[ids]], per_building[book.building[ids]])
        u = model.streams.keyed_uniform("grid_management:detect", model.week, book.uid[ids])  # by issue identity
        self.found[ids[u < -np.expm1(-q.detection * visits)]] = True
        rc = np.flatnonzero(book.open_mask & (book.resolver[: book.n] == iss.RC))
        if rc.size:
            model.resolver_rate[iss.RC] += q.handling * self.found[rc].mean()

    def before_learning(self, model) -> None:
        pop = model.population
        v = self._household_visit_prob(model)[pop.household]
        pop.admin_perception += self.params.admin_push * v * (1.0 - pop.admin_perception)
