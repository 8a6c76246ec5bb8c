"""A floor under the number of groups: the substantial modularity communities of the kNN graph.

The silhouette rule of :mod:`nichefinder.cluster.consensus` resolves crisp, fine-grained
audiences (intent queries: 48 groups for 64 labels, 111 for 77) but fails one way on diffuse
organic conversation: the silhouette of real forum text falls steadily with the number of groups
and peaks at two, so eight subreddits of college threads came out as 2 groups. Modularity
communities of a k-nearest-neighbour graph fail the other way: the resolution limit (Fortunato &
Barthelemy, 2007) merges neighbouring fine intents (28 communities for hwu64's 64 labels), but
they keep diffuse communities apart (13 for the 8 college subreddits). Both errors are
under-splits, so the finer of the two answers is the better one; :func:`community_count` gives
the modularity side.

The graph is the one :mod:`nichefinder.cluster.leiden` builds (near-duplicates as one node, 30
most similar nodes each, cosine weights), cut once by Leiden at resolution 1; a community counts
when it holds at least ``min_size`` rows, so that scattered crumbs do not raise the floor.

Examples
--------
>>> from sklearn.datasets import make_blobs
>>> from nichefinder.vectors import normalise_rows
>>> X, _ = make_blobs(600, n_features=20, centers=4, cluster_std=3, random_state=0)
>>> community_count(normalise_rows(X - X.mean(axis=0)), min_size=10, seed=0)
4
"""

from __future__ import annotations

import numpy as np

from .graph import build, neighbours_for
from .leiden import leiden, nodes

__all__ = ["community_count"]


def community_count(Z: np.ndarray, min_size: int, seed: int) -> int:
    """Communities of at least ``min_size`` rows of the cosine kNN graph of unit rows ``Z``
    (modularity, resolution 1, seeded Leiden); 0 for fewer than three rows."""
    n = Z.shape[0]
    if n < 3:
        return 0
    k = neighbours_for(min_size)
    _, node, _, index, sims = nodes(Z, k)
    labels = leiden(build(index[:, :k], sims[:, :k]), 1.0, seed)[node]
    return int(np.count_nonzero(np.bincount(labels) >= min_size))
