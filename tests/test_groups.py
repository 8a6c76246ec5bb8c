"""Groups: the per-group facts every later stage reads, computed once after clustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nichefinder.exceptions import InputError
from nichefinder.groups import build_groups, rows_by_group, timeline


def corpus():
    posts = pd.DataFrame({
        "id": [f"p{i}" for i in range(8)],
        "text": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "author": pd.array(["ann", "bob", "ann", None, "cy", "cy", "dee", "ann"], dtype="string"),
        "timestamp": pd.to_datetime(["2026-05-01T10:00Z", "2026-05-01T23:00Z", None,
                                     "2026-05-03T01:00Z", "2026-05-08T12:00Z",
                                     "2026-05-09T12:00Z", "2026-05-10T00:00Z",
                                     "2026-05-11T10:00Z"], utc=True),
        "platform": pd.array(["X", "reddit", "x", " ", "reddit", None, "reddit", "reddit"],
                             dtype="string"),
    })
    labels = np.array([3, 3, 3, -1, 0, 0, 0, -1])
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(8, 4)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return posts, labels, emb


def test_members_sizes_and_centroids_are_those_of_the_labels():
    posts, labels, emb = corpus()
    groups = build_groups(posts, labels, emb, themes=np.array([7, 8, 9, 4]))
    assert groups.ids.tolist() == [0, 3] and len(groups) == 2 and groups.n_grouped == 6
    assert [rows.tolist() for rows in groups.members] == [[4, 5, 6], [0, 1, 2]]
    assert groups.sizes.tolist() == [3, 3] and groups.first_rows.tolist() == [4, 0]
    assert groups.themes == (7, 4)  # by group id
    mean = emb[[0, 1, 2]].astype(np.float64).mean(axis=0)
    np.testing.assert_array_equal(groups.means[1], mean)
    np.testing.assert_array_equal(groups.centroids[1], mean / np.linalg.norm(mean))
    np.testing.assert_allclose(groups.similarity, groups.centroids @ groups.centroids.T)
    assert groups.index == {0: 0, 3: 1}


def test_authors_platforms_and_time_are_counted_once():
    posts, labels, emb = corpus()
    groups = build_groups(posts, labels, emb)
    assert groups.has_authors and groups.n_authors == (2, 2)
    assert groups.people([0, 1]) == 4
    assert groups.audience_overlap.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    # blank and missing platforms are skipped; names are counted as written
    assert groups.platforms == ({"reddit": 2}, {"X": 1, "reddit": 1, "x": 1})
    t = groups.timeline
    assert t.day.tolist() == [0, 0, -1, 2, 7, 8, 9, 10] and t.n_days == 11
    assert t.span_days == pytest.approx(10.0)
    assert np.isnan(t.hours[2]) and t.hours[1] == 13.0


def test_no_authors_no_time_no_platform():
    posts = pd.DataFrame({"id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    groups = build_groups(posts, np.array([0, 0, -1]), np.eye(3))
    assert not groups.has_authors and groups.n_authors == (None,) and groups.incidence is None
    assert groups.audience_overlap is None and groups.people([0]) is None
    assert groups.platforms == ({},) and timeline(posts).span_days is None


def test_the_table_is_read_only_and_checked():
    posts, labels, emb = corpus()
    groups = build_groups(posts, labels, emb)
    with pytest.raises(ValueError, match="read-only"):
        groups.centroids[0, 0] = 1.0
    emb[0, 0] = 5.0  # the caller's array stays writable
    with pytest.raises(InputError, match=r"labels \(7\) and embeddings \(8\)"):
        build_groups(posts, labels[:-1], emb)
    with pytest.raises(InputError, match="one row of embeddings and one label per post"):
        build_groups(posts, labels, emb[:, 0])


def test_rows_by_group_is_flatnonzero_of_each_label():
    rng = np.random.default_rng(1)
    labels = rng.integers(-1, 6, 500)
    ids = [0, 2, 5]
    for g, rows in zip(ids, rows_by_group(labels, ids), strict=True):
        np.testing.assert_array_equal(rows, np.flatnonzero(labels == g))
