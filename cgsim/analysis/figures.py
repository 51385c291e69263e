"""Figures of a comparison: outcomes over time by scenario, paired differences over time, effects by group."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .labels import group_label, is_share, outcome_label, t  # noqa: E402

NCOLS = 3


def set_font(lang: str) -> str:
    """Use a CJK font for Chinese labels when one is installed; returns the language figures can use."""
    if lang != "zh":
        return "en"
    from ..viz.labels import cjk_font

    name = cjk_font()
    if name is None:
        return "en"
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return "zh"


def scenario_colours(names: list[str], baseline: str) -> dict[str, str]:
    others = [n for n in names if n != baseline]
    cmap = plt.get_cmap("tab10")
    return {baseline: "#333333", **{n: matplotlib.colors.to_hex(cmap(i % 10)) for i, n in enumerate(others)}}


def _grid(n: int, width: float = 5.0, height: float = 3.3):
    ncols = min(NCOLS, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows + 0.6), squeeze=False,
                             constrained_layout=True)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:n]


def _legend(fig, ax) -> None:
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=min(len(names), 6), fontsize=9, frameon=False)


def _scale(outcome: str) -> float:
    return 100.0 if is_share(outcome) else 1.0


def _unit(outcome: str, lang: str, diff: bool = False) -> str:
    if not is_share(outcome):
        return ""
    return " (pp)" if diff else " (%)"


def time_figure(b: pd.DataFrame, outcomes: list[str], group: str, labels: dict, colours: dict, starts: list[int],
                path: Path, lang: str) -> Path:
    """Median and 10-90% band per scenario for each weekly outcome (``b`` from ``effects.bands``)."""
    fig, axes = _grid(len(outcomes))
    sub = b[b["group"] == group]
    for ax, o in zip(axes, outcomes):
        k = _scale(o)
        for sc, d in sub[sub["outcome"] == o].groupby("scenario", sort=False):
            ax.plot(d["week"], d["q50"] * k, color=colours[sc], lw=1.6, label=labels[sc])
            ax.fill_between(d["week"], d["q10"] * k, d["q90"] * k, color=colours[sc], alpha=0.15, lw=0)
        for s in starts:
            ax.axvline(s, color="k", ls=":", lw=0.8)
        ax.set_title(outcome_label(o, lang) + _unit(o, lang), fontsize=10)
        ax.set_xlabel(t("week", lang))
        ax.grid(alpha=0.3)
    _legend(fig, axes[0])
    fig.suptitle(t("fig_time", lang, group=group_label(group, lang)), fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def diff_figure(b: pd.DataFrame, outcomes: list[str], labels: dict, colours: dict, starts: list[int], path: Path,
                lang: str) -> Path:
    """Median and 10-90% band of the paired difference from the baseline over time."""
    fig, axes = _grid(len(outcomes))
    for ax, o in zip(axes, outcomes):
        k = _scale(o)
        ax.axhline(0, color="k", lw=0.8)
        for sc, d in b[b["outcome"] == o].groupby("scenario", sort=False):
            ax.plot(d["week"], d["q50"] * k, color=colours[sc], lw=1.6, label=labels[sc])
            ax.fill_between(d["week"], d["q10"] * k, d["q90"] * k, color=colours[sc], alpha=0.15, lw=0)
        for s in starts:
            ax.axvline(s, color="k", ls=":", lw=0.8)
        ax.set_title(outcome_label(o, lang) + _unit(o, lang, diff=True), fontsize=10)
        ax.set_xlabel(t("week", lang))
        ax.grid(alpha=0.3)
    _legend(fig, axes[0])
    fig.suptitle(t("fig_diff", lang), fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def effects_figure(eff: pd.DataFrame, outcomes: list[str], groups: list[str], scenarios: list[str], labels: dict,
                   colours: dict, path: Path, lang: str) -> Path:
    """One panel per outcome: each group's effect per scenario with its 95% interval."""
    fig, axes = _grid(len(outcomes), width=5.0, height=0.9 + 0.45 * len(groups) * max(1, len(scenarios)) ** 0.5)
    step = 0.8 / max(1, len(scenarios))
    for ax, o in zip(axes, outcomes):
        k = _scale(o)
        ax.axvline(0, color="k", lw=0.8)
        for j, sc in enumerate(scenarios):
            d = eff[(eff["outcome"] == o) & (eff["scenario"] == sc)].set_index("group").reindex(groups)
            y = np.arange(len(groups)) - 0.4 + step * (j + 0.5)
            lo = np.nan_to_num((d["effect"] - d["ci_low"]).to_numpy() * k, posinf=0)
            hi = np.nan_to_num((d["ci_high"] - d["effect"]).to_numpy() * k, posinf=0)
            ax.errorbar(d["effect"] * k, y, xerr=[lo, hi], fmt="o", ms=4, capsize=2, color=colours[sc],
                        label=labels[sc])
        ax.set_yticks(range(len(groups)), [group_label(g, lang) for g in groups], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(outcome_label(o, lang) + _unit(o, lang, diff=True), fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    _legend(fig, axes[0])
    fig.suptitle(t("fig_effects", lang), fontsize=11)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
