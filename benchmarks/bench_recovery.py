"""Parameter recovery over many truths: coverage of the calibration's 95% intervals (a report, not a test).

    python benchmarks/bench_recovery.py [--random 6] [--workers 2] [--out results/recovery]

Runs the three truths of tests/test_calibration.py plus ``--random`` truths drawn uniformly from the
middle half of each parameter's range, each through cgsim.calibration.recovery.recover (synthetic
survey of n = 279 from a 400-household community on seed 777, 3 fit seeds), and prints per truth and
parameter: truth, estimate, 95% interval, covered; then the coverage rate and time per recovery.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.test_calibration import TRUTHS  # noqa: E402

from cgsim.calibration.recovery import recover  # noqa: E402
from cgsim.calibration.spec import make_spec  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--random", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/recovery")
    a = ap.parse_args(argv)
    names = list(TRUTHS[0])
    spec = make_spec("mianyang_2019", None, names)
    lo, hi = np.array(spec.lo), np.array(spec.hi)
    rng = np.random.default_rng(2026)
    truths = list(TRUTHS) + [dict(zip(names, (lo + (0.25 + 0.5 * rng.random(len(names))) * (hi - lo)).round(3)
                                      .tolist())) for _ in range(a.random)]
    rows, covered, total, times = [], 0, 0, []
    for i, truth in enumerate(truths):
        t0 = time.perf_counter()
        res = recover(truth, Path(a.out) / f"truth_{i}", fixed={"n_households": 400}, workers=a.workers)
        times.append(time.perf_counter() - t0)
        for n, r in res["params"].items():
            covered += r["covered"]
            total += 1
            rows.append(dict(truth_id=i, param=n, **r))
            print(f"truth {i}  {n:22s} truth {r['truth']:8.3f}  estimate {r['estimate']:8.3f}  "
                  f"95% [{r['low']:8.3f}, {r['high']:8.3f}]  {'covered' if r['covered'] else 'MISSED'}  "
                  f"{r['identification']}", flush=True)
    print(f"\ncoverage {covered}/{total} = {covered / total:.0%}; {np.mean(times):.0f} s per recovery")
    Path(a.out).mkdir(parents=True, exist_ok=True)
    (Path(a.out) / "recovery.json").write_text(json.dumps(dict(rows=rows, coverage=covered / total), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
