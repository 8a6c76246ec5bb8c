"""Measurements: what measuring a group gives the judge, and the settings it was made with.

Measuring is the costly half of scoring (bootstrap resamples, duplicate searches, the reply
graph) and is done once; :class:`MeasureSettings` are the only numbers it reads. Judging is the
cheap half (:mod:`nichefinder.score.judge`): changing a verdict threshold re-judges the same
:class:`Measurements`, changing a measurement setting measures again.

Examples
--------
>>> MeasureSettings().duplicate_similarity
0.95
>>> MeasureSettings(n_folds=10) == MeasureSettings()
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..settings import Settings, setting

__all__ = ["MeasureSettings", "Measurements"]


@dataclass(frozen=True)
class MeasureSettings(Settings):
    """The settings of measuring: how the evidence is gathered, not what passes.

    Parameters
    ----------
    n_folds : int, default 5
        Folds of the cross-validated nearest-centroid test of *predictability* (cheap: one
        matrix product each).
    silhouette_sample : int, default 2000
        Posts sampled for the (reported, not gated) cosine silhouette.
    duplicate_similarity : float, default 0.95
        Cosine similarity above which two posts count as near-duplicates (templated text): a
        post is a duplicate when its text is the same as another's after normalising case,
        links, mentions, digits and punctuation, or its embedding is this similar.
    duplicate_window_hours : float, default 24.0
        Two duplicates from different accounts this close in time count as coordinated (as do
        two from the same account): what ``max_duplicate_share`` limits.
    burst_factor : float, default 10.0
        A group's busiest day is a *burst* (a one-day spike inside the group) when it holds at
        least this many times the group's usual posts a day...
    min_burst_share : float, default 0.1
        ... and at least this share of the group's posts. A genuine topic's busy day (a sale, a
        launch) is two or three times its usual rate; a news moment or a spike of single-use
        accounts is tens of times.
    min_duplicate_words : int, default 4
        Posts shorter than this (in words, after normalising) never count as duplicates:
        "same here" and "thank you!" are what many real people write.
    """

    n_folds: int = setting(5, after="chatter_length_ratio")
    silhouette_sample: int = setting(2000, after="n_folds")
    duplicate_similarity: float = setting(0.95, share=True, after="max_duplicate_share")
    duplicate_window_hours: float = setting(24.0, after="duplicate_similarity")
    min_duplicate_words: int = setting(4, after="duplicate_window_hours")
    burst_factor: float = setting(10.0, after="max_single_day_share")
    min_burst_share: float = setting(0.1, share=True, after="burst_factor")


@dataclass(frozen=True)
class Measurements:
    """Every group's measurements, by test, and the settings they were made with.

    Attributes
    ----------
    metrics : mapping of int to mapping
        ``{group: {"identifiable": {...}, "substantial": {...}, "genuine": {...}}}``: plain
        numbers (or ``None`` when not measurable) by name.
    settings : MeasureSettings
    """

    metrics: Mapping[int, Mapping[str, Mapping[str, Any]]]
    settings: MeasureSettings
