"""Phase 6, learning from experience (MODEL.md §3.6) and the participation ladder.

Institutional trust and efficacy move with what residents experienced: their
voice answered (+) or ignored (−), an issue that touched them settled (+)
or turned into a dispute (−); negative experiences weigh ``negativity_bias``
times more; old experiences fade as attitudes drift back toward each
resident's disposition (``attitude_drift``). Generalised trust is pulled toward neighbours' trust and up by
shared activity (`003` §4.26, §4.40). Perceived administrativisation follows
what residents see of the committee's time (`003 例6` Q25). Habits form.
The ladder 观望 → 关注 → 主动参与 (`000` tool section) moves up when residents
are asked or see neighbours take part, and to active when their input is
acted on; it moves down after being ignored (`003 例6` M14) or a long idle
spell.
"""

from __future__ import annotations

import numpy as np

from ..population import ACT, ACTIVE, ATTENTIVE, WAIT, clip01
from .participation import ask_pull


def _experience(arr: np.ndarray, hit: np.ndarray, good: np.ndarray, bad: np.ndarray) -> None:
    """The bounded learning step for residents ``hit``: ``x + good·(1 − x) − bad·x``, clipped to [0, 1]
    (``bad`` already carries the negativity bias, MODEL.md §3.6)."""
    x = arr[hit]
    arr[hit] = clip01(x + good * (1 - x) - bad * x)


def lose(arr: np.ndarray, who: np.ndarray, share: float) -> None:
    """A bad experience outside the weekly learning step: residents ``who`` lose ``share`` of ``arr``."""
    _experience(arr, who, 0.0, share)


def update_attitudes(p, pop, net, *, answered, ignored, settled_touch, dispute_touch, attended,
                     rc_contact, admin_share: float, service: np.ndarray, firm_settled_touch=None,
                     firm_dispute_touch=None, firm_service=None) -> None:
    neg = p.learn_pos * p.negativity_bias
    hit = np.nonzero(answered | ignored | settled_touch | dispute_touch)[0]  # only those with an experience
    if hit.size:
        good = answered[hit] + 0.5 * settled_touch[hit]
        bad = ignored[hit] + 0.5 * dispute_touch[hit]
        good *= p.learn_pos
        bad *= neg
        for arr in (pop.trust_rc, pop.efficacy):
            _experience(arr, hit, good, bad)
    # experiences fade: attitudes drift back toward each resident's disposition
    pop.trust_rc += p.attitude_drift * (pop.trust_rc_anchor - pop.trust_rc)
    pop.efficacy += p.attitude_drift * (pop.efficacy_anchor - pop.efficacy)
    if firm_settled_touch is not None:
        update_firm_trust(p, pop, firm_settled_touch, firm_dispute_touch, firm_service)

    tg = pop.trust_gen
    nb = net.mean_of(tg)
    nb -= tg
    nb *= p.trust_gen_social
    nb += p.trust_gen_drift * (pop.trust_gen_anchor - tg)
    att = np.nonzero(attended)[0]
    nb[att] += p.trust_gen_activity * (1 - tg[att])
    tg += nb
    clip01(tg)
    bel = pop.belonging
    d = -0.002 * (bel - 0.3)
    d[att] += 0.02 * (1 - bel[att])
    bel += d
    sat = pop.satisfaction
    sat += p.satisfaction_rate * (service - sat)
    clip01(sat)

    seen = pop.admin_bias + admin_share
    clip01(seen)
    ap = pop.admin_perception
    seen -= ap
    rate = np.where(rc_contact, p.admin_perception_rate, 0.1 * p.admin_perception_rate)
    seen *= rate
    ap += seen
    clip01(ap)


def update_firm_trust(p, pop, settled_touch: np.ndarray, dispute_touch: np.ndarray,
                      service: np.ndarray) -> None:
    """Trust in the property firm (MODEL.md §2) learns as trust in the committee does, from the firm's own
    record: a property matter of one's building or estate that the firm settled (+) or that turned into a
    dispute on its watch (−, ``negativity_bias`` times heavier). Between such events it follows the service
    residents get from the firm week by week (at ``satisfaction_rate``, as satisfaction does) and drifts back
    toward each resident's disposition (``attitude_drift``). So a better firm, one an owners' committee
    bargains with, and one whose embedded staff settle matters before they harden (``003 例10``) are
    trusted more."""
    hit = np.nonzero(settled_touch | dispute_touch)[0]
    if hit.size:
        _experience(pop.trust_firm, hit, p.learn_pos * 0.5 * settled_touch[hit],
                    p.learn_pos * p.negativity_bias * 0.5 * dispute_touch[hit])
    tf = pop.trust_firm
    tf += p.attitude_drift * (pop.trust_firm_anchor - tf) + p.satisfaction_rate * (service - tf)
    clip01(tf)


