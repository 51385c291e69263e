"""Sweep and sensitivity configs: factors over model or policy parameters, and their designs.

    name: admin_load_x_leakage
    preset: mianyang_2019
    weeks: 104
    params: {n_households: 600}                  # fixed overrides
    policies: [{name: station_separation}]       # policies in every run (their parameters can be factors)
    replicates: 3                                # seeds per design point, the same at every point (CRN)
    design: {method: full_factorial}             # or {method: lhs, samples: 64, seed: 1}, {method: sobol, ...}
    factors:
      admin_load: [0.5, 0.8, 1.1]                # full factorial: levels, or {low, high, levels: k}
      station_separation.leakage: {low: 0.1, high: 0.5}   # lhs / sobol: bounds ({} = the documented range)
      station_separation.enabled: [false, true]  # full factorial: the policy off or on
    outputs: {outcomes: [...], groups: [all], window: 52, store: [yearly]}

A sensitivity config replaces ``design`` by
``sensitivity: {method: morris | sobol, samples: N, num_levels: 4, second_order: false, seed: 1,
on_failure: drop | impute | error}`` (Morris: N trajectories, N*(D+1) points; Sobol: N base samples,
a power of two, N*(D+2) points, N*(2D+2) with second order).

A factor is a model parameter (``cgsim params``) or ``POLICY.PARAM`` for a
policy in ``policies`` (``cgsim policies NAME``). Bounds and levels are checked
against the parameter's documented range; integer parameters are rounded.
"""

from __future__ import annotations

import itertools
import math
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..params import ModelParams, param_table
from ..scenarios import (ConfigError, ConfigWarning, _check_policies, _closest, _where, late_policies, make_config,
                         read_yaml)
from .config import BASE_KEYS, Base, check_keys, warnings_after_success

SWEEP_KEYS = BASE_KEYS + ("policies", "factors", "design", "sensitivity")
DESIGN_METHODS = ("full_factorial", "lhs", "sobol")
SA_METHODS = ("morris", "sobol")
ON_FAILURE = ("drop", "impute", "error")
DESIGN_KEYS = ("method", "samples", "seed")
SA_KEYS = ("method", "samples", "num_levels", "second_order", "seed", "on_failure")
MAX_POINTS = 1_000_000


@dataclass
class Factor:
    name: str
    type: str                      # int, float, bool, choice
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    levels: list | None = None     # full factorial
    low: float | None = None       # sampled designs
    high: float | None = None
    policy: str | None = None
    param: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "levels": self.levels, "low": self.low, "high": self.high}

    def value(self, x: Any) -> Any:
        """A design value as the Python type the config expects."""
        if self.type == "int":
            return int(round(float(x)))
        if self.type == "float":
            return float(x)
        if self.type == "bool":
            return bool(x)
        return x


def field_info(f) -> tuple[str, float | None, float | None, tuple]:
    ann = f.annotation
    base = ann
    if typing.get_origin(ann) is not typing.Literal:  # int | None -> int
        base = ([a for a in typing.get_args(ann) if a is not type(None)] or [ann])[0]
    lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
    if typing.get_origin(base) is typing.Literal:
        return "choice", None, None, typing.get_args(base)
    return {int: "int", float: "float", bool: "bool"}.get(base, "choice"), lo, hi, ()


