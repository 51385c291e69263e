"""Results API: ``load(DIR)`` gives tidy pandas frames of any cgsim results folder.

    res = cgsim.results.load("results/cmp")     # a compare, sweep or sensitivity store, or a `cgsim run` folder
    res.runs        # one row per planned run: run_id, scenario or point, replicate, seed, factor values,
                    #   status (ok / failed / pending), error, config_hash, wall and CPU seconds, version_* columns
    res.summary     # one row per run, group and outcome: the experiment's outcome numbers (``value``)
    res.weekly      # the weekly table of every finished run (+ run_id, scenario/point, replicate, config_hash,
                    #   version_cgsim; every package version is in ``runs``)
    res.yearly      # the same for the yearly table
    res.table("weekly", columns=["rate_any"], groups=["all"])   # read less
    res.manifest    # what was asked: kind, spec and its hash, run count, versions, status

Only runs the ledger records as finished are read, so a store that is still
being written (or was interrupted) loads cleanly.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from .experiment.store import DESIGN, LEDGER, MANIFEST, RUN_TABLES, Store, read_ledger, run_path
from .scenarios import ConfigError

RECORD_COLS = ("status", "error", "config_hash", "wall_seconds", "cpu_seconds", "n_residents", "cost_yuan", "worker",
               "finished")


class Results:
    """Lazy, cached frames of one results folder (see the module docstring)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.single = not (self.root / MANIFEST).is_file()
        if self.single and not (self.root / "meta.json").is_file():
            raise ConfigError(f"{self.root}: not a cgsim results folder (no {MANIFEST} or meta.json).")

    def __repr__(self) -> str:
        m = self.manifest
        st = m.get("status", {})
        return (f"<cgsim results {m.get('kind')} {m.get('name')!r}: {m.get('n_runs')} runs, {st.get('ok')} ok, "
                f"{st.get('failed')} failed, at {self.root}>")

    @cached_property
    def manifest(self) -> dict:
        if self.single:
            meta = json.loads((self.root / "meta.json").read_text(encoding="utf-8"))
            seeds = meta.get("seeds") or [meta.get("seed")]
            return {"kind": "run", "name": meta.get("name"), "n_runs": len(seeds), "spec": meta.get("config"),
                    "versions": meta.get("versions"), "status": {"ok": len(seeds), "failed": 0, "pending": 0},
                    "meta": meta}
        m = Store.open(self.root).manifest()
        recs = read_ledger(self.root)  # live counts (the manifest's are written when a run ends)
        last = {r["run_id"]: r["status"] for r in recs}
        ok = sum(s == "ok" for s in last.values())
        m["status"] = {**m.get("status", {}), "ok": ok, "failed": len(last) - ok, "pending": m["n_runs"] - len(last)}
        return m

    @property
    def design_columns(self) -> list[str]:
        """Columns that identify a run in the design (scenario or point, replicate, seed, factors)."""
        return [c for c in self.runs.columns if c not in RECORD_COLS and c != "traceback"
                and not c.startswith("version_")]

    @cached_property
    def runs(self) -> pd.DataFrame:
        if self.single:
            meta = self.manifest["meta"]
            seeds = meta.get("seeds") or [meta.get("seed")]
            df = pd.DataFrame({"run_id": range(len(seeds)), "seed": seeds, "status": "ok",
                               "config_hash": meta.get("config_hash")})
            for k, v in (meta.get("versions") or {}).items():
                df[f"version_{k}"] = v
            return df
        design = pd.read_parquet(self.root / DESIGN)
        recs = {r["run_id"]: r for r in read_ledger(self.root)}
        rows = []
        for rid in design["run_id"]:
            r = recs.get(int(rid))
            row = {"run_id": int(rid), "status": "pending"} if r is None else \
                {"run_id": int(rid), **{k: r.get(k) for k in RECORD_COLS}, "traceback": r.get("traceback")}
            for k, v in ((r or {}).get("versions") or {}).items():
                row[f"version_{k}"] = v
            rows.append(row)
        return design.merge(pd.DataFrame(rows), on="run_id", how="left")

    def _files(self, table: str) -> tuple[list[Path], list[int]]:
        ok = self.runs.loc[self.runs["status"] == "ok", "run_id"].astype(int).tolist()
        files = [run_path(self.root, table, i) for i in ok]
        keep = [(f, i) for f, i in zip(files, ok) if f.is_file()]
        return [f for f, _ in keep], [i for _, i in keep]

    def table(self, name: str, *, columns: list[str] | None = None, groups: list[str] | None = None,
              run_ids: list[int] | None = None) -> pd.DataFrame:
        """One table (``summary``, ``weekly`` or ``yearly``) of finished runs, joined to their design row."""
        if name not in RUN_TABLES:
            raise ConfigError(f"unknown table {name!r}. Allowed: {', '.join(RUN_TABLES)}.")
        if self.single:
            if name == "summary":
                raise ConfigError(f"{self.root}: a single run has no summary table; use weekly or yearly.")
            df = pd.read_parquet(self.root / f"{name}.parquet")
            if columns is not None:
                df = df[[c for c in df.columns if c in ("seed", "week", "year", "dimension", "group")
                         or c in columns]]
            df.insert(0, "run_id", df["seed"].map({s: i for i, s in enumerate(self.runs["seed"])}))
        else:
            import pyarrow.dataset as ds

            kept = ((self.manifest.get("spec") or {}).get("outputs") or {}).get("store")
            if name != "summary" and kept is not None and name not in kept:
                raise ConfigError(f"{self.root}: this store kept no {name} tables (outputs.store: "
                                  f"{', '.join(kept) or 'none'}), so there is nothing to read. The summary is always "
                                  f"kept; for {name} tables add {name} to outputs.store and run again.")
            files, ids = self._files(name)
            if run_ids is not None:
                want = set(int(i) for i in run_ids)
                files = [f for f, i in zip(files, ids) if i in want]
            if not files:
                return pd.DataFrame()
            dset = ds.dataset([str(f) for f in files], format="parquet")
            cols = None
            if columns is not None:
                key = [c for c in ("run_id", "seed", "week", "year", "dimension", "group", "outcome")
                       if c in dset.schema.names]
                cols = list(dict.fromkeys(key + list(columns)))
            flt = ds.field("group").isin(list(groups)) if groups is not None else None
            df = dset.to_table(columns=cols, filter=flt).to_pandas()
        if groups is not None and self.single:
            df = df[df["group"].isin(groups)]
        extra = ["config_hash"] + (["version_cgsim"] if "version_cgsim" in self.runs.columns else [])
        meta = self.runs[[c for c in self.design_columns + extra if c not in df.columns or c == "run_id"]]
        out = df.merge(meta, on="run_id", how="left")
        front = [c for c in meta.columns if c in out.columns]
        return out[front + [c for c in out.columns if c not in front]].sort_values(
            [c for c in ("run_id", "week", "year") if c in out.columns], kind="stable").reset_index(drop=True)

    @cached_property
    def summary(self) -> pd.DataFrame:
        return self.table("summary")

    @cached_property
    def weekly(self) -> pd.DataFrame:
        return self.table("weekly")

    @cached_property
    def yearly(self) -> pd.DataFrame:
        return self.table("yearly")

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "failed"]


def load(root: str | Path) -> Results:
    """Open a results folder: a compare/sweep/sensitivity store, or a ``cgsim run`` folder."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"{root}: no such results folder.")
    return Results(root)


__all__ = ["Results", "load", "LEDGER"]
