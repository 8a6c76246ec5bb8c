"""Feeds: one feed per identifiable, substantial and genuine interest group, no more.

:func:`form_feeds` (:mod:`~nichefinder.feeds.merge`) decides from the verdicts which groups
each feed serves; :func:`recommend_feeds` (:mod:`~nichefinder.feeds.build`) sizes and places
each feed and gives every group its verdict and reasons, under :class:`FeedSettings`
(:mod:`~nichefinder.feeds.settings`); :func:`feed_confidence`
(:mod:`~nichefinder.feeds.confidence`) re-forms the feeds on resamples of the audience to say how
sure their number is.
"""

from .build import GroupDescriptionLike, Recommendation, recommend_feeds
from .confidence import feed_confidence
from .merge import FeedPlan, form_feeds
from .settings import FeedSettings

__all__ = [
    "FeedPlan",
    "FeedSettings",
    "GroupDescriptionLike",
    "feed_confidence",
    "Recommendation",
    "form_feeds",
    "recommend_feeds",
]
