"""Registry mapping policy ids (and Chinese aliases) to classes."""

from __future__ import annotations

from .base import Policy

_REGISTRY: dict[str, type[Policy]] = {}
_ALIASES: dict[str, str] = {}


def register(cls: type[Policy]) -> type[Policy]:
    if not cls.id or cls.id in _REGISTRY:
        raise ValueError(f"policy id missing or registered twice: {cls.id!r}")
    _REGISTRY[cls.id] = cls
    for a in cls.aliases:
        _ALIASES[a] = cls.id
    return cls


def resolve(name: str) -> type[Policy] | None:
    """The class for an id or alias, or None."""
    return _REGISTRY.get(name) or _REGISTRY.get(_ALIASES.get(name, ""))


def policy_ids() -> list[str]:
    return sorted(_REGISTRY)


def all_policies() -> dict[str, type[Policy]]:
    return dict(sorted(_REGISTRY.items()))


def allowed_names() -> list[str]:
    return sorted(_REGISTRY) + sorted(_ALIASES)
