"""What a calibration fits: survey (or none: steady state), preset, free parameters and search settings,
validated.

Free parameters must be numeric model parameters with a schema range
(``cgsim params``); the search works in each parameter's range scaled to
[0, 1], so a step of 0.02 is 2% of the plausible range whatever the unit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..params import ModelParams, param_table
from ..scenarios import NO_CALIBRATION, ROOT, ConfigError, _closest, calibrated_params, load_preset, validate_params
from ..survey import SURVEY_DIR, Survey, load_survey

#: fit seeds are distinct from the seeds analysts report (1, 2, ...) so fit and check do not share luck
FIT_SEED_BASE = 9001
#: stationarity pseudo-moments: the status quo should not drift over its first year by itself (shares of
#: residents and C in absolute terms; the social network's tie count relative to its start, 0.005 = 0.5%)
STATIONARITY = (("wait_and_see", 0.01), ("active", 0.01), ("aware", 0.01), ("capacity", 0.02), ("ties", 0.005))


@dataclass
class CalibrationSpec:
    survey_file: str                      # "" for a steady-state calibration (no survey)
    preset: str
    params: list[str]
    lo: list[float]
    hi: list[float]
    start: list[float]
    seeds: list[int]
    calibration: str | None = None        # calibrated set the other parameters come from (None: the preset's)
    overrides: dict = field(default_factory=dict)
    weeks: int = 52
    stationarity: bool = True
    step: float = 0.02                    # finite-difference step, share of each parameter's range
    max_evals: int = 300
    check_seeds: list[int] = field(default_factory=lambda: list(range(1, 11)))
    survey_text: str = ""                 # the survey file's content, part of the fingerprint

    @property
    def steady_state(self) -> bool:
        """No survey: the stationarity moments only (``--steady-state``)."""
        return not self.survey_file

    @property
    def survey(self) -> Survey:
        if self.steady_state:
            return Survey.steady_state(self.preset)
        path = Path(self.survey_file)
        if not path.is_absolute() and not path.is_file():
            path = ROOT / path  # stored relative to the project
        return load_survey(path)

    def fingerprint(self) -> str:
        """Hash of what the evaluations depend on (not the budget, check seeds, or the start point: a resumed
        search keeps the start it began from, even after ``--save`` changed the preset's values)."""
        d = asdict(self)
        for k in ("max_evals", "check_seeds", "survey_file", "start"):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _float_params() -> dict[str, dict]:
    return {r["name"]: r for r in param_table() if r["lo"] is not None and r["hi"] is not None
            and r["type"] == "float"}


def make_spec(survey: str | Path | None, preset: str | None, params: list[str] | str, *, seeds: int = 4,
              calibration: str | None = None, overrides: dict | None = None, stationarity: bool = True,
              step: float = 0.02, max_evals: int = 300, check_seeds: int = 10, weeks: int = 52,
              start_from: str | None = None) -> CalibrationSpec:
    """Validate the pieces of a calibration; every mistake is a ``ConfigError`` naming what is allowed.

    ``survey=None`` asks for a steady-state calibration: no survey figures, only the stationarity moments,
    so the chosen parameters (typically the initial state) make the preset's status quo hold still by itself."""
    if survey is None:
        if not preset:
            raise ConfigError("--steady-state: name the neighbourhood to bring to rest with --preset NAME "
                              "(see `cgsim presets`).")
        if not stationarity:
            raise ConfigError("--no-stationarity: a steady-state calibration has no survey, so the stationarity "
                              "moments are all it fits; drop --no-stationarity or give --survey.")
        load_preset(preset, "--preset")
        sv, path = Survey.steady_state(preset), None
        preset_source = "--preset"
    else:
        sv = load_survey(survey)
        path = Path(survey) if Path(str(survey)).suffix else SURVEY_DIR / f"{survey}.yaml"
        preset_source = "--preset" if preset else f"{path}: preset"
        preset = preset or sv.preset
        if preset is None:
            raise ConfigError(f"{path}: names no 'preset' (the neighbourhood surveyed): add `preset: NAME` to the "
                              f"file or pass --preset NAME (see `cgsim presets`).")
    if isinstance(params, str):
        params = [p.strip() for p in params.split(",") if p.strip()]
    if not params:
        raise ConfigError("--params: name at least one parameter to fit (see `cgsim params`).")
    allowed = _float_params()
    for name in params:
        if name not in allowed:
            raise ConfigError(f"--params: '{name}' is not a continuous model parameter with a range."
                              f"{_closest(name, allowed)} Allowed: see `cgsim params` (docs/PARAMETERS.md).")
    if len(set(params)) != len(params):
        raise ConfigError("--params: a parameter is named twice.")
    overrides = dict(overrides or {})
    clash = sorted(set(params) & set(overrides))
    if clash:
        raise ConfigError(f"--set {clash[0]}: a fitted parameter cannot also be fixed.")
    if seeds < 1 or seeds > 64:
        raise ConfigError(f"--seeds {seeds}: must be between 1 and 64.")
    if not 0.001 <= step <= 0.2:
        raise ConfigError(f"--step {step}: must be in [0.001, 0.2] (share of each parameter's range).")
    if not 0 <= check_seeds <= 1000:
        raise ConfigError(f"--check-seeds {check_seeds}: must be between 0 and 1000 (0: check the fit on the fit "
                          f"seeds only).")
    if max_evals < 1:
        raise ConfigError(f"--max-evals {max_evals}: must be at least 1.")
    if calibration is not None:
        load_preset(preset, preset_source)  # a preset typo is named as such, before the calibration is looked up
    values, _ = load_preset(preset, "--calibration" if calibration is not None else preset_source, calibration)
    values.update(overrides)
    defaults = validate_params(values, "--set", allowed_extra=()).model_dump()
    lo = [float(allowed[n]["lo"]) for n in params]
    hi = [float(allowed[n]["hi"]) for n in params]
    # the search starts from the values the fitted parameters have (``start_from``: those of a calibrated set,
    # e.g. the previous fit of the same survey, where it has them: a warm start after the model changed)
    warm = calibrated_params(start_from, "--start-from") if start_from is not None else {}
    start = [min(max(float(warm.get(n, defaults[n])), a), b) for n, a, b in zip(params, lo, hi)]
    _check_range_fits(params, lo, hi, {**defaults, **dict(zip(params, start))})
    if path is None:
        stored = ""
    else:
        try:
            stored = str(path.resolve().relative_to(ROOT.resolve()))  # no machine paths in shipped logs
        except ValueError:
            stored = str(path)
    return CalibrationSpec(
        survey_file=stored, preset=preset, params=list(params), lo=lo, hi=hi, start=start,
        seeds=list(range(FIT_SEED_BASE, FIT_SEED_BASE + seeds)), calibration=calibration, overrides=overrides,
        weeks=max(weeks, 52 * (sv.year + 1)), stationarity=stationarity, step=step, max_evals=max_evals,
        check_seeds=list(range(1, check_seeds + 1)),
        survey_text=path.read_text(encoding="utf-8") if path is not None else "")


def _valid(values: dict) -> str | None:
    from pydantic import ValidationError

    try:
        ModelParams(**values)
    except ValidationError as e:
        return e.errors()[0]["msg"].removeprefix("Value error, ")
    return None


def _check_range_fits(params: list[str], lo: list[float], hi: list[float], at: dict) -> None:
    """Each fitted parameter's range is searched in full: if an end of it cannot go with the other values
    (``--set``, the preset), whatever the other fitted parameters do at their ends, the search would stop
    half-way on an invalid point; say so before it starts."""
    for n, a, b in zip(params, lo, hi):
        for end in (a, b):
            msg = _valid({**at, n: end})
            if msg is None:
                continue
            moves = [{**at, n: end, m: x} for m, c, d in zip(params, lo, hi) if m != n for x in (c, d)]
            if not any(_valid(v) is None for v in moves):
                raise ConfigError(f"--params {n}: its range [{a:g}, {b:g}] is searched in full, but {n} = {end:g} "
                                  f"cannot go with the other values ({msg}), so the search would stop half-way. "
                                  f"Change the value it clashes with (--set, --preset, --calibration), or fit "
                                  f"another parameter.")


__all__ = ["CalibrationSpec", "make_spec", "STATIONARITY", "FIT_SEED_BASE", "NO_CALIBRATION"]
