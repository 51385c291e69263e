"""Stylised facts of MODEL.md §8 as experiments: one command per fact, an effect with a 95% interval.

    python experiments/stylised_facts/run.py                    # every fact in facts/
    python experiments/stylised_facts/run.py admin_overload     # one fact
    python experiments/stylised_facts/run.py --seeds 20 --out results/stylised_facts

A fact file (``facts/<name>.yaml``) names a claim and its source, the
scenarios to compare (parameter overrides and policies on one preset), the
outcome (a column of the weekly or yearly table, a group, a period) and the
effect as a signed combination of scenarios (a difference, or a
difference-in-differences for "X works only with Y"). Every scenario runs on
the same seeds (common random numbers), so the effect is computed per seed
and its mean gets a t-based 95% interval. The verdict is REPRODUCED when the
interval lies on the side the source claims, NOT REPRODUCED otherwise: a
fact the model does not reproduce is reported, never forced. Each fact
writes a figure (outcome over time per scenario, median and 10-90% band, and
the per-seed effects) and a row of ``results.csv``; ``--markdown`` prints the
tables kept in docs/VALIDATION.md.

The qualitative validation anchors of MODEL.md §6 (cases with a direction and a
rough size: Haihong's grid, Gaobazhou's village merger, the metro shock) are
fact files too, marked ``anchor: true``. Their ``size`` names the size the source
gives, as bounds on the mean over seeds of a signed combination of scenarios
(on the fact's outcome, or its own); the verdict then needs the direction and
the size.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cgsim.plots  # noqa: E402,F401  (fonts for Chinese labels)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from cgsim.analysis.effects import t_interval  # noqa: E402
from cgsim.experiment.outputs import TABLES, WEEKLY_OUTCOMES, YEARLY_OUTCOMES  # noqa: E402
from cgsim.run import simulate  # noqa: E402
from cgsim.scenarios import ConfigError, make_config  # noqa: E402

HERE = Path(__file__).parent
FACT_KEYS = {"fact", "source", "preset", "weeks", "scenarios", "outcome", "effect", "expect", "note", "anchor",
             "size"}
OUTCOME_KEYS = {"table", "column", "group", "dimension", "year", "weeks", "stat"}
SIZE_KEYS = {"claim", "of", "outcome", "min", "max"}


def load_fact(path: Path) -> dict:
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    bad = set(d) - FACT_KEYS
    if bad:
        raise ConfigError(f"{path}: unknown key '{sorted(bad)[0]}'. Allowed: {', '.join(sorted(FACT_KEYS))}.")
    if d["expect"] not in ("increase", "decrease"):
        raise ConfigError(f"{path}: 'expect' must be increase or decrease.")
    for s in d["effect"]:
        if s not in d["scenarios"]:
            raise ConfigError(f"{path}: effect names scenario {s!r}, not in scenarios.")
    size = d.get("size")
    outcomes = [("outcome", d["outcome"])]
    if size is not None:
        bad = set(size) - SIZE_KEYS
        if bad or "of" not in size or not ({"min", "max"} & set(size)):
            raise ConfigError(f"{path}: 'size' needs 'of' (scenario: coefficient) and 'min' and/or 'max'; "
                              f"allowed keys: {', '.join(sorted(SIZE_KEYS))}.")
        for s in size["of"]:
            if s not in d["scenarios"]:
                raise ConfigError(f"{path}: size.of names scenario {s!r}, not in scenarios.")
        if "outcome" in size:
            outcomes.append(("size.outcome", size["outcome"]))
    for where, coefs in [("effect", d["effect"])] + ([("size.of", size["of"])] if size is not None else []):
        if not isinstance(coefs, dict) or not all(_is_number(c) for c in coefs.values()):
            raise ConfigError(f"{path}: {where} must map scenario names to numbers (e.g. {{policy: 1, baseline: -1}}).")
    if size is not None:
        for bound in ("min", "max"):
            if bound in size and not _is_number(size[bound]):
                raise ConfigError(f"{path}: size.{bound} must be a number, got {size[bound]!r}.")
    for where, out in outcomes:
        if not isinstance(out, dict):
            raise ConfigError(f"{path}: {where} must be a mapping with at least 'column'.")
        bad = set(out) - OUTCOME_KEYS
        if bad:
            raise ConfigError(f"{path}: {where}: unknown key '{sorted(bad)[0]}'. Allowed: "
                              f"{', '.join(sorted(OUTCOME_KEYS))}.")
        if out.get("stat", "mean") not in ("mean", "sum"):
            raise ConfigError(f"{path}: {where}.stat must be mean or sum.")
        table = out.get("table", "yearly")
        if table not in TABLES:
            raise ConfigError(f"{path}: {where}.table must be one of {', '.join(TABLES)}, got {table!r}.")
        columns = WEEKLY_OUTCOMES if table == "weekly" else YEARLY_OUTCOMES
        if out.get("column") not in columns:
            raise ConfigError(f"{path}: {where}.column {out.get('column')!r} is not a numeric column of the {table} "
                              f"table. Allowed: {', '.join(columns)} (docs/OUTPUTS.md).")
    for name, sc in d["scenarios"].items():  # validate now, before any run
        make_config(d.get("preset", "mianyang_2019"), weeks=d.get("weeks", 156), policies=sc.get("policies"),
                    overrides=sc.get("params") or {}, source=str(path))
    return d


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _one(args):
    preset, weeks, sc, seed = args
    cfg = make_config(preset, weeks=weeks, seed=seed, policies=sc.get("policies"), overrides=sc.get("params") or {})
    r = simulate(cfg)
    return r.weekly, r.yearly


def outcome_value(out: dict, weekly: pd.DataFrame, yearly: pd.DataFrame) -> float:
    grp = out.get("group", "all")
    if out.get("table", "yearly") == "yearly":
        df = yearly[(yearly.group == grp) & (yearly.year == out.get("year", 2))]
    else:
        a, b = out.get("weeks", [weekly.week.max() - 25, weekly.week.max()])
        df = weekly[(weekly.group == grp) & (weekly.week >= a) & (weekly.week <= b)]
    if "dimension" in out:
        df = df[df.dimension == out["dimension"]]
    x = df[out["column"]]
    return float(x.sum() if out.get("stat", "mean") == "sum" else x.mean())


def run_fact(name: str, d: dict, seeds: list[int], pool, out_dir: Path) -> dict:
    preset, weeks = d.get("preset", "mianyang_2019"), d.get("weeks", 156)
    names = list(d["scenarios"])
    jobs = [(preset, weeks, d["scenarios"][n], s) for n in names for s in seeds]
    results = list(pool.map(_one, jobs)) if pool else [_one(j) for j in jobs]
    by = {n: results[i * len(seeds):(i + 1) * len(seeds)] for i, n in enumerate(names)}
    eff = _combination(d["effect"], d["outcome"], by)
    mean, lo, hi = t_interval(eff)
    ok = hi < 0 if d["expect"] == "decrease" else lo > 0
    size = d.get("size")
    size_value = size_ok = None
    if size is not None:  # the rough size the source gives: bounds on a mean over seeds
        size_value = float(np.mean(_combination(size["of"], size.get("outcome", d["outcome"]), by)))
        size_ok = size.get("min", -np.inf) <= size_value <= size.get("max", np.inf)
        ok = ok and size_ok
    verdict = "REPRODUCED" if ok else "NOT REPRODUCED"
    _figure(name, d, by, eff, (mean, lo, hi, verdict), out_dir)
    return dict(fact=name, claim=d["fact"], source=d["source"], outcome=d["outcome"]["column"],
                expected=d["expect"], effect=mean, ci95_low=lo, ci95_high=hi, seeds=len(seeds),
                seeds_in_direction=int(np.sum(eff < 0) if d["expect"] == "decrease" else np.sum(eff > 0)),
                anchor=bool(d.get("anchor", False)), size_claim=(size or {}).get("claim", ""), size_value=size_value,
                size_min=(size or {}).get("min"), size_max=(size or {}).get("max"), size_holds=size_ok,
                verdict=verdict)


def _combination(coefs: dict, out: dict, by: dict) -> np.ndarray:
    """Per seed, the signed combination ``coefs`` (scenario: coefficient) of the scenarios' outcome ``out``."""
    return sum(c * np.array([outcome_value(out, w, y) for w, y in by[n]]) for n, c in coefs.items())


