"""The stylised-fact and validation-anchor experiments (experiments/stylised_facts): every fact file is valid,
mistakes in one are named, and an anchor's size bound takes part in its verdict."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from cgsim.scenarios import ConfigError
from tests.conftest import load_script

RUNNER = Path(__file__).parents[1] / "experiments" / "stylised_facts" / "run.py"


@pytest.fixture(scope="module")
def runner():
    return load_script("experiments/stylised_facts/run.py", "stylised_facts_run")


def test_every_fact_file_is_valid_and_the_anchors_are_there(runner):
    files = sorted((RUNNER.parent / "facts").glob("*.yaml"))
    facts = {f.stem: runner.load_fact(f) for f in files}
    anchors = {n for n, d in facts.items() if d.get("anchor")}
    assert anchors == {"anchor_haihong_grid", "anchor_gaobazhou_merger", "anchor_metro_shock"}
    assert len(facts) - len(anchors) == 9


@pytest.mark.parametrize("change, message", [
    ({"size": {"of": {"trusted": 1}}}, "'size' needs 'of'"),
    ({"size": {"of": {"nobody": 1}, "max": 1}}, "size.of names scenario 'nobody'"),
    ({"size": {"of": {"trusted": 1}, "max": 1, "outcome": {"column": "petitions", "stat": "median"}}},
     "size.outcome.stat must be mean or sum"),
    ({"outcome": {"column": "petitions", "weeks_": [1, 2]}}, "outcome: unknown key 'weeks_'"),
    ({"size": {"of": ["trusted"], "max": 1}}, "size.of must map scenario names to numbers"),
    ({"size": {"of": {"trusted": "1"}, "max": 1}}, "size.of must map scenario names to numbers"),
    ({"size": {"of": {"trusted": 1}, "max": None}}, "size.max must be a number"),
    ({"size": {"of": {"trusted": 1}, "max": 1, "outcome": {"table": "weekly"}}},
     "size.outcome.column None is not a numeric column of the weekly table"),
    ({"outcome": {"table": "yearyl", "column": "petitions"}}, "outcome.table must be one of weekly, yearly"),
    ({"outcome": {"table": "weekly", "column": "petitons"}}, "outcome.column 'petitons' is not a numeric column"),
    ({"effect": {"trusted": "one"}}, "effect must map scenario names to numbers"),
])
def test_mistakes_in_a_fact_file_are_named(runner, tmp_path, change, message):
    d = yaml.safe_load((RUNNER.parent / "facts" / "anchor_metro_shock.yaml").read_text(encoding="utf-8"))
    d.update(change)
    f = tmp_path / "fact.yaml"
    f.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        runner.load_fact(f)


def test_weekly_outcomes_sum_or_average_over_their_window(runner):
    w = pd.DataFrame({"group": "all", "week": range(6), "petitions": [0, 1, 0, 2, 0, 1]})
    assert runner.outcome_value({"table": "weekly", "column": "petitions", "weeks": [1, 3], "stat": "sum"}, w,
                                None) == 3
    assert runner.outcome_value({"table": "weekly", "column": "petitions", "weeks": [1, 3]}, w, None) == 1


def test_an_anchors_size_bound_decides_with_its_direction(runner, tmp_path):
    d = runner.load_fact(RUNNER.parent / "facts" / "anchor_gaobazhou_merger.yaml")
    plain = runner.run_fact("merger", d, [1, 2, 3], None, tmp_path)
    assert plain["verdict"] == "REPRODUCED" and plain["size_holds"] is None
    assert (tmp_path / "merger.png").stat().st_size > 5000
    d["size"] = {"claim": "at least 50 points more never participate", "of": {"after_merger": 1,
                                                                             "before_merger": -1}, "min": 0.5}
    sized = runner.run_fact("merger", d, [1, 2, 3], None, tmp_path)
    assert sized["effect"] == plain["effect"] and sized["size_holds"] is False
    assert sized["verdict"] == "NOT REPRODUCED"
