"""Fit the status-quo baseline to the surveys by simulated method of moments.

    python experiments/baseline_fit/fit.py                 # both surveys, in order
    python experiments/baseline_fit/fit.py --survey mianyang_2019 --maxiter 200

Method (documented in README.md beside this file):
- the moments are the survey figures of ``data/surveys/<survey>.yaml``, read
  off the first simulated year exactly as MODEL.md §6 defines them;
- each miss is measured in survey standard errors, sqrt(p(1-p)/n), so a
  figure from a larger sample weighs more; one-sided figures ("more than
  76%") count only when violated;
- four stationarity moments keep the status quo a steady state: the ladder's
  wait-and-see and active shares, awareness and capacity C may not drift more
  than about a point over the year (standard errors 0.01, 0.01, 0.01, 0.02);
- every evaluation runs the same fit seeds (common random numbers), so the
  objective is a smooth function of the parameters, minimised by
  Nelder-Mead over the free parameters (bounded by their schema ranges);
- the result is written to ``data/calibrated/<survey>.yaml`` with the fit
  table; the neighbourhood preset names that file. Karamay inherits the
  Mianyang behavioural parameters and fits only what its survey speaks to.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import yaml
from scipy.optimize import minimize

from cgsim.model import CommunityModel
from cgsim.params import ModelParams, param_table
from cgsim.scenarios import CALIBRATED, calibrated_params, make_config
from cgsim.survey import load_survey

FIT_SEEDS = (9001, 9002, 9003, 9004)  # --seeds N uses 9001..9000+N
FREE = {
    "mianyang_2019": ["stage_init_attentive", "stage_init_active", "stage_up_base", "stage_active_gain",
                      "stage_drop_idle", "beta0_activity", "beta0_voice", "recovery_weeks", "voice_recovery_weeks",
                      "personal_need_rate", "awareness_init", "awareness_spread", "capacity_init"],
    "karamay_2016": ["trust_gen_mean", "beta_elderly", "beta_unemployed", "beta_low_income", "beta_cost",
                     "stage_up_base", "beta0_activity", "beta0_voice", "beta0_deliberation", "beta0_coproduction"],
}
INHERITS = {"karamay_2016": "mianyang_2019"}
STATIONARITY_SE = np.array([0.01, 0.01, 0.01, 0.02])  # wait-and-see, active, aware, capacity C
DRIFT_NAMES = ("wait_and_see", "active", "aware", "capacity")


def _bounds(names):
    rows = {r["name"]: r for r in param_table()}
    return np.array([rows[n]["lo"] for n in names], float), np.array([rows[n]["hi"] for n in names], float)


def run_moments(args):
    """Survey moments and ladder drift for one seed (picklable for the process pool)."""
    preset, base, x_named, columns, seed = args
    cfg = make_config(preset, weeks=52, seed=seed, overrides={**base, **x_named})
    m = CommunityModel(config=cfg, build_space=False)
    pop = m.population
    def state():
        return np.array([np.mean(pop.stage == 0), np.mean(pop.stage == 2), np.mean(pop.aware), m.capacity])

    start = state()
    m.run()
    y = m.yearly_frame()
    row = y[(y["year"] == 0) & (y["group"] == "all")].iloc[0]
    drift = tuple((state() - start).tolist())
    return [float(row[c]) for c in columns], drift


def fit_distance(t, x: float) -> float:
    """Miss in standard errors; one-sided figures are aimed at one standard error inside their bound,
    so the bound still holds on seeds other than the fit seeds."""
    if t.kind == "at_least":
        return min((x - t.value) / t.se - 1.0, 0.0)
    if t.kind == "at_most":
        return max((x - t.value) / t.se + 1.0, 0.0)
    return t.distance(x)


class Fit:
    def __init__(self, survey_name: str, pool: ProcessPoolExecutor | None, seeds=FIT_SEEDS):
        self.seeds = tuple(seeds)
        self.survey = load_survey(survey_name)
        self.names = FREE[survey_name]
        self.lo, self.hi = _bounds(self.names)
        self.pool = pool
        inherit = INHERITS.get(survey_name)
        self.base = dict(calibrated_params(inherit)) if inherit else {}
        own = calibrated_params(survey_name)
        defaults = ModelParams().model_dump()
        self.x0 = np.array([own.get(n, self.base.get(n, defaults[n])) for n in self.names], float)
        self.base = {k: v for k, v in self.base.items() if k not in self.names}
        self.columns = [t.column for t in self.survey.targets]
        self.evals = 0
        self._saved = 0
        self.started = time.time()
        self.best = (np.inf, self.x0, None)

    def simulate(self, x):
        x = np.clip(x, self.lo, self.hi)
        named = {n: float(v) for n, v in zip(self.names, x)}
        jobs = [(self.survey.preset, self.base, named, self.columns, s) for s in self.seeds]
        out = list(self.pool.map(run_moments, jobs)) if self.pool else [run_moments(j) for j in jobs]
        sims = np.mean([o[0] for o in out], axis=0)
        drift = np.mean([o[1] for o in out], axis=0)
        return sims, drift

    def objective(self, x):
        sims, drift = self.simulate(x)
        d = np.array([fit_distance(t, v) for t, v in zip(self.survey.targets, sims)])
        obj = float(np.sum(d ** 2) + np.sum((drift / STATIONARITY_SE) ** 2))
        # stay inside the schema ranges
        obj += 1e3 * float(np.sum(np.maximum(self.lo - x, 0) ** 2 + np.maximum(x - self.hi, 0) ** 2))
        self.evals += 1
        if obj < self.best[0]:
            self.best = (obj, np.clip(x, self.lo, self.hi), (sims, drift))
            if self.evals - self._saved >= 20:  # checkpoint: an interrupted fit resumes from its best point
                self.write(self.started)
                self._saved = self.evals
            print(f"  eval {self.evals:4d}  objective {obj:9.3f}  " +
                  " ".join(f"{c}={v:.3f}" for c, v in zip(self.columns, sims)) +
                  f"  drift={drift.round(3).tolist()}", flush=True)
        return obj

    def run(self, maxiter: int):
        step = np.maximum(0.15 * np.abs(self.x0), 0.05 * (self.hi - self.lo) / 10)
        simplex = [self.x0] + [self.x0 + np.eye(len(self.x0))[i] * step[i] for i in range(len(self.x0))]
        minimize(self.objective, self.x0, method="Nelder-Mead",
                 options=dict(maxiter=maxiter, initial_simplex=np.array(simplex), xatol=1e-3, fatol=0.05))
        return self.best

    def write(self, started: float):
        obj, x, (sims, drift) = self.best
        params = dict(self.base)
        params.update({n: round(float(v), 5) for n, v in zip(self.names, x)})
        fit = []
        for t, v in zip(self.survey.targets, sims):
            fit.append(dict(column=t.column, kind=t.kind, target=t.value, simulated=round(float(v), 4),
                            se=round(t.se, 4), miss_in_se=round(float(t.distance(v)), 2), holds=bool(t.holds(v)),
                            source=t.source))
        doc = {
            "survey": self.survey.survey, "preset": self.survey.preset,
            "method": "simulated method of moments, Nelder-Mead, common random numbers (experiments/baseline_fit)",
            "fitted": self.names, "inherits": INHERITS.get(self.survey.survey),
            "fit_seeds": list(self.seeds), "weeks": 52, "objective": round(obj, 3), "evaluations": self.evals,
            "drift_over_year": {k: round(float(v), 4) for k, v in zip(DRIFT_NAMES, drift)},
            "date": dt.date.today().isoformat(), "seconds": round(time.time() - started, 1),
            "params": params, "fit": fit,
        }
        path = CALIBRATED / f"{self.survey.survey}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        header = ("# Written by experiments/baseline_fit/fit.py; do not edit by hand, rerun the fit.\n")
        path.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--survey", default="all", help="mianyang_2019, karamay_2016 or all (default)")
    ap.add_argument("--maxiter", type=int, default=250)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=len(FIT_SEEDS), help="fit seeds (9001, 9002, ...)")
    a = ap.parse_args(argv)
    names = list(FREE) if a.survey == "all" else [a.survey]
    for n in names:
        if n not in FREE:
            print(f"unknown survey {n!r}; allowed: {', '.join(FREE)}, all", file=sys.stderr)
            return 2
    with ProcessPoolExecutor(a.workers) as pool:
        for n in names:
            t0 = time.time()
            print(f"fitting {n}: free parameters {', '.join(FREE[n])}", flush=True)
            f = Fit(n, pool if a.workers > 1 else None, seeds=range(9001, 9001 + a.seeds))
            f.run(a.maxiter)
            print(f"wrote {f.write(t0)} (objective {f.best[0]:.3f}, {f.evals} evaluations)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
