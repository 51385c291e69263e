"""District scale (MODEL.md §2): many communities under one street office (街道).

``DistrictModel`` is a ``mesa.Model`` that holds several full ``CommunityModel``s
(of any neighbourhood presets) and one ``DistrictStreetOffice`` agent. The
street office's supervision attention is a district-level resource:

- The administrative load of a community (``admin_load``) is calibrated for a
  community under a street office of typical span, about 10 communities
  (Mianyang, end-2017: Fucheng 113 RCs under 11 street offices, Youxian 70
  under 6; ``seeds_001_004.md`` §3.1, ``001 §1 l.25``).
- Part of that load (``supervision_share``: the meetings and inspections of
  the "five manys", ``001 §1.1``) takes the office's own staff time and so
  scales with the attention the office can give each community; the rest
  (ledgers, forms, certificates passed down from functional departments,
  ``004`` (五) "只派活不给钱") does not depend on the span.
- Each week the office divides its attention (``capacity_communities``
  communities' worth at the calibrated level) over its communities in
  proportion to the intensity of direct management in each (``gov_intensity``,
  which policies such as 网格化 and 阶段匹配 raise or lower). A community's
  attention ratio is ``capacity x g_c / sum(g)``, capped at ``max_attention``;
  the load pushed onto its committee is multiplied by
  ``pressure = 1 + supervision_share x (ratio - 1)``.

So the more communities one office covers, the less supervision (and
administrative push) each receives; a community whose policy draws more
direct management draws attention away from the others, one week later (the
office plans each week from the intensities at the end of the last one). A
district whose span equals ``capacity_communities`` with equal intensities
gives pressure exactly 1: each community then runs exactly like a single
``CommunityModel`` with its seed.

Each community keeps the rest of its street office's settings on its own
``street`` desk (evaluation regime, intensity, absorbers such as a service
station), so a policy applied to listed communities changes only those desks.
Community ``k`` draws from its own named random streams seeded from
(district seed, ``k``): runs of two district configs on one seed share every
community's population, network and luck.

Config (YAML, ``configs/districts/``)::

    name: example_district
    weeks: 52
    seed: 1
    street_office: {capacity_communities: 10, supervision_share: 0.4, max_attention: 1.5}
    admin_load: 0.8                 # any model parameter: district-wide override
    governance: status_quo          # optional, district-wide (an entry may set its own)
    policies:                       # district-wide, or `communities: [...]` for listed ones
      - {name: work_access_list, start_week: 26}
      - {name: station_separation, communities: [old_danwei_compound]}
    communities:
      - {preset: mianyang_2019, count: 6}
      - {preset: old_danwei_compound, count: 2, rc_staff: 7, policies: [...]}

Communities are named by their entry's ``name`` (default: the preset), with
``_1``, ``_2``... when a name occurs more than once. ``communities:`` in a
policy lists community names, entry names or 0-based indices.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from pydantic import ConfigDict, ValidationError

from . import metrics
from .model import WEEKS_PER_YEAR, CommunityModel
from .params import ASSUMPTION, PARAM_NAMES, NoCoercion, p
from .run import RunResult, versions
from .scenarios import (DEFAULT_WEEKS, MAX_SEED, MAX_WEEKS, ConfigError, RunConfig, _check_int, _check_policies,
                        _closest, _where, check_overlaps, make_config, read_yaml)

DISTRICT_KEYS = ("name", "description", "source", "weeks", "seed", "street_office", "governance", "calibration",
                 "policies", "communities")
ENTRY_KEYS = ("preset", "count", "name", "governance", "calibration", "policies")
DISTRICT = "district"  # the community label of the district aggregate rows
MAX_COMMUNITIES = 1000

#: community-level columns summed over communities in the district aggregate (the rest are weighted means)
SUM_COLUMNS = ("issues_open", "issues_resolved", "disputes_open", "petitions", "cost_yuan", "ties",
               "cross_group_ties", "owners_committees", "voices_answered", "voices_ignored", "resident_groups",
               "firms_replaced", "groups_founded", "groups_folded", "supervisory_committees", "oc_recalls")
STREET_COLUMNS = ("street_attention", "street_pressure")


class StreetOfficeParams(NoCoercion):
    """The district street office's attention (see the module text)."""

    model_config = ConfigDict(extra="forbid")
    capacity_communities: float = p(
        10.0, 1.0, 500.0, "communities at calibrated attention",
        "seeds_001_004.md §3.1 (001 §1 l.25): Fucheng 113 RCs / 11 street offices = 10.3, Youxian 70 / 6 = 11.7",
        "Communities the office can supervise at the attention a single calibrated community gets.", "district")
    supervision_share: float = p(
        0.4, 0.0, 1.0, "share of the administrative load",
        "001 §1.1 (meetings and inspections, 2 of the 'five manys', need the office's own staff); assumption",
        "Part of a community's administrative load that scales with the office's attention to it.", "district")
    max_attention: float = p(
        1.5, 1.0, 10.0, "x calibrated attention", ASSUMPTION,
        "Cap on the attention ratio: an office with few communities supervises each at most this much more.",
        "district")


