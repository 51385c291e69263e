"""Run configurations: YAML or keywords → validated ``RunConfig``; preset lookup.

A run config is ``{preset: NAME, governance: NAME, weeks: W, seed: N,
policies: [{name: ID, start_week: K, ...}], ...parameter overrides}``.
Parameters merge in this order: schema defaults ← the calibrated set the
neighbourhood preset names (``data/calibrated/``, written by ``cgsim
calibrate``; ``calibration: NAME`` in a run config picks another, ``none``
none) ← the neighbourhood preset
(``configs/neighbourhoods/``) ← the governance preset
(``configs/governance/``) ← the config's own overrides. Every problem
(unknown key, wrong type, out-of-range value, unknown preset or policy,
missing or malformed file) raises ``ConfigError`` with one message that
names the file, the key and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .params import PARAM_NAMES, ModelParams, param_table

ROOT = Path(os.environ.get("CGSIM_HOME", Path(__file__).resolve().parents[1]))
CONFIG_DIR = ROOT / "configs"
NEIGHBOURHOODS = CONFIG_DIR / "neighbourhoods"
GOVERNANCE = CONFIG_DIR / "governance"
CALIBRATED = ROOT / "data" / "calibrated"
RUN_KEYS = ("preset", "calibration", "governance", "weeks", "seed", "policies", "name", "description")
#: ``calibration: none`` runs a preset on schema defaults (no calibrated set)
NO_CALIBRATION = "none"
DEFAULT_WEEKS = 156
#: the longest run a config may ask for (100 years), and the largest seed (stored as int64 in the tables)
MAX_WEEKS = 5200
MAX_SEED = 2**63 - 1


class ConfigError(Exception):
    """A configuration problem, phrased for the person who wrote the config."""


def _where(source: str | None) -> str:
    return f"{source}: " if source else ""


def _closest(word: str, options) -> str:
    near = difflib.get_close_matches(str(word), list(options), n=3, cutoff=0.6)
    return f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice in one mapping is an error: PyYAML would keep
    the last value silently, so a config that sets ``weeks`` twice would run with one of them unnoticed."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base`: merged keys may be overridden, as YAML says
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} appears twice in one mapping (first at line {seen[key]})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: PyYAML reports it
                break
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        """YAML 1.1 reads ``010`` as 8 (octal) and ``1:00`` as 60 (base 60); nobody writing a config means
        that, so such numbers are errors rather than a silently different value."""
        text = self.construct_scalar(node).replace("_", "")
        digits = text.lstrip("+-")
        if ":" in text or (len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()):
            raise yaml.constructor.ConstructorError(
                None, None, f"the number {text!r} is ambiguous (YAML 1.1 reads it as octal or base 60): write it "
                f"without leading zeros or colons, or quote it if you meant text", node.start_mark)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node)
        if ":" in text:
            raise yaml.constructor.ConstructorError(
                None, None, f"the number {text!r} is ambiguous (YAML 1.1 reads it in base 60): write it as a plain "
                f"decimal, or quote it if you meant text", node.start_mark)
        return super().construct_yaml_float(node)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _UniqueKeyLoader.construct_yaml_int)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:float", _UniqueKeyLoader.construct_yaml_float)
# YAML 1.1 reads `1e-3`, `1.0e0` and `+.5` as text and `0o17` as nothing; YAML 1.2 (and JSON, and Python) read
# them as numbers, which is what anyone writing them means
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))
_UniqueKeyLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?0o[0-7]+$"), list("-+0"))


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full-width forms
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def one_line(text: str) -> str:
    """A YAML block of text as one line: runs of white space become one space, none between two Chinese
    characters (a line break inside Chinese text is not a word break)."""
    return _CJK_GAP.sub("", " ".join(str(text).split()))


def read_yaml(path: Path, what: str = "config") -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: {what} file not found.")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{at}: {getattr(e, 'problem', e)}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file.") from None
    if data is None:  # an empty file (or only comments) is far more often a slip than a wish for the defaults
        raise ConfigError(f"{path}: the {what} file is empty (or holds only comments). Write at least one key, "
                          f"e.g. 'preset: mianyang_2019'; '{{}}' asks for every default on purpose.")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values at the top level, got "
                          f"{type(data).__name__}.")
    _check_keys(data, path)
    return data


def _check_keys(node: Any, path: Path, where: str = "") -> None:
    """Every mapping key in a config is a name: YAML also allows numbers, null and booleans as keys
    (``1: 2``, ``null: x``, ``yes: 3``), which no cgsim key is, and which would otherwise surface deep in
    the code as a type error."""
    if isinstance(node, dict):
        for k, v in node.items():
            if not isinstance(k, str):
                at = f" under '{where}'" if where else ""
                kind = ("null" if k is None else "a boolean" if isinstance(k, bool) else
                        "a number" if isinstance(k, (int, float)) else f"a {type(k).__name__}")
                raise ConfigError(f"{path}: key {k!r}{at} is {kind}, not a name. Keys are words such as 'preset', "
                                  f"'weeks' or a parameter name (quote it if you meant text).")
            _check_keys(v, path, f"{where}.{k}" if where else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_keys(v, path, f"{where}[{i}]")


def preset_names() -> list[str]:
    return sorted(f.stem for f in NEIGHBOURHOODS.glob("*.yaml"))


def governance_names() -> list[str]:
    return sorted(f.stem for f in GOVERNANCE.glob("*.yaml")) if GOVERNANCE.is_dir() else []


def describe_param_error(err: dict, source: str | None, origin: str = "", allowed_extra=RUN_KEYS) -> str:
    """One readable line for one pydantic error about a model parameter. ``allowed_extra``: the keys besides
    model parameters that the place being checked takes (a run config's; none in a preset's ``params``)."""
    key = ".".join(str(x) for x in err["loc"])
    typ = err["type"]
    where = _where(source)
    if not key:  # a check across parameters
        return f"{where}{err['msg'].removeprefix('Value error, ')}{origin}."
    if typ == "extra_forbidden":
        if key in RUN_KEYS and key not in allowed_extra:
            return (f"{where}'{key}'{origin} is a run setting, not a model parameter, and cannot be set here "
                    f"(only the parameters listed by `cgsim params` can).")
        if key in RUN_KEYS:  # a top-level key that reached the parameters: written one level too deep
            return (f"{where}'{key}'{origin} is a top-level key of the config, not a model parameter: write it at "
                    f"the top level, not under 'params'.")
        extra = f"{', '.join(allowed_extra)} and " if allowed_extra else ""
        return (f"{where}unknown key '{key}'{origin}.{_closest(key, list(PARAM_NAMES) + list(allowed_extra))} "
                f"Allowed: {extra}the model parameters listed by `cgsim params` (docs/PARAMETERS.md).")
    row = next((r for r in param_table() if r["name"] == key), None)
    allowed = ""
    if row is not None:
        choices = typing.get_args(ModelParams.model_fields[key].annotation)
        if typing.get_origin(ModelParams.model_fields[key].annotation) is typing.Literal:
            allowed = f" Allowed: {', '.join(map(str, choices))}."
        elif row["lo"] is not None or row["hi"] is not None:
            allowed = f" Allowed: {row['type']} in [{row['lo']}, {row['hi']}] ({row['unit']})."
        else:
            allowed = f" Allowed: {row['type']}."
    return f"{where}'{key}'{origin} = {err.get('input')!r}: {err['msg'].removeprefix('Value error, ')}.{allowed}"


def validate_params(values: dict, source: str | None, origin: str = "", allowed_extra=RUN_KEYS) -> ModelParams:
    try:
        return ModelParams(**values)
    except ValidationError as e:
        raise ConfigError("\n".join(describe_param_error(x, source, origin, allowed_extra)
                                     for x in e.errors())) from None


def calibration_names() -> list[str]:
    return sorted(f.stem for f in CALIBRATED.glob("*.yaml")) if CALIBRATED.is_dir() else []


def calibrated_params(name: str, source: str | None = None, _seen: tuple = ()) -> dict:
    """The parameter set ``data/calibrated/<name>.yaml``, on top of the set it ``inherits`` (if any)."""
    if name in (None, NO_CALIBRATION):
        return {}
    f = CALIBRATED / f"{name}.yaml"
    if not isinstance(name, str) or name not in calibration_names():  # a name, not a path to any YAML file
        raise ConfigError(f"{_where(source)}unknown calibration {name!r}.{_closest(name, calibration_names())} "
                          f"Allowed: {', '.join(calibration_names() + [NO_CALIBRATION])} (files in data/calibrated/).")
    if name in _seen:
        raise ConfigError(f"{f}: 'inherits' forms a cycle ({' -> '.join(_seen + (name,))}).")
    data = read_yaml(f, "calibrated parameter")
    params = _params_mapping(data, f)
    base = calibrated_params(data["inherits"], str(f), _seen + (name,)) if data.get("inherits") else {}
    validate_params({**base, **params}, str(f), allowed_extra=())  # a mistake here is this file's, not the preset's
    return {**base, **params}


def _params_mapping(data: dict, f: Path) -> dict:
    params = {} if data.get("params") is None else data["params"]  # `params: []` is a mistake, not "none"
    if not isinstance(params, dict):
        raise ConfigError(f"{f}: 'params' must be a mapping of parameter names to values (see `cgsim params`), got "
                          f"{type(params).__name__}.")
    return params


def load_preset(name: str, source: str | None = None, calibration: str | None = None) -> tuple[dict, dict]:
    """(parameter values, preset metadata) for a neighbourhood preset, calibrated set included.

    ``calibration`` replaces the calibrated set the preset names (``"none"``: schema defaults);
    out-of-sample validation runs one survey's preset on another survey's calibration.
    """
    f = NEIGHBOURHOODS / f"{name}.yaml"
    if not isinstance(name, str) or name not in preset_names():
        hint = (f" '{name}' is a governance model: give it as `governance: {name}` beside a neighbourhood `preset:` "
                f"in a config file (or CommunityModel(governance=...))." if name in governance_names() else "")
        raise ConfigError(f"{_where(source)}unknown preset {name!r}.{hint}{_closest(name, preset_names())} "
                          f"Allowed: {', '.join(preset_names())}.")
    data = read_yaml(f, "preset")
    unknown = set(data) - {"description", "source", "calibration", "params"}
    if unknown:
        raise ConfigError(f"{f}: unknown key '{sorted(unknown)[0]}'. Allowed: description, source, calibration, "
                          f"params.")
    cal = calibration if calibration is not None else data.get("calibration")
    values = dict(calibrated_params(cal, source if calibration is not None else str(f)))
    values.update(_params_mapping(data, f))
    validate_params(values, str(f), allowed_extra=())
    return values, data


def load_governance(name: str, source: str | None = None) -> dict:
    f = GOVERNANCE / f"{name}.yaml"
    if not isinstance(name, str) or name not in governance_names():
        raise ConfigError(f"{_where(source)}unknown governance model {name!r}."
                          f"{_closest(name, governance_names())} Allowed: {', '.join(governance_names())}.")
    data = read_yaml(f, "governance preset")
    unknown = set(data) - {"description", "source", "policies", "params"}
    if unknown:
        raise ConfigError(f"{f}: unknown key '{sorted(unknown)[0]}'. Allowed: description, source, policies, params.")
    _params_mapping(data, f)
    return data


@dataclass
class RunConfig:
    """A validated run configuration."""

    preset: str
    params: ModelParams
    weeks: int = DEFAULT_WEEKS
    seed: int | None = None
    governance: str | None = None
    policies: list[dict] = field(default_factory=list)
    overrides: dict = field(default_factory=dict)
    source: str | None = None
    name: str | None = None
    calibration: str | None = None  # None: the preset's own calibrated set

    def build_policies(self) -> list:
        from .policies import resolve

        out = []
        for spec in self.policies:
            spec = dict(spec)
            cls = resolve(spec.pop("name"))
            out.append(cls(**spec))
        return out

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"preset": self.preset, "weeks": self.weeks, "seed": self.seed}
        if self.calibration is not None:
            d["calibration"] = self.calibration
        if self.governance:
            d["governance"] = self.governance
        d["policies"] = [dict(x) for x in self.policies]
        d.update(self.overrides)
        return d

    def config_hash(self) -> str:
        """Hash of everything that determines the result except the seed."""
        d = {"weeks": self.weeks, "policies": self.policies, "params": self.params.model_dump()}
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _check_policies(specs: Any, source: str | None) -> list[dict]:
    from pydantic import ValidationError as VE

    from .policies import allowed_names, resolve

    if specs is None:
        return []
    if not isinstance(specs, list):
        raise ConfigError(f"{_where(source)}'policies' must be a list of {{name: ID, ...}} entries.")
    out = []
    for i, spec in enumerate(specs):
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict) or "name" not in spec:
            raise ConfigError(f"{_where(source)}policies[{i}] must be a mapping with a 'name' key "
                              f"(e.g. {{name: station_separation, start_week: 26}}).")
        if not isinstance(spec["name"], str):
            raise ConfigError(f"{_where(source)}policies[{i}]: 'name' = {spec['name']!r}: must be one policy id. "
                              f"Allowed: {', '.join(allowed_names())}.")
        cls = resolve(spec["name"])
        if cls is None:
            raise ConfigError(f"{_where(source)}policies[{i}]: unknown policy {spec['name']!r}."
                              f"{_closest(spec['name'], allowed_names())} Allowed: {', '.join(allowed_names())}.")
        kwargs = {k: v for k, v in spec.items() if k != "name"}
        try:
            cls.Params(**kwargs)
        except VE as e:
            msgs = []
            for x in e.errors():
                key = ".".join(str(v) for v in x["loc"])
                if x["type"] == "extra_forbidden":
                    allowed = ", ".join(cls.Params.model_fields)
                    msgs.append(f"{_where(source)}policies[{i}] ({cls.id}): unknown key '{key}'."
                                f"{_closest(key, cls.Params.model_fields)} Allowed: {allowed}.")
                elif not key:  # a check across parameters
                    msgs.append(f"{_where(source)}policies[{i}] ({cls.id}): {x['msg'].removeprefix('Value error, ')}.")
                else:
                    f = cls.Params.model_fields.get(key)
                    rng = ""
                    if f is not None:
                        lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
                        hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
                        rng = f" Allowed: [{lo}, {hi}]." if lo is not None or hi is not None else ""
                    msgs.append(f"{_where(source)}policies[{i}] ({cls.id}): '{key}' = {x.get('input')!r}: "
                                f"{x['msg'].removeprefix('Value error, ')}.{rng}")
            raise ConfigError("\n".join(msgs)) from None
        out.append({"name": cls.id, **kwargs})
    return out


def _check_int(value: Any, key: str, lo: int, hi: int, source: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{_where(source)}'{key}' = {value!r}: must be a whole number in [{lo}, {hi}].")
    return value


class ConfigWarning(UserWarning):
    """A valid config that probably does not do what its author meant."""


def late_policies(specs: list[dict], weeks: int) -> list[tuple[int, str, int]]:
    """(index, policy id, start week) of the policies that start after a ``weeks``-week run has ended."""
    return [(i, spec["name"], _period(spec)[0]) for i, spec in enumerate(specs) if _period(spec)[0] >= weeks]


def _warn_late_policies(specs: list[dict], weeks: int, source: str, what: str = "policies") -> None:
    """A policy whose start week lies beyond the horizon never acts: legal (a quick ``--weeks 3`` check of a
    long config), but said, not silent."""
    import warnings

    for i, name, start in late_policies(specs, weeks):
        warnings.warn(f"{source}: {what}[{i}] ({name}) starts at week {start}, after the run's {weeks} weeks "
                      f"(0-{weeks - 1}): it will not act in this run.", ConfigWarning, stacklevel=3)


def _period(spec: dict) -> tuple[int, float]:
    """[start, end) weeks of a checked policy entry (end = inf when it runs to the end)."""
    from .policies import resolve

    fields = resolve(spec["name"]).Params.model_fields
    start = spec.get("start_week", fields["start_week"].default)
    end = spec.get("end_week", fields["end_week"].default)
    return start, math.inf if end is None else end


def _check_twice(gov_policies: list[dict], own: list[dict], governance: str | None, source: str | None,
                 own_where: list[str] | None = None) -> None:
    """The same policy twice in overlapping weeks would act twice (two funds, two transfers of load), which
    no source describes; successive periods of one policy (``end_week`` before the next ``start_week``) are
    fine. ``own_where`` names where each of ``own`` is written (default ``policies[i]``)."""
    entries = [(f"governance {governance}: policies[{i}]", s) for i, s in enumerate(gov_policies)]
    where = own_where or [f"policies[{i}]" for i in range(len(own))]
    check_overlaps(entries + list(zip(where, own)), source)


def check_overlaps(entries: list[tuple[str, dict]], source: str | None) -> None:
    """``entries``: (where it is written, checked policy entry); see ``_check_twice``."""
    from .policies import resolve

    for j, (where_j, sj) in enumerate(entries):
        cls = resolve(sj["name"])
        if cls is not None and cls.one_off:
            continue
        a0, a1 = _period(sj)
        for where_i, si in entries[:j]:
            b0, b1 = _period(si)
            if si["name"] == sj["name"] and a0 < b1 and b0 < a1:
                raise ConfigError(f"{_where(source)}{where_j} ({sj['name']}, from week {a0}) overlaps {where_i} "
                                  f"(the same policy, from week {b0}): it would act twice in the same weeks. Give "
                                  f"it once, or end one (end_week) before the other starts.")


def make_config(preset: str = "mianyang_2019", *, policies: Any = None, weeks: int | None = None,
                seed: Any = None, governance: str | None = None, overrides: dict | None = None,
                source: str | None = None, name: str | None = None, calibration: str | None = None,
                policies_where: list[str] | None = None) -> RunConfig:
    """A validated run config. ``policies_where`` names where each of ``policies`` is written, for messages
    about them (a district merges its district-wide policies with a community's own)."""
    overrides = dict(overrides or {})
    values, _ = load_preset(preset, source, calibration)
    gov_policies: list = []
    if governance is not None and not (isinstance(governance, str) and governance):
        raise ConfigError(f"{_where(source)}'governance' = {governance!r}: must be a governance model's name "
                          f"(leave the key out for none). Allowed: {', '.join(governance_names())}.")
    if governance:
        gov = load_governance(governance, source)
        gsrc = str(GOVERNANCE / f"{governance}.yaml")
        gov_params = _params_mapping(gov, gsrc)
        validate_params({**values, **gov_params}, gsrc, allowed_extra=())
        values.update(gov_params)
        gov_policies = _check_policies(gov.get("policies"), gsrc)
    values.update(overrides)
    params = validate_params(values, source)
    weeks = DEFAULT_WEEKS if weeks is None else _check_int(weeks, "weeks", 1, MAX_WEEKS, source)
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool)):
        if hasattr(seed, "integers"):  # a numpy Generator handed over by a caller
            seed = int(seed.integers(2**31 - 1))
        else:
            raise ConfigError(f"{_where(source)}'seed' = {seed!r}: must be a whole number in [0, {MAX_SEED}].")
    if seed is not None:
        seed = _check_int(seed, "seed", 0, MAX_SEED, source)
    own = _check_policies(policies, source)
    _check_twice(gov_policies, own, governance, source, policies_where)  # before any warning: one message
    if source is not None:
        _warn_late_policies(own, weeks, source)
        if governance:
            _warn_late_policies(gov_policies, weeks, f"{source}: governance {governance}", "policies")
    pols = gov_policies + own
    return RunConfig(preset=preset, params=params, weeks=weeks, seed=seed, governance=governance, policies=pols,
                     overrides=overrides, source=source, name=name, calibration=calibration)


