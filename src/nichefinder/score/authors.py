"""Authors: is a group *genuine*, in who writes it.

How concentrated its posting is on few accounts (top author's share, the accounts that write
half of it, the effective number of authors, a Gini index), whether its most active account
ever talks to anyone (the reply graph), and on a spike day how much comes from accounts seen
that day only. Authors and days come from the :class:`~nichefinder.groups.Groups` table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..groups import Groups
from .spikes import single_day_mask

__all__ = ["GENUINE_KEYS", "measure_authors", "single_day_accounts"]

GENUINE_KEYS = ("n_posts", "n_authors", "top_author_share", "top_accounts",
                "top_accounts_share", "effective_authors", "gini", "duplicate_share",
                "any_duplicate_share", "peak_day_share", "burst_account_share",
                "top_author_replied")
"""The *genuine* measurements every group has (``None`` where not measurable), before the
reply graph's."""


def single_day_accounts(groups: Groups) -> dict[Any, int]:
    """Accounts seen on one day only (across the whole corpus), with that day: the accounts of
    :func:`nichefinder.score.spikes.single_day_mask` (blank and deleted authors are nobody's
    account)."""
    day = groups.timeline.day
    if groups.authors is None or day is None:
        return {}
    single = single_day_mask(day, groups.authors)
    frame = pd.DataFrame({"a": groups.authors[single], "d": day[single]})
    return {a: int(d) for a, d in frame.drop_duplicates("a").itertuples(index=False, name=None)}


def measure_authors(groups: Groups, position: int, peak_day: int | None, graph,
                    single_day: dict) -> dict[str, Any]:
    """The author measurements of the group at ``position`` (empty without authors).

    ``peak_day`` is the group's busiest day (``None`` without timestamps), ``graph`` the reply
    graph of the corpus (``None`` without replies) and ``single_day`` what
    :func:`single_day_accounts` gives. Its number of authors is the table's.
    """
    if groups.authors is None:
        return {}
    authors = groups.authors
    rows = groups.members[position]
    out: dict[str, Any] = {}
    counts = pd.Series(authors[rows]).dropna().value_counts()
    counts = counts.sort_values(ascending=False, kind="mergesort")
    n_known = int(counts.sum())
    if n_known:
        p = counts.to_numpy() / n_known
        cum = np.cumsum(p)
        k_half = int(np.searchsorted(cum, 0.5 - 1e-12) + 1)
        sorted_p = np.sort(p)
        m = len(sorted_p)
        top = counts.index[0]
        out.update(
            n_authors=groups.n_authors[position],
            top_author_share=float(p[0]),
            top_accounts=k_half,
            top_accounts_share=float(cum[k_half - 1]),
            effective_authors=float(1.0 / (p ** 2).sum()),
            gini=float((2 * np.arange(1, m + 1) - m - 1) @ sorted_p / (m * sorted_p.sum())),
            top_author_replied=None if graph is None
            else float(graph.in_degree(top) + graph.out_degree(top) > 0),
        )
    if peak_day is not None:
        peak_rows = rows[groups.timeline.day[rows] == peak_day]
        fresh = [a for a in authors[peak_rows] if a is not None and single_day.get(a) == peak_day]
        out["burst_account_share"] = len(fresh) / len(peak_rows)
    return out
