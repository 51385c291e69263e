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
identified under 0.3, weakly identified under 0.8). ``widen_along_axes`` then
widens intervals along each parameter where the objective is flatter than
its curvature at the estimate says (saturating effects).
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


CHI2_1_95 = 3.841459


def profile_threshold(J: np.ndarray, omega: np.ndarray, j: int) -> float | None:
    """Rise of the objective along parameter ``j`` alone that marks its 95% bound: 3.84 J_jᵀΩJ_j / J_jᵀJ_j
    (the likelihood-ratio form of the sandwich variance in one direction); None if the figures do not move it."""
    Jj = J[:, j]
    denom = float(Jj @ Jj)
    if denom <= 1e-12:
        return None
    om = np.diag(omega) if omega.ndim == 1 else omega
    return CHI2_1_95 * float(Jj @ om @ Jj) / denom


def widen_along_axes(u_hat: np.ndarray, f_hat: float, J: np.ndarray, omega: np.ndarray, ivals: list[dict],
                     lo, hi, objective_at, max_rounds: int = 6) -> None:
    """Widen each interval where the objective is flatter than the local slope says.

    The sandwich reads the objective's curvature at the estimate; where a parameter's effect saturates
    (parameter recovery showed it for ``voice_recovery_weeks``) the objective stays low well beyond. From
    each interval edge the parameter alone is moved outward (steps growing by half each round) until the
    objective has risen by ``profile_threshold`` or the range ends; the interval becomes the wider of the
    two. ``objective_at(points) -> values`` evaluates a batch of points in the unit box."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    span = hi - lo
    active = []
    for j, iv in enumerate(ivals):
        iv["widened"] = False
        c = profile_threshold(J, omega, j)
        if c is None:
            continue
        for side, key in ((-1, "low"), (+1, "high")):
            edge = (iv[key] - lo[j]) / span[j]
            if 0.0 < edge < 1.0:
                active.append(dict(j=j, side=side, key=key, u=edge, step=max(abs(edge - u_hat[j]), 0.02), c=c))
    for _ in range(max_rounds):
        if not active:
            break
        pts = []
        for a in active:
            x = np.array(u_hat, float)
            x[a["j"]] = a["u"]
            pts.append(x)
        values = objective_at(pts)
        still = []
        for a, f in zip(active, values):
            d, iv = f - f_hat, ivals[a["j"]]
            if d >= a["c"]:
                if "prev_u" in a:  # crossed between the last point and this one: interpolate the edge
                    t = (a["c"] - a["prev_d"]) / max(d - a["prev_d"], 1e-12)
                    edge = a["prev_u"] + t * (a["u"] - a["prev_u"])
                    iv[a["key"]] = float(lo[a["j"]] + edge * span[a["j"]])
                continue
            nxt = float(np.clip(a["u"] + a["side"] * a["step"], 0.0, 1.0))
            iv[a["key"]] = float(lo[a["j"]] + nxt * span[a["j"]])
            iv["widened"] = True
            a.update(prev_u=a["u"], prev_d=d)
            if 0.0 < nxt < 1.0:
                a.update(u=nxt, step=a["step"] * 1.5)
                still.append(a)
        active = still
    for iv in ivals:  # identification as the final interval shows it
        iv["identification"] = identification((iv["high"] - iv["low"]) / (2 * Z95) / float(
            span[ivals.index(iv)]))
