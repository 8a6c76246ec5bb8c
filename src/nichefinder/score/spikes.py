"""Spikes: a day when accounts seen on that day only flood in, which a feed leaves out.

A news moment or a hashtag push brings many accounts that post on one day and never again. When
their posts are a big share of one group, the group's one-day burst is judged apart
(:mod:`nichefinder.score.activity`). But a spike is often spread over the groups its texts
resemble, a few dozen posts in a large, sustained group whose busiest day stays below the burst
bar, and a handful in many others. :func:`newcomer_rows` looks at the *newcomers* instead: the
posts of accounts whose every post is on one day. People who stay talk on many days; on a usual
day a few newcomers arrive. A day is a spike when its newcomers' posts are at least ``factor``
times their usual number a day (over the other days) and at least ``min_accounts`` accounts:
its newcomers' posts are marked.

The rule is applied to the whole audience (a spike spread thin over many groups) and to each
group on its own (a spike concentrated in one topic of an audience that has many newcomers
every day), the same test on different rows.

Examples
--------
>>> import numpy as np
>>> day = np.array([0, 1, 2, 3, 4, 5, 6, 7] + [5] * 12)   # ann posts daily; 12 accounts on day 5
>>> authors = np.array(["ann"] * 8 + [f"new{k}" for k in range(12)], dtype=object)
>>> marked = newcomer_rows(day, authors)
>>> int(marked.sum()), bool(marked[:8].any())
(12, False)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .repeats import known_authors

__all__ = ["newcomer_rows", "single_day_mask"]


def single_day_mask(day: np.ndarray, authors: np.ndarray) -> np.ndarray:
    """Whether each post's account posted on one day only (across the rows given).

    Posts without a day (``-1``) or without a known author are never a newcomer's.

    Examples
    --------
    >>> single_day_mask(np.array([0, 0, 1, 3]), np.array(["a", "a", "b", "b"], dtype=object))
    array([ True,  True, False, False])
    """
    day = np.asarray(day)
    known = known_authors(authors) & (day >= 0)
    out = np.zeros(len(day), dtype=bool)
    if not known.any():
        return out
    frame = pd.DataFrame({"a": np.asarray(authors, dtype=object)[known], "d": day[known]})
    out[known] = frame.groupby("a")["d"].transform("nunique").to_numpy() == 1
    return out


def newcomer_rows(day: np.ndarray, authors: np.ndarray, rows: np.ndarray | None = None, *,
                  newcomer: np.ndarray | None = None, factor: float = 10.0,
                  min_accounts: int = 10) -> np.ndarray:
    """Which of ``rows`` are newcomers' posts on a spike day.

    Parameters
    ----------
    day : ndarray of int, shape (n,)
        Day of each post (``-1``: unknown).
    authors : ndarray of object, shape (n,)
        Account of each post (``None``, NaN, blank or a deleted placeholder: unknown).
    rows : ndarray of int, optional
        The rows to test (a group's members); all rows by default. Newcomers are accounts seen
        on one day in *all* rows, whichever rows are tested.
    newcomer : ndarray of bool, shape (n,), optional
        :func:`single_day_mask` of all rows, when the caller already has it.
    factor : float, default 10.0
        How many times its usual newcomer posts a day a spike day has at least (the usual: the
        other days' newcomer posts over the other days of the data, at least one a week).
    min_accounts : int, default 10
        Fewest newcomer accounts a spike day has.

    Returns
    -------
    ndarray of bool, shape (len(rows),)
        ``True`` for the newcomers' posts of each spike day.
    """
    day = np.asarray(day)
    rows = np.arange(len(day)) if rows is None else np.asarray(rows, dtype=int)
    if newcomer is None:
        newcomer = single_day_mask(day, authors)
    out = np.zeros(len(rows), dtype=bool)
    known = day >= 0
    n_days = int(day[known].max()) + 1 if known.any() else 0
    fresh = newcomer[rows]
    if n_days < 2 or not fresh.any():
        return out
    by_day = np.bincount(day[rows][fresh], minlength=n_days)
    accounts = pd.Series(np.asarray(authors, dtype=object)[rows][fresh]).groupby(
        day[rows][fresh]).nunique()
    usual = (by_day.sum() - by_day) / (n_days - 1)
    spike = (by_day >= factor * np.maximum(usual, 1.0 / 7.0))
    spike &= np.bincount(accounts.index.to_numpy(), weights=accounts.to_numpy(),
                         minlength=n_days) >= min_accounts
    if spike.any():
        out[fresh] = spike[day[rows][fresh]]
    return out
