"""District scale (MODEL.md §2): many communities under one street office.

Small communities (150 households) and few weeks keep this file fast.
"""

import json
import subprocess
import sys

import mesa
import numpy as np
import pandas as pd
import pytest

from cgsim import CommunityModel, ConfigError
from cgsim.district import (DISTRICT, DistrictModel, community_seed, load_district_config, run_district_config)

TINY = dict(n_households=150)
MIX = [{"preset": "mianyang_2019", "count": 2}, {"preset": "old_danwei_compound"}]
STREET_COLS = ["seed", "community", "preset", "street_attention", "street_pressure"]


def district(**kw):
    kw = {**TINY, **kw}
    kw.setdefault("rng", 3)
    kw.setdefault("weeks", 6)
    return DistrictModel(**kw)


@pytest.fixture(scope="module")
def mixed():
    return district(communities=MIX).run()


def one(w, name):
    """One community's rows as its own CommunityModel would give them."""
    return w[w.community == name].drop(columns=STREET_COLS).reset_index(drop=True)


def test_builds_and_steps_as_a_mesa_model(mixed):
    m = mixed
    assert isinstance(m, mesa.Model) and all(isinstance(c, CommunityModel) for c in m.communities)
    assert m.names == ["mianyang_2019_1", "mianyang_2019_2", "old_danwei_compound"]
    assert len(m.agents) == 1 and m.office in m.agents  # one street office for the district
    assert [c.street.pressure for c in m.communities] == list(m.office.pressure)
    assert m.week == 6 and not m.running and all(c.week == 6 for c in m.communities)
    dc = m.datacollector.get_model_vars_dataframe()
    assert len(dc) == 7 and {"rate_any", "trust_committee", "street_pressure", "n_residents"} <= set(dc.columns)
    assert dc["n_residents"].iloc[-1] == m.n_residents == sum(c.population.n for c in m.communities)


def test_tables_invariants_and_population_weighting(mixed):
    m = mixed
    w, y = m.weekly_frame(), m.yearly_frame()
    assert set(w.community) == {DISTRICT, *m.names} and "community" in y.columns
    # trust in the property firm is not measured where there is none (the danwei compound), and the district
    # figure weighs the communities that have one
    assert w.loc[w.community == "old_danwei_compound", "trust_firm"].isna().all()
    assert not w[w.community != "old_danwei_compound"].isna().any().any()
    assert not w.drop(columns="trust_firm").isna().any().any()
    shares = [c for c in w.columns if c.startswith(("rate_", "stage_", "trust_", "aware", "sees", "asked"))]
    v = w[shares]
    assert (((v >= 0) & (v <= 1)) | v.isna()).all().all()
    alls = w[w.group == "all"]
    # nobody lost: every community keeps its population each week, the district is their sum, groups partition it
    for c, name in zip(m.communities, m.names):
        assert (alls[alls.community == name]["n"] == c.population.n).all()
    assert (alls[alls.community == DISTRICT]["n"] == m.n_residents).all()
    for dim in ("age", "hukou", "tenure", "party"):
        d = w[(w.community == DISTRICT) & (w.week == 3) & (w.dimension == dim)]
        assert d["n"].sum() == m.n_residents
    # district = population-weighted mean of the communities (resident and level measures), sum of counts
    wk = alls[alls.week == 4].set_index("community")
    per = wk.drop(index=DISTRICT)
    for col in ("rate_any", "trust_committee", "capacity", "rc_admin_share"):
        assert wk.loc[DISTRICT, col] == pytest.approx(np.average(per[col], weights=per["n"]))
    assert wk.loc[DISTRICT, "issues_open"] == per["issues_open"].sum()
    # each community's rows are exactly that community's own table
    assert one(w, m.names[2]).equals(m.communities[2].weekly_frame())


def test_same_seed_same_tables_and_seeds_per_community(mixed):
    again = district(communities=MIX).run()
    pd.testing.assert_frame_equal(mixed.weekly_frame(), again.weekly_frame(), check_exact=True)
    seeds = [c.seed for c in mixed.communities]
    assert seeds == [community_seed(3, k) for k in range(3)] and len(set(seeds)) == 3
    other = district(communities=MIX, rng=4, weeks=2).run()
    assert not np.allclose(other.weekly_frame()["trust_committee"], mixed.weekly_frame()["trust_committee"][
        mixed.weekly_frame().week < 2])


def test_span_equal_to_capacity_reproduces_single_communities():
    m = district(n_communities=3, street_office={"capacity_communities": 3}, weeks=4).run()
    assert list(m.office.pressure) == [1.0, 1.0, 1.0]
    w = m.weekly_frame()
    c = CommunityModel(config=m.config.communities[1].config, rng=m.communities[1].seed, build_space=False).run()
    pd.testing.assert_frame_equal(one(w, m.names[1]), c.weekly_frame(), check_exact=True)


