"""Every registered policy: documented, round-trips its config, and changes nothing before its start week."""

import pandas as pd
import pytest

from cgsim.policies import all_policies, resolve
from tests.conftest import small_model

POLICIES = sorted(all_policies())


@pytest.mark.parametrize("pid", POLICIES)
def test_policy_is_documented_and_aliased(pid):
    cls = all_policies()[pid]
    import sys

    doc = sys.modules[cls.__module__].__doc__ or ""
    assert "Source" in doc or "source" in doc, pid
    assert cls.aliases and all(resolve(a) is cls for a in cls.aliases)
    assert pid == pid.lower() and " " not in pid


@pytest.mark.parametrize("pid", POLICIES)
def test_policy_changes_nothing_before_its_start_week(pid):
    base = small_model(rng=5, weeks=30).run().weekly_frame()
    m = small_model(rng=5, weeks=30, policies=[{"name": pid, "start_week": 20}]).run()
    pol = m.weekly_frame()
    pre = base.week < 20
    pd.testing.assert_frame_equal(base[pre].reset_index(drop=True), pol[pre].reset_index(drop=True))
    assert m.policies[0].to_config() == {"name": pid, "start_week": 20}


def test_newcomers_do_not_inherit_policy_state():
    """A newcomer takes the dwelling, not the previous occupant's crowded-out motivation, converted Party
    motivation, volunteering record or council seat (policies reset them from ``model.moved``)."""
    import numpy as np

    pols = [{"name": n, "start_week": 0} for n in ("volunteer_incentives", "dual_registration", "micro_fund",
                                                   "deliberation_council")]
    pols[1]["conversion_rate"] = 0.5  # enough converted members for the reset to be exercised
    m = small_model(rng=3, weeks=80, policies=pols, turnover_renter=1.0, turnover_owner=0.3)
    by = {p.id: p for p in m.policies}
    moved_any = 0
    for _ in range(80):
        m.step()
        mv = m.moved
        moved_any += int(mv.sum())
        assert (by["volunteer_incentives"].deficit[mv] == 0).all()
        assert not by["dual_registration"].intrinsic[mv].any()
        assert not any(pr.volunteers[mv].any() for pr in by["micro_fund"].projects)
        assert not mv[by["deliberation_council"].members].any()
    assert moved_any > 50 and by["dual_registration"].intrinsic.any() and (by["volunteer_incentives"].deficit > 0).any()


def test_grid_management_and_stage_matched_government_each_keep_their_own_part():
    """Stage-matched government sets the intensity for C's stage; grid management's addition stays on top of it,
    and goes when the grid stops (neither overwrites the other)."""
    m = small_model(rng=1, weeks=60, policies=[{"name": "grid_management", "start_week": 5, "end_week": 40},
                                               {"name": "stage_matched_government", "mode": "always_strong",
                                                "start_week": 10, "intensity_dependent": 0.6}])
    add = m.policies[0].params.gov_intensity_added
    base = m.street.gov_intensity
    seen = {}
    for _ in range(60):
        m.step()
        seen[m.week] = m.street.gov_intensity
    assert seen[8] == pytest.approx(min(1.0, base + add))   # grid alone
    assert seen[20] == pytest.approx(min(1.0, 0.6 + add))   # both: the stage's level plus the grid's part
    assert seen[50] == pytest.approx(0.6)                   # grid stopped: the stage's level, not 0.6 - add
    # two periods of the grid, the later one listed first: the earlier one's stop leaves the later one's part
    m = small_model(rng=1, weeks=30, policies=[{"name": "grid_management", "start_week": 10},
                                               {"name": "grid_management", "start_week": 2, "end_week": 10}])
    m.run()
    assert m.street.gov_intensity == pytest.approx(min(1.0, base + add))


def test_council_decides_issues_that_three_way_routing_sent_to_deliberation():
    """Nan'an: routing sends community matters to deliberation; the council still takes them up and decides
    them (its agenda is what it has not decided yet, not what is not at the council)."""
    import numpy as np

    from cgsim import CommunityModel

    m = CommunityModel(preset="mianyang_2019", governance="nanan_three_way_routing", rng=2, weeks=104).run()
    council = next(p for p in m.policies if p.id == "deliberation_council")
    book = m.issues
    assert council.n_decided > 5  # 0 when the agenda skipped whatever routing had put at the council
    decided = np.flatnonzero(book.decided[: book.n])
    assert decided.size >= council.n_decided and (book.voices[decided] >= 10).all()


def test_micro_project_stints_are_credited_once():
    """Co-production credits issues once per stint: a micro-project's stints go to its issue, not also to the
    issue its volunteers face (which the reward for subsidy pays on)."""
    import numpy as np

    from cgsim.population import COPROD

    m = small_model(rng=4, weeks=90, governance="co_creation")
    book = m.issues
    before = int(book.coproducers[: book.n].sum())
    credited = 0
    for _ in range(90):
        m.step()
        credited += int(np.count_nonzero(m.events[:, COPROD] & (m.target_issue >= 0)))
    fund = next(p for p in m.policies if p.id == "micro_fund")
    assert fund.completed > 0
    assert int(book.coproducers[: book.n].sum()) - before == credited
