"""Phase 3, participation decisions in four channels (MODEL.md §3.3).

Reference form: p = σ(β0_channel + β_trust·trust + β_eff·efficacy +
β_social·(share of active ties) + β_ask·asked·(1 − w + w·2·trust) + β_belong·belonging +
β_salience·salience − β_cost·time cost + group terms + β_habit·habit),
gated by the participation ladder (观望 residents take part in nothing,
`000`; the shared zero of `001` Tables 2-3), by awareness of the committee
(`001 §1.2`), by an opportunity existing that week, and by time: after a
shallow activity or a suggestion a resident sits that channel out for a
while (the thin frequent tail of `001` Tables 2-3: 4.1% take part more than
5 times, 4.0% suggest often), and raises each matter once; active residents,
the backbone, raise matters whenever they arise. Deeper channels have lower
intercepts (`003 例6` Q23). Being asked pulls in proportion to trust in the
committee the asker speaks for: an organiser nobody trusts mobilises nobody
(`003 例2`, trust before mobilisation).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc

from ..population import ACT, ACTIVE, COPROD, DELIB, VOICE, WAIT

HOURS = ("hours_activity", "hours_voice", "hours_deliberation", "hours_coproduction")


def utilities(p, pop, group_base: np.ndarray, share_active: np.ndarray, salience: np.ndarray,
              channel_shift: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Log-odds of taking part, per resident and channel (n, 4).

    Computed channel-major, (4, n), and returned as its (n, 4) transpose: per-resident terms then broadcast
    over four long rows rather than n rows of four (several times faster in numpy)."""
    common = p.beta_trust * pop.trust_rc
    common += group_base
    common += p.beta_efficacy * pop.efficacy
    common += p.beta_social * share_active
    common += p.beta_belonging * pop.belonging
    np.add(common, ask_pull(p, p.beta_ask, pop.trust_rc), out=common, where=pop.asked)  # masked: no gather/scatter
    np.add(common, p.beta_active, out=common, where=pop.stage == ACTIVE)
    beta0 = np.array([p.beta0_activity, p.beta0_voice, p.beta0_deliberation, p.beta0_coproduction]) + channel_shift
    u = _cost_terms(p, pop) + beta0[:, None]  # (4, n)
    u += common
    u[VOICE:DELIB + 1] += p.beta_salience * salience  # voice and deliberation
    u += p.beta_habit * pop.habit.T
    u += extra.T
    return u.T


def ask_pull(p, beta: float, trust_rc: np.ndarray) -> np.ndarray:
    """What being asked adds to the log-odds: ``beta`` at trust in the committee 0.5, scaled by
    1 - w + w·2·trust (w = ``ask_trust_weight``): an ask pulls as far as residents trust the committee the asker
    speaks for, nothing at zero trust when w = 1 (``003 例2``: trust before mobilisation); w = 0 is MODEL.md
    §3.3's reference form, the same pull for everyone."""
    w = p.ask_trust_weight
    return (beta * (1.0 - w)) + (2.0 * beta * w) * trust_rc


def _cost_terms(p, pop) -> np.ndarray:
    """-beta_cost * hours / time budget, (4, n), read-only. Time budgets are fixed traits (newcomers keep the
    dwelling's), so the product is made once per cost setting and kept on the population, not every week."""
    cost = tuple(-p.beta_cost * getattr(p, h) for h in HOURS)
    hit = getattr(pop, "_cost_terms", None)
    if hit is None or hit[0] != cost or hit[1] is not pop.time_budget:
        terms = np.multiply.outer(np.array(cost), 1.0 / pop.time_budget)
        terms.flags.writeable = False
        hit = pop._cost_terms = (cost, pop.time_budget, terms)
    return hit[2]


