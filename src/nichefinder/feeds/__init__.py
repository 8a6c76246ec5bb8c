"""Feeds: one feed per identifiable, substantial and genuine interest group, no more.

:func:`recommend_feeds` decides which groups earn a feed, merges the groups one feed can serve
and sizes each feed; :func:`explain_thresholds` is the what-if table of how many feeds each
threshold gives.
"""

from .recommend import (
    GroupDescriptionLike,
    Recommendation,
    explain_thresholds,
    failed_lines,
    passes_all,
    recommend_feeds,
    small_only,
)

__all__ = [
    "GroupDescriptionLike",
    "Recommendation",
    "explain_thresholds",
    "failed_lines",
    "passes_all",
    "recommend_feeds",
    "small_only",
]
