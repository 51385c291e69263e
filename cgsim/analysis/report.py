"""The comparison report: ``report.md`` and ``report.html`` (figures embedded), in English or Chinese.

``write_compare_report(exp, res, out, lang)`` computes the paired effects and
bands from a compare store (``cgsim.results``), draws the figures into
``out/figures/`` and writes the report with ``effects.csv`` and ``summary.csv``.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..experiment.outputs import split_outcome
from ..metrics import FIRM_ONLY
from .document import Document
from .effects import bands, paired_differences, paired_effects
from .figures import diff_figure, effects_figure, scenario_colours, set_font, time_figure
from .labels import group_label, is_share, outcome_label, pool_text, t


def _decimals(*vals: float, spread: float | None = None) -> int:
    """Decimals that show the interval's width (or, without one, the magnitude) to about two digits."""
    if spread is not None and np.isfinite(spread) and spread > 0:
        return int(min(4, max(0, -math.floor(math.log10(spread)))))
    m = max((abs(v) for v in vals if np.isfinite(v)), default=0.0)
    return 3 if m == 0 else int(min(4, max(0, 1 - math.floor(math.log10(m)))))


def fmt_value(v: float, outcome: str) -> str:
    if not np.isfinite(v):
        return "–"
    if is_share(outcome):
        return f"{100 * v + 0.0:.1f}%".replace("-0.0%", "0.0%")  # a share is never negative: -0.0 is rounding
    d = _decimals(v) + 1
    return (f"{v:.{d}f}" if round(v, d) != 0 else f"{0.0:.{d}f}") if abs(v) < 10 else f"{v:,.0f}"


def fmt_effect(e: float, lo: float, hi: float, outcome: str, lang: str = "en") -> str:
    """``+1.2 pp [+0.8, +1.6]`` for shares, ``+0.019 [+0.018, +0.020]`` otherwise; ``±0`` when every pair is equal."""
    if not np.isfinite(e):
        return "–"
    k, unit = (100.0, " pp") if is_share(outcome) else (1.0, "")
    if e == 0 and lo == 0 and hi == 0:
        return f"±0{unit} ({t('identical', lang)})"
    half = (hi - lo) / 2 * k if np.isfinite(lo) and np.isfinite(hi) else None
    d = _decimals(e * k, spread=half)
    while d < 4 and any(v != 0 and round(v * k, d) == 0 for v in (e, lo, hi) if np.isfinite(v)):
        d += 1  # no bound shown as a bare "-0.00"
    ci = f"[{lo * k:+.{d}f}, {hi * k:+.{d}f}]" if np.isfinite(lo) else "[–]"
    return f"{e * k:+.{d}f}{unit} {ci}"


def fmt_rel(r: float) -> str:
    if not np.isfinite(r):
        return "–"
    return f"{100 * r:+.1f}%" if abs(r) < 0.1 else f"{100 * r:+.0f}%"


def _policy_text(sc, lang: str) -> str:
    from ..policies import resolve

    parts = []
    if sc.governance:
        parts.append(f"{t('governance', lang)}: `{sc.governance}`")
    for p in sc.policies:
        cls = resolve(p["name"])
        name = f"{cls.aliases[0]} `{cls.id}`" if cls and cls.aliases else f"`{p['name']}`"
        args = ", ".join(f"{k}={v}" for k, v in p.items() if k != "name")
        parts.append(name + (f" ({args})" if args else ""))
    parts += [f"`{k}` = {v}" for k, v in sc.params.items()]
    return "; ".join(parts) or t("none", lang)


def _secs(s: float) -> str:
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.1f} min"


