"""Frozen results of an update: a new batch of conversations placed in a plan.

:func:`nichefinder.update.update_plan` returns an :class:`Update`; like a plan it is immutable,
``to_dict()`` gives the JSON-ready content of ``update.json`` and ``to_frame()`` pandas tables.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

from ..exceptions import InputError
from .plan import Score, to_builtins

__all__ = ["ASSIGNMENT_COLUMNS", "VERDICTS", "NewGroup", "Update", "UpdateSummary"]

VERDICTS = ("fits", "re-plan")
"""The two verdicts of an update."""

ASSIGNMENT_COLUMNS = ("id", "group", "feed", "similarity", "new_group")
"""Columns of :attr:`Update.assignments` and ``update_assignments.csv``."""


@dataclass(frozen=True)
class NewGroup:
    """A group found among new posts that fit none of the plan's groups.

    Parameters
    ----------
    id : int
        Number within this update, largest first; not a plan group id (the plan's groups keep
        theirs). Shown as "new group 0" and in the ``new_group`` column of the assignments.
    label : str
    keywords : tuple of str
        Distinctive against the plan's groups as they appear in the new posts.
    size : int
        New posts in it.
    n_authors : int or None
        Distinct authors; ``None`` without an author column.
    representative_posts : tuple of str
    scores : dict of str to Score
        ``identifiable``, ``substantial`` and ``genuine``, with the plan's thresholds.
    emerging : bool
        Passes all three tests and is no near copy of a plan group: the plan has no feed for it.
    reasons : tuple of str
        Why it is or is not emerging.
    nearest_group : int or None
        The plan group whose centroid is most similar to this group's centre.
    nearest_similarity : float or None
        That cosine similarity.
    posts_per_week : float or None
        Its rate over the span of the new data; ``None`` without timestamps.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    n_authors: int | None
    representative_posts: tuple[str, ...]
    scores: dict[str, Score]
    emerging: bool
    reasons: tuple[str, ...]
    nearest_group: int | None = None
    nearest_similarity: float | None = None
    posts_per_week: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_builtins(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class UpdateSummary:
    """Row accounting: ``rows_read == rows_assigned + rows_noise + rows_rejected``.

    ``rows_served`` of the assigned posts are in a group that a feed serves; ``rows_outside``
    posts are outside every group's core and were searched for new groups, of which
    ``new_groups`` were found and ``emerging`` are emerging.
    """

    rows_read: int
    rows_assigned: int
    rows_noise: int
    rows_rejected: int
    rows_served: int
    rows_outside: int
    new_groups: int
    emerging: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Update:
    """A new batch of conversations placed in a plan, and whether the plan still fits.

    Parameters
    ----------
    summary : UpdateSummary
    verdict : {"fits", "re-plan"}
    reason : str
        The verdict's reason, one sentence.
    noise_share, plan_noise_share : float
        Share of accepted posts that fit no group, in the new batch and in the plan.
    groups : pandas.DataFrame
        One row per plan group: ``group``, ``label``, ``feed``, ``plan_posts``, ``plan_share``,
        ``expected`` (posts the plan's share predicts), ``new_posts``, ``new_share``, ``change``
        (``new_share / plan_share``), ``status`` (``steady``, ``growing``, ``collapsed`` or
        ``not judged`` when too few posts are expected), ``plan_posts_per_week`` and
        ``posts_per_week`` (``NaN`` without timestamps).
    feeds : pandas.DataFrame
        The same per feed (``feed``, ``name``, ``groups``, ...).
    new_groups : tuple of NewGroup
        Groups found among the posts outside every group's core, emerging or not.
    assignments : pandas.DataFrame
        One row per accepted new post: ``id``, ``group`` (plan group, ``-1`` = noise), ``feed``
        (nullable), ``similarity`` (cosine to the group's centroid; to the nearest one for
        noise), ``new_group`` (nullable: the new group the post belongs to).
    rejects : pandas.DataFrame
        Unusable input rows: ``source``, ``row``, ``id``, ``reason``, ``content``.
    notes : tuple of str
        Remarks on the data and the comparison.
    parameters : dict
        What produced it: versions, models, the plan's checksum, thresholds, drift settings.
    """

    summary: UpdateSummary
    verdict: str
    reason: str
    noise_share: float
    plan_noise_share: float
    groups: pd.DataFrame = field(repr=False, compare=False)
    feeds: pd.DataFrame = field(repr=False, compare=False)
    new_groups: tuple[NewGroup, ...] = ()
    assignments: pd.DataFrame = field(default=None, repr=False, compare=False)
    rejects: pd.DataFrame = field(default=None, repr=False, compare=False)
    notes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def emerging(self) -> tuple[NewGroup, ...]:
        """The new groups the plan has no feed for."""
        return tuple(g for g in self.new_groups if g.emerging)

    @property
    def collapsed_groups(self) -> tuple[int, ...]:
        """Ids of plan groups whose volume collapsed."""
        return tuple(int(g) for g in self.groups.loc[self.groups["status"] == "collapsed", "group"])

    @property
    def collapsed_feeds(self) -> tuple[int, ...]:
        """Ids of feeds whose volume collapsed."""
        return tuple(int(f) for f in self.feeds.loc[self.feeds["status"] == "collapsed", "feed"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready builtins: the content of ``update.json``."""
        return {
            "verdict": self.verdict,
            "reason": self.reason,
            "summary": self.summary.to_dict(),
            "noise_share": round(float(self.noise_share), 4),
            "plan_noise_share": round(float(self.plan_noise_share), 4),
            "feeds": _records(self.feeds),
            "groups": _records(self.groups),
            "new_groups": [g.to_dict() for g in self.new_groups],
            "notes": list(self.notes),
            "parameters": to_builtins(self.parameters),
        }

    def to_frame(self, what: str = "feeds") -> pd.DataFrame:
        """A table of ``"feeds"``, ``"groups"``, ``"new_groups"`` or ``"assignments"``."""
        if what in ("feeds", "groups", "assignments"):
            return getattr(self, what).copy()
        if what == "new_groups":
            return pd.DataFrame(
                [{"id": g.id, "label": g.label, "size": g.size, "n_authors": g.n_authors,
                  "emerging": g.emerging, "nearest_group": g.nearest_group,
                  "nearest_similarity": g.nearest_similarity, "keywords": ", ".join(g.keywords),
                  "reasons": "; ".join(g.reasons)} for g in self.new_groups],
                columns=["id", "label", "size", "n_authors", "emerging", "nearest_group",
                         "nearest_similarity", "keywords", "reasons"],
            )
        raise InputError(f"unknown table {what!r}; choose one of 'feeds', 'groups', "
                         "'new_groups', 'assignments'")

    def _repr_html_(self) -> str:
        head = (f"<p><b>nichefinder update</b>: <b>{html.escape(self.verdict)}</b>. "
                f"{html.escape(self.reason)}</p>")
        return head + self.feeds.to_html(index=False, escape=True, na_rep="-")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    def cell(value):
        if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):
            return None
        if isinstance(value, float):
            return round(value, 4)
        return to_builtins(value)

    return [{k: cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