class DistrictStreetOffice(mesa.Agent):
    """One street office for all communities of the district: divides its attention each week."""

    def __init__(self, model, params: StreetOfficeParams):
        super().__init__(model)
        self.params = params
        self.desks: list = []  # each community's ``StreetOffice`` (its desk at the office)
        self.attention = np.zeros(0)
        self.pressure = np.zeros(0)
        self.history: list[tuple[np.ndarray, np.ndarray]] = []  # (attention, pressure) per week

    def plan(self, intensities) -> np.ndarray:
        """Attention ratio and pressure per community from their intensities of direct management."""
        q = self.params
        g = np.asarray(intensities, float)
        n = g.size
        if n == 0:
            self.attention = self.pressure = np.zeros(0)
            return self.pressure
        if np.all(g == g[0]) or g.sum() <= 0:  # equal shares (exact, so span == capacity gives pressure 1)
            ratio = np.full(n, q.capacity_communities / n)
        else:
            ratio = q.capacity_communities * g / g.sum()
        self.attention = np.minimum(ratio, q.max_attention)
        self.pressure = 1.0 + q.supervision_share * (self.attention - 1.0)
        return self.pressure

    def step(self) -> None:
        """Plan this week from the desks' intensities as they stand, and set each desk's pressure."""
        self.plan([d.gov_intensity for d in self.desks])
        for d, pr in zip(self.desks, self.pressure):
            d.pressure = float(pr)
        self.history.append((self.attention.copy(), self.pressure.copy()))


class DistrictCommunity(CommunityModel):
    """A ``CommunityModel`` built inside a district: its street desk starts at the district's pressure."""

    def __init__(self, district: DistrictModel, index: int, name: str, pressure: float, **kw: Any):
        # read by StreetOffice.__init__ (and so by the burn-in) before the community is stepped by the district
        self.street_pressure = float(pressure)
        self.district = district
        self.district_index = index
        self.community_name = name
        super().__init__(**kw)


# ---- configuration -----------------------------------------------------------
@dataclass
class CommunitySpec:
    name: str
    entry: str    # the entry's name (preset by default)
    config: RunConfig


@dataclass
class DistrictConfig:
    communities: list[CommunitySpec]
    street: StreetOfficeParams
    weeks: int = DEFAULT_WEEKS
    seed: int | None = None
    name: str | None = None
    source: str | None = None
    spec: dict = field(default_factory=dict)  # the config as given (normalised), for meta.json

    def to_dict(self) -> dict:
        return {**self.spec, "weeks": self.weeks, "seed": self.seed, "street_office": self.street.model_dump()}

    def config_hash(self) -> str:
        """Hash of everything that determines the result except the seed."""
        d = {"weeks": self.weeks, "street": self.street.model_dump(),
             "communities": [[c.name, c.config.config_hash()] for c in self.communities]}
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _unknown(key: str, where: str, allowed) -> ConfigError:
    return ConfigError(f"{where}unknown key '{key}'.{_closest(key, list(allowed) + sorted(PARAM_NAMES))} "
                       f"Allowed: {', '.join(allowed)} and the model parameters listed by `cgsim params` "
                       f"(docs/PARAMETERS.md).")


