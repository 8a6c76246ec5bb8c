"""Feed-count confidence: the record (results.confidence) and its resamples (feeds.confidence)."""

import json

import numpy as np
import pytest

from nichefinder.config import Thresholds
from nichefinder.feeds.confidence import feed_confidence, resamples_for
from nichefinder.groups import build_groups
from nichefinder.results import FeedConfidence, Summary
from nichefinder.score import measure_groups

from .test_feeds import build, people


def test_line_tally_and_round_trip():
    c = FeedConfidence((11, 11, 10, 11, 12))
    assert c.tally() == ((11, 3), (12, 1), (10, 1))
    assert c.line(11) == "11 feeds in 3 of 5 resamples, 12 in 1, 10 in 1"
    assert c.line(9) == "9 feeds in 0 of 5 resamples, 11 in 3, 12 in 1, 10 in 1"
    assert c.share(11) == pytest.approx(0.6)
    s = Summary(10, 9, 1, 0, 3, 11, confidence=c)
    data = json.loads(json.dumps(s.to_dict()))
    assert data["confidence"]["tally"] == [[11, 3], [12, 1], [10, 1]]
    assert Summary(**data) == s and Summary(**data).confidence_line == c.line(11)
    assert "confidence" not in Summary(10, 9, 1, 0, 3, 11).to_dict()


def table(groups, themes):
    posts, labels, emb, _ = build(groups)
    return build_groups(posts, labels, emb, np.asarray(themes))


def test_clear_feeds_hold_in_every_resample():
    groups = table([{"n": 200, "authors": people("a", 80)}, {"n": 150, "authors": people("b", 60)}],
                   [0, 1])
    conf = feed_confidence(groups, measure_groups(groups, random_state=0), random_state=0)
    assert conf.counts == (2,) * 20


def test_a_group_at_its_bar_comes_and_goes_and_the_seed_repeats_it():
    # 10 authors against min_authors 10: resampling people moves it across the bar
    groups = table([{"n": 200, "authors": people("a", 80)}, {"n": 120, "authors": people("b", 10)}],
                   [0, 1])
    th = Thresholds(min_authors=10, min_effective_authors=1, max_top_author_share=0.5)
    measured = measure_groups(groups, settings=th, random_state=0)
    conf = feed_confidence(groups, measured, th, random_state=1)
    assert set(conf.counts) == {1, 2}
    assert feed_confidence(groups, measured, th, random_state=1) == conf


def test_a_million_posts_get_fewer_resamples():
    assert resamples_for(3_000) == 20 and resamples_for(1_000_000) == 5
