"""Governance-model presets combine with every neighbourhood preset; each cites its source."""

import numpy as np
import pytest

from cgsim import CommunityModel
from cgsim.scenarios import GOVERNANCE, governance_names, preset_names
from tests.conftest import assert_measured

GOV = governance_names()


def test_governance_presets_exist_and_cite_sources():
    assert {"status_quo", "shanghai_admin_led", "shenyang_autonomy", "jianghan_devolution", "baibuting_enterprise_led",
            "nanan_three_way_routing", "mianyang_chengdu_proposals", "suzhou_liaison_office", "bixi_multi_committee",
            "co_creation"} <= set(GOV)
    for g in GOV:
        text = (GOVERNANCE / f"{g}.yaml").read_text(encoding="utf-8")
        assert text.startswith("#") and "source:" in text, g


@pytest.mark.parametrize("gov", GOV)
def test_governance_combines_with_every_neighbourhood(gov):
    for nb in preset_names():
        m = CommunityModel(preset=nb, governance=gov, rng=2, weeks=28, n_households=120, burn_in_weeks=4).run()
        w = m.weekly_frame()
        assert_measured(w, (gov, nb))
        assert all(p.started for p in m.policies), (gov, nb)
        assert np.all((w.rate_any.dropna() >= 0) & (w.rate_any.dropna() <= 1))
