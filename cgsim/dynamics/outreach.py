"""Phase 2, outreach and information (MODEL.md §3.2).

Committee staff, grid workers, NGO staff and engaged Party members contact
residents; a contact means being asked to take part this week (`000`:
invited participation) and usually learning where the committee is
(`001 §1.2`: 29.1% do not know). Awareness also spreads over ties from
aware, engaged neighbours.
"""

from __future__ import annotations

import numpy as np


def household_contacts(contacts: float, n_households: int, household: np.ndarray, u_household: np.ndarray,
                       eligible_households: np.ndarray | None = None) -> np.ndarray:
    """Residents whose household is among ``contacts`` random households (bool per resident)."""
    if contacts <= 0:
        return np.zeros(household.size, bool)
    pool = n_households if eligible_households is None else max(int(eligible_households.sum()), 1)
    prob = min(1.0, contacts / pool)
    hit = u_household < prob
    if eligible_households is not None:
        hit &= eligible_households
    return hit[household]


def targeted_contacts(contacts: float, target: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``contacts`` random residents among ``target`` (bool per resident)."""
    k = int(np.count_nonzero(target))
    if contacts <= 0 or k == 0:
        return np.zeros(target.size, bool)
    return target & (u < min(1.0, contacts / k))


def peer_asks(net, askers: np.ndarray, contacts: float, u: np.ndarray) -> np.ndarray:
    """Residents asked by at least one asking neighbour. Each asker asks ``contacts`` of its ties a week on
    average (each tie with probability contacts / its degree, at most 1), so a resident is asked with
    probability 1 - prod over asking neighbours j of (1 - contacts / degree_j)."""
    if contacts <= 0 or not askers.any():
        return np.zeros(askers.size, bool)
    per_tie = np.minimum(contacts / np.maximum(net.degree, 1.0), 0.999999)
    log_miss = np.where(askers, np.log1p(-per_tie), 0.0).astype(np.float32)
    return u < -np.expm1(net.sum_over_ties(log_miss))


def apply_contacts(pop, contacted: np.ndarray, awareness_on_contact: float, u: np.ndarray) -> None:
    pop.asked |= contacted
    pop.aware |= contacted & (u < awareness_on_contact)


def spread_awareness(pop, net, rate: float, u: np.ndarray) -> None:
    """Word of mouth: each aware, engaged tie tells with prob ``rate`` a week."""
    if rate <= 0:
        return
    k = net.count(pop.aware & pop.engaged)
    pop.aware |= u < -np.expm1(k * np.float32(np.log1p(-min(rate, 0.999999))))
