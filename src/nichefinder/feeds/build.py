"""Build: the recommended feeds, sized and placed, and every group's verdict and its reasons.

:func:`recommend_feeds` takes the groups (:class:`~nichefinder.groups.Groups`), their
descriptions and their verdicts (:func:`nichefinder.score.judge.judge_groups`), forms the feeds
(:func:`nichefinder.feeds.merge.form_feeds`) and gives each its platforms, weekly volume,
workload, keywords and notes. Each merged feed is led by its largest group (verdict ``"feed"``);
the others get ``"merged"`` and a reason naming the feed. Failing groups get ``"rejected"`` with
the failed check's evidence.

Feeds are numbered by posts, largest first (ties by main group id); ``feed_of_row`` maps each
post to its feed (``-1``: none, including noise ``-1`` posts and the posts a served group's
feed leaves out: its one-day bursts and spikes, :func:`burst_rows`, and an account's
near-copies, :func:`repeat_rows`); a feed's posts per week and hours count only the posts it
serves. A feed serving several groups takes the name of its group that says most about all of
them when an ``embed`` function is given. Staffing is done later
(:mod:`nichefinder.staff`), so every feed leaves here with ``staff=()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from ..describe.names import name_unions
from ..groups import Groups
from ..platforms import TWITTER, canonical_platform
from ..results import Feed, Group, Score
from ..score.judge import TESTS, failed_lines, undecided_line
from ..settings import part
from ..vectors import normalise_rows
from .merge import FeedPlan, form_feeds
from .settings import FeedSettings

__all__ = ["GroupDescriptionLike", "Recommendation", "recommend_feeds"]

_SENTENCE = re.compile(r"[.!?]+(?:\s+|$)")


class GroupDescriptionLike(Protocol):
    """What :func:`recommend_feeds` reads from a description (``describe.GroupDescription``)."""

    id: int
    label: str
    keywords: tuple[str, ...]
    representative_posts: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    """Groups with verdicts, the feeds they earn, and the feed of every post.

    Attributes
    ----------
    groups : tuple of Group
        Every group, by id, with ``verdict``, ``reasons`` and ``feed``.
    feeds : tuple of Feed
        The recommended feeds, largest first; ``staff`` is empty.
    feed_of_row : ndarray of int, shape (n,)
        Feed id of each post; ``-1`` when its group has no feed or it is noise.
    """

    groups: tuple[Group, ...]
    feeds: tuple[Feed, ...]
    feed_of_row: np.ndarray

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Recommendation):
            return NotImplemented
        return (self.groups == other.groups and self.feeds == other.feeds
                and np.array_equal(self.feed_of_row, other.feed_of_row))

    __hash__ = None  # type: ignore[assignment]


def recommend_feeds(
    groups: Groups,
    descriptions: Iterable[GroupDescriptionLike] | None,
    scores: Mapping[int, Mapping[str, Score]],
    *,
    thresholds=None,
    embed=None,
) -> Recommendation:
    """Decide which groups earn a feed, merge those one feed can serve, and size each feed.

    Parameters
    ----------
    groups : Groups
        The groups and their facts (:func:`nichefinder.groups.build_groups`).
    descriptions : iterable of objects with ``id``, ``label``, ``keywords``,
        ``representative_posts``
    scores : dict of int to dict of str to Score
        The verdicts, from :func:`nichefinder.score.score_groups` or
        :func:`nichefinder.score.judge.judge_groups`.
    thresholds : Thresholds, optional
        Merge, platform and workload settings, and the bars pooled fragments clear.
    embed : callable, optional
        Unit vectors of a list of texts with the posts' model. With it a feed that serves
        several groups takes the name of the one whose name says most about all their posts
        together, told apart from the other feeds
        (:func:`nichefinder.describe.names.name_unions`); without it, its main group's name.

    Returns
    -------
    Recommendation

    Examples
    --------
    >>> from nichefinder.datasets.toy import toy_groups
    >>> groups = toy_groups()  # parcels (50 authors), refunds (12; 4 posts are repeats)
    >>> from nichefinder.score import score_groups
    >>> rec = recommend_feeds(groups, None, score_groups(groups, random_state=0))
    >>> [(f.name, f.groups, f.posts_per_week, f.hours_per_week) for f in rec.feeds]
    [('group 0', (0,), 7.06, 1.0), ('group 1', (1,), 6.59, 1.0)]
    """
    settings = part(thresholds, FeedSettings)
    descs = {int(d.id): d for d in (descriptions or [])}
    plan = form_feeds(groups, scores, thresholds)
    feed_of_group = {g: fid for fid, members in enumerate(plan.feeds) for g in members}
    # the posts a served group's feed leaves out: its bursts, spikes and accounts' repeats
    left_out = np.zeros(len(groups.labels), dtype=bool)
    left_out[burst_rows(groups, scores, feed_of_group, thresholds)] = True
    left_out[repeat_rows(groups, feed_of_group, thresholds)] = True
    feeds = tuple(_feed(fid, members, groups, descs, settings, left_out)
                  for fid, members in enumerate(plan.feeds))
    if embed is not None:
        feeds = _union_names(feeds, groups, descs, embed)
    out_groups = tuple(
        _group(int(g), i, groups, descs.get(int(g)), scores.get(int(g)), plan, feeds,
               feed_of_group)
        for i, g in enumerate(groups.ids)
    )
    feed_of_row = np.full(len(groups.labels), -1, dtype=int)
    for g, fid in feed_of_group.items():
        feed_of_row[groups.members[groups.index[g]]] = fid
    feed_of_row[left_out] = -1
    return Recommendation(groups=out_groups, feeds=feeds, feed_of_row=feed_of_row)


def burst_rows(groups: Groups, scores: Mapping[int, Mapping[str, Score]],
               served: Iterable[int], thresholds=None) -> np.ndarray:
    """Rows of the served groups' one-day bursts and spikes, which their feeds leave out.

    A group's burst (its busiest day judged apart, :mod:`nichefinder.score.activity`) loses the
    day's posts from accounts seen on that day only (every post of the day without authors).
    A spike (:func:`nichefinder.score.spikes.newcomer_rows`: a day whose newcomers post at
    least ``burst_factor`` times their usual number a day, ``min_authors`` accounts or more)
    loses its newcomers' posts, found in the whole audience and in each served group.
    """
    from ..score.judge import VerdictThresholds
    from ..score.measurements import MeasureSettings
    from ..score.spikes import newcomer_rows, single_day_mask

    day = groups.timeline.day
    served = list(served)
    if day is None or not served:
        return np.zeros(0, dtype=int)
    picked: list[np.ndarray] = []
    single = None if groups.authors is None else single_day_mask(day, groups.authors)
    for g in served:
        sub = scores.get(g, {}).get("substantial")
        burst_day = None if sub is None else sub.metrics.get("burst_day")
        if burst_day is None or not sub.metrics.get("burst_posts"):
            continue
        rows = groups.members[groups.index[g]]
        rows = rows[day[rows] == burst_day]
        if single is not None:
            rows = rows[single[rows]]
        picked.append(rows)
    if single is not None:
        spike = {"factor": part(thresholds, MeasureSettings).burst_factor,
                 "min_accounts": part(thresholds, VerdictThresholds).min_authors}
        everyone = newcomer_rows(day, groups.authors, newcomer=single, **spike)
        for g in served:
            rows = groups.members[groups.index[g]]
            own = newcomer_rows(day, groups.authors, rows, newcomer=single, **spike)
            picked.append(rows[own | everyone[rows]])
    return np.unique(np.concatenate(picked)) if picked else np.zeros(0, dtype=int)


def repeat_rows(groups: Groups, served: Iterable[int], thresholds=None) -> np.ndarray:
    """Rows of the served groups that an account wrote as one of several near-copies
    (:attr:`FeedSettings.min_repeat_copies`), which their feeds leave out."""
    from ..score.measurements import MeasureSettings
    from ..score.repeats import repeated_rows

    settings = part(thresholds, FeedSettings)
    served = list(served)
    if groups.authors is None or settings.min_repeat_copies < 2 or not served:
        return np.zeros(0, dtype=int)
    measure = part(thresholds, MeasureSettings)
    rows = np.sort(np.concatenate([groups.members[groups.index[g]] for g in served]))
    marked = repeated_rows(groups.posts["text"].to_numpy()[rows], groups.embeddings[rows],
                           groups.authors[rows], min_copies=settings.min_repeat_copies,
                           containment=settings.repeat_containment,
                           similarity=measure.duplicate_similarity,
                           min_words=measure.min_duplicate_words)
    return rows[marked]


def _label(g: int, d) -> str:
    if d is not None and getattr(d, "label", ""):
        return str(d.label)
    if d is not None and getattr(d, "keywords", ()):
        return " / ".join(d.keywords[:2])
    return f"group {g}"


def _feed(fid: int, members: tuple[int, ...], groups: Groups, descs: dict,
          settings: FeedSettings, left_out: np.ndarray) -> Feed:
    """Feed ``fid`` serving ``members`` (its main group first); its volume counts the posts
    it serves, not those ``left_out`` (bursts, spikes, repeats)."""
    positions = [groups.index[g] for g in members]
    rows = np.sort(np.concatenate([groups.members[i] for i in positions]))
    rows = rows[~left_out[rows]]
    counts = _platform_counts([groups.platforms[i] for i in positions])
    total = sum(counts.values())
    platforms = tuple(
        p for p, c in counts.items() if total and c / total >= settings.min_platform_share
    )
    notes: list[str] = []
    span = groups.timeline.span_days
    if span is None:
        posts_per_week = len(rows) / settings.assumed_span_weeks
        notes.append(
            f"no timestamps: assumed the data covers {settings.assumed_span_weeks:g} week(s), so "
            "posts per week and hours are an upper estimate"
        )
    else:
        posts_per_week = len(rows) * 7.0 / span
    keywords: list[str] = []
    for g in members:
        for kw in getattr(descs.get(g), "keywords", ()) or ():
            if kw not in keywords:
                keywords.append(kw)
    if platforms and all(canonical_platform(p) == TWITTER for p in platforms):
        notes += _long_form_note(groups, rows, settings)
    if len(members) > 1:
        notes.append("serves groups " + ", ".join(str(g) for g in members))
    return Feed(
        id=fid,
        name=_label(members[0], descs.get(members[0])),
        groups=tuple(members),
        platforms=platforms,
        posts_per_week=round(float(posts_per_week), 2),
        hours_per_week=_hours(posts_per_week, settings),
        keywords=tuple(keywords[:10]),
        notes=tuple(notes),
    )


def _union_names(feeds: tuple[Feed, ...], groups: Groups, descs: dict, embed
                 ) -> tuple[Feed, ...]:
    """The feeds, those serving several groups named by the group name that says most about
    all their posts together (:func:`nichefinder.describe.names.name_unions`)."""
    if not any(len(f.groups) > 1 for f in feeds):
        return feeds
    # each feed's centre from its groups' mean vectors and sizes: no pass over the posts
    positions = [[groups.index[g] for g in f.groups] for f in feeds]
    sums = np.array([(groups.means[p] * groups.sizes[p, None]).sum(axis=0) for p in positions])
    names = [[_label(g, descs.get(g)) for g in f.groups] for f in feeds]
    picked = name_unions(names, normalise_rows(sums), embed=embed)
    return tuple(replace(f, name=name) if len(f.groups) > 1 and name else f
                 for f, name in zip(feeds, picked, strict=True))


def _platform_counts(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Posts per platform of several groups together, most first (ties by name)."""
    total: dict[str, int] = {}
    for group in counts:
        for name, n in group.items():
            total[name] = total.get(name, 0) + n
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def _hours(posts_per_week: float, settings: FeedSettings) -> float:
    """Staff hours a week for a feed's posts, in half hours, at least the minimum."""
    return max(float(settings.min_hours_per_week),
               math.ceil(posts_per_week / settings.posts_per_hour * 2) / 2)


