"""Throughput and memory of sweeps through the full machinery (store, ledger, pool): not a test.

    python benchmarks/bench_sweep.py                 # 1 and 2 workers, memory for 100 vs 1,000 runs
    python benchmarks/bench_sweep.py --quick         # fewer runs
    python benchmarks/bench_sweep.py --json out.json

Reports:
0. the CPU time of one default run by ``simulate()`` alone (the ceiling the machinery can approach);
1. default runs a minute (``mianyang_2019``, 156 weeks after the 52-week burn-in, weekly and yearly
   tables stored) with 1 worker (this process) and 2 worker processes: steady rate (after each
   worker's first run, so pool start-up is excluded) and end-to-end rate (start-up included);
   parallel efficiency = rate(2) / (2 x rate(1)); CPU seconds per run (worker and main process) and
   the rate idle cores would give if runs are CPU-bound (a projection, for busy machines);
2. peak memory (resident set of this process, and of this process plus every pool process) of
   sweeps of 100 and 1,000 runs of a small community (memory does not depend on run size here:
   what matters is whether it grows with the number of runs).
Targets (issue 4): >= 150 default runs a minute with 2 workers; >= 80% efficiency; peak memory
independent of the number of runs. The machine's load is printed: other work on the cores lowers
both rates.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

from cgsim.experiment.design import load_sweep
from cgsim.experiment.sweep import run_sweep

SPEC = """\
name: bench
preset: mianyang_2019
weeks: {weeks}
params: {params}
replicates: {n}
design: {{method: full_factorial}}
factors: {{admin_load: [0.8]}}
outputs: {{outcomes: [rate_any, trust_committee, stage_active], groups: [all, migrant]}}
"""


class PeakMemory:
    """Samples the resident memory of this process and its children every ``dt`` seconds."""

    def __init__(self, dt: float = 0.5):
        self.dt, self.me, self.tree = dt, 0, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        p = psutil.Process()
        while not self._stop.is_set():
            try:
                me = p.memory_info().rss
                tree = me + sum(c.memory_info().rss for c in p.children(recursive=True))
            except psutil.Error:
                continue
            self.me, self.tree = max(self.me, me), max(self.tree, tree)
            time.sleep(self.dt)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def sweep(n: int, workers: int, tmp: Path, weeks: int = 156, params: str = "{}") -> dict:
    f = tmp / f"bench_{n}_{workers}_{weeks}.yaml"
    f.write_text(SPEC.format(n=n, weeks=weeks, params=params), encoding="utf-8")
    spec = load_sweep(f)
    times: list[float] = []
    cpu: list[float] = []

    def seen(rec: dict) -> None:
        times.append(time.perf_counter())
        cpu.append(rec["cpu_seconds"])

    me = psutil.Process()
    c0, t0 = me.cpu_times(), time.perf_counter()
    with PeakMemory() as mem:
        res = run_sweep(spec, tmp / f"out_{n}_{workers}_{weeks}", workers=workers, progress=False, on_result=seen)
    total = time.perf_counter() - t0
    c1 = me.cpu_times()
    main_cpu = (c1.user + c1.system - c0.user - c0.system) / n - (sum(cpu) / n if workers == 1 else 0.0)
    k = workers  # steady state: after every worker has finished its first run
    steady = (len(times) - k) / (times[-1] - times[k - 1]) * 60 if len(times) > k + 1 else float("nan")
    run_cpu = float(sorted(cpu)[len(cpu) // 2])
    # what idle cores would give if runs are CPU-bound: every run costs its worker's CPU plus the main process's
    projected = 60 * min(workers, os.cpu_count() or 1) / (run_cpu + max(main_cpu, 0.0))
    return {"runs": n, "workers": workers, "ok": res["status"]["ok"], "wall_s": round(total, 2),
            "runs_per_min_steady": round(steady, 1), "runs_per_min_end_to_end": round(n / total * 60, 1),
            "cpu_s_per_run": round(run_cpu, 3), "main_cpu_s_per_run": round(main_cpu, 3),
            "runs_per_min_idle_projection": round(projected, 1),
            "peak_rss_main_mb": round(mem.me / 2**20, 1), "peak_rss_all_mb": round(mem.tree / 2**20, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs (rates are noisier)")
    ap.add_argument("--runs", type=int, default=None, help="default runs per throughput measurement (default 40)")
    ap.add_argument("--no-memory", action="store_true", help="throughput only")
    ap.add_argument("--json", default=None, help="also write the results here")
    a = ap.parse_args(argv)
    n = a.runs or (12 if a.quick else 40)
    mem_sizes = (50, 200) if a.quick else (100, 1000)
    print(f"{os.cpu_count()} cores; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"(other work on the cores slows every rate below)")
    out: dict = {"cores": os.cpu_count(), "load_before": os.getloadavg()}
    from cgsim.run import simulate
    from cgsim.scenarios import make_config

    cfg = make_config("mianyang_2019")
    simulate(cfg, seed=0)
    bare = []
    for s in range(1, 4):
        c = time.process_time()
        simulate(cfg, seed=s)
        bare.append(time.process_time() - c)
    out["simulate_cpu_s"] = round(sorted(bare)[1], 3)
    print(f"reference: simulate() alone, default community: {out['simulate_cpu_s']} s CPU a run "
          f"(at most {120 / out['simulate_cpu_s']:.0f} runs/min on 2 idle cores)")
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td)
        rates = {}
        for w in (1, 2):
            r = sweep(n, w, tmp)
            rates[w] = r["runs_per_min_steady"]
            out[f"default_{w}_workers"] = r
            print(f"default community, {w} worker{'s' if w > 1 else ''}: {r['runs_per_min_steady']} runs/min steady, "
                  f"{r['runs_per_min_end_to_end']} end to end ({n} runs in {r['wall_s']} s); CPU per run "
                  f"{r['cpu_s_per_run']} s + {r['main_cpu_s_per_run']} s in the main process (idle-core projection "
                  f"{r['runs_per_min_idle_projection']} runs/min); peak memory {r['peak_rss_all_mb']} MB (main "
                  f"process {r['peak_rss_main_mb']} MB)")
        eff = rates[2] / (2 * rates[1])
        out["parallel_efficiency"] = round(eff, 3)
        print(f"parallel efficiency with 2 workers: {100 * eff:.0f}%  (target >= 80%; 2-worker target "
              f">= 150 runs/min: {'met' if rates[2] >= 150 else 'not met'})")
        if a.no_memory:
            mem_sizes = ()
        for m in mem_sizes:
            r = sweep(m, 2, tmp, weeks=26, params="{n_households: 150, burn_in_weeks: 4}")
            out[f"memory_{m}_runs"] = r
            print(f"{m:5d} small runs, 2 workers: peak memory {r['peak_rss_all_mb']} MB all processes, "
                  f"{r['peak_rss_main_mb']} MB main process ({r['wall_s']} s)")
        if mem_sizes:
            a_, b_ = (out[f"memory_{m}_runs"]["peak_rss_all_mb"] for m in mem_sizes)
            print(f"peak memory, {mem_sizes[1]} vs {mem_sizes[0]} runs: {b_ / a_:.2f}x")
    out["load_after"] = os.getloadavg()
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
