"""Property-management firm (物业) and owners' committees (业委会).

The firm services property matters at a rate set by its quality; embedded
staff who know residents settle matters early, before they become disputes
(`003 例10`), and an estate's owners' committee bargains the service up. Old lanes and
danwei compounds may have no firm (`003 例2`). An owners' committee forms in
an estate only through owners' collective action: when the share of owners
who are engaged and trust their neighbours passes a threshold, which a
trusted organiser lowers (`001 M18`, `003 例2`) and the firm's obstruction
raises (`001 M18`). A formed committee bargains with the firm, raising its
service quality, and holds owners' meetings (deliberation opportunities).
"""

from __future__ import annotations

import mesa
import numpy as np


class PropertyFirm(mesa.Agent):
    def __init__(self, model, present: bool, quality: float, embeddedness: float, obstruction: float):
        super().__init__(model)
        self.present = present
        self.quality = quality
        self.embeddedness = embeddedness
        self.obstruction = obstruction

    def fix_rate(self, estate_oc: np.ndarray) -> np.ndarray:
        """Weekly chance the firm settles a property matter, per estate: its service there (quality, lifted where
        an owners' committee bargains with it, ``001 M17``) times 1 + embeddedness, since staff who know residents
        settle matters early, before they harden into disputes (``003 例10``). Nothing without a firm."""
        if not self.present:
            return np.zeros(estate_oc.size)
        return 0.15 * (1.0 + self.embeddedness) * self.service_level(estate_oc)

    def service_level(self, estate_oc: np.ndarray) -> np.ndarray:
        """Service residents experience per estate (0-1); owners' committees lift it."""
        base = self.quality if self.present else 0.2
        return np.clip(base + 0.15 * estate_oc, 0, 1)


class OwnersCommittee(mesa.Agent):
    """One per estate; ``formed`` flips when owners' collective action passes the threshold."""

    def __init__(self, model, estate: int):
        super().__init__(model)
        self.estate = estate
        self.formed = False
        self.formed_week = -1

    def try_form(self, p, week: int, owner_mobilised_share: float, organiser: float, obstruction: float) -> bool:
        if self.formed:
            return False
        threshold = p.oc_threshold * (1.0 - organiser) * (1.0 + obstruction)
        if owner_mobilised_share >= threshold:
            self.formed, self.formed_week = True, week
            return True
        return False