def _split(data: dict, allowed: tuple, where: str) -> tuple[dict, dict]:
    """(own keys, model-parameter overrides); anything else is an error."""
    own, params = {}, {}
    for k, v in data.items():
        if k in allowed:
            own[k] = v
        elif k in PARAM_NAMES:
            params[k] = v
        else:
            raise _unknown(str(k), where, allowed)
    return own, params


def _street_params(value: Any, where: str) -> StreetOfficeParams:
    if value is None:
        return StreetOfficeParams()
    if isinstance(value, StreetOfficeParams):
        return value
    allowed = ", ".join(StreetOfficeParams.model_fields)
    if not isinstance(value, dict):
        raise ConfigError(f"{where}'street_office' must be a mapping with keys {allowed}.")
    try:
        return StreetOfficeParams(**value)
    except ValidationError as e:
        msgs = []
        for x in e.errors():
            key = ".".join(str(v) for v in x["loc"])
            if x["type"] == "extra_forbidden":
                msgs.append(f"{where}street_office: unknown key '{key}'."
                            f"{_closest(key, StreetOfficeParams.model_fields)} Allowed: {allowed}.")
            else:
                f = StreetOfficeParams.model_fields.get(key)
                lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None) if f else None
                hi = next((m.le for m in f.metadata if hasattr(m, "le")), None) if f else None
                rng = f" Allowed: number in [{lo}, {hi}]." if lo is not None or hi is not None else ""
                msg = x["msg"].removeprefix("Value error, ")
                msgs.append(f"{where}street_office.{key} = {x.get('input')!r}: {msg}.{rng}")
        raise ConfigError("\n".join(msgs)) from None


