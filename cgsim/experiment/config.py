"""Experiment configs (``configs/experiments/*.yaml``): scenarios compared on paired replicates.

    name: status_quo_vs_three_policies     # optional; default the file name
    title: {en: ..., zh: ...}              # optional; a string is used for both languages
    description: {en: ..., zh: ...}        # optional; likewise
    preset: mianyang_2019                  # neighbourhood preset
    governance: status_quo                 # optional governance preset (its policies apply to every scenario)
    weeks: 156                             # horizon after burn-in
    params: {admin_load: 0.8}              # optional overrides shared by every scenario
    replicates: 20                         # seeds 1..20, or an explicit list [3, 17, 42]
    baseline: status_quo                   # optional; default the first scenario
    scenarios:                             # a mapping (or a list of {name: ...}), in report order
      status_quo: {label: {en: Status quo, zh: 现状}}
      station_separation:
        label: {en: Station separation, zh: 居站分设}
        governance: ...                    # optional, replaces the shared one
        policies: [{name: 居站分设, start_week: 26}]
        params: {...}                      # optional overrides of this scenario
    outputs: {outcomes: [...], groups: [all, migrant], window: 52, store: [weekly, yearly]}
    language: en                           # report language (zh or en); --lang overrides

Every scenario runs on every seed (common random numbers), so scenario
differences are paired. Every mistake raises ``ConfigError`` naming the file,
the key and what is allowed; each scenario is validated like a run config.
"""

from __future__ import annotations

import functools
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scenarios import (DEFAULT_WEEKS, MAX_WEEKS, ConfigError, ConfigWarning, _check_int, _closest, _where,
                         late_policies, load_preset, make_config, one_line, preset_names, read_yaml)
from .outputs import Outputs, parse_outputs

LANGS = ("en", "zh")
BASE_KEYS = ("name", "title", "description", "preset", "governance", "weeks", "params", "replicates", "outputs",
             "language")
EXPERIMENT_KEYS = BASE_KEYS + ("baseline", "scenarios")
SCENARIO_KEYS = ("name", "label", "description", "governance", "policies", "params")
MAX_SEED = 2**32 - 1


