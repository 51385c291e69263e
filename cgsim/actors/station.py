"""Community service station (社区工作站) under 居站分设 (`001 §3.2 l.161-167`).

One station serves 3-5 committees (`001 M30`) and takes over a share of the
administrative work; ``leakage`` is the part that still lands on the
committee, because separation is also reported not to bite (`001 §3.2`,
`003 例1` "workstation reforms did not truly separate").
"""

from __future__ import annotations

import mesa


class ServiceStation(mesa.Agent):
    def __init__(self, model, share: float, leakage: float, committees_per_station: float, efficiency: float):
        super().__init__(model)
        self.share = share
        self.leakage = leakage
        self.committees_per_station = committees_per_station
        self.efficiency = efficiency
        self.hours_week = 0.0

    LEADERSHIP_HOURS = 80.0  # head + deputy, full time (001 l.165), shared by the committees served

    def absorb(self, demand_hours: float) -> float:
        kept = demand_hours * self.share * (1.0 - self.leakage)
        # this committee's share of the station: the work it takes over (pooled, so at ``efficiency``
        # hours per committee hour) plus its share of the station's leadership
        self.hours_week = kept * self.efficiency + self.LEADERSHIP_HOURS / self.committees_per_station
        return kept
