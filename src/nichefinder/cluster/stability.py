"""How reproducible a partition is: cluster-wise Jaccard against resamples, corrected for chance,
and the resolution the evidence points at.

A cluster of a partition is *stable* when the same rows form a cluster again on a resample
(Hennig, 2007): its best-match Jaccard with the clusters of the resample's partition, over the
rows both saw, is high (0.75 is Hennig's "stable"). A cluster that holds most rows matches
something in any partition, so each Jaccard is corrected for chance: ``J0`` is the Jaccard the
cluster would have with its best match if the resample's clusters (same sizes) held random rows,
``(J - J0) / (1 - J0)`` what it earns above that. A flat, diffuse corpus gets no credit for its
coarsest cut: one cluster of everything has ``J = J0 = 1`` and earns nothing.

Examples
--------
>>> import numpy as np
>>> a = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
>>> b = np.array([5, 5, 5, 6, 6, 6, 7, 7, 8])
>>> best_match_jaccard(a, b).round(3).tolist()
[1.0, 1.0, 0.667]
>>> resolution_from_evidence([1.0, 2.0, 4.0], [0.0, 10.0, 0.0])
2.0
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

__all__ = ["STABLE_JACCARD", "best_match_jaccard", "chance_jaccard", "corrected_jaccard",
           "resolution_from_evidence"]

STABLE_JACCARD = 0.75
"""Chance-corrected best-match Jaccard from which a cluster counts as stable (Hennig, 2007)."""


def _table(reference, other, weights=None, n_clusters=None):
    """Weighted contingency table of two labelings over the rows where both are >= 0."""
    both = (reference >= 0) & (other >= 0)
    w = np.ones(int(both.sum())) if weights is None else np.asarray(weights, float)[both]
    a, b = reference[both], other[both]
    k = int(reference.max()) + 1 if n_clusters is None else int(n_clusters)
    table = sparse.coo_matrix((w, (a, b)), shape=(k, int(max(other.max(), 0)) + 1)).tocsr()
    return table, np.asarray(table.sum(axis=1)).ravel(), np.asarray(table.sum(axis=0)).ravel()


def best_match_jaccard(reference, other, weights=None, n_clusters=None) -> np.ndarray:
    """For each cluster ``0..n_clusters-1`` of ``reference`` (default: up to its largest label):
    its largest Jaccard with a cluster of ``other``, over the rows both label (``-1``: absent or
    noise), rows weighted by ``weights``. ``nan`` for a cluster with no such row.
    """
    reference, other = np.asarray(reference), np.asarray(other)
    if reference.max(initial=-1) < 0 and not n_clusters:
        return np.zeros(0)
    table, sizes_a, sizes_b = _table(reference, other, weights, n_clusters)
    coo = table.tocoo()
    union = sizes_a[coo.row] + sizes_b[coo.col] - coo.data
    jaccard = np.zeros(table.shape[0])
    np.maximum.at(jaccard, coo.row, coo.data / union)
    jaccard[sizes_a == 0] = np.nan
    return jaccard


def chance_jaccard(reference, other, weights=None, n_clusters=None) -> np.ndarray:
    """For each cluster of ``reference``: the best-match Jaccard it would have if the clusters
    of ``other`` (the same sizes) held random rows: ``max_b (a b / n) / (a + b - a b / n)``."""
    reference, other = np.asarray(reference), np.asarray(other)
    if reference.max(initial=-1) < 0 and not n_clusters:
        return np.zeros(0)
    _, sizes_a, sizes_b = _table(reference, other, weights, n_clusters)
    n = max(float(sizes_a.sum()), 1.0)
    b = sizes_b[sizes_b > 0]
    if b.size == 0:
        return np.zeros(sizes_a.size)
    overlap = sizes_a[:, None] * b[None, :] / n
    return (overlap / (sizes_a[:, None] + b[None, :] - overlap)).max(axis=1)


def corrected_jaccard(reference, other, weights=None, n_clusters=None) -> np.ndarray:
    """Best-match Jaccard above chance, ``(J - J0) / (1 - J0)`` clipped to ``[0, 1]`` (0 when
    ``J0 = 1``: one cluster of everything says nothing; 0 for a cluster no row of which both
    label)."""
    observed = best_match_jaccard(reference, other, weights, n_clusters)
    chance = chance_jaccard(reference, other, weights, n_clusters)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (observed - chance) / (1.0 - chance)
    return np.clip(np.nan_to_num(value, nan=0.0, posinf=0.0, neginf=0.0), 0.0, 1.0)


def resolution_from_evidence(resolutions, evidence) -> float:
    """Weighted median of ``log(resolution)``, weights ``evidence``; 1.0 when there is none.

    The resolution where half the evidence of stable structure lies below and half above: a
    plateau of equally reproducible resolutions gives its middle, not its coarsest end.
    """
    resolutions = np.asarray(resolutions, dtype=float)
    evidence = np.clip(np.asarray(evidence, dtype=float), 0.0, None)
    total = evidence.sum()
    if total <= 0:
        return 1.0
    order = np.argsort(resolutions)
    cumulative = np.cumsum(evidence[order]) / total
    i = int(np.searchsorted(cumulative, 0.5))
    logs = np.log(resolutions[order])
    if math.isclose(cumulative[i], 0.5) and i + 1 < logs.size:
        # exactly half below: the midpoint of this step and the next with evidence
        j = i + 1 + int(np.flatnonzero(evidence[order][i + 1:] > 0)[0])
        return float(np.exp((logs[i] + logs[j]) / 2))
    return float(np.exp(logs[i]))