def _policy_list(value: Any, key: str, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigError(f"{where}'{key}' must be a list of {{name: ID, ...}} entries.")
    return value


def make_district_config(data: dict, *, source: str | None = None, seed: Any = None, weeks: int | None = None,
                         overrides: dict | None = None) -> DistrictConfig:
    """Validate a district config (a mapping as read from YAML) → ``DistrictConfig``.

    ``seed``/``weeks`` replace the config's; ``overrides`` are model parameters for every community (they win
    over the config's district-wide and per-entry values)."""
    where = _where(source)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}a district config must be a mapping of keys to values, got "
                          f"{type(data).__name__}.")
    top, top_params = _split(data, DISTRICT_KEYS, where)
    for k in (overrides or {}):
        if k not in PARAM_NAMES:
            raise _unknown(str(k), where, DISTRICT_KEYS)
    for k in ("name", "description", "source", "governance", "calibration"):
        if top.get(k) is not None and not isinstance(top[k], str):
            raise ConfigError(f"{where}'{k}' = {top[k]!r}: must be a text string.")
    weeks = weeks if weeks is not None else top.get("weeks")
    weeks = DEFAULT_WEEKS if weeks is None else _check_int(weeks, "weeks", 1, MAX_WEEKS, source)
    seed = seed if seed is not None else top.get("seed")
    if seed is not None:
        if hasattr(seed, "integers"):  # a numpy Generator handed over by a caller
            seed = int(seed.integers(2**31 - 1))
        seed = _check_int(seed, "seed", 0, MAX_SEED, source)
    street = _street_params(top.get("street_office"), where)

    entries = top.get("communities")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{where}'communities' must be a non-empty list of entries like "
                          f"{{preset: mianyang_2019, count: 6}}.")
    # expand the entries into communities and name them
    expanded: list[tuple[int, str, dict, dict]] = []  # (entry index, entry name, entry keys, entry params)
    for i, e in enumerate(entries):
        ew = f"{where}communities[{i}]: "
        if isinstance(e, str):
            e = {"preset": e}
        if not isinstance(e, dict):
            raise ConfigError(f"{ew}each community entry must be a mapping like {{preset: mianyang_2019, count: 6}}.")
        own, params = _split(e, ENTRY_KEYS, ew)
        if not isinstance(own.get("preset"), str):
            raise ConfigError(f"{ew}'preset' is required and must be a neighbourhood preset name "
                              f"(`cgsim presets`).")
        count = _check_int(own.get("count", 1), f"communities[{i}].count", 1, MAX_COMMUNITIES, source)
        label = own.get("name", own["preset"])
        if not isinstance(label, str) or not label or label == DISTRICT:
            raise ConfigError(f"{ew}'name' = {label!r}: must be a non-empty text other than '{DISTRICT}'.")
        for k in ("governance", "calibration"):
            if own.get(k) is not None and not isinstance(own[k], str):
                raise ConfigError(f"{ew}'{k}' = {own[k]!r}: must be a text string.")
        expanded += [(i, label, own, params)] * count
    if len(expanded) > MAX_COMMUNITIES:
        raise ConfigError(f"{where}{len(expanded)} communities: at most {MAX_COMMUNITIES} are allowed.")
    totals: dict[str, int] = {}
    for _, label, _, _ in expanded:
        totals[label] = totals.get(label, 0) + 1
    seen: dict[str, int] = {}
    names = []
    for _, label, _, _ in expanded:
        seen[label] = seen.get(label, 0) + 1
        names.append(label if totals[label] == 1 else f"{label}_{seen[label]}")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"{where}community name '{dup}' occurs twice; give the entries distinct 'name's.")

    # district-wide policies, optionally for listed communities only
    per_comm: list[list[int]] = [[] for _ in names]  # indices into the district-wide policies
    top_specs: list[dict] = []
    for j, spec in enumerate(_policy_list(top.get("policies"), "policies", where)):
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}policies[{j}] must be a mapping with a 'name' key "
                              f"(e.g. {{name: station_separation, start_week: 26}}).")
        spec = dict(spec)
        targets = spec.pop("communities", None)
        top_specs.append(spec)
        if targets is None:
            chosen = range(len(names))
        else:
            if not isinstance(targets, list) or not targets:
                raise ConfigError(f"{where}policies[{j}].communities must be a non-empty list of community "
                                  f"names, entry names or 0-based indices.")
            chosen = set()
            for t in targets:
                if isinstance(t, int) and not isinstance(t, bool) and 0 <= t < len(names):
                    chosen.add(t)
                elif isinstance(t, str) and (t in names or t in totals):
                    chosen |= {k for k, n in enumerate(names) if n == t or expanded[k][1] == t}
                else:
                    allowed = sorted(set(names) | set(totals))
                    raise ConfigError(f"{where}policies[{j}].communities: no community {t!r}."
                                      f"{_closest(t, allowed)} Allowed: {', '.join(allowed)} "
                                      f"or an index 0..{len(names) - 1}.")
        for k in sorted(chosen):
            per_comm[k].append(j)
    checked_top = _check_policies(top_specs, source)  # a mistake in a district-wide policy, indexed as written

    # one validated RunConfig per community (presets, governance, parameters, policies)
    communities = []
    cache: dict[str, RunConfig] = {}
    for k, (i, label, own, params) in enumerate(expanded):
        csrc = f"{source or 'district config'}, communities[{i}] ({names[k]})"
        own_pols = _policy_list(own.get("policies"), "policies", _where(csrc))
        where = [f"policies[{j}] (district-wide)" for j in per_comm[k]] + [f"policies[{m}]" for m in
                                                                            range(len(own_pols))]
        pols = [top_specs[j] for j in per_comm[k]] + own_pols
        check_overlaps(list(zip(where, [checked_top[j] for j in per_comm[k]] + _check_policies(own_pols, csrc))),
                       csrc)
        key = json.dumps([i, pols], sort_keys=True, default=str)
        if key not in cache:
            cache[key] = make_config(own["preset"], policies=pols or None, weeks=weeks, seed=None,
                                     governance=own.get("governance", top.get("governance")),
                                     overrides={**top_params, **params, **(overrides or {})}, source=csrc,
                                     name=names[k], calibration=own.get("calibration", top.get("calibration")),
                                     policies_where=where)
        communities.append(CommunitySpec(names[k], label, cache[key]))
    spec = {k: v for k, v in data.items() if k not in ("weeks", "seed", "street_office")}
    if overrides:
        spec["overrides"] = dict(overrides)
    return DistrictConfig(communities=communities, street=street, weeks=weeks, seed=seed,
                          name=top.get("name") or (Path(source).stem if source else None), source=source, spec=spec)


