"""Judge and settings: verdicts from stored measurements, new rules as data, thresholds apart
from measurement settings, and a re-plan that re-judges without measuring again."""

from __future__ import annotations

import copy
from dataclasses import fields

import pytest

import nichefinder
from nichefinder.config import Thresholds, parse_settings
from nichefinder.datasets import combine_posts, make_campaign, make_group, split_truth
from nichefinder.datasets.toy import toy_groups
from nichefinder.exceptions import InputError, NotFittedError
from nichefinder.score import (
    RULES,
    MeasureSettings,
    VerdictThresholds,
    judge_group,
    judge_groups,
    measure_groups,
)
from nichefinder.score.checks import maximum
from nichefinder.settings import part

# the order plan.json lists the thresholds in
LISTED = [
    "min_cohesion", "min_separation", "min_predictability", "min_relative_cohesion",
    "chatter_length_ratio", "n_folds", "silhouette_sample", "min_posts", "min_share",
    "min_posts_per_week", "min_authors", "min_weeks_active", "max_single_day_share",
    "burst_factor", "min_burst_share", "max_top_author_share", "min_effective_authors",
    "max_duplicate_share", "duplicate_similarity", "duplicate_window_hours",
    "min_duplicate_words", "max_burst_account_share", "min_reply_share", "min_identifiable",
    "min_substantial", "min_genuine", "merge_same_theme", "merge_similarity", "audience_overlap",
    "min_platform_share", "posts_per_hour", "min_hours_per_week", "assumed_span_weeks",
    "max_answer_length", "max_long_question_share", "min_repeat_copies", "repeat_containment",
]


def test_thresholds_are_the_three_parts_in_the_listed_order():
    assert [f.name for f in fields(Thresholds)] == LISTED
    assert list(Thresholds().to_dict()) == LISTED
    th = Thresholds(min_authors=40, duplicate_similarity=0.9, posts_per_hour=20.0)
    assert th.verdict == VerdictThresholds(min_authors=40)
    assert th.measure == MeasureSettings(duplicate_similarity=0.9)
    assert th.feeds.posts_per_hour == 20.0
    assert part(th, MeasureSettings) is th.measure
    assert part(None, VerdictThresholds) == VerdictThresholds()
    assert "duplicate_similarity" not in {f.name for f in fields(VerdictThresholds)}
    with pytest.raises(InputError, match="expected MeasureSettings or Thresholds, not int"):
        part(3, MeasureSettings)


def test_settings_parse_to_typed_values():
    assert parse_settings(["min_authors=25", "duplicate_window_hours=12"]) == {
        "min_authors": 25, "duplicate_window_hours": 12.0}
    with pytest.raises(InputError, match="unknown threshold 'min_fans'"):
        parse_settings(["min_fans=3"])


def test_judging_is_pure_and_cheap():
    measured = measure_groups(toy_groups(), random_state=0)
    before = copy.deepcopy(dict(measured.metrics))
    a = judge_groups(measured)
    b = judge_groups(measured, Thresholds(min_authors=15))
    assert dict(measured.metrics) == before  # measurements untouched
    assert a[1]["substantial"].passed is True and b[1]["substantial"].passed is False
    assert b[1]["substantial"].evidence[0] == "too few people: 12 distinct (needs 15)"
    assert judge_groups(measured) == a


def test_the_evidence_quotes_the_measurement_settings():
    groups = toy_groups()
    narrow = measure_groups(groups, settings=MeasureSettings(duplicate_window_hours=6.0),
                            random_state=0)
    line = next(e for e in judge_groups(narrow)[0]["genuine"].evidence if "duplicates" in e)
    assert "within 6 hours" in line


def test_a_new_check_is_one_more_rule():
    metrics = measure_groups(toy_groups(), random_state=0).metrics[1]

    def few_authors(m, th, settings):
        yield maximum("one_in_five", 1 / m["n_authors"], 0.05, "many voices", "few voices")

    rules = dict(RULES, genuine=RULES["genuine"] + (few_authors,))
    judged = judge_group(metrics, rules=rules)["genuine"]
    assert judged.passed is False and judged.evidence[0] == "few voices"
    assert judge_group(metrics)["genuine"].passed is True


@pytest.fixture(scope="module")
def finder(tmp_path_factory):
    """A small corpus planned with a deterministic fake embedder (no model)."""
    from .conftest import FakeEmbedder

    blocks = [make_group("deliveries", 150, 90, random_state=1),
              make_group("billing", 150, 90, random_state=2),
              make_campaign("crypto_giveaway", 60, 4, random_state=3)]
    posts, _ = split_truth(combine_posts(blocks))
    return nichefinder.NicheFinder(FakeEmbedder(), cache=False, random_state=0).fit(posts)


def test_a_verdict_threshold_rejudges_without_measuring_again(finder, monkeypatch):
    calls = []
    real = nichefinder.pipeline.measure_groups
    monkeypatch.setattr(nichefinder.pipeline, "measure_groups",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    strict = finder.plan(thresholds={"min_authors": 200})
    assert calls == [] and strict.summary.feeds == 0
    finder.plan(thresholds={"duplicate_similarity": 0.8})
    assert calls == [1]  # a measurement setting measures again
    table = finder.explain(vary=["min_authors"])
    assert calls == [1] and table["n_feeds"].iloc[-1] <= table["n_feeds"].iloc[0]


def test_not_fitted_is_its_own_error():
    with pytest.raises(NotFittedError, match="not fitted; call fit") as err:
        nichefinder.NicheFinder().plan()
    assert isinstance(err.value, ValueError) and isinstance(err.value, AttributeError)
