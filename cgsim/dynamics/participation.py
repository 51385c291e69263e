"""Phase 3, participation decisions in four channels (MODEL.md §3.3).

Reference form: p = σ(β0_channel + β_trust·trust + β_eff·efficacy +
β_social·(share of active ties) + β_ask·asked + β_belong·belonging +
β_salience·salience − β_cost·time cost + group terms + β_habit·habit),
gated by the participation ladder (观望 residents take part in nothing,
`000`; the shared zero of `001` Tables 2-3), by awareness of the committee
(`001 §1.2`), by an opportunity existing that week, and by time: after a
shallow activity or a suggestion a resident sits that channel out for a
while (the thin frequent tail of `001` Tables 2-3: 4.1% take part more than
5 times, 4.0% suggest often), and raises each matter once; active residents,
the backbone, raise matters whenever they arise. Deeper channels have lower intercepts (`003 例6` Q23).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv

from ..population import ACT, ACTIVE, COPROD, DELIB, VOICE

HOURS = ("hours_activity", "hours_voice", "hours_deliberation", "hours_coproduction")


def utilities(p, pop, group_base: np.ndarray, share_active: np.ndarray, salience: np.ndarray,
              channel_shift: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Log-odds of taking part, per resident and channel (n, 4)."""
    common = (group_base + p.beta_trust * pop.trust_rc + p.beta_efficacy * pop.efficacy
              + p.beta_social * share_active + p.beta_ask * pop.asked + p.beta_belonging * pop.belonging
              + p.beta_active * (pop.stage == ACTIVE))
    beta0 = np.array([p.beta0_activity, p.beta0_voice, p.beta0_deliberation, p.beta0_coproduction]) + channel_shift
    hours = np.array([getattr(p, h) for h in HOURS])
    u = common[:, None] + beta0[None, :] + p.beta_habit * pop.habit
    u -= p.beta_cost * hours[None, :] / pop.time_budget[:, None]
    u[:, VOICE] += p.beta_salience * salience
    u[:, DELIB] += p.beta_salience * salience
    u += extra
    return u


def decide(p, pop, utility: np.ndarray, opportunity: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Events this week (n, 4) bool, before venue capacity limits."""
    prob = 1.0 / (1.0 + np.exp(-utility))
    gate = (pop.engaged & pop.aware)[:, None] & opportunity
    gate[:, ACT] &= pop.recovery[:, 0] <= 0
    gate[:, VOICE] &= (pop.recovery[:, 1] <= 0) | (pop.stage == ACTIVE)  # the backbone raise matters anyway
    return gate & (u < prob)


def cap_by_venue(events: np.ndarray, venue: np.ndarray, seats: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Thin events so no venue (e.g. an estate's activities this week) exceeds its seats."""
    if not events.any():
        return events
    want = np.bincount(venue[events], minlength=seats.size).astype(float)
    ratio = np.where(want > seats, seats / np.maximum(want, 1), 1.0)
    return events & (u < ratio[venue])


RECOVERY_SHAPE = 4.0  # gamma shape of recovery spells: regular rhythms, not an exponential's long tail


def start_recovery(p, pop, events: np.ndarray, u: np.ndarray) -> None:
    """After an activity or a suggestion a resident sits that channel out for a gamma-distributed spell
    (means ``recovery_weeks`` and ``voice_recovery_weeks``); ``u`` is (n, 2)."""
    for k, (ch, mean) in enumerate(((ACT, p.recovery_weeks), (VOICE, p.voice_recovery_weeks))):
        did = events[:, ch]
        if did.any():
            pop.recovery[did, k] = gammaincinv(RECOVERY_SHAPE, u[did, k]) * (mean / RECOVERY_SHAPE)


def record(pop, events: np.ndarray) -> None:
    pop.week_events[:] = events
    pop.year_counts += events
    any_ev = events.any(axis=1)
    pop.idle_weeks[any_ev] = 0
    pop.idle_weeks[~any_ev] += 1
    pop.recovery -= 1.0
    pop.pending_voice[events[:, VOICE]] = 0


__all__ = ["ACT", "COPROD", "DELIB", "VOICE", "cap_by_venue", "decide", "record", "start_recovery", "utilities"]
