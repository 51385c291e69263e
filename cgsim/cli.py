"""The ``cgsim`` command.

    cgsim run CONFIG [--seed N] [--weeks W] --out DIR    one run: tables, metadata, figure
    cgsim presets                                         neighbourhood and governance presets
    cgsim params [NAME | --group G]                       parameter reference (unit, default, range, source)
    cgsim policies [NAME]                                 policies with mechanism, source and parameters

CONFIG is a preset name (``mianyang_2019``) or a YAML file
``{preset: NAME, weeks: W, seed: N, policies: [{name: ID, start_week: K, ...}], ...overrides}``.
Configuration mistakes print one message naming the file, key and allowed
values, and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from .scenarios import ConfigError


def _fmt_range(lo, hi) -> str:
    return "" if lo is None and hi is None else f"[{lo}, {hi}]"


def cmd_run(a) -> int:
    from .run import simulate, write_run
    from .scenarios import load_config

    cfg = load_config(a.config, seed=a.seed, weeks=a.weeks)
    if cfg.seed is None:
        cfg.seed = 1
    res = simulate(cfg)
    out = write_run(res, a.out, figure=not a.no_figure)
    y = res.yearly[res.yearly["group"] == "all"]
    cols = ["year", "never_participated", "participated_gt5", "never_joined_activity", "suggest_never",
            "unaware_rc_office", "trust_strangers", "sees_rc_as_government", "trust_committee", "capacity"]
    print(f"{cfg.preset}: {res.meta['n_residents']} residents, {cfg.weeks} weeks, seed {res.meta['seed']}, "
          f"{len(res.meta['policies'])} polic{'y' if len(res.meta['policies']) == 1 else 'ies'} "
          f"({res.meta['wall_seconds']} s)")
    if len(y):
        print(y[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {out}/weekly.parquet, yearly.parquet, meta.json" + ("" if a.no_figure else ", summary.png"))
    return 0


def cmd_presets(a) -> int:
    from .scenarios import GOVERNANCE, NEIGHBOURHOODS, governance_names, preset_names, read_yaml

    print("Neighbourhood presets (configs/neighbourhoods):")
    for n in preset_names():
        d = read_yaml(NEIGHBOURHOODS / f"{n}.yaml")
        print(f"  {n:26s} {' '.join(str(d.get('description', '')).split())[:100]}")
    names = governance_names()
    if names:
        print("Governance presets (configs/governance):")
        for n in names:
            d = read_yaml(GOVERNANCE / f"{n}.yaml")
            print(f"  {n:26s} {' '.join(str(d.get('description', '')).split())[:100]}")
    return 0


def cmd_params(a) -> int:
    from .params import param_table

    rows = param_table()
    if a.name:
        row = next((r for r in rows if r["name"] == a.name), None)
        if row is None:
            from .scenarios import _closest

            raise ConfigError(f"unknown parameter {a.name!r}.{_closest(a.name, [r['name'] for r in rows])} "
                              f"See `cgsim params` for the list.")
        for k in ("name", "group", "type", "default", "unit", "source", "doc"):
            print(f"{k:8s} {row[k]}")
        print(f"{'range':8s} {_fmt_range(row['lo'], row['hi'])}")
        return 0
    for r in rows:
        if a.group and r["group"] != a.group:
            continue
        print(f"{r['name']:28s} {str(r['default']):>10s} {_fmt_range(r['lo'], r['hi']):>16s}  {r['unit']}")
    return 0


def cmd_policies(a) -> int:
    from .policies import all_policies, resolve

    if a.name:
        cls = resolve(a.name)
        if cls is None:
            from .policies import allowed_names

            raise ConfigError(f"unknown policy {a.name!r}. Allowed: {', '.join(allowed_names())}.")
        print(f"{cls.id}  ({' / '.join(cls.aliases)})")
        print(f"  {cls.summary}")
        print(f"  source: {cls.source}")
        doc = textwrap.dedent(sys.modules[cls.__module__].__doc__ or "").strip()
        print(textwrap.indent(doc, "  "))
        print("  parameters:")
        for name, f in cls.Params.model_fields.items():
            ex = f.json_schema_extra or {}
            lo = next((m.ge for m in f.metadata if hasattr(m, "ge")), None)
            hi = next((m.le for m in f.metadata if hasattr(m, "le")), None)
            print(f"    {name:24s} default {f.default!s:8s} {_fmt_range(lo, hi):14s} {ex.get('unit', '')}"
                  f" — {f.description} (source: {ex.get('source', '')})")
        return 0
    for pid, cls in all_policies().items():
        print(f"{pid:28s} {' / '.join(cls.aliases):10s} {cls.summary}  [{cls.source}]")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="cgsim", description="Community-governance participation and trust simulator.")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one configuration and write its results")
    r.add_argument("config", help="preset name or YAML run config")
    r.add_argument("--seed", type=int, default=None, help="random seed (overrides the config)")
    r.add_argument("--weeks", type=int, default=None, help="weeks to simulate (overrides the config)")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--no-figure", action="store_true", help="skip summary.png")
    r.set_defaults(fn=cmd_run)
    s = sub.add_parser("presets", help="list neighbourhood and governance presets")
    s.set_defaults(fn=cmd_presets)
    pa = sub.add_parser("params", help="parameter reference")
    pa.add_argument("name", nargs="?")
    pa.add_argument("--group", default=None)
    pa.set_defaults(fn=cmd_params)
    po = sub.add_parser("policies", help="list policies, or show one in full")
    po.add_argument("name", nargs="?")
    po.set_defaults(fn=cmd_policies)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except ConfigError as e:
        print(f"cgsim: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"cgsim: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cgsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser"]
