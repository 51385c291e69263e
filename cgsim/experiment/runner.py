"""Execute planned runs into a store: bounded submission, each result stored as it arrives, a progress bar.

At most ``2 x slots`` runs are in flight and each finished run is written and
recorded before more are submitted, so memory does not grow with the number
of runs. The progress bar (tqdm, on stderr) shows runs done, rate and ETA.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool

from ..scenarios import ConfigError
from .executors import Pool
from .store import Store
from .worker import run_job

SHOW_FAILURES = 3


class RunAborted(RuntimeError):
    """The pool itself broke (a worker process died); finished runs are kept, ``--resume`` continues."""


def execute(jobs: Iterable[dict], store: Store, pool: Pool, *, total: int, done_before: int = 0,
            progress: bool = True, desc: str = "runs", on_result: Callable[[dict], None] | None = None) -> dict:
    """Run ``jobs`` (dicts with ``run_id``) on ``pool``; returns ``{"ok": n, "failed": n}`` for this call.

    ``on_result(record)`` is called with each run's ledger record once it is stored.
    """
    from tqdm import tqdm

    it: Iterator[dict] = iter(jobs)
    root = str(store.root.resolve())
    pending: dict = {}
    counts = {"ok": 0, "failed": 0}
    bar = None

    def fill() -> None:
        while len(pending) < 2 * pool.slots:
            job = next(it, None)
            if job is None:
                return
            if pool.local_files:
                job = {**job, "store": root}
            pending[pool.executor.submit(run_job, job)] = job["run_id"]

    try:
        fill()  # the first submit starts the pool's processes; the bar (a thread) comes after
        bar = tqdm(total=total, initial=done_before, unit="run", desc=desc, disable=not progress, file=sys.stderr,
                   dynamic_ncols=True, smoothing=0.05)
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                run_id = pending.pop(fut)
                try:
                    out = fut.result()
                except BrokenProcessPool as e:
                    raise RunAborted(f"a worker process died ({e}); finished runs are stored, continue with "
                                     f"--resume") from None
                except Exception as e:  # noqa: BLE001  (e.g. a Dask worker lost: record, carry on)
                    out = {"record": {"run_id": run_id, "status": "failed", "error": f"{type(e).__name__}: {e}"},
                           "tables": None}
                rec = out["record"]
                if out["tables"]:
                    store.write(rec["run_id"], out["tables"])
                store.record(rec)
                if on_result is not None:
                    on_result(rec)
                counts[rec["status"] if rec["status"] == "ok" else "failed"] += 1
                if rec["status"] != "ok" and counts["failed"] <= SHOW_FAILURES:
                    more = " (further failures: see runs.jsonl)" if counts["failed"] == SHOW_FAILURES else ""
                    tqdm.write(f"run {run_id} failed: {rec['error']}{more}", file=sys.stderr)
                bar.update(1)
                if counts["failed"]:
                    bar.set_postfix(failed=counts["failed"], refresh=False)
            fill()
    finally:
        for fut in pending:
            fut.cancel()
        if bar is not None:
            bar.close()
    return counts


def run_into_store(jobs: Iterable[dict], store: Store, *, executor: str, workers: int | None,
                   scheduler: str | None, total: int, done_before: int, progress: bool,
                   on_result: Callable | None, desc: str) -> dict:
    """Run ``jobs`` on a fresh pool into ``store``, always closing the store; counts, status, timing, pool."""
    from .executors import make_pool

    t0 = time.perf_counter()
    label = ""
    discard = False
    try:
        with make_pool(executor, workers, scheduler) as pool:
            label = pool.label
            store.keep()  # the pool is open: what --overwrite replaces can go
            counts = execute(jobs, store, pool, total=total, done_before=done_before, progress=progress,
                             on_result=on_result, desc=desc)
    except BaseException:
        # the pool never opened (no scheduler there, Ctrl-C while connecting, ...): leave no new store behind, or
        # the corrected command would meet "already holds results", and give back what --overwrite set aside
        discard = not label and store.fresh
        raise
    finally:
        if discard:
            store.discard()
        else:
            status = store.close()
    return {"ran": counts, "status": status, "wall_seconds": time.perf_counter() - t0, "pool": label}
