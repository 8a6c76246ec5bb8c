"""Cohesion: is a group *identifiable*, in the geometry of its posts' embeddings.

How close a group's posts sit to their centroid (cohesion), to the nearest other group's
(separation), whether they stay with their group when every centroid is re-estimated from
bootstrap resamples (stability), and a cosine silhouette on a sample (reported, not judged).
The centroids are the :class:`~nichefinder.groups.Groups` table's.
"""

from __future__ import annotations

import numpy as np

from ..groups import Groups
from ..results import NOISE
from ..vectors import normalise_rows, unit_vector
from .measurements import MeasureSettings

__all__ = ["measure_cohesion"]

_NEAREST_CHUNK = 1 << 15
"""Posts compared with the centres at once in :func:`_nearest`."""


def _nearest(emb: np.ndarray, rows: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the most similar of ``centres`` (float64) for each of ``emb[rows]``.

    The argmax of the float64 similarities, computed in float32 by chunks: a post whose best
    two float32 similarities are closer than float32's error bound is decided in float64.
    """
    c32 = centres.astype(np.float32)
    c_norm = float(np.linalg.norm(centres, axis=1).max()) if len(centres) else 0.0
    out = np.empty(len(rows), dtype=np.int64)
    for start in range(0, len(rows), _NEAREST_CHUNK):
        part = rows[start:start + _NEAREST_CHUNK]
        x = emb[part]
        sims = x.astype(np.float32, copy=False) @ c32.T
        best = np.argmax(sims, axis=1)
        if sims.shape[1] > 1:
            at = np.arange(len(part))
            top = sims[at, best]
            sims[at, best] = -np.inf
            second = sims.max(axis=1)
            # float32 error of a dot product of d terms is below d * 2**-23 * |x| |c|
            bound = 4.0 * x.shape[1] * 2.0**-23 * np.linalg.norm(x, axis=1) * c_norm + 1e-30
            unsure = np.flatnonzero(top - second <= bound)
            if len(unsure):
                exact = x[unsure].astype(np.float64, copy=False) @ centres.T
                best[unsure] = np.argmax(exact, axis=1)
        out[start:start + len(part)] = best
    return out



def _mean64(emb: np.ndarray, rows) -> np.ndarray:
    """Float64 mean of ``emb[rows]`` (the same numbers as converting all of ``emb`` first)."""
    return emb[rows].astype(np.float64, copy=False).mean(axis=0)


def measure_cohesion(groups: Groups, settings: MeasureSettings, rng) -> dict[int, dict]:
    """The *identifiable* measurements of every group.

    Parameters
    ----------
    groups : Groups
    settings : MeasureSettings
        ``n_bootstrap`` and ``silhouette_sample`` are read.
    rng : numpy.random.RandomState
        Draws the bootstrap resamples, then the silhouette sample.

    Returns
    -------
    dict of int to dict
        Per group: ``cohesion``, ``nearest_group``, ``nearest_similarity``, ``separation``,
        ``stability`` and ``silhouette`` (``None`` where not measurable).
    """
    emb, labels, ids = groups.embeddings, groups.labels, groups.ids
    cent = groups.centroids
    noise = labels == NOISE
    noise_c = None
    if noise.any():
        noise_c = _mean64(emb, noise)
        noise_c = unit_vector(noise_c)
    grouped = np.flatnonzero(~noise)
    own = np.searchsorted(ids, labels[grouped])
    stability = _stability(emb, groups.members, grouped, own, settings.n_bootstrap, rng)
    sil = _silhouette(emb, ids, grouped, own, settings.silhouette_sample, rng)
    out: dict[int, dict] = {}
    for i, g in enumerate(ids):
        x = emb[groups.members[i]].astype(np.float64, copy=False)
        nearest = cross = None
        if len(ids) > 1:
            between = cent @ cent[i]
            between[i] = -np.inf
            j = int(np.argmax(between))
            nearest = int(ids[j])
            both = x @ cent[[i, j]].T
            cohesion = float(both[:, 0].mean())
            cross = float(both[:, 1].mean())
        else:
            cohesion = float((x @ cent.T)[:, 0].mean())
            if noise_c is not None:
                cross = float((x @ noise_c).mean())
        out[int(g)] = {
            "cohesion": cohesion,
            "nearest_group": nearest,
            "nearest_similarity": cross,
            "separation": None if cross is None else cohesion - cross,
            "stability": float(stability[i]) if len(ids) > 1 else None,
            "silhouette": sil.get(int(g)),
        }
    return out


def _stability(emb, members, grouped, own, n_bootstrap, rng) -> np.ndarray:
    """Share of each group's posts nearest their own centroid when every centroid is estimated
    from a bootstrap resample of its group, averaged over ``n_bootstrap`` resamples."""
    k = len(members)
    stability = np.zeros(k)
    if k < 2:
        return stability
    n = max(int(n_bootstrap), 1)
    for _ in range(n):
        boot = normalise_rows(np.vstack(
            [_mean64(emb, rng.choice(idx, size=len(idx), replace=True)) for idx in members]))
        nearest = _nearest(emb, grouped, boot)
        stability += np.bincount(own[nearest == own], minlength=k) / np.bincount(own, minlength=k)
    return stability / n


def _silhouette(emb, ids, grouped, own, sample, rng) -> dict[int, float]:
    """Mean cosine silhouette of each group's posts in a sample of ``sample`` grouped posts."""
    if len(ids) < 2 or len(grouped) <= 2:
        return {}
    from sklearn.metrics import silhouette_samples

    size = min(int(sample), len(grouped))
    pick = np.sort(rng.choice(len(grouped), size=size, replace=False))
    lab = own[pick]
    if not 2 <= len(np.unique(lab)) <= len(pick) - 1:
        return {}
    values = silhouette_samples(emb[grouped[pick]].astype(np.float64, copy=False), lab,
                                metric="cosine")
    return {int(ids[int(i)]): float(values[lab == i].mean()) for i in np.unique(lab)}
