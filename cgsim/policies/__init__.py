"""Policies as plug-ins. Importing this package registers every policy module in it."""

import importlib
import pkgutil

from .base import HOOKS, Policy, PolicyParams
from .registry import all_policies, allowed_names, policy_ids, register, resolve

for _m in pkgutil.iter_modules(__path__):
    if _m.name not in ("base", "registry"):
        importlib.import_module(f"{__name__}.{_m.name}")

__all__ = ["HOOKS", "Policy", "PolicyParams", "all_policies", "allowed_names", "policy_ids", "register", "resolve"]