def _long_form_note(groups: Groups, rows: np.ndarray, settings: FeedSettings) -> list[str]:
    """The note of a Twitter/X-only feed whose posts ask for answers too long for it."""
    posts = groups.posts
    texts = posts["text"].iloc[rows] if "text" in posts.columns else [""] * len(rows)
    lengths, long_q = [], 0
    for t in texts:
        t = str(t)
        lengths.append(len(t))
        if "?" in t and len([s for s in _SENTENCE.split(t.strip()) if s.strip()]) >= 2:
            long_q += 1
    median_len = float(np.median(lengths)) if lengths else 0.0
    long_share = long_q / len(lengths) if lengths else 0.0
    if median_len <= settings.max_answer_length and long_share <= settings.max_long_question_share:
        return []
    why_long = (
        f"the median post is {median_len:.0f} characters"
        if median_len > settings.max_answer_length
        else f"{long_share:.0%} of posts are multi-sentence questions"
    )
    return [
        f"{why_long}, but the audience is only on Twitter/X "
        f"({settings.max_answer_length} characters a post): long answers need a link, "
        "a DM or another platform"
    ]


def _group(g: int, i: int, groups: Groups, d, sc, plan: FeedPlan, feeds: tuple[Feed, ...],
           feed_of_group: dict[int, int]) -> Group:
    """Group ``g`` (at position ``i``) with its verdict, reasons and feed."""
    verdict, reasons, feed = _verdict(g, sc, plan, feeds, feed_of_group)
    n_authors = None
    if sc is not None and "substantial" in sc:
        n_authors = sc["substantial"].metrics.get("n_authors")
    if n_authors is None:
        n_authors = groups.n_authors[i]
    return Group(
        id=g,
        label=_label(g, d),
        keywords=tuple(getattr(d, "keywords", ()) or ()),
        size=int(groups.sizes[i]),
        n_authors=None if n_authors is None else int(n_authors),
        representative_posts=tuple(getattr(d, "representative_posts", ()) or ()),
        scores=dict(sc) if sc is not None else {},
        verdict=verdict,
        reasons=reasons,
        feed=feed,
        platforms=dict(groups.platforms[i]),
    )


