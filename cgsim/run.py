"""Run one configuration and keep its results: tables, metadata, figure.

``simulate`` returns tidy frames (one row per week or year and group) with
the seed on every row; ``write_run`` stores ``weekly.parquet``,
``yearly.parquet``, ``meta.json`` (config, seed, config hash, versions) and
``summary.png`` in a folder.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from .scenarios import RunConfig


@dataclass
class RunResult:
    weekly: pd.DataFrame
    yearly: pd.DataFrame
    meta: dict


# The code that computes a run's tables: the model and its processes, actors, policies, parameters, random
# streams, metrics, configs and district runs, and the worker that turns a job into tables. Presentation,
# calibration, analysis and experiment bookkeeping are left out: editing them cannot change a run's tables.
_RUN_CODE = ("model.py", "population.py", "network.py", "params.py", "rng.py", "metrics.py", "scenarios.py",
             "district.py", "run.py", "dynamics", "actors", "policies", "experiment/worker.py")


@cache
def code_fingerprint() -> str:
    """A hash of the source that computes a run (``_RUN_CODE``). The release number changes only with
    releases; this changes with any edit to that code, so a stored sweep is not finished by different code
    calling itself the same release (``Store.check_same_model``), and ``meta.json`` says which code made a run.
    Hidden files (editor locks, checkpoints) and anything not a regular file are skipped."""
    root = Path(__file__).resolve().parent
    files = []
    for part in _RUN_CODE:
        path = root / part
        files += [path] if part.endswith(".py") else sorted(path.rglob("*.py"))
    h = hashlib.sha256()
    for f in files:
        rel = f.relative_to(root)
        if any(x.startswith(".") for x in rel.parts) or not f.is_file():
            continue
        h.update(rel.as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("cgsim", "mesa", "numpy", "scipy", "pandas", "networkx", "pydantic"):
        try:
            out[pkg] = version(pkg)
        except Exception:  # noqa: BLE001  (a package missing from metadata is not an error here)
            out[pkg] = "unknown"
    out["cgsim_code"] = code_fingerprint()
    return out


def simulate(config: RunConfig, *, seed: int | None = None, build_space: bool = False) -> RunResult:
    """Build and run the model for ``config.weeks`` weeks; no files written."""
    from .model import CommunityModel

    t0 = time.perf_counter()
    model = CommunityModel(config=config, rng=seed if seed is not None else config.seed, build_space=build_space)
    model.run()
    weekly, yearly = model.weekly_frame(), model.yearly_frame()
    for df in (weekly, yearly):
        df.insert(0, "seed", model.seed)
    meta = {
        "name": config.name, "source": config.source, "seed": model.seed, "weeks": config.weeks,
        "config": {**config.to_dict(), "seed": model.seed}, "config_hash": config.config_hash(),
        "params": config.params.model_dump(), "policies": [p.to_config() for p in model.policies],
        "n_residents": int(model.population.n), "n_households": int(model.hierarchy.n_households),
        "costs_total_yuan": model.costs_total, "versions": versions(),
        "wall_seconds": round(time.perf_counter() - t0, 3),
    }
    return RunResult(weekly, yearly, meta)


def write_tables(result: RunResult, out: str | Path) -> Path:
    """``weekly.parquet``, ``yearly.parquet`` and ``meta.json`` of a run (community or district)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result.weekly.to_parquet(out / "weekly.parquet", index=False)
    result.yearly.to_parquet(out / "yearly.parquet", index=False)
    (out / "meta.json").write_text(json.dumps(result.meta, indent=2, ensure_ascii=False, default=str),
                                   encoding="utf-8")
    return out


def write_run(result: RunResult, out: str | Path, *, figure: bool = True) -> Path:
    out = write_tables(result, out)
    if figure:
        from .plots import summary_figure

        start_weeks = [(p["name"], p.get("start_week", 26)) for p in result.meta["policies"]]
        summary_figure(result.weekly, out / "summary.png", policy_starts=start_weeks,
                       title=f"{result.meta['config']['preset']} — seed {result.meta['seed']}")
    return out


def _simulate_seed(args) -> RunResult:
    config, seed = args
    return simulate(config, seed=seed)


def simulate_seeds(config: RunConfig, seeds, *, workers: int = 1) -> RunResult:
    """The same configuration over several seeds; frames concatenated, one meta per seed."""
    jobs = [(config, int(s)) for s in seeds]
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            results = list(pool.map(_simulate_seed, jobs))
    else:
        results = [_simulate_seed(j) for j in jobs]
    weekly = pd.concat([r.weekly for r in results], ignore_index=True)
    yearly = pd.concat([r.yearly for r in results], ignore_index=True)
    meta = {**results[0].meta, "seed": None, "seeds": [r.meta["seed"] for r in results],
            "config": {**config.to_dict(), "seed": None},
            "wall_seconds": [r.meta["wall_seconds"] for r in results]}
    return RunResult(weekly, yearly, meta)
