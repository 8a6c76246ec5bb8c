"""Activity: is a group *substantial*, in volume and over time.

How many posts, what share of the grouped conversation, on how many days and weeks, how
concentrated on its busiest day, whether it grows or fades, and how many posts a week. Days
and the span of the data come from the :class:`~nichefinder.groups.Groups` table's timeline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..groups import Groups

__all__ = ["measure_activity"]


def measure_activity(groups: Groups) -> dict[int, dict[str, Any]]:
    """The *substantial* measurements of every group (``n_authors`` is the authors' part).

    Returns
    -------
    dict of int to dict
        Per group: ``n_posts``, ``n_grouped``, ``share``, ``n_authors`` (``None`` here),
        ``data_days``, ``days_active``, ``weeks_active``, ``data_weeks``, ``peak_day_share``,
        ``peak_day``, ``trend`` (late minus early share of posts, in ``[-1, 1]``) and
        ``posts_per_week``; ``None`` where the data has no timestamps.
    """
    n_grouped = groups.n_grouped
    time = groups.timeline
    out = {}
    for g, rows in zip(groups.ids, groups.members, strict=True):
        n = len(rows)
        sub: dict[str, Any] = {
            "n_posts": n,
            "n_grouped": n_grouped,
            "share": n / n_grouped,
            "n_authors": None,
            "data_days": time.n_days or None,
            "days_active": None,
            "weeks_active": None,
            "data_weeks": None,
            "peak_day_share": None,
            "peak_day": None,
            "trend": None,
            "posts_per_week": None,
        }
        if time.day is not None:
            sub.update(_days(time.day[rows], time.n_days, n, time.span_days))
        out[int(g)] = sub
    return out


def _days(day: np.ndarray, n_days: int, n: int, span_days: float) -> dict[str, Any]:
    """Activity over the days of one group's posts (``-1``: no timestamp)."""
    d = day[day >= 0]
    if not len(d):
        return {}
    by_day = np.bincount(d)
    peak = int(np.argmax(by_day))
    late = float((d >= n_days / 2.0).sum())
    return {
        "days_active": int(len(np.unique(d))),
        "weeks_active": int(len(np.unique(d // 7))),
        "data_weeks": int((n_days - 1) // 7 + 1),
        "peak_day_share": float(by_day[peak] / len(d)),
        "peak_day": peak,
        "trend": float((late - (len(d) - late)) / len(d)) if n_days > 1 else None,
        "posts_per_week": n * 7.0 / span_days,
    }
