"""Street office (街道): pushes administrative work down and evaluates the committee.

The "five manys" of `001 §1.1` (many tasks, meetings, inspections, forms,
signs) reach the residents' committee as weekly hours of administrative
work (``admin_load`` x committee hours). Bodies that take work off the
committee (a service station under 居站分设, ``001 §3.2``; a work-access list,
``001 §3.2``/``004``) register as absorbers; each keeps a share of the load and
lets a ``leakage`` share of it through to the committee anyway.

In a district (``cgsim.district``) one street office governs many
communities: each community's ``StreetOffice`` is then the office's desk for
that community, and the district office sets its ``pressure`` each week (the
office's supervision attention for that community relative to the
single-community calibration). ``pressure`` is 1 for a single community, so
a single community runs exactly as without a district.
"""

from __future__ import annotations

import mesa


class StreetOffice(mesa.Agent):
    def __init__(self, model, admin_load: float, evaluation_regime: str, gov_intensity: float):
        super().__init__(model)
        self.admin_load = admin_load
        self.evaluation_regime = evaluation_regime
        self.base_intensity = gov_intensity
        self.intensity_shifts: dict[object, float] = {}  # by policy instance: each one's own change
        self.absorbers: list = []  # objects with .absorb(hours) -> hours kept off the committee
        # multiplier on the pushed load set by a district's street office (1: a single community);
        # a community built inside a district finds its starting value on the model (``street_pressure``)
        self.pressure = float(getattr(model, "street_pressure", 1.0))

    @property
    def gov_intensity(self) -> float:
        """Intensity of direct government management (0-1): the neighbourhood's own level plus what policies
        add or take away, each through its own entry (``shift_intensity``), so that none overwrites another's."""
        if not self.intensity_shifts:
            return self.base_intensity
        return min(1.0, max(0.0, self.base_intensity + sum(self.intensity_shifts.values())))

    def shift_intensity(self, key: object, delta: float | None) -> None:
        """Set the change to the intensity of ``key`` (the policy instance itself, so that two periods of one
        policy never share an entry; ``None``: remove it)."""
        if delta is None:
            self.intensity_shifts.pop(key, None)
        else:
            self.intensity_shifts[key] = float(delta)

    def register_absorber(self, absorber) -> None:
        if absorber not in self.absorbers:
            self.absorbers.append(absorber)

    def unregister_absorber(self, absorber) -> None:
        if absorber in self.absorbers:
            self.absorbers.remove(absorber)

    def push_admin_work(self, committee_hours: float) -> float:
        """Hours of administrative work that reach the committee this week."""
        demand = self.admin_load * self.pressure * committee_hours
        for a in self.absorbers:
            demand -= a.absorb(demand)
        return max(demand, 0.0)
