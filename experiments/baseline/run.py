"""The baseline experiment: the status-quo community over several seeds, against the surveys.

    python experiments/baseline/run.py --out results/baseline [--seeds 10] [--workers 2]

For each surveyed preset (Mianyang 2019, Karamay 2016) it runs the status
quo for 156 weeks over seeds 1..N, writes the tables (all seeds), metadata
and a summary figure (median and 10-90% band), and prints the table of
surveyed vs simulated figures for the first simulated year: target, mean
over seeds, 95% interval of the mean, range over seeds, and whether the mean
is within the survey's tolerance.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cgsim.run import simulate_seeds, write_run
from cgsim.scenarios import ConfigError, make_config
from cgsim.survey import compare, load_survey

SURVEYS = ("mianyang_2019", "karamay_2016")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Status-quo baseline vs the surveys.")
    ap.add_argument("--out", default="results/baseline")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--weeks", type=int, default=156)
    a = ap.parse_args(argv)
    out = Path(a.out)
    tables = []
    for name in SURVEYS:
        t0 = time.perf_counter()
        survey = load_survey(name)
        cfg = make_config(survey.preset, weeks=a.weeks, name=f"baseline_{survey.preset}")
        res = simulate_seeds(cfg, range(1, a.seeds + 1), workers=a.workers)
        write_run(res, out / survey.preset, figure=False)
        from cgsim.plots import summary_figure

        summary_figure(res.weekly, out / survey.preset / "summary.png",
                       title=f"Status quo, {survey.preset}")
        table = compare(survey, res.yearly)
        table.insert(0, "survey", name)
        tables.append(table)
        print(f"\n{survey.title} ({survey.source})")
        first = ", the first simulated year" if survey.year == 0 else ""
        print(f"simulated: preset {survey.preset}, year {survey.year} of the tables (weeks {52 * survey.year}-"
              f"{52 * survey.year + 51}{first}), {a.seeds} seeds, {time.perf_counter() - t0:.1f} s")
        show = table[["figure", "target", "simulated_mean", "ci95_low", "ci95_high", "seed_min", "seed_max",
                      "holds"]]
        print(show.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    import pandas as pd

    allt = pd.concat(tables, ignore_index=True)
    allt.to_csv(out / "targets.csv", index=False)
    from cgsim.analysis.document import Document

    doc = Document("Baseline: surveyed vs simulated figures")
    doc.p(f"Mean over {a.seeds} seeds of the surveyed year of each preset (year 0 = the first simulated year); 95% "
          f"interval of the mean; range over seeds.")
    doc.table(list(allt.columns), [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
                                   for row in allt.itertuples(index=False)])
    (out / "targets.md").write_text(doc.markdown(out), encoding="utf-8")
    ok = int(allt["holds"].sum())
    print(f"\n{ok} of {len(allt)} surveyed figures within tolerance. Results in {out}/ "
          f"(per preset: weekly.parquet, yearly.parquet, meta.json, summary.png; targets.csv and targets.md).")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
