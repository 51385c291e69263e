"""``cgsim calibrate``: fit chosen parameters to a survey, with intervals, a report and a convergence plot.

Without a survey (``--steady-state``), the stationarity moments alone are fitted: the parameters chosen
(typically a preset's initial state) are set so that its status quo holds still by itself.

Method (argued in docs/CALIBRATION.md): simulated method of moments with
common random numbers. Residuals are the survey figures' misses in sampling
standard errors (``objective.py``); the search is SciPy's bounded
trust-region least squares (``least_squares(method="trf")``) in each
parameter's range scaled to [0, 1], with finite-difference Jacobians whose
step is a share of the range (the objective is piecewise constant at tiny
steps, smooth at the scale of a few percent thanks to common random
numbers). The best point found is the estimate; intervals come from a
regularised SMM sandwich (``intervals.py``); the fit report checks every
figure on fresh seeds the fit never saw.

Every evaluation is appended to ``OUT/evaluations.jsonl``; rerunning the same
command replays it and continues (``--restart`` starts afresh).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from ..experiment.executors import make_pool
from ..scenarios import CALIBRATED, NO_CALIBRATION, ConfigError, read_yaml
from . import objective as obj
from .intervals import intervals, j_statistic, omega_from_seeds, widen_along_axes
from .simulate import Simulator
from .spec import CalibrationSpec


INTERVAL_STEP = 0.05  # share of each parameter's range, for the central differences of the intervals


class _Budget(Exception):
    """The evaluation budget is spent; the best point so far is the estimate."""


class Calibration:
    def __init__(self, spec: CalibrationSpec, sim: Simulator, progress=print):
        self.spec, self.sim, self.progress = spec, sim, progress
        self.survey = sim.survey
        self.t0 = time.time()
        self.seen: set[str] = set()     # distinct points the search has asked for
        self.best: tuple[float, np.ndarray | None, dict | None] = (np.inf, None, None)

    def _note(self, recs: list[dict], label: str) -> list[np.ndarray]:
        out = []
        for rec in recs:
            r = obj.residuals(self.spec, self.survey, rec)
            out.append(r)
            if rec["key"] in self.seen:
                continue
            self.seen.add(rec["key"])
            f = obj.objective(r)
            if f < self.best[0]:
                self.best = (f, np.asarray(rec["u"], float), rec)
            if self.progress:
                self.progress(f"  eval {len(self.seen):4d} {label:8s} objective {f:9.3f}   best {self.best[0]:9.3f}"
                              f"   [{time.time() - self.t0:6.0f} s]")
        if len(self.seen) >= self.spec.max_evals:
            raise _Budget
        return out

    def residuals(self, u: np.ndarray) -> np.ndarray:
        return self._note(self.sim.evaluate([np.array(u, float)]), "search")[0]

    def jacobian(self, u: np.ndarray, central: bool = False) -> np.ndarray:
        """dr/du by finite differences of ``spec.step``: forward (backward at the upper bound) while
        searching, central for the intervals; all points of one Jacobian run as one parallel batch."""
        u = np.array(u, float)
        # the interval Jacobian takes a wider step: under common random numbers a small step picks up
        # the staircase of discrete decisions, which inflates JᵀJ and narrows the intervals
        h, p = (max(self.spec.step, INTERVAL_STEP) if central else self.spec.step), len(u)
        plus, minus = [], []
        for j in range(p):
            e = np.zeros(p)
            e[j] = h
            if central:
                up, dn = (u + e if u[j] + h <= 1 else u.copy()), (u - e if u[j] - h >= 0 else u.copy())
            else:
                up, dn = (u + e, u.copy()) if u[j] + h <= 1 else (u.copy(), u - e)
            plus.append(up)
            minus.append(dn)
        recs = self.sim.evaluate([u] + plus + minus, kind="interval" if central else "jacobian")
        if central:
            rs = [obj.residuals(self.spec, self.survey, r) for r in recs]
        else:
            rs = self._note(recs, "jacobian")
        rp, rm = rs[1:1 + p], rs[1 + p:]
        J = np.empty((len(rs[0]), p))
        for j in range(p):
            J[:, j] = (rp[j] - rm[j]) / (plus[j][j] - minus[j][j])
        return J

    def search(self) -> str:
        u0 = (np.asarray(self.spec.start) - np.asarray(self.spec.lo)) / (np.asarray(self.spec.hi) - np.asarray(self.spec.lo))
        try:
            res = least_squares(self.residuals, u0, jac=self.jacobian, bounds=(0.0, 1.0), method="trf",
                                x_scale=1.0, ftol=1e-3, xtol=1e-3, gtol=1e-4, max_nfev=self.spec.max_evals)
            return f"converged: {res.message.rstrip('.')}"
        except _Budget:
            return f"stopped: evaluation budget ({self.spec.max_evals}) spent"


def _relative(path: Path) -> str:
    from ..scenarios import ROOT

    if not Path(path).is_absolute():
        return str(path)
    try:
        return str(Path(path).resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(path)


def _check_resume(spec: CalibrationSpec, out: Path, restart: bool) -> None:
    spec_file, log = out / "spec.json", out / "evaluations.jsonl"
    if restart:
        for f in (spec_file, log):
            f.unlink(missing_ok=True)
    evaluated = log.is_file() and log.stat().st_size > 0
    if spec_file.is_file() and not evaluated:
        spec_file.unlink()  # a calibration stopped before its first evaluation: nothing to resume or protect
    if spec_file.is_file():
        old = json.loads(spec_file.read_text(encoding="utf-8"))
        if old.get("fingerprint") != spec.fingerprint():
            diff = [k for k, v in spec.__dict__.items() if k not in ("max_evals", "check_seeds", "survey_file", "start")
                    and old.get("spec", {}).get(k) != v]
            raise ConfigError(f"{out}: holds a different calibration (differs in: {', '.join(diff) or 'the model'}). "
                              f"Use another --out, or --restart to discard its evaluations.")
        spec.start = list(old["spec"]["start"])  # the resumed search goes on from where it began
    spec_file.write_text(json.dumps({"fingerprint": spec.fingerprint(), "spec": spec.__dict__}, indent=1,
                                    default=str), encoding="utf-8")


def _model_unchanged(sim: Simulator) -> None:
    """A resumed log is only valid for the same model code: re-simulate its first point on one seed."""
    if not sim.cache:
        return
    first = next(iter(sim.cache.values()))
    fresh = sim.run_seeds([np.asarray(first["u"], float)], sim.spec.seeds[:1])[0][0]
    # the figures, and the drifts (all a steady-state calibration has)
    if not (np.allclose(fresh["figures"], first["figures"][0], rtol=0, atol=1e-12)
            and np.allclose(fresh["drift"], first["drift"][0], rtol=0, atol=1e-12)):
        raise ConfigError(f"{sim.log_path}: these evaluations were made by a different version of the model. "
                          f"Use another --out, or --restart to discard them.")


def saved_params(spec: CalibrationSpec, save_as: str | None, est: dict) -> tuple[dict, str | None]:
    """(params, inherits) for the calibrated file: fitted values on top of the set they were fitted against."""
    from ..scenarios import NEIGHBOURHOODS

    base = spec.calibration
    if base is None:
        base = read_yaml(NEIGHBOURHOODS / f"{spec.preset}.yaml").get("calibration")
    if base in (None, NO_CALIBRATION):
        return dict(est), None
    if base != save_as:
        return dict(est), base
    own = read_yaml(CALIBRATED / f"{base}.yaml", "calibrated parameter")
    return {**(own.get("params") or {}), **est}, own.get("inherits")


def calibrate(spec: CalibrationSpec, out: str | Path, *, workers: int | None = None, save_as: str | None = None,
              restart: bool = False, progress=print, command: str | None = None) -> dict:
    """Run a calibration into ``out`` (resuming what is there); returns the calibrated document."""
    from .report import check_on_fresh_seeds, write_outputs

    out = Path(out)
    mine = ("calibrated.yaml", "report.md", "convergence.png", "evaluations.jsonl")
    clash = [f for f in mine if (out / f).exists()] if not (out / "spec.json").is_file() else []
    if clash:  # files of another origin that this calibration's outputs would overwrite
        raise ConfigError(f"{out}: holds {', '.join(clash)} but no calibration (no spec.json); a calibration here "
                          f"would overwrite them. Choose a new --out (a calibration's own folder resumes it).")
    out.mkdir(parents=True, exist_ok=True)
    _check_resume(spec, out, restart)
    started = time.time()
    with make_pool("local", workers) as pool:
        sim = Simulator(spec, pool.executor, out / "evaluations.jsonl")
        _model_unchanged(sim)
        if progress:
            done = len(sim.cache)
            target = "a steady state (no survey)" if spec.steady_state else Path(spec.survey_file).name
            progress(f"calibrating {', '.join(spec.params)} of {spec.preset} to {target}: "
                     f"{len(spec.seeds)} fit seeds, up to {spec.max_evals} evaluations on {pool.label}"
                     + (f"; replaying {done} logged evaluations" if done else ""))
        cal = Calibration(spec, sim, progress)
        status = cal.search()
        f_best, u_best, rec_best = cal.best
        if progress:
            progress(f"{status}; estimating intervals (central differences, {2 * len(spec.params)} points)")
        J = cal.jacobian(u_best, central=True)
        if progress and spec.check_seeds:
            progress(f"checking the estimate on {len(spec.check_seeds)} fresh seeds")
        check, check_moments = check_on_fresh_seeds(spec, sim, u_best)
        per_seed = obj.per_seed_moments(spec, rec_best)
        se = obj.moment_se(spec, sim.survey)
        omega = omega_from_seeds(check_moments, se, len(spec.seeds))
        ivals = intervals(u_best, J, omega, spec.lo, spec.hi)
        if progress:
            progress("checking each interval along its parameter (the objective may be flatter than its slope)")
        widen_along_axes(u_best, f_best, J, omega, ivals, spec.lo, spec.hi,
                         lambda pts: [obj.objective(obj.residuals(spec, sim.survey, r))
                                      for r in sim.evaluate(pts, kind="interval")])
        r_best = obj.residuals(spec, sim.survey, rec_best)
    est = {n: round(iv["estimate"], 6) for n, iv in zip(spec.params, ivals)}
    params, inherits = saved_params(spec, save_as, est)
    k = len(sim.survey.targets)

    def drift(per_seed_moments: np.ndarray) -> dict | None:
        names = obj.moment_names(spec, sim.survey)[k:]
        return ({n: round(float(v), 4) for n, v in zip(names, per_seed_moments.mean(axis=0)[k:])}
                if spec.stationarity else None)

    doc = {
        "survey": None if spec.steady_state else sim.survey.survey,
        "survey_file": None if spec.steady_state else _relative(Path(spec.survey_file)), "preset": spec.preset,
        "command": command,
        "method": "simulated method of moments, common random numbers, bounded trust-region least squares; "
                  "regularised sandwich intervals (docs/CALIBRATION.md)",
        "fitted": list(spec.params), "inherits": inherits, "calibrated_against": spec.calibration,
        "overrides": spec.overrides or None, "fit_seeds": list(spec.seeds), "check_seeds": list(spec.check_seeds),
        "weeks": spec.weeks, "stationarity": spec.stationarity, "step": spec.step, "status": status,
        "objective": round(f_best, 3), "evaluations": len(sim.cache), "simulated_this_session": sim.simulated,
        "fit_statistic": j_statistic(r_best, omega, len(spec.params)),
        "drift_over_year": drift(per_seed),
        # the same on the seeds of the fit table (fresh ones unless --check-seeds 0)
        "drift_over_year_check": drift(check_moments),
        "date": dt.date.today().isoformat(), "seconds": round(time.time() - started, 1),
        "params": params,
        "intervals": {n: {k: (round(v, 6) if isinstance(v, float) else v) for k, v in iv.items()}
                      for n, iv in zip(spec.params, ivals)},
        "fit": check,
    }
    write_outputs(doc, out, sim.history, spec)
    if save_as:
        dest = CALIBRATED / f"{save_as}.yaml"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "calibrated.yaml", dest)
        doc["saved_to"] = _relative(dest)
    return doc
