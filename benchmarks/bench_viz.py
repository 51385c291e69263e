"""Latency of one step of the browser view, server-side (not a test: nothing here asserts a time).

    python benchmarks/bench_viz.py             # 52 steps each way
    python benchmarks/bench_viz.py --weeks 20

Two measures, for the default community (``mianyang_2019``, ~2,600 residents), alone and side by
side with its baseline (two communities stepped and drawn):
1. page: the real page (``cgsim.viz.app.Page`` in Solara's app layout, in a virtual kernel, as
   ``solara run`` renders it) and a click on SolaraViz's "Step" button: the model's step, the
   re-render of every component, the figures and the widget updates, i.e. everything the server
   does for a click except writing to the websocket;
2. parts: the step, the network frames and the charts, timed alone.
Wall times grow when other work shares the cores; the page's CPU time is printed beside them.
Target (issue 5): one step of the default community, with the redraw, within 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import time

import numpy as np


def _stats(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"median_ms": round(float(np.median(a)), 1), "p95_ms": round(float(np.percentile(a, 95)), 1),
            "max_ms": round(float(a.max()), 1), "n": len(a)}


def bench_page(weeks: int, compare: bool) -> dict:
    """Click "Step" ``weeks`` times on the rendered page; the first render and a Reset are not timed."""
    import ipyvuetify as v
    import solara
    from solara.server import kernel_context

    from cgsim.viz import app

    # (outside a server the app layout prints its app bar: keep that off the report)
    with kernel_context.create_dummy_context(), contextlib.redirect_stdout(io.StringIO()):
        t0 = time.perf_counter()
        _, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
        first = time.perf_counter() - t0
        if compare:
            box = rc.find(v.Checkbox, label=app.t("compare", "en")).widget
            box.v_model = True
            rc.find(v.Btn, children=["Reset"]).widget.fire_event("click", {})
        step = rc.find(v.Btn, children=["Step"]).widget
        ms, cpu = [], []
        for _ in range(weeks):
            t, c = time.perf_counter(), time.process_time()
            step.fire_event("click", {})
            ms.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        status = rc.find(v.Html, class_="cgsim-status").widget.children[0]
    return {**_stats(ms), "cpu": _stats(cpu), "first_render_s": round(first, 2), "last_status": status}


def bench_parts(weeks: int, compare: bool) -> dict:
    from cgsim.viz import app

    s = app.Session(compare=compare, policies={"station_separation": {"on": True, "start_week": 10}})
    nets = {id(m): app.NetworkView(s.plan) for m in s.runs}
    charts = app.ChartsView()
    parts: dict[str, list[float]] = {"step": [], "network": [], "charts": [], "total": []}
    for w in range(weeks + 1):
        t0 = time.perf_counter()
        s.step()
        t1 = time.perf_counter()
        for m in s.runs:
            nets[id(m)].png(m, s.memory[id(m)], estate=-1, mode="channel", lang="en")
        t2 = time.perf_counter()
        charts.pngs(s.runs, dim="age", lang="en", weeks=s.main.weeks)
        t3 = time.perf_counter()
        if w:  # the first frame builds the figures
            for k, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
                parts[k].append(dt * 1000)
    return {k: _stats(v) for k, v in parts.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--json", help="also write the results to this file")
    a = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = {"cpus": os.cpu_count(), "load_1min": round(load, 2)}
    print(f"browser view, default community, {a.weeks} steps (load average {load:.2f} on {os.cpu_count()} cores)")
    for compare in (False, True):
        label = "side by side" if compare else "one community"
        page = bench_page(a.weeks, compare)
        parts = bench_parts(a.weeks, compare)
        out[label] = {"page": page, "parts": parts}
        print(f"\n{label}:")
        print(f"  page, click on Step (server-side): median {page['median_ms']} ms, p95 {page['p95_ms']} ms, "
              f"max {page['max_ms']} ms  (first render {page['first_render_s']} s)")
        c = page["cpu"]
        print(f"    CPU time of the same (what contention for the cores does not change): median {c['median_ms']} ms, "
              f"p95 {c['p95_ms']} ms, max {c['max_ms']} ms")
        print(f"    page's own status line at the end: {page['last_status']}")
        for k, st in parts.items():
            print(f"  {k:8s} median {st['median_ms']:7.1f} ms   p95 {st['p95_ms']:7.1f} ms   "
                  f"max {st['max_ms']:7.1f} ms")
    print("\ntarget: one step with the redraw within 300 ms (issue 5)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)


if __name__ == "__main__":
    main()
