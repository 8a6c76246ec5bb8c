"""Score: is each group identifiable, substantial and genuine, and on what evidence.

Two halves, apart:

- **measuring** (:func:`measure_groups`, :mod:`~nichefinder.score.measure`) reads the
  :class:`~nichefinder.groups.Groups` table once and gives
  :class:`~nichefinder.score.measurements.Measurements`: cohesion and stability
  (:mod:`~nichefinder.score.cohesion`), volume over time (:mod:`~nichefinder.score.activity`),
  who writes (:mod:`~nichefinder.score.authors`), duplicates
  (:mod:`~nichefinder.score.duplicates`) and the reply graph (:mod:`~nichefinder.score.graph`),
  under :class:`MeasureSettings`;
- **judging** (:func:`judge_groups`, :mod:`~nichefinder.score.judge`) is pure and cheap:
  measurements and :class:`VerdictThresholds` in, :class:`~nichefinder.results.Score` verdicts
  with their evidence out, so a what-if re-judges without re-measuring.

:func:`score_groups` does both.
"""

from .graph import describe_interaction, group_interaction, reply_graph
from .judge import (
    RULES,
    TESTS,
    VerdictThresholds,
    failed_lines,
    judge_group,
    judge_groups,
    metrics_of,
    passes_all,
    small_only,
)
from .measure import measure_groups, score_groups
from .measurements import Measurements, MeasureSettings

__all__ = [
    "RULES",
    "TESTS",
    "MeasureSettings",
    "Measurements",
    "VerdictThresholds",
    "describe_interaction",
    "failed_lines",
    "group_interaction",
    "judge_group",
    "judge_groups",
    "measure_groups",
    "metrics_of",
    "passes_all",
    "reply_graph",
    "score_groups",
    "small_only",
]
