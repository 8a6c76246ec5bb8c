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


def measure_activity(groups: Groups, burst_factor: float = 10.0,
                     min_burst_share: float = 0.1) -> dict[int, dict[str, Any]]:
    """The *substantial* measurements of every group (``n_authors`` is the authors' part).

    A group's busiest day is a *burst* when it holds at least ``min_burst_share`` of the
    group's posts and ``burst_factor`` times the group's usual posts a day (its other posts
    over the data's other days): a one-day spike, even when a sustained topic shares the group.
    ``burst_posts`` counts the burst's posts, and ``rest_*`` describe the group without them,
    what the judge weighs when the burst is left out.

    Returns
    -------
    dict of int to dict
        Per group: ``n_posts``, ``n_grouped``, ``share``, ``n_authors`` (``None`` here),
        ``data_days``, ``days_active``, ``weeks_active``, ``data_weeks``, ``peak_day_share``,
        ``peak_day``, ``trend`` (late minus early share of posts, in ``[-1, 1]``) and
        ``posts_per_week``; ``burst_day``, ``burst_posts`` (0 when no burst),
        ``rest_peak_day_share`` and ``rest_weeks_active``; ``None`` where the data has no
        timestamps.
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
            "burst_day": None,
            "burst_posts": 0,
            "rest_peak_day_share": None,
            "rest_weeks_active": None,
        }
        if time.day is not None:
            sub.update(_days(time.day[rows], time.n_days, n, time.span_days))
            sub.update(_burst(time.day[rows], time.n_days, burst_factor, min_burst_share))
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


def _burst(day: np.ndarray, n_days: int, factor: float, min_share: float) -> dict[str, Any]:
    """The group's burst day, if its busiest day is one, and the group without it."""
    d = day[day >= 0]
    if len(d) < 2 or n_days < 2:
        return {}
    by_day = np.bincount(d, minlength=n_days)
    peak = int(np.argmax(by_day))
    top = int(by_day[peak])
    usual = (len(d) - top) / (n_days - 1)
    if top < min_share * len(d) or top < factor * max(usual, 1.0 / 7.0):
        return {}
    rest = d[d != peak]
    if not len(rest):
        return {"burst_day": peak, "burst_posts": top, "rest_peak_day_share": 0.0,
                "rest_weeks_active": 0}
    return {
        "burst_day": peak,
        "burst_posts": top,
        "rest_peak_day_share": float(np.bincount(rest).max() / len(rest)),
        "rest_weeks_active": int(len(np.unique(rest // 7))),
    }