def _verdict(g: int, sc, plan: FeedPlan, feeds, feed_of_group) -> tuple[str, tuple, Any]:
    """``(verdict, reasons, feed)`` of group ``g``."""
    if sc is None or not all(t in sc for t in TESTS):
        return "rejected", ("not scored",), None
    if g not in feed_of_group:
        return "rejected", tuple(failed_lines(sc)), None
    feed = feed_of_group[g]
    main = feeds[feed].groups[0]
    undecided = [f"{t} could not be judged: {undecided_line(sc[t])}"
                 for t in TESTS if sc[t].passed is None]
    if g == main and g in plan.pooled:
        reasons = [plan.pooled[g]]
        reasons += [f"{t}: {sc[t].evidence[0]}" for t in TESTS
                    if sc[t].evidence and t != "substantial"]
        return "feed", tuple(reasons + undecided), feed
    if g == main:
        others = [m for m in feeds[feed].groups if m != g]
        reasons = ["passes the identifiable, substantial and genuine tests"
                   if not undecided else "passes every test that could be judged"]
        reasons += [f"{t}: {sc[t].evidence[0]}" for t in TESTS if sc[t].evidence]
        if others:
            reasons.append("the feed also serves group(s) " + ", ".join(str(m) for m in others))
        return "feed", tuple(reasons + undecided), feed
    reasons = [
        f"served by feed {feed} ('{feeds[feed].name}'), whose main group is {main}: "
        f"{plan.why.get(g, 'one audience')}"
    ]
    if g not in plan.passing:
        reasons += [f"on its own: {line.split(': ', 1)[-1]}" for line in failed_lines(sc)]
    return "merged", tuple(reasons + undecided), feed
