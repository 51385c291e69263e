"""Figures: the summary panel of one or several runs (median and 10-90% band over seeds)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .viz.labels import cjk_font  # noqa: E402

# Chinese labels (policy names, sources) need a CJK font (Debian: fonts-wqy-microhei or fonts-noto-cjk).
# ``cjk_font`` also finds one installed after matplotlib cached its font list; without one, the default.
_cjk = cjk_font()
plt.rcParams["font.sans-serif"] = ([_cjk] if _cjk else []) + ["DejaVu Sans"]
plt.rcParams["axes.unicode_minus"] = False

#: (title, y-axis label, columns) per panel; units as in docs/OUTPUTS.md
PANELS = (
    ("Participation this week", "share of residents",
     ("rate_activity", "rate_voice", "rate_deliberation", "rate_coproduction")),
    ("Participation ladder", "share of residents", ("stage_wait_and_see", "stage_attentive", "stage_active")),
    ("Trust and efficacy", "share (strangers) / mean, 0-1", ("trust_strangers", "trust_committee", "efficacy")),
    ("Committee", "share (of residents; of RC hours)", ("aware", "sees_rc_as_government", "rc_admin_share")),
    ("Issues", "count (petitions: this week)", ("issues_open", "disputes_open", "petitions")),
    ("Self-governance capacity C, public goods", "0-1 scale", ("capacity", "public_good")),
)


def _band(ax, df: pd.DataFrame, col: str, label: str) -> None:
    g = df.groupby("week")[col]
    med, lo, hi = g.median(), g.quantile(0.1), g.quantile(0.9)
    (line,) = ax.plot(med.index, med.values, label=label, lw=1.5)
    if df["seed"].nunique() > 1:
        ax.fill_between(med.index, lo.values, hi.values, color=line.get_color(), alpha=0.2, lw=0)


def summary_figure(weekly: pd.DataFrame, path: str | Path, *, policy_starts=(), title: str = "") -> Path:
    df = weekly[weekly["group"] == "all"]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8), constrained_layout=True)
    for ax, (name, unit, cols) in zip(axes.ravel(), PANELS):
        for c in cols:
            _band(ax, df, c, c.replace("_", " "))
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + 0.12 * (hi - lo))  # headroom for the policy labels, clear of the lines
        for pname, wk in policy_starts:
            ax.axvline(wk, color="k", ls="--", lw=0.8)
            ax.text(wk, ax.get_ylim()[1], f" {pname}", fontsize=7, va="top")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("week")
        ax.set_ylabel(unit, fontsize=8)
        ax.legend(fontsize=7, loc="best", framealpha=0.85)
        ax.grid(alpha=0.3)
    n = df["seed"].nunique()
    how = f"  ({n} seeds; line = median, band = 10-90%)" if n > 1 else ""
    fig.suptitle(f"{title}{how}", fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
