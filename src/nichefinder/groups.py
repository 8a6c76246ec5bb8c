"""Groups: the per-group facts, computed once after clustering, that every later stage reads.

Clustering gives each post a group (``-1`` is noise). :func:`build_groups` joins those labels
with the posts and their embeddings into one frozen :class:`Groups` table: each group's members
(rows), size, centroid and theme, and when, by whom and where its posts were written
(:class:`Timeline`, authors, platforms). Describing, measuring, judging, the feeds, the reply
graph and updates read these facts from the table; none of them computes them again.

Two kinds of centroid, on purpose: :attr:`Groups.centroids` are the float64 unit means of each
group's posts in the embedding space, what describing, judging, merging and the map read;
:attr:`nichefinder.cluster.Clustering.centroids` (float32, in the clustering's possibly centred
space, with the fences) are the clustering's model, what
:func:`~nichefinder.cluster.assign_groups` places new posts with.

Examples
--------
>>> import numpy as np, pandas as pd
>>> posts = pd.DataFrame({"id": ["a", "b", "c"], "text": ["x", "y", "z"],
...                       "author": ["ann", "bob", "ann"], "platform": ["X", "reddit", "x"]})
>>> groups = build_groups(posts, np.array([0, -1, 0]), np.eye(3, dtype=np.float32))
>>> groups.ids.tolist(), groups.sizes.tolist(), groups.n_authors
([0], [2], (1,))
>>> groups.platforms[0]
{'X': 1, 'x': 1}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .exceptions import InputError
from .results import NOISE
from .vectors import normalise_rows

__all__ = ["Groups", "Timeline", "build_groups", "rows_by_group", "timeline"]


@dataclass(frozen=True)
class Timeline:
    """When the posts were written, on one clock for every stage.

    Attributes
    ----------
    day : ndarray of int64, shape (n,), or None
        Day of each post, counted from the (UTC) day of the first post; ``-1`` when the post has
        no timestamp. ``None`` when no post has one.
    n_days : int
        Days the data covers (``0`` without timestamps).
    hours : ndarray of float64, shape (n,), or None
        Hours from the first post to each post (``NaN`` without a timestamp).
    span_days : float or None
        Days from the first post to the last, at least 1; ``None`` without timestamps.
    """

    day: np.ndarray | None
    n_days: int
    hours: np.ndarray | None
    span_days: float | None


def timeline(posts: pd.DataFrame) -> Timeline:
    """The :class:`Timeline` of a posts table (its ``timestamp`` column, if any).

    Examples
    --------
    >>> posts = pd.DataFrame({"timestamp": ["2026-05-01T10:00Z", None, "2026-05-03T22:00Z"]})
    >>> t = timeline(posts)
    >>> t.day.tolist(), t.n_days, t.span_days
    ([0, -1, 2], 3, 2.5)
    """
    ts = pd.to_datetime(posts["timestamp"], utc=True, errors="coerce") \
        if "timestamp" in posts.columns else pd.Series(pd.NaT, index=posts.index)
    if ts.notna().sum() == 0:
        return Timeline(None, 0, None, None)
    day = ((ts - ts.min().floor("D")) // pd.Timedelta(days=1)).to_numpy(
        dtype="float64", na_value=np.nan)
    day = np.where(np.isnan(day), -1, day).astype(np.int64)
    hours = ((ts - ts.min()) / pd.Timedelta(hours=1)).to_numpy(dtype="float64", na_value=np.nan)
    span = max((ts.max() - ts.min()) / pd.Timedelta(days=1), 1.0)
    return Timeline(day, int(day.max()) + 1, hours, float(span))


def rows_by_group(labels: np.ndarray, ids: Sequence[int]) -> tuple[np.ndarray, ...]:
    """Rows of each group in ``ids``, ascending (as ``np.flatnonzero(labels == g)``), from one
    sort of the labels.

    Examples
    --------
    >>> [r.tolist() for r in rows_by_group(np.array([1, 0, 1, -1]), [0, 1])]
    [[1], [0, 2]]
    """
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    ids = np.asarray(ids, dtype=ordered.dtype)
    starts = np.searchsorted(ordered, ids, side="left")
    ends = np.searchsorted(ordered, ids, side="right")
    return tuple(order[a:b] for a, b in zip(starts, ends, strict=True))


@dataclass(frozen=True, eq=False)
class Groups:
    """The groups of a clustering, with every per-group fact the later stages need.

    Build it with :func:`build_groups`. Arrays are read-only views; the attributes are aligned
    with :attr:`ids` (position ``i`` describes group ``ids[i]``).

    Attributes
    ----------
    posts : pandas.DataFrame
        The posts: ``id``, ``text`` and, when known, ``author``, ``timestamp``, ``platform``,
        ``reply_to``.
    embeddings : ndarray of shape (n, d)
        Unit vectors of the posts.
    labels : ndarray of int, shape (n,)
        Group of each post; ``-1`` is noise.
    ids : ndarray of int, shape (k,)
        The groups, ascending (noise excluded).
    members : tuple of ndarray
        Rows of each group, ascending.
    means : ndarray of float64, shape (k, d)
        Mean embedding of each group's posts.
    centroids : ndarray of float64, shape (k, d)
        The means scaled to unit length: each group's direction in the embedding space.
    themes : tuple of (int or None)
        Theme of each group from the clustering (``None`` when unknown).
    timeline : Timeline
        When the posts were written.
    authors : ndarray of object, shape (n,), or None
        Author of each post (``None`` when missing); ``None`` when no post has an author.
    n_authors : tuple of (int or None)
        Distinct authors of each group; ``None`` entries without authors.
    incidence : scipy.sparse.csr_matrix of shape (k, n_authors), or None
        1 where an author wrote in a group.
    platforms : tuple of dict
        Posts of each group per platform, most first (ties by name); blank and missing skipped.
    """

    posts: pd.DataFrame
    embeddings: np.ndarray
    labels: np.ndarray
    ids: np.ndarray
    members: tuple[np.ndarray, ...]
    means: np.ndarray
    centroids: np.ndarray
    themes: tuple[int | None, ...]
    timeline: Timeline
    authors: np.ndarray | None
    n_authors: tuple[int | None, ...]
    incidence: sp.csr_matrix | None
    platforms: tuple[dict[str, int], ...]

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def index(self) -> dict[int, int]:
        """Position of each group id in the table."""
        return {int(g): i for i, g in enumerate(self.ids)}

    @cached_property
    def sizes(self) -> np.ndarray:
        """Posts in each group."""
        return _frozen(np.array([len(rows) for rows in self.members], dtype=np.int64))

    @cached_property
    def first_rows(self) -> np.ndarray:
        """Row of each group's first post (the tie-break of group numbering)."""
        return _frozen(np.array([int(rows[0]) for rows in self.members], dtype=np.int64))

    @property
    def n_grouped(self) -> int:
        """Posts in a group (noise excluded)."""
        return int(self.sizes.sum())

    @property
    def has_authors(self) -> bool:
        """Whether any post has an author."""
        return self.authors is not None

    @cached_property
    def similarity(self) -> np.ndarray:
        """Cosine similarity of every pair of group centroids, ``(k, k)``."""
        return _frozen(self.centroids @ self.centroids.T)

    @cached_property
    def audience_overlap(self) -> np.ndarray | None:
        """Jaccard index of every pair of groups' author sets, ``(k, k)``; ``None`` without
        authors."""
        if self.incidence is None:
            return None
        inter = (self.incidence @ self.incidence.T).toarray()
        count = np.diag(inter)
        union = count[:, None] + count[None, :] - inter
        return _frozen(np.divide(inter, union, out=np.zeros_like(inter), where=union > 0))

    def people(self, positions: Sequence[int]) -> int | None:
        """Distinct authors of the groups at ``positions`` together; ``None`` without authors."""
        if self.incidence is None:
            return None
        return int((np.asarray(self.incidence[list(positions)].sum(axis=0)) > 0).sum())


