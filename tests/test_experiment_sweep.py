"""`cgsim sweep`: the store and its manifest, failed runs recorded, resume after a real `kill -9`."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import cgsim.results
from cgsim.experiment.design import load_sweep
from cgsim.experiment.store import LEDGER, MANIFEST, run_path
from cgsim.experiment.sweep import run_sweep
from cgsim.experiment.worker import run_job
from cgsim.scenarios import ConfigError

SWEEP = """\
name: tiny_sweep
preset: mianyang_2019
weeks: 12
params: {n_households: 150, burn_in_weeks: 4}
policies: [{name: micro_fund, start_week: 2}]
replicates: 2
design: {method: full_factorial}
factors:
  admin_load: [0.5, 1.0]
  micro_fund.call_interval: [4, 13]
  micro_fund.call_weeks: [3, 6]
outputs: {outcomes: [rate_any, trust_committee], groups: [all, migrant], store: [weekly]}
"""
KILL = """\
name: kill_me
preset: mianyang_2019
weeks: 16
params: {n_households: 150, burn_in_weeks: 4}
replicates: 3
design: {method: lhs, samples: 8, seed: 5}
factors:
  admin_load: {low: 0.4, high: 1.2}
  beta_trust: {}
outputs: {outcomes: [rate_any], groups: [all]}
"""


def _spec(tmp_path, text, name="sweep.yaml"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return load_sweep(f), f


def test_sweep_store_manifest_and_failures(tmp_path):
    spec, _ = _spec(tmp_path, SWEEP)
    out = tmp_path / "out"
    res = run_sweep(spec, out, workers=1, progress=False)
    # call_weeks must be shorter than call_interval: the 4 runs with (4, 6) fail, the sweep goes on
    assert res["status"]["ok"] == 12 and res["status"]["failed"] == 4 and res["status"]["pending"] == 0
    m = json.loads((out / MANIFEST).read_text())
    assert m["kind"] == "sweep" and m["n_runs"] == 16 and m["status"]["failed"] == 4 and m["spec"]["factors"]
    r = cgsim.results.load(out)
    failed = r.failed
    assert len(failed) == 4 and (failed["micro_fund.call_interval"] == 4).all()
    assert (failed["micro_fund.call_weeks"] == 6).all() and failed["error"].str.contains("call_weeks").all()
    assert failed["traceback"].str.contains("Traceback").all()
    assert not run_path(out, "summary", int(failed["run_id"].iloc[0])).exists()
    assert run_path(out, "weekly", 0).is_file() and not run_path(out, "yearly", 0).exists()  # store: [weekly]
    assert set(r.summary["run_id"]) == set(r.runs.loc[r.runs.status == "ok", "run_id"])
    assert {"admin_load", "micro_fund.call_interval", "point", "seed"} <= set(r.weekly.columns)
    with pytest.raises(ConfigError, match="kept no yearly tables"):  # not an empty frame that looks like no runs
        r.yearly
    # resuming a finished sweep runs nothing; --retry-failed reruns only the failures (which fail again)
    assert run_sweep(spec, out, workers=1, progress=False, resume=True)["ran"] == {"ok": 0, "failed": 0}
    again = run_sweep(spec, out, workers=1, progress=False, resume=True, retry_failed=True)
    assert again["ran"] == {"ok": 0, "failed": 4}
    assert len(cgsim.results.load(out).runs) == 16


def test_resume_repairs_a_cut_ledger_line(tmp_path):
    spec, _ = _spec(tmp_path, SWEEP.replace("[0.5, 1.0]", "[0.5]").replace("[3, 6]", "[3]"))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, progress=False)
    lines = (out / LEDGER).read_text().splitlines(keepends=True)
    (out / LEDGER).write_text("".join(lines[:2]) + lines[2][:25])  # a crash in the middle of a line
    assert len(cgsim.results.load(out).runs.query("status == 'ok'")) == 2
    res = run_sweep(spec, out, workers=1, progress=False, resume=True)
    assert res["ran"]["ok"] == 2 and res["status"]["ok"] == 4
    ids = [json.loads(x)["run_id"] for x in (out / LEDGER).read_text().splitlines()]
    assert sorted(ids) == [0, 1, 2, 3]


def _children(pid):
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def test_kill_9_then_resume_loses_and_repeats_nothing(tmp_path):
    import psutil

    spec, f = _spec(tmp_path, KILL)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cgsim.cli", "sweep", str(f), "--out", str(out), "--workers", "2",
                             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ledger = out / LEDGER
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if ledger.is_file() and len(ledger.read_text().splitlines()) >= 4:
            break
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = len(ledger.read_text().splitlines())
    assert 4 <= before < 24
    # the pool's processes notice and exit rather than linger
    gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, alive
    res = run_sweep(spec, out, workers=1, progress=False, resume=True)
    assert res["ran"]["ok"] == 24 - before and res["status"] == {**res["status"], "ok": 24, "pending": 0}
    recs = [json.loads(x) for x in ledger.read_text().splitlines()]
    assert sorted(r["run_id"] for r in recs) == list(range(24))  # each run exactly once
    r = cgsim.results.load(out)
    s = r.summary
    assert len(s) == 24 and s["run_id"].is_unique
    assert r.weekly.groupby("run_id").size().eq(16 * 12).all() and r.weekly["run_id"].nunique() == 24
    assert not list(out.glob("*/part=*/.run-*.tmp"))
    # runs from before and after the kill equal a fresh computation
    d = spec.design().set_index("run_id")
    for rid in (0, 23):
        fresh = run_job({"run_id": rid, **spec.job({"seed": d.at[rid, "seed"],
                                                    **{x.name: d.at[rid, x.name] for x in spec.factors}})})
        want = fresh["tables"]["summary"]
        got = pd.read_parquet(run_path(out, "summary", rid))
        pd.testing.assert_frame_equal(got, want)


def test_cli_sweep_refuses_to_mix_results(tmp_path, capsys):
    from cgsim.cli import main

    spec, f = _spec(tmp_path, SWEEP.replace("[0.5, 1.0]", "[0.5]").replace("[3, 6]", "[3]"))
    out = tmp_path / "out"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1"]) == 2
    assert "already holds results" in capsys.readouterr().err
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--resume", "--no-progress"]) == 0


def test_results_load_refuses_other_folders(tmp_path):
    from cgsim.scenarios import ConfigError

    with pytest.raises(ConfigError, match="not a cgsim results folder"):
        cgsim.results.load(tmp_path)


def test_a_pool_that_cannot_open_leaves_no_store(tmp_path, monkeypatch):
    """An unreachable scheduler is found only when connecting: the store made for the sweep is removed
    again, so the corrected command is not met by 'already holds results'."""
    import cgsim.experiment.executors as ex
    from cgsim.scenarios import ConfigError

    def no_pool(*a, **k):
        raise ConfigError("--scheduler tcp://127.0.0.1:1: cannot reach the Dask scheduler")

    spec, _ = _spec(tmp_path, KILL)
    monkeypatch.setattr(ex, "make_pool", no_pool)
    with pytest.raises(ConfigError, match="cannot reach"):
        run_sweep(spec, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()
    monkeypatch.undo()
    assert run_sweep(spec, tmp_path / "out", workers=1, progress=False)["status"]["ok"] == 24


def test_overwrite_keeps_the_old_results_until_the_new_runs_start(tmp_path, monkeypatch):
    """--overwrite with a pool that cannot open gives the old results back untouched; once runs start they go."""
    import cgsim.experiment.executors as ex
    from cgsim.experiment.store import PREVIOUS
    from cgsim.scenarios import ConfigError

    spec, _ = _spec(tmp_path, KILL)
    out = tmp_path / "out"
    assert run_sweep(spec, out, workers=1, progress=False)["status"]["ok"] == 24
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def no_pool(*a, **k):
        raise ConfigError("--scheduler tcp://127.0.0.1:1: cannot reach the Dask scheduler")

    monkeypatch.setattr(ex, "make_pool", no_pool)
    with pytest.raises(ConfigError, match="cannot reach"):
        run_sweep(spec, out, overwrite=True, progress=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    monkeypatch.undo()
    assert run_sweep(spec, out, workers=1, overwrite=True, progress=False)["status"]["ok"] == 24
    assert not (out / PREVIOUS).exists()
    assert len(cgsim.results.load(out).runs) == 24


def test_overwrite_stopped_before_any_run_gives_the_old_results_back(tmp_path, monkeypatch):
    """Ctrl-C (or a kill) after --overwrite set the old results aside but before a run started: they come back,
    at once (interrupt) or when the folder is next used (kill), and a later --overwrite replaces them as asked."""
    import shutil

    import cgsim.experiment.executors as ex
    from cgsim.experiment.store import PREVIOUS

    spec, _ = _spec(tmp_path, KILL)
    out = tmp_path / "out"
    assert run_sweep(spec, out, workers=1, progress=False)["status"]["ok"] == 24
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(ex, "make_pool", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out, overwrite=True, progress=False)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    monkeypatch.undo()
    # a kill after the set-aside and the new store's files, before any run: the next command restores
    prev = out / PREVIOUS
    prev.mkdir()
    for name in os.listdir(out):
        if name != PREVIOUS:
            shutil.move(str(out / name), str(prev / name))
    (out / MANIFEST).write_text('{"name": "new and empty"}')
    with pytest.warns(UserWarning, match="restored the results"):
        assert run_sweep(spec, out, workers=1, progress=False, resume=True)["ran"] == {"ok": 0, "failed": 0}
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()
            and p.name != MANIFEST} == {k: v for k, v in before.items() if k.name != MANIFEST}
    # killed half-way through setting aside (the manifest moves last): the pieces are put together again
    prev.mkdir()
    shutil.move(str(out / LEDGER), str(prev / LEDGER))
    with pytest.warns(UserWarning, match="restored the results"):
        assert run_sweep(spec, out, workers=1, progress=False, resume=True)["ran"] == {"ok": 0, "failed": 0}
    assert not prev.exists() and len(cgsim.results.load(out).runs) == 24
