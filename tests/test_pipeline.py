"""End-to-end on sample_data with the real packaged model: the plan a strategist would write."""

import json

import numpy as np
import pandas as pd
import pytest

import nichefinder
from nichefinder.report import plan_to_json, write_plan

from .conftest import SAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finder():
    return nichefinder.NicheFinder(random_state=0).fit(SAMPLE / "conversations.csv")


@pytest.fixture(scope="module")
def sample_plan(finder):
    return finder.plan(staff=SAMPLE / "staff.csv")


@pytest.fixture(scope="module")
def truth(sample_plan):
    t = pd.read_csv(SAMPLE / "truth.csv", dtype=str)
    return sample_plan.assignments.merge(t, on="id", how="left", validate="one_to_one")


def majority(truth, column):
    grouped = truth[truth["group"] >= 0].groupby("group")[column]
    return grouped.agg(lambda s: s.value_counts().idxmax())


def test_row_accounting(sample_plan):
    s = sample_plan.summary
    assert s.rows_read == len(pd.read_csv(SAMPLE / "conversations.csv"))
    assert s.rows_grouped + s.rows_noise + s.rows_rejected == s.rows_read
    assert len(sample_plan.assignments) + len(sample_plan.rejects) == s.rows_read


def test_genuine_topics_get_feeds_and_traps_are_rejected(sample_plan, truth):
    kind = majority(truth, "kind")
    topic = majority(truth, "topic")
    verdict = {g.id: g for g in sample_plan.groups}
    genuine_topics = set(truth.loc[truth["kind"] == "genuine", "topic"])
    served = {topic[g] for g in topic.index if verdict[g].feed is not None}
    assert genuine_topics <= served, f"genuine topics without a feed: {genuine_topics - served}"
    for g, k in kind.items():
        if k in {"campaign", "niche", "spike"}:
            assert verdict[g].verdict == "rejected", (k, verdict[g])
            assert verdict[g].reasons


def test_feeds_staffed_across_departments(sample_plan):
    leads = [r for f in sample_plan.feeds for r in f.staff if r.role == "lead"]
    assert len(leads) == len(sample_plan.feeds)
    assert len({r.department for f in sample_plan.feeds for r in f.staff}) >= 4
    for f in sample_plan.feeds:
        assert f.code_of_conduct


def test_same_seed_same_bytes(finder, sample_plan, tmp_path):
    again = nichefinder.plan(
        SAMPLE / "conversations.csv", staff=SAMPLE / "staff.csv", random_state=0
    )
    assert plan_to_json(again) == plan_to_json(sample_plan)
    a = write_plan(sample_plan, tmp_path / "a")
    b = write_plan(again, tmp_path / "b")
    for role in ("plan", "assignments", "points", "html", "report"):
        assert a[role].read_bytes() == b[role].read_bytes()


def test_replan_without_reembedding(finder):
    before = finder.embeddings_
    stricter = finder.plan(thresholds={"min_authors": 10_000})
    assert finder.embeddings_ is before
    assert stricter.summary.feeds == 0
    assert all(g.verdict == "rejected" for g in stricter.groups)


def test_precomputed_embeddings_give_the_same_plan(finder, sample_plan, tmp_path):
    path = tmp_path / "e.npy"
    np.save(path, finder.embeddings_)
    again = nichefinder.plan(
        SAMPLE / "conversations.csv", staff=SAMPLE / "staff.csv", embeddings=path, random_state=0
    )
    assert (
        json.loads(plan_to_json(again))["groups"] == json.loads(plan_to_json(sample_plan))["groups"]
    )
