"""cgsim as an EMA workbench model (XLRM): uncertainties, levers, outcomes.

    from cgsim.ema import build_model
    from ema_workbench import MultiprocessingEvaluator
    model = build_model(weeks=104, seeds=[1, 2, 3])          # a ReplicatorModel over three seeds (CRN)
    with MultiprocessingEvaluator(model, n_processes=2) as ev:
        experiments, outcomes = ev.perform_experiments(scenarios=50, policies=8)

* uncertainties (X): behavioural parameters, each over a range inside its
  documented one (``BEHAVIOURAL``; any model parameter by name);
* levers (L): each policy on or off (``BooleanParameter`` named by the
  policy id) and policy parameters (``POLICY__PARAM``, e.g.
  ``station_separation__leakage``);
* outcomes (M): participation and trust measures of all residents (weekly
  outcomes averaged over the last ``window`` weeks, yearly ones in the last
  year), named like cgsim's columns with ``yearly_`` for yearly measures.

The model is a ``ReplicatorModel``: every experiment runs on the same seeds
(``seeds``, default ``[1]``; common random numbers), and each outcome is an
``ArrayOutcome`` of shape (experiments, seeds). ``np.mean(outcomes[k], axis=1)``
(or ``ema_workbench.process_replications``) gives one value per experiment.
Needs ``pip install ema_workbench`` (>= 3.0).
"""

from __future__ import annotations

from typing import Any

from .experiment.design import field_info
from .experiment.outputs import Outputs, parse_outputs, split_outcome, summarise
from .params import ModelParams
from .scenarios import ConfigError

#: behavioural parameters and the ranges explored by default (inside the documented ranges)
BEHAVIOURAL: dict[str, tuple[float, float]] = {
    "beta_trust": (0.0, 2.0), "beta_efficacy": (0.0, 2.0), "beta_social": (0.5, 3.0), "beta_ask": (0.0, 2.0),
    "beta_cost": (0.5, 2.0), "learn_pos": (0.01, 0.1), "negativity_bias": (1.5, 4.0),
    "admin_perception_rate": (0.01, 0.1), "habit_rate": (0.05, 0.3), "trust_gen_social": (0.0, 0.02),
}
POLICIES = ("station_separation", "micro_fund", "dual_registration")
OUTCOMES = ("rate_any", "stage_active", "trust_neighbours", "trust_committee", "sees_rc_as_government",
            "yearly.never_participated")
RESERVED = {"policy", "scenario", "model"}


def ema_name(outcome: str) -> str:
    """An outcome's name as an EMA identifier: ``yearly.never_participated`` -> ``yearly_never_participated``."""
    return outcome.replace(".", "_")


class CgsimFunction:
    """The model function EMA calls: keyword values in, outcome values out (picklable for process pools)."""

    def __init__(self, preset: str, governance: str | None, weeks: int, params: dict, policies: list[str],
                 outputs: Outputs):
        self.preset, self.governance, self.weeks, self.params = preset, governance, weeks, dict(params)
        self.policies, self.outputs = list(policies), outputs

    def __call__(self, seed: int = 1, **values: Any) -> dict:
        from .run import simulate
        from .scenarios import make_config

        overrides = dict(self.params)
        pols = {p: {"name": p} for p in self.policies}
        on = {p: True for p in self.policies}
        for k, v in values.items():
            if k in on:
                on[k] = bool(v)
            elif "__" in k:
                pid, par = k.split("__", 1)
                pols[pid][par] = v
            else:
                typ = field_info(ModelParams.model_fields[k])[0]
                overrides[k] = int(round(v)) if typ == "int" else v
        cfg = make_config(self.preset, weeks=self.weeks, seed=int(seed), governance=self.governance,
                          overrides=overrides, policies=[pols[p] for p in self.policies if on[p]])
        res = simulate(cfg)
        s = summarise(res.weekly, res.yearly, self.outputs)
        return {ema_name(o): float(v) for o, v in zip(s["outcome"], s["value"])}


def build_model(name: str = "cgsim", *, preset: str = "mianyang_2019", governance: str | None = None,
                weeks: int = 104, params: dict | None = None,
                uncertainties: dict[str, tuple[float, float]] | list[str] | None = None,
                policies: tuple[str, ...] | list[str] = POLICIES,
                policy_levers: dict[str, tuple[float, float]] | None = None,
                outcomes: tuple[str, ...] | list[str] | None = None, window: int = 52,
                seeds: list[int] | None = None):
    """An ``ema_workbench`` model of cgsim (see the module docstring); everything is validated first."""
    from ema_workbench import ArrayOutcome, BooleanParameter, IntegerParameter, RealParameter, ReplicatorModel

    from .policies import resolve

    if not name.isidentifier():
        raise ConfigError(f"EMA model name {name!r} must be a Python identifier.")
    if outcomes is None:
        outcomes = [o for o in OUTCOMES if weeks >= 52 or split_outcome(o)[0] == "weekly"]
    outputs = parse_outputs({"outcomes": list(outcomes), "groups": ["all"], "window": min(window, weeks),
                             "store": []}, weeks, None, key="outcomes")
    unc = BEHAVIOURAL if uncertainties is None else uncertainties
    if isinstance(unc, list):
        unc = {n: (None, None) for n in unc}
    levers_x, unc_x = [], []
    for pname, (lo, hi) in unc.items():
        if pname not in ModelParams.model_fields or pname in RESERVED:
            raise ConfigError(f"uncertainty {pname!r}: not a model parameter (see `cgsim params`).")
        typ, plo, phi, _ = field_info(ModelParams.model_fields[pname])
        lo, hi = plo if lo is None else lo, phi if hi is None else hi
        if typ not in ("int", "float") or lo is None or hi is None or not (plo is None or plo <= lo < hi) \
                or not (phi is None or hi <= phi):
            raise ConfigError(f"uncertainty {pname!r} = ({lo}, {hi}): needs a numeric range inside [{plo}, {phi}].")
        unc_x.append(IntegerParameter(pname, int(lo), int(hi)) if typ == "int" else RealParameter(pname, lo, hi))
    ids = []
    for p in policies:
        cls = resolve(p)
        if cls is None:
            raise ConfigError(f"policy {p!r} unknown (see `cgsim policies`).")
        ids.append(cls.id)
        levers_x.append(BooleanParameter(cls.id))
    for key, (lo, hi) in (policy_levers or {}).items():
        pid, _, par = key.replace("__", ".").partition(".")
        cls = resolve(pid)
        if cls is None or cls.id not in ids or par not in cls.Params.model_fields:
            raise ConfigError(f"policy lever {key!r}: give POLICY.PARAM for a policy in {ids}.")
        typ, plo, phi, _ = field_info(cls.Params.model_fields[par])
        if typ not in ("int", "float") or (plo is not None and lo < plo) or (phi is not None and hi > phi) or lo >= hi:
            raise ConfigError(f"policy lever {key!r} = ({lo}, {hi}): needs a numeric range inside [{plo}, {phi}].")
        n = f"{cls.id}__{par}"
        levers_x.append(IntegerParameter(n, int(lo), int(hi)) if typ == "int" else RealParameter(n, lo, hi))
    from .scenarios import make_config

    make_config(preset, weeks=weeks, governance=governance, overrides=params or {})
    fn = CgsimFunction(preset, governance, weeks, params or {}, ids, outputs)
    model = ReplicatorModel(name, function=fn)
    model.replications = [{"seed": int(s)} for s in (seeds or [1])]
    model.uncertainties = unc_x
    model.levers = levers_x
    model.outcomes = [ArrayOutcome(ema_name(o)) for o in outputs.outcomes]
    return model
