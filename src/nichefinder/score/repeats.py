"""Repeats: the posts an account wrote again and again, which a feed leaves out.

A bot or a paid campaign posts the same few texts many times from a few accounts, with small
edits ("#ad", "Link in bio.", emojis). Its posts are on topic, so they land in a genuine group,
and the group's *genuine* test sees only a minority of templated posts. The feed then serves
them. :func:`repeated_rows` marks every post that belongs to a set of at least ``min_copies``
near-copies *by one account*: what real people, who ask a question once or twice, do not do.

Two posts of an account are near-copies when the words of the shorter (after normalising case,
links, mentions, hashtags, digits and punctuation) are nearly all in the longer
(``containment``; edits that add words keep it at 1) or their embeddings are at least
``similarity`` alike. Posts shorter than ``min_words`` never count: "same here" three times is
what people write. Each account is compared with itself only, so the cost is the sum of the
squares of the accounts' post counts, not of the audience's.

Examples
--------
>>> import numpy as np
>>> texts = np.array(["Win a free phone today", "WIN a free phone today #ad",
...                   "win a free phone today. Link in bio!", "my parcel is late again",
...                   "my parcel is late again"], dtype=object)
>>> authors = np.array(["promo", "promo", "promo", "ann", "ann"], dtype=object)
>>> emb = np.eye(5, dtype=np.float32)
>>> repeated_rows(texts, emb, authors).tolist()
[True, True, True, False, False]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import CountVectorizer

from .duplicates import _DUP_BLOCK_CELLS, _normalise_text

__all__ = ["UNKNOWN_AUTHORS", "known_authors", "repeated_rows"]

UNKNOWN_AUTHORS = frozenset({"", "[deleted]", "[removed]"})
"""Author values that stand for many people (a deleted account), never one account."""


def known_authors(authors) -> np.ndarray:
    """Whether each post has an account of its own (not ``None``, NaN or
    :data:`UNKNOWN_AUTHORS`).

    Examples
    --------
    >>> known_authors(np.array(["ann", None, "[deleted]", ""], dtype=object)).tolist()
    [True, False, False, False]
    """
    who = pd.Series(np.asarray(authors, dtype=object))
    return who.notna().to_numpy() & ~who.astype(str).isin(UNKNOWN_AUTHORS).to_numpy()


def repeated_rows(texts, emb, authors, *, min_copies: int = 3, containment: float = 0.9,
                  similarity: float = 0.95, min_words: int = 4) -> np.ndarray:
    """Which posts are one of ``min_copies`` or more near-copies by the same account.

    Parameters
    ----------
    texts : array-like of str, shape (n,)
    emb : ndarray of float, shape (n, d)
        Unit vectors of the posts.
    authors : array-like of object, shape (n,), or None
        The account of each post (``None``, NaN and :data:`UNKNOWN_AUTHORS` are nobody's).
        Without authors nothing is marked.
    min_copies : int, default 3
        Near-copies by one account (transitively: a chain of near-copies counts) that mark
        them all.
    containment : float, default 0.9
        Share of the shorter post's distinct words found in the longer one.
    similarity : float, default 0.95
        Cosine of the embeddings at or above which two posts are near-copies too.
    min_words : int, default 4
        Posts with fewer words (after normalising) are never copies.

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    n = len(texts)
    marked = np.zeros(n, dtype=bool)
    if authors is None or n < min_copies:
        return marked
    keys = np.array([_normalise_text(t) for t in texts], dtype=object)
    long_enough = np.fromiter((len(k.split()) >= max(min_words, 1) for k in keys), bool, n)
    who = pd.Series(np.asarray(authors, dtype=object))
    rows = np.flatnonzero(known_authors(authors) & long_enough)
    codes, _ = pd.factorize(who.iloc[rows].astype(str), sort=True)
    busy = np.bincount(codes, minlength=1)[codes] >= min_copies
    rows, codes = rows[busy], codes[busy]
    if not rows.size:
        return marked
    bag = CountVectorizer(analyzer=str.split, binary=True, dtype=np.float32).fit_transform(
        keys[rows]).tocsr()
    size = np.diff(bag.indptr).astype(np.float32)
    vectors = np.asarray(emb, dtype=np.float32)[rows]
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for block in np.split(order, bounds):
        near = _near_copies(bag[block], size[block], vectors[block], containment, similarity)
        _, component = connected_components(near, directed=False)
        copies = np.bincount(component)
        marked[rows[block[copies[component] >= min_copies]]] = True
    return marked


def _near_copies(bag, size, vectors, containment, similarity) -> sparse.csr_matrix:
    """The near-copy pairs among one account's posts, as a sparse adjacency matrix."""
    m = bag.shape[0]
    step = max(1, _DUP_BLOCK_CELLS // m)  # bounds the memory of a very busy account
    bag_t = bag.T.tocsc()
    pairs_i, pairs_j = [], []
    for start in range(0, m, step):
        stop = min(m, start + step)
        shared = (bag[start:stop] @ bag_t).toarray()
        near = shared >= containment * np.minimum.outer(size[start:stop], size)
        near |= vectors[start:stop] @ vectors.T >= similarity
        i, j = np.nonzero(near)
        pairs_i.append(i + start)
        pairs_j.append(j)
    i, j = np.concatenate(pairs_i), np.concatenate(pairs_j)
    return sparse.csr_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(m, m))
