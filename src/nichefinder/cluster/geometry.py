"""Geometry of groups in the clustering space: checks, group sums and centroids, the noise
fences, membership, numbering, and the PCA that both built-in methods reduce with.

Rows are unit vectors (cosine geometry). A group's *fence* is the lower Tukey fence (first
quartile minus :data:`FENCE_IQR` interquartile ranges) of its members' similarities to its
centroid: a post below it is noise, and with ``assign_noise`` a noise post joins the group whose
fence it clears by the widest margin. Groups are numbered by size, largest first, ties by the
smallest row index.

Examples
--------
>>> number_by_size(np.array([2, 2, -1, 0, 1, 1, 1]))
array([ 1,  1, -1,  2,  0,  0,  0])
>>> dissolve_small(np.array([0, 0, 1, 2, 2, 2]), 2)
array([ 0,  0, -1,  1,  1,  1])
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ..exceptions import InputError
from ..vectors import normalise_rows

__all__ = [
    "FENCE_IQR",
    "PCA_SAMPLE",
    "apply_fences",
    "check_int",
    "dissolve_small",
    "group_centroids",
    "group_sums",
    "member_fences",
    "membership",
    "number_by_size",
    "project",
    "reduce",
    "tukey_fences",
    "validate",
]

#: Tukey's fence multiplier for the lower outlier fence of member similarities.
FENCE_IQR = 1.5
"""Tukey's fence multiplier for the lower outlier fence of member similarities."""
PCA_SAMPLE = 20_000
"""Rows the PCA is fitted on at most (a seeded sample beyond this)."""


def validate(embeddings) -> np.ndarray:
    """``embeddings`` as float32 unit rows (all-zero rows stay zero), or an InputError."""
    try:
        X = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise InputError(f"embeddings must be a numeric 2-D array; got {type(embeddings).__name__}"
                         f" that numpy cannot convert ({exc})") from None
    if X.ndim != 2:
        raise InputError(
            f"embeddings must be 2-D (one row per post); got shape {X.shape}; "
            "reshape a single vector with X.reshape(1, -1)"
        )
    if X.shape[1] == 0:
        raise InputError(f"embeddings have shape {X.shape}: no dimensions to cluster on")
    finite = np.isfinite(X).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise InputError(
            f"embeddings hold NaN or infinite values in {bad.size} row(s), first row "
            f"{bad[0]}; drop or re-embed those posts"
        )
    norms = np.linalg.norm(X, axis=1)
    if X.shape[0] and (norms == 0).all():
        raise InputError(
            f"every one of the {X.shape[0]} embedding rows is all zeros: a zero vector has no "
            "direction; check the embedder"
        )
    norms[norms == 0] = 1.0  # all-zero rows stay zero and end as noise
    return X / norms[:, None] if X.shape[0] else X


def check_int(name: str, value, minimum: int) -> None:
    """An InputError unless ``value`` is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}; got {value!r}")


def group_sums(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of each label's rows, as float64 (labels < 0 ignored)."""
    mask = labels >= 0
    rows = np.flatnonzero(mask)
    onehot = sparse.csr_matrix(
        (np.ones(rows.size, dtype=X.dtype), (labels[mask], rows)), shape=(k, X.shape[0])
    )
    return np.asarray(onehot @ X, dtype=np.float64)


