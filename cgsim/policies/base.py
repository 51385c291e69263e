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
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from ..params import p

HOOKS = ("before_issues", "before_outreach", "before_participation", "before_institutions",
         "after_institutions", "before_learning", "end_of_week", "end_of_year")


class PolicyParams(BaseModel):
    """Base of every policy's parameters; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")
    start_week: int = p(26, 0, 10_000, "week", "MODEL.md §2 (policies switch on at week 26 by default)",
                        "First week the policy is in force.", "timing")
    end_week: int | None = p(None, 0, 10_000, "week", "assumption",
                             "First week the policy is no longer in force (none = until the end).", "timing")


class Policy:
    """Base class. Subclasses set ``id``, ``aliases``, ``summary``, ``source`` and ``Params``."""

    id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    summary: ClassVar[str] = ""
    source: ClassVar[str] = ""
    Params: ClassVar[type[PolicyParams]] = PolicyParams

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
