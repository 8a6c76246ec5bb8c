"""Tests for the modularity floor under the number of groups (nichefinder.cluster.modularity)."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import nichefinder.cluster.consensus as consensus
from nichefinder.cluster import ConsensusClustering
from nichefinder.cluster.modularity import community_count
from nichefinder.vectors import normalise_rows


def _unit(X):
    return normalise_rows(X - X.mean(axis=0))


def test_counts_the_communities_of_blobs():
    X, _ = make_blobs(900, n_features=20, centers=6, cluster_std=3, random_state=1)
    assert community_count(_unit(X), min_size=10, seed=0) == 6


def test_crumbs_below_min_size_do_not_count():
    X, _ = make_blobs(600, n_features=20, centers=4, cluster_std=3, random_state=0)
    far, _ = make_blobs(6, n_features=20, centers=[np.full(20, 60.0)], cluster_std=0.5,
                        random_state=0)
    assert community_count(_unit(np.vstack([X, far])), min_size=10, seed=0) == 4


def test_tiny_input_has_no_communities():
    assert community_count(np.eye(2, dtype=np.float32), min_size=5, seed=0) == 0


def test_the_floor_raises_the_silhouette_choice(monkeypatch):
    # eight tight topics in two distant families: the silhouette's best cut is the two
    # families; a floor of eight communities keeps the topics apart
    rng = np.random.default_rng(0)
    families = rng.normal(size=(2, 32)) * 6
    topics = np.vstack([f + rng.normal(size=(4, 32)) for f in families])
    y = np.repeat(np.arange(8), 150)
    X = _unit(topics[y] + rng.normal(size=(1200, 32)) * 0.2)
    monkeypatch.setattr(consensus, "community_count", lambda *args: 0)
    plain = ConsensusClustering(min_cluster_size=20, random_state=0).fit(X)
    assert plain.labels_.max() + 1 == 2
    monkeypatch.setattr(consensus, "community_count", lambda *args: 8)
    raised = ConsensusClustering(min_cluster_size=20, random_state=0).fit(X)
    assert raised.parameters_["community_floor"] == 8
    assert raised.labels_.max() + 1 == 8
    assert adjusted_rand_score(y, raised.labels_) > 0.95
