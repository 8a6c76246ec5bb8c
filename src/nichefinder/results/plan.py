"""Frozen result objects: what a plan is made of.

Every stage returns plain data; these classes are the shapes that leave the library. They are
immutable (``frozen=True``) so a plan handed to a renderer or a notebook cannot drift from the
``plan.json`` it was written to. ``to_dict()`` gives JSON-ready builtins (the shape documented by
``schema/plan.schema.json``); ``Plan.to_frame()`` gives pandas tables.

A group id of ``-1`` means *noise*: posts that belong to no interest group. It is documented here
once and used the same way everywhere (``assignments.csv``, ``Plan.assignments``).
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .confidence import FeedConfidence

__all__ = [
    "CENTROIDS_FILE",
    "NOISE",
    "SCHEMA_VERSION",
    "Feed",
    "Group",
    "Plan",
    "Score",
    "StaffRole",
    "Summary",
    "to_builtins",
]

NOISE = -1
"""Group id of posts that belong to no group."""

SCHEMA_VERSION = "1.0"
"""Version of the ``plan.json`` layout; bumped on any incompatible change."""

CENTROIDS_FILE = "centroids.npy"
"""File of a plan folder holding the group centroids (``Plan.centroids``), next to ``plan.json``."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def to_builtins(value: Any) -> Any:
    """Convert tuples, numpy scalars and nested dataclasses to JSON-ready builtins."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {str(k): to_builtins(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_builtins(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


@dataclass(frozen=True)
class Score:
    """One judgement of a group (identifiable, substantial or genuine).

    Parameters
    ----------
    value : float
        The score in ``[0, 1]``; higher is better.
    passed : bool or None
        Whether the group passes this test; ``None`` when it could not be judged (for example
        no authors in the data), in which case the verdict rests on the other tests.
    evidence : tuple of str
        Measured facts behind the score, in words a marketer reads
        ("71% of posts come from 2 accounts").
    metrics : dict
        The raw numbers behind the evidence, by name.
    """

    value: float
    passed: bool | None
    evidence: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": round(float(self.value), 4),
            "passed": self.passed,
            "evidence": list(self.evidence),
            "metrics": {k: to_builtins(v) for k, v in sorted(self.metrics.items())},
        }


@dataclass(frozen=True)
class Group:
    """An interest group found in the conversations.

    Parameters
    ----------
    id : int
        Stable id: groups are numbered by size (largest first), ties by first post.
    label : str
        Short readable name.
    keywords : tuple of str
        Distinctive keywords, most distinctive first.
    size : int
        Number of posts.
    n_authors : int or None
        Distinct authors; ``None`` when the data has no author column.
    representative_posts : tuple of str
        The posts closest to the group's centre.
    scores : dict of str to Score
        ``identifiable``, ``substantial`` and ``genuine``.
    verdict : str
        ``"feed"`` (serves a feed), ``"merged"`` (served by a feed together with other groups) or
        ``"rejected"``.
    reasons : tuple of str
        Why the verdict, in plain words.
    feed : int or None
        Id of the feed that serves this group, if any.
    platforms : dict of str to int
        Posts per platform.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    n_authors: int | None
    representative_posts: tuple[str, ...]
    scores: dict[str, Score]
    verdict: str
    reasons: tuple[str, ...]
    feed: int | None = None
    platforms: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_builtins(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class StaffRole:
    """One person's part in staffing a feed.

    Parameters
    ----------
    name, department : str
        Who, from the roster.
    role : str
        ``"lead"``, ``"backup"`` or ``"mentor"``.
    hours_per_week : float
        Hours a week this role takes on this feed.
    share_of_week : float
        ``hours_per_week`` as a share of the social hours the person has.
    reasons : tuple of str
        Why this person: expertise match, department owning the feed's intents, social activity.
    """

    name: str
    department: str
    role: str
    hours_per_week: float
    share_of_week: float = 0.0
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_builtins(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Feed:
    """A recommended social feed (a Twitter/X account, a Facebook page, a subreddit presence...).

    Parameters
    ----------
    id : int
        Stable id, largest audience first.
    name : str
        Suggested name of the feed.
    groups : tuple of int
        Ids of the groups it serves.
    platforms : tuple of str
        Where its audience talks, most used first.
    posts_per_week : float
        Expected volume of audience posts a week.
    hours_per_week : float
        Response workload it implies, in staff hours a week.
    intents : dict of str to float
        Share of its posts by intent (complaint, billing, delivery...).
    keywords : tuple of str
        What its audience talks about.
    staff : tuple of StaffRole
        Who runs it; empty until staffed.
    code_of_conduct : tuple of str
        Rules for whoever posts on it.
    notes : tuple of str
        Platform-limit warnings, staffing gaps and similar remarks.
    """

    id: int
    name: str
    groups: tuple[int, ...]
    platforms: tuple[str, ...]
    posts_per_week: float
    hours_per_week: float
    intents: dict[str, float] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    staff: tuple[StaffRole, ...] = ()
    code_of_conduct: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: to_builtins(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Summary:
    """Row accounting and counts: ``rows_read == rows_grouped + rows_noise + rows_rejected``.

    ``confidence`` says how sure the feed count is (``None`` when not measured): the feeds
    formed on resamples of the audience (:class:`~nichefinder.results.FeedConfidence`).
    """

    rows_read: int
    rows_grouped: int
    rows_noise: int
    rows_rejected: int
    groups: int
    feeds: int
    confidence: FeedConfidence | None = None

    def __post_init__(self) -> None:
        if isinstance(self.confidence, dict):  # as plan.json has it
            object.__setattr__(self, "confidence", FeedConfidence.from_dict(self.confidence))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["confidence"] = None if self.confidence is None else self.confidence.to_dict()
        if self.confidence is None:
            del out["confidence"]
        return out

    @property
    def confidence_line(self) -> str | None:
        """"9 feeds in 17 of 20 resamples, 8 in 3", or ``None`` when not measured."""
        return None if self.confidence is None else self.confidence.line(self.feeds)


@dataclass(frozen=True)
class Plan:
    """A channel plan: the groups found, the feeds recommended and who staffs them.

    Parameters
    ----------
    summary : Summary
        Counts and row accounting.
    groups : tuple of Group
        Every group found, with its verdict.
    feeds : tuple of Feed
        The recommended feeds.
    assignments : pandas.DataFrame
        One row per accepted input row: ``id``, ``group`` (``-1`` = noise), ``feed``
        (nullable integer; missing when the group is not served by a feed).
    rejects : pandas.DataFrame
        Input rows that could not be used: ``source``, ``row``, ``reason``, ``content``.
    staffing_notes : tuple of str
        Gaps and infeasibilities of the staffing, as hiring or training needs.
    parameters : dict
        What produced the plan: model, random_state, thresholds, version.
    points : pandas.DataFrame or None
        For maps and timelines: one row per accepted post with ``id``, ``x``, ``y`` (a 2-D
        projection of the embeddings), ``group``, ``feed``, ``timestamp``, ``platform``.
    centroids : ndarray of float32, shape (n_groups, d), or None
        Unit-length centre of each group in the embedding space, row ``i`` for group ``i``:
        with ``fences``, what :func:`nichefinder.update.update_plan` needs to place new posts
        in this plan's groups. Written to ``centroids.npy``; ``None`` for plans written before
        nichefinder kept them.
    fences : ndarray of float, shape (n_groups,), or None
        Each group's lower fence of member similarity to its centroid (see
        :func:`nichefinder.cluster.assign_groups`); stored in ``plan.json``.
    """

    summary: Summary
    groups: tuple[Group, ...]
    feeds: tuple[Feed, ...]
    assignments: pd.DataFrame = field(repr=False, compare=False)
    rejects: pd.DataFrame = field(repr=False, compare=False)
    staffing_notes: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    points: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    centroids: np.ndarray | None = field(default=None, repr=False, compare=False)
    fences: np.ndarray | None = field(default=None, repr=False, compare=False)
    center: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready builtins, in the layout of ``plan.schema.json``."""
        out = {
            "schema_version": SCHEMA_VERSION,
            "summary": self.summary.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "feeds": [f.to_dict() for f in self.feeds],
            "staffing_notes": list(self.staffing_notes),
            "parameters": to_builtins(self.parameters),
        }
        if self.centroids is not None and self.fences is not None:
            shape = np.shape(self.centroids)
            out["centroids"] = {
                "file": CENTROIDS_FILE,
                "n_groups": int(shape[0]),
                "dimensions": int(shape[1]) if len(shape) > 1 else 0,
                # full precision: the fences decide membership, rounding would move posts
                "fences": [float(x) for x in np.asarray(self.fences, dtype=np.float64)],
                # the mean subtracted before clustering (None: not centred), full precision
                "center": None if self.center is None
                else [float(x) for x in np.asarray(self.center, dtype=np.float64)],
            }
        return out

    def to_frame(self, what: str = "groups") -> pd.DataFrame:
        """A pandas table of ``"groups"``, ``"feeds"``, ``"staff"`` or ``"assignments"``.

        Examples
        --------
        >>> plan.to_frame("feeds")[["name", "posts_per_week"]]  # doctest: +SKIP
        """
        if what == "assignments":
            return self.assignments.copy()
        if what == "groups":
            rows = []
            for g in self.groups:
                row = {
                    "id": g.id,
                    "label": g.label,
                    "size": g.size,
                    "n_authors": g.n_authors,
                    "verdict": g.verdict,
                    "feed": g.feed,
                    "keywords": ", ".join(g.keywords),
                    "reasons": "; ".join(g.reasons),
                }
                for name, score in g.scores.items():
                    row[name] = score.value
                rows.append(row)
            return pd.DataFrame(rows)
        if what == "feeds":
            return pd.DataFrame(
                [
                    {
                        "id": f.id,
                        "name": f.name,
                        "groups": list(f.groups),
                        "platforms": ", ".join(f.platforms),
                        "posts_per_week": f.posts_per_week,
                        "hours_per_week": f.hours_per_week,
                        "lead": next((s.name for s in f.staff if s.role == "lead"), None),
                        "n_staff": len(f.staff),
                    }
                    for f in self.feeds
                ]
            )
        if what == "staff":
            return pd.DataFrame(
                [
                    {"feed": f.id, "feed_name": f.name, **s.to_dict()}
                    for f in self.feeds
                    for s in f.staff
                ]
            )
        raise InputError(
            f"unknown table {what!r}; choose one of 'groups', 'feeds', 'staff', 'assignments'"
        )

    def to_html(self, **options) -> str:
        """The self-contained HTML proposal (:func:`nichefinder.report.render_html`).

        ``options``: ``client``, ``date``, ``period``, ``page_size``, ``max_points``.

        Examples
        --------
        >>> html = plan.to_html(client="Kettle & Crumb", date="2 December 2026")  # doctest: +SKIP
        """
        from ..report.html import render_html

        return render_html(self, **options)

    def to_pdf(self, path=None, **options):
        """The proposal as PDF, printed by headless Chromium (:mod:`nichefinder.report.pdf`).

        Parameters
        ----------
        path : str or Path, optional
            Where to write it; without it the PDF's bytes are returned.
        **options
            ``client``, ``date``, ``period``, ``page_size`` (``"A4"`` or ``"Letter"``).

        Returns
        -------
        bytes or Path

        Examples
        --------
        >>> plan.to_pdf("report.pdf", page_size="Letter")  # doctest: +SKIP
        """
        from ..report.pdf import render_pdf, write_pdf

        return render_pdf(self, **options) if path is None else write_pdf(self, path, **options)

    def _repr_html_(self) -> str:
        """Jupyter view: the counts, the feeds with their staff, and every group's verdict.

        Everything is escaped; the full proposal is :meth:`to_html` (and :meth:`to_pdf`).
        """
        e = html.escape
        s = self.summary
        head = (
            f"<p><b>nichefinder plan</b>: {_plural(s.feeds, 'feed')} from "
            f"{_plural(s.groups, 'group')}; "
            f"{s.rows_read} rows read, {s.rows_grouped} grouped, {s.rows_noise} noise, "
            f"{s.rows_rejected} rejected.</p>"
        )
        cell = '<td style="text-align:{}">{}</td>'.format
        feeds = "".join(
            "<tr>"
            + cell("right", f.id)
            + cell("left", e(f.name))
            + cell("left", e(", ".join(f.platforms) or "-"))
            + cell("right", f"{f.posts_per_week:.1f}")
            + cell("right", f"{f.hours_per_week:.1f}".rstrip("0").rstrip("."))
            + cell("left", e(", ".join(f"{r.name} ({r.role})" for r in f.staff) or "not staffed"))
            + "</tr>"
            for f in self.feeds
        )
        groups = "".join(
            "<tr>"
            + cell("right", g.id)
            + cell("left", e(g.label))
            + cell("right", g.size)
            + cell("left", e(g.verdict + (f" (feed {g.feed})" if g.feed is not None else "")))
            + cell("left", e("; ".join(g.reasons)))
            + "</tr>"
            for g in self.groups
        )
        th = "".join
        out = head
        if feeds:
            out += (
                "<table><thead><tr>"
                + th(f"<th>{h}</th>" for h in ("#", "feed", "platforms", "posts/week",
                                                 "hours/week", "staff"))
                + f"</tr></thead><tbody>{feeds}</tbody></table>"
            )
        if groups:
            out += (
                "<details><summary>groups and verdicts</summary><table><thead><tr>"
                + th(f"<th>{h}</th>" for h in ("group", "label", "posts", "verdict", "why"))
                + f"</tr></thead><tbody>{groups}</tbody></table></details>"
            )
        return out
