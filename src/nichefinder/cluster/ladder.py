"""The ladder of cuts: a merge tree of micro-clusters cut into fewer and fewer groups, each cut
scored by the silhouette of a fixed sample of posts, and the one-standard-error choice.

Cuts into ``k0, 0.9 k0, 0.81 k0, ... 2`` groups (the same ladder for every partition and
seed) are scored by the mean cosine silhouette of a fixed systematic sample of posts; the
chosen number of groups follows the one-standard-error rule (Breiman et al., 1984): the fewest
groups whose silhouette is within one standard error of the best.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster

__all__ = ["SELECTION_SE", "cosine_distances", "cut_for", "cut_micro", "ladder", "leaf_of",
           "score_cuts", "select"]

SELECTION_SE = 1.0
"""Standard errors of silhouette loss accepted to choose a coarser partition (1-SE rule)."""
_LADDER_RATIO = 0.9


def ladder(max_k: int) -> list[int]:
    ks, k = [], max_k
    while k >= 2:
        ks.append(k)
        k = min(k - 1, int(k * _LADDER_RATIO))
    return ks


def leaf_of(micro: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Leaf of the merge tree (kept micro-cluster) of each row, ``-1`` when not kept."""
    leaf = np.full(keep.size, -1, dtype=np.intp)
    leaf[keep] = np.arange(int(keep.sum()))
    return leaf[micro]


def cut_micro(tree, cut, keep, micro):
    micro_group = np.full(keep.shape[0], -1)
    micro_group[keep] = fcluster(tree, cut, "distance") - 1
    return micro_group[micro]


def cosine_distances(sample_X):
    distances = np.clip(1.0 - sample_X @ sample_X.T, 0.0, 2.0).astype(np.float32)
    np.fill_diagonal(distances, 0.0)
    return distances


def cut_for(heights, k):
    """Height that cuts an average-linkage tree (monotone heights) into k clusters."""
    last = len(heights) - k  # index of the last merge kept
    if last >= len(heights) - 1 or last < -1:
        return None
    low = float(heights[last]) if last >= 0 else 0.0
    return (low + float(heights[last + 1])) / 2


def score_cuts(tree, distances, micro_sample, micro_sizes, ks, min_size):
    """Per-post silhouettes (Rousseeuw 1987) of the sample for each cut of a micro-cluster tree.

    Returns ``{k: (cut height, silhouettes)}``, in ``O(m k)`` per cut.

    ``ks`` (decreasing) cut the tree after ``n_leaves - k`` merges, so every cut coarsens
    the one before it: each sample post's summed distance to the sample members of every
    leaf (micro-cluster) is computed once (``k0 x m``) and each cut adds up the rows of the
    previous one. ``micro_sample`` is the leaf of each sample post (``-1`` when its
    micro-cluster is too small to enter the tree) and ``micro_sizes`` the number of posts
    (all rows, not only the sample) in each leaf: groups smaller than ``min_size`` are
    dropped (they end as noise). Rows labelled ``-1`` score 0 and are nobody's
    neighbours, like members of singleton groups; otherwise the values of
    ``sklearn.metrics.silhouette_samples(..., metric="precomputed")``.
    """
    n_leaves = tree.shape[0] + 1
    m = micro_sample.shape[0]
    valid = np.flatnonzero(micro_sample >= 0)
    onehot = sparse.csr_matrix(
        (np.ones(valid.size, dtype=distances.dtype), (micro_sample[valid], valid)),
        shape=(n_leaves, m),
    )
    sums = np.asarray(onehot @ distances)  # (groups, m): summed distance to each group
    sizes = micro_sizes.astype(np.float64)
    counts = np.bincount(micro_sample[valid], minlength=n_leaves).astype(np.float64)
    group = np.arange(n_leaves)  # current group of each leaf
    heights = tree[:, 2]
    scored = {}
    for k, groups in _ladder_cuts(tree, ks):
        cut = cut_for(heights, k)
        # the previous groups merge into these: add up their rows
        first = np.full(int(group.max()) + 1, -1)
        first[group[::-1]] = groups[::-1]
        merge = sparse.csr_matrix(
            (np.ones(first.size), (first, np.arange(first.size))), shape=(k, first.size)
        )
        sums = np.asarray(merge @ sums)
        sizes, counts, group = merge @ sizes, merge @ counts, groups
        present = (sizes >= min_size) & (counts > 0)
        labels = np.full(m, -1, dtype=np.intp)
        labels[valid] = group[micro_sample[valid]]
        inside = labels >= 0
        labels[inside] = np.where(present[labels[inside]], labels[inside], -1)
        rows = np.flatnonzero(labels >= 0)
        if int(present.sum()) < 2 or rows.size <= int(present.sum()):
            continue
        own = labels[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_to = sums[:, rows] / counts[:, None].astype(sums.dtype)
        mean_to[~present] = np.inf
        a = sums[own, rows] / np.maximum(counts[own] - 1, 1)
        mean_to[own, np.arange(rows.size)] = np.inf
        b = mean_to.min(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = (b - a) / np.maximum(a, b)
        values[(counts[own] <= 1) | ~np.isfinite(values)] = 0.0
        silhouettes = np.zeros(m)
        silhouettes[rows] = values
        scored[k] = (cut, silhouettes)
    return scored


def _ladder_cuts(tree, ks):
    """``(k, leaf labels 0..k-1)`` for each k in decreasing ``ks``: the tree after ``n - k``
    merges."""
    n = tree.shape[0] + 1
    parent = np.arange(2 * n - 1)
    wanted = sorted((k for k in ks if 1 <= k <= n), reverse=True)
    done = 0
    for k in wanted:
        for i in range(done, n - k):
            parent[int(tree[i, 0])] = parent[int(tree[i, 1])] = n + i
        done = n - k
        root = np.arange(n)
        while True:  # follow parents to the current roots
            up = parent[root]
            if np.array_equal(up, root):
                break
            root = up
        parent[:n] = root  # path compression: later merges only move the roots
        yield k, np.unique(root, return_inverse=True)[1].ravel()


def select(curve: dict) -> int:
    """One-standard-error rule (Breiman et al., 1984) over {k: per-post silhouettes}.

    The fewest groups whose mean silhouette is within one standard error (of the best cut's
    mean over the sample) of the best.
    """
    best = max(curve, key=lambda k: curve[k].mean())
    values = curve[best]
    se = values.std(ddof=1) / math.sqrt(values.size)
    floor = values.mean() - SELECTION_SE * se
    return min(k for k, v in curve.items() if v.mean() >= floor)
