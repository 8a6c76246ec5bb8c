"""Cohesion: is a group *identifiable*, in the geometry of its posts' embeddings.

Identifiable means people talk about one thing, in any words, so the evidence is semantic, not
lexical (a refund group says refund, reimbursement, compensation and money back):

- *cohesion*: how close a group's posts sit to their centroid, and the same relative to the
  audience's typical group (``relative_cohesion``: the group's cohesion over the median
  group's), so a paraphrase-rich audience is not judged on a crisp audience's scale;
- *separation*: the margin between cohesion and the posts' similarity to the nearest group
  of *another theme* (groups of one theme are one feed's topic in different words, so being
  close to a sibling is no failure);
- *predictability*: how well a group's posts are predicted from their embedding: the share of
  its posts whose nearest centroid, estimated without them (``n_folds``-fold cross-validation),
  belongs to its own theme;
- *length*: the median words of its posts over the audience's median, which with the relative
  cohesion tells off-topic small talk (short generic posts, loosely related) from a topic;
- a cosine silhouette on a sample (reported, not judged).

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
        ``n_folds`` and ``silhouette_sample`` are read.
    rng : numpy.random.RandomState
        Draws the folds, then the silhouette sample.

    Returns
    -------
    dict of int to dict
        Per group: ``cohesion``, ``relative_cohesion``, ``nearest_group`` (the nearest group
        of another theme), ``nearest_similarity``, ``separation``, ``predictability``,
        ``length_ratio``, ``median_words`` and ``silhouette`` (``None`` where not measurable).
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
    theme = _theme_codes(groups)
    predictability = _predictability(emb, groups.members, grouped, own, theme,
                                     settings.n_folds, rng)
    sil = _silhouette(emb, ids, grouped, own, settings.silhouette_sample, rng)
    words = _words(groups)
    audience_words = float(np.median(words[grouped])) if len(grouped) else 0.0
    cohesion = np.array([float((emb[rows].astype(np.float64, copy=False) @ cent[i]).mean())
                         for i, rows in enumerate(groups.members)])
    typical = float(np.median(cohesion)) if len(cohesion) else 0.0
    out: dict[int, dict] = {}
    for i, g in enumerate(ids):
        x = emb[groups.members[i]].astype(np.float64, copy=False)
        nearest = cross = None
        others = np.flatnonzero(theme != theme[i])
        if len(others):
            j = int(others[np.argmax(cent[others] @ cent[i])])
            nearest = int(ids[j])
            cross = float((x @ cent[j]).mean())
        elif noise_c is not None:
            cross = float((x @ noise_c).mean())
        g_words = float(np.median(words[groups.members[i]]))
        out[int(g)] = {
            "cohesion": float(cohesion[i]),
            "relative_cohesion": float(cohesion[i] / typical) if typical > 0 else None,
            "nearest_group": nearest,
            "nearest_similarity": cross,
            "separation": None if cross is None else float(cohesion[i]) - cross,
            "predictability": None if predictability is None else float(predictability[i]),
            "median_words": g_words,
            "length_ratio": g_words / audience_words if audience_words > 0 else None,
            "silhouette": sil.get(int(g)),
        }
    return out


def _theme_codes(groups: Groups) -> np.ndarray:
    """Theme of each group as a code; a group without a theme is a theme of its own."""
    known = [t for t in groups.themes if t is not None]
    base = (max(known) + 1) if known else 0
    return np.array([t if t is not None else base + i for i, t in enumerate(groups.themes)])


def _words(groups: Groups) -> np.ndarray:
    """Words in each post (whitespace-separated)."""
    posts = groups.posts
    if "text" not in posts.columns:
        return np.ones(len(groups.labels))
    return posts["text"].astype(str).str.split().str.len().to_numpy(dtype=float)


def _predictability(emb, members, grouped, own, theme, n_folds, rng) -> np.ndarray | None:
    """Share of each group's posts whose nearest centroid, estimated from the other folds,
    is a group of the same theme (``n_folds``-fold cross-validated nearest centroid)."""
    k = len(members)
    if k < 2 or len(np.unique(theme)) < 2:
        return None
    n_folds = max(int(n_folds), 2)
    fold = rng.randint(0, n_folds, size=len(grouped))
    hit = np.zeros(len(grouped), dtype=bool)
    dim = emb.shape[1]
    for f in range(n_folds):
        test = fold == f
        if not test.any():
            continue
        sums = np.zeros((k, dim))
        train = grouped[~test]
        np.add.at(sums, own[~test], emb[train].astype(np.float64, copy=False))
        norms = np.linalg.norm(sums, axis=1)
        sums[norms == 0] = 0.0
        centres = normalise_rows(sums)
        nearest = _nearest(emb, grouped[test], centres)
        hit[test] = theme[nearest] == theme[own[test]]
    return np.bincount(own, weights=hit, minlength=k) / np.maximum(np.bincount(own, minlength=k), 1)


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