def is_district_config(spec: Any) -> bool:
    """A YAML file (or mapping) with a top-level ``communities:`` key."""
    if isinstance(spec, dict):
        return "communities" in spec
    s = str(spec)
    if not s.endswith((".yaml", ".yml")) or not Path(s).is_file():
        return False
    return "communities" in read_yaml(Path(s))


def load_district_config(spec: str | Path | dict, *, seed: Any = None, weeks: int | None = None,
                         overrides: dict | None = None) -> DistrictConfig:
    """A district YAML file (or mapping) → ``DistrictConfig``; ``seed``/``weeks`` override the file."""
    if isinstance(spec, dict):
        return make_district_config(spec, seed=seed, weeks=weeks, overrides=overrides)
    path = Path(spec)
    return make_district_config(read_yaml(path, "district config"), source=str(path), seed=seed, weeks=weeks,
                                overrides=overrides)


def community_seed(district_seed: int, index: int) -> int:
    """The seed of community ``index`` in a district run with ``district_seed``."""
    ss = np.random.SeedSequence([int(district_seed) & 0xFFFFFFFFFFFFFFFF, 0x5D15_7C7, int(index)])
    return int(ss.generate_state(1, np.uint32)[0])


# ---- the model ---------------------------------------------------------------
class DistrictModel(mesa.Model):
    """Many communities under one street office.

    ``DistrictModel("configs/districts/example_district.yaml", rng=1)``, or from keywords:
    ``DistrictModel(communities=[{"preset": "mianyang_2019", "count": 6}, ...], policies=[...], rng=1)``, or
    ``DistrictModel(n_communities=20, preset="mianyang_2019")`` for a uniform district. Flat keyword overrides
    name model parameters for every community (``n_households=150``), so ``mesa.batch_run(DistrictModel,
    parameters={"n_communities": [5, 20], "admin_load": [0.6, 0.8]}, rng=[1], max_steps=52)`` works.
    """

    def __init__(self, config: Any = None, *, communities: list | None = None, preset: str = "mianyang_2019",
                 n_communities: int | None = None, policies: list | None = None, street_office: dict | None = None,
                 governance: str | None = None, weeks: int | None = None, rng: Any = None,
                 build_space: bool = False, **overrides: Any):
        if isinstance(config, DistrictConfig):
            if overrides or weeks is not None:
                raise ConfigError("DistrictModel: parameter overrides and weeks go into the DistrictConfig "
                                  "(make_district_config(..., overrides=..., weeks=...)), not beside it.")
        elif config is not None:
            config = load_district_config(config, seed=rng, weeks=weeks, overrides=overrides)
        else:
            if communities is None:
                count = 10 if n_communities is None else n_communities
                communities = [{"preset": preset, "count": count}]
            data: dict[str, Any] = {"communities": communities}
            if policies is not None:
                data["policies"] = policies
            if street_office is not None:
                data["street_office"] = street_office
            if governance is not None:
                data["governance"] = governance
            config = make_district_config(data, seed=rng, weeks=weeks, overrides=overrides)
        if rng is None:
            rng = config.seed
        super().__init__(rng=rng)
        self.config = config
        self.seed = int(self._seed)
        self.weeks = config.weeks
        self.week = 0
        self.office = office = DistrictStreetOffice(self, config.street)
        pressure = office.plan([c.config.params.gov_intensity for c in config.communities])
        self.communities: list[DistrictCommunity] = []
        self.names: list[str] = []
        for k, spec in enumerate(config.communities):
            cm = DistrictCommunity(self, k, spec.name, pressure[k], config=spec.config,
                                   rng=community_seed(self.seed, k), build_space=build_space)
            self.communities.append(cm)
            self.names.append(spec.name)
        office.desks = [c.street for c in self.communities]
        self.sizes = np.array([c.population.n for c in self.communities], float)
        self.latest = self._aggregate_latest()
        reporters = {n: _reporter(n) for n in self.latest}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    @property
    def n_residents(self) -> int:
        return int(self.sizes.sum())

    def step(self) -> None:
        """One week: the street office plans its attention, then every community runs its week."""
        self.office.step()
        for c in self.communities:
            c.step()
        self.week += 1
        self.latest = self._aggregate_latest()
        self.datacollector.collect(self)
        if self.week >= self.weeks:
            self.running = False

    def run(self, weeks: int | None = None) -> DistrictModel:
        for _ in range(self.weeks - self.week if weeks is None else weeks):
            self.step()
        return self

    def _aggregate_latest(self) -> dict[str, float]:
        """District values of this week's 'all' reporters: sums of counts, population-weighted means."""
        w = self.sizes / self.sizes.sum()
        out: dict[str, float] = {}
        for key in self.communities[0].latest:
            vals = np.array([c.latest[key] for c in self.communities], float)
            if key in SUM_COLUMNS:
                out[key] = float(vals.sum())
            else:  # weighted over the communities that have the measure (trust_firm: those with a firm)
                ok = np.isfinite(vals)
                out[key] = float(w[ok] @ vals[ok] / w[ok].sum()) if ok.any() else float("nan")
        out["street_pressure"] = float(w @ np.array([c.street.pressure for c in self.communities]))
        out["n_residents"] = float(self.sizes.sum())
        return out

    # ---- tables -------------------------------------------------------------
    def _street_frame(self) -> pd.DataFrame:
        rows = len(self.office.history)
        if not rows:
            return pd.DataFrame(columns=["community", "week", *STREET_COLUMNS])
        att = np.array([h[0] for h in self.office.history])
        prs = np.array([h[1] for h in self.office.history])
        n = len(self.communities)
        return pd.DataFrame({"community": np.tile(self.names, rows), "week": np.repeat(np.arange(rows), n),
                             "street_attention": att.ravel(), "street_pressure": prs.ravel()})

    def _tables(self, kind: str) -> pd.DataFrame:
        parts = []
        for spec, c in zip(self.config.communities, self.communities):
            df = c.weekly_frame() if kind == "weekly" else c.yearly_frame()
            df.insert(0, "preset", spec.config.preset)
            df.insert(0, "community", spec.name)
            parts.append(df)
        per = pd.concat(parts, ignore_index=True)
        key = "week" if kind == "weekly" else "year"
        if kind == "weekly":
            per = per.merge(self._street_frame(), on=["community", "week"], how="left")
        else:
            st = self._street_frame()
            st["year"] = st["week"] // WEEKS_PER_YEAR
            st = st.groupby(["community", "year"], as_index=False)[list(STREET_COLUMNS)].mean()
            per = per.merge(st, on=["community", "year"], how="left")
        agg = aggregate(per, key)
        out = pd.concat([agg, per], ignore_index=True)
        out.insert(0, "seed", self.seed)
        return out

    def weekly_frame(self) -> pd.DataFrame:
        """One row per community, week and group, plus the district's rows (``community == 'district'``)."""
        return self._tables("weekly")

    def yearly_frame(self) -> pd.DataFrame:
        return self._tables("yearly")


