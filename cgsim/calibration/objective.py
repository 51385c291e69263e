"""The calibration objective: misses in sampling standard errors (simulated method of moments).

Each survey figure's miss is divided by its sampling standard error
sqrt(p(1-p)/n) (``cgsim.survey.Target.se``), so a figure from a larger
sample weighs more. One-sided figures ("more than 76%", MODEL.md §6) count
only when violated and are aimed one standard error inside their bound, so
the bound still holds on seeds other than the fit seeds. With
stationarity on, the first-year drift of the ladder's wait-and-see and
active shares, of awareness, of capacity C and (relative) of the number of
social ties are further moments with target 0 (the status quo is a steady state; standard errors in
``spec.STATIONARITY``).
"""

from __future__ import annotations

import numpy as np

from ..survey import Survey, Target
from .spec import STATIONARITY, CalibrationSpec


def aimed_distance(t: Target, x: float) -> float:
    """Signed miss in standard errors; one-sided figures aimed one standard error inside the bound."""
    if t.kind == "at_least":
        return min((x - t.value) / t.se - 1.0, 0.0)
    if t.kind == "at_most":
        return max((x - t.value) / t.se + 1.0, 0.0)
    return t.distance(x)


def moment_names(spec: CalibrationSpec, survey: Survey) -> list[str]:
    names = [t.column for t in survey.targets]
    if spec.stationarity:
        names += [f"drift_{n}" for n, _ in STATIONARITY]
    return names


def moment_se(spec: CalibrationSpec, survey: Survey) -> np.ndarray:
    se = [t.se for t in survey.targets]
    if spec.stationarity:
        se += [s for _, s in STATIONARITY]
    return np.array(se, float)


def per_seed_moments(spec: CalibrationSpec, rec: dict) -> np.ndarray:
    """Seeds x moments: survey figures, then the drifts when stationarity is on."""
    fig = np.asarray(rec["figures"], float)
    return np.hstack([fig, np.asarray(rec["drift"], float)]) if spec.stationarity else fig


def residuals(spec: CalibrationSpec, survey: Survey, rec: dict) -> np.ndarray:
    """Standardised misses of the seed-averaged moments (the vector whose squares are summed)."""
    m = per_seed_moments(spec, rec).mean(axis=0)
    r = [aimed_distance(t, v) for t, v in zip(survey.targets, m)]
    if spec.stationarity:
        r += list(m[len(survey.targets):] / np.array([s for _, s in STATIONARITY]))
    return np.array(r, float)


def objective(r: np.ndarray) -> float:
    return float(np.sum(np.square(r)))
