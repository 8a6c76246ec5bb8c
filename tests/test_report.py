import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from nichefinder.exceptions import InputError
from nichefinder.report import plan_to_json, read_plan, render_markdown, write_plan
from nichefinder.results import Feed, Group, Plan, Score, StaffRole, Summary

SCHEMA = Path(__file__).resolve().parents[1] / "src/nichefinder/schema/plan.schema.json"


def small_plan(rejects=True):
    scores = {
        "identifiable": Score(0.8, True, ("cohesion 0.61",), {"cohesion": 0.61}),
        "substantial": Score(0.9, True, ("412 posts from 133 people over 17 weeks",)),
        "genuine": Score(0.2, False, ("71% of posts come from 2 accounts",), {"top2": 0.71}),
    }
    groups = (
        Group(0, "refund / charged twice", ("refund", "charged twice"), 3, 2, ("refund <b>now</b>",),
              scores, "feed", ("passes all three tests",), 0, {"twitter": 3}),
        Group(1, "crypto | giveaway", ("crypto",), 1, 1, ("<script>alert(1)</script>",), scores,
              "rejected", ("not genuine: 71% of posts come from 2 accounts",), None, {}),
    )
    feeds = (
        Feed(0, "Billing & refunds", (0,), ("twitter",), 12.5, 2.0, {"billing": 0.8},
             ("refund",), (StaffRole("Bob Jensen", "accounts", "lead", 1.5, 0.25, ("owns billing",)),),
             ("Never ask for card numbers in public.",), ()),
    )
    assignments = pd.DataFrame({"id": ["a", "b", "c", "d"], "group": [0, 0, 1, -1],
                                "feed": pd.array([0, 0, None, None], dtype="Int64")})
    rej = pd.DataFrame({"source": ["p.csv"], "row": [5], "id": [None], "reason": ["empty text"],
                        "content": ["5,"]}) if rejects else pd.DataFrame(
        columns=["source", "row", "id", "reason", "content"])
    return Plan(Summary(4 + len(rej), 3, 1, len(rej), 2, 1), groups, feeds, assignments, rej,
                ("no one in dispatch",), {"model": "m", "random_state": 0, "data_notes": []})


def test_json_matches_schema_and_round_trips(tmp_path):
    plan = small_plan()
    data = json.loads(plan_to_json(plan))
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    written = write_plan(plan, tmp_path / "out")
    assert sorted(p.name for p in written.values()) == [
        "assignments.csv", "plan.json", "rejects.csv", "report.md"]
    back = read_plan(tmp_path / "out")
    assert back.to_dict() == plan.to_dict()
    pd.testing.assert_frame_equal(back.assignments, plan.assignments)
    assert (tmp_path / "out/assignments.csv").read_text().splitlines() == [
        "id,group,feed", "a,0,0", "b,0,0", "c,1,", "d,-1,"]


def test_no_rejects_file_when_nothing_rejected(tmp_path):
    (tmp_path / "rejects.csv").write_text("stale")
    write_plan(small_plan(rejects=False), tmp_path)
    assert not (tmp_path / "rejects.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))  # no temp files left behind


def test_markdown_states_every_verdict_and_escapes_posts():
    md = render_markdown(small_plan())
    assert "**1 feed(s)** recommended from **2 interest group(s)**" in md
    assert "Group 1: crypto \\| giveaway (rejected)" in md
    assert "not genuine: 71% of posts come from 2 accounts" in md
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "**Bob Jensen** (accounts), lead, 1.5 h/week (25% of their social time)" in md


def test_read_plan_errors(tmp_path):
    with pytest.raises(InputError, match="no plan at"):
        read_plan(tmp_path)
    (tmp_path / "plan.json").write_text('{"schema_version": "9.0"}')
    with pytest.raises(InputError, match="has schema_version '9.0'"):
        read_plan(tmp_path)
