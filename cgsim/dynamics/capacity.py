"""Phase 7, self-governance capacity C and its stage (`003 例1` M1).

The guardian model of `003 例1` M1: how much government a community needs
falls as it matures, need(C) = max(0, 1 − C/θ2). Government intensity up to
that need nurtures capacity (抚养培育, 辅助成长); intensity beyond it crowds
self-governance out (包揽一切); too little while C is still dependent lets it
collapse (不应放手):

dC = growth·(deep participation)(1−C) + cultivation·(committee and NGO time
spent cultivating)(1−C) + groups·(resident self-organisation)(1−C) + support·min(g, need) − crowding·(½·administrative
share + max(g − need, 0)) − collapse·max(need − g, 0)·[C < θ1] − decay·C. Stages: 索取依赖 (dependent, C < θ1), 学习进步 (learning),
成熟独立 (mature, C ≥ θ2). In the dependent stage residents request rather
than contribute; later stages favour deliberation and co-production.
"""

from __future__ import annotations

import numpy as np

DEPENDENT, LEARNING, MATURE = 0, 1, 2
STAGE_LABELS = ("dependent", "learning", "mature")


def clip01_scalar(x: float) -> float:
    """``float(np.clip(x, 0.0, 1.0))`` for a Python float, without numpy's call overhead: like numpy's clip it
    replaces only values below 0 or above 1 (NaN and -0.0 stay as they are). Always a Python float."""
    x = float(x)
    if x < 0.0:
        return 0.0
    return 1.0 if x > 1.0 else x


def stage_of(p, c: float) -> int:
    return DEPENDENT if c < p.capacity_theta1 else (LEARNING if c < p.capacity_theta2 else MATURE)


def government_need(p, c: float) -> float:
    """Government intensity a community at capacity ``c`` needs (1 at C = 0, 0 from maturity on)."""
    return max(0.0, 1.0 - c / max(p.capacity_theta2, 1e-9))


def cultivation_level(hours: float, n_residents: int) -> float:
    """Cultivation intensity (0-1) of a week's committee, NGO and policy cultivation hours: one hour per 100
    residents a week is full."""
    return min(1.0, hours / max(n_residents * 0.01, 1.0))


def update(p, c: float, *, deep_rate: float, cultivation_hours: float, n_residents: int, admin_share: float,
           gov_intensity: float, group_member_share: float = 0.0) -> float:
    deep = min(1.0, deep_rate * 50.0)                          # 2% of residents in deep channels a week = full
    cult = cultivation_level(cultivation_hours, n_residents)
    org = min(1.0, group_member_share * 20.0)                  # 5% of residents in resident groups = full
    need = government_need(p, c)
    support = min(gov_intensity, need)
    crowd = admin_share * 0.5 + max(gov_intensity - need, 0.0)
    collapse = max(need - gov_intensity, 0.0) if c < p.capacity_theta1 else 0.0
    dc = (p.capacity_growth * deep * (1 - c) + p.capacity_cultivation * cult * (1 - c)
          + p.capacity_groups * org * (1 - c)
          + p.capacity_gov_support * support - p.capacity_crowding * crowd - p.capacity_collapse * collapse
          - p.capacity_decay * c)
    return clip01_scalar(c + dc)


def channel_shift(p, stage: int) -> np.ndarray:
    """Log-odds shifts per channel (activity, voice, deliberation, co-production) by stage."""
    if stage == DEPENDENT:
        return np.array([0.0, p.dependent_voice_shift, 0.0, -p.dependent_voice_shift])
    k = 1.0 if stage == MATURE else 0.5
    return np.array([0.0, 0.0, k * p.mature_deep_shift, k * p.mature_deep_shift])