def decide(p, pop, utility: np.ndarray, opportunity: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Events this week (n, 4) bool (channel-major), before venue capacity limits."""
    prob = np.negative(utility.T, dtype=np.float32)  # (4, n); float32 like the uniforms, and a SIMD exp
    np.minimum(prob, 80.0, out=prob)  # exp stays finite; the probability is 0 to float32 precision anyway
    np.exp(prob, out=prob)
    prob += 1.0
    prob *= u.T
    gate = prob < 1.0  # u < 1 / (1 + exp(-utility))
    gate &= opportunity.T
    gate &= (pop.stage > WAIT) & pop.aware
    gate[ACT] &= pop.recovery[:, 0] <= 0
    gate[VOICE] &= (pop.recovery[:, 1] <= 0) | (pop.stage == ACTIVE)  # the backbone raise matters anyway
    return gate.T


def over_capacity(events: np.ndarray, venue: np.ndarray, seats: np.ndarray) -> bool:
    """Whether more residents want some venue than it has seats (``cap_by_venue`` would thin them)."""
    if not events.any():
        return False
    return bool((np.bincount(venue[events], minlength=seats.size) > seats).any())


def cap_by_venue(events: np.ndarray, venue: np.ndarray, seats: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Thin events so no venue (e.g. an estate's activities this week) exceeds its seats."""
    if not events.any():
        return events
    want = np.bincount(venue[events], minlength=seats.size).astype(float)
    over = want > seats
    if not over.any():
        return events
    ratio = np.where(over, seats / np.maximum(want, 1), 1.0)
    return events & (u < ratio[venue])


RECOVERY_SHAPE = 4.0  # gamma shape of recovery spells: regular rhythms, not an exponential's long tail


def _gamma_quantile_table(shape: float, q_max: float = 32.0, size: int = 1 << 13) -> tuple[np.ndarray, np.ndarray]:
    """Nodes (u, x) of the gamma(shape) quantile function, evenly spaced in x: linear interpolation is within
    1e-4 of ``gammaincinv`` for any float32 uniform (dense in u near 0 and in the tail) at a tenth of its cost."""
    x = np.linspace(0.0, q_max, size)
    u = gammainc(shape, x)
    keep = np.concatenate(([True], np.diff(u) > 0))
    return u[keep], x[keep]


_RECOVERY_U, _RECOVERY_X = _gamma_quantile_table(RECOVERY_SHAPE)


def start_recovery(p, pop, events: np.ndarray, u: np.ndarray) -> None:
    """After an activity or a suggestion a resident sits that channel out for a gamma-distributed spell
    (means ``recovery_weeks`` and ``voice_recovery_weeks``); ``u`` is (n, 2)."""
    for k, (ch, mean) in enumerate(((ACT, p.recovery_weeks), (VOICE, p.voice_recovery_weeks))):
        did = np.flatnonzero(events[:, ch])
        if did.size:
            x = np.interp(u[did, k], _RECOVERY_U, _RECOVERY_X)
            x *= mean / RECOVERY_SHAPE
            pop.recovery[did, k] = x


def any_event(events: np.ndarray) -> np.ndarray:
    """``events.any(axis=1)`` for an (n, 4) bool array, without numpy's slow reduction over rows of four."""
    if events.dtype == bool and events.ndim == 2 and events.shape[1] == 4:
        if events.flags.f_contiguous:  # channel-major: or the four contiguous columns
            out = events[:, 0] | events[:, 1]
            out |= events[:, 2]
            out |= events[:, 3]
            return out
        if events.flags.c_contiguous:  # four bools are one uint32
            return events.view(np.uint32).ravel() != 0
    return events.any(axis=1)


def record(pop, events: np.ndarray, any_ev: np.ndarray | None = None) -> None:
    pop.week_events[:] = events
    pop.year_counts += events
    if any_ev is None:
        any_ev = any_event(events)
    pop.idle_weeks += 1
    pop.idle_weeks[any_ev] = 0
    pop.recovery -= 1.0
    pop.pending_voice[events[:, VOICE]] = 0


__all__ = ["ACT", "COPROD", "DELIB", "VOICE", "any_event", "cap_by_venue", "decide", "over_capacity", "record",
           "start_recovery", "utilities"]
