import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score
from sklearn.neighbors import KNeighborsClassifier

from nichefinder.describe.layout import project_2d as project_groups
from nichefinder.exceptions import InputError
from nichefinder.groups import build_groups


def project_2d(x, labels, **options):
    """The map of posts ``x`` in groups ``labels`` (posts with no other column)."""
    return project_groups(build_groups(pd.DataFrame(index=range(len(labels))), labels, x),
                          **options)


def blobs(n=3000, centers=6, dim=48, seed=0):
    x, y = make_blobs(n_samples=n, centers=centers, n_features=dim, cluster_std=2.0,
                      random_state=seed)
    labels = y.copy()
    labels[::10] = -1  # 10% noise
    return x.astype(np.float32), labels, y


def test_shape_and_determinism():
    x, labels, _ = blobs()
    a = project_2d(x, labels, random_state=0)
    assert a.shape == (len(x), 2) and np.isfinite(a).all()
    assert np.array_equal(a, project_2d(x, labels, random_state=0))
    assert np.array_equal(project_2d(x, labels), project_2d(x, labels))  # no seed: still fixed
    assert np.abs(a).max() < 20


def test_groups_are_separate_islands():
    """Quality floor: groups do not overlap on the map (2-D nearest neighbour recovers them)."""
    x, labels, _ = blobs()
    xy = project_2d(x, labels, random_state=0)
    grouped = labels >= 0
    assert silhouette_score(xy[grouped], labels[grouped]) > 0.6
    knn = KNeighborsClassifier(n_neighbors=5).fit(xy[grouped][::2], labels[grouped][::2])
    assert knn.score(xy[grouped][1::2], labels[grouped][1::2]) > 0.99


def test_related_groups_lie_near_each_other_and_size_shows():
    rng = np.random.default_rng(1)
    centres = np.zeros((4, 32))
    centres[0, 0], centres[1, 0], centres[1, 1] = 10, 10, 1.5  # 0 and 1 are related
    centres[2, 5], centres[3, 9] = 10, -10
    sizes = [400, 400, 400, 100]
    labels = np.repeat(np.arange(4), sizes)
    x = centres[labels] + rng.normal(0, 0.3, (len(labels), 32))
    xy = project_2d(x, labels, random_state=0)
    mid = np.array([xy[labels == g].mean(axis=0) for g in range(4)])
    d = np.linalg.norm(mid[:, None] - mid[None], axis=-1)
    assert d[0, 1] < d[0, 2] and d[0, 1] < d[1, 2]
    spread = [np.linalg.norm(xy[labels == g] - mid[g], axis=1).max() for g in range(4)]
    assert spread[3] < spread[2]  # a smaller group is a smaller island


@pytest.mark.parametrize(
    "x, labels",
    [
        (np.zeros((0, 5)), np.zeros(0, dtype=int)),
        (np.ones((1, 5)), np.array([0])),
        (np.ones((6, 5)), np.array([0, 0, 1, 1, 2, 2])),  # identical vectors
        (np.random.default_rng(0).normal(size=(10, 5)), np.full(10, -1)),  # all noise
        (np.random.default_rng(0).normal(size=(10, 5)), np.zeros(10, dtype=int)),  # one group
        (np.random.default_rng(0).normal(size=(10, 5)), np.repeat([0, 1], 5)),  # two groups
        (np.random.default_rng(0).normal(size=(3, 5)), np.array([0, 1, -1])),
    ],
)
def test_edge_cases_give_finite_coordinates(x, labels):
    xy = project_2d(x, labels, random_state=0)
    assert xy.shape == (len(x), 2) and np.isfinite(xy).all()


def test_two_identical_groups_are_still_apart():
    x = np.ones((20, 4))
    xy = project_2d(x, np.repeat([0, 1], 10))
    assert np.linalg.norm(xy[:10].mean(0) - xy[10:].mean(0)) > 1


def test_mismatched_input_raises():
    with pytest.raises(InputError, match=r"labels \(5\) and embeddings \(4\) must have one"):
        project_2d(np.zeros((4, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="one row of embeddings and one label per post"):
        project_2d(np.zeros(5), np.zeros(5))
