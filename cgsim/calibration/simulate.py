"""Simulated moments for a parameter point: survey figures and first-year drift, per seed.

Every point runs the same fit seeds (common random numbers), so the
difference between two points is the parameters' doing, not luck, and the
objective is nearly smooth. Points already evaluated are read from the
evaluation log (``evaluations.jsonl``) instead of simulated again: that is
how an interrupted calibration resumes — the search is deterministic given
its function values, so replaying the log walks it back to where it stopped.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import Executor
from pathlib import Path

import numpy as np

from .spec import CalibrationSpec


def moments_one_seed(job: dict) -> dict:
    """One run: the survey's figures (its year and group) and the first year's drift of the ladder, awareness,
    capacity and the number of ties (``spec.STATIONARITY``)."""
    from ..model import CommunityModel
    from ..scenarios import make_config

    cfg = make_config(job["preset"], weeks=job["weeks"], seed=job["seed"], calibration=job["calibration"],
                      overrides=job["values"])
    m = CommunityModel(config=cfg, build_space=False)
    pop = m.population

    def state():
        return np.array([np.mean(pop.stage == 0), np.mean(pop.stage == 2), np.mean(pop.aware), m.capacity,
                         m.network.n_ties], float)

    start = state()
    m.run(52)
    drift = state() - start
    drift[4] /= max(start[4], 1.0)  # ties: relative change
    m.run()
    y = m.yearly_frame()
    row = y[(y["year"] == job["year"]) & (y["group"] == job["group"])]
    if row.empty:
        raise RuntimeError(f"no year {job['year']} / group {job['group']!r} in the simulated table")
    r = row.iloc[0]
    if r["n"] == 0:  # its figures are NaN (docs/OUTPUTS.md): nothing to fit to
        from ..scenarios import ConfigError

        raise ConfigError(f"the survey's group {job['group']!r} has no residents in a {job['preset']} community "
                          f"(seed {job['seed']}, values {job['values']}): its figures are undefined. Survey another "
                          f"group, or choose a preset (--preset) where it lives.")
    return {"seed": job["seed"], "figures": [float(r[c]) for c in job["columns"]], "drift": drift.tolist()}


def values_at(spec: CalibrationSpec, u: np.ndarray) -> dict:
    """Parameter values for a point ``u`` in the unit box (fixed overrides included)."""
    lo, hi = np.asarray(spec.lo), np.asarray(spec.hi)
    x = lo + np.clip(u, 0.0, 1.0) * (hi - lo)
    return {**spec.overrides, **{n: float(v) for n, v in zip(spec.params, x)}}


class Simulator:
    """Evaluates batches of points over the fit seeds on an executor, with a replayable log."""

    def __init__(self, spec: CalibrationSpec, executor: Executor, log_path: Path | None, progress=None):
        self.spec = spec
        self.survey = spec.survey
        self.executor = executor
        self.log_path = Path(log_path) if log_path else None
        self.progress = progress
        self.cache: dict[str, dict] = {}
        self.history: list[dict] = []  # every evaluation in order, replayed ones included
        self.simulated = 0
        self.replayed = 0
        if self.log_path and self.log_path.is_file():
            text = self.log_path.read_text(encoding="utf-8")
            if text and not text.endswith("\n"):  # end a half-written line so new records start clean
                with self.log_path.open("a", encoding="utf-8") as f:
                    f.write("\n")
            for line in text.splitlines():
                if line.strip():
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:  # the line being written when the run was killed
                        continue
                    self.cache[rec["key"]] = rec

    @staticmethod
    def key(u: np.ndarray) -> str:
        return np.asarray(u, float).tobytes().hex()

    def jobs(self, u: np.ndarray, seeds) -> list[dict]:
        sv = self.survey
        vals = values_at(self.spec, u)
        return [dict(preset=self.spec.preset, calibration=self.spec.calibration, values=vals, weeks=self.spec.weeks,
                     seed=int(s), year=sv.year, group=sv.group, columns=[t.column for t in sv.targets])
                for s in seeds]

    def run_seeds(self, points: list[np.ndarray], seeds) -> list[list[dict]]:
        """Per point, the per-seed results (no cache): all runs of the batch go to the executor at once."""
        futs = [[self.executor.submit(moments_one_seed, j) for j in self.jobs(u, seeds)] for u in points]
        return [[f.result() for f in fl] for fl in futs]

    def evaluate(self, points: list[np.ndarray], kind: str = "search") -> list[dict]:
        """Records (per-seed figures and drift, their means) for each point, from the log or simulated."""
        keys = [self.key(u) for u in points]
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        todo = [i for k, i in first.items() if k not in self.cache]
        self.replayed += sum(k in self.cache for k in first)
        if todo:
            t0 = time.time()
            results = self.run_seeds([points[i] for i in todo], self.spec.seeds)
            per_point = (time.time() - t0) / len(todo)
            for i, res in zip(todo, results):
                fig = np.array([r["figures"] for r in res])
                dr = np.array([r["drift"] for r in res])
                rec = {"key": keys[i], "u": np.asarray(points[i], float).tolist(), "kind": kind,
                       "figures": fig.tolist(), "drift": dr.tolist(), "seconds": round(per_point, 3)}
                self.cache[keys[i]] = rec
                self.simulated += 1
                if self.log_path:
                    with self.log_path.open("a", encoding="utf-8") as f:
                        f.write(json.dumps(rec) + "\n")
        for k in keys:
            self.history.append(self.cache[k])
        return [self.cache[k] for k in keys]
