"""``cgsim sweep``: every design point x replicate seed into a resumable Parquet store.

Runs are ordered point by point; each finished run is written and recorded
before more are submitted, so memory stays flat and a killed sweep resumes
with nothing lost or repeated. Failed runs are recorded with their error.
"""

from __future__ import annotations

import time
from pathlib import Path

from .config import spec_hash
from .design import SweepSpec
from .executors import make_pool
from .runner import execute
from .store import Store


def run_sweep(spec: SweepSpec, out: str | Path, *, executor: str = "local", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, overwrite: bool = False,
              retry_failed: bool = False, progress: bool = True, on_result=None) -> dict:
    """Run (or finish) the sweep in ``out``; returns counts and timing."""
    out = Path(out)
    d = spec.design()
    sp = spec.spec()
    store = Store.prepare(out, kind=spec.kind, spec=sp, spec_hash=spec_hash(sp), design=d, resume=resume,
                          overwrite=overwrite)
    todo = store.todo(retry_failed)
    rows = d.set_index("run_id")

    def jobs():
        for rid in todo:
            yield {"run_id": rid, **spec.job({"seed": rows.at[rid, "seed"],
                                              **{f.name: rows.at[rid, f.name] for f in spec.factors}})}

    t0 = time.perf_counter()
    label = ""
    try:
        with make_pool(executor, workers, scheduler) as pool:
            label = pool.label
            counts = execute(jobs(), store, pool, total=len(d), done_before=len(d) - len(todo), progress=progress,
                             on_result=on_result, desc=spec.name)
    finally:
        status = store.close()
    return {"ran": counts, "status": status, "wall_seconds": time.perf_counter() - t0, "pool": label, "out": out,
            "n_runs": len(d)}