def _factor_skeleton(name: str, policies: list[dict], source: str | None, governance: str | None = None) -> Factor:
    where = _where(source)
    if "." not in name:
        if name not in ModelParams.model_fields:
            names = [r["name"] for r in param_table()]
            raise ConfigError(f"{where}'factors.{name}': unknown parameter.{_closest(name, names)} Allowed: a model "
                              f"parameter (`cgsim params`) or POLICY.PARAM for a policy in 'policies'.")
        typ, lo, hi, ch = field_info(ModelParams.model_fields[name])
        return Factor(name, typ, lo, hi, ch, param=name)
    from ..policies import resolve

    pol, par = name.split(".", 1)
    cls = resolve(pol)
    ids = [p["name"] for p in policies]
    if cls is not None and cls.id not in ids and governance:
        from ..scenarios import load_governance

        if cls.id in [resolve(p["name"]).id for p in load_governance(governance).get("policies") or []]:
            raise ConfigError(f"{where}'factors.{name}': {cls.id} comes from governance {governance}, whose policies "
                              f"a factor cannot vary (listing it in 'policies' too would run it twice). To vary it, "
                              f"drop 'governance' and list that model's policies and params in this config.")
    if cls is None or cls.id not in ids:
        raise ConfigError(f"{where}'factors.{name}': {pol!r} is not among this config's policies. Allowed: "
                          f"{', '.join(ids) or '(none: add the policy to policies: first)'}.")
    if par == "enabled":
        return Factor(name, "bool", policy=cls.id, param=par)
    fields = cls.Params.model_fields
    if par not in fields:
        raise ConfigError(f"{where}'factors.{name}': {cls.id} has no parameter {par!r}.{_closest(par, fields)} "
                          f"Allowed: {', '.join(list(fields) + ['enabled'])}.")
    typ, lo, hi, ch = field_info(fields[par])
    return Factor(name, typ, lo, hi, ch, policy=cls.id, param=par)


def _check_value(f: Factor, v: Any, source: str | None) -> None:
    where = _where(source)
    if f.type == "choice":
        if v not in f.choices:
            raise ConfigError(f"{where}'factors.{f.name}': level {v!r}. Allowed: {', '.join(map(str, f.choices))}.")
        return
    if f.type == "bool":
        if not isinstance(v, bool):
            raise ConfigError(f"{where}'factors.{f.name}': level {v!r} must be true or false.")
        return
    rng = f"[{f.lo}, {f.hi}]"
    if isinstance(v, float) and f.type == "int" and math.isfinite(v):  # 2.0 for a count: said, as in a run config
        whole = f" (write {int(v)})" if v.is_integer() else ""
        raise ConfigError(f"{where}'factors.{f.name}' = {v!r}: expected a whole number{whole}. Allowed: int in {rng}.")
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    if not ok or (f.lo is not None and v < f.lo) or (f.hi is not None and v > f.hi):
        raise ConfigError(f"{where}'factors.{f.name}' = {v!r}: must be a {'whole ' if f.type == 'int' else ''}number "
                          f"in {rng}.")


def parse_factor(name: str, raw: Any, policies: list[dict], method: str, source: str | None,
                 governance: str | None = None) -> Factor:
    f = _factor_skeleton(str(name), policies, source, governance)
    where = _where(source)
    key = f"factors.{name}"
    if method == "full_factorial":
        if isinstance(raw, dict) and set(raw) == {"low", "high", "levels"}:
            if f.type not in ("int", "float"):
                raise ConfigError(f"{where}'{key}': {{low, high, levels}} needs a numeric parameter; list the levels.")
            _check_value(f, raw["low"], source)
            _check_value(f, raw["high"], source)
            k = raw["levels"]
            if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= MAX_POINTS:
                raise ConfigError(f"{where}'{key}.levels' = {k!r}: must be a whole number in [2, {MAX_POINTS}].")
            if not raw["low"] < raw["high"]:
                raise ConfigError(f"{where}'{key}': low ({raw['low']}) must be below high ({raw['high']}).")
            vals = [f.value(x) for x in np.linspace(raw["low"], raw["high"], k)]
            f.levels = list(dict.fromkeys(vals))
            if len(f.levels) < k:  # whole-number levels that round together: fewer points than asked
                raise ConfigError(f"{where}'{key}': {k} levels between {raw['low']} and {raw['high']} round to only "
                                  f"{len(f.levels)} distinct whole numbers ({', '.join(map(str, f.levels))}). Ask for "
                                  f"at most {len(f.levels)} levels, or list them.")
        elif isinstance(raw, list) and raw:
            for v in raw:
                _check_value(f, v, source)
            twice = [v for i, v in enumerate(raw) if v in raw[:i]]
            if twice:
                raise ConfigError(f"{where}'{key}' lists level {twice[0]!r} twice: each level is one point of the "
                                  f"design. List it once.")
            f.levels = list(raw)
        else:
            raise ConfigError(f"{where}'{key}': give a list of levels ([0.5, 0.8]) or {{low: , high: , levels: k}}.")
        return f
    if f.type not in ("int", "float"):
        raise ConfigError(f"{where}'{key}': a {f.type} parameter can only be a full-factorial factor; sampled "
                          f"designs ({method}) need numeric parameters.")
    raw = {} if raw is None else raw
    if not isinstance(raw, dict) or not set(raw) <= {"low", "high"}:
        raise ConfigError(f"{where}'{key}': give bounds {{low: , high: }} (or {{}} for the documented range "
                          f"[{f.lo}, {f.hi}]).")
    low, high = raw.get("low", f.lo), raw.get("high", f.hi)
    if low is None or high is None:
        raise ConfigError(f"{where}'{key}': the parameter has no documented bound; give {{low: , high: }}.")
    _check_value(f, low, source)
    _check_value(f, high, source)
    if not low < high:
        raise ConfigError(f"{where}'{key}': low ({low}) must be below high ({high}).")
    f.low, f.high = float(low), float(high)
    return f


