"""The model as a whole: invariants, Mesa integration, determinism, common random numbers."""

import hashlib
import subprocess
import sys

import mesa
import numpy as np
import pandas as pd
import pytest

from cgsim import CommunityModel
from cgsim.population import Resident
from tests.conftest import SMALL, assert_measured, small_model


def test_invariants_over_two_years(small_run):
    m = small_run
    w, y = m.weekly_frame(), m.yearly_frame()
    assert len(w) == 104 * 12 and len(y) == 2 * 12
    assert (w.n > 0).all() and not w.isna().any().any() and not y.isna().any().any()
    share_cols = [c for c in w.columns if c.startswith(("rate_", "stage_", "trust_", "aware", "sees", "asked"))]
    assert ((w[share_cols] >= 0) & (w[share_cols] <= 1)).all().all()
    ys = [c for c in y.columns if c not in ("seed", "year", "dimension", "group", "n", "capacity_stage",
                                           "events_per_resident", "issues_open", "issues_resolved", "disputes_open",
                                           "petitions", "cost_yuan", "ties", "cross_group_ties",
                                           "owners_committees", "voices_answered", "voices_ignored",
                                           "mean_weeks_to_resolve", "cost_per_participant_hour")]
    assert ((y[ys] >= 0) & (y[ys] <= 1)).all().all()
    # nobody lost: the population is the same size every week, groups partition it
    assert (w[w.group == "all"]["n"] == m.population.n).all()
    for dim in ("age", "hukou", "tenure", "party"):
        assert w[(w.week == 0) & (w.dimension == dim)]["n"].sum() == m.population.n
    # the survey's arithmetic (MODEL.md §6)
    a = y[y.group == "all"]
    assert (a.never_participated <= a.never_joined_activity + 1e-12).all()
    assert (a.never_participated <= a.suggest_never + 1e-12).all()
    s = a.suggest_never + a.suggest_rarely + a.suggest_sometimes + a.suggest_often
    assert np.allclose(s, 1.0)
    assert np.allclose(a.never_participated + a.participated_1_5 + a.participated_gt5, 1.0)


def test_residents_are_mesa_agents_on_a_network(small_run):
    m = small_run
    res = m.agents_by_type[Resident]
    assert len(res) == m.population.n
    r = res.to_list()[5]
    assert r.cell.coordinate == r.idx
    assert {a.idx for a in r.cell.neighborhood.agents} == set(
        m.network.adj[r.idx].indices.tolist())  # Mesa space mirrors the tie structure, after tie changes
    assert m.space.G.number_of_edges() == m.network.n_ties
    trust = res.agg("trust_committee", np.mean)
    assert trust == pytest.approx(m.population.trust_rc.mean())
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 105 and {"rate_activity", "trust_strangers", "capacity"} <= set(df.columns)


def test_institutional_actors_are_mesa_agents(small_run):
    names = {type(a).__name__ for a in small_run.agents}
    assert {"ResidentsCommittee", "StreetOffice", "PartyOrganisation", "PropertyFirm", "OwnersCommittee", "NGO",
            "GridWorkers", "Resident"} <= names


def test_committee_hours_go_to_administration_first(small_run):
    rc = small_run.committee
    assert rc.admin_hours == pytest.approx(small_run.params.admin_load * rc.total_hours)
    assert rc.free_hours == pytest.approx(rc.total_hours - rc.admin_hours)
    m = small_model(admin_load=1.5, weeks=3).run()
    assert m.committee.free_hours == 0 and m.committee.n_activities == 0


def test_batch_run_with_flat_overrides():
    out = mesa.batch_run(CommunityModel, parameters={"preset": ["mianyang_2019"], "n_households": [150],
                                                     "admin_load": [0.5, 0.9]},
                         rng=[1, 2], max_steps=10, number_processes=1, display_progress=False)
    df = pd.DataFrame(out)
    assert len(df) == 4 and (df.Step == 10).all()  # 2 values x 2 seeds, collected at the end
    last = df
    assert set(last.admin_load) == {0.5, 0.9}
    hi = last[last.admin_load == 0.9].rc_admin_share.mean()
    lo = last[last.admin_load == 0.5].rc_admin_share.mean()
    assert hi > lo