def spec_hash(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()[:16]


def check_keys(data: dict, allowed, source: str | None, prefix: str = "") -> None:
    for k in data:
        if k not in allowed:
            raise ConfigError(f"{_where(source)}unknown key '{prefix}{k}'.{_closest(str(k), allowed)} "
                              f"Allowed: {', '.join(allowed)}.")


def parse_label(raw: Any, default_en: str, default_zh: str, source: str | None, key: str) -> dict[str, str]:
    if raw is None:
        return {"en": default_en, "zh": default_zh}
    if isinstance(raw, str):
        return {"en": raw, "zh": raw}
    if isinstance(raw, dict) and set(raw) <= set(LANGS) and all(isinstance(v, str) for v in raw.values()):
        return {"en": raw.get("en", raw.get("zh", default_en)), "zh": raw.get("zh", raw.get("en", default_zh))}
    raise ConfigError(f"{_where(source)}'{key}' must be a string or a mapping {{en: ..., zh: ...}}.")


def parse_seeds(raw: Any, source: str | None, key: str = "replicates") -> list[int]:
    """``replicates``: a count N (seeds 1..N) or an explicit list of distinct seeds."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return list(range(1, _check_int(raw, key, 1, 100_000, source) + 1))
    if isinstance(raw, list) and raw:
        for s in raw:
            if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
                raise ConfigError(f"{_where(source)}'{key}': seed {s!r} must be a whole number in [0, {MAX_SEED}].")
        if len(set(raw)) != len(raw):
            raise ConfigError(f"{_where(source)}'{key}': the seed list repeats a seed; replicates must differ.")
        return list(raw)
    raise ConfigError(f"{_where(source)}'{key}' = {raw!r}: give a count (20 → seeds 1..20) or a list of seeds "
                      f"([3, 17, 42]).")


@dataclass
class Base:
    """What every experiment, sweep and sensitivity config shares."""

    name: str
    title: dict
    description: dict
    preset: str
    governance: str | None
    weeks: int
    params: dict
    seeds: list[int]
    outputs: Outputs
    language: str = "en"
    source: str | None = None

    def base_spec(self) -> dict:
        return {"preset": self.preset, "governance": self.governance, "weeks": self.weeks, "params": self.params,
                "seeds": self.seeds, "outputs": self.outputs.to_dict()}


def parse_base(data: dict, source: str | None, default_name: str) -> dict:
    where = _where(source)
    preset = data.get("preset", "mianyang_2019")
    if not isinstance(preset, str):
        raise ConfigError(f"{where}'preset' must be a preset name. Allowed: {', '.join(preset_names())}.")
    weeks = data.get("weeks", DEFAULT_WEEKS)
    weeks = _check_int(weeks, "weeks", 1, MAX_WEEKS, source)
    params = {} if data.get("params") is None else data["params"]  # `params: []` is a mistake, not "none"
    if not isinstance(params, dict):
        raise ConfigError(f"{where}'params' must be a mapping of parameter names to values (see `cgsim params`).")
    gov = data.get("governance")
    if gov is not None and not isinstance(gov, str):
        raise ConfigError(f"{where}'governance' must be a governance preset name (see `cgsim presets`).")
    load_preset(preset, source)  # a preset typo is the 'preset' key's, not the params'
    make_config(preset, weeks=weeks, governance=gov, overrides=params, source=f"{source}: params" if source else None)
    lang = data.get("language", "en")
    if lang not in LANGS:
        raise ConfigError(f"{where}'language' = {lang!r}. Allowed: {', '.join(LANGS)}.")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}'name' must be a non-empty string.")
    desc = parse_label(data.get("description", ""), "", "", source, "description")
    if "replicates" not in data:
        raise ConfigError(f"{where}missing key 'replicates'. Allowed: a count (20) or a list of seeds.")
    return dict(name=name, title=parse_label(data.get("title"), name, name, source, "title"),
                description={k: one_line(v) for k, v in desc.items()}, preset=preset, governance=gov,
                weeks=weeks, params=params, seeds=parse_seeds(data["replicates"], source),
                outputs=parse_outputs(data.get("outputs"), weeks, source), language=lang, source=source)


@dataclass
class Scenario:
    name: str
    label: dict
    description: str = ""
    governance: str | None = None
    policies: list = field(default_factory=list)
    params: dict = field(default_factory=dict)


@dataclass
class Experiment(Base):
    """A validated experiment: scenarios x seeds with a baseline scenario."""

    scenarios: list[Scenario] = field(default_factory=list)
    baseline: str = ""

    kind = "compare"

    def scenario(self, name: str) -> Scenario:
        return next(s for s in self.scenarios if s.name == name)

    def job(self, sc: Scenario, seed: int) -> dict:
        """Everything a worker needs to run one scenario on one seed."""
        return {"preset": self.preset, "governance": sc.governance if sc.governance is not None else self.governance,
                "weeks": self.weeks, "policies": sc.policies, "overrides": {**self.params, **sc.params},
                "seed": int(seed), "outputs": self.outputs}

    def spec(self) -> dict:
        return {"kind": self.kind, "name": self.name, **self.base_spec(), "baseline": self.baseline,
                "scenarios": [{"name": s.name, "governance": s.governance, "policies": s.policies,
                               "params": s.params} for s in self.scenarios]}


def _scenario(name: Any, raw: Any, exp: dict, source: str | None, idx: int) -> Scenario:
    from ..policies import resolve

    key = f"scenarios.{name}"
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{_where(source)}scenarios[{idx}] needs a non-empty string 'name'.")
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{_where(source)}'{key}' must be a mapping with keys {', '.join(SCENARIO_KEYS[1:])}.")
    check_keys(raw, SCENARIO_KEYS, source, prefix=f"{key}.")
    params = {} if raw.get("params") is None else raw["params"]
    if not isinstance(params, dict):
        raise ConfigError(f"{_where(source)}'{key}.params' must be a mapping of parameter names to values.")
    gov = raw.get("governance", exp["governance"])
    with warnings.catch_warnings():  # a late policy of the scenario's own is an error below, not a warning
        warnings.simplefilter("ignore", ConfigWarning)
        cfg = make_config(exp["preset"], weeks=exp["weeks"], governance=gov, policies=raw.get("policies"),
                          overrides={**exp["params"], **params}, source=f"{source}: {key}" if source else key)
    own = cfg.policies[len(cfg.policies) - len(raw.get("policies") or []):]
    late = late_policies(own, exp["weeks"])
    if late:  # its effects would all be exactly zero, reported as if they were a finding
        i, pid, start = late[0]
        raise ConfigError(f"{_where(source)}'{key}.policies[{i}]' ({pid}) starts at week {start}, after the "
                          f"experiment's {exp['weeks']} weeks: the scenario could not differ from its baseline. Start "
                          f"it before week {exp['weeks']} or raise 'weeks'.")
    gov_pols = cfg.policies[:len(cfg.policies) - len(own)]
    if gov != exp["governance"] and gov_pols:
        late = late_policies(gov_pols, exp["weeks"])
        if len(late) == len(gov_pols) and not own:  # the governance model would act only through its parameters
            raise ConfigError(f"{_where(source)}'{key}.governance' ({gov}): its policies start at week "
                              f"{min(s for _, _, s in late)} or later, after the experiment's {exp['weeks']} weeks, so "
                              f"only its parameters would differ from the baseline. Raise 'weeks' above "
                              f"{min(s for _, _, s in late)}.")
        for i, pid, start in late:
            warnings.warn(f"{_where(source)}{key}: governance {gov}: policies[{i}] ({pid}) starts at week {start}, "
                          f"after the experiment's {exp['weeks']} weeks: it will not act.", ConfigWarning,
                          stacklevel=2)
    zh = " + ".join((resolve(p["name"]).aliases or (p["name"],))[0] for p in own)
    if not zh:
        zh = "现状" if gov == exp["governance"] else str(gov)
    en = name.replace("_", " ")
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        raise ConfigError(f"{_where(source)}'{key}.description' = {desc!r}: must be a text string.")
    return Scenario(name=name, label=parse_label(raw.get("label"), en, zh, source, f"{key}.label"),
                    description=one_line(desc), governance=gov, policies=own, params=params)


def warnings_after_success(fn):
    """Warnings raised while a config is read are shown only once it has been read without error: a
    mistake then gets one message, not a few warnings about what it would have run first."""
    @functools.wraps(fn)
    def wrapper(*args, **kw):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(*args, **kw)
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out
    return wrapper


@warnings_after_success
def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment config file."""
    path = Path(path)
    data = read_yaml(path, "experiment config")
    src = str(path)
    if isinstance(data, dict) and "factors" in data and "scenarios" not in data:
        what = "sensitivity" if "sensitivity" in data else "sweep"
        raise ConfigError(f"{_where(src)}has 'factors': it is a {what} config; run it with `cgsim {what}`. A "
                          f"comparison config has 'scenarios' instead.")
    check_keys(data, EXPERIMENT_KEYS, src)
    base = parse_base(data, src, path.stem)
    raw = data.get("scenarios")
    if isinstance(raw, list):
        items = []
        for i, s in enumerate(raw):
            if not isinstance(s, dict) or "name" not in s:
                raise ConfigError(f"{src}: scenarios[{i}] must be a mapping with a 'name' key.")
            items.append((s["name"], {k: v for k, v in s.items() if k != "name"}))
        if len({n for n, _ in items}) != len(items):
            raise ConfigError(f"{src}: 'scenarios' repeats a name; scenario names must be unique.")
    elif isinstance(raw, dict):
        items = list(raw.items())
    else:
        raise ConfigError(f"{src}: 'scenarios' must be a mapping of scenario names to "
                          f"{{label, policies, params}} (at least two: a baseline and one more).")
    if len(items) < 2:
        raise ConfigError(f"{src}: 'scenarios' needs at least two scenarios (a baseline and one to compare).")
    scenarios = [_scenario(n, s, base, src, i) for i, (n, s) in enumerate(items)]
    names = [s.name for s in scenarios]
    baseline = data.get("baseline", names[0])
    if baseline not in names:
        raise ConfigError(f"{src}: 'baseline' = {baseline!r} is not a scenario.{_closest(str(baseline), names)} "
                          f"Allowed: {', '.join(names)}.")
    return Experiment(**base, scenarios=scenarios, baseline=baseline)
