"""Channels: one feed per identifiable, substantial and genuine interest group, no more.

A group that passes all three tests (a test that could not be judged does not block) earns a
feed, unless one feed can serve it together with other passing groups: groups of the same theme
(from the clustering stage), groups whose centroids are nearly the same topic, and groups that
share their audience ("two groups that one audience discusses together become one feed") are
merged. Each merged feed is led by its largest group (verdict ``"feed"``); the others get
``"merged"`` and a reason naming the feed. Failing groups get ``"rejected"`` with the failed
check's evidence.

Clustering often splits one topic into fragments. A group that fails *only* for volume (too few
posts, people or posts a week) but is identifiable and genuine joins a feed that serves its theme
or audience; fragments with no such feed become one feed together when their pooled posts, people
and weekly rate clear the bars. So the plan has one feed per substantial topic, not per fragment,
and each feed's workload counts all the posts it will actually see.

Feeds are numbered by posts, largest first (ties by main group id); ``feed_of_row`` maps each
post to its feed (``-1``: none, including noise ``-1`` posts). Staffing is done later
(:mod:`nichefinder.staffing`), so every feed leaves here with ``staff=()``.

:func:`explain_thresholds` is the what-if table: how many feeds at 0.5x ... 2x of each key
threshold, re-judged from stored metrics (no re-embedding, no re-measuring).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..config import Thresholds
from ..exceptions import InputError
from ..platforms import TWITTER, canonical_platform
from ..results import NOISE, Feed, Group, Score
from ..score.measure import TESTS, judge_group, metrics_of

__all__ = ["Recommendation", "recommend_feeds", "explain_thresholds", "GroupDescriptionLike"]

_SENTENCE = re.compile(r"[.!?]+(?:\s+|$)")
DEFAULT_VARY = (
    "min_posts",
    "min_posts_per_week",
    "min_authors",
    "min_weeks_active",
    "max_top_author_share",
    "max_duplicate_share",
    "min_cohesion",
    "audience_overlap",
)
DEFAULT_FACTORS = (0.5, 0.75, 1.0, 1.5, 2.0)


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


# --------------------------------------------------------------------------------------------
# group facts needed for merging and feed building (computed once)
# --------------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    groups: list[int]
    labels: np.ndarray
    size: dict[int, int]
    first_row: dict[int, int]
    theme: dict[int, int | None]
    jaccard: np.ndarray | None  # (k, k) over group index, None without authors
    similarity: np.ndarray  # (k, k) centroid cosine
    index: dict[int, int]
    n_authors: dict[int, int | None]
    incidence: sp.csr_matrix | None = None  # (k, n_distinct_authors) 0/1
    n_grouped: int = 0
    span_days: float | None = None
    members: dict[int, np.ndarray] | None = None  # rows of each group, ascending


def _prepare(posts: pd.DataFrame, labels: np.ndarray, embeddings: np.ndarray,
             themes: Sequence[int] | np.ndarray | None) -> _Prepared:
    labels = np.asarray(labels).astype(int)
    if len(labels) != len(posts) or len(embeddings) != len(posts):
        raise InputError(
            f"posts ({len(posts)} rows), labels ({len(labels)}) and embeddings "
            f"({len(embeddings)}) must have one entry per post"
        )
    embeddings = np.asarray(embeddings)
    groups = sorted(int(g) for g in np.unique(labels) if g != NOISE)
    index = {g: i for i, g in enumerate(groups)}
    themes_arr = np.asarray(themes if themes is not None else [], dtype=int)
    members = _rows_by_group(labels, groups)
    size = {g: len(members[g]) for g in groups}
    first_row = {g: int(members[g][0]) for g in groups}
    theme = {g: (int(themes_arr[g]) if 0 <= g < len(themes_arr) else None) for g in groups}
    if groups:
        # float64 per group: the same means as converting every row first, without the copy
        cent = np.vstack([np.asarray(embeddings[members[g]], dtype=np.float64).mean(axis=0)
                          for g in groups])
        norms = np.linalg.norm(cent, axis=1, keepdims=True)
        cent /= np.where(norms == 0, 1, norms)
        similarity = cent @ cent.T
    else:
        similarity = np.zeros((0, 0))
    jaccard = None
    inc = None
    n_authors: dict[int, int | None] = {g: None for g in groups}
    if "author" in posts.columns and posts["author"].notna().any() and groups:
        mask = (labels != NOISE) & posts["author"].notna().to_numpy()
        codes, uniques = pd.factorize(posts["author"][mask])
        rows = np.searchsorted(np.asarray(groups), labels[mask])
        inc = sp.csr_matrix((np.ones(len(rows)), (rows, codes)),
                            shape=(len(groups), len(uniques)))
        inc.data[:] = 1.0
        inc.sum_duplicates()
        inc.data[:] = 1.0
        inter = (inc @ inc.T).toarray()
        count = np.diag(inter)
        union = count[:, None] + count[None, :] - inter
        jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        n_authors = {g: int(count[index[g]]) for g in groups}
    return _Prepared(groups, labels, size, first_row, theme, jaccard, similarity, index,
                     n_authors, inc, int((labels != NOISE).sum()), _time_span_days(posts),
                     members)


def _rows_by_group(labels: np.ndarray, groups: list[int]) -> dict[int, np.ndarray]:
    """Rows of each group, ascending (as ``np.flatnonzero(labels == g)``), from one sort."""
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.searchsorted(ordered, groups, side="left")
    ends = np.searchsorted(ordered, groups, side="right")
    return {g: order[a:b] for g, a, b in zip(groups, starts, ends, strict=True)}


def _merge(prep: _Prepared, passing: list[int], th: Thresholds, small: set[int] = frozenset()
           ) -> tuple[list[list[int]], dict[int, str]]:
    """Union passing groups one feed can serve; returns components and why each group joined.

    Two groups of one theme are joined when ``merge_same_theme`` is set, or when either is a
    fragment too small on its own (``small``).
    """
    parent = {g: g for g in passing}

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    why: dict[int, str] = {}
    for a_pos, a in enumerate(passing):
        for b in passing[a_pos + 1:]:
            i, j = prep.index[a], prep.index[b]
            reasons = []
            same_theme = prep.theme[a] is not None and prep.theme[a] == prep.theme[b]
            if same_theme and (th.merge_same_theme or a in small or b in small):
                reasons.append(f"same theme as group {{other}} ({'theme ' + str(prep.theme[a])})")
            if (prep.jaccard is not None and prep.jaccard[i, j] > 0
                    and prep.jaccard[i, j] >= th.audience_overlap):
                reasons.append(
                    f"shares its audience with group {{other}}: {prep.jaccard[i, j]:.0%} of their "
                    "people overlap"
                )
            if prep.similarity[i, j] >= th.merge_similarity:
                reasons.append(
                    f"near the same topic as group {{other}} "
                    f"(similarity {prep.similarity[i, j]:.2f})"
                )
            if reasons:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
                text = "; ".join(reasons)
                why.setdefault(b, text.replace("{other}", str(a)))
                why.setdefault(a, text.replace("{other}", str(b)))
    comps: dict[int, list[int]] = {}
    for g in passing:
        comps.setdefault(find(g), []).append(g)
    out = [sorted(members, key=lambda g: (-prep.size[g], prep.first_row[g], g))
           for members in comps.values()]
    out.sort(key=lambda m: (-sum(prep.size[g] for g in m), m[0]))
    return out, why


def passes_all(scores: Mapping[str, Score] | None) -> bool:
    """True when a group has all three judgements and fails none (undecided does not block)."""
    return scores is not None and all(
        scores[t].passed is not False for t in TESTS if t in scores
    ) and all(t in scores for t in TESTS)


def _undecided_line(score: Score) -> str:
    for line in score.evidence:
        if "could not" in line or "cannot" in line:
            return line
    return score.evidence[-1] if score.evidence else "not enough data"


def small_only(scores: Mapping[str, Score] | None, th: Thresholds) -> bool:
    """True when a group fails only for volume (too few posts or people) and passes the rest."""
    if scores is None or not all(t in scores for t in TESTS) or passes_all(scores):
        return False
    if scores["identifiable"].passed is False or scores["genuine"].passed is False:
        return False
    try:
        relaxed = judge_group(metrics_of(scores), th.replace(
            min_posts=0, min_share=0.0, min_authors=0, min_posts_per_week=0.0))
    except (KeyError, TypeError):  # scores without stored metrics
        return False
    return passes_all(relaxed)


def _plan(prep: _Prepared, scores: Mapping[int, Mapping[str, Score]], th: Thresholds
          ) -> tuple[list[list[int]], dict[int, str], set[int], dict[int, str]]:
    """Feeds as lists of groups (main first), why groups joined, passing groups, pooled notes.

    Groups that pass every test earn a feed. Groups that fail only for volume join a feed that
    serves their theme or audience; several of them with no such feed form one together when
    their pooled posts and people clear the volume bars.
    """
    passing = {g for g in prep.groups if passes_all(scores.get(g))}
    small = {g for g in prep.groups if g not in passing and small_only(scores.get(g), th)}
    comps, why = _merge(prep, sorted(passing | small), th, small)
    bar = th.min_posts_for(prep.n_grouped)
    feeds, pooled = [], {}
    for members in comps:
        lead = [g for g in members if g in passing]
        if lead:
            main = lead[0]
            feeds.append([main] + [g for g in members if g != main])
            continue
        n_posts = sum(prep.size[g] for g in members)
        n_people = None
        if prep.incidence is not None:
            rows = [prep.index[g] for g in members]
            n_people = int((np.asarray(prep.incidence[rows].sum(axis=0)) > 0).sum())
        rate = None
        if prep.span_days is not None and prep.span_days >= 7:
            rate = n_posts * 7.0 / prep.span_days
        if (len(members) > 1 and n_posts >= bar
                and (n_people is None or n_people >= th.min_authors)
                and (rate is None or rate >= th.min_posts_per_week)):
            feeds.append(members)
            people = f" from {n_people} people" if n_people is not None else ""
            people += f", {rate:.1f} a week" if rate is not None else ""
            pooled[members[0]] = (
                f"too small alone, substantial together with group(s) "
                f"{', '.join(str(g) for g in members[1:])}: {n_posts} posts{people} "
                f"(needs {bar} posts, {th.min_authors} people, {th.min_posts_per_week:g} a week)"
            )
    feeds.sort(key=lambda m: (-sum(prep.size[g] for g in m), m[0]))
    return feeds, why, passing, pooled


def failed_lines(scores: Mapping[str, Score]) -> list[str]:
    """One line per failed test and piece of its evidence, such as ``"not genuine: ..."``."""
    lines = []
    for t in TESTS:
        s = scores[t]
        if s.passed is False:
            n = int(s.metrics.get("n_failed", 0) or 0) or len(s.evidence)
            lines += [f"not {t}: {line}" for line in s.evidence[:max(n, 1)]] or [f"not {t}"]
    return lines


# --------------------------------------------------------------------------------------------
# feeds
# --------------------------------------------------------------------------------------------


def _platform_index(platform: pd.Series | None):
    """``(codes, names, usable)`` of a platform column, for :func:`_platform_counts`."""
    if platform is None:
        return None
    codes, uniques = pd.factorize(platform)  # missing -> -1
    names = [str(u) for u in uniques]
    usable = np.array([name.strip() != "" for name in names], dtype=bool)
    return codes, names, usable


def _platform_counts(platform, rows: np.ndarray) -> dict[str, int]:
    """Posts per platform among ``rows``, most first (ties by name); blanks and missing skipped.

    ``platform`` is a column or its :func:`_platform_index` (counting is then one bincount).
    """
    if platform is None:
        return {}
    if isinstance(platform, pd.Series):
        platform = _platform_index(platform)
    codes, names, usable = platform
    picked = codes[rows]
    counts = np.bincount(picked[picked >= 0], minlength=len(names))
    items = sorted(((names[i], int(counts[i])) for i in np.flatnonzero((counts > 0) & usable)),
                   key=lambda kv: (-kv[1], kv[0]))
    return dict(items)


def _long_form(texts: Iterable[str]) -> tuple[float, float]:
    lengths, long_q = [], 0
    n = 0
    for t in texts:
        t = str(t)
        n += 1
        lengths.append(len(t))
        if "?" in t and len([s for s in _SENTENCE.split(t.strip()) if s.strip()]) >= 2:
            long_q += 1
    if not n:
        return 0.0, 0.0
    return float(np.median(lengths)), long_q / n


def _time_span_days(posts: pd.DataFrame) -> float | None:
    if "timestamp" not in posts.columns:
        return None
    ts = pd.to_datetime(posts["timestamp"], utc=True, errors="coerce").dropna()
    if ts.empty:
        return None
    return max((ts.max() - ts.min()).total_seconds() / 86400.0, 1.0)


def _hours(posts_per_week: float, th: Thresholds) -> float:
    return max(float(th.min_hours_per_week), math.ceil(posts_per_week / th.posts_per_hour * 2) / 2)


def _descriptions_by_id(descriptions: Iterable[GroupDescriptionLike] | None) -> dict[int, Any]:
    return {int(d.id): d for d in (descriptions or [])}


def recommend_feeds(
    posts: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    themes: Sequence[int] | np.ndarray | None,
    descriptions: Iterable[GroupDescriptionLike] | None,
    scores: Mapping[int, Mapping[str, Score]],
    *,
    thresholds: Thresholds | None = None,
) -> Recommendation:
    """Decide which groups earn a feed, merge those one feed can serve, and size each feed.

    Parameters
    ----------
    posts : pandas.DataFrame
        ``id``, ``text``, ``author``, ``timestamp``, ``platform`` (missing values allowed).
    labels : ndarray of int, shape (n,)
        Group of each post; ``-1`` is noise.
    embeddings : ndarray, shape (n, d)
        L2-normalised post vectors.
    themes : array of int, shape (k,)
        Theme of each group (groups one channel could serve together); ``None`` for none.
    descriptions : iterable of objects with ``id``, ``label``, ``keywords``,
        ``representative_posts``
    scores : dict of int to dict of str to Score
        From :func:`nichefinder.score.score_groups`.
    thresholds : Thresholds, optional
        Merge, platform and workload settings.

    Returns
    -------
    Recommendation

    Examples
    --------
    >>> rec = recommend_feeds(posts, labels, emb, themes, descs, scores)  # doctest: +SKIP
    >>> [(f.name, f.platforms, f.hours_per_week) for f in rec.feeds]     # doctest: +SKIP
    [('refund / charged twice', ('twitter', 'facebook'), 3.5)]
    """
    th = thresholds or Thresholds()
    prep = _prepare(posts, labels, embeddings, themes)
    descs = _descriptions_by_id(descriptions)
    comps, why, passing, pooled = _plan(prep, scores, th)

    platform = _platform_index(posts["platform"]) if "platform" in posts.columns else None
    texts = posts["text"] if "text" in posts.columns else pd.Series([""] * len(posts))
    span_days = _time_span_days(posts)

    def label_of(g: int) -> str:
        d = descs.get(g)
        if d is not None and getattr(d, "label", ""):
            return str(d.label)
        if d is not None and getattr(d, "keywords", ()):
            return " / ".join(d.keywords[:2])
        return f"group {g}"

    feeds: list[Feed] = []
    feed_of_group: dict[int, int] = {}
    main_of_feed: dict[int, int] = {}
    for fid, members in enumerate(comps):
        main = members[0]
        rows = np.sort(np.concatenate([prep.members[g] for g in members]))
        counts = _platform_counts(platform, rows)
        total = sum(counts.values())
        platforms = tuple(
            p for p, c in counts.items() if total and c / total >= th.min_platform_share
        )
        notes: list[str] = []
        if span_days is None:
            posts_per_week = len(rows) / th.assumed_span_weeks
            notes.append(
                f"no timestamps: assumed the data covers {th.assumed_span_weeks:g} week(s), so "
                "posts per week and hours are an upper estimate"
            )
        else:
            posts_per_week = len(rows) * 7.0 / span_days
        keywords: list[str] = []
        for g in members:
            for kw in getattr(descs.get(g), "keywords", ()) or ():
                if kw not in keywords:
                    keywords.append(kw)
        if platforms and all(canonical_platform(p) == TWITTER for p in platforms):
            median_len, long_q = _long_form(texts.iloc[rows])
            if median_len > th.max_answer_length or long_q > th.max_long_question_share:
                why_long = (
                    f"the median post is {median_len:.0f} characters"
                    if median_len > th.max_answer_length
                    else f"{long_q:.0%} of posts are multi-sentence questions"
                )
                notes.append(
                    f"{why_long}, but the audience is only on Twitter/X "
                    f"({th.max_answer_length} characters a post): long answers need a link, "
                    "a DM or another platform"
                )
        if len(members) > 1:
            notes.append("serves groups " + ", ".join(str(g) for g in members))
        feeds.append(Feed(
            id=fid,
            name=label_of(main),
            groups=tuple(members),
            platforms=platforms,
            posts_per_week=round(float(posts_per_week), 2),
            hours_per_week=_hours(posts_per_week, th),
            keywords=tuple(keywords[:10]),
            notes=tuple(notes),
        ))
        main_of_feed[fid] = main
        for g in members:
            feed_of_group[g] = fid

    out_groups: list[Group] = []
    for g in prep.groups:
        sc = scores.get(g)
        d = descs.get(g)
        if sc is None or not all(t in sc for t in TESTS):
            verdict, reasons, feed = "rejected", ("not scored",), None
        elif g in feed_of_group:
            feed = feed_of_group[g]
            main = main_of_feed[feed]
            undecided = [f"{t} could not be judged: {_undecided_line(sc[t])}"
                         for t in TESTS if sc[t].passed is None]
            if g == main and g in pooled:
                verdict = "feed"
                reasons = [pooled[g]]
                reasons += [f"{t}: {sc[t].evidence[0]}" for t in TESTS
                            if sc[t].evidence and t != "substantial"]
            elif g == main:
                verdict = "feed"
                others = [m for m in feeds[feed].groups if m != g]
                reasons = ["passes the identifiable, substantial and genuine tests"
                           if not undecided else "passes every test that could be judged"]
                reasons += [f"{t}: {sc[t].evidence[0]}" for t in TESTS if sc[t].evidence]
                if others:
                    reasons.append("the feed also serves group(s) "
                                   + ", ".join(str(m) for m in others))
            else:
                verdict = "merged"
                reasons = [
                    f"served by feed {feed} ('{feeds[feed].name}'), whose main group is {main}: "
                    f"{why.get(g, 'one audience')}"
                ]
                if g not in passing:
                    reasons += [f"on its own: {line.split(': ', 1)[-1]}"
                                for line in failed_lines(sc)]
            reasons = tuple(reasons + undecided)
        else:
            verdict, reasons, feed = "rejected", tuple(failed_lines(sc)), None
        n_authors = None
        if sc is not None and "substantial" in sc:
            n_authors = sc["substantial"].metrics.get("n_authors")
        if n_authors is None:
            n_authors = prep.n_authors.get(g)
        out_groups.append(Group(
            id=g,
            label=label_of(g),
            keywords=tuple(getattr(d, "keywords", ()) or ()),
            size=prep.size[g],
            n_authors=None if n_authors is None else int(n_authors),
            representative_posts=tuple(getattr(d, "representative_posts", ()) or ()),
            scores=dict(sc) if sc is not None else {},
            verdict=verdict,
            reasons=reasons,
            feed=feed,
            platforms=_platform_counts(platform, prep.members[g]),
        ))

    feed_of_row = np.full(len(prep.labels), -1, dtype=int)
    for g, fid in feed_of_group.items():
        feed_of_row[prep.members[g]] = fid
    return Recommendation(groups=tuple(out_groups), feeds=tuple(feeds), feed_of_row=feed_of_row)


# --------------------------------------------------------------------------------------------
# what-if
# --------------------------------------------------------------------------------------------

_INT_FIELDS = {f.name for f in fields(Thresholds) if f.type == "int"}


def _scaled(th: Thresholds, name: str, factor: float) -> Thresholds:
    if name == "min_posts":  # scale the effective bar: floor and share together
        return th.replace(min_posts=max(int(round(th.min_posts * factor)), 0),
                          min_share=min(th.min_share * factor, 1.0))
    value = getattr(th, name)
    if isinstance(value, bool):
        raise InputError(f"cannot vary {name!r}: it is true/false; vary a numeric threshold")
    new = value * factor
    if name in _INT_FIELDS:
        new = max(int(round(new)), 0)
    elif name.startswith("max_") or name.endswith("_share") or name in {
        "audience_overlap", "min_identifiable", "min_substantial", "min_genuine",
        "min_stability", "duplicate_similarity",
    }:
        new = min(float(new), 1.0)
    return th.replace(**{name: new})


def explain_thresholds(
    posts: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    themes: Sequence[int] | np.ndarray | None,
    descriptions: Iterable[GroupDescriptionLike] | None,
    scores: Mapping[int, Mapping[str, Score]] | Callable[[Thresholds], Mapping],
    thresholds: Thresholds | None = None,
    *,
    vary: Sequence[str] = DEFAULT_VARY,
    factors: Sequence[float] = DEFAULT_FACTORS,
) -> pd.DataFrame:
    """What-if table: how the number of feeds moves as each key threshold moves.

    Verdicts are re-judged from the measurements stored in ``Score.metrics``
    (:func:`nichefinder.score.judge_group`), so the table costs no embedding or measuring. A
    callable ``scores(thresholds) -> scores`` is also accepted (slower: it is called per row).

    Parameters
    ----------
    posts, labels, embeddings, themes, descriptions
        As for :func:`recommend_feeds`.
    scores : dict of int to dict of str to Score, or callable
    thresholds : Thresholds, optional
        The baseline.
    vary : sequence of str
        Threshold names to move (default: min_posts, min_authors, min_weeks_active,
        max_top_author_share, max_duplicate_share, min_cohesion, audience_overlap).
        ``min_posts`` scales the whole volume bar (``min_posts`` and ``min_share`` together).
    factors : sequence of float
        Multipliers of the baseline value.

    Returns
    -------
    pandas.DataFrame
        One row per threshold and factor: ``threshold``, ``factor``, ``value`` (the effective
        value; for ``min_posts`` the posts bar on this corpus), ``n_passing`` (groups passing
        all tests on their own), ``n_served`` (groups served by a feed, including small groups
        that join or pool into one), ``n_feeds``, ``change`` (feeds minus the baseline's).

    Examples
    --------
    >>> table = explain_thresholds(posts, labels, emb, themes, descs, scores)  # doctest: +SKIP
    >>> table.query("threshold == 'min_authors'")[["factor", "value", "n_feeds"]]  # doctest: +SKIP
    """
    th = thresholds or Thresholds()
    unknown = [v for v in vary if v not in {f.name for f in fields(Thresholds)}]
    if unknown:
        raise InputError(
            f"unknown threshold {unknown[0]!r} to vary; valid thresholds are: "
            + ", ".join(f.name for f in fields(Thresholds))
        )
    prep = _prepare(posts, labels, embeddings, themes)
    n_grouped = int((prep.labels != NOISE).sum())
    stored = None if callable(scores) else {g: metrics_of(s) for g, s in scores.items()
                                              if all(t in s for t in TESTS)}

    def count(t: Thresholds) -> tuple[int, int]:
        if stored is None:
            judged = scores(t)  # type: ignore[operator]
        else:
            judged = {g: judge_group(m, t) for g, m in stored.items()}
        comps, _, passing, _ = _plan(prep, judged, t)
        return len(passing), sum(len(c) for c in comps), len(comps)

    _, _, base_feeds = count(th)
    rows = []
    for name in vary:
        for factor in factors:
            t = _scaled(th, name, float(factor))
            n_pass, n_served, n_feeds = count(t)
            value = t.min_posts_for(n_grouped) if name == "min_posts" else getattr(t, name)
            rows.append({
                "threshold": name,
                "factor": float(factor),
                "value": value,
                "n_passing": n_pass,
                "n_served": n_served,
                "n_feeds": n_feeds,
                "change": n_feeds - base_feeds,
            })
    return pd.DataFrame(rows, columns=["threshold", "factor", "value", "n_passing", "n_served",
                                       "n_feeds", "change"])
