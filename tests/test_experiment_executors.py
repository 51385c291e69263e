"""Executors: this process, a local process pool and a Dask cluster give identical results."""

import pandas as pd
import pytest

import cgsim.results
from cgsim.experiment.design import load_sweep
from cgsim.experiment.executors import make_pool
from cgsim.experiment.sweep import run_sweep
from cgsim.scenarios import ConfigError

SWEEP = """\
name: exec_check
preset: mianyang_2019
weeks: 30
params: {n_households: 150, burn_in_weeks: 4}
policies: [{name: station_separation, start_week: 5}]
replicates: [11, 12]
design: {method: sobol, samples: 4, seed: 2}
factors:
  admin_load: {low: 0.4, high: 1.2}
  station_separation.leakage: {}
outputs: {outcomes: [rate_any, trust_committee], groups: [all, renter]}
"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    f = tmp_path_factory.mktemp("exec") / "sweep.yaml"
    f.write_text(SWEEP, encoding="utf-8")
    return load_sweep(f)


def _frames(out):
    r = cgsim.results.load(out)
    return {name: getattr(r, name) for name in ("summary", "weekly", "yearly")}, r.runs


def _assert_same(a, b):
    for name in a[0]:
        pd.testing.assert_frame_equal(a[0][name], b[0][name])
    cols = ["run_id", "point", "seed", "status", "config_hash"]
    pd.testing.assert_frame_equal(a[1][cols], b[1][cols])


def test_local_pool_equals_this_process(spec, tmp_path):
    serial = run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    pool = run_sweep(spec, tmp_path / "pool", workers=2, progress=False)
    assert serial["status"]["ok"] == pool["status"]["ok"] == 8 and pool["pool"] == "2 local processes"
    _assert_same(_frames(tmp_path / "serial"), _frames(tmp_path / "pool"))


def test_dask_cluster_equals_local(spec, tmp_path):
    distributed = pytest.importorskip("distributed")
    run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        res = run_sweep(spec, tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address,
                        progress=False)
    assert res["status"]["ok"] == 8 and res["pool"].startswith("dask tcp://127.0.0.1")
    _assert_same(_frames(tmp_path / "serial"), _frames(tmp_path / "dask"))
    workers = set(cgsim.results.load(tmp_path / "dask").runs["worker"])
    assert len(workers) >= 1 and not any(w.endswith(f":{__import__('os').getpid()}") for w in workers)


def test_executor_option_errors():
    with pytest.raises(ConfigError, match="needs --scheduler"):
        with make_pool("dask"):
            pass
    with pytest.raises(ConfigError, match="Allowed: local, dask"):
        with make_pool("mpi"):
            pass
    with pytest.raises(ConfigError, match="only applies with --executor dask"):
        with make_pool("local", scheduler="tcp://x:1"):
            pass


def test_reports_name_every_kind_of_pool_in_chinese():
    """``pool_text`` reads the labels the pools make: each comes out in Chinese, none falls back to English."""
    from cgsim.analysis.labels import pool_text

    labels = []
    for workers in (1, 2):
        with make_pool("local", workers) as pool:
            labels.append(pool.label)
    labels.append("dask tcp://10.0.0.1:8786 (4 threads)")  # the form make_pool gives a Dask cluster
    for label in labels:
        zh = pool_text(label, "zh")
        assert zh != label and not any(w in zh for w in ("process", "thread")), label
        assert pool_text(label, "en") == label
