"""Scenario suite: corpora built with the sample-data generator, judged by the real pipeline.

Each scenario is a block of one corpus (one model run for all of them): a genuine group with many
authors over months, a near-duplicate campaign from a few accounts, a 15-post niche, a one-day
spike, and two topics one audience discusses together. Every verdict must carry the right reason.
"""

import pandas as pd
import pytest

import nichefinder
from nichefinder.datasets import (
    combine_posts,
    make_campaign,
    make_chatter,
    make_group,
    make_niche,
    make_spike,
    split_truth,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario():
    shared_audience = [f"@coffee_fan{i}" for i in range(90)]
    blocks = [
        make_group("deliveries", 260, 120, random_state=1),
        make_group("billing", 240, 110, random_state=2),
        make_group("careers", 160, 90, random_state=3),
        make_group("espresso", 170, 90, authors=shared_audience, random_state=4),
        make_group("latte_art", 170, 90, authors=shared_audience, random_state=5),
        make_campaign("crypto_giveaway", n_posts=80, n_authors=5, random_state=6),
        make_niche("vintage_restoration", n_posts=15, n_authors=4, random_state=7),
        make_spike("tv_spill", n_posts=150, n_authors=140, random_state=8),
        make_chatter(n_posts=80, random_state=9),
    ]
    conversations, truth = split_truth(combine_posts(blocks))
    finder = nichefinder.NicheFinder(random_state=0).fit(conversations)
    plan = finder.plan()
    rows = plan.assignments.merge(truth, on="id", validate="one_to_one")
    return finder, plan, rows


def groups_of(rows, topic):
    """The groups that hold most of a topic's posts, largest first."""
    counts = rows[(rows["topic"] == topic) & (rows["group"] >= 0)]["group"].value_counts()
    return [g for g, n in counts.items() if n >= 0.2 * counts.sum()]


def verdicts(plan, groups):
    by_id = {g.id: g for g in plan.groups}
    return [by_id[g] for g in groups]


def test_every_row_accounted_for(scenario):
    _, plan, rows = scenario
    s = plan.summary
    assert s.rows_read == len(rows) == s.rows_grouped + s.rows_noise + s.rows_rejected


@pytest.mark.parametrize("topic", ["deliveries", "billing", "careers"])
def test_genuine_group_over_months_becomes_a_feed(scenario, topic):
    _, plan, rows = scenario
    found = verdicts(plan, groups_of(rows, topic))
    assert found and all(g.feed is not None for g in found), [(g.label, g.reasons) for g in found]
    for g in found:
        assert g.scores["genuine"].passed and g.scores["substantial"].passed


def test_campaign_rejected_as_not_genuine(scenario):
    _, plan, rows = scenario
    (g,) = verdicts(plan, groups_of(rows, "crypto_giveaway"))
    assert g.verdict == "rejected"
    assert g.scores["genuine"].passed is False
    assert any("not genuine" in r for r in g.reasons), g.reasons


def test_niche_rejected_as_not_substantial(scenario):
    _, plan, rows = scenario
    niche = rows[rows["topic"] == "vintage_restoration"]
    for g in verdicts(plan, groups_of(rows, "vintage_restoration")):
        if (rows["group"] == g.id).sum() <= 2 * len(niche):  # a group that is mostly the niche
            assert g.verdict == "rejected"
            assert any("not substantial" in r for r in g.reasons), g.reasons
    assert (niche["feed"].isna()).all()


def test_one_day_spike_rejected_as_transient(scenario):
    _, plan, rows = scenario
    (g,) = verdicts(plan, groups_of(rows, "tv_spill"))
    assert g.verdict == "rejected"
    text = " ".join(g.reasons + g.scores["substantial"].evidence)
    assert "day" in text, text


def test_one_audience_two_topics_one_feed(scenario):
    _, plan, rows = scenario
    feeds = set()
    for topic in ("espresso", "latte_art"):
        feeds |= {g.feed for g in verdicts(plan, groups_of(rows, topic))}
    assert len(feeds) == 1 and None not in feeds
    (feed,) = [f for f in plan.feeds if f.id in feeds]
    served = [g for g in plan.groups if g.feed == feed.id]
    if len(served) > 1:
        assert sorted(g.verdict for g in served).count("feed") == 1
        assert all(g.reasons for g in served if g.verdict == "merged")


def test_explain_table_moves_with_thresholds(scenario):
    finder, plan, _ = scenario
    table = finder.explain()
    assert {"threshold", "factor", "value", "n_feeds"} <= set(table.columns)
    base = table[table["factor"] == 1.0]["n_feeds"]
    assert (base == plan.summary.feeds).all()
    authors = table[table["threshold"] == "min_authors"].sort_values("factor")
    assert authors["n_feeds"].is_monotonic_decreasing


def test_without_authors_or_timestamps_the_plan_says_so(scenario):
    finder, _, _ = scenario
    posts = finder.conversations_.posts[["id", "text"]]
    plan = nichefinder.plan(pd.DataFrame(posts), embeddings=finder.embeddings_, random_state=0)
    notes = " ".join(plan.parameters["data_notes"])
    assert "no author column" in notes and "no timestamps" in notes
    for g in plan.groups:
        assert g.scores["genuine"].passed is None
        assert g.scores["genuine"].evidence
