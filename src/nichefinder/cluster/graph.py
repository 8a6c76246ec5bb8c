"""The cosine k-nearest-neighbour graph that the Leiden method cuts, and its near-duplicates.

Rows are unit vectors. :func:`knn` finds each row's ``k`` most similar other rows exactly, by
chunked matrix products in float32 (``O(n^2 d)`` time, ``O(chunk n)`` memory). :func:`build`
symmetrises those lists into an undirected weighted graph (an edge when either end lists the
other; weight the cosine, clipped at 0).

Near-duplicates (:func:`collapse_duplicates`): retweets and copy-pasted posts are many rows with
the same vector. In a k-nearest-neighbour graph a text repeated more than ``k`` times links only
to its own copies: an island that every resolution keeps as a group of its own, though it says
one thing once. Rows whose cosine is at least :data:`DUPLICATE_COSINE` to a neighbour are joined
(connected components of those pairs) and the graph is built on one representative row per
component; the copies take their representative's group afterwards.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1, 0], [1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
>>> index, sims = knn(X, 2)
>>> index[0].tolist()
[1, 2]
>>> collapse_duplicates(X, index, sims)[0].tolist()
[0, 0, 1, 2]
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

__all__ = [
    "DUPLICATE_COSINE", "KNN_K", "build", "collapse_duplicates", "knn", "neighbours_for",
    "to_igraph",
]

KNN_K = 30
"""Neighbours per row in the graph."""
DUPLICATE_COSINE = 0.98
"""Cosine from which two rows count as copies of one text (a retweet, a pasted post)."""
_CHUNK_CELLS = 2**24
"""Similarities computed at once: chunk rows x n (64 MiB of float32)."""


def neighbours_for(min_size: int) -> int:
    """Neighbours per row for groups of at least ``min_size`` rows: :data:`KNN_K`, fewer
    (at least 10) when ``2 min_size`` is smaller, so that a small group is not linked mostly
    outside itself."""
    return int(min(KNN_K, max(10, 2 * min_size)))


def knn(Z: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most similar other rows (exact cosine of unit rows), most similar first.

    Returns the indices (n, k) and similarities (n, k), float32. The products and the top-k
    selection run in torch (a dependency of the embedding stage; several times faster than
    numpy's partition), in chunks.
    """
    import torch

    Z = np.ascontiguousarray(Z, dtype=np.float32)
    n = Z.shape[0]
    k = int(min(k, n - 1))
    index = np.empty((n, k), dtype=np.int64)
    sims = np.empty((n, k), dtype=np.float32)
    step = max(1, _CHUNK_CELLS // max(n, 1))
    Zt = torch.from_numpy(Z)
    with torch.no_grad():
        for start in range(0, n, step):
            stop = min(n, start + step)
            block = Zt[start:stop] @ Zt.T
            block[torch.arange(stop - start), torch.arange(start, stop)] = -float("inf")
            top = torch.topk(block, k, dim=1, largest=True, sorted=True)
            index[start:stop] = top.indices.numpy()
            sims[start:stop] = top.values.numpy()
    return index, sims


def build(index: np.ndarray, sims: np.ndarray, n: int | None = None) -> sparse.csr_matrix:
    """Symmetric sparse graph of the neighbour lists: weight ``max(cosine, 0)``, an edge when
    either end lists the other, no self-loops."""
    n = index.shape[0] if n is None else n
    rows = np.repeat(np.arange(index.shape[0]), index.shape[1])
    weights = np.clip(sims.ravel(), 0.0, None).astype(np.float64)
    keep = weights > 0
    graph = sparse.csr_matrix((weights[keep], (rows[keep], index.ravel()[keep])), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


def collapse_duplicates(X, index, sims, threshold: float = DUPLICATE_COSINE):
    """Components of rows at cosine >= ``threshold`` to a listed neighbour.

    Returns the component of each row (numbered by first row) and the representative (first)
    row of each component.
    """
    n = X.shape[0]
    close = sims >= threshold
    rows = np.repeat(np.arange(n), index.shape[1])[close.ravel()]
    pairs = sparse.csr_matrix(
        (np.ones(rows.size, dtype=np.int8), (rows, index[close])), shape=(n, n)
    )
    _, component = connected_components(pairs, directed=False)
    # number components by their first row, so that the numbering does not depend on scipy
    first = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, component, np.arange(n))
    order = np.argsort(first, kind="stable")
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    return remap[component], first[order]


def to_igraph(graph: sparse.csr_matrix, loops: bool = False):
    """An undirected weighted :mod:`igraph` graph of the upper triangle of ``graph`` (with
    ``loops``, its diagonal too: a self-loop of that weight)."""
    import igraph as ig

    upper = sparse.triu(graph, k=0 if loops else 1).tocoo()
    g = ig.Graph(n=graph.shape[0], edges=np.column_stack([upper.row, upper.col]),
                 directed=False)
    g.es["weight"] = upper.data
    return g
