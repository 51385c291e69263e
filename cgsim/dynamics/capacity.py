"""Phase 7, self-governance capacity C and its stage (`003 例1` M1).

dC = growth·(deep participation) + cultivation·(committee and NGO time spent
cultivating) − crowding·(administrative load + strong government where C is
already high) − collapse·(government withdrawn while C is still low) −
decay·C. Stages: 索取依赖 (dependent, C < θ1), 学习进步 (learning),
成熟独立 (mature, C ≥ θ2). In the dependent stage residents request rather
than contribute; later stages favour deliberation and co-production.
"""

from __future__ import annotations

import numpy as np

DEPENDENT, LEARNING, MATURE = 0, 1, 2
STAGE_LABELS = ("dependent", "learning", "mature")


def stage_of(p, c: float) -> int:
    return DEPENDENT if c < p.capacity_theta1 else (LEARNING if c < p.capacity_theta2 else MATURE)


def update(p, c: float, *, deep_rate: float, cultivation_hours: float, n_residents: int, admin_share: float,
           gov_intensity: float) -> float:
    deep = min(1.0, deep_rate * 50.0)                          # 2% of residents in deep channels a week = full
    cult = min(1.0, cultivation_hours / max(n_residents * 0.01, 1.0))  # 1 hour per 100 residents a week = full
    crowd = admin_share * 0.5 + gov_intensity * c
    collapse = (1.0 - gov_intensity) * max(p.capacity_theta1 - c, 0.0) / max(p.capacity_theta1, 1e-9)
    dc = (p.capacity_growth * deep * (1 - c) + p.capacity_cultivation * cult * (1 - c)
          - p.capacity_crowding * crowd - p.capacity_crowding * collapse - p.capacity_decay * c)
    return float(np.clip(c + dc, 0.0, 1.0))


def channel_shift(p, stage: int) -> np.ndarray:
    """Log-odds shifts per channel (activity, voice, deliberation, co-production) by stage."""
    if stage == DEPENDENT:
        return np.array([0.0, p.dependent_voice_shift, 0.0, -p.dependent_voice_shift])
    k = 1.0 if stage == MATURE else 0.5
    return np.array([0.0, 0.0, k * p.mature_deep_shift, k * p.mature_deep_shift])
