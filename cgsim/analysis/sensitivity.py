"""``cgsim sensitivity``: Morris screening or Sobol indices (SALib) over a sweep's store.

Each design point's outcome is the mean over its replicate seeds (the same
seeds at every point). Failed runs are handled explicitly, never silently:
a point keeps the mean of its finished replicates; a point with none is
``drop``-ped together with its Morris trajectory or its Sobol sample block
(the design stays valid with fewer trajectories / base samples), or
``impute``-d with the mean of the other points, or stops the analysis
(``error``). Every dropped or imputed point is counted in ``indices.csv``,
warned about, and listed in the report.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..experiment.outputs import split_outcome
from ..metrics import FIRM_ONLY
from ..scenarios import ConfigError
from .document import Document
from .labels import group_label, outcome_label


class FailedRuns(RuntimeError):
    """Runs failed and ``on_failure: error`` asks to stop rather than analyse without them (exit status 1, as
    for any failed run; 2 is kept for config mistakes)."""


#: the indices SALib gives per method, as the indices table holds them
INDICES = {"morris": ("mu", "mu_star", "sigma", "mu_star_conf"), "sobol": ("S1", "S1_conf", "ST", "ST_conf")}


def point_means(summary: pd.DataFrame, n_points: int) -> pd.DataFrame:
    """Replicate means per point, outcome and group: ``point, outcome, group, value, replicates`` (runs with a
    value) and ``empty`` (finished runs without one: the group had no residents there, docs/OUTPUTS.md)."""
    g = summary.groupby(["outcome", "group", "point"])["value"]
    m = pd.concat({"value": g.mean(), "replicates": g.count(), "empty": g.size() - g.count()}, axis=1).reset_index()
    full = pd.MultiIndex.from_product([m["outcome"].unique(), m["group"].unique(), range(n_points)],
                                      names=["outcome", "group", "point"])
    m = m.set_index(["outcome", "group", "point"]).reindex(full).reset_index()
    m["replicates"] = m["replicates"].fillna(0).astype(int)
    m["empty"] = m["empty"].fillna(0).astype(int)
    return m


def _handle_failures(y: np.ndarray, block: int, how: str, label: str) -> tuple[np.ndarray, np.ndarray, dict]:
    """(kept rows mask, y, note): apply the failure policy to one outcome's point values."""
    bad = ~np.isfinite(y)
    note = {"failed_points": int(bad.sum()), "dropped_points": 0, "imputed_points": 0}
    keep = np.ones(len(y), bool)
    if not bad.any():
        return keep, y, note
    if how == "error":
        raise FailedRuns(f"{label}: {int(bad.sum())} design points have no finished run (on_failure: error). "
                          f"Look at runs.jsonl, or set sensitivity.on_failure to drop or impute.")
    if how == "impute":
        y = y.copy()
        y[bad] = np.nanmean(y)
        note["imputed_points"] = int(bad.sum())
        warnings.warn(f"{label}: imputed {int(bad.sum())} failed design points with the mean of the others",
                      stacklevel=3)
        return keep, y, note
    blocks = bad.reshape(-1, block).any(axis=1)
    keep = np.repeat(~blocks, block)
    note["dropped_points"] = int((~keep).sum())
    if blocks.all() or (~blocks).sum() < 2:
        raise FailedRuns(f"{label}: too few complete trajectories / sample blocks left after dropping failed "
                          f"points ({int((~blocks).sum())}); set sensitivity.on_failure: impute or narrow the bounds.")
    warnings.warn(f"{label}: dropped {int(blocks.sum())} of {len(blocks)} trajectories/blocks with failed points",
                  stacklevel=3)
    return keep, y, note


