"""The browser view's parts without a browser: site-plan layout, controls from the policy registry,
image encoding, figures, and the list of front-end packages."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from cgsim import CommunityModel
from cgsim.policies import all_policies
from cgsim.viz import app, assets, labels
from cgsim.viz.layout import site_plan

SMALL = dict(n_households=240)


@pytest.fixture(scope="module")
def model():
    return CommunityModel(rng=2, **SMALL)


def test_site_plan_puts_everyone_in_their_estate(model):
    plan = site_plan(model.hierarchy, model.population.household)
    pop = model.population
    assert plan.xy.shape == (pop.n, 2) and np.isfinite(plan.xy).all()
    box = plan.estate_box[pop.estate]
    assert ((plan.xy >= box[:, :2] - 0.3) & (plan.xy <= box[:, 2:] + 0.3)).all()
    assert len(np.unique(plan.xy.round(6), axis=0)) == pop.n  # nobody sits on top of anybody else
    again = site_plan(model.hierarchy, pop.household)
    assert np.array_equal(plan.xy, again.xy)
    assert sum(len(m) for m in plan.members) == pop.n


def test_every_registered_policy_gets_controls():
    for pid, cls in all_policies().items():
        inputs = app.param_inputs(cls)
        assert "start_week" in inputs, pid
        for name, spec in inputs.items():
            if spec["kind"] in ("int", "float"):
                assert spec["min"] < spec["max"], (pid, name)
        assert labels.policy_label(cls, "en") and labels.policy_label(cls, "zh")
    specs = app.policy_specs({"station_separation": {"on": True, "start_week": 3, "share": 0.5},
                              "community_centre": {"on": False}, "no_such_policy": {"on": True}})
    assert specs == [{"name": "station_separation", "start_week": 3, "share": 0.5}]


def test_encoded_images_decode():
    rgba = np.random.default_rng(0).integers(0, 256, (37, 53, 4), dtype=np.uint8)
    png = Image.open(io.BytesIO(app.encode(rgba)))
    assert png.format == "PNG" and np.array_equal(np.asarray(png.convert("RGB")), rgba[:, :, :3])
    assert Image.open(io.BytesIO(app.encode(rgba, "jpeg"))).size == (53, 37)


def test_session_steps_and_draws_both_runs():
    s = app.Session(compare=True, seed=4, weeks=20, overrides=SMALL,
                    policies={"station_separation": {"on": True, "start_week": 1}})
    assert [m.policies for m in s.runs][0] == [] and len(s.main.policies) == 1
    nets = {id(m): app.NetworkView(s.plan) for m in s.runs}
    charts = app.ChartsView()
    for _ in range(3):
        s.step()
        for m in s.runs:
            for mode in ("channel", "trust_gen", "stage"):
                img = nets[id(m)].png(m, s.memory[id(m)], estate=-1, mode=mode, lang="en")
                assert Image.open(io.BytesIO(img)).size[0] == int(app.WIDTH_IN * app.DPI)
        pngs = charts.pngs(s.runs, dim="tenure", lang="en", weeks=20)
        assert len(pngs) == len(app.PANELS)
    assert s.main.week == 3 == s.baseline.week
    one = nets[id(s.main)].png(s.main, s.memory[id(s.main)], estate=0, mode="channel", lang="zh")
    assert Image.open(io.BytesIO(one)).size[0] == int(app.WIDTH_IN * app.DPI)


def test_charts_draw_a_group_with_no_residents():
    """Where everyone rents, the owners' line (the first of its chart) is all NaN: the chart still draws, on a
    finite range."""
    s = app.Session(compare=False, seed=1, weeks=6, overrides={"n_households": 40, "renter_share_local": 1.0,
                                                               "renter_share_migrant": 1.0})
    charts = app.ChartsView()
    for _ in range(2):
        s.step()
        pngs = charts.pngs(s.runs, dim="tenure", lang="en", weeks=6)
        assert len(pngs) == len(app.PANELS)
    group_panel = charts.panels[[p[0] for p in app.PANELS].index("chart_groups")]
    assert np.isfinite(group_panel.limits).all()


def test_labels_fall_back_to_english_then_key():
    assert labels.t("week_n", "zh", n=3) == "第 3 周"
    assert labels.t("week_n", "en", n=3) == "week 3"
    assert labels.t("some_new_param", "zh") == "some new param"


def test_solara_front_end_packages_are_known():
    req = assets.required()
    assert "requirejs" in req and "@widgetti/solara-vuetify-app" in req
    assert all(v[0].isdigit() for v in req.values())
    assert not any("vuetify3" in k for k in req)  # ipyvue < 2 is pinned


def test_trust_chart_shows_the_firm_only_where_there_is_one():
    """A series the community does not have (trust in a firm where there is none: all NaN) gets no line and no
    legend entry; where a firm serves the community it is drawn beside neighbours and committee."""
    panel = next(app.ChartPanel(s) for s in app.PANELS if s[0] == "chart_trust")
    with_firm = app.chart_data(CommunityModel(preset="commodity_estate", rng=1, weeks=3).run(), "age")
    without = app.chart_data(CommunityModel(preset="old_danwei_compound", rng=1, weeks=3).run(), "age")
    assert panel.series(with_firm) == ["trust_neighbours", "trust_committee", "trust_firm"]
    assert panel.series(without) == ["trust_neighbours", "trust_committee"]
