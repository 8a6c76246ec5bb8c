"""Confidence: re-form the feeds on bootstrap resamples of the audience, and count them.

A plan's feed count rests on verdicts near their thresholds (a group of 52 posts against a bar
of 50, 11 people against 10, two audiences overlapping by 31% against 30%).
:func:`feed_confidence` draws ``n_resamples`` bootstrap resamples of the *people* (as many
people, drawn with replacement, each with all their posts; a person drawn twice counts as two,
so counts of people and their overlaps are not biased down; without authors, of the posts),
rebuilds every group's table from them,
measures again what a resample changes (volume, days, weeks, bursts, authors and their
spread), re-judges every group and forms the feeds again; the counts go into a
:class:`~nichefinder.results.FeedConfidence`. What a resample cannot measure fairly keeps the
full data's value: the duplicate shares (a bootstrap repeats posts, which would read as
duplicates) and the semantic evidence (cohesion, separation, predictability: repeated posts would
read as closer than they are). The groups and themes are the plan's: the clustering's own
resamples are its confidence (:attr:`nichefinder.cluster.Clustering.parameters`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..groups import Groups, build_groups
from ..results import FeedConfidence
from ..score.activity import measure_activity
from ..score.authors import measure_authors, single_day_accounts
from ..score.judge import judge_group
from ..score.measurements import Measurements, MeasureSettings
from ..settings import part
from .merge import form_feeds

__all__ = ["MAX_RESAMPLED_POSTS", "N_RESAMPLES", "feed_confidence", "resamples_for"]

N_RESAMPLES = 20
"""Resamples a plan's confidence is measured on."""

MAX_RESAMPLED_POSTS = 4_000_000
"""Posts all resamples together rebuild at most: a corpus of a million posts is resampled 5
times (never fewer), not 20, so the confidence costs seconds, not minutes."""


def resamples_for(n_posts: int, n_resamples: int = N_RESAMPLES) -> int:
    """The resamples a corpus of ``n_posts`` gets: ``n_resamples``, fewer (at least 5) when
    they would rebuild more than :data:`MAX_RESAMPLED_POSTS` posts.

    Examples
    --------
    >>> resamples_for(3_000), resamples_for(1_000_000), resamples_for(3_000, 8)
    (20, 5, 8)
    """
    budget = MAX_RESAMPLED_POSTS // max(int(n_posts), 1)
    return int(min(n_resamples, max(budget, min(5, n_resamples))))

_AUTHOR_KEYS = ("n_authors", "top_author_share", "top_accounts", "top_accounts_share",
                "effective_authors", "gini", "burst_account_share")


def feed_confidence(groups: Groups, measurements: Measurements, thresholds=None, *,
                    n_resamples: int = N_RESAMPLES, random_state=None) -> FeedConfidence:
    """The feed count of ``n_resamples`` bootstrap resamples of the audience (module
    docstring).

    Parameters
    ----------
    groups : Groups
    measurements : Measurements
        The full data's measurements (their duplicate shares and semantic evidence are kept).
    thresholds : Thresholds, optional
    n_resamples : int, default 20
    random_state : int, RandomState or None

    Returns
    -------
    FeedConfidence

    Examples
    --------
    >>> from nichefinder.datasets.toy import toy_groups
    >>> from nichefinder.score import measure_groups
    >>> groups = toy_groups()  # refunds: 12 people against a bar of 10
    >>> conf = feed_confidence(groups, measure_groups(groups, random_state=0), random_state=0)
    >>> conf.line(2)
    '2 feeds in 15 of 20 resamples, 1 in 5'
    """
    rng = check_random_state(random_state)
    settings = part(thresholds, MeasureSettings)
    units, owner = _people(groups)
    by_unit = np.argsort(owner, kind="stable")
    starts = np.searchsorted(owner[by_unit], np.arange(units + 1))
    counts = []
    themes = _themes_by_id(groups)
    n_resamples = resamples_for(len(groups.labels), n_resamples)
    for _ in range(n_resamples):
        drawn = np.sort(rng.randint(0, units, size=units))
        rows = np.concatenate([by_unit[starts[u]:starts[u + 1]] for u in drawn])
        copy = np.concatenate([np.full(starts[u + 1] - starts[u], i) for i, u in enumerate(drawn)])
        posts = groups.posts.iloc[rows].reset_index(drop=True)
        if groups.authors is not None:  # each drawn person a person of their own
            known = posts["author"].notna().to_numpy()
            posts = posts.assign(author=pd.array(np.where(known, copy, -1)).astype("Int64"))
            posts.loc[~known, "author"] = pd.NA
        table = build_groups(posts, groups.labels[rows], groups.embeddings[rows], themes)
        scores = _judged(table, measurements, thresholds, settings)
        counts.append(len(form_feeds(table, scores, thresholds).feeds))
    return FeedConfidence(tuple(counts))


def _people(groups: Groups) -> tuple[int, np.ndarray]:
    """The units a resample draws: each author with all their posts (each post alone without
    an author), and the unit of every post."""
    n = len(groups.labels)
    if groups.authors is None:
        return n, np.arange(n)
    codes = pd.factorize(pd.Series(groups.authors, dtype=object), use_na_sentinel=True)[0]
    lone = codes < 0
    codes[lone] = codes.max() + 1 + np.arange(int(lone.sum()))
    return int(codes.max()) + 1 if n else 0, codes


def _themes_by_id(groups: Groups) -> np.ndarray | None:
    """Theme of each group id, for the resamples' tables; a group without a theme gets a code
    of its own (it shares a theme with no other group). ``None`` when no group has a theme."""
    if all(t is None for t in groups.themes):
        return None
    size = int(groups.ids.max()) + 1 if len(groups) else 0
    known = [int(t) for t in groups.themes if t is not None]
    themes = np.arange(size, dtype=int) + max(known) + 1
    for g, t in zip(groups.ids, groups.themes, strict=True):
        if t is not None:
            themes[int(g)] = int(t)
    return themes


def _judged(table: Groups, full: Measurements, thresholds, settings) -> dict:
    """Every group of a resample judged: its resampled activity and authors, the rest of the
    full data's measurements."""
    activity = measure_activity(table, settings.burst_factor, settings.min_burst_share)
    single = single_day_accounts(table)
    scores = {}
    for i, g in enumerate(table.ids):
        g = int(g)
        base = full.metrics.get(g)
        if base is None:
            continue
        sub = dict(base["substantial"])
        sub.update(activity[g])
        gen = dict(base["genuine"])
        authors = measure_authors(table, i, sub["peak_day"], None, single)
        gen.update({k: authors[k] for k in _AUTHOR_KEYS if k in authors})
        if gen.get("n_authors") is not None:
            sub["n_authors"] = gen["n_authors"]
        gen["peak_day_share"] = sub["peak_day_share"]
        gen.update(burst_posts=sub["burst_posts"], n_grouped=sub["n_grouped"])
        metrics = {"identifiable": base["identifiable"], "substantial": sub, "genuine": gen}
        scores[g] = judge_group(metrics, thresholds, settings)
    return scores
