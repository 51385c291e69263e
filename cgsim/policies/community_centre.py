"""民众联络所/邻里中心: a community centre as a free venue that mixes residents across groups.

Source: `004 M42 l.46` (Singapore: community centres began as venues for
exchange between ethnic groups after the 1950s-60s riots); `004 M43 l.48-52`
(Suzhou Industrial Park, a migrant-type district: 15% of each neighbourhood
centre, one centre for 4-6 communities, free, open 9:00-21:00 all year, publicly
funded; organises activities for all groups; claimed mutual help, mutual trust
(相互信任), belonging and participation); `004 M44 l.86` (within a
10-15 minute walk).

Mechanism: the centre adds activities open to every resident and, free and
near, lowers the cost of joining (``cost_cut`` log-odds on the activity channel).
Attendees meet across estates (the tie venue widens to the whole catchment) and
its mixing programmes make each attendee at the centre befriend one of the other
hukou group with chance ``cross_contact`` a week; trust and belonging then follow
shared activity through the baseline rules. The community pays its share of the
centre's staff and running costs.
Touches: ``extra_utility`` and ``opportunity`` (activity), activity ``seats``,
``tie_venue``, ``network.add_ties``, costs.
"""

from __future__ import annotations

import numpy as np

from ..params import p
from ..population import ACT
from .base import Policy, PolicyParams
from .registry import register


class CommunityCentreParams(PolicyParams):
    activities_per_week: float = p(3.0, 0.0, 50.0, "activities/week", "004 M43 l.48-52 (open all year); "
                                   "number assumption", "Centre activities open to this community's residents.",
                                   "policy")
    cost_cut: float = p(0.5, 0.0, 3.0, "log-odds", "004 M43 l.52 (free), M44 l.86 (10-15 minutes' walk); "
                        "assumption", "Lower cost of taking part in activities when a free venue is near.",
                        "policy")
    cross_contact: float = p(0.1, 0.0, 1.0, "per attendee-week", "004 M42 l.46, M43 l.52; assumption",
                             "Chance an attendee befriends an attendee of the other hukou group.", "policy")
    communities_served: float = p(5.0, 1.0, 10.0, "communities", "004 M43 l.48 (4-6)",
                                  "Communities one centre serves (they share its cost).", "policy")
    staff_hours: float = p(200.0, 0.0, 2000.0, "staff hours/week", "004 M43 l.48 (staff paid by SIP); assumption",
                           "Staff time of the whole centre.", "policy")
    running_cost: float = p(5000.0, 0.0, 100_000.0, "yuan/week", "004 M43 l.48 (equipment, upkeep); assumption",
                            "Running cost of the whole centre besides staff.", "policy")


@register
class CommunityCentre(Policy):
    id = "community_centre"
    aliases = ("民众联络所", "邻里中心")
    summary = "A free community centre adds activities, lowers the cost of joining and mixes migrants and locals."
    source = "004 M42 l.46; 004 M43 l.48-52; 004 M44 l.86"
    Params = CommunityCentreParams

    def start(self, model) -> None:
        self.venue = model.tie_venue
        model.tie_venue = np.zeros_like(self.venue)  # one venue for the whole catchment

    def stop(self, model) -> None:
        model.tie_venue = self.venue

    def before_participation(self, model) -> None:
        pop, q = model.population, self.params
        share = np.bincount(pop.estate, minlength=model.hierarchy.n_estates) / pop.n
        centre = q.activities_per_week * model.params.activity_capacity * share
        model.seats[0] += centre
        self.at_centre = (centre / np.maximum(model.seats[0], 1e-9))[pop.estate]  # attendees who came to the centre
        model.opportunity[:, ACT] = True
        model.extra_utility[:, ACT] += q.cost_cut

    def end_of_week(self, model) -> None:
        q, pop = self.params, model.population
        cost = q.staff_hours * model.params.cost_staff_hour + q.running_cost
        model.add_cost("community_centre", cost / q.communities_served)
        came = model.events[:, ACT]
        mig, loc = np.flatnonzero(came & pop.migrant), np.flatnonzero(came & ~pop.migrant)
        if mig.size == 0 or loc.size == 0:
            return
        meets = model.uniform("community_centre:contact") < q.cross_contact * self.at_centre
        a = np.flatnonzero(came & meets)
        other = np.where(pop.migrant[a], loc.size, mig.size)
        pick = (model.uniform("community_centre:partner")[a] * other).astype(np.int64)  # by resident id
        b = np.where(pop.migrant[a], loc[np.minimum(pick, loc.size - 1)], mig[np.minimum(pick, mig.size - 1)])
        model.network.add_ties(a, b)
