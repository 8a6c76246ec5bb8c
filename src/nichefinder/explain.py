"""Explain: the what-if table of how many feeds each threshold gives.

Each key threshold is moved to 0.5x ... 2x of its value, one at a time; the groups are judged
again from the same measurements (:func:`nichefinder.score.judge.judge_groups`) and the feeds
formed again (:func:`nichefinder.feeds.merge.form_feeds`): nothing is embedded or measured
again. Only what the judge and the feed forming read can move; a measurement setting
(``duplicate_similarity``, ``n_folds`` ...) changes the measurements themselves, so moving
it means planning again with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

import pandas as pd

from .config import Thresholds, resolve_thresholds
from .exceptions import InputError
from .feeds.merge import form_feeds
from .groups import Groups
from .score.judge import judge_groups
from .score.measurements import Measurements, MeasureSettings

__all__ = ["DEFAULT_FACTORS", "DEFAULT_VARY", "explain_thresholds"]

DEFAULT_VARY = (
    "min_posts",
    "min_posts_per_week",
    "min_authors",
    "min_weeks_active",
    "max_top_author_share",
    "max_duplicate_share",
    "min_cohesion",
    "min_predictability",
    "audience_overlap",
)
"""The thresholds :func:`explain_thresholds` moves unless told which."""
DEFAULT_FACTORS = (0.5, 0.75, 1.0, 1.5, 2.0)
"""The multipliers of each threshold's value."""

COLUMNS = ["threshold", "factor", "value", "n_passing", "n_served", "n_feeds", "change"]


def explain_thresholds(
    groups: Groups,
    measurements: Measurements,
    thresholds=None,
    *,
    vary: Sequence[str] = DEFAULT_VARY,
    factors: Sequence[float] = DEFAULT_FACTORS,
) -> pd.DataFrame:
    """What-if table: how the number of feeds moves as each key threshold moves.

    Parameters
    ----------
    groups : Groups
    measurements : Measurements
        From :func:`nichefinder.score.measure.measure_groups`.
    thresholds : Thresholds, optional
        The baseline.
    vary : sequence of str
        Thresholds to move (default :data:`DEFAULT_VARY`). ``min_posts`` scales the whole
        volume bar (``min_posts`` and ``min_share`` together).
    factors : sequence of float
        Multipliers of the baseline value.

    Returns
    -------
    pandas.DataFrame
        One row per threshold and factor: ``threshold``, ``factor``, ``value`` (the effective
        value; for ``min_posts`` the posts bar on this corpus), ``n_passing`` (groups passing
        all tests on their own), ``n_served`` (groups served by a feed, including small groups
        that join or pool into one), ``n_feeds``, ``change`` (feeds minus the baseline's).

    Raises
    ------
    InputError
        An unknown name, or a measurement setting, in ``vary``.

    Examples
    --------
    >>> from nichefinder.datasets.toy import toy_groups
    >>> groups = toy_groups()  # two groups: parcels (50 authors), refunds (12 authors)
    >>> from nichefinder.score import measure_groups
    >>> table = explain_thresholds(groups, measure_groups(groups, random_state=0),
    ...                            vary=["min_authors"])
    >>> table[["factor", "value", "n_feeds"]].to_dict("list")
    {'factor': [0.5, 0.75, 1.0, 1.5, 2.0], 'value': [5, 8, 10, 15, 20], 'n_feeds': [2, 2, 2, 1, 1]}
    """
    th = resolve_thresholds(thresholds)
    _check_vary(vary)

    def count(t) -> tuple[int, int, int]:
        plan = form_feeds(groups, judge_groups(measurements, t), t)
        return len(plan.passing), plan.n_served, len(plan.feeds)

    _, _, base_feeds = count(th)
    rows = []
    for name in vary:
        for factor in factors:
            t = _scaled(th, name, float(factor))
            n_pass, n_served, n_feeds = count(t)
            value = t.min_posts_for(groups.n_grouped) if name == "min_posts" else getattr(t, name)
            rows.append({
                "threshold": name,
                "factor": float(factor),
                "value": value,
                "n_passing": n_pass,
                "n_served": n_served,
                "n_feeds": n_feeds,
                "change": n_feeds - base_feeds,
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def _check_vary(vary: Sequence[str]) -> None:
    names = [f.name for f in fields(Thresholds)]
    unknown = [v for v in vary if v not in names]
    if unknown:
        raise InputError(
            f"unknown threshold {unknown[0]!r} to vary; valid thresholds are: " + ", ".join(names)
        )
    measured = [v for v in vary if v in {f.name for f in fields(MeasureSettings)}]
    if measured:
        raise InputError(
            f"cannot vary {measured[0]!r}: it is a measurement setting, and moving it changes "
            f"the measurements, not only the verdicts; plan again with --set {measured[0]}=VALUE"
        )


def _scaled(th, name: str, factor: float):
    """``th`` with threshold ``name`` times ``factor`` (whole numbers rounded, shares at most 1)."""
    if name == "min_posts":  # scale the effective bar: floor and share together
        return th.replace(min_posts=max(int(round(th.min_posts * factor)), 0),
                          min_share=min(th.min_share * factor, 1.0))
    spec = next(f for f in fields(th) if f.name == name)
    value = getattr(th, name)
    if isinstance(value, bool):
        raise InputError(f"cannot vary {name!r}: it is true/false; vary a numeric threshold")
    new = value * factor
    if spec.type == "int":
        new = max(int(round(new)), 0)
    elif spec.metadata.get("share"):
        new = min(float(new), 1.0)
    return th.replace(**{name: new})
