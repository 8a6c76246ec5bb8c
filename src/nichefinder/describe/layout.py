"""Layout: a readable 2-D map of the conversations, one island per group.

A general-purpose embedding (t-SNE, UMAP) of a million posts takes minutes and moves with every
seed. A channel plan needs something simpler: the groups laid out so that related groups sit near
each other, each group a compact island sized by its volume, and the off-topic posts (noise) as a
faint background. :func:`project_2d` builds exactly that in one pass over the data (``O(n·d)``):

1. the group centroids are placed by a PCA of the centroids (classical MDS on their Euclidean
   distances), then pushed apart until no two islands overlap;
2. each group's posts are spread around their centroid by a PCA of the group's own posts, scaled
   to an island whose radius grows with the square root of the group's size;
3. noise posts are placed by the same projection as the centroids, so an off-topic post still lies
   near the groups it resembles.

Group ``-1`` is noise, as everywhere in nichefinder.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from ..groups import Groups
from ..results import NOISE

__all__ = ["project_2d"]

MAX_FIT_ROWS = 2000
"""Rows used to fit each PCA (a sample beyond this; projecting all rows stays ``O(n·d)``)."""

SPAN = 10.0
"""Half-width of the finished layout: coordinates lie roughly in ``[-SPAN, SPAN]``."""


def _sample(rows: np.ndarray, rng) -> np.ndarray:
    """At most :data:`MAX_FIT_ROWS` of ``rows``: seeded when ``rng`` is given, else strided."""
    if len(rows) <= MAX_FIT_ROWS:
        return rows
    if rng is None:
        return rows[np.linspace(0, len(rows) - 1, MAX_FIT_ROWS).astype(np.int64)]
    return np.sort(rng.choice(rows, MAX_FIT_ROWS, replace=False))


def _axes(x: np.ndarray, center: np.ndarray, n_components: int = 2) -> np.ndarray:
    """Top principal axes of ``x`` around ``center`` as a ``(d, n_components)`` matrix.

    Subspace iteration on the covariance (or Gram) matrix: only matrix products, so it stays fast
    on a busy machine where a full LAPACK eigen-decomposition does not. The start is fixed (the
    highest-variance coordinates), signs are fixed (largest loading positive), so the result is
    deterministic. Missing components (fewer than 3 rows, or rank < 2) are zero columns.
    """
    d = x.shape[1]
    axes = np.zeros((d, n_components))
    if len(x) < 2:
        return axes
    centered = np.asarray(x, dtype=np.float64) - center
    gram = centered.shape[0] < d
    cov = centered @ centered.T if gram else centered.T @ centered
    dim = cov.shape[0]
    k = min(n_components, dim)
    q = cov[:, np.argsort(-np.diag(cov), kind="stable")[:k]].copy()
    if not np.any(q):
        return axes
    q, _r = np.linalg.qr(q + 1e-12 * np.eye(dim, k))
    for _ in range(60):  # a picture needs the plane, not digits: a few dozen steps suffice
        nxt, _r = np.linalg.qr(cov @ q)
        done = np.abs(np.abs(nxt.T @ q) - np.eye(k)).max() < 1e-6
        q = nxt
        if done:
            break
    # Rayleigh-Ritz: order the two directions by variance
    small = q.T @ cov @ q
    evals, rot = np.linalg.eigh((small + small.T) / 2)
    q = q @ rot[:, ::-1]
    evals = evals[::-1]
    vecs = centered.T @ q if gram else q
    total = max(float(np.trace(cov)), 1e-300)
    for i in range(k):
        if evals[i] <= 1e-12 * total:
            continue
        v = vecs[:, i] / max(np.linalg.norm(vecs[:, i]), 1e-300)
        axes[:, i] = v if v[np.argmax(np.abs(v))] >= 0 else -v
    return axes


def _separate(
    pos: np.ndarray, radius: np.ndarray, *, margin: float, n_iter: int = 300
) -> np.ndarray:
    """Push overlapping circles apart (deterministic, pairwise; ``k`` is the number of groups)."""
    pos = pos.copy()
    k = len(pos)
    if k < 2:
        return pos
    need = radius[:, None] + radius[None, :] + margin
    np.fill_diagonal(need, 0.0)
    for it in range(n_iter):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(-1))
        overlap = need - dist
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 1e-9:
            break
        # coincident centres: split them along a fixed, index-dependent direction
        same = (dist < 1e-9) & ~np.eye(k, dtype=bool)
        if same.any():
            angle = np.arange(k) * 2.399963  # golden angle: distinct directions, no randomness
            dirs = np.stack([np.cos(angle), np.sin(angle)], axis=1)
            delta = np.where(same[:, :, None], dirs[:, None, :] - dirs[None, :, :], delta)
            dist = np.where(same, np.sqrt((delta**2).sum(-1)), dist)
        push = np.clip(overlap, 0.0, None) / np.maximum(dist, 1e-9) / 2.0
        pos += (push[:, :, None] * delta).sum(axis=1) * (0.5 if it < n_iter // 2 else 0.25)
    return pos


def project_2d(groups: Groups, *, random_state=None) -> np.ndarray:
    """Map posts to 2-D for a readable picture of the groups: one compact island per group.

    Parameters
    ----------
    groups : Groups
        The posts' embeddings, their groups (``-1``: noise) and the groups' mean embeddings
        (:func:`nichefinder.groups.build_groups`).
    random_state : int, RandomState or None
        Seeds the sample that fits each PCA when a group has more than :data:`MAX_FIT_ROWS` posts.
        With ``None`` the sample is evenly strided, so the map is deterministic either way.

    Returns
    -------
    ndarray of shape (n_posts, 2)
        Coordinates, roughly within ``[-10, 10]``. Groups are disjoint islands whose area grows with
        their size; related groups lie near each other; noise is spread over the same space.

    Notes
    -----
    Runs in ``O(n·d)`` time plus ``O(k²)`` for ``k`` groups: a million 384-dimensional posts take
    seconds. It is a *picture*, not an analysis: distances between islands are only roughly
    meaningful and distances inside an island are not comparable across islands.

    Examples
    --------
    >>> import pandas as pd
    >>> from nichefinder.groups import build_groups
    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(c, 0.1, (50, 8)) for c in (0, 1, 2)])
    >>> groups = build_groups(pd.DataFrame(index=range(150)), np.repeat([0, 1, 2], 50), x)
    >>> project_2d(groups, random_state=0).shape
    (150, 2)
    """
    x = groups.embeddings
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    n = len(x)
    out = np.zeros((n, 2))
    if n == 0:
        return out
    rng = None if random_state is None else check_random_state(random_state)
    noise_rows = np.flatnonzero(groups.labels == NOISE)

    if not len(groups):  # everything is noise: a plain PCA of all posts
        fit = _sample(noise_rows, rng)
        center = x[fit].mean(axis=0)
        xy = (x - center) @ _axes(x[fit], center)
        scale = np.quantile(np.abs(xy), 0.99) if n > 1 else 0.0
        return xy * (SPAN / scale) if scale > 0 else xy

    centroids = groups.means
    sizes = groups.sizes.astype(np.float64)
    k = len(groups)

    # 1. centroids: PCA of the centroids (weighted equally), scaled to the span, then separated
    mean = centroids.mean(axis=0)
    if k >= 3:
        proj_axes = _axes(centroids, mean)
    else:  # two points define one axis at most: take the second from the posts themselves
        fit = _sample(np.arange(n), rng)
        proj_axes = _axes(x[fit], x[fit].mean(axis=0))
    pos = (centroids - mean) @ proj_axes
    if k == 2 and np.allclose(pos[0], pos[1]):
        pos = np.array([[-1.0, 0.0], [1.0, 0.0]])
    reach = np.abs(pos).max()
    to_layout = SPAN / reach if reach > 0 else 1.0
    pos = pos * to_layout
    # island radii: the largest group takes a fixed share of the span; area grows with size
    base = SPAN * 0.9 / max(np.sqrt(k), 1.0)
    radius = base * np.sqrt(sizes / sizes.max()).clip(0.15, None)
    pos = _separate(pos, radius, margin=base * 0.15)

    # 2. members: local PCA per group, squashed into the island
    for i, rows in enumerate(groups.members):
        local = x[rows] - centroids[i].astype(x.dtype)
        fit = _sample(np.arange(len(rows)), rng)
        axes = _axes(local[fit], np.zeros(local.shape[1])).astype(x.dtype)
        xy = (local @ axes).astype(np.float64)
        rho = np.sqrt((xy**2).sum(axis=1))
        typical = np.quantile(rho, 0.9) if len(rho) > 1 else 0.0
        if typical > 0:
            scaled = rho / typical
            factor = np.tanh(scaled) / np.maximum(scaled, 1e-12) * radius[i] / typical
            xy = xy * factor[:, None]
        out[rows] = pos[i] + xy

    # 3. noise: the centroids' own projection, so noise lies near what it resembles
    if len(noise_rows):
        xy = (x[noise_rows] - mean) @ proj_axes * to_layout
        rho = np.sqrt((xy**2).sum(axis=1))
        limit = 1.2 * max(SPAN, float(np.abs(pos).max()))
        squash = limit * np.tanh(rho / limit) / np.maximum(rho, 1e-12)
        out[noise_rows] = xy * np.where(rho > 0, squash, 1.0)[:, None]
    return out
