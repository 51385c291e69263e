"""居站分设: separate the residents' committee from a community service station.

Source: `001 §3.2 l.161-167` (Mianyang proposal: one workstation per 3-5
committees, head + deputy, five duties); Jiangsu 一委一居一站 (`000` 案例四);
leakage because separation is also reported not to bite (`001 §3.2`:
access system "did not bite"; `003 例1`: workstation reforms did not truly
separate administration from self-governance).

Mechanism: from the start week a service station takes ``share`` of the
administrative work the street office pushes down; ``leakage`` of that still
lands on the committee. The committee's freed hours go to resident work
(answering, activities, outreach, meetings), and residents who deal with it
see less administration, so fewer see it as a government agent. The station
needs fewer hours than the committee would (pooled across committees).
Touches: the street office's absorber list (and so committee hours).
"""

from __future__ import annotations

from ..actors import ServiceStation
from ..params import p
from .base import Policy, PolicyParams
from .registry import register


class StationSeparationParams(PolicyParams):
    share: float = p(0.8, 0.0, 1.0, "share of administrative work", "001 §3.2 l.167 (station duties)",
                     "Administrative work the station takes over.", "policy")
    leakage: float = p(0.3, 0.0, 1.0, "share", "001 §3.2; 003 例1",
                       "Part of the transferred work that still lands on the committee.", "policy")
    committees_per_station: float = p(4.0, 1.0, 10.0, "committees", "001 M30 l.163 (1 per 3-5)",
                                      "Committees one station serves.", "policy")
    efficiency: float = p(0.8, 0.3, 1.5, "station hours per committee hour", "assumption",
                          "Station hours needed per hour of work taken from a committee.", "policy")


@register
class StationSeparation(Policy):
    id = "station_separation"
    aliases = ("居站分设",)
    summary = "A service station takes administrative work off the committee, with leakage."
    source = "001 §3.2 l.161-167; 000 案例四; 003 例1"
    Params = StationSeparationParams

    def start(self, model) -> None:
        q = self.params
        self.station = ServiceStation(model, q.share, q.leakage, q.committees_per_station, q.efficiency)
        model.street.register_absorber(self.station)

    def stop(self, model) -> None:
        model.street.unregister_absorber(self.station)
        self.station.remove()

    def end_of_week(self, model) -> None:
        model.add_cost("station_separation", self.station.hours_week * model.params.cost_staff_hour)