def _pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


@dataclass
class SweepSpec(Base):
    """A validated sweep or sensitivity config."""

    policies: list = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    method: str = "full_factorial"
    samples: int | None = None
    design_seed: int = 1
    sensitivity: dict | None = None

    @property
    def kind(self) -> str:
        return "sensitivity" if self.sensitivity else "sweep"

    def problem(self) -> dict:
        """The SALib problem of the sampled factors."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[f.low, f.high] for f in self.factors]}

    def n_points(self) -> int:
        """How many points the design has, counted without making them (a typo in a count must not
        allocate the points before the limit can refuse them)."""
        d = len(self.factors)
        if self.method == "full_factorial":
            return math.prod(len(f.levels) for f in self.factors)
        if self.method == "morris":
            return self.samples * (d + 1)
        if self.method == "sobol" and self.sensitivity:
            return self.samples * (2 * d + 2 if self.sensitivity["second_order"] else d + 2)
        return self.samples

    def raw_points(self) -> np.ndarray | list:
        if self.method == "full_factorial":
            return list(itertools.product(*[f.levels for f in self.factors]))
        d = len(self.factors)
        if self.method == "lhs":
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d, rng=np.random.default_rng(self.design_seed)).random(self.samples)
        elif self.method == "sobol" and not self.sensitivity:
            from scipy.stats import qmc

            u = qmc.Sobol(d, scramble=True, rng=np.random.default_rng(self.design_seed)).random(self.samples)
        elif self.method == "morris":
            from SALib.sample import morris

            return morris.sample(self.problem(), self.samples, num_levels=self.sensitivity["num_levels"],
                                 seed=self.design_seed)
        else:
            from SALib.sample import sobol

            return sobol.sample(self.problem(), self.samples, calc_second_order=self.sensitivity["second_order"],
                                seed=self.design_seed)
        lo = np.array([f.low for f in self.factors])
        hi = np.array([f.high for f in self.factors])
        return lo + u * (hi - lo)

    def points(self) -> pd.DataFrame:
        """One row per design point: ``point`` and a column per factor (values as the runs use them)."""
        raw = self.raw_points()
        rows = [{f.name: f.value(x) for f, x in zip(self.factors, p)} for p in raw]
        df = pd.DataFrame(rows, columns=[f.name for f in self.factors])
        df.insert(0, "point", range(len(df)))
        return df

    def design(self) -> pd.DataFrame:
        pts = self.points()
        reps = pd.DataFrame({"replicate": range(len(self.seeds)), "seed": self.seeds})
        d = pts.merge(reps, how="cross")
        d.insert(0, "run_id", range(len(d)))
        return d[["run_id", "point", "replicate", "seed"] + [f.name for f in self.factors]]

    def job(self, row: dict) -> dict:
        """The run of one design row: factor values into the overrides and policy parameters."""
        overrides = dict(self.params)
        pols = [dict(p) for p in self.policies]
        drop = set()
        for f in self.factors:
            v = f.value(row[f.name])
            if f.policy is None:
                overrides[f.param] = v
            elif f.param == "enabled":
                if not v:
                    drop.add(f.policy)
            else:
                next(p for p in pols if p["name"] == f.policy)[f.param] = v
        return {"preset": self.preset, "governance": self.governance, "weeks": self.weeks,
                "policies": [p for p in pols if p["name"] not in drop], "overrides": overrides,
                "seed": int(row["seed"]), "outputs": self.outputs}

    def spec(self) -> dict:
        return {"kind": self.kind, "name": self.name, **self.base_spec(), "policies": self.policies,
                "factors": [f.to_dict() for f in self.factors], "method": self.method, "samples": self.samples,
                "design_seed": self.design_seed, "sensitivity": self.sensitivity}


def _int(raw: Any, key: str, lo: int, hi: int, source: str | None) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not lo <= raw <= hi:
        raise ConfigError(f"{_where(source)}'{key}' = {raw!r}: must be a whole number in [{lo}, {hi}].")
    return raw


@warnings_after_success
def load_sweep(path: str | Path, require: str | None = None) -> SweepSpec:
    """Read and validate a sweep config (``design:``) or sensitivity config (``sensitivity:``)."""
    from .config import parse_base

    path = Path(path)
    data = read_yaml(path, "sweep config")
    src = str(path)
    where = _where(src)
    if isinstance(data, dict) and "scenarios" in data and "factors" not in data:
        raise ConfigError(f"{where}has 'scenarios': it is a comparison config; run it with `cgsim compare`. A sweep "
                          f"or sensitivity config has 'factors' instead.")
    check_keys(data, SWEEP_KEYS, src)
    if require == "design" and "sensitivity" in data:
        raise ConfigError(f"{where}has a 'sensitivity' block: run it with `cgsim sensitivity` (which computes the "
                          f"indices); `cgsim sweep` takes a 'design' block.")
    if require == "sensitivity" and "sensitivity" not in data:
        raise ConfigError(f"{where}missing key 'sensitivity' ({{method: morris | sobol, samples: N, ...}}); "
                          f"`cgsim sensitivity` needs a sensitivity config.")
    if "design" in data and "sensitivity" in data:
        raise ConfigError(f"{where}give either 'design' (a sweep) or 'sensitivity' (an analysis), not both.")
    base = parse_base(data, src, path.stem)
    policies = _check_policies(data.get("policies"), src)
    with warnings.catch_warnings():  # late fixed policies are an error below (unless a factor moves them)
        warnings.simplefilter("ignore", ConfigWarning)
        make_config(base["preset"], weeks=base["weeks"], governance=base["governance"], policies=policies,
                    overrides=base["params"], source=src)  # e.g. a policy twice in the same weeks
    sens = None
    if "sensitivity" in data:
        raw = data["sensitivity"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}'sensitivity' must be a mapping with keys {', '.join(SA_KEYS)}.")
        check_keys(raw, SA_KEYS, src, "sensitivity.")
        method = raw.get("method")
        if method not in SA_METHODS:
            raise ConfigError(f"{where}'sensitivity.method' = {method!r}. Allowed: {', '.join(SA_METHODS)}.")
        for k, only in (("num_levels", "morris"), ("second_order", "sobol")):
            if k in raw and method != only:  # it would be silently ignored
                raise ConfigError(f"{where}'sensitivity.{k}' applies to method {only} only, not {method}. "
                                  f"Remove it or set 'sensitivity.method: {only}'.")
        samples = _int(raw.get("samples", 10 if method == "morris" else 64), "sensitivity.samples", 2, 100_000, src)
        if method == "sobol" and not _pow2(samples):
            raise ConfigError(f"{where}'sensitivity.samples' = {samples}: Sobol indices need a power of two "
                              f"(e.g. 32, 64, 128) for the sequence's balance.")
        levels = _int(raw.get("num_levels", 4), "sensitivity.num_levels", 2, 100, src)
        if method == "morris" and levels % 2:
            raise ConfigError(f"{where}'sensitivity.num_levels' = {levels}: Morris needs an even number of levels.")
        second = raw.get("second_order", False)
        if not isinstance(second, bool):
            raise ConfigError(f"{where}'sensitivity.second_order' must be true or false.")
        on_failure = raw.get("on_failure", "drop")
        if on_failure not in ON_FAILURE:
            raise ConfigError(f"{where}'sensitivity.on_failure' = {on_failure!r}. Allowed: {', '.join(ON_FAILURE)} "
                              f"(drop: leave out the trajectories / sample blocks with a failed point; impute: use "
                              f"the mean of the other points; error: stop).")
        seed = _int(raw.get("seed", 1), "sensitivity.seed", 0, 2**32 - 1, src)
        sens = {"method": method, "num_levels": levels, "second_order": second, "on_failure": on_failure}
        design_method = method
    else:
        raw = data.get("design", {"method": "full_factorial"})
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}'design' must be a mapping with keys {', '.join(DESIGN_KEYS)}.")
        check_keys(raw, DESIGN_KEYS, src, "design.")
        design_method = raw.get("method", "full_factorial")
        if design_method not in DESIGN_METHODS:
            raise ConfigError(f"{where}'design.method' = {design_method!r}. Allowed: {', '.join(DESIGN_METHODS)} "
                              f"(Morris and Sobol indices: `cgsim sensitivity` with a 'sensitivity:' block).")
        samples = None
        if design_method != "full_factorial":
            if "samples" not in raw:
                raise ConfigError(f"{where}'design.samples' is needed for {design_method}: the number of points.")
            samples = _int(raw["samples"], "design.samples", 1, MAX_POINTS, src)
            if design_method == "sobol" and not _pow2(samples):
                raise ConfigError(f"{where}'design.samples' = {samples}: a Sobol design needs a power of two "
                                  f"(e.g. 64, 128, 256).")
        elif "samples" in raw:
            raise ConfigError(f"{where}'design.samples' does not apply to full_factorial (the levels set the points).")
        seed = _int(raw.get("seed", 1), "design.seed", 0, 2**32 - 1, src)
    factors_raw = data.get("factors")
    if not isinstance(factors_raw, dict) or not factors_raw:
        raise ConfigError(f"{where}'factors' must be a mapping of parameter names to levels or bounds "
                          f"(e.g. admin_load: [0.5, 0.8] or admin_load: {{low: 0.5, high: 1.0}}).")
    factors = [parse_factor(n, r, policies, design_method, src, base["governance"]) for n, r in factors_raw.items()]
    for f in factors:  # a value given twice: the factor would silently win over the fixed one
        if f.policy is None and f.param in base["params"]:
            raise ConfigError(f"{where}'factors.{f.name}' is also fixed in 'params' ({f.param}: "
                              f"{base['params'][f.param]!r}): the factor would override it. Remove one of the two.")
        if f.policy is not None:
            specs = [p for p in policies if p["name"] == f.policy]
            if len(specs) > 1:
                raise ConfigError(f"{where}'factors.{f.name}': {f.policy} is in 'policies' {len(specs)} times, so "
                                  f"the factor cannot say which entry it varies. Keep one entry.")
            if f.param in specs[0]:
                raise ConfigError(f"{where}'factors.{f.name}' is also fixed in 'policies' ({f.policy}: {f.param}: "
                                  f"{specs[0][f.param]!r}): the factor would override it. Remove one of the two.")
    weeks = base["weeks"]
    for f in factors:  # a start week past the horizon makes a point whose policy never acts
        if f.policy is not None and f.param == "start_week":
            top = max(f.levels) if f.levels is not None else f.high
            if top >= weeks:
                raise ConfigError(f"{where}'factors.{f.name}' reaches week {top:g}, but the runs have {weeks} weeks "
                                  f"(0-{weeks - 1}): points starting later would not act. Keep it below {weeks}.")
    late = late_policies(policies, weeks)
    if late and not any(f.policy == late[0][1] and f.param == "start_week" for f in factors):
        i, pid, start = late[0]
        raise ConfigError(f"{where}'policies[{i}]' ({pid}) starts at week {start}, after the runs' {weeks} weeks: it "
                          f"would never act. Start it before week {weeks} or raise 'weeks'.")
    spec = SweepSpec(**base, policies=policies, factors=factors, method=design_method, samples=samples,
                     design_seed=seed, sensitivity=sens)
    n = spec.n_points()
    if n * len(spec.seeds) > MAX_POINTS:
        raise ConfigError(f"{where}the design has {n} points x {len(spec.seeds)} replicates = "
                          f"{n * len(spec.seeds)} runs, above the limit of {MAX_POINTS}.")
    return spec
