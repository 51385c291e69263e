"""The ``cgsim`` command.

    cgsim run CONFIG [--seed N] [--weeks W] --out DIR    one run: tables, metadata, figure
    cgsim presets                                         neighbourhood and governance presets
    cgsim params [NAME | --group G]                       parameter reference (unit, default, range, source)
    cgsim policies [NAME]                                 policies with mechanism, source and parameters
    cgsim compare EXPERIMENT.yaml --out DIR [--lang zh]   scenarios x paired replicates → report.md/.html
    cgsim sweep SWEEP.yaml --out DIR [--resume]           full-factorial / LHS / Sobol design → Parquet store
    cgsim sensitivity SENS.yaml --out DIR [--resume]      Morris or Sobol indices (SALib) with plots
    cgsim calibrate --survey S --params P1,P2 --out DIR   fit parameters to survey figures (SMM, intervals)
    cgsim calibrate --steady-state --preset N --params ... --out DIR   ... or so the status quo holds still

Experiment commands run on all cores by default (``--workers N``), or on a
Dask cluster (``--executor dask --scheduler ADDRESS``); ``--resume`` finishes
an interrupted run without losing or repeating any run.

CONFIG is a preset name (``mianyang_2019``) or a YAML file
``{preset: NAME, weeks: W, seed: N, policies: [{name: ID, start_week: K, ...}], ...overrides}``.
Configuration mistakes print one message naming the file, key and allowed
values, and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path

from .scenarios import ConfigError


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns: Chinese characters take two."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - cols, 0)


def _fmt_range(lo, hi, choices=None) -> str:
    if choices:
        return " | ".join(choices)
    return "" if lo is None and hi is None else f"[{lo}, {hi}]"


def _check_out(out: str) -> None:
    """``--out`` is checked before anything runs: a run whose results cannot be written is a run lost. The
    nearest folder that exists must take a new folder: one is made there and removed again (permission bits
    alone do not tell, e.g. for root or on a read-only file system)."""
    import tempfile

    path = Path(out)
    if not str(out).strip():
        raise ConfigError("--out '': give an output folder (e.g. --out results/run1).")
    for parent in (path, *path.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ConfigError(f"--out {out}: {parent} is a file, not a folder.")
            try:
                Path(tempfile.mkdtemp(prefix=".cgsim-probe-", dir=parent)).rmdir()
            except OSError as e:
                raise ConfigError(f"--out {out}: cannot write in {parent} ({e.strerror or e}). Choose a folder "
                                  f"you can write to, e.g. --out results/run1.") from None
            break


class _Once(argparse.Action):
    """Mixed into an option's action: an option with a value may be given once. argparse would keep the last
    of ``--weeks 2 --weeks 3`` without a word; which one the user meant is not ours to guess. The rule is
    simply "once", so the same value given twice is refused too."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given", {})
        if self.dest in given:
            parser.error(f"argument {option_string}: given twice ({given[self.dest]!r}, then {values!r}); "
                         f"give it once")
        given[self.dest] = values
        super().__call__(parser, namespace, values, option_string)


class _StoreOnce(_Once, argparse._StoreAction):
    pass


class _Parser(argparse.ArgumentParser):
    """``ArgumentParser`` whose options with a value refuse to be given twice (``--set`` is repeatable by
    design; a yes/no flag given twice means the same thing twice)."""

    def add_argument(self, *args, **kw):
        act = super().add_argument(*args, **kw)
        if act.option_strings and type(act) is argparse._StoreAction:
            act.__class__ = _StoreOnce
        return act


def _drop_stale_figure(a) -> None:
    """``--overwrite --no-figure``: the replaced run's figure would sit beside the new tables as if it were theirs."""
    if a.no_figure:
        (Path(a.out) / "summary.png").unlink(missing_ok=True)


def _check_run_flags(a) -> None:
    """--weeks/--seed are the flags' own values: a mistake in them is named as the flag's, not the config's."""
    from .scenarios import MAX_SEED, MAX_WEEKS

    if a.weeks is not None and not 1 <= a.weeks <= MAX_WEEKS:
        raise ConfigError(f"--weeks {a.weeks}: must be a whole number in [1, {MAX_WEEKS}].")
    if a.seed is not None and not 0 <= a.seed <= MAX_SEED:
        raise ConfigError(f"--seed {a.seed}: must be a whole number in [0, {MAX_SEED}].")


