"""One run of an experiment, as executed by any worker: config → simulation → summary (→ files).

``run_job`` never raises: a failing run (an invalid combination of swept
values, an error in the model) comes back as a ``failed`` record with its
error and traceback, so one bad run never stops a sweep.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import socket
import time
import traceback

from .outputs import summarise


@functools.lru_cache(maxsize=1)
def _versions() -> dict:
    from ..run import versions

    return versions()


@functools.lru_cache(maxsize=64)
def _config(key: str):
    """The validated config of a job without its seed (runs of one scenario or point share it)."""
    from ..scenarios import make_config

    j = json.loads(key)
    return make_config(j["preset"], policies=j["policies"], weeks=j["weeks"], governance=j["governance"],
                       overrides=j["overrides"])


def _job_key(job: dict) -> str:
    return json.dumps({k: job[k] for k in ("preset", "policies", "weeks", "governance", "overrides")}, sort_keys=True)


def job_config_hash(job: dict) -> str:
    """The configuration hash a run of ``job`` is stored with (its seed aside)."""
    return _config(_job_key(job)).config_hash()


def run_job(job: dict) -> dict:
    """Run ``job`` (see ``Experiment.job``); returns ``{"record": ..., "tables": ...}``.

    With ``job["store"]`` set (a folder this worker can write) the tables are
    written there and ``tables`` is None; otherwise they travel back to the caller.
    """
    from ..run import simulate

    t0, c0 = time.perf_counter(), time.process_time()
    rec = {"run_id": int(job["run_id"]), "seed": int(job["seed"]), "status": "ok", "error": None,
           "config_hash": None}
    tables = None
    try:
        cfg = copy.deepcopy(_config(_job_key(job)))  # a run never sees another run's config object
        rec["config_hash"] = cfg.config_hash()
        res = simulate(cfg, seed=int(job["seed"]))
        outputs = job["outputs"]
        tables = {"summary": summarise(res.weekly, res.yearly, outputs)}
        if "weekly" in outputs.store:
            tables["weekly"] = res.weekly
        if "yearly" in outputs.store:
            tables["yearly"] = res.yearly
        for df in tables.values():
            df.insert(0, "run_id", rec["run_id"])
        rec.update(n_residents=res.meta["n_residents"], cost_yuan=round(sum(res.meta["costs_total_yuan"].values()), 2))
        if job.get("store"):
            from .store import write_run_tables

            write_run_tables(job["store"], rec["run_id"], tables)
            tables = None
    except Exception as e:  # noqa: BLE001  (recorded, never raised: a failed run must not stop the sweep)
        rec.update(status="failed", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc(limit=8))
        tables = None
    rec.update(wall_seconds=round(time.perf_counter() - t0, 3), cpu_seconds=round(time.process_time() - c0, 3),
               worker=f"{socket.gethostname()}:{os.getpid()}",
               finished=time.strftime("%Y-%m-%dT%H:%M:%S%z"), versions=_versions())
    return {"record": rec, "tables": tables}