def group_centroids(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Normalised mean of each label's rows (labels < 0 ignored)."""
    return normalise_rows(group_sums(X, labels, k)).astype(np.float32)


def project(X: np.ndarray, fit_rows, n_components: int) -> np.ndarray:
    """PCA by eigendecomposition of the d x d covariance (exact, no randomness, O(n d^2))."""
    fit = X[fit_rows].astype(np.float64)
    mean = fit.mean(axis=0)
    fit -= mean
    values, vectors = np.linalg.eigh(fit.T @ fit)
    order = np.argsort(values)[::-1][:n_components]
    components = vectors[:, order]
    explained = float(values[order].sum() / max(values.sum(), 1e-12))
    return (X - mean.astype(X.dtype)) @ components.astype(X.dtype), explained


def reduce(X: np.ndarray, n_components, rng, say) -> tuple[np.ndarray, int]:
    """Unit rows of ``X`` projected on their first ``n_components`` principal components
    (default ``min(50, d, n - 1)``), fitted on at most :data:`PCA_SAMPLE` rows drawn from
    ``rng``, and normalised again."""
    n, dim = X.shape
    if n_components is None:
        n_components = min(50, dim, n - 1)
    check_int("n_components", n_components, 1)
    n_components = min(n_components, dim, n - 1)
    fit_rows = rng.choice(n, PCA_SAMPLE, replace=False) if n > PCA_SAMPLE else slice(None)
    projected, explained = project(X, fit_rows, n_components)
    say("PCA to %d dimensions keeps %.0f%% of the variance", n_components, 100 * explained)
    return normalise_rows(projected), int(n_components)


def dissolve_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Groups smaller than ``min_size`` become noise; the rest are numbered ``0..k-1`` again,
    in their order."""
    labels = labels.copy()
    if labels.max(initial=-1) < 0:
        return labels
    sizes = np.bincount(labels[labels >= 0])
    small = np.flatnonzero(sizes < min_size)
    labels[np.isin(labels, small)] = -1
    # renumber compactly
    present = np.unique(labels[labels >= 0])
    remap = np.full(sizes.shape[0], -1)
    remap[present] = np.arange(present.size)
    labels[labels >= 0] = remap[labels[labels >= 0]]
    return labels


def member_fences(X, labels, centroids) -> np.ndarray:
    """Tukey fence of each group's members' similarity to its centroid."""
    mask = labels >= 0
    own = np.full(X.shape[0], -np.inf)
    own[mask] = np.einsum("ij,ij->i", X[mask], centroids[labels[mask]])
    return tukey_fences(own, labels, centroids.shape[0])


def tukey_fences(sim_to_own: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Lower Tukey fence of each group's similarities to its own centroid."""
    fences = np.empty(k, dtype=np.float64)
    for g in range(k):
        s = sim_to_own[labels == g]
        q1, q3 = np.percentile(s, [25, 75])
        fences[g] = q1 - FENCE_IQR * (q3 - q1)
    return fences


def apply_fences(X, labels, assign_noise):
    """Members below their group's fence become noise; with ``assign_noise`` a noise post joins
    the group whose fence it clears by the widest margin. Returns the labels, the similarities
    to every centroid and the fences (``None`` twice when there is no group)."""
    k = int(labels.max()) + 1
    if k == 0:
        return labels, None, None
    sims = X @ group_centroids(X, labels, k).T
    rows = np.arange(X.shape[0])
    own = np.where(labels >= 0, sims[rows, np.maximum(labels, 0)], -np.inf)
    fences = tukey_fences(own, labels, k)
    out = labels.copy()
    out[(labels >= 0) & (own < fences[np.maximum(labels, 0)])] = -1
    if assign_noise:
        noise = np.flatnonzero(out < 0)
        if noise.size:
            margin = sims[noise] - fences[None, :]
            best = margin.argmax(axis=1)
            ok = margin[np.arange(noise.size), best] >= 0
            out[noise[ok]] = best[ok]
    return out, sims, fences


def number_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber groups by size descending, ties by smallest row index."""
    if labels.max(initial=-1) < 0:
        return labels
    mask = labels >= 0
    sizes = np.bincount(labels[mask])
    first = np.full(sizes.shape[0], labels.shape[0])
    np.minimum.at(first, labels[mask], np.flatnonzero(mask))
    present = np.flatnonzero(sizes > 0)
    order = present[np.lexsort((first[present], -sizes[present]))]
    remap = np.full(sizes.shape[0], -1)
    remap[order] = np.arange(order.size)
    out = np.full_like(labels, -1)
    out[mask] = remap[labels[mask]]
    return out


def membership(X, labels, centroids) -> np.ndarray:
    """Membership strength of each post: the share of its group's members that are less similar
    to the centroid than it is (0 for noise)."""
    prob = np.zeros(X.shape[0], dtype=np.float64)
    mask = labels >= 0
    own = np.einsum("ij,ij->i", X[mask], centroids[labels[mask]])
    idx = np.flatnonzero(mask)
    for g in range(centroids.shape[0]):
        members = labels[mask] == g
        s = own[members]
        ranks = np.argsort(np.argsort(s, kind="stable"), kind="stable")
        prob[idx[members]] = (ranks + 1) / s.size
    return prob
