"""``cgsim compare``: every scenario on every replicate seed into a store, then the report.

Runs are ordered replicate by replicate (all scenarios of seed 1, then of
seed 2, ...), so an interrupted comparison already holds complete pairs;
``resume`` finishes it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import Experiment, spec_hash
from .runner import run_into_store
from .store import Store


def design(exp: Experiment) -> pd.DataFrame:
    rows = [(r * len(exp.scenarios) + i, sc.name, r, seed)
            for r, seed in enumerate(exp.seeds) for i, sc in enumerate(exp.scenarios)]
    return pd.DataFrame(rows, columns=["run_id", "scenario", "replicate", "seed"])


def run_compare(exp: Experiment, out: str | Path, *, executor: str = "local", workers: int | None = None,
                scheduler: str | None = None, resume: bool = False, overwrite: bool = False,
                retry_failed: bool = False, progress: bool = True, on_result=None, lang: str | None = None,
                report: bool = True) -> dict:
    """Run (or finish) the comparison in ``out`` and write its report; returns counts, timings and paths."""
    out = Path(out)
    d = design(exp)
    spec = exp.spec()
    store = Store.prepare(out, kind="compare", spec=spec, spec_hash=spec_hash(spec), design=d, resume=resume,
                          overwrite=overwrite)
    by_id = d.set_index("run_id")
    scen = {s.name: s for s in exp.scenarios}
    store.check_same_model(lambda rid: exp.job(scen[by_id.at[rid, "scenario"]], int(by_id.at[rid, "seed"])))
    todo = store.todo(retry_failed)

    def jobs():
        for rid in todo:
            row = by_id.loc[rid]
            yield {"run_id": rid, **exp.job(scen[row["scenario"]], int(row["seed"]))}

    result = run_into_store(jobs(), store, executor=executor, workers=workers, scheduler=scheduler, total=len(d),
                            done_before=len(d) - len(todo), progress=progress, on_result=on_result, desc=exp.name)
    result["out"] = out
    if report:
        from ..analysis.report import write_compare_report
        from ..results import load

        result.update(write_compare_report(exp, load(out), out, lang or exp.language,
                                           wall_seconds=result["wall_seconds"], pool_label=result["pool"],
                                           config_path=exp.source))
    return result
