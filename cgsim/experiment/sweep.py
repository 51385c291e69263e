"""``cgsim sweep``: every design point x replicate seed into a resumable Parquet store.

Runs are ordered point by point; each finished run is written and recorded
before more are submitted, so memory stays flat and a killed sweep resumes
with nothing lost or repeated. Failed runs are recorded with their error.
"""

from __future__ import annotations

from pathlib import Path

from .config import spec_hash
from .design import SweepSpec
from .runner import run_into_store
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
    rows = d.set_index("run_id")

    def job(rid: int) -> dict:
        return spec.job({"seed": rows.at[rid, "seed"], **{f.name: rows.at[rid, f.name] for f in spec.factors}})

    store.check_same_model(job)
    todo = store.todo(retry_failed)

    def jobs():
        for rid in todo:
            yield {"run_id": rid, **job(rid)}

    result = run_into_store(jobs(), store, executor=executor, workers=workers, scheduler=scheduler, total=len(d),
                            done_before=len(d) - len(todo), progress=progress, on_result=on_result, desc=spec.name)
    return {**result, "out": out, "n_runs": len(d)}
