import json
import re
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from nichefinder.describe.layout import project_2d
from nichefinder.exceptions import InputError
from nichefinder.groups import build_groups
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
        Group(0, "refund / charged twice", ("refund", "charged twice"), 3, 2,
              ("refund <b>now</b>",), scores, "feed", ("passes all three tests",), 0,
              {"twitter": 3}),
        Group(1, "crypto | giveaway", ("crypto",), 1, 1, ("<script>alert(1)</script>",), scores,
              "rejected", ("not genuine: 71% of posts come from 2 accounts",), None, {}),
    )
    feeds = (
        Feed(0, "Billing & refunds", (0,), ("twitter",), 12.5, 2.0, {"billing": 0.8},
             ("refund",),
             (StaffRole("Bob Jensen", "accounts", "lead", 1.5, 0.25, ("owns billing",)),),
             ("Never ask for card numbers in public.",), ()),
    )
    assignments = pd.DataFrame({"id": ["a", "b", "c", "d"], "group": [0, 0, 1, -1],
                                "feed": pd.array([0, 0, None, None], dtype="Int64")})
    rej = pd.DataFrame({"source": ["p.csv"], "row": [5], "id": [None], "reason": ["empty text"],
                        "content": ["5,"]}) if rejects else pd.DataFrame(
        columns=["source", "row", "id", "reason", "content"])
    return Plan(Summary(4 + len(rej), 3, 1, len(rej), 2, 1), groups, feeds, assignments, rej,
                ("no one in dispatch",), {"model": "m", "random_state": 0, "data_notes": []})