def build_groups(posts: pd.DataFrame, labels, embeddings, themes=None) -> Groups:
    """The :class:`Groups` table of a clustering.

    Parameters
    ----------
    posts : pandas.DataFrame
        One row per post (see :attr:`Groups.posts`).
    labels : array of int, shape (n,)
        Group of each post; ``-1`` is noise.
    embeddings : array of shape (n, d)
        Unit vectors of the posts.
    themes : array of int, optional
        Theme of each group, indexed by group id (:attr:`nichefinder.cluster.Clustering.themes`).

    Returns
    -------
    Groups

    Raises
    ------
    InputError
        When posts, labels and embeddings do not have one entry per post.
    """
    labels = np.asarray(labels).astype(int)
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or labels.ndim != 1:
        raise InputError(
            f"embeddings of shape {embeddings.shape} and labels of shape {labels.shape}: give "
            "one row of embeddings and one label per post"
        )
    if len(labels) != len(posts) or len(embeddings) != len(posts):
        raise InputError(
            f"posts ({len(posts)} rows), labels ({len(labels)}) and embeddings "
            f"({len(embeddings)}) must have one entry per post"
        )
    ids = np.array(sorted(int(g) for g in np.unique(labels) if g != NOISE), dtype=int)
    members = rows_by_group(labels, ids)
    dim = embeddings.shape[1]
    # float64 per group: the same means as converting every row first, without the copy
    means = np.vstack([embeddings[rows].astype(np.float64, copy=False).mean(axis=0)
                       for rows in members]) if len(ids) else np.zeros((0, dim))
    theme_of = np.asarray(themes if themes is not None else [], dtype=int)
    authors, n_authors, incidence = _authors(posts, labels, ids)
    return Groups(
        posts=posts,
        embeddings=_frozen(embeddings.view()),
        labels=_frozen(labels),
        ids=_frozen(ids),
        members=tuple(_frozen(rows) for rows in members),
        means=_frozen(means),
        centroids=_frozen(normalise_rows(means)),
        themes=tuple(int(theme_of[g]) if 0 <= g < len(theme_of) else None for g in ids),
        timeline=timeline(posts),
        authors=authors,
        n_authors=n_authors,
        incidence=incidence,
        platforms=_platforms(posts, members),
    )


