"""Parameter recovery: does the calibration find a truth it did not see?

Simulate a community with known parameter values (on a survey seed the fit
never uses), turn its first year into a synthetic survey — each figure a
binomial sample of size ``n`` from the simulated community, as a real
survey of n households would be — then calibrate the same parameters from
a different starting point and check whether each true value falls inside
its reported 95% interval (Talts et al.'s simulation-based calibration idea
at its simplest: the method must cover truths it is handed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from ..survey import load_survey
from .run import calibrate
from .spec import make_spec

SURVEY_SEED = 777  # the "real" community: a seed neither the fit (9001..) nor the check seeds (1..) use


def synthetic_survey(truth: dict, *, template: str = "mianyang_2019", preset: str | None = None,
                     fixed: dict | None = None, n: int = 279, seed: int = SURVEY_SEED, path: Path) -> Path:
    """Write a survey file whose figures are a size-``n`` sample of a community simulated at ``truth``."""
    from ..model import CommunityModel
    from ..scenarios import make_config

    tpl = load_survey(template)
    preset = preset or tpl.preset
    cfg = make_config(preset, weeks=52 * (tpl.year + 1), seed=seed, overrides={**(fixed or {}), **truth})
    m = CommunityModel(config=cfg, build_space=False).run()
    y = m.yearly_frame()
    row = y[(y["year"] == tpl.year) & (y["group"] == tpl.group)].iloc[0]
    rng = np.random.default_rng([seed, n])
    targets = []
    for t in tpl.targets:
        p = float(np.clip(row[t.column], 0.0, 1.0))
        value = float(rng.binomial(n, p) / n)
        targets.append(dict(column=t.column, value=round(value, 4), kind="equal", n=n,
                            source=f"synthetic: {preset} at the truth, seed {seed}, binomial sample of {n}",
                            definition=t.definition))
    doc = dict(survey=f"recovery_{path.stem}", title=f"Synthetic survey for parameter recovery ({truth})",
               source="cgsim.calibration.recovery", preset=preset, year=tpl.year, group=tpl.group, targets=targets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def recover(truth: dict, out: str | Path, *, template: str = "mianyang_2019", fixed: dict | None = None,
            n: int = 279, seeds: int = 3, max_evals: int = 60, check_seeds: int = 10, workers: int | None = None, progress=None) -> dict:
    """Calibrate ``truth``'s parameters from a synthetic survey; per parameter: truth, estimate, interval, covered."""
    out = Path(out)
    survey = synthetic_survey(truth, template=template, fixed=fixed, n=n, path=out / "synthetic_survey.yaml")
    spec = make_spec(survey, None, list(truth), seeds=seeds, overrides=fixed, stationarity=False,
                     max_evals=max_evals, check_seeds=check_seeds)
    doc = calibrate(spec, out, workers=workers, progress=progress)
    rows = {}
    for name, value in truth.items():
        iv = doc["intervals"][name]
        rows[name] = dict(truth=value, estimate=iv["estimate"], low=iv["low"], high=iv["high"],
                          covered=bool(iv["low"] <= value <= iv["high"]), identification=iv["identification"])
    return dict(params=rows, objective=doc["objective"], evaluations=doc["evaluations"], status=doc["status"],
                start={n_: s for n_, s in zip(spec.params, spec.start)})
