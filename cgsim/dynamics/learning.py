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


def update_attitudes(p, pop, net, *, answered, ignored, settled_touch, dispute_touch, attended,
                     rc_contact, admin_share: float, service: np.ndarray) -> None:
    neg = p.learn_pos * p.negativity_bias
    hit = np.flatnonzero(answered | ignored | settled_touch | dispute_touch)  # only those with an experience
    if hit.size:
        good = answered[hit] + 0.5 * settled_touch[hit]
        bad = ignored[hit] + 0.5 * dispute_touch[hit]
        for arr in (pop.trust_rc, pop.efficacy):
            x = arr[hit]
            arr[hit] = np.clip(x + p.learn_pos * good * (1 - x) - neg * bad * x, 0, 1)
    # experiences fade: attitudes drift back toward each resident's disposition
    pop.trust_rc += p.attitude_drift * (pop.trust_rc_anchor - pop.trust_rc)
    pop.efficacy += p.attitude_drift * (pop.efficacy_anchor - pop.efficacy)

    nb = net.mean_of(pop.trust_gen)
    pop.trust_gen += (p.trust_gen_social * (nb - pop.trust_gen) + p.trust_gen_drift * (pop.trust_gen_anchor - pop.trust_gen)
                      + p.trust_gen_activity * attended * (1 - pop.trust_gen))
    clip01(pop.trust_gen)
    pop.belonging += 0.02 * attended * (1 - pop.belonging) - 0.002 * (pop.belonging - 0.3)
    pop.satisfaction += p.satisfaction_rate * (service - pop.satisfaction)
    clip01(pop.satisfaction)

    seen = np.clip(admin_share + pop.admin_bias, 0, 1)
    rate = np.where(rc_contact, p.admin_perception_rate, 0.1 * p.admin_perception_rate)
    pop.admin_perception += rate * (seen - pop.admin_perception)
    clip01(pop.admin_perception)


def update_habits(p, pop, events: np.ndarray) -> None:
    pop.habit += p.habit_rate * (events - pop.habit) * pop.engaged[:, None]


def update_ladder(p, pop, net_share_active: np.ndarray, group_base: np.ndarray, *, answered, ignored,
                  u_up: np.ndarray, u_active: np.ndarray, u_down: np.ndarray) -> None:
    """Move residents along the ladder (vectorised; one move per resident a week at most)."""
    stage = pop.stage
    cand = np.flatnonzero((stage == WAIT) & pop.aware)
    z = (p.stage_up_base + p.stage_up_ask * pop.asked[cand] + p.stage_up_social * net_share_active[cand]
         + group_base[cand] + p.beta_trust * pop.trust_rc[cand])
    up = np.zeros(stage.size, bool)
    up[cand] = u_up[cand] < 1 / (1 + np.exp(-z))
    to_active = (stage == ATTENTIVE) & answered & (u_active < p.stage_active_gain * pop.efficacy * 2)
    idle = pop.idle_weeks >= 13
    down = (stage > WAIT) & ((ignored & (u_down < p.stage_drop_ignored)) | (idle & (u_down < p.stage_drop_idle)))
    stage[up] = ATTENTIVE
    stage[to_active] = ACTIVE
    stage[down & ~up & ~to_active] -= 1
    pop.habit[stage == WAIT] *= 0.5


def form_ties(net, pop, attended: np.ndarray, rate: float, g: np.random.Generator, venue=None) -> int:
    """New ties among residents who attended activities at the same venue (default: estate)."""
    who = np.flatnonzero(attended)
    if who.size < 2 or rate <= 0:
        return 0
    venue = pop.estate if venue is None else venue
    k = g.poisson(rate, who.size)
    a = np.repeat(who, k)
    if a.size == 0:
        return 0
    order = who[np.argsort(venue[who], kind="stable")]
    v = venue[order]
    starts = np.searchsorted(v, venue[a], side="left")
    ends = np.searchsorted(v, venue[a], side="right")
    b = order[starts + (g.random(a.size) * (ends - starts)).astype(np.int64)]
    return net.add_ties(a, b)


def decay_ties(net, active: np.ndarray, rate: float, u: np.ndarray) -> int:
    """Non-kin ties lapse when neither end took part this week."""
    from ..network import NEIGHBOUR

    if rate <= 0 or net.n_ties == 0:
        return 0
    quiet = ~(active[net.src] | active[net.dst])
    return net.remove_ties((net.kind == NEIGHBOUR) & quiet & (u[: net.n_ties] < rate))


__all__ = ["ACT", "decay_ties", "form_ties", "update_attitudes", "update_habits", "update_ladder"]