def analyse(spec, res) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indices, point means) for every outcome and group of a sensitivity store."""
    from SALib.analyze import morris, sobol

    sa = spec.sensitivity
    problem = spec.problem()
    X = np.asarray(spec.raw_points(), dtype=float)
    n_points, d = X.shape
    if sa["method"] == "morris":
        block = d + 1
    else:
        block = 2 * d + 2 if sa["second_order"] else d + 2
    summ = res.summary
    means = point_means(summ, n_points) if len(summ) else pd.DataFrame(
        columns=["outcome", "group", "point", "value", "replicates", "empty"])
    rows = []
    for outcome in spec.outputs.outcomes:
        for group in spec.outputs.groups:
            sel = means[(means["outcome"] == outcome) & (means["group"] == group)].sort_values("point")
            y = sel["value"].to_numpy(float) if len(sel) else np.full(n_points, np.nan)
            absent = bool(len(sel) and np.isnan(y).all() and (sel["empty"] > 0).any())
            # the runs finished without a value: the measure does not exist there (trust in a firm where there is
            # none), or the group has no residents; nothing to analyse, which is not a failure
            unmeasured = absent and split_outcome(outcome)[1] in FIRM_ONLY
            empty = absent and not unmeasured
            if absent:
                warnings.warn(f"{outcome}: not measured in these runs (no property firm serves the community); "
                              f"its indices are NaN. Drop it from outputs.outcomes." if unmeasured else
                              f"{outcome} ({group}): the group has no residents in this community, so it has no "
                              f"{outcome} to analyse; its indices are NaN. Drop it from outputs.groups.",
                              stacklevel=2)
                note = {"failed_points": 0, "dropped_points": 0, "imputed_points": 0}
                si = {k: np.full(d, np.nan) for k in INDICES[sa["method"]]}
            else:
                keep, y, note = _handle_failures(y, block, sa["on_failure"], f"{outcome} ({group})")
                if sa["method"] == "morris":
                    si = morris.analyze(problem, X[keep], y[keep], num_levels=sa["num_levels"], seed=spec.design_seed)
                else:
                    si = sobol.analyze(problem, y[keep], calc_second_order=sa["second_order"], seed=spec.design_seed)
            note["partial_points"] = int(((sel["replicates"] > 0) & (sel["replicates"] < len(spec.seeds))).sum()) \
                if len(sel) else 0
            for i, f in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "group": group, "factor": f,
                             **{k: float(si[k][i]) for k in INDICES[sa["method"]]}, **note, "empty_group": empty,
                             "not_measured": unmeasured})
    return pd.DataFrame(rows), means


def _figure(idx: pd.DataFrame, spec, group: str, path: Path) -> Path:
    import matplotlib.pyplot as plt

    from .figures import _grid

    outcomes = list(spec.outputs.outcomes)
    fig, axes = _grid(len(outcomes), width=5.0, height=0.8 + 0.45 * len(spec.factors))
    morris = spec.sensitivity["method"] == "morris"
    for ax, o in zip(axes, outcomes):
        d = idx[(idx["outcome"] == o) & (idx["group"] == group)]
        y = np.arange(len(d))
        if morris:
            ax.barh(y, d["mu_star"], xerr=d["mu_star_conf"], color="C0", alpha=0.8, label="μ* (95% conf.)")
            ax.plot(d["sigma"], y, "D", color="C3", ms=5, label="σ")
        else:
            ax.barh(y - 0.2, d["S1"], height=0.4, xerr=d["S1_conf"], color="C0", label="S1 (first order)")
            ax.barh(y + 0.2, d["ST"], height=0.4, xerr=d["ST_conf"], color="C1", label="ST (total)")
        ax.set_yticks(y, d["factor"], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.6)
        ax.set_title(outcome_label(o), fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    what = "Morris screening: μ* (mean |elementary effect|) and σ" if morris else "Sobol indices with 95% intervals"
    fig.suptitle(f"{what} — {group_label(group)}", fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_report(spec, res, idx: pd.DataFrame, means: pd.DataFrame, out: Path) -> dict:
    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    idx.to_csv(out / "indices.csv", index=False)
    means.to_csv(out / "points.csv", index=False)
    sa = spec.sensitivity
    runs = res.runs
    ok, failed = int((runs["status"] == "ok").sum()), int((runs["status"] == "failed").sum())
    doc = Document(f"Sensitivity analysis: {spec.name}")
    if spec.description["en"]:
        doc.p(spec.description["en"])
    doc.h("Set-up")
    n_pts = int(runs["point"].nunique())
    doc.table(["", ""], [
        ["Neighbourhood", f"`{spec.preset}`" + (f", governance `{spec.governance}`" if spec.governance else "")],
        ["Horizon", f"{spec.weeks} weeks; weekly outcomes averaged over the last {spec.outputs.window} weeks"],
        ["Method", f"{sa['method']} ({'trajectories' if sa['method'] == 'morris' else 'base samples'}: "
                   f"{spec.samples}" + (f", {sa['num_levels']} levels" if sa["method"] == "morris" else "")
                   + (", second order" if sa.get("second_order") else "") + f"; design seed {spec.design_seed})"],
        ["Design", f"{n_pts} points x {len(spec.seeds)} replicate seeds (averaged per point) = {len(runs)} runs"],
        ["Runs", f"{ok} finished, {failed} failed; failed points: {sa['on_failure']}"],
        ["Policies", ", ".join(f"`{p['name']}`" for p in spec.policies) or "none"],
    ])
    doc.h("Factors")
    doc.table(["factor", "low", "high"], [[f"`{f.name}`", f"{f.low:g}", f"{f.high:g}"] for f in spec.factors])
    doc.h("Figures")
    figs = []
    for g in spec.outputs.groups:
        p = _figure(idx, spec, g, out / "figures" / f"indices_{g}.png")
        figs.append(p)
        doc.figure(p, f"{sa['method']} indices — {group_label(g)}")
    doc.h("Indices")
    cols = ["mu_star", "mu_star_conf", "sigma", "mu"] if sa["method"] == "morris" else ["S1", "S1_conf", "ST",
                                                                                      "ST_conf"]
    for (o, g), d in idx.groupby(["outcome", "group"], sort=False):
        doc.h(f"{outcome_label(o)} (`{o}`), {group_label(g)}", 3)
        doc.table(["factor"] + cols, [[f"`{r['factor']}`"] + [f"{r[c]:.4g}" for c in cols] for _, r in d.iterrows()])
        n = d.iloc[0]
        if n.get("not_measured", False):
            doc.p("No indices: not measured in these runs (no property firm serves the community).")
        elif n["empty_group"]:
            doc.p(f"No indices: {group_label(g)} has no residents in this community (n = 0).")
        elif n["failed_points"] or n["partial_points"]:
            doc.p(f"Failed points: {n['failed_points']} (dropped {n['dropped_points']} points with their "
                  f"trajectories/blocks, imputed {n['imputed_points']}); points averaged over fewer replicates: "
                  f"{n['partial_points']}.")
    if failed:
        doc.h("Failed runs")
        fr = runs[runs["status"] == "failed"]
        doc.table(["run_id", "point", "seed", "error"], [[str(r.run_id), str(r.point), str(r.seed), str(r.error)]
                                                         for r in fr.itertuples()])
    doc.h("Method")
    doc.p("Morris: μ* is the mean absolute elementary effect (importance), σ its spread (non-linearity or "
          "interaction); both are in the outcome's units per full range of the factor (SALib scales each range "
          "to 0-1), so μ* = 0.05 on a share is about 5 percentage points from the low to the high end. Sobol: S1 is the share of output variance due to a factor alone, ST including its "
          "interactions. Outcomes are means over the replicate seeds of each point; integer parameters are rounded "
          "for the runs while the analysis uses the design values. Computed with SALib.")
    doc.code(f"cgsim sensitivity {spec.source or 'SENS.yaml'} --out {out.as_posix()}")
    md, ht = doc.write(out)
    return {"report_md": md, "report_html": ht, "figures": figs}


def run_sensitivity(spec, out: str | Path, **pool) -> dict:
    """Run (or finish) the sensitivity design into ``out``, then compute the indices and the report."""
    from ..experiment.sweep import run_sweep
    from ..results import load

    if not spec.sensitivity:
        raise ConfigError(f"{spec.source}: missing 'sensitivity' block; `cgsim sensitivity` needs one.")
    result = run_sweep(spec, out, **pool)
    try:
        if result["status"]["pending"]:
            raise FailedRuns(f"{out}: {result['status']['pending']} runs still pending; finish them with --resume.")
        res = load(out)
        idx, means = analyse(spec, res)
    except FailedRuns as e:
        e.result = result  # the runs are stored: the caller can still say how many finished
        raise
    result.update(write_report(spec, res, idx, means, Path(out)), indices=idx)
    return result
