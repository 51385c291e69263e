"""The results store of an experiment, sweep or sensitivity run: one folder, Parquet, a manifest.

    DIR/manifest.json                        what was asked: kind, spec and its hash, run count, versions, status
    DIR/design.parquet                       every planned run: run_id, scenario or design point, replicate,
                                             seed, factor values
    DIR/runs.jsonl                           the ledger: one line per finished run (ok or failed, error, config hash,
                                             seed, versions, wall time), appended as each run finishes
    DIR/<table>/part=NNNN/run-NNNNNNN.parquet  per-run tables (summary, weekly, yearly), partitioned by
                                             run_id // 1000

A run's files are written (to a temporary name, then renamed) before its
ledger line, so a run is finished exactly when the ledger says so. After a
crash or ``kill -9``, ``--resume`` runs only what the ledger lacks; files of a
run that was cut short are overwritten, never read, so nothing is duplicated.
A truncated last ledger line is ignored and repaired.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
import warnings
from pathlib import Path

import pandas as pd

from ..scenarios import ConfigError

FORMAT = "cgsim-store/1"
MANIFEST, DESIGN, LEDGER = "manifest.json", "design.parquet", "runs.jsonl"
RUN_TABLES = ("summary", "weekly", "yearly")
PART_SIZE = 1000
REPORT_FILES = ("report.md", "report.html", "effects.csv", "summary.csv", "indices.csv", "points.csv")
#: where ``--overwrite`` keeps the results it replaces until the new runs can start (then they go)
PREVIOUS = ".cgsim-previous"


def run_path(root: str | Path, table: str, run_id: int) -> Path:
    return Path(root) / table / f"part={run_id // PART_SIZE:04d}" / f"run-{run_id:07d}.parquet"


def write_run_tables(root: str | Path, run_id: int, tables: dict[str, pd.DataFrame]) -> None:
    """Write one run's tables atomically (temporary file, then rename)."""
    for name, df in tables.items():
        path = run_path(root, name, run_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
        df.to_parquet(tmp, index=False, compression="zstd")
        os.replace(tmp, path)


def _atomic_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_ledger(root: str | Path) -> list[dict]:
    """Every complete ledger line (a line cut short by a crash is skipped)."""
    path = Path(root) / LEDGER
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


class Store:
    """A results folder being written (``prepare``) or read (``open``)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._ledger = None
        self.fresh = self._made_dir = False
        self._previous: Path | None = None  # the overwritten results, kept until ``keep`` or ``discard``

    # ---- opening -----------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Store:
        st = cls(root)
        if not (st.root / MANIFEST).is_file():
            raise ConfigError(f"{st.root}: not a cgsim results store (no {MANIFEST}).")
        return st

    @classmethod
    def prepare(cls, root: str | Path, *, kind: str, spec: dict, spec_hash: str, design: pd.DataFrame,
                resume: bool = False, overwrite: bool = False) -> Store:
        """A store ready to take runs: new, overwritten, or resumed after checking it holds this spec."""
        st = cls(root)
        st._recover_previous()
        exists = (st.root / MANIFEST).is_file()
        if exists and resume:
            old = st.manifest()
            if old.get("spec_hash") != spec_hash:
                raise ConfigError(f"{st.root}: holds a different {old.get('kind', 'experiment')} "
                                  f"({old.get('name')!r}, spec {old.get('spec_hash')}); this config has spec "
                                  f"{spec_hash}. Resume only with the config that started it, or choose a new --out "
                                  f"(or --overwrite).")
            st._repair_ledger()
            for tmp in st.root.glob("*/part=*/.run-*.tmp"):  # files of runs cut short; their runs are redone
                tmp.unlink(missing_ok=True)
            return st
        if resume:  # asked to continue what is not there: a mistyped --out would quietly start afresh
            raise ConfigError(f"--resume: {st.root} holds no results to continue (no {MANIFEST}). Check --out, or "
                              f"drop --resume to start.")
        if exists and not overwrite:
            raise ConfigError(f"{st.root}: already holds results ({st.manifest().get('name')!r}). Pass --resume to "
                              f"continue them, --overwrite to start again, or choose a new --out.")
        if exists:
            st._set_aside()
        elif st.root.exists() and any(st.root.iterdir()):
            if not overwrite:
                raise ConfigError(f"{st.root}: folder exists and is not empty. Choose a new --out or pass "
                                  f"--overwrite.")
            st.clear()  # a store's files without its manifest: a new store must not take in their ledger
        st.fresh, st._made_dir = True, not st.root.exists()  # made by this call: ``discard`` may undo it
        st.root.mkdir(parents=True, exist_ok=True)
        design.to_parquet(st.root / DESIGN, index=False)
        from ..run import versions

        _atomic_json(st.root / MANIFEST, {
            "format": FORMAT, "kind": kind, "name": spec.get("name"), "spec_hash": spec_hash, "spec": spec,
            "n_runs": int(len(design)), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "versions": versions(),
            "layout": {"design": DESIGN, "ledger": LEDGER,
                       "tables": {t: f"{t}/part=NNNN/run-NNNNNNN.parquet" for t in RUN_TABLES}},
            "status": {"ok": 0, "failed": 0, "pending": int(len(design))}})
        return st

    def _own_files(self, root: Path | None = None) -> list[Path]:
        """The store's own files and the reports made from it (nothing else in the folder), the manifest last:
        moved in this order, what is left behind by a process killed half-way is never a labelled store."""
        root = self.root if root is None else root
        names = (DESIGN, LEDGER) + REPORT_FILES + RUN_TABLES + ("figures", MANIFEST)
        return [root / n for n in names if (root / n).exists()]

    def clear(self) -> None:
        """Remove the store's own files and the reports made from it."""
        for f in self._own_files():
            shutil.rmtree(f) if f.is_dir() else f.unlink()

    def _set_aside(self) -> None:
        """``--overwrite``: move the old results into ``PREVIOUS`` rather than delete them, so that a run that
        cannot start (a pool that does not open) gives them back; ``keep`` deletes them once runs start."""
        prev = self.root / PREVIOUS
        prev.mkdir()
        for f in self._own_files():
            f.rename(prev / f.name)
        self._previous = prev

    def _restore(self, prev: Path) -> None:
        """Move results set aside in ``prev`` back into the folder (manifest last) and remove ``prev``."""
        for f in self._own_files(prev):
            f.rename(self.root / f.name)
        shutil.rmtree(prev, ignore_errors=True)

    def _recover_previous(self) -> None:
        """Results set aside by a process that stopped before its runs started (killed, interrupted) are the
        folder's real results: they come back in place of the empty store made for them. Once a run has
        finished in the new store (the ledger has a line) they were overwritten as asked, and go."""
        prev = self.root / PREVIOUS
        if not prev.is_dir():
            return
        if (prev / MANIFEST).is_file() and read_ledger(self.root):
            shutil.rmtree(prev, ignore_errors=True)
            return
        if (prev / MANIFEST).is_file():  # set aside in full: what is in the folder is the empty new store
            self.clear()
        # else killed while setting aside (the manifest moves last): the rest of the old store is still here
        self._restore(prev)
        warnings.warn(f"{self.root}: restored the results an earlier --overwrite had set aside before it stopped "
                      f"without starting any run.", stacklevel=3)

    def keep(self) -> None:
        """The new runs have started: the results they overwrite are deleted."""
        if self._previous is not None:
            shutil.rmtree(self._previous, ignore_errors=True)
            self._previous = None

    def discard(self) -> None:
        """Undo ``prepare`` of a new store that took no run: its files go, the results it was to overwrite come
        back, and a folder it made goes if that is then empty."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
        self.clear()
        if self._previous is not None:
            self._restore(self._previous)
            self._previous = None
        if self._made_dir and self.root.is_dir() and not any(self.root.iterdir()):
            self.root.rmdir()

    def _repair_ledger(self) -> None:
        path = self.root / LEDGER
        if path.is_file():
            data = path.read_bytes()
            if data and not data.endswith(b"\n"):
                with open(path, "r+b") as f:
                    f.truncate(data.rfind(b"\n") + 1)

    # ---- reading -----------------------------------------------------------
    def manifest(self) -> dict:
        return json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))

    def design(self) -> pd.DataFrame:
        return pd.read_parquet(self.root / DESIGN)

    def records(self) -> dict[int, dict]:
        """The latest ledger record of every finished run, by run_id."""
        return {int(r["run_id"]): r for r in read_ledger(self.root)}

    def check_same_model(self, job_of) -> None:
        """On resume: the runs already stored must come from the model that will make the rest. The store's cgsim
        version and code fingerprint (``run.code_fingerprint``: any edit to the code that computes a run) must be
        this one's, and one finished run's job (``job_of(run_id)``) is hashed as the worker hashes
        it and compared with the hash it was stored with: a different hash means a preset or a calibrated set
        changed in between (new parameters, defaults or fitted values). Either way, finishing the store would mix
        two models in one table."""
        if self.fresh:
            return
        from ..run import versions
        from .worker import job_config_hash

        stored, current = self.manifest().get("versions", {}), versions()
        made, now = stored.get("cgsim"), current.get("cgsim")
        if made and now and "unknown" not in (made, now) and made != now:
            raise ConfigError(f"--resume: the runs stored in {self.root} were made with cgsim {made}, and this is "
                              f"cgsim {now}: finishing them would mix two models in one table. Choose a new --out, "
                              f"or pass --overwrite to run them all again.")
        recs = self.records()
        # the code that made the runs: the manifest's (the process that started the store) and each finished run's
        # (its worker's, which on a cluster may be another installation); stores from before the fingerprint
        # existed carry none, and the checks below still hold for them
        codes = {stored.get("cgsim_code")} | {r.get("versions", {}).get("cgsim_code") for r in recs.values()
                                              if r["status"] == "ok"}
        other = sorted(c for c in codes - {None, current["cgsim_code"]})
        if other:
            raise ConfigError(f"--resume: the runs stored in {self.root} were made by cgsim {stored.get('cgsim')} "
                              f"with different model code (code {', '.join(other)}, now {current['cgsim_code']}): "
                              f"the package was edited in between. Finishing them would mix two models in one "
                              f"table. Choose a new --out, or pass --overwrite to run them all again.")

        done = sorted(i for i, r in recs.items() if r["status"] == "ok" and r.get("config_hash"))
        if not done:
            return
        rid = done[0]
        old, new = recs[rid]["config_hash"], job_config_hash(job_of(rid))
        if old != new:
            raise ConfigError(f"--resume: the runs stored in {self.root} were made by another version of the model "
                              f"or its presets (run {rid}: configuration {old}, now {new}). Finishing them now would "
                              f"mix two models in one table: choose a new --out, or pass --overwrite to run them all "
                              f"again.")

    def todo(self, retry_failed: bool = False) -> list[int]:
        recs = self.records()
        done = {i for i, r in recs.items() if r["status"] == "ok" or not retry_failed}
        return [int(i) for i in self.design()["run_id"] if int(i) not in done]

    # ---- writing -----------------------------------------------------------
    def write(self, run_id: int, tables: dict[str, pd.DataFrame]) -> None:
        write_run_tables(self.root, run_id, tables)

    def record(self, rec: dict) -> None:
        """Append one finished run to the ledger (after its files are in place)."""
        if self._ledger is None:
            self._ledger = open(self.root / LEDGER, "a", encoding="utf-8")
        self._ledger.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self._ledger.flush()

    def close(self) -> dict:
        """Close the ledger and write the run counts into the manifest."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None
        recs = self.records()
        m = self.manifest()
        ok = sum(r["status"] == "ok" for r in recs.values())
        failed = sum(r["status"] != "ok" for r in recs.values())
        m["status"] = {"ok": ok, "failed": failed, "pending": m["n_runs"] - ok - failed,
                       "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        _atomic_json(self.root / MANIFEST, m)
        return m["status"]