def test_common_random_numbers_per_community():
    base = district(communities=MIX, weeks=8).run().weekly_frame()
    # a policy in one community only (no call on the office): the others are identical throughout
    sep = district(communities=MIX, weeks=8,
                   policies=[{"name": "station_separation", "start_week": 4, "communities": ["old_danwei_compound"]}])
    assert [len(c.policies) for c in sep.communities] == [0, 0, 1]
    w = sep.run().weekly_frame()
    for name in ("mianyang_2019_1", "mianyang_2019_2"):
        pd.testing.assert_frame_equal(one(w, name), one(base, name), check_exact=True)
    b, p = one(base, "old_danwei_compound"), one(w, "old_danwei_compound")
    pd.testing.assert_frame_equal(p[p.week < 4], b[b.week < 4], check_exact=True)
    assert (p[p.week >= 4]["rc_admin_share"].to_numpy() < b[b.week >= 4]["rc_admin_share"].to_numpy()).all()

    # a policy that draws the office's direct management (grid management) in community 0: every community's early
    # weeks are the baseline's; afterwards the others get less of the office's attention, a week later
    # (an office sized for these three, so no community sits at the attention cap)
    office = {"capacity_communities": 3}
    base = district(communities=MIX, weeks=8, street_office=office).run().weekly_frame()
    grid = district(communities=MIX, weeks=8, street_office=office,
                    policies=[{"name": "grid_management", "start_week": 4, "communities": [0]}]).run().weekly_frame()
    for name in ("mianyang_2019_1", "mianyang_2019_2", "old_danwei_compound"):
        b, g = one(base, name), one(grid, name)
        pd.testing.assert_frame_equal(g[g.week < 4], b[b.week < 4], check_exact=True)
    late = (grid.week >= 5) & (grid.group == "all")
    others = late & grid.community.isin(["mianyang_2019_2", "old_danwei_compound"])
    bl = (base.week >= 5) & (base.group == "all") & base.community.isin(["mianyang_2019_2", "old_danwei_compound"])
    assert (grid[others]["street_pressure"].to_numpy() < base[bl]["street_pressure"].to_numpy()).all()
    assert (grid[others]["rc_admin_share"].to_numpy() <= base[bl]["rc_admin_share"].to_numpy()).all()
    first = grid[late & (grid.community == "mianyang_2019_1")]["street_pressure"]
    assert (first.to_numpy() > base[bl & (base.community == "mianyang_2019_2")]["street_pressure"].to_numpy()).all()


def test_street_office_is_shared_more_communities_less_push_each():
    small = district(n_communities=2, weeks=1).run()
    large = district(n_communities=12, weeks=1).run()
    assert small.office.pressure.min() > 1.0 > large.office.pressure.max()
    sw, lw = small.weekly_frame(), large.weekly_frame()
    s = sw[(sw.group == "all") & (sw.community != DISTRICT)]["rc_admin_share"].mean()
    l_ = lw[(lw.group == "all") & (lw.community != DISTRICT)]["rc_admin_share"].mean()
    assert l_ < s
    # attention follows direct management: a community under stronger government draws more of the office
    m = district(communities=[{"preset": "mianyang_2019", "count": 3}, {"preset": "mianyang_2019", "name": "strong",
                                                                          "gov_intensity": 0.95}], weeks=1,
                 street_office={"capacity_communities": 4})
    assert m.office.pressure[3] > m.office.pressure[0]


def test_batch_run_over_district_span():
    rows = mesa.batch_run(DistrictModel, parameters={"n_communities": [2, 12], **{k: [v] for k, v in TINY.items()}},
                          rng=[1], max_steps=1, display_progress=False)
    df = pd.DataFrame(rows)
    assert len(df) == 2
    assert df.set_index("n_communities")["street_pressure"].loc[12] < df.set_index("n_communities")[
        "street_pressure"].loc[2]