def _figure(name, d, by, eff, summary, out_dir: Path) -> None:
    col = d["outcome"]["column"]
    grp = d["outcome"].get("group", "all")
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [3, 1]},
                                 constrained_layout=True)
    # the weekly series where the weekly table has the outcome; else the yearly one (e.g. participants_activity,
    # a count over the year), so the left panel is never empty
    table = 0 if col in by[next(iter(by))][0][0].columns else 1
    t = "week" if table == 0 else "year"
    for n, runs in by.items():
        w = pd.concat([r[table].assign(run=i) for i, r in enumerate(runs)])
        sel = w[w.group == grp]
        if "dimension" in d["outcome"]:
            sel = sel[sel.dimension == d["outcome"]["dimension"]]
        if d["outcome"].get("stat") == "sum" and table == 0:  # a count summed over weeks: show it accumulating
            a, b = d["outcome"].get("weeks", [sel[t].min(), sel[t].max()])
            sel = sel[(sel[t] >= a) & (sel[t] <= b)].sort_values(t)  # accumulated over the outcome's window
            sel = sel.assign(**{col: sel.groupby("run")[col].cumsum()})
        g = sel.groupby(t)[col]
        med = g.median()
        (line,) = ax.plot(med.index, med.values, label=n, marker="o" if table else None)
        ax.fill_between(med.index, g.quantile(0.1).values, g.quantile(0.9).values, alpha=0.2,
                        color=line.get_color(), lw=0)
    cum = "cumulative " if d["outcome"].get("stat") == "sum" and table == 0 else ""
    ax.set_title(f"{cum}{col} ({grp}) by scenario: median and 10-90% of seeds", fontsize=10)
    ax.set_xlabel(t)
    if table:
        ax.set_xticks(sorted(sel[t].unique()))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    mean, lo, hi, verdict = summary
    bx.axhline(0, color="k", lw=0.8)
    bx.scatter(np.zeros(len(eff)) + np.random.default_rng(0).uniform(-0.1, 0.1, len(eff)), eff, s=12, alpha=0.6)
    bx.errorbar([0.3], [mean], yerr=[[mean - lo], [hi - mean]], fmt="o", color="C3", capsize=4)
    bx.set_xticks([])
    bx.set_title(f"effect {mean:+.3f} [{lo:+.3f}, {hi:+.3f}]\n{verdict}", fontsize=9)
    fig.suptitle(textwrap.fill(f"{d['fact']} ({d['source']})", 150), fontsize=10)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_dir / f"{name}.png", dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Stylised facts of MODEL.md §8 and validation anchors of §6 as paired "
                                             "experiments.")
    ap.add_argument("facts", nargs="*", help="fact names (files in facts/); default: all")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="results/stylised_facts")
    ap.add_argument("--markdown", action="store_true", help="print the docs/VALIDATION.md tables")
    a = ap.parse_args(argv)
    files = sorted((HERE / "facts").glob("*.yaml"))
    names = a.facts or [f.stem for f in files]
    out = Path(a.out)
    rows = []
    try:
        facts = {n: load_fact(HERE / "facts" / f"{n}.yaml") for n in names}
    except FileNotFoundError as e:
        print(f"unknown fact: {e.filename}; available: {', '.join(f.stem for f in files)}", file=sys.stderr)
        return 2
    seeds = list(range(1, a.seeds + 1))
    with ProcessPoolExecutor(a.workers) if a.workers > 1 else _Null() as pool:
        for n, d in facts.items():
            r = run_fact(n, d, seeds, pool, out)
            rows.append(r)
            print(f"{r['verdict']:15s} {n}: effect on {r['outcome']} {r['effect']:+.4f} "
                  f"[{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}] ({r['seeds_in_direction']}/{r['seeds']} seeds in "
                  f"the claimed direction; expected {r['expected']})"
                  + (f"; size {_size_text(r)}" if r["size_value"] is not None else ""), flush=True)
    df = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "results.csv", index=False)
    if a.markdown:
        facts_rows = [r for r in rows if not r["anchor"]]
        anchor_rows = [r for r in rows if r["anchor"]]
        if facts_rows:
            print()
            print("| fact | claim (source) | outcome | expected | effect [95% CI] | seeds | verdict |")
            print("|---|---|---|---|---|---|---|")
            for r in facts_rows:
                print(f"| `{r['fact']}` | {r['claim']} ({r['source']}) | `{r['outcome']}` | {r['expected']} | "
                      f"{r['effect']:+.4f} [{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}] | "
                      f"{r['seeds_in_direction']}/{r['seeds']} | {r['verdict']} |")
        if anchor_rows:
            print()
            print("| anchor | case (source) | outcome | expected | effect [95% CI] | seeds | rough size | verdict |")
            print("|---|---|---|---|---|---|---|---|")
            for r in anchor_rows:
                print(f"| `{r['fact']}` | {r['claim']} ({r['source']}) | `{r['outcome']}` | {r['expected']} | "
                      f"{r['effect']:+.4f} [{r['ci95_low']:+.4f}, {r['ci95_high']:+.4f}] | "
                      f"{r['seeds_in_direction']}/{r['seeds']} | {_size_text(r) if r['size_value'] is not None else '-'} | "
                      f"{r['verdict']} |")
    return 0


def _size_text(r: dict) -> str:
    bounds = " and ".join(b for b in (f">= {r['size_min']:g}" if r["size_min"] is not None else "",
                                      f"<= {r['size_max']:g}" if r["size_max"] is not None else "") if b)
    claim = f"{r['size_claim']}: " if r["size_claim"] else ""
    return f"{claim}{r['size_value']:.3g} (bound {bounds}, {'holds' if r['size_holds'] else 'fails'})"


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
