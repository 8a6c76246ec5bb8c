"""Tests for the Leiden method (nichefinder.cluster.leiden), its graph, stability and confidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from nichefinder.cluster import Confidence, LeidenClustering, cluster_embeddings
from nichefinder.cluster.graph import collapse_duplicates, knn
from nichefinder.cluster.stability import corrected_jaccard, resolution_from_evidence
from nichefinder.vectors import normalise_rows

ROOT = Path(__file__).resolve().parents[1]
HWU64 = ROOT / ".." / "shared" / "datasets" / "hwu64.csv"


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=1200, n_features=32, centers=8, cluster_std=1.0,
                      center_box=(-8, 8), random_state=0)
    return X, y


@pytest.fixture(scope="module")
def result(blobs):
    return cluster_embeddings(blobs[0], method="leiden", random_state=0)


def test_finds_the_blobs(blobs, result):
    assert result.n_groups == 8
    assert adjusted_rand_score(blobs[1], result.labels) > 0.95
    assert np.mean(result.labels < 0) < 0.05
    json.dumps(result.parameters)


def test_confidence_counts_the_resamples(result):
    c = result.confidence
    assert isinstance(c, Confidence)
    assert c.n_resamples == 12 == sum(c.group_count_tally().values())
    assert next(iter(c.group_count_tally())) == 8  # the most frequent count is the answer
    assert len(c.group_stability) == result.n_groups
    assert len(c.theme_stability) == result.n_themes
    assert min(c.group_stability) > 0.75  # separate blobs come back in every resample
    assert result.parameters["confidence"] == c.to_dict()
    json.dumps(c.to_dict())


def test_seed_stable(blobs, result):
    other = cluster_embeddings(blobs[0], method="leiden", random_state=1)
    assert adjusted_rand_score(result.labels, other.labels) > 0.95
    again = cluster_embeddings(blobs[0], method="leiden", random_state=0)
    assert np.array_equal(result.labels, again.labels)
    assert np.array_equal(result.themes, again.themes)


def test_respects_min_cluster_size():
    X, y = make_blobs(n_samples=[400, 300, 60, 30], n_features=16, center_box=(-8, 8),
                      random_state=1)
    r = cluster_embeddings(X, method="leiden", min_cluster_size=50, random_state=0)
    sizes = np.bincount(r.labels[r.labels >= 0])
    assert r.n_groups == 3 and sizes.min() >= 50


def test_separate_topics_are_never_one_group():
    # twelve well-separated topics in a diffuse space: never one group, never the coarsest cut
    X, y = make_blobs(n_samples=1200, n_features=64, centers=12, cluster_std=3.0,
                      center_box=(-6, 6), random_state=3)
    r = cluster_embeddings(X, method="leiden", random_state=0)
    assert 8 <= r.n_groups <= 18
    assert normalized_mutual_info_score(y, r.labels) > 0.8


def test_copies_of_one_post_do_not_form_a_group(blobs):
    X, y = blobs
    copies = np.repeat(X[:1], 150, axis=0)  # a retweet storm of one post of blob y[0]
    r = cluster_embeddings(np.vstack([X, copies]), method="leiden", random_state=0)
    labels = r.labels
    assert r.n_groups == 8
    assert (labels[len(X):] == labels[0]).all()  # the copies join the post's own group


def test_resolution_can_be_given(blobs):
    model = LeidenClustering(min_cluster_size=10, resolution=1.0, random_state=0)
    model.fit(normalise_rows(blobs[0]))
    assert model.parameters_["resolution"] == 1.0
    assert model.parameters_["resolution_stability"] is None


def test_knn_is_exact():
    rng = np.random.default_rng(0)
    Z = normalise_rows(rng.normal(size=(300, 16)).astype(np.float32))
    index, sims = knn(Z, 5)
    brute = Z @ Z.T
    np.fill_diagonal(brute, -np.inf)
    expected = np.sort(brute, axis=1)[:, ::-1][:, :5]
    np.testing.assert_allclose(sims, expected, rtol=1e-5, atol=1e-6)
    assert (index != np.arange(300)[:, None]).all()


def test_duplicates_collapse_to_their_first_row():
    X = normalise_rows(np.array([[1, 0], [0, 1], [1, 0.001], [0, 1]], dtype=np.float32))
    index, sims = knn(X, 2)
    node, first = collapse_duplicates(X, index, sims)
    assert node.tolist() == [0, 1, 0, 1]
    assert first.tolist() == [0, 1]


def test_one_cluster_of_everything_earns_no_stability():
    everything = np.zeros(100, dtype=int)
    assert corrected_jaccard(everything, everything).tolist() == [0.0]
    halves = np.repeat([0, 1], 50)
    assert corrected_jaccard(halves, halves).tolist() == [1.0, 1.0]


def test_a_flat_evidence_curve_picks_its_middle():
    resolutions = [1, 2, 4, 8, 16]
    assert resolution_from_evidence(resolutions, [5, 5, 5, 5, 5]) == 4.0
    assert resolution_from_evidence(resolutions, [0, 0, 0, 0, 0]) == 1.0


@pytest.mark.slow
def test_real_model_finds_the_sample_topics(real_embedder):
    """The genuine posts of sample_data, embedded with the packaged model: one group per topic,
    the same groups with another seed."""
    posts = pd.read_csv(ROOT / "sample_data" / "conversations.csv")
    truth = pd.read_csv(ROOT / "sample_data" / "truth.csv")
    frame = posts.merge(truth, on="id")
    frame = frame[frame["kind"] == "genuine"]
    frame = frame.groupby("topic").head(60)
    X = real_embedder.embed(frame["text"].astype(str).tolist())
    r = cluster_embeddings(X, method="leiden", random_state=0)
    topics = frame["topic"].nunique()
    assert topics / 1.5 <= r.n_groups <= topics * 1.5
    assert adjusted_rand_score(frame["topic"], r.labels) > 0.7
    other = cluster_embeddings(X, method="leiden", random_state=1)
    assert adjusted_rand_score(r.labels, other.labels) > 0.85


@pytest.mark.slow
@pytest.mark.skipif(not HWU64.exists(), reason="shared datasets not present")
def test_real_intents_quality_floor(real_embedder):
    """1,000 hwu64 requests: groups track the intents, themes the scenarios."""
    frame = pd.read_csv(HWU64).sample(1000, random_state=0)
    X = real_embedder.embed(frame["text"].tolist())
    r = cluster_embeddings(X, method="leiden", random_state=0)
    assert 64 / 2 <= r.n_groups <= 64 * 1.5
    assert np.mean(r.labels < 0) <= 0.10
    assert normalized_mutual_info_score(frame["label"], r.labels) >= 0.65
