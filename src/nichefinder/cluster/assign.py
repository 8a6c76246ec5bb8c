"""Assignment: place posts in existing groups by their embeddings, without clustering again.

The rule of the noise step, applied to new posts: a post goes to its most similar centroid when
it clears that group's fence; otherwise, with ``assign_noise``, to the group it clears by the
widest margin, and to noise (``-1``) when it clears none.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InputError
from ..vectors import normalise_rows
from .geometry import validate

__all__ = ["assign_groups", "centre_like"]

_ASSIGN_CHUNK = 65_536
"""Rows compared with the centroids at once (bounds the memory)."""


def assign_groups(embeddings, centroids, fences, *, assign_noise: bool = True, center=None):
    """Place posts in existing groups by their embeddings, without clustering again.

    A post goes to its most similar centroid when it clears that group's fence. Otherwise,
    with ``assign_noise``, it goes to the group it clears by the widest margin, and to noise
    (``-1``) when it clears none: the rule step 5 of the module docstring applies to noise.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        Post embeddings from the same model as the centroids (normalised here).
    centroids : array-like of shape (k, d)
        Unit-length group centroids, e.g. :attr:`Clustering.centroids`.
    fences : array-like of shape (k,)
        Lower similarity fence of each group, e.g. :attr:`Clustering.fences`.
    assign_noise : bool, default True
    center : array-like of shape (d,), optional
        Mean embedding subtracted before clustering, :attr:`Clustering.center`: the posts are
        centred the same way (then re-normalised) before they are compared.

    Returns
    -------
    labels : ndarray of int, shape (n,)
        Group of each post, ``-1`` for noise.
    similarity : ndarray of float32, shape (n,)
        Cosine similarity to the assigned group's centroid (to the most similar one for
        noise).

    Examples
    --------
    >>> import numpy as np
    >>> centroids = np.eye(2, dtype=np.float32)
    >>> assign_groups([[0.9, 0.1], [0.1, 0.9], [-1.0, 0.0]], centroids, [0.5, 0.5])[0]
    array([ 0,  1, -1])
    """
    X = centre_like(validate(embeddings), center)
    C = np.asarray(centroids, dtype=np.float32)
    fences = np.asarray(fences, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != fences.shape[0] or (C.size and C.shape[1] != X.shape[1]):
        raise InputError(
            f"centroids {C.shape} and fences {fences.shape} do not fit embeddings {X.shape}: "
            "use the same embedding model as the plan"
        )
    labels = np.full(X.shape[0], -1, dtype=np.intp)
    similarity = np.zeros(X.shape[0], dtype=np.float32)
    if C.shape[0] == 0:
        return labels, similarity
    for start in range(0, X.shape[0], _ASSIGN_CHUNK):
        rows = slice(start, start + _ASSIGN_CHUNK)
        sims = X[rows] @ C.T
        nearest = sims.argmax(axis=1)
        best = sims[np.arange(nearest.size), nearest]
        chunk = np.where(best >= fences[nearest], nearest, -1)
        if assign_noise:
            margin = sims - fences[None, :]
            widest = margin.argmax(axis=1)
            fits = margin[np.arange(widest.size), widest] >= 0
            fix = (chunk < 0) & fits
            chunk[fix] = widest[fix]
        labels[rows] = chunk
        got = np.maximum(chunk, 0)
        similarity[rows] = np.where(chunk >= 0, sims[np.arange(got.size), got], best)
    return labels, similarity


def centre_like(X: np.ndarray, center=None) -> np.ndarray:
    """Rows centred as the clustering centred its own (:attr:`Clustering.center` subtracted,
    then re-normalised; zero rows stay zero, so they stay noise); ``X`` itself without a
    centre. ``X`` is float32 and is changed in place."""
    if center is not None:
        live = X.any(axis=1)
        X[live] = normalise_rows(X[live] - np.asarray(center, dtype=np.float32))
    return X
