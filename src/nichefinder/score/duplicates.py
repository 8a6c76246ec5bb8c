"""Duplicates: how many of a group's posts repeat another of its posts, and how many of those
are coordinated (the same account, or close in time: what a campaign does).

Examples
--------
>>> import numpy as np
>>> from nichefinder.score.measurements import MeasureSettings
>>> texts = np.array(["WIN a free phone now!!", "win a FREE phone now", "my parcel is late"],
...                  dtype=object)
>>> emb = np.eye(3, dtype=np.float32)
>>> duplicate_shares(texts, emb, np.array([0, 0, 1]), None, MeasureSettings(),
...                  np.random.RandomState(0))
(0.6666666666666666, 0.6666666666666666)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["duplicate_shares"]

_NORMALISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+|[^\w\s]")
_SPACES = re.compile(r"\s+")
_DUP_EXACT_LIMIT = 2500
_DUP_SAMPLE = 1500


def _normalise_text(text: str) -> str:
    # " ".join(split()) is _SPACES.sub(" ", ...).strip(): both split on str.isspace()
    return " ".join(_NORMALISE.sub(" ", str(text).lower()).split())


def duplicate_shares(texts: np.ndarray, emb: np.ndarray, author_codes: np.ndarray | None,
                      hours: np.ndarray | None, settings, rng) -> tuple[float, float | None]:
    """Shares of a group's posts that duplicate another of its posts: all, and coordinated.

    Two posts are duplicates when their normalised texts are equal or their embeddings are more
    similar than ``settings.duplicate_similarity``; posts shorter than
    ``settings.min_duplicate_words`` never count ("same here"). A duplicate is *coordinated* when
    its twin comes from the same account or within ``settings.duplicate_window_hours``: what a
    spammer or a campaign does, and what people who happen to ask the same thing weeks apart do
    not. The coordinated share is ``None`` when the data has neither authors nor timestamps.
    Groups above 2,500 posts are estimated from a sample of 1,500 (drawn from ``rng``).

    Exact-text twins are found by counting keys (``O(m log m)``); embedding twins by blocks of
    similarities against the group's long-enough posts, whose few pairs are then checked for the
    same account or a close time.

    Parameters
    ----------
    texts : ndarray of str, shape (m,)
    emb : ndarray of float32, shape (m, d)
        Unit vectors of the posts.
    author_codes : ndarray of int, shape (m,), or None
        An integer per author (``-1`` for none); ``None`` without authors.
    hours : ndarray of float, shape (m,), or None
        Hours of each post on one clock (``NaN`` for none); ``None`` without timestamps.
    settings : MeasureSettings
    rng : numpy.random.RandomState

    Returns
    -------
    tuple of float and (float or None)
    """
    m = len(texts)
    known = author_codes is not None or hours is not None
    if m < 2:
        return 0.0, (0.0 if known else None)
    keys = [_normalise_text(t) for t in texts]
    min_words = max(int(settings.min_duplicate_words), 1)
    long_enough = np.fromiter((k.count(" ") + 1 >= min_words and len(k) > 0 for k in keys),
                              bool, m)
    key_codes = pd.factorize(np.array(keys, dtype=object))[0]
    rows = np.arange(m) if m <= _DUP_EXACT_LIMIT else np.sort(
        rng.choice(m, size=_DUP_SAMPLE, replace=False))
    # only long-enough posts can be or have a twin; long_enough depends on the key alone
    cols = np.flatnonzero(long_enough)
    ok = long_enough[rows]
    key_twin, key_close = _key_twins(key_codes, cols, author_codes, hours, settings)
    dup = ok & key_twin[rows]
    coord = ok & key_close[rows] if known else np.zeros(len(rows), bool)
    cand = rows[ok]
    at = np.flatnonzero(ok)
    col_emb = emb[cols]
    step = max(1, min(500, _DUP_BLOCK_CELLS // max(len(cols), 1)))
    for start in range(0, len(cand), step):
        part = cand[start:start + step]
        pair = (emb[part] @ col_emb.T) > settings.duplicate_similarity
        pair[np.arange(len(part)), np.searchsorted(cols, part)] = False  # not its own twin
        where = at[start:start + step]
        hit = pair.any(axis=1)
        dup[where] |= hit
        if known:
            need = hit & ~coord[where]  # rows already coordinated by an exact-text twin are done
            if need.any():
                coord[where[need]] = _close_pairs(pair[need], part[need], cols, author_codes,
                                                  hours, settings)
    return float(dup.mean()), (float(coord.mean()) if known else None)


_DUP_BLOCK_CELLS = 1 << 22
"""Similarities computed at once when looking for embedding twins (bounds the memory)."""


def _key_twins(key_codes, cols, author_codes, hours, settings) -> tuple[np.ndarray, np.ndarray]:
    """Per post: has an exact-text twin among ``cols``; and has one from the same account or
    within the time window (both ``False`` outside ``cols``)."""
    m = len(key_codes)
    twin = np.zeros(m, bool)
    close = np.zeros(m, bool)
    if not len(cols):
        return twin, close
    keys = key_codes[cols]
    count = np.bincount(keys)
    twin[cols] = count[keys] >= 2
    if author_codes is not None:
        authors = author_codes[cols]
        known = authors >= 0
        combo = keys[known].astype(np.int64) * (int(authors.max()) + 1) + authors[known]
        _, inverse, counts = np.unique(combo, return_inverse=True, return_counts=True)
        same = np.zeros(len(cols), bool)
        same[known] = counts[inverse] >= 2
        close[cols] |= same
    if hours is not None:
        h = hours[cols]
        order = np.lexsort((h, keys))  # by key, then time; NaN last within a key
        k, t = keys[order], h[order]
        near = np.zeros(len(cols), bool)
        if len(cols) > 1:
            # NaN never counts as close
            gap = np.abs(np.diff(t)) <= settings.duplicate_window_hours
            gap &= k[1:] == k[:-1]
            near[1:] |= gap
            near[:-1] |= gap
        hit = np.zeros(len(cols), bool)
        hit[order] = near
        close[cols] |= hit
    return twin, close


def _close_pairs(pair, part, cols, author_codes, hours, settings) -> np.ndarray:
    """Rows of ``pair`` (``part`` x ``cols``) with a twin from the same account or close in time."""
    i, j = np.nonzero(pair)
    if not len(i):
        return np.zeros(len(part), bool)
    close = np.zeros(len(i), bool)
    if author_codes is not None:
        a = author_codes[part][i]
        close |= (a == author_codes[cols][j]) & (a >= 0)
    if hours is not None:
        close |= np.abs(hours[part][i] - hours[cols][j]) <= settings.duplicate_window_hours
    return np.bincount(i[close], minlength=len(part)) > 0

