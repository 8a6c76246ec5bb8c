"""Score: is each group identifiable, substantial and genuine, and on what evidence.

:func:`measure_groups` measures every group once; :func:`judge_group` turns one group's
measurements into three :class:`~nichefinder.results.Score` objects under thresholds, cheaply,
so a what-if re-judges without re-measuring; :func:`score_groups` does both.
"""

from .graph import describe_interaction, group_interaction, reply_graph
from .measure import TESTS, judge_group, measure_groups, metrics_of, score_groups

__all__ = [
    "TESTS",
    "describe_interaction",
    "group_interaction",
    "judge_group",
    "measure_groups",
    "metrics_of",
    "reply_graph",
    "score_groups",
]