def _table_hash(seed: int) -> str:
    code = ("import hashlib,sys; from cgsim import CommunityModel; "
            f"m=CommunityModel(rng={seed}, weeks=30, n_households=150).run(); "
            "w=m.weekly_frame(); sys.stdout.write(hashlib.sha256(w.to_csv().encode()).hexdigest())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_same_seed_same_tables_in_separate_processes():
    a, b = _table_hash(11), _table_hash(11)
    assert a == b and len(a) == 64
    m = CommunityModel(rng=11, weeks=30, n_households=150).run()
    assert hashlib.sha256(m.weekly_frame().to_csv().encode()).hexdigest() == a
    assert _table_hash(12) != a


def test_common_random_numbers_policy_changes_nothing_before_its_start():
    base = small_model(rng=21, weeks=52).run().weekly_frame()
    pol = small_model(rng=21, weeks=52, policies=[{"name": "station_separation", "start_week": 26}]).run()
    w = pol.weekly_frame()
    cols = [c for c in base.columns]
    pre = base.week < 26
    pd.testing.assert_frame_equal(base[pre][cols].reset_index(drop=True), w[pre][cols].reset_index(drop=True))
    assert not base[~pre].equals(w[~pre])
    assert (w[~pre & (w.group == "all")].rc_admin_share < base[~pre & (base.group == "all")].rc_admin_share).all()


def test_policy_by_chinese_name_and_round_trip():
    m = small_model(weeks=2, policies=[{"name": "居站分设", "leakage": 0.5}])
    assert m.policies[0].id == "station_separation"
    assert m.policies[0].to_config() == {"name": "station_separation", "leakage": 0.5}
    assert m.config.policies == [{"name": "station_separation", "leakage": 0.5}]


def test_every_preset_builds_and_runs():
    from cgsim.scenarios import preset_names

    for name in preset_names():
        m = CommunityModel(preset=name, rng=1, weeks=4, n_households=120).run()
        w = m.weekly_frame()
        assert len(w) == 4 * 12
        assert_measured(w, name)


def test_no_python_loop_over_residents_in_a_step(monkeypatch):
    """A week must not touch Resident agents one by one (vectorised population)."""
    m = small_model(weeks=3)
    calls = {"n": 0}
    orig = Resident.__getattribute__

    def spy(self, name):
        calls["n"] += 1
        return orig(self, name)

    monkeypatch.setattr(Resident, "__getattribute__", spy)
    m.run()
    assert calls["n"] == 0


def test_grid_workers_off_by_default_and_on_by_config():
    off = small_model(weeks=8, rng=4).run()
    on = small_model(weeks=8, rng=4, grid_workers_per_grid=1.0, grid_visits_per_month=60).run()
    assert off.grid.workers == 0 and on.grid.workers > 0
    a = off.weekly_frame().query("group == 'all'").asked.mean()
    b = on.weekly_frame().query("group == 'all'").asked.mean()
    assert b > a


def test_small_community_scales():
    m = CommunityModel(rng=1, weeks=2, n_households=SMALL["n_households"], build_space=False).run()
    assert m.space is None and len(m.weekly_frame()) == 24


def test_weekly_group_rows_equal_a_direct_computation_from_resident_arrays():
    """The recorder's two dense products give, per group, exactly the shares and means of the resident arrays."""
    from cgsim.metrics import groups
    from cgsim.population import ACTIVE, ATTENTIVE, WAIT

    m = small_model(rng=11, weeks=6).run()
    pop, w = m.population, m.weekly_frame()
    last = w[w.week == 5].set_index("group")
    ev = pop.week_events
    direct = {"rate_activity": ev[:, 0], "rate_voice": ev[:, 1], "rate_deliberation": ev[:, 2],
              "rate_coproduction": ev[:, 3], "rate_any": ev.any(axis=1), "aware": pop.aware, "asked": pop.asked,
              "trust_strangers": pop.trust_gen >= 0.5, "trust_neighbours": pop.trust_gen,
              "trust_committee": pop.trust_rc, "trust_firm": pop.trust_firm, "efficacy": pop.efficacy, "satisfaction": pop.satisfaction,
              "belonging": pop.belonging, "sees_rc_as_government": pop.admin_perception >= 0.5,
              "stage_wait_and_see": pop.stage == WAIT, "stage_attentive": pop.stage == ATTENTIVE,
              "stage_active": pop.stage == ACTIVE}
    for _, label, mask in groups(pop):
        for col, values in direct.items():
            expect = values[mask].astype(float).mean() if mask.any() else 0.0
            assert abs(last.loc[label, col] - expect) < 1e-12, (label, col)


def test_a_group_with_no_residents_is_nan_not_zero():
    """40 rural households hold no migrants, renters or floating Party members: their resident measures are
    NaN (0 would read as 'nobody took part'), community columns keep their values, other groups are measured."""
    m = CommunityModel(preset="rural_village", rng=1, weeks=52, n_households=40).run()
    w, y = m.weekly_frame(), m.yearly_frame()
    empty = set(w.loc[w.n == 0, "group"])
    assert {"migrant", "renter", "floating"} <= empty and "all" not in empty
    assert_measured(w)
    assert_measured(y)
    assert y.loc[y.group == "renter", "never_participated"].isna().all()
    assert (y.loc[y.group == "owner", "never_participated"].to_numpy()
            == y.loc[y.group == "all", "never_participated"].to_numpy()).all()


def test_committee_activities_and_meetings_go_round_every_estate():
    """Venues rotate: over a year every estate gets its share of the committee's meetings and activities (a
    fixed stride of 7 estates left five of seven estates of a migrant village without any meeting)."""
    # no owners' meetings, no resident groups (their weekly meetings add activity seats of their own)
    m = CommunityModel(preset="migrant_urban_village", rng=2, weeks=52, oc_threshold=1.0, group_start_rate=0.0)
    ne = m.hierarchy.n_estates
    slots = np.zeros((2, ne))
    build = m._build_opportunities

    def counting(*a):
        build(*a)
        slots[0] += m.seats[0] / m.params.activity_capacity
        slots[1] += m.seats[1] / m.params.meeting_capacity

    m._build_opportunities = counting
    m.run()
    assert slots[1].sum() >= 2 * ne and slots[0].sum() >= 2 * ne
    assert np.ptp(slots[1]) <= 1 and np.ptp(slots[0]) <= 1


def test_trust_in_the_firm_exists_where_a_firm_does_and_follows_its_service():
    """MODEL.md §2: residents trust the property firm where one serves them; a better firm is trusted more;
    without a firm the measure is not reported (NaN), and the agent says so too."""
    def trust_firm(**kw):
        m = CommunityModel(preset="commodity_estate", rng=4, weeks=52, n_households=300, **kw).run()
        y = m.yearly_frame()
        return m, float(y.loc[y.group == "all", "trust_firm"].iloc[-1])

    _, poor = trust_firm(firm_quality=0.2)
    m, good = trust_firm(firm_quality=0.9)
    assert 0 <= poor < good - 0.2 <= 1
    assert m.residents[0].trust_firm == pytest.approx(m.population.trust_firm[0])
    none = CommunityModel(preset="old_danwei_compound", rng=4, weeks=4).run()
    assert none.weekly_frame()["trust_firm"].isna().all() and np.isnan(none.residents[0].trust_firm)
    assert np.isfinite(none.weekly_frame()["trust_committee"]).all()


def test_an_embedded_firm_and_an_owners_committee_settle_property_matters_sooner():
    """003 例10: staff who know residents settle matters early; 001 M17: an owners' committee bargains the
    firm's service up. Both raise the firm's weekly settlement rate (per estate for the committee)."""
    from cgsim.actors.firm import PropertyFirm

    host = CommunityModel(preset="commodity_estate", rng=1, n_households=60, build_space=False)

    def rate(emb, oc):
        firm = PropertyFirm(host, True, 0.5, emb, 0.0, n_estates=len(oc))
        return firm.fix_rate(np.array(oc, float))

    assert rate(0.8, [0])[0] > rate(0.0, [0])[0] > 0
    assert rate(0.3, [1, 0])[0] > rate(0.3, [1, 0])[1]

    def open_issues(emb):
        vals = []
        for seed in (1, 2, 3):
            m = CommunityModel(preset="commodity_estate", rng=seed, weeks=104, n_households=400,
                               firm_embeddedness=emb).run()
            w = m.weekly_frame()  # open issues each week: at the year's end a small community has almost none
            vals.append(w.loc[w.group == "all", "issues_open"].mean())
        return np.mean(vals)

    assert open_issues(1.0) < open_issues(0.0)
