"""Measure: every group's evidence for the three tests, gathered once.

:func:`measure_groups` reads the :class:`~nichefinder.groups.Groups` table and the
:class:`~nichefinder.score.measurements.MeasureSettings`, and returns
:class:`~nichefinder.score.measurements.Measurements`: *identifiable* from
:mod:`~nichefinder.score.cohesion` (and the keyword coverage of the descriptions), *substantial*
from :mod:`~nichefinder.score.activity`, *genuine* from :mod:`~nichefinder.score.authors`,
:mod:`~nichefinder.score.duplicates` and the reply graph (:mod:`~nichefinder.score.graph`). No
verdict threshold is read here: :func:`nichefinder.score.judge.judge_groups` judges the result,
and :func:`score_groups` does both.

Duplicates count against genuineness only when *coordinated* (the twin comes from the same
account or within ``duplicate_window_hours``): people asking the same thing weeks apart are a
topic, not a campaign. Group ``-1`` is noise and is never measured.

Examples
--------
>>> from nichefinder.datasets.toy import toy_groups
>>> groups = toy_groups()  # two groups: parcels (50 authors), refunds (12 authors)
>>> measured = measure_groups(groups, random_state=0)
>>> sorted(measured.metrics[1]), measured.metrics[1]["substantial"]["n_authors"]
(['genuine', 'identifiable', 'substantial'], 12)
>>> score_groups(groups, random_state=0)[1]["substantial"].evidence[0]
'60 posts from 12 people over 5 weeks (50.0% of grouped conversation)'
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..groups import Groups
from ..results import Score
from ..settings import part
from .activity import measure_activity
from .authors import GENUINE_KEYS, measure_authors, single_day_accounts
from .cohesion import measure_cohesion
from .duplicates import duplicate_shares
from .graph import describe_interaction, group_interaction, reply_graph
from .judge import judge_groups
from .measurements import Measurements, MeasureSettings

__all__ = ["measure_groups", "score_groups"]

log = logging.getLogger(__name__)

_INTERACTION_KEYS = ("reply_share", "within_group_reply_share", "n_author_pairs",
                     "largest_component_share")


def measure_groups(groups: Groups, descriptions=None, *, settings=None,
                   random_state=None) -> Measurements:
    """Measure every group once.

    Parameters
    ----------
    groups : Groups
        The table of :func:`nichefinder.groups.build_groups`.
    descriptions : sequence of GroupDescription, optional
        From :func:`nichefinder.describe.describe_groups`; their keyword coverage is reported
        with *identifiable* (how often the name words appear; evidence, not a gate).
    settings : MeasureSettings or Thresholds, optional
        How to measure; the defaults when ``None``.
    random_state : int, RandomState or None
        Seeds the folds, the silhouette sample and the duplicate samples.

    Returns
    -------
    Measurements
        ``metrics[group]["identifiable" | "substantial" | "genuine"]``: plain numbers (or
        ``None`` when not measurable) by name, and the settings.
    """
    settings = part(settings, MeasureSettings)
    rng = check_random_state(random_state)
    if not len(groups):
        return Measurements({}, settings)
    ident = measure_cohesion(groups, settings, rng)
    substantial = measure_activity(groups, settings.burst_factor, settings.min_burst_share)
    genuine = _genuine(groups, substantial, settings, rng)
    out = {int(g): {"identifiable": ident[int(g)], "substantial": substantial[int(g)],
                    "genuine": genuine[int(g)]} for g in groups.ids}
    for d in descriptions or ():
        coverage = getattr(d, "keyword_coverage", None)
        if d.id in out and coverage is not None:
            out[d.id]["identifiable"]["keyword_coverage"] = float(coverage)
    return Measurements(out, settings)


def _genuine(groups: Groups, substantial: dict, settings: MeasureSettings, rng) -> dict:
    """The *genuine* measurements of every group; fills in ``n_authors`` of ``substantial``."""
    posts = groups.posts
    interaction = group_interaction(groups)
    graph = reply_graph(posts) if groups.has_authors else None
    if graph is not None and graph.number_of_edges() == 0:
        graph = None
    single_day = single_day_accounts(groups)
    texts = posts["text"].astype(str).to_numpy() if "text" in posts.columns else np.array(
        [""] * len(posts), dtype=object)
    hours = groups.timeline.hours
    out = {}
    for i, (g, rows) in enumerate(zip(groups.ids, groups.members, strict=True)):
        g = int(g)
        sub = substantial[g]
        codes = None
        if groups.authors is not None:
            codes = pd.factorize(groups.authors[rows], use_na_sentinel=True)[0]
        g_hours = None
        if hours is not None and not np.isnan(hours[rows]).all():
            g_hours = hours[rows]  # NaN never counts as close
        any_dup, coord_dup = duplicate_shares(
            texts[rows], groups.embeddings[rows].astype(np.float32), codes, g_hours, settings, rng)
        gen: dict[str, Any] = dict.fromkeys(GENUINE_KEYS)
        gen.update(n_posts=len(rows), duplicate_share=coord_dup, any_duplicate_share=any_dup)
        gen.update(measure_authors(groups, i, sub["peak_day"], graph, single_day))
        if gen["n_authors"] is not None:
            sub["n_authors"] = gen["n_authors"]
        gen["peak_day_share"] = sub["peak_day_share"]
        gen.update(burst_posts=sub["burst_posts"], n_grouped=sub["n_grouped"])
        gen.update({k: interaction[g][k] for k in _INTERACTION_KEYS})
        community = interaction[g]["is_community"]
        gen["is_community"] = None if community is None else float(community)
        gen["interaction"] = describe_interaction(interaction[g])
        out[g] = gen
    return out


def score_groups(groups: Groups, descriptions=None, *, thresholds=None,
                 random_state=None) -> dict[int, dict[str, Score]]:
    """Score every group as identifiable, substantial and genuine, with evidence: measure once
    (:func:`measure_groups`), then judge (:func:`nichefinder.score.judge.judge_groups`).

    Parameters
    ----------
    groups : Groups
    descriptions : sequence of GroupDescription, optional
        Adds the keyword coverage to the evidence of *identifiable*.
    thresholds : Thresholds, optional
        Its measurement settings measure, its verdict thresholds judge; the defaults when
        ``None``.
    random_state : int, RandomState or None

    Returns
    -------
    dict of int to dict of str to Score
        ``scores[group]["genuine"].passed`` and so on; ``Score.metrics`` holds the measurements,
        so :func:`nichefinder.score.judge.judge_group` can re-judge them under other thresholds.
    """
    measured = measure_groups(groups, descriptions, settings=thresholds,
                              random_state=random_state)
    log.info("scored %d groups", len(measured.metrics))
    return judge_groups(measured, thresholds)
