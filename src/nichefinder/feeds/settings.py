"""Feed settings: when groups share a feed, where a feed posts, and what it costs to run.

Examples
--------
>>> FeedSettings().audience_overlap, FeedSettings(posts_per_hour=20.0).posts_per_hour
(0.3, 20.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings, setting

__all__ = ["FeedSettings"]


@dataclass(frozen=True)
class FeedSettings(Settings):
    """The settings of building feeds from the groups that pass.

    Parameters
    ----------
    merge_same_theme : bool, default True
        Serve every passing group of a theme (the clustering's feed level,
        :attr:`nichefinder.cluster.Clustering.themes`) with one feed: groups that are one topic
        in different words share a feed. ``False`` gives each passing group its own feed
        (fragments too small alone still join their theme's).
    merge_similarity : float, default 0.85
        Not a feed rule: :func:`nichefinder.update.update_plan` calls a new group this similar
        to a plan group a copy of it rather than an emerging topic.
    audience_overlap : float, default 0.3
        Serve two feeds with one when the Jaccard index of their people is at least this (and
        above 0): one audience discusses both. ``1`` joins only feeds with the same people.
    min_platform_share : float, default 0.1
        A feed lists a platform when at least this share of its posts is there.
    posts_per_hour : float, default 12.0
        Response workload: audience posts one staff hour reads and answers.
    min_hours_per_week : float, default 1.0
        Least staff time any feed gets, however quiet.
    assumed_span_weeks : float, default 1.0
        Weeks the data is assumed to cover when it has no timestamps (1 = the highest, safest
        workload estimate); the feed's notes say so.
    max_answer_length : int, default 280
        Characters a short-form platform (Twitter/X) fits in one post. A feed whose median post is
        longer, or whose posts are often multi-sentence questions, gets a note on a Twitter/X-only
        plan.
    max_long_question_share : float, default 0.3
        Share of multi-sentence questions above which answers are taken to need long form.
    min_repeat_copies : int, default 3
        A feed leaves out the posts of an account that wrote this many near-copies of one text
        (:func:`nichefinder.score.repeats.repeated_rows`): a bot's or a paid campaign's
        posts, on topic inside a genuine group. People ask a question once or twice. ``0``
        keeps them.
    repeat_containment : float, default 0.9
        Two posts of an account are near-copies when this share of the shorter one's words are
        in the longer (or their embeddings are ``duplicate_similarity`` alike).
    """

    merge_same_theme: bool = setting(True)
    merge_similarity: float = setting(0.85)
    audience_overlap: float = setting(0.3, share=True)
    min_platform_share: float = setting(0.1, share=True)
    posts_per_hour: float = setting(12.0, positive=True)
    min_hours_per_week: float = setting(1.0)
    assumed_span_weeks: float = setting(1.0, positive=True)
    max_answer_length: int = setting(280)
    max_long_question_share: float = setting(0.3, share=True)
    min_repeat_copies: int = setting(3)
    repeat_containment: float = setting(0.9, share=True)
