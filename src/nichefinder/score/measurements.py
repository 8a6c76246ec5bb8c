"""Measurements: what measuring a group gives the judge, and the settings it was made with.

Measuring is the costly half of scoring (bootstrap resamples, duplicate searches, the reply
graph) and is done once; :class:`MeasureSettings` are the only numbers it reads. Judging is the
cheap half (:mod:`nichefinder.score.judge`): changing a verdict threshold re-judges the same
:class:`Measurements`, changing a measurement setting measures again.

Examples
--------
>>> MeasureSettings().duplicate_similarity
0.95
>>> MeasureSettings(n_bootstrap=20) == MeasureSettings()
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
    n_bootstrap : int, default 5
        Bootstrap resamples for the stability check (cheap: one matrix product each).
    silhouette_sample : int, default 2000
        Posts sampled for the (reported, not gated) cosine silhouette.
    duplicate_similarity : float, default 0.95
        Cosine similarity above which two posts count as near-duplicates (templated text): a
        post is a duplicate when its text is the same as another's after normalising case,
        links, mentions, digits and punctuation, or its embedding is this similar.
    duplicate_window_hours : float, default 24.0
        Two duplicates from different accounts this close in time count as coordinated (as do
        two from the same account): what ``max_duplicate_share`` limits.
    min_duplicate_words : int, default 4
        Posts shorter than this (in words, after normalising) never count as duplicates:
        "same here" and "thank you!" are what many real people write.
    """

    n_bootstrap: int = setting(5, after="min_keyword_coverage")
    silhouette_sample: int = setting(2000, after="n_bootstrap")
    duplicate_similarity: float = setting(0.95, share=True, after="max_duplicate_share")
    duplicate_window_hours: float = setting(24.0, after="duplicate_similarity")
    min_duplicate_words: int = setting(4, after="duplicate_window_hours")


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
