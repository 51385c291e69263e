"""What a calibration leaves behind: ``calibrated.yaml``, ``report.md`` and ``convergence.png``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..survey import compare_values
from . import objective as obj
from .simulate import Simulator
from .spec import STATIONARITY, CalibrationSpec


def check_on_fresh_seeds(spec: CalibrationSpec, sim: Simulator, u: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """Each survey figure at the estimate over seeds the fit never used (the fit seeds if none are asked),
    and those seeds' moments (seeds x moments, for the variance in the intervals)."""
    sv = sim.survey
    cols = [t.column for t in sv.targets]
    if spec.check_seeds:
        res = sim.run_seeds([u], spec.check_seeds)[0]
        rec = {"figures": [r["figures"] for r in res], "drift": [r["drift"] for r in res]}
        seeds = "check"
    else:
        rec = sim.cache[Simulator.key(u)]
        seeds = "fit"
    table = pd.DataFrame(rec["figures"], columns=cols)
    cmp = compare_values(sv, table)
    rows = []
    for t, c in zip(sv.targets, cmp.itertuples()):
        rows.append(dict(column=t.column, kind=t.kind, target=t.value, tolerance=t.tol if t.kind == "equal" else None,
                         simulated=round(c.simulated_mean, 4), ci95=[round(c.ci95_low, 4), round(c.ci95_high, 4)],
                         seed_range=[round(c.seed_min, 4), round(c.seed_max, 4)], se=round(t.se, 4),
                         miss_in_se=round(t.distance(c.simulated_mean), 2), holds=bool(c.holds), seeds=seeds,
                         source=t.source))
    return rows, obj.per_seed_moments(spec, rec)


