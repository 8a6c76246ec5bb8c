"""Merge: which groups each feed serves, from the groups' verdicts.

A group that passes all three tests (a test that could not be judged does not block) earns a
feed, and feeds follow the themes, the clustering's level above the groups
(:attr:`nichefinder.cluster.Clustering.themes`): a passing group's feed is its theme's feed, so
groups that are one topic in different words (refund, reimbursement, money back) share one
(``merge_same_theme``). Two themes' feeds become one when one audience discusses both: the
Jaccard index of their people is at least ``audience_overlap``. Both rules read whole themes
and audiences, not pairs of centroids, so a feed's membership moves only when the themes do.

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

import numpy as np

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
    """The groups of each feed, and why each group shares one: first by theme (every passing
    group when ``merge_same_theme``, else only fragments too small alone, ``small``), then
    feeds whose audiences overlap, most overlapping pair first."""
    index = groups.index
    key = {g: (-int(groups.sizes[index[g]]), int(groups.first_rows[index[g]]), g)
           for g in passing}
    comps: list[list[int]] = []
    why: dict[int, str] = {}
    by_theme: dict[object, list[int]] = {}
    for g in sorted(passing, key=key.__getitem__):
        theme = groups.themes[index[g]]
        joins = theme is not None and (settings.merge_same_theme or g in small)
        if joins and theme in by_theme:
            main = by_theme[theme][0]
            by_theme[theme].append(g)
            why[g] = f"same theme as group {main} (theme {theme})"
        else:
            comp = [g]
            comps.append(comp)
            if joins:
                by_theme[theme] = comp
    comps = _by_audience(groups, comps, settings, why, key)
    out = [sorted(members, key=key.__getitem__) for members in comps]
    out.sort(key=lambda m: (sum(key[g][0] for g in m), m[0]))
    return out, why


def _by_audience(groups: Groups, comps: list[list[int]], settings: FeedSettings,
                 why: dict[int, str], key) -> list[list[int]]:
    """Feeds whose people overlap by at least ``audience_overlap`` (Jaccard) joined, the most
    overlapping pair first, until no pair does."""
    if groups.incidence is None:
        return comps
    index = groups.index
    comps = [list(c) for c in comps]
    people = [np.asarray(groups.incidence[[index[g] for g in c]].sum(axis=0)).ravel() > 0
              for c in comps]
    while len(comps) > 1:
        best, pair = 0.0, None
        for a in range(len(comps)):
            for b in range(a + 1, len(comps)):
                union = int((people[a] | people[b]).sum())
                jac = int((people[a] & people[b]).sum()) / union if union else 0.0
                if jac > best + 1e-12:
                    best, pair = jac, (a, b)
        if pair is None or best <= 0 or best < settings.audience_overlap:
            break
        a, b = pair
        if key[comps[b][0]] < key[comps[a][0]]:
            a, b = b, a
        main_a, main_b = comps[a][0], comps[b][0]
        for g in comps[b]:
            why.setdefault(g, f"shares its audience with group {main_a}: {best:.0%} of their "
                              "people overlap")
        why.setdefault(main_a, f"shares its audience with group {main_b}: {best:.0%} of their "
                               "people overlap")
        comps[a] = sorted(comps[a] + comps[b], key=key.__getitem__)
        people[a] = people[a] | people[b]
        del comps[b], people[b]
    return comps
