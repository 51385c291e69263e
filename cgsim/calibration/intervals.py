"""Parameter intervals for the SMM estimate: a regularised sandwich in the unit box.

With residuals r(u) = (simulated - surveyed) / se and Jacobian J = dr/du at
the estimate (central differences, common random numbers), the textbook SMM
covariance is B⁻¹ M B⁻¹ with bread B = JᵀJ and meat M = Jᵀ Ω J, where Ω is
the covariance of the residuals relative to their weights: the survey's sampling
variance (1 in these units) plus the covariance of one simulated community,
(1 + 1/S) Σ/(se seᵀ), since the surveyed community is one draw of the process
and the fit averages S seeds (Gouriéroux & Monfort's simulation correction).

Survey figures rarely pin down every parameter. A parameter the figures do
not move has a singular bread; rather than an infinite or arbitrary
interval it gets the width of its plausible range: both bread and meat are
regularised with the precision of a uniform distribution over the schema
range (12 in the unit box). An identified parameter's interval is barely
touched by this; an unidentified one's is its range, and the report says
so (``identification``: interval sd over the sd of a uniform over the range,
identified under 0.3, weakly identified under 0.8).
"""

from __future__ import annotations

import numpy as np

PRIOR_PRECISION = 12.0  # 1 / variance of a uniform on [0, 1]
Z95 = 1.959964


def sandwich(J: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """Covariance of the estimate in the unit box."""
    p = J.shape[1]
    P = PRIOR_PRECISION * np.eye(p)
    B = J.T @ J + P
    omega = np.diag(omega) if omega.ndim == 1 else omega
    M = J.T @ omega @ J + P
    Bi = np.linalg.inv(B)
    return Bi @ M @ Bi


def identification(sd_u: float) -> str:
    ratio = sd_u * np.sqrt(PRIOR_PRECISION)  # interval sd over the sd of a uniform over the range
    if ratio < 0.3:  # 95% interval under about a third of the range
        return "identified"
    if ratio < 0.8:
        return "weakly identified"
    return "not identified by these figures"


def intervals(u_hat: np.ndarray, J: np.ndarray, omega: np.ndarray, lo, hi) -> list[dict]:
    """Per parameter: estimate, sd and 95% interval in the parameter's units, clipped to its range."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    V = sandwich(J, omega)
    sd_u = np.sqrt(np.clip(np.diag(V), 0, None))
    span = hi - lo
    est = lo + u_hat * span
    out = []
    for j in range(len(u_hat)):
        sd = float(sd_u[j] * span[j])
        out.append(dict(estimate=float(est[j]), sd=sd, low=float(max(lo[j], est[j] - Z95 * sd)),
                        high=float(min(hi[j], est[j] + Z95 * sd)), identification=identification(sd_u[j]),
                        sensitivity=float(np.sqrt(np.sum(J[:, j] ** 2)))))
    return out


def omega_from_seeds(per_seed: np.ndarray, se: np.ndarray, fit_seeds: int) -> np.ndarray:
    """Residual covariance relative to the survey weights: I + (1 + 1/S) Σ/(se seᵀ), S the fit seeds.

    Σ is the seed-to-seed covariance of the moments at the estimate, from ``per_seed`` (the fresh check
    seeds when there are any: ten seeds estimate it far better than the three or four a fit averages).
    It is a full matrix because figures of one community move together (the three suggestion shares
    add up to at most one); the survey's own sampling errors are taken as independent."""
    n, m = per_seed.shape
    cov = np.atleast_2d(np.cov(per_seed, rowvar=False)) if n > 1 else np.zeros((m, m))
    return np.eye(m) + (1.0 + 1.0 / fit_seeds) * cov / np.outer(se, se)


def j_statistic(r: np.ndarray, omega: np.ndarray, p: int) -> dict:
    """Overall fit: sum of squared residuals scaled by their variance against chi² with m - p df."""
    from scipy.stats import chi2

    active = np.abs(r) > 0
    omega = np.diag(omega) if omega.ndim == 2 else omega
    J = float(np.sum(r ** 2 / omega))
    df = max(int(active.sum()) - p, 0)
    return dict(J=round(J, 3), df=df, p_value=round(float(chi2.sf(J, df)), 4) if df > 0 else None)