def load_config(spec: str | os.PathLike, *, seed: int | None = None, weeks: int | None = None) -> RunConfig:
    """A preset name or a YAML run-config file → ``RunConfig``; ``seed``/``weeks`` override the file."""
    spec_s = str(spec)
    path = Path(spec_s)
    if not (spec_s.endswith((".yaml", ".yml")) or path.is_file()):
        return make_config(spec_s, seed=seed, weeks=weeks, source=None)
    data = read_yaml(path)
    src = str(path)
    preset = data.pop("preset", "mianyang_2019")
    governance = data.pop("governance", None)
    calibration = data.pop("calibration", None)
    policies = data.pop("policies", None)
    fweeks = data.pop("weeks", None)
    fseed = data.pop("seed", None)
    name = data.pop("name", None)
    desc = data.pop("description", None)
    for key, v in (("name", name), ("description", desc)):
        if v is not None and not (isinstance(v, str) and (v.strip() or key == "description")):
            raise ConfigError(f"{src}: '{key}' = {v!r}: must be a{' non-empty' if key == 'name' else ''} text "
                              f"string.")
    if not isinstance(preset, str):
        raise ConfigError(f"{src}: 'preset' must be a preset name. Allowed: {', '.join(preset_names())}.")
    return make_config(preset, policies=policies, weeks=weeks if weeks is not None else fweeks,
                       seed=seed if seed is not None else fseed, governance=governance, overrides=data,
                       source=src, name=name or path.stem, calibration=calibration)
