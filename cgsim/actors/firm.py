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
It also chooses the firm (`001` M8, M17-M19, M28: the owners' committee manages
the selection of the property firm): where its owners distrust the firm it
replaces it, and the new firm serves better but starts without staff who know
the residents (`003 例10`): its embeddedness is a share of the community
firm's (the parameter, or as a policy such as red property sets it) that grows
week by week.

A committee that handles estate income, maintenance funds and the firm's
selection can misuse them (the accountability risk `001` M28 answers, notes
§5.4 item 17): when misconduct comes to light its owners recall it, and it must
form again through their collective action. Owners may elect a supervisory
committee (监委会, 3-7 standing members, `001` M28) that prevents much of it.
"""

from __future__ import annotations

import mesa
import numpy as np


class PropertyFirm(mesa.Agent):
    """The community's property firm (``quality``, ``embeddedness``, ``obstruction``: the incumbent's, which
    policies may change), and in estates whose owners replaced it, the firm they chose instead."""

    def __init__(self, model, present: bool, quality: float, embeddedness: float, obstruction: float,
                 n_estates: int = 1):
        super().__init__(model)
        self.present = present
        self.quality = quality
        self.embeddedness = embeddedness
        self.obstruction = obstruction
        self.replaced = np.zeros(n_estates, bool)      # estates served by a firm their owners chose
        self.new_quality = np.zeros(n_estates)
        self.known = np.ones(n_estates)  # a new firm's embeddedness as a share of the community firm's
        self.replacements = 0

    def quality_by_estate(self) -> np.ndarray | float:
        """Service quality of the firm serving each estate (the incumbent's where the owners kept it); one number
        while no estate has replaced the firm."""
        if not self.replacements:
            return self.quality
        return np.where(self.replaced, self.new_quality, self.quality)

    def embeddedness_by_estate(self) -> np.ndarray | float:
        """Embeddedness of the firm serving each estate; one number while no estate has replaced the firm."""
        return self.embeddedness * self.known if self.replacements else self.embeddedness

    def fix_rate(self, estate_oc: np.ndarray) -> np.ndarray:
        """Weekly chance the firm settles a property matter, per estate (``estate_oc``: owners' committee formed,
        one per estate): its service there (quality, lifted where an owners' committee bargains with it, ``001
        M17``) times 1 + embeddedness, since staff who know residents settle matters early, before they harden into
        disputes (``003 例10``). Nothing without a firm."""
        if not self.present:
            return np.zeros(estate_oc.size)
        return 0.15 * (1.0 + self.embeddedness_by_estate()) * self.service_level(estate_oc)

    def incumbent_rate(self) -> float:
        """The community firm's weekly settlement chance in an estate without an owners' committee (the base
        rate of the firm as a resolver; ``fix_rate`` adds each estate's difference to it)."""
        return 0.15 * (1.0 + self.embeddedness) * min(max(self.quality, 0.0), 1.0) if self.present else 0.0

    def service_level(self, estate_oc: np.ndarray) -> np.ndarray:
        """Service residents experience per estate (0-1); owners' committees lift it."""
        base = self.quality_by_estate() if self.present else 0.2
        return np.clip(base + 0.15 * estate_oc, 0, 1)

    def replace(self, estate: int, gain: float) -> None:
        """The owners of ``estate`` replace the firm: the new one serves ``gain`` better than the incumbent
        does and starts with no staff who know the residents."""
        self.replaced[estate] = True
        self.new_quality[estate] = min(1.0, self.quality + gain)
        self.known[estate] = 0.0
        self.replacements += 1

    def settle_in(self, rate: float) -> None:
        """A week of new firms' staff getting to know residents (``003 例10``): the share of the community
        firm's embeddedness they have reached grows at ``rate`` a week toward all of it."""
        if self.replacements:
            self.known += rate * (1.0 - self.known)


#: standing members of a supervisory committee (监委会), `001` M28: "3-7 standing members"
SUPERVISORS_MIN, SUPERVISORS_MAX = 3, 7


class OwnersCommittee(mesa.Agent):
    """One per estate; ``formed`` when owners' collective action passes the threshold, until the owners recall
    it. ``supervisors``: standing members of its supervisory committee (监委会), 0 when it has none."""

    def __init__(self, model, estate: int):
        super().__init__(model)
        self.estate = estate
        self.formed = False
        self.formed_week = -1
        self.recalled_week: int | None = None  # the last recall's week (negative in the burn-in)
        self.recalls = 0  # since week 0 (the burn-in's are forgotten with its other tallies)
        self.supervisors = 0

    def try_form(self, p, week: int, owner_mobilised_share: float, organiser: float, obstruction: float) -> bool:
        """Form if the mobilised share of owners passes the threshold (checked monthly, before misconduct is
        drawn: owners who recall their committee can elect a new one a month later at the earliest)."""
        if self.formed:
            return False
        threshold = p.oc_threshold * (1.0 - organiser) * (1.0 + obstruction)
        if owner_mobilised_share >= threshold:
            self.formed, self.formed_week = True, week
            return True
        return False

    def elect_supervisors(self, mobilised_owners: int) -> None:
        """Owners elect (and keep filling) a supervisory committee from their mobilised members, 3-7 standing
        members (`001` M28); with fewer than 3 willing there is none."""
        n = min(int(mobilised_owners), SUPERVISORS_MAX) if self.formed else 0
        self.supervisors = n if n >= SUPERVISORS_MIN else 0

    def misconduct_chance(self, p) -> float:
        """Monthly chance that misconduct comes to light: ``oc_misconduct_rate``, less the share
        ``supervision_effect`` a supervisory committee prevents."""
        return p.oc_misconduct_rate * (1.0 - p.supervision_effect * (self.supervisors > 0))

    def recall(self, week: int) -> None:
        """The owners recall the committee (and its supervisory committee goes with it)."""
        self.formed, self.recalled_week, self.supervisors = False, week, 0
        self.recalls += 1