def _authors(posts, labels, ids):
    """Author of each post, distinct authors of each group and the group x author incidence."""
    if "author" not in posts.columns or not posts["author"].notna().any():
        return None, (None,) * len(ids), None
    authors = posts["author"].to_numpy(dtype=object, na_value=None)
    if not len(ids):
        return authors, (), None
    mask = (labels != NOISE) & posts["author"].notna().to_numpy()
    codes, uniques = pd.factorize(posts["author"][mask])
    rows = np.searchsorted(ids, labels[mask])
    incidence = sp.csr_matrix((np.ones(len(rows)), (rows, codes)), shape=(len(ids), len(uniques)))
    incidence.sum_duplicates()
    incidence.data[:] = 1.0
    count = np.asarray(incidence.sum(axis=1)).ravel()
    return authors, tuple(int(c) for c in count), incidence


def _platforms(posts, members) -> tuple[dict[str, int], ...]:
    """Posts per platform of each group, most first (ties by name), blanks and missing skipped."""
    if "platform" not in posts.columns:
        return tuple({} for _ in members)
    codes, uniques = pd.factorize(posts["platform"])  # missing -> -1
    names = [str(u) for u in uniques]
    usable = np.array([name.strip() != "" for name in names], dtype=bool)
    out = []
    for rows in members:
        picked = codes[rows]
        counts = np.bincount(picked[picked >= 0], minlength=len(names))
        items = sorted(((names[i], int(counts[i]))
                        for i in np.flatnonzero((counts > 0) & usable)),
                       key=lambda kv: (-kv[1], kv[0]))
        out.append(dict(items))
    return tuple(out)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