def test_run_district_config_writes_tables(tmp_path):
    cfg = {"name": "tiny", "weeks": 3, "n_households": 150, "communities": MIX,
           "policies": [{"name": "work_access_list", "start_week": 1}]}
    res = run_district_config(cfg, tmp_path / "out", seed=2, figure=False)
    w = pd.read_parquet(tmp_path / "out" / "weekly.parquet")
    assert set(w.community) == {DISTRICT, "mianyang_2019_1", "mianyang_2019_2", "old_danwei_compound"}
    meta = json.loads((tmp_path / "out" / "meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 2 and meta["n_communities"] == 3 and len(meta["policies"]) == 3
    assert [c["seed"] for c in meta["communities"]] == [community_seed(2, k) for k in range(3)]
    assert (tmp_path / "out" / "yearly.parquet").is_file() and res.meta["config_hash"] == meta["config_hash"]


def test_example_district_config_is_valid():
    c = load_district_config("configs/districts/example_district.yaml")
    assert len(c.communities) == 10 and c.street.capacity_communities == 10


@pytest.mark.parametrize("text, words", [
    ("communitis: []\n", ["unknown key 'communitis'", "Did you mean 'communities'", "Allowed:"]),
    ("communities: [{preset: mianyang_2019, cont: 2}]\n", ["communities[0]", "unknown key 'cont'", "'count'"]),
    ("communities: [{preset: mianyang_2019, count: two}]\n", ["'communities[0].count' = 'two'", "whole number"]),
    ("communities: [{preset: mianyang_2020}]\n", ["unknown preset 'mianyang_2020'", "mianyang_2019"]),
    ("communities: [{preset: mianyang_2019, admin_load: 3}]\n", ["communities[0]", "'admin_load'", "1.5"]),
    ("communities: [{preset: mianyang_2019}]\nstreet_office: {capacity: 4}\n",
     ["street_office: unknown key 'capacity'", "capacity_communities"]),
    ("communities: [{preset: mianyang_2019}]\nstreet_office: {supervision_share: 2}\n",
     ["street_office.supervision_share = 2", "[0.0, 1.0]"]),
    ("communities: [{preset: mianyang_2019}]\npolicies: [{name: station_separation, communities: [nowhere]}]\n",
     ["policies[0].communities: no community 'nowhere'", "mianyang_2019"]),
    ("communities: [{preset: mianyang_2019, policies: [{name: station_separation, leakage: 5}]}]\n",
     ["communities[0]", "'leakage' = 5"]),
    ("communities: {preset: mianyang_2019}\n", ["'communities' must be a non-empty list"]),
    # policy mistakes are indexed as written: the district-wide list, or the entry's own
    ("policies: [{name: work_access_list}, {name: station_separation, lekage: 0.3}]\n"
     "communities: [{preset: mianyang_2019}]\n", ["policies[1] (station_separation): unknown key 'lekage'"]),
    ("policies: [{name: work_access_list}]\ncommunities: [{preset: mianyang_2019, policies: "
     "[{name: station_separation, start_week: 0}, {name: station_separation, start_week: 1}]}]\n",
     ["communities[0] (mianyang_2019): policies[1] (station_separation, from week 1) overlaps policies[0]"]),
    ("policies: [{name: micro_fund}]\ncommunities: [{preset: mianyang_2019, policies: [{name: micro_fund}]}]\n",
     ["policies[0] (micro_fund, from week 26) overlaps policies[0] (district-wide)"]),
    # a governance model's policy against a district-wide one (merged after it): named as written too
    ("policies: [{name: station_separation}, {name: micro_fund}]\n"
     "communities: [{preset: mianyang_2019, governance: co_creation}]\n",
     ["policies[1] (district-wide) (micro_fund, from week 26) overlaps governance co_creation: policies[1]"]),
    ("communities: [{preset: mianyang_2019, n_households: 80.0}]\n", ["'n_households' = 80.0", "whole number"]),
])
def test_config_errors_name_file_key_and_allowed_values(tmp_path, text, words):
    f = tmp_path / "bad_district.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_district_config(f)
    msg = str(e.value)
    assert str(f) in msg, msg
    for word in words:
        assert word in msg, msg


def test_cli_runs_a_district_config_and_reports_errors_without_traceback(tmp_path):
    good = tmp_path / "d.yaml"
    good.write_text("weeks: 2\nn_households: 150\ncommunities: [{preset: mianyang_2019, count: 2}]\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cgsim.cli", "run", str(good), "--out", str(tmp_path / "o"),
                        "--no-figure"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "2 communities" in r.stdout and (tmp_path / "o" / "weekly.parquet").is_file()
    bad = tmp_path / "bad.yaml"
    bad.write_text("communities: [{preset: mianyang_2019}]\nstreet_ofice: {}\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cgsim.cli", "run", str(bad), "--out", str(tmp_path / "o2")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown key 'street_ofice'" in r.stderr and "Traceback" not in r.stderr


def test_district_groups_are_weighted_by_who_is_there():
    """A group one community lacks is measured from the others; a group no community has stays NaN."""
    from tests.conftest import assert_measured

    rural = dict(preset="rural_village", n_households=40)  # per entry: no district-wide n_households here
    d = DistrictModel(communities=[rural, {"preset": "mianyang_2019", **TINY}], rng=3, weeks=3).run()
    w = d.weekly_frame()
    assert_measured(w)
    wk = w[w.week == 2]
    n = wk.pivot_table(index="group", columns="community", values="n")
    lacking = n.index[(n[d.names[0]] == 0) & (n[d.names[1]] > 0)]
    assert len(lacking)  # e.g. migrants or renters: few in a small village
    for g in lacking:
        row = wk[wk.group == g].set_index("community")
        assert row.loc[DISTRICT, "n"] == row.loc[d.names[1], "n"]
        assert row.loc[DISTRICT, "rate_any"] == pytest.approx(row.loc[d.names[1], "rate_any"])
    locals_only = {**rural, "migrant_share": 0.0}
    w2 = DistrictModel(communities=[locals_only, locals_only], rng=3, weeks=2).run().weekly_frame()
    none = w2[(w2.community == DISTRICT) & (w2.group == "migrant")]
    assert (none["n"] == 0).all() and none["rate_any"].isna().all()
    assert_measured(w2)