def update_habits(p, pop, events: np.ndarray) -> None:
    """Habits move toward this week's events, for engaged residents only (channel-major arithmetic)."""
    ht = pop.habit.T
    d = np.subtract(events.T, ht)
    d *= np.where(pop.stage > WAIT, p.habit_rate, 0.0)
    ht += d


def update_ladder(p, pop, net_share_active: np.ndarray, group_base: np.ndarray, *, answered, ignored,
                  u_up: np.ndarray, u_active: np.ndarray, u_down: np.ndarray) -> None:
    """Move residents along the ladder (vectorised; one move per resident a week at most)."""
    stage = pop.stage
    cand = np.nonzero((stage == WAIT) & pop.aware)[0]
    z = p.beta_trust * pop.trust_rc[cand]
    z += group_base[cand]
    z += p.stage_up_social * net_share_active[cand]
    z += pop.asked[cand] * ask_pull(p, p.stage_up_ask, pop.trust_rc[cand])  # as far as trust goes (003 例2)
    z += p.stage_up_base
    up = cand[u_up[cand] * (1 + np.exp(-z)) < 1]  # u < sigmoid(z)
    to_active = np.nonzero((stage == ATTENTIVE) & answered & (u_active < p.stage_active_gain * 2 * pop.efficacy))[0]
    down = (stage > WAIT) & ((ignored & (u_down < p.stage_drop_ignored))
                             | ((pop.idle_weeks >= 13) & (u_down < p.stage_drop_idle)))
    down[up] = False
    down[to_active] = False
    stage[up] = ATTENTIVE
    stage[to_active] = ACTIVE
    stage[down] -= 1
    ht = pop.habit.T
    ht *= np.where(stage == WAIT, 0.5, 1.0)


def form_ties(net, pop, attended_weeks: np.ndarray, rate: float, g: np.random.Generator, venue=None) -> int:
    """New ties among residents who attended activities at the same venue (default: estate): each resident
    makes Poisson(``rate`` x the weeks they attended) new ties, ``rate`` being new ties per attendee-week
    (MODEL.md §3.6: ties form at shared activities), each with a fellow attendee of the venue.

    The draws are taken from ``g`` in the order of the month's attendees, not per resident: counts keyed by
    resident (one uniform each, Poisson by inversion) were tried in 0.7.0 and made the paired spread of
    policies' effects on ties about half as wide again (ODD §10 item 14), so they were not kept."""
    who = np.nonzero(attended_weeks)[0]
    if who.size < 2 or rate <= 0:
        return 0
    venue = pop.estate if venue is None else venue
    k = g.poisson(rate * attended_weeks[who])
    a = np.repeat(who, k)
    if a.size == 0:
        return 0
    order = who[np.argsort(venue[who], kind="stable")]
    v = venue[order]
    starts = np.searchsorted(v, venue[a], side="left")
    ends = np.searchsorted(v, venue[a], side="right")
    b = order[starts + (g.random(a.size) * (ends - starts)).astype(np.int64)]
    return net.add_ties(a, b)


def decay_ties(net, active_weeks: np.ndarray, window: int, rate: float, u: np.ndarray) -> int:
    """Non-kin ties lapse at ``rate`` per week in which neither end took part (MODEL.md §3.6: ties decay
    without contact). ``u``: one uniform per tie, in edge-list order (the model keys them by the tie's two
    ends, ``SocialNetwork.tie_keys``). ``active_weeks`` holds one bit per week of the ``window`` weeks since the last update
    (set: the resident took part that week), so a tie whose ends were quiet q of those weeks lapses with
    probability 1 - (1 - rate)^q."""
    from ..network import NEIGHBOUR

    if rate <= 0 or net.n_ties == 0:
        return 0
    quiet = window - np.bitwise_count(active_weeks[net.src] | active_weeks[net.dst]).astype(np.int64)
    lapse = 1.0 - (1.0 - rate) ** quiet
    return net.remove_ties((net.kind == NEIGHBOUR) & (u[: net.n_ties] < lapse))


__all__ = ["ACT", "decay_ties", "form_ties", "update_attitudes", "update_firm_trust", "update_habits",
           "update_ladder"]
