"""Scale of a district: many default-sized communities under one street office (not a test: nothing here
asserts a time).

    python benchmarks/bench_district.py                       # 20 x mianyang_2019, 52 weeks
    python benchmarks/bench_district.py --communities 40 --weeks 156

Reports one line per measurement: communities x residents x weeks, build time (populations, networks and
each community's burn-in), run time, the tables, and resident-weeks per second (burn-in weeks included).
"""

from __future__ import annotations

import argparse
import json
import time

from cgsim.district import DistrictModel


def bench(communities: int, weeks: int, preset: str, seed: int = 1) -> dict:
    t0 = time.perf_counter()
    m = DistrictModel(n_communities=communities, preset=preset, weeks=weeks, rng=seed)
    t1 = time.perf_counter()
    m.run()
    t2 = time.perf_counter()
    w, y = m.weekly_frame(), m.yearly_frame()
    t3 = time.perf_counter()
    burn = m.communities[0].params.burn_in_weeks
    return {"communities": communities, "residents": m.n_residents, "weeks": weeks, "burn_in_weeks": burn,
            "build_s": round(t1 - t0, 2), "run_s": round(t2 - t1, 2), "tables_s": round(t3 - t2, 2),
            "total_s": round(t3 - t0, 2), "weekly_rows": len(w), "yearly_rows": len(y),
            "resident_weeks_per_s": round(m.n_residents * (weeks + burn) / (t2 - t0))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communities", type=int, default=20)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--preset", default="mianyang_2019")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    a = ap.parse_args()
    r = bench(a.communities, a.weeks, a.preset)
    if a.json:
        print(json.dumps(r))
        return
    print(f"district: {r['communities']} x {a.preset} = {r['residents']:,} residents x {r['weeks']} weeks "
          f"(+{r['burn_in_weeks']} burn-in): build {r['build_s']} s, run {r['run_s']} s, tables {r['tables_s']} s, "
          f"total {r['total_s']} s; {r['resident_weeks_per_s']:,} resident-weeks/s")


if __name__ == "__main__":
    main()
