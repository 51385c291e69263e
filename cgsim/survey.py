"""Survey targets as data (``data/surveys/*.yaml``) and their comparison with runs.

A survey file lists figures with their output column (MODEL.md §6 mapping),
value, kind (``equal``, ``at_least``, ``at_most``), sample size ``n`` and
source. The sampling standard error sqrt(p(1-p)/n) sets the tolerance and
the weight of each figure in calibration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, ValidationError, field_validator

from .experiment.outputs import GROUPS, YEARLY_OUTCOMES
from .params import NoCoercion
from .scenarios import ROOT, ConfigError, _closest, read_yaml

SURVEY_DIR = ROOT / "data" / "surveys"


class Target(NoCoercion):
    model_config = ConfigDict(extra="forbid")
    column: str
    value: float = Field(ge=0, le=1)
    kind: Literal["equal", "at_least", "at_most"] = "equal"
    n: int = Field(gt=0)
    source: str
    definition: str = ""  # how the survey asked it (reports quote it); optional
    tolerance: float | None = Field(None, gt=0, le=1)

    @field_validator("column")
    @classmethod
    def _yearly_column(cls, v: str) -> str:
        if v not in YEARLY_OUTCOMES:
            raise ValueError(f"{v!r} is not a numeric column of the yearly table.{_closest(v, YEARLY_OUTCOMES)} "
                             f"Allowed: {', '.join(YEARLY_OUTCOMES)} (docs/OUTPUTS.md)")
        return v

    @property
    def se(self) -> float:
        return float(np.sqrt(max(self.value * (1 - self.value), 0.01 * 0.99) / self.n))

    @property
    def tol(self) -> float:
        """Acceptance band: given, or about two sampling standard errors (MODEL.md §6: ±6 near 0.4)."""
        return self.tolerance if self.tolerance is not None else max(0.025, round(2.0 * self.se, 3))

    def holds(self, x: float) -> bool:
        if self.kind == "at_least":
            return x >= self.value
        if self.kind == "at_most":
            return x <= self.value
        return abs(x - self.value) <= self.tol

    def distance(self, x: float) -> float:
        """Signed miss in standard errors (0 inside a one-sided bound)."""
        d = (x - self.value) / self.se
        if self.kind == "at_least":
            return min(d, 0.0)
        if self.kind == "at_most":
            return max(d, 0.0)
        return d


class Survey(NoCoercion):
    model_config = ConfigDict(extra="forbid")
    survey: str
    title: str
    source: str
    preset: str | None = None  # the neighbourhood surveyed; calibrate --preset gives it otherwise
    year: int = Field(0, ge=0, le=99)  # simulated for year + 1 years: at most 5200 weeks
    group: str = "all"
    targets: list[Target] = Field(min_length=1)

    @field_validator("targets")
    @classmethod
    def _one_target_per_column(cls, v: list) -> list:
        cols = [t.column for t in v]
        twice = sorted({c for c in cols if cols.count(c) > 1})
        if twice:
            raise ValueError(f"column {twice[0]!r} has two targets: each figure may be given once (it would "
                             f"otherwise weigh double in a fit)")
        return v

    @classmethod
    def steady_state(cls, preset: str) -> "Survey":
        """No survey: a steady-state calibration fits a preset to the stationarity moments alone (its status quo
        should not drift by itself), for neighbourhoods nobody surveyed. A survey file needs a target; this
        stand-in has none, so it is built without the file's validation."""
        return cls.model_construct(survey="steady_state", title=f"Status quo of {preset} at rest (no survey)",
                                   source="stationarity moments only (docs/CALIBRATION.md)", preset=preset, year=0,
                                   group="all", targets=[])

    @field_validator("group")
    @classmethod
    def _known_group(cls, v: str) -> str:
        if v not in GROUPS:
            raise ValueError(f"unknown group {v!r}.{_closest(v, GROUPS)} Allowed: {', '.join(GROUPS)}")
        return v


def load_survey(spec: str | Path) -> Survey:
    path = Path(spec)
    if not path.suffix:
        path = SURVEY_DIR / f"{spec}.yaml"
        known = sorted(f.stem for f in SURVEY_DIR.glob("*.yaml"))
        if str(spec) not in known:  # a name; a path to a file needs its .yaml
            raise ConfigError(f"unknown survey {str(spec)!r}.{_closest(str(spec), known)} Allowed: {', '.join(known)} "
                              f"(data/surveys/), or the path of a survey YAML file.")
    data = read_yaml(path, "survey")
    try:
        return Survey(**data)
    except ValidationError as e:
        x = e.errors()[0]
        msg = x["msg"].removeprefix("Value error, ")
        if x["type"] == "extra_forbidden":
            model = Target if x["loc"][0] == "targets" else Survey
            msg = f"unknown key.{_closest(str(x['loc'][-1]), model.model_fields)} Allowed: {', '.join(model.model_fields)}"
        raise ConfigError(f"{path}: '{'.'.join(str(v) for v in x['loc'])}': {msg}.") from None


def simulated_values(survey: Survey, yearly: pd.DataFrame) -> pd.DataFrame:
    """One row per seed (column ``seed``), one column per target column, from yearly tables."""
    sel = yearly[(yearly["year"] == survey.year) & (yearly["group"] == survey.group)]
    cols = [t.column for t in survey.targets]
    return sel[["seed", *cols]].reset_index(drop=True)


def compare(survey: Survey, yearly: pd.DataFrame) -> pd.DataFrame:
    """Target vs simulated mean with a 95% interval over seeds, per figure."""
    return compare_values(survey, simulated_values(survey, yearly))


def compare_values(survey: Survey, sim: pd.DataFrame) -> pd.DataFrame:
    """``compare`` on a table of simulated figures (one row per seed, one column per target column)."""
    rows = []
    k = len(sim)
    for t in survey.targets:
        x = sim[t.column].to_numpy(float)
        mean = float(x.mean())
        half = 1.96 * float(x.std(ddof=1)) / np.sqrt(k) if k > 1 else float("nan")
        op = {"equal": "", "at_least": ">= ", "at_most": "<= "}[t.kind]
        band = f"± {t.tol:.3f}" if t.kind == "equal" else ""
        rows.append(dict(figure=t.column, target=f"{op}{t.value:.3f} {band}".strip(), simulated_mean=mean,
                         ci95_low=mean - half, ci95_high=mean + half, seed_min=float(x.min()),
                         seed_max=float(x.max()), holds=t.holds(mean), source=t.source))
    return pd.DataFrame(rows)