def _refuse_store(out: str, overwrite: bool = False) -> None:
    """A single run's files must not land in a sweep/compare store or a calibration's folder (they would mix
    with, and there overwrite, what those wrote); an earlier single run's folder is replaced only with
    ``--overwrite``, as compare and sweep ask (results are not lost to a reused --out)."""
    path = Path(out)
    meta = path / "meta.json"
    if meta.is_file() and not overwrite:
        try:
            m = json.loads(meta.read_text(encoding="utf-8"))
            what = f" ({m.get('config', {}).get('preset') or m.get('name', '?')}, seed {m.get('seed', '?')})"
        except (OSError, ValueError, AttributeError):
            what = ""
        raise ConfigError(f"--out {out}: already holds a run{what}. Pass --overwrite to replace it, or choose a "
                          f"new --out.")
    for marker, what in (("manifest.json", "the results store of a compare, sweep or sensitivity run"),
                         ("spec.json", "a calibration")):
        if (path / marker).is_file():
            raise ConfigError(f"--out {out}: holds {what} ({marker}); a single run's tables would mix with it. "
                              f"Choose another --out.")


def cmd_run(a) -> int:
    from .district import is_district_config

    _check_out(a.out)
    _check_run_flags(a)
    _refuse_store(a.out, a.overwrite)
    from .run import simulate, write_run
    from .scenarios import load_config

    if is_district_config(a.config):  # a YAML with a top-level `communities:` key: one street office's district
        from .district import run_district_config

        res = run_district_config(a.config, a.out, seed=a.seed, weeks=a.weeks, figure=not a.no_figure)
        _drop_stale_figure(a)
        m = res.meta
        print(f"{m['name']}: {m['n_communities']} communities, {m['n_residents']} residents, {m['weeks']} weeks, "
              f"seed {m['seed']}, {len(m['policies'])} community polic{'y' if len(m['policies']) == 1 else 'ies'} "
              f"({m['wall_seconds']} s)")
        y = res.yearly[res.yearly["group"] == "all"]
        cols = ["community", "year", "n", "never_participated", "trust_committee", "sees_rc_as_government",
                "rc_admin_share", "street_pressure", "capacity"]
        print(y[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"wrote {a.out}/weekly.parquet, yearly.parquet, meta.json" + ("" if a.no_figure else ", summary.png"))
        return 0
    cfg = load_config(a.config, seed=a.seed, weeks=a.weeks)
    if cfg.seed is None:
        cfg.seed = 1
    res = simulate(cfg)
    out = write_run(res, a.out, figure=not a.no_figure)
    _drop_stale_figure(a)
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
    import textwrap

    from .scenarios import GOVERNANCE, NEIGHBOURHOODS, _closest, governance_names, one_line, preset_names, read_yaml

    kinds = (("Neighbourhood presets (configs/neighbourhoods):", NEIGHBOURHOODS, preset_names()),
             ("Governance presets (configs/governance):", GOVERNANCE, governance_names()))
    if a.name:  # one preset in full: description, source, policies and settings
        for _, folder, names in kinds:
            if a.name in names:
                d = read_yaml(folder / f"{a.name}.yaml")
                print(f"{a.name} ({folder.name}/{a.name}.yaml)")
                print(textwrap.fill(one_line(d.get("description", "")), 100, initial_indent="  ",
                                    subsequent_indent="  "))
                if d.get("source"):
                    print(f"  source: {d['source']}")
                if d.get("calibration"):
                    print(f"  calibration: {d['calibration']}{_calibration_origin(d['calibration'])}")
                for pol in d.get("policies") or []:
                    print(f"  policy: {pol}")
                settings = d.get("params") or {}
                if settings:
                    print("  settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
                return 0
        allowed = preset_names() + governance_names()
        print(f"cgsim: error: unknown preset {a.name!r}.{_closest(a.name, allowed)} Allowed: {', '.join(allowed)}.",
              file=sys.stderr)
        return 2
    for title, folder, names in kinds:
        if not names:
            continue
        print(title)
        for n in names:
            d = read_yaml(folder / f"{n}.yaml")
            text = textwrap.shorten(one_line(d.get("description", "")), 100, placeholder=" ...")
            print(f"  {n:26s} {text}")
    print("`cgsim presets NAME` shows one in full.")
    return 0


def cmd_params(a) -> int:
    from .params import param_table

    rows = param_table()
    groups = list(dict.fromkeys(r["group"] for r in rows))
    if a.group is not None and a.group not in groups:
        from .scenarios import _closest

        raise ConfigError(f"--group {a.group!r}: unknown group.{_closest(a.group, groups)} Allowed: {', '.join(groups)}.")
    if a.name:
        row = next((r for r in rows if r["name"] == a.name), None)
        if row is None:
            from .scenarios import _closest

            raise ConfigError(f"unknown parameter {a.name!r}.{_closest(a.name, [r['name'] for r in rows])} "
                              f"See `cgsim params` for the list.")
        if a.group is not None and row["group"] != a.group:
            raise ConfigError(f"{a.name} is in group {row['group']!r}, not {a.group!r}: give a NAME or a --group, "
                              f"or the group it is in.")
        for k in ("name", "group", "type", "default", "unit", "source", "doc"):
            print(f"{k:8s} {row[k]}")
        print(f"{'allowed' if row['choices'] else 'range':8s} {_fmt_range(row['lo'], row['hi'], row['choices'])}")
        from .scenarios import load_preset, preset_names

        own = {n: load_preset(n)[0].get(a.name, row["default"]) for n in preset_names()}
        differ = {n: v for n, v in own.items() if v != row["default"]}
        print(f"{'presets':8s} " + (", ".join(f"{n} {v}" for n, v in differ.items()) + " (calibrated or set there; "
                                   "the others use the default)" if differ else "all use the default"))
        return 0
    print(f"{'parameter':28s} {'default':>10s} {'range':>16s}  unit   (`cgsim params NAME`: source, preset values)")
    for r in rows:
        if a.group is not None and r["group"] != a.group:
            continue
        print(f"{r['name']:28s} {str(r['default']):>10s} {_fmt_range(r['lo'], r['hi'], r['choices']):>16s}  "
              f"{r['unit']}")
    return 0


def cmd_policies(a) -> int:
    from .params import param_table
    from .policies import all_policies, resolve

    if a.name is not None:
        cls = resolve(a.name)
        if cls is None:
            from .policies import allowed_names

            from .scenarios import _closest

            raise ConfigError(f"unknown policy {a.name!r}.{_closest(a.name, allowed_names())} "
                              f"Allowed: {', '.join(allowed_names())}.")
        print(f"{cls.id}  ({' / '.join(cls.aliases)})")
        print(f"  {cls.summary}")
        print(f"  source: {cls.source}")
        doc = textwrap.dedent(sys.modules[cls.__module__].__doc__ or "").strip()
        print(textwrap.indent(doc, "  "))
        print("  parameters:")
        for r in param_table(cls.Params):
            print(f"    {r['name']:24s} default {r['default']!s:8s} {_fmt_range(r['lo'], r['hi'], r['choices']):14s} "
                  f"{r['unit']} — {r['doc']} (source: {r['source']})")
        return 0
    for pid, cls in all_policies().items():
        print(f"{pid:28s} {_pad(' / '.join(cls.aliases), 18)} {cls.summary}  [{cls.source}]")
    return 0


def cmd_viz(a) -> int:
    from .viz.launch import serve

    return serve(a.config, port=a.port, host=a.host, lang=a.lang, open_browser=a.open)


def _pool_args(a) -> dict:
    _check_out(a.out)
    if a.resume and a.overwrite:  # one keeps the stored runs, the other deletes them
        raise ConfigError("--resume and --overwrite contradict each other: --resume continues the runs stored in "
                          "--out, --overwrite deletes them and starts again. Pass one.")
    if a.retry_failed and not a.resume:
        raise ConfigError("--retry-failed works with --resume (it reruns the failed runs of a stored sweep); "
                          "add --resume.")
    from .experiment.executors import check_pool_options

    check_pool_options(a.executor, a.workers, a.scheduler)
    return dict(executor=a.executor, workers=a.workers, scheduler=a.scheduler, resume=a.resume,
                overwrite=a.overwrite, retry_failed=a.retry_failed, progress=not a.no_progress)


def _guarded(fn, *args, **kw):
    """Run an experiment driver; an interruption leaves finished runs stored and says how to go on."""
    from .analysis.sensitivity import FailedRuns
    from .experiment.runner import RunAborted

    try:
        return fn(*args, **kw)
    except (RunAborted, FailedRuns) as e:
        if getattr(e, "result", None) is not None:
            _print_status(e.result, kw.get("lang") or "en")
        print(f"cgsim: error: {e}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        print("cgsim: interrupted; finished runs are stored, continue with the same command and --resume",
              file=sys.stderr)
        raise SystemExit(130) from None


def _print_status(res: dict, lang: str = "en") -> None:
    """Runs done, failed and pending, time and pool, in the report's language."""
    st = res["status"]
    if lang == "zh":
        from .analysis.labels import pool_text

        print(f"{st['ok']} 次运行成功，{st['failed']} 次失败，{st['pending']} 次未运行；用时 {res['wall_seconds']:.1f} 秒，"
              f"{pool_text(res['pool'], 'zh')}", file=sys.stderr)
        if st["failed"]:
            print(f"cgsim：{st['failed']} 次运行失败，错误记录在 runs.jsonl（cgsim.results.load(DIR).failed）；修正后用同一命令"
                  f"加 --resume --retry-failed 只重跑这些运行", file=sys.stderr)
        return
    print(f"{st['ok']} runs ok, {st['failed']} failed, {st['pending']} pending; {res['wall_seconds']:.1f} s on "
          f"{res['pool']}", file=sys.stderr)
    if st["failed"]:
        print(f"cgsim: {st['failed']} run{'s' if st['failed'] != 1 else ''} failed: their errors are in runs.jsonl "
              f"(cgsim.results.load(DIR).failed); after a fix, the same command with --resume --retry-failed runs "
              f"only those again", file=sys.stderr)


def _exit_status(res: dict) -> int:
    """0 only when every planned run finished and none failed (scripts can rely on it)."""
    st = res["status"]
    return 0 if st["pending"] == 0 and st["failed"] == 0 else 1


def cmd_compare(a) -> int:
    from .analysis.labels import outcome_label
    from .analysis.report import fmt_effect
    from .experiment.compare import run_compare
    from .experiment.config import load_experiment

    exp = load_experiment(a.experiment)
    lang = a.lang or exp.language
    res = _guarded(run_compare, exp, a.out, lang=lang, **_pool_args(a))
    _print_status(res, lang)
    eff = res["effects"]
    key = eff[eff["group"] == ("all" if "all" in exp.outputs.groups else exp.outputs.groups[0])]
    labels = {s.name: s.label[lang] for s in exp.scenarios}
    for sc, d in key.groupby("scenario", sort=False, observed=True):
        print(f"{labels[sc]} 对比 {labels[exp.baseline]}：" if lang == "zh" else f"{labels[sc]} vs {labels[exp.baseline]}:")
        for r in d.itertuples():
            mark = " *" if r.clear else ""
            effect = fmt_effect(r.effect, r.ci_low, r.ci_high, r.outcome, lang)
            print(f"  {_pad(outcome_label(r.outcome, lang), 48)} {effect}{mark}")
    if lang == "zh":
        print(f"已写入 {res['report_html']} 和 {res['report_md'].name}（另有 figures/、effects.csv、summary.csv）")
    else:
        print(f"wrote {res['report_html']} and {res['report_md'].name} (figures/, effects.csv, summary.csv)")
    return _exit_status(res)


def cmd_sweep(a) -> int:
    from .experiment.design import load_sweep
    from .experiment.sweep import run_sweep

    spec = load_sweep(a.sweep, require="design")
    res = _guarded(run_sweep, spec, a.out, **_pool_args(a))
    _print_status(res)
    print(f"wrote {a.out} (manifest.json, design.parquet, runs.jsonl, summary/, "
          f"{', '.join(t + '/' for t in spec.outputs.store)}); load with cgsim.results.load({str(a.out)!r})")
    return _exit_status(res)


def cmd_sensitivity(a) -> int:
    from .analysis.sensitivity import run_sensitivity
    from .experiment.design import load_sweep

    spec = load_sweep(a.config, require="sensitivity")
    res = _guarded(run_sensitivity, spec, a.out, **_pool_args(a))
    _print_status(res)
    idx = res["indices"]
    cols = ["mu_star", "sigma"] if spec.sensitivity["method"] == "morris" else ["S1", "ST"]
    print(idx[["outcome", "group", "factor"] + cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {res['report_md']} and {Path(res['report_html']).name} (figures/, indices.csv)")
    return _exit_status(res)


def _parse_sets(items: list[str]) -> dict:
    """NAME=VALUE flags, each VALUE read as a config file reads it (same number forms, same refusals)."""
    import yaml

    from .scenarios import _UniqueKeyLoader

    out = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected NAME=VALUE (e.g. --set admin_load=0.9).")
        k, v = item.split("=", 1)
        if not k.strip():
            raise ConfigError(f"--set {item!r}: the parameter name is missing (NAME=VALUE, e.g. --set admin_load=0.9).")
        if k.strip() in out:  # as a key given twice in a YAML file: which one was meant?
            raise ConfigError(f"--set {k.strip()} is given twice ({out[k.strip()]!r} and {v!r}): give it once.")
        try:
            out[k.strip()] = yaml.load(v, Loader=_UniqueKeyLoader)
        except yaml.YAMLError as e:
            why = getattr(e, "problem", None) or "not a number, word or YAML value"
            raise ConfigError(f"--set {item!r}: the value {v!r}: {why} (e.g. --set admin_load=0.9).") from None
    return out


def cmd_calibrate(a) -> int:
    from .calibration import calibrate, make_spec

    _check_out(a.out)

    if (a.survey is None) == (not a.steady_state):
        raise ConfigError("cgsim calibrate: give either --survey NAME (fit to a survey's figures) or --steady-state "
                          "with --preset NAME (fit only to the status quo holding still), not both or neither.")
    spec = make_spec(a.survey, a.preset, a.params, seeds=a.seeds, calibration=a.calibration,
                     overrides=_parse_sets(a.set), stationarity=not a.no_stationarity, step=a.step,
                     max_evals=a.max_evals, check_seeds=a.check_seeds, start_from=a.start_from)
    save_as = None
    if a.save is not None:
        save_as = a.save or (spec.preset if spec.steady_state else spec.survey.survey)
        if not re.fullmatch(r"[A-Za-z0-9_]+", save_as):  # it becomes data/calibrated/NAME.yaml, nothing else
            raise ConfigError(f"--save {save_as!r}: a name of letters, digits and _ (it is installed as "
                              f"data/calibrated/NAME.yaml).")
        from .scenarios import CALIBRATED, calibration_names, read_yaml

        if spec.steady_state and save_as in calibration_names():
            fitted_to = read_yaml(CALIBRATED / f"{save_as}.yaml", "calibrated parameter").get("survey")
            if fitted_to:  # a fit to survey figures must not be replaced by one without them
                raise ConfigError(f"--save {save_as}: data/calibrated/{save_as}.yaml was fitted to the {fitted_to} "
                                  f"survey; a steady-state calibration would replace it. Give another name "
                                  f"(--save NAME).")
    from .experiment.executors import check_pool_options

    check_pool_options("local", a.workers)
    command = "cgsim calibrate " + " ".join(_shell_quote(x) for x in (a.argv or []))
    log = None if a.quiet else (lambda msg: print(msg, flush=True))
    doc = calibrate(spec, a.out, workers=a.workers, save_as=save_as, restart=a.restart, progress=log,
                    command=command)
    print(f"\nestimate ({doc['status']}; objective {doc['objective']}; {doc['evaluations']} parameter points "
          f"evaluated in all, the search's and the interval checks'):")
    for n, iv in doc["intervals"].items():
        print(f"  {n:28s} {iv['estimate']:10.4g}   95% [{iv['low']:.4g}, {iv['high']:.4g}]   {iv['identification']}")
    if doc.get("drift_over_year_check"):
        print(f"drift over the first year on {'fresh' if spec.check_seeds else 'fit'} seeds (target 0): "
              + ", ".join(f"{k.removeprefix('drift_')} {v:+.4f}" for k, v in doc["drift_over_year_check"].items()))
    if not spec.steady_state:
        held = sum(r["holds"] for r in doc["fit"])
        print(f"survey figures within tolerance on {'fresh' if spec.check_seeds else 'fit'} seeds: "
              f"{held}/{len(doc['fit'])}")
        for r in doc["fit"]:
            op = {"at_least": ">= ", "at_most": "<= "}.get(r.get("kind"), "")
            print(f"  {r['column']:34s} survey {op + format(r['target'], '.3f'):9s} simulated {r['simulated']:.3f}  "
                  f"{'ok' if r['holds'] else 'MISS'}")
    print(f"wrote {a.out}/calibrated.yaml, report.md, convergence.png, evaluations.jsonl"
          + (f"; saved the set as {doc['saved_to']}" if doc.get("saved_to") else ""))
    return 0


def _calibration_origin(name: str) -> str:
    """How a calibrated set was made, in a few words (from its own file), or nothing if it cannot be read."""
    from .scenarios import CALIBRATED, NO_CALIBRATION, read_yaml

    f = CALIBRATED / f"{name}.yaml"
    if name == NO_CALIBRATION or not f.is_file():
        return ""
    doc = read_yaml(f, "calibrated parameter")
    how = (f"fitted to the {doc['survey']} survey" if doc.get("survey")
           else "a steady-state fit, no survey,")
    on = f" on top of {doc['inherits']}" if doc.get("inherits") else ""
    return f" ({how}{on}: {', '.join(doc.get('fitted') or [])}; data/calibrated/{name}/report.md)"


def _shell_quote(x: str) -> str:
    import shlex

    return shlex.quote(x)


def _add_pool_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="output folder (the results store and report)")
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores; 1 = this "
                                                             "process)")
    p.add_argument("--executor", choices=("local", "dask"), default="local", help="local process pool (default) or a "
                                                                                  "Dask cluster")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, with --executor dask")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    p.add_argument("--overwrite", action="store_true", help="replace the results already in --out")
    p.add_argument("--retry-failed", action="store_true", help="with --resume: run failed runs again")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="cgsim", description="Community-governance participation and trust simulator.")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one configuration and write its results")
    r.add_argument("config", help="preset name, YAML run config, or district config (a top-level "
                                  "`communities:` list)")
    r.add_argument("--seed", type=int, default=None, help="random seed (overrides the config)")
    r.add_argument("--weeks", type=int, default=None, help="weeks to simulate (overrides the config)")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--no-figure", action="store_true", help="skip summary.png")
    r.add_argument("--overwrite", action="store_true", help="replace an earlier run in --out")
    r.set_defaults(fn=cmd_run)
    s = sub.add_parser("presets", help="list neighbourhood and governance presets (or show one in full)")
    s.add_argument("name", nargs="?", help="a preset to show in full")
    s.set_defaults(fn=cmd_presets)
    pa = sub.add_parser("params", help="parameter reference")
    pa.add_argument("name", nargs="?")
    pa.add_argument("--group", default=None)
    pa.set_defaults(fn=cmd_params)
    po = sub.add_parser("policies", help="list policies, or show one in full")
    po.add_argument("name", nargs="?")
    po.set_defaults(fn=cmd_policies)
    v = sub.add_parser("viz", help="interactive browser view of a community (Solara, on localhost)")
    v.add_argument("config", nargs="?", default=None, help="preset name or YAML run config (default mianyang_2019)")
    v.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    v.add_argument("--lang", choices=("en", "zh"), default="en", help="starting language of the labels")
    v.add_argument("--open", action="store_true", help="open the page in the default browser")
    v.set_defaults(fn=cmd_viz)
    c = sub.add_parser("compare", help="compare scenarios on paired replicates and write a report")
    c.add_argument("experiment", help="experiment config (configs/experiments/*.yaml)")
    c.add_argument("--lang", choices=("en", "zh"), default=None, help="report language (default: the config's)")
    _add_pool_options(c)
    c.set_defaults(fn=cmd_compare)
    sw = sub.add_parser("sweep", help="run a parameter sweep into a resumable Parquet store")
    sw.add_argument("sweep", help="sweep config (factors, design, replicates, outputs)")
    _add_pool_options(sw)
    sw.set_defaults(fn=cmd_sweep)
    se = sub.add_parser("sensitivity", help="Morris screening or Sobol indices (SALib) with plots")
    se.add_argument("config", help="sensitivity config (factors, method, replicates, outputs)")
    _add_pool_options(se)
    se.set_defaults(fn=cmd_sensitivity)
    ca = sub.add_parser("calibrate", help="fit chosen parameters to survey figures (SMM with intervals)",
                        description="Fit chosen parameters to a survey's figures by simulated method of moments "
                                    "with common random numbers; writes calibrated.yaml (estimate, 95% intervals, "
                                    "fit table), report.md and convergence.png. Rerun the same command to resume.")
    ca.add_argument("--survey", default=None, help="survey name (data/surveys/NAME.yaml) or a survey YAML file")
    ca.add_argument("--steady-state", action="store_true",
                    help="no survey: fit the parameters so that the preset's status quo holds still by itself "
                         "(the stationarity moments only; needs --preset)")
    ca.add_argument("--preset", default=None, help="neighbourhood preset to fit (default: the survey's)")
    ca.add_argument("--params", required=True, help="comma-separated parameters to fit (see `cgsim params`)")
    ca.add_argument("--out", required=True, help="output folder (report, plot, evaluation log)")
    ca.add_argument("--calibration", default=None, help="calibrated set the other parameters come from (default: "
                                                        "the preset's; 'none' for schema defaults)")
    ca.add_argument("--set", action="append", metavar="NAME=VALUE", help="fix a parameter (repeatable)")
    ca.add_argument("--start-from", default=None, metavar="NAME",
                    help="calibrated set whose values start the search (default: the values the fitted parameters "
                         "have in the preset or --calibration); e.g. the survey's previous fit, after a model change")
    ca.add_argument("--seeds", type=int, default=4, help="fit seeds per evaluation, common to all points "
                                                         "(default 4)")
    ca.add_argument("--check-seeds", type=int, default=10, help="fresh seeds for the fit report (default 10)")
    ca.add_argument("--max-evals", type=int, default=300, help="evaluation budget (default 300)")
    ca.add_argument("--step", type=float, default=0.02, help="finite-difference step, share of each range "
                                                             "(default 0.02)")
    ca.add_argument("--no-stationarity", action="store_true", help="do not ask the status quo to be a steady state")
    ca.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    ca.add_argument("--save", nargs="?", const="", default=None, metavar="NAME",
                    help="also install the set as data/calibrated/NAME.yaml (default NAME: the survey's, or the "
                         "preset's with --steady-state)")
    ca.add_argument("--restart", action="store_true", help="discard the evaluations already in --out")
    ca.add_argument("--quiet", action="store_true", help="no progress lines")
    ca.set_defaults(fn=cmd_calibrate)
    return ap


def _show_warning(message, category, *args, **kw) -> None:
    print(f"cgsim: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    import warnings

    warnings.showwarning = _show_warning
    args = build_parser().parse_args(argv)
    vars(args).pop("_given", None)
    args.argv = list(sys.argv[2:] if argv is None else argv[1:])
    try:
        return args.fn(args)
    except ConfigError as e:
        print(f"cgsim: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly, as Unix tools do
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        print(f"cgsim: error: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cgsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser"]