def plan_with_points(n_posts=600, n_groups=5, posts=None, seed=0):
    """A staffed plan with map points and timestamps, built by hand (no model): ``n_groups`` groups,
    the first two served by feeds, the third merged into feed 1, the rest rejected; ~10% noise.
    ``posts`` replaces the representative posts of every group (for escaping tests)."""
    rng = np.random.default_rng(seed)
    weights = np.linspace(2, 1, n_groups)
    labels = rng.choice(np.arange(-1, n_groups), size=n_posts,
                        p=[0.1] + list(weights / weights.sum() * 0.9))
    centres = rng.normal(size=(n_groups, 16))
    vectors = centres[np.maximum(labels, 0)] + rng.normal(0, 0.3, (n_posts, 16))
    vectors[labels == -1] = rng.normal(0, 1, (int((labels == -1).sum()), 16))
    xy = project_2d(build_groups(pd.DataFrame(index=range(n_posts)), labels, vectors),
                    random_state=seed)
    ids = [f"p{i}" for i in range(n_posts)]
    feed_of_group = {0: 0, 1: 1, 2: 1}
    feed = pd.array([feed_of_group.get(int(g)) for g in labels], dtype="Int64")
    start = pd.Timestamp("2024-01-01", tz="UTC")
    ts = start + pd.to_timedelta(rng.integers(0, 12 * 7 * 24 * 3600, n_posts), unit="s")
    platforms = rng.choice(["twitter", "reddit", "facebook"], n_posts)
    points = pd.DataFrame({"id": ids, "x": xy[:, 0], "y": xy[:, 1], "group": labels.astype("int64"),
                           "feed": feed, "timestamp": ts, "platform": pd.array(platforms,
                                                                                 dtype="string")})
    scores = {"identifiable": Score(0.8, True, ("cohesion 0.61",)),
              "substantial": Score(0.7, True, ("many posts",)),
              "genuine": Score(0.3, False, ("71% of posts come from 2 accounts",))}
    groups = []
    for g in range(n_groups):
        size = int((labels == g).sum())
        verdict = {0: "feed", 1: "feed", 2: "merged"}.get(g, "rejected")
        reasons = {"feed": ("passes all three tests",), "merged": ("close to group 1: same feed",)
                   }.get(verdict, ("not genuine: 71% of posts come from 2 accounts",))
        groups.append(Group(g, f"topic {g}", (f"kw{g}a", f"kw{g}b"), size, max(1, size // 3),
                            tuple(posts) if posts else (f"typical post of group {g}",), scores,
                            verdict, reasons, feed_of_group.get(g), {"twitter": size}))
    feeds = (
        Feed(0, "Help & support", (0,), ("twitter", "reddit"), 41.25, 6.5, {"complaint": 0.6},
             ("refund", "login"), (StaffRole("Ana Ruiz", "support", "lead", 4.5, 0.5, ("support",)),
                                   StaffRole("Li Wei", "support", "backup", 2.0, 0.2, ())),
             ("Answer within a working day.",), ("reddit caps replies",)),
        Feed(1, "Builders", (1, 2), ("reddit",), 17.75, 3.25, {}, ("api",),
             (StaffRole("Sam O'Neil", "engineering", "lead", 3.25, 0.4, ("api expert",)),),
             ("Link the docs.",), ()),
    )
    assignments = pd.DataFrame({"id": ids, "group": labels.astype("int64"), "feed": feed})
    n_noise = int((labels == -1).sum())
    summary = Summary(n_posts, n_posts - n_noise, n_noise, 0, n_groups, len(feeds))
    return Plan(summary, tuple(groups), feeds, assignments,
                pd.DataFrame(columns=["source", "row", "id", "reason", "content"]), (),
                {"model": "m", "random_state": seed, "data_notes": []}, points)


def test_json_matches_schema_and_round_trips(tmp_path):
    plan = small_plan()
    data = json.loads(plan_to_json(plan))
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    written = write_plan(plan, tmp_path / "out")
    assert sorted(p.name for p in written.values()) == [
        "assignments.csv", "plan.json", "rejects.csv", "report.html", "report.md"]
    back = read_plan(tmp_path / "out")
    assert back.to_dict() == plan.to_dict()
    pd.testing.assert_frame_equal(back.assignments, plan.assignments)
    assert (tmp_path / "out/assignments.csv").read_text().splitlines() == [
        "id,group,feed", "a,0,0", "b,0,0", "c,1,", "d,-1,"]


def test_no_rejects_file_when_nothing_rejected(tmp_path):
    write_plan(small_plan(), tmp_path / "out")
    assert (tmp_path / "out/rejects.csv").exists()
    write_plan(small_plan(rejects=False), tmp_path / "out")
    assert not (tmp_path / "out/rejects.csv").exists()  # the stale one it wrote is dropped
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temp folders left behind


def test_markdown_states_every_verdict_and_escapes_posts():
    md = render_markdown(small_plan())
    assert "**1 feed** recommended from **2 interest groups**" in md
    assert "Group 1: crypto \\| giveaway (rejected)" in md
    assert "not genuine: 71% of posts come from 2 accounts" in md
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "**Bob Jensen** (accounts), lead, 1.5 hours a week (0.04 FTE): owns billing" in md
    assert "- What they want: Most posts are billing and refund questions." in md
    # the plain words come first, the evidence (scores, shares) in the appendix
    body, appendix = md.split("## Appendix: every group and its evidence")
    assert "- **crypto \\| giveaway**: No feed: it does not look like real people talking" in body
    assert "(s)" not in md and "0.20" not in body and "71%" not in body
    assert "genuine: 0.20 (fail)" in appendix
    assert "| Bob Jensen | accounts | 1.5 | 0.04 | lead on feed 0 |" in body


def test_read_plan_errors(tmp_path):
    with pytest.raises(InputError, match="no plan at"):
        read_plan(tmp_path)
    (tmp_path / "plan.json").write_text('{"schema_version": "9.0"}')
    with pytest.raises(InputError, match="has schema_version '9.0'"):
        read_plan(tmp_path)


def test_points_round_trip_and_merge_group_and_feed(tmp_path):
    plan = plan_with_points(n_posts=300)
    written = write_plan(plan, tmp_path)
    assert written["points"] == tmp_path / "points.csv"
    lines = (tmp_path / "points.csv").read_text().splitlines()
    assert lines[0] == "id,x,y,timestamp,platform"
    first = plan.points.iloc[0]
    assert lines[1] == (f"p0,{first.x:.4f},{first.y:.4f},"
                        f"{first.timestamp:%Y-%m-%dT%H:%M:%SZ},{first.platform}")
    back = read_plan(tmp_path)
    assert list(back.points.columns) == ["id", "x", "y", "group", "feed", "timestamp", "platform"]
    pd.testing.assert_frame_equal(
        back.points[["id", "group", "feed", "platform"]],
        plan.points[["id", "group", "feed", "platform"]], check_dtype=False)
    np.testing.assert_allclose(back.points[["x", "y"]], plan.points[["x", "y"]], atol=1e-4)
    assert (back.points["timestamp"] == plan.points["timestamp"].dt.floor("s")).all()
    # writing the read-back plan gives the same files, byte for byte
    write_plan(back, tmp_path / "again")
    for name in ("plan.json", "assignments.csv", "points.csv", "report.md"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / name).read_bytes(), name

    def text_of(path):  # the report without its chart images (pixels may move by rounding)
        return re.sub(r'src="data:image/png;base64,[^"]*"', "", path.read_text())

    assert text_of(tmp_path / "again/report.html") == text_of(tmp_path / "report.html")


def test_points_missing_timestamps_and_stale_file(tmp_path):
    plan = plan_with_points(n_posts=50)
    plan.points["timestamp"] = pd.NaT
    plan.points["platform"] = pd.NA
    write_plan(plan, tmp_path)
    assert (tmp_path / "points.csv").read_text().splitlines()[1].endswith(",,")
    back = read_plan(tmp_path)
    assert back.points["timestamp"].isna().all() and back.points["platform"].isna().all()
    write_plan(small_plan(), tmp_path)  # a plan without points removes the stale points.csv
    assert not (tmp_path / "points.csv").exists()
    assert read_plan(tmp_path).points is None


def test_markdown_has_hours_per_person():
    md = render_markdown(small_plan())
    assert "## Hours per person" in md
    assert "| Bob Jensen | accounts | 1.5 | 0.04 | lead on feed 0 |" in md
