"""Merge: which groups each feed serves, from the groups' verdicts.

A group that passes all three tests (a test that could not be judged does not block) earns a
feed, unless one feed can serve it together with other passing groups: groups whose centroids
are nearly the same topic (``merge_similarity``), groups that share their audience ("two groups
that one audience discusses together become one feed", ``audience_overlap``), and, with
``merge_same_theme``, groups of the same theme.

Clustering often splits one topic into fragments. A group that fails *only* for volume (too few
posts, people or posts a week) but is identifiable and genuine joins a feed that serves its theme
or audience; fragments with no such feed become one feed together when their pooled posts, people
and weekly rate clear the bars. So the plan has one feed per substantial topic, not per fragment.
The group facts (sizes, themes, centroid similarity, shared authors) are the
:class:`~nichefinder.groups.Groups` table's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..groups import Groups
from ..results import Score
from ..score.judge import VerdictThresholds, passes_all, small_only
from ..settings import part
from .settings import FeedSettings

__all__ = ["FeedPlan", "form_feeds"]


@dataclass(frozen=True)
class FeedPlan:
    """Which groups each feed serves, and why.

    Attributes
    ----------
    feeds : tuple of tuple of int
        The groups of each feed, its main group first; largest feed first (ties by main group).
    why : dict of int to str
        Why a group shares a feed with another ("shares its audience with group 3: ...").
    passing : frozenset of int
        Groups that pass every test on their own.
    pooled : dict of int to str
        Main group -> why its feed stands: fragments too small alone, substantial together.
    """

    feeds: tuple[tuple[int, ...], ...]
    why: dict[int, str]
    passing: frozenset[int]
    pooled: dict[int, str]

    @property
    def n_served(self) -> int:
        """Groups served by a feed, small ones that join or pool into one included."""
        return sum(len(members) for members in self.feeds)


def form_feeds(groups: Groups, scores: Mapping[int, Mapping[str, Score]],
               thresholds=None) -> FeedPlan:
    """The feeds the judged groups earn (module docstring).

    Parameters
    ----------
    groups : Groups
    scores : dict of int to dict of str to Score
        The verdicts (:func:`nichefinder.score.judge.judge_groups`).
    thresholds : Thresholds, optional
        Its feed settings merge; its verdict thresholds are the bars pooled fragments clear.

    Returns
    -------
    FeedPlan
    """
    verdict = part(thresholds, VerdictThresholds)
    settings = part(thresholds, FeedSettings)
    ids = [int(g) for g in groups.ids]
    passing = {g for g in ids if passes_all(scores.get(g))}
    small = {g for g in ids if g not in passing and small_only(scores.get(g), verdict)}
    comps, why = _merge(groups, sorted(passing | small), settings, small)
    feeds, pooled = [], {}
    for members in comps:
        lead = [g for g in members if g in passing]
        if lead:
            feeds.append([lead[0]] + [g for g in members if g != lead[0]])
            continue
        reason = _pooled(groups, members, verdict)
        if reason is not None:
            feeds.append(members)
            pooled[members[0]] = reason
    size = {g: int(groups.sizes[groups.index[g]]) for g in ids}
    feeds.sort(key=lambda m: (-sum(size[g] for g in m), m[0]))
    return FeedPlan(tuple(tuple(m) for m in feeds), why, frozenset(passing), pooled)


def _pooled(groups: Groups, members: list[int], verdict: VerdictThresholds) -> str | None:
    """Why fragments too small alone stand as one feed together; ``None`` when together they
    are still below the volume bars."""
    index = groups.index
    n_posts = sum(int(groups.sizes[index[g]]) for g in members)
    n_people = groups.people([index[g] for g in members])
    span = groups.timeline.span_days
    rate = n_posts * 7.0 / span if span is not None and span >= 7 else None
    bar = verdict.min_posts_for(groups.n_grouped)
    if not (len(members) > 1 and n_posts >= bar
            and (n_people is None or n_people >= verdict.min_authors)
            and (rate is None or rate >= verdict.min_posts_per_week)):
        return None
    people = f" from {n_people} people" if n_people is not None else ""
    people += f", {rate:.1f} a week" if rate is not None else ""
    return (
        f"too small alone, substantial together with group(s) "
        f"{', '.join(str(g) for g in members[1:])}: {n_posts} posts{people} "
        f"(needs {bar} posts, {verdict.min_authors} people, {verdict.min_posts_per_week:g} a week)"
    )


def _merge(groups: Groups, passing: list[int], settings: FeedSettings, small: set[int]
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
            reasons = _reasons_to_share(groups, a, b, settings, a in small or b in small)
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
    index = groups.index
    key = {g: (-int(groups.sizes[index[g]]), int(groups.first_rows[index[g]]), g)
           for g in passing}
    out = [sorted(members, key=key.__getitem__) for members in comps.values()]
    out.sort(key=lambda m: (sum(key[g][0] for g in m), m[0]))
    return out, why


def _reasons_to_share(groups: Groups, a: int, b: int, settings: FeedSettings,
                      fragment: bool) -> list[str]:
    """Why groups ``a`` and ``b`` can share one feed (``{other}`` names the other group)."""
    i, j = groups.index[a], groups.index[b]
    reasons = []
    theme = groups.themes[i]
    if theme is not None and theme == groups.themes[j] and (settings.merge_same_theme or fragment):
        reasons.append(f"same theme as group {{other}} ({'theme ' + str(theme)})")
    overlap = groups.audience_overlap
    if overlap is not None and overlap[i, j] > 0 and overlap[i, j] >= settings.audience_overlap:
        reasons.append(
            f"shares its audience with group {{other}}: {overlap[i, j]:.0%} of their "
            "people overlap"
        )
    if groups.similarity[i, j] >= settings.merge_similarity:
        reasons.append(
            f"near the same topic as group {{other}} "
            f"(similarity {groups.similarity[i, j]:.2f})"
        )
    return reasons
