"""Policy plug-ins: declared parameters, a start (and optional end) week, hooks.

A policy is a small class that subclasses ``Policy``, declares its parameters
in a nested ``Params`` model (unit, default, range, source, like
``cgsim.params``), and overrides any of the hooks below. The model calls
hooks at named points of its fixed weekly phase order (MODEL.md §3); a
policy never edits the loop or another policy's state. ``start`` runs once
in the policy's start week before its first hook, ``stop`` once in its end
week. Policies record their constructor arguments so configs round-trip.
Registering is ``@register`` on the class; ids are English snake_case, and a
Chinese name is accepted as an alias.

Hooks and what a policy may touch there (the model's levers):

==========================  ==================================================
``start`` / ``stop``        actors' settings: ``model.street`` (absorbers of
                            administrative work, ``evaluation_regime``,
                            ``gov_intensity`` through its own entry,
                            ``shift_intensity(self, change)``),
                            ``model.committee.extra_hours``,
                            ``model.committee_allocation`` (shares of free
                            hours), ``model.routing`` (+ ``model.issues.reroute``),
                            ``model.party.mobilised_inservice``,
                            ``model.oc_organiser``, ``model.firm``, ``model.ngo``,
                            ``model.grid``, ``model.tie_venue``; new Mesa agents
``before_outreach``         (after the committee plans its week) contacts:
                            ``population.asked`` / ``population.aware``
``before_participation``    ``model.extra_utility`` (n, 4) log-odds added this
                            week; ``model.opportunity`` (n, 4) open channels;
                            ``model.seats`` (activity / meeting seats per estate);
                            ``population.asked``; ``model.grid_hit`` (households a
                            grid worker visited this week)
``before_institutions``     ``model.events`` (this week's participation) is known
``after_institutions``      ``model.resolver_rate`` (weekly settlement rate per
                            resolver), ``model.issues`` (e.g. boost an issue)
``before_learning``         attitudes via their own small, cited effects;
                            ``model.extra_cultivation_hours`` (read by the
                            capacity update later this week)
``end_of_week``             ``model.moved`` (residents replaced by newcomers this
                            week: reset per-person policy state);
                            ``model.add_cost``, ``model.public_good``,
                            ``model.network.add_ties``
``end_of_year``             yearly bookkeeping
==========================  ==================================================

Random draws: ``model.uniform("<policy id>:<decision>")`` gives this week's
uniforms from the policy's own stream, one per resident (index them by resident
id), so a policy never shifts the draws of the baseline (common random numbers).
For things that are not residents (issues, ties, groups), draw
``model.streams.keyed_uniform("<policy id>:<decision>", model.week, keys)`` with
keys from ``cgsim.rng.combine_keys`` of a stable identity; issues a policy opens
go through ``model.issues.add(..., origin=<policy id>)``. ``stop`` must restore
what ``start`` changed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict, model_validator

from ..params import NoCoercion, p

HOOKS = ("before_issues", "before_outreach", "before_participation", "before_institutions",
         "after_institutions", "before_learning", "end_of_week", "end_of_year")


class PolicyParams(NoCoercion):
    """Base of every policy's parameters; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")
    start_week: int = p(26, 0, 10_000, "week", "MODEL.md §2 (policies switch on at week 26 by default)",
                        "First week the policy is in force.", "timing")
    end_week: int | None = p(None, 0, 10_000, "week", "assumption",
                             "First week the policy is no longer in force (none = until the end).", "timing")

    @model_validator(mode="after")
    def _ends_after_start(self):
        """``end_week`` and every other ``*_end_week`` (the end of a policy's enforcement, incentive, ...) come
        after ``start_week``: otherwise what they end would never be in force."""
        for name in type(self).model_fields:
            end = getattr(self, name)
            if name.endswith("end_week") and end is not None and end <= self.start_week:
                what = "the policy" if name == "end_week" else f"what {name} ends"
                raise ValueError(f"{name} ({end}) must be after start_week ({self.start_week}): {what} would never "
                                 f"be in force")
        return self


class Policy:
    """Base class. Subclasses set ``id``, ``aliases``, ``summary``, ``source`` and ``Params``."""

    id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str] = ""
    source: ClassVar[str] = ""
    Params: ClassVar[type[PolicyParams]] = PolicyParams
    #: an event that acts once, at its start (``external_shock``): several may be scheduled, even in overlapping
    #: weeks, since none acts after its start week
    one_off: ClassVar[bool] = False

    def __init__(self, **kwargs: Any):
        self.kwargs = dict(kwargs)
        self.params = self.Params(**kwargs)
        self.started = False
        self.stopped = False

    # ---- lifecycle --------------------------------------------------------
    def active(self, week: int) -> bool:
        e = self.params.end_week
        return week >= self.params.start_week and (e is None or week < e)

    def setup(self, model) -> None:
        """Called once when the model is built (before week 0). Must not change baseline behaviour."""

    def start(self, model) -> None:
        """Called once at the start week, before the policy's first hook."""

    def stop(self, model) -> None:
        """Called once at the end week: undo what ``start`` put in place."""

    def to_config(self) -> dict[str, Any]:
        return {"name": self.id, **self.kwargs}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{type(self).__name__}({args})"
