"""Households moving out and in (an assumption that keeps the baseline stationary).

Renters move far more often than owners. A newcomer takes the dwelling's
slot (same household type and personal traits, so the population's make-up
and size never change; nobody is lost) and the dwelling's neighbour ties
(neighbours know whoever lives there), but arrives mostly unaware of the
committee, waiting to see, with fresh attitudes and no habits.
Without turnover, word of mouth would make everyone aware within a few
years, which no survey shows (`001 §1.2`: 29.1% unaware).
"""

from __future__ import annotations

import numpy as np

from ..population import WAIT, clip01


def household_move_rate(p, pop, n_households: int) -> np.ndarray:
    """Weekly chance each household moves out (renters far more often than owners)."""
    hh_renter = np.zeros(n_households, bool)
    hh_renter[pop.household] = pop.renter
    return np.where(hh_renter, p.turnover_renter, p.turnover_owner) / 52.0


def move(p, pop, u_household: np.ndarray, g: np.random.Generator, rate: np.ndarray, *,
         admin_share: float) -> np.ndarray:
    """Residents replaced this week (bool per resident). A newcomer sees the committee as it works now: their
    perceived administrativisation starts from the committee's current administrative share of hours (what
    residents' perceptions move toward, ``learning.update_attitudes``), not from the load it started with."""
    hit = u_household < rate
    movers = hit[pop.household]
    idx = np.flatnonzero(movers)
    k = idx.size
    if k == 0:
        return movers
    pop.aware[idx] = g.random(k) < p.newcomer_awareness
    pop.stage[idx] = WAIT
    pop.habit[idx] = 0.0
    pop.recovery[idx] = 0.0
    pop.pending_voice[idx] = -1
    pop.last_voiced[idx] = -1
    pop.group[idx] = -1  # a mover leaves their group; the newcomer belongs to none yet
    pop.idle_weeks[idx] = 0
    pop.year_counts[idx] = 0
    for name, mean in (("trust_rc", p.trust_rc_mean), ("efficacy", p.efficacy_mean),
                       ("belonging", p.belonging_mean)):
        getattr(pop, name)[idx] = clip01(g.normal(mean, p.attitude_sd, k))
    pop.trust_gen[idx] = pop.trust_gen_anchor[idx]
    pop.satisfaction[idx] = 0.5
    pop.admin_perception[idx] = clip01(admin_share + pop.admin_bias[idx])
    pop.trust_rc_anchor[idx] = pop.trust_rc[idx]
    pop.efficacy_anchor[idx] = pop.efficacy[idx]
    pop.trust_firm[idx] = clip01(g.normal(p.trust_firm_mean, p.attitude_sd, k))  # after the draws above
    pop.trust_firm_anchor[idx] = pop.trust_firm[idx]
    return movers