def _reporter(name: str):
    def report(model):
        return model.latest[name]
    report.__name__ = f"report_{name}"
    return report


def aggregate(per: pd.DataFrame, key: str) -> pd.DataFrame:
    """District rows of a per-community table: resident measures weighted by each group's size, community
    measures summed (counts) or weighted by community population (levels and shares); the capacity stage
    is the one most residents' communities are in."""
    if per.empty:
        return per.iloc[0:0]
    idx = [key, "dimension", "group"]
    numeric = [c for c in per.columns if c not in ("community", "preset", "dimension", "group", "capacity_stage",
                                                   "year", "week", "n")]
    resident = [c for c in numeric if c not in metrics.COMMUNITY and c not in metrics.YEARLY_COMMUNITY
                and c not in STREET_COLUMNS]
    com_cols = [c for c in numeric if c not in resident]
    n = per["n"].to_numpy(float)
    wsum = per[idx].copy()
    wsum["n"] = n
    # each measure is weighted over the communities that have it: a group no community has is NaN, and so is
    # trust_firm where no community has a firm (and communities without one do not count toward it)
    for c in resident:
        v = per[c].to_numpy(float)
        ok = np.isfinite(v)
        wsum[c] = np.where(ok, v, 0.0) * n
        wsum[f"_n_{c}"] = np.where(ok, n, 0.0)
    g = wsum.groupby(idx, sort=False).sum()
    res = pd.DataFrame({c: g[c] / g[f"_n_{c}"].where(g[f"_n_{c}"] > 0) for c in resident}, index=g.index)
    res.insert(0, "n", g["n"].astype(np.int64))
    res = res.reset_index()

    alls = per[per["group"] == "all"]
    na = alls["n"].to_numpy(float)
    cw = alls[[key]].copy()
    cw["_n"] = na
    for c in com_cols:
        v = alls[c].to_numpy(float)
        cw[c] = v if c in SUM_COLUMNS else v * na
    cg = cw.groupby(key, sort=False).sum()
    for c in com_cols:
        if c not in SUM_COLUMNS:
            cg[c] = cg[c] / cg["_n"]
    stage = alls.groupby([key, "capacity_stage"], sort=False)["n"].sum().reset_index()
    stage = stage.sort_values([key, "n"], ascending=[True, False], kind="stable").drop_duplicates(key)
    cg = cg.drop(columns="_n").reset_index().merge(stage[[key, "capacity_stage"]], on=key, how="left")
    for c in SUM_COLUMNS:
        if c in cg and pd.api.types.is_integer_dtype(per[c]):
            cg[c] = cg[c].astype(per[c].dtype)
    out = res.merge(cg, on=key, how="left")
    out.insert(0, "preset", "mixed" if per["preset"].nunique() > 1 else per["preset"].iloc[0])
    out.insert(0, "community", DISTRICT)
    if "year" in per.columns and key == "week":
        out.insert(out.columns.get_loc("week") + 1, "year", out["week"] // WEEKS_PER_YEAR)
    return out[[c for c in per.columns if c in out.columns]]


# ---- runs and files ----------------------------------------------------------
def simulate_district(config: DistrictConfig, *, seed: int | None = None, build_space: bool = False) -> RunResult:
    """Build and run a district for ``config.weeks`` weeks; no files written."""
    t0 = time.perf_counter()
    model = DistrictModel(config, rng=seed if seed is not None else config.seed, build_space=build_space)
    model.run()
    weekly, yearly = model.weekly_frame(), model.yearly_frame()
    comms = []
    for spec, c in zip(config.communities, model.communities):
        comms.append({"name": spec.name, "entry": spec.entry, "preset": spec.config.preset, "index": c.district_index,
                      "seed": c.seed, "governance": spec.config.governance,
                      "policies": [pol.to_config() for pol in c.policies], "config_hash": spec.config.config_hash(),
                      "overrides": spec.config.overrides, "n_residents": int(c.population.n),
                      "n_households": int(c.hierarchy.n_households), "costs_total_yuan": c.costs_total})
    meta = {
        "kind": "district", "name": config.name, "source": config.source, "seed": model.seed, "weeks": config.weeks,
        "config": {**config.to_dict(), "seed": model.seed}, "config_hash": config.config_hash(),
        "street_office": config.street.model_dump(),
        "street_pressure_first_week": [float(x) for x in model.office.history[0][1]] if model.office.history else [],
        "communities": comms, "n_communities": len(comms), "n_residents": model.n_residents,
        "n_households": int(sum(c["n_households"] for c in comms)),
        "policies": [{"community": c["name"], **pol} for c in comms for pol in c["policies"]],
        "costs_total_yuan": {k: float(sum(c["costs_total_yuan"].get(k, 0.0) for c in comms))
                             for k in sorted({k for c in comms for k in c["costs_total_yuan"]})},
        "versions": versions(), "wall_seconds": round(time.perf_counter() - t0, 3),
    }
    return RunResult(weekly, yearly, meta)


PANELS = (("Participation, any channel this week", "rate_any"), ("Trust in the committee", "trust_committee"),
          ("Sees the committee as government", "sees_rc_as_government"),
          ("Committee hours on administration", "rc_admin_share"), ("Self-governance capacity C", "capacity"),
          ("Street-office pressure on the committee", "street_pressure"))


def district_figure(weekly: pd.DataFrame, path: str | Path, *, policy_starts=(), title: str = "") -> Path:
    """One panel per key measure: each community (thin) and the district (thick, population-weighted)."""
    from .plots import plt

    df = weekly[weekly["group"] == "all"]
    names = list(dict.fromkeys(df.loc[df["community"] != DISTRICT, "community"]))
    colours = plt.get_cmap("tab10" if len(names) <= 10 else "tab20")
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.6), constrained_layout=True)
    starts = sorted(set(policy_starts))
    for ax, (label, col) in zip(axes.ravel(), PANELS):
        for k, (name, d) in enumerate(df[df["community"] != DISTRICT].groupby("community", sort=False)):
            ax.plot(d["week"], d[col], lw=0.7, alpha=0.6, color=colours(k % colours.N), label=name)
        d = df[df["community"] == DISTRICT]
        ax.plot(d["week"], d[col], color="k", lw=2.0, label="district (population-weighted)")
        for j, wk in enumerate(starts):
            ax.axvline(wk, color="k", ls="--", lw=0.8, label="a policy starts" if j == 0 else None)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(6, len(labels)), fontsize=8, frameon=False)
    n = len(names)
    when = f"; policies start at week {', '.join(map(str, starts))} (dashed)" if starts else ""
    fig.suptitle(f"{title}  ({n} communities, thin lines; district, thick{when})", fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def write_district_run(result: RunResult, out: str | Path, *, figure: bool = True) -> Path:
    """``weekly.parquet``, ``yearly.parquet`` (with a ``community`` column), ``meta.json``, ``summary.png``."""
    from .run import write_tables

    out = write_tables(result, out)
    if figure:
        starts = [pol.get("start_week", 26) for pol in result.meta["policies"]]
        district_figure(result.weekly, out / "summary.png", policy_starts=starts,
                        title=f"{result.meta['name'] or 'district'} — seed {result.meta['seed']}")
    return out


def run_district_config(path_or_dict: str | Path | dict, out_dir: str | Path | None, seed: int | None = None,
                        weeks: int | None = None, *, figure: bool = True) -> RunResult:
    """Load, validate, run and (when ``out_dir`` is given) write a district config; seed 1 if none is set."""
    config = load_district_config(path_or_dict, seed=seed, weeks=weeks)
    if config.seed is None:
        config.seed = 1
    result = simulate_district(config)
    if out_dir is not None:
        write_district_run(result, out_dir, figure=figure)
    return result