def _draw(exp, res, eff: pd.DataFrame, figdir: Path, flang: str, lang: str, flabels: dict, colours: dict,
          starts: list[int]) -> list[tuple[Path, str]]:
    """The report's figures with their captions: effects, paired differences, outcomes over time per group."""
    outcomes, groups, weekly_out = list(exp.outputs.outcomes), list(exp.outputs.groups), exp.outputs.weekly
    others = [s.name for s in exp.scenarios if s.name != exp.baseline]
    # a measure no run has (trust in the firm where there is none) gets no empty panel; the report says why
    outcomes = [o for o in outcomes if (eff["outcome"] == o).any()]
    figs = [(effects_figure(eff, outcomes, groups, others, flabels, colours, figdir / "effects.png", flang),
             t("fig_effects", lang))] if outcomes else []
    if not weekly_out or "weekly" not in exp.outputs.store:
        return figs
    wk = res.table("weekly", columns=weekly_out, groups=groups)
    weekly_out = [c for c in weekly_out if wk[c].notna().any()] if len(wk) else []
    if not weekly_out:
        return figs
    d = paired_differences(wk[wk["group"] == ("all" if "all" in groups else groups[0])], weekly_out, exp.baseline)
    if len(d):
        figs.append((diff_figure(bands(d, weekly_out), weekly_out, flabels, colours, starts,
                                 figdir / "difference.png", flang), t("fig_diff", lang)))
    b = bands(wk, weekly_out)
    for g in groups:
        if wk.loc[wk["group"] == g, weekly_out].isna().all().all():
            continue  # nobody of this kind lives there: an empty figure would say nothing (the report says why)
        figs.append((time_figure(b, weekly_out, g, flabels, colours, starts, figdir / f"time_{g}.png", flang),
                     t("fig_time", lang, group=group_label(g, lang))))
    return figs


