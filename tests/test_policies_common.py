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