def _yaml(doc: dict) -> str:
    header = ("# Written by `cgsim calibrate` (command below); do not edit by hand, rerun the calibration.\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def report_markdown(doc: dict) -> str:
    steady = doc.get("survey") is None
    L = [f"# Steady-state calibration of `{doc['preset']}` (no survey: stationarity moments only)" if steady
         else f"# Calibration of `{doc['preset']}` to the {doc['survey']} survey", ""]
    if doc.get("command"):
        L += ["```", doc["command"], "```", ""]
    L += [f"Method: {doc['method']}. Fit seeds {doc['fit_seeds'][0]}-{doc['fit_seeds'][-1]}; "
          f"{doc['evaluations']} evaluations; objective {doc['objective']} (sum of squared misses in standard "
          f"errors); {doc['status']}.", ""]
    fs = doc["fit_statistic"]
    if fs["df"]:
        L += [f"Overall fit: J = {fs['J']} on {fs['df']} degrees of freedom (p = {fs['p_value']}; a small p says the "
              "model cannot match these figures jointly).", ""]
    if doc.get("inherits"):
        L += [f"Parameters not fitted here come from the calibrated set `{doc['inherits']}`.", ""]
    L += ["## Parameters", "", "| parameter | estimate | 95% interval | identification |", "|---|---:|---|---|"]
    for n, iv in doc["intervals"].items():
        L.append(f"| `{n}` | {_fmt(iv['estimate'])} | [{_fmt(iv['low'])}, {_fmt(iv['high'])}] | "
                 f"{iv['identification']} |")
    where = (f"{len(doc['check_seeds'])} fresh seeds ({doc['check_seeds'][0]}-{doc['check_seeds'][-1]}), not used "
             "in the fit" if doc["check_seeds"] else "the fit seeds")
    if steady:
        L += ["", f"## Drift over the first year at the estimate ({where})", "",
              "The status quo should hold still by itself: each moment's target is 0.", "",
              "| moment | fit seeds | check seeds | standard error |", "|---|---:|---:|---:|"]
        se = dict(STATIONARITY)
        check = (doc.get("drift_over_year_check") or {}) if doc["check_seeds"] else {}  # none: the fit seeds again
        for n, v in doc["drift_over_year"].items():
            c = f"{check[n]:+.4f}" if n in check else "-"
            L.append(f"| {n} | {v:+.4f} | {c} | {se.get(n.removeprefix('drift_'), float('nan')):g} |")
        L += ["", "![convergence](convergence.png)", ""]
        return "\n".join(L)
    L += ["", f"## Survey figures at the estimate ({where})", "",
          "| figure | survey | simulated mean | 95% interval | seed range | miss (SE) | holds | source |",
          "|---|---:|---:|---|---|---:|---|---|"]
    for r in doc["fit"]:
        op = {"equal": "", "at_least": "≥ ", "at_most": "≤ "}[r["kind"]]
        tol = f" ± {r['tolerance']:.3f}" if r["tolerance"] else ""
        L.append(f"| {r['column']} | {op}{r['target']:.3f}{tol} | {r['simulated']:.3f} | "
                 f"[{r['ci95'][0]:.3f}, {r['ci95'][1]:.3f}] | {r['seed_range'][0]:.3f}-{r['seed_range'][1]:.3f} | "
                 f"{r['miss_in_se']:+.2f} | {'yes' if r['holds'] else '**no**'} | {r['source']} |")
    held = sum(r["holds"] for r in doc["fit"])
    L += ["", f"{held} of {len(doc['fit'])} figures within tolerance."]
    if doc.get("drift_over_year"):
        L += ["", "Drift over the first year (stationarity moments, target 0), fit seeds: " +
              ", ".join(f"{k} {v:+.4f}" for k, v in doc["drift_over_year"].items()) + "."]
    if doc.get("drift_over_year_check") and doc["check_seeds"]:
        L += ["", "The same on the fresh seeds: " +
              ", ".join(f"{k} {v:+.4f}" for k, v in doc["drift_over_year_check"].items()) + "."]
    L += ["", "![convergence](convergence.png)", ""]
    return "\n".join(L)


def convergence_plot(history: list[dict], spec: CalibrationSpec, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sv = spec.survey
    seen, f, kinds, us = set(), [], [], []
    for rec in history:
        if rec["key"] in seen or rec.get("kind") == "interval":
            continue
        seen.add(rec["key"])
        f.append(obj.objective(obj.residuals(spec, sv, rec)))
        kinds.append(rec.get("kind", "search"))
        us.append(rec["u"])
    if not f:
        return
    f = np.array(f)
    best = np.minimum.accumulate(f)
    at_best = [int(np.argmin(f[: i + 1])) for i in range(len(f))]
    us = np.array(us)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    x = np.arange(1, len(f) + 1)
    search = np.array([k == "search" for k in kinds])
    a1.scatter(x[search], f[search], s=10, color="#4477aa", label="search point")
    a1.scatter(x[~search], f[~search], s=6, color="#bbbbbb", label="Jacobian point")
    a1.plot(x, best, color="#cc3311", lw=2, label="best so far")
    a1.set_yscale("log")
    a1.set_ylabel("objective (sum of squared misses, SE)")
    a1.legend(loc="upper right", fontsize=8)
    a1.set_title(f"Steady-state calibration of {spec.preset}" if spec.steady_state
                 else f"Calibration of {spec.preset} to {sv.survey}")
    colours = plt.get_cmap("tab20")
    for j, n in enumerate(spec.params):
        a2.plot(x, us[at_best, j], lw=1.5, label=n, color=colours(j % 20), ls="-" if j < 20 else "--")
    a2.set_ylim(-0.02, 1.02)
    a2.set_ylabel("best point (share of range)")
    a2.set_xlabel("evaluation")
    a2.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    a2.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_outputs(doc: dict, out: Path, history: list[dict], spec: CalibrationSpec) -> None:
    (out / "calibrated.yaml").write_text(_yaml(doc), encoding="utf-8")
    (out / "report.md").write_text(report_markdown(doc), encoding="utf-8")
    convergence_plot(history, spec, out / "convergence.png")