def write_compare_report(exp, res, out: Path, lang: str = "en", *, wall_seconds: float | None = None,
                         pool_label: str = "", config_path: str | None = None) -> dict:
    """Analyse a finished compare store and write the report; returns paths and the effects frame."""
    out = Path(out)
    figdir = out / "figures"
    figdir.mkdir(parents=True, exist_ok=True)
    flang = set_font(lang)
    names = [s.name for s in exp.scenarios]
    labels = {s.name: s.label[lang] for s in exp.scenarios}
    flabels = {s.name: s.label[flang] for s in exp.scenarios}
    others = [n for n in names if n != exp.baseline]
    colours = scenario_colours(names, exp.baseline)
    outcomes, groups = list(exp.outputs.outcomes), list(exp.outputs.groups)

    summary = res.summary
    eff = paired_effects(summary, exp.baseline, order=names)
    eff["outcome"] = pd.Categorical(eff["outcome"], outcomes, ordered=True)
    eff["group"] = pd.Categorical(eff["group"], groups, ordered=True)
    eff["scenario"] = pd.Categorical(eff["scenario"], others, ordered=True)
    eff = eff.sort_values(["outcome", "group", "scenario"]).reset_index(drop=True)
    eff.assign(outcome_label=[outcome_label(o, lang) for o in eff["outcome"]]).to_csv(out / "effects.csv",
                                                                                       index=False)
    summary.to_csv(out / "summary.csv", index=False)

    starts = sorted({int(p.get("start_week", 26)) for s in exp.scenarios for p in s.policies})
    figs = _draw(exp, res, eff, figdir, flang, lang, flabels, colours, starts)

    runs = res.runs
    ok, failed = int((runs["status"] == "ok").sum()), int((runs["status"] == "failed").sum())
    doc = Document(exp.title[lang] if exp.title[lang] != exp.name else f"{t('report', lang)}: {exp.name}", lang)
    if exp.description[lang]:
        doc.p(exp.description[lang])
    doc.h(t("setup", lang))
    from ..scenarios import make_config

    cfg = make_config(exp.preset, weeks=exp.weeks, governance=exp.governance, overrides=exp.params)
    burn = cfg.params.burn_in_weeks
    seeds = exp.seeds
    seed_text = f"{seeds[0]}–{seeds[-1]}" if seeds == list(range(seeds[0], seeds[0] + len(seeds))) else \
        ", ".join(map(str, seeds))
    doc.table(["", ""], [
        [t("neighbourhood", lang), f"`{exp.preset}`"],
        [t("governance", lang), f"`{exp.governance}`" if exp.governance else t("none", lang)],
        [t("horizon", lang), t("weeks_after_burn_in", lang, w=exp.weeks, b=burn, s=", ".join(map(str, starts)) or "–")],
        [t("replicates", lang), t("replicates_text", lang, n=len(seeds), seeds=seed_text)],
        [t("runs", lang), t("runs_text", lang, ok=ok, failed=failed, cpu=_secs(float(runs["wall_seconds"].sum())),
                            med=f"{runs['wall_seconds'].median():.1f} s",
                            secs=_secs(wall_seconds) if wall_seconds is not None else "–",
                            where=pool_text(pool_label, lang) or "–")],
    ])
    doc.h(t("scenarios", lang))
    doc.table([t("scenario", lang), t("policies", lang)],
              [[f"{labels[s.name]}" + (f" ({t('baseline', lang)})" if s.name == exp.baseline else "")
                + f" `{s.name}`", _policy_text(s, lang)] for s in exp.scenarios])

    doc.h(t("key_results", lang))
    doc.p(t("key_intro", lang, period=t("period_weekly", lang, w=exp.outputs.window)))
    key_group = "all" if "all" in groups else groups[0]
    rows = []
    for o in outcomes:
        e = eff[(eff["outcome"] == o) & (eff["group"] == key_group)].set_index("scenario")
        if not len(e):
            continue
        row = [outcome_label(o, lang), fmt_value(float(e["baseline_mean"].iloc[0]), o)]
        for sc in others:
            r = e.loc[sc] if sc in e.index else None
            cell = "–" if r is None else fmt_effect(r["effect"], r["ci_low"], r["ci_high"], o, lang)
            row.append(f"**{cell}**" if r is not None and r["clear"] else cell)
        rows.append(row)
    if rows:
        doc.table([t("outcome", lang), f"{t('base_value', lang)}: {labels[exp.baseline]}"]
                  + [labels[s] for s in others], rows)
    else:
        doc.p(t("not_measured_any", lang))

    if figs:
        doc.h(t("figures", lang))
    for path, cap in figs:
        doc.figure(path, cap)

    doc.h(t("effects_by_group", lang))
    for o in outcomes:
        doc.h(outcome_label(o, lang) + f" (`{o}`)", 3)
        rows = []
        for _, r in eff[eff["outcome"] == o].iterrows():
            cell = fmt_effect(r["effect"], r["ci_low"], r["ci_high"], o, lang)
            rows.append([group_label(r["group"], lang), labels[r["scenario"]], fmt_value(r["baseline_mean"], o),
                         fmt_value(r["scenario_mean"], o), f"**{cell}**" if r["clear"] else cell,
                         fmt_rel(r["relative"]), f"{100 * r['share_higher']:.0f}%", str(r["pairs"])])
        if not rows:  # no run has a value (trust in the firm where there is no firm): say so, not an empty table
            doc.p(t("not_measured_firm" if o.endswith("trust_firm") else "not_measured", lang))
            continue
        doc.table([t("group", lang), t("scenario", lang), t("base_value", lang), t("scen_value", lang),
                   t("effect", lang), t("relative", lang), t("higher", lang), t("pairs", lang)], rows)
    # groups whose finished runs all lack a value of the measures every community has: nobody of that kind lives
    # there (docs/OUTPUTS.md); trust in the firm is absent wherever there is no firm, whatever the group
    everywhere = summary[~summary["outcome"].map(lambda o: split_outcome(o)[1] in FIRM_ONLY)]
    empty = [g for g, v in everywhere.groupby("group", sort=False)["value"]
             if v.isna().all() and g not in set(eff["group"])]
    if empty:
        doc.p(t("empty_groups", lang, groups=", ".join(group_label(g, lang) for g in empty)))

    doc.h(t("method", lang))
    doc.p(t("method_text", lang))
    doc.p(t("tables_csv", lang), muted=True)
    if failed:
        doc.h(t("failed_runs", lang))
        fr = runs[runs["status"] == "failed"]
        doc.table(["run_id", t("scenario", lang), "seed", "error"],
                  [[str(r.run_id), str(r.scenario), str(r.seed), str(r.error)] for r in fr.itertuples()])
    doc.h(t("reproduce", lang))
    doc.code(f"cgsim compare {config_path or exp.source or 'EXPERIMENT.yaml'} --out {out.as_posix()} --lang {lang}")
    hashes = runs[runs["status"] == "ok"].groupby("scenario")["config_hash"].first()
    doc.table([t("scenario", lang), t("config_hashes", lang)], [[f"`{s}`", f"`{hashes.get(s, '–')}`"] for s in names])
    vers = {k[len("version_"):]: runs[k].dropna().unique() for k in runs.columns if k.startswith("version_")}
    doc.p(f"{t('versions', lang)}: " + ", ".join(f"{k} {'/'.join(map(str, v))}" for k, v in vers.items()), muted=True)
    from ..run import versions

    doc.p(t("generated", lang, v=versions().get("cgsim"), date=time.strftime("%Y-%m-%d %H:%M")), muted=True)
    md, ht = doc.write(out)
    return {"report_md": md, "report_html": ht, "effects": eff, "figures": [p for p, _ in figs]}
