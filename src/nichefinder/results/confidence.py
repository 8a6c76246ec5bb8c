"""Confidence: how sure a plan is of its number of feeds.

A plan's feed count is re-formed on resamples of its posts
(:func:`nichefinder.feeds.confidence.feed_confidence`); :class:`FeedConfidence` keeps the count
of every resample and says it in words: "9 feeds in 17 of 20 resamples, 8 in 3".

Examples
--------
>>> c = FeedConfidence((9, 9, 8, 9))
>>> c.tally(), c.line(9)
(((9, 3), (8, 1)), '9 feeds in 3 of 4 resamples, 8 in 1')
>>> FeedConfidence.from_dict(c.to_dict()) == c
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["FeedConfidence"]


@dataclass(frozen=True)
class FeedConfidence:
    """The feed count of every resample of a plan's posts.

    Attributes
    ----------
    counts : tuple of int
        Feeds formed on each resample, in the order they were drawn.
    method : str
        How the resamples were drawn and judged, in words.
    """

    counts: tuple[int, ...]
    method: str = "bootstrap resamples of the people, every group re-judged, feeds re-formed"

    @property
    def n_resamples(self) -> int:
        """Number of resamples."""
        return len(self.counts)

    def tally(self) -> tuple[tuple[int, int], ...]:
        """``(count, resamples)`` pairs, most frequent first (ties: the higher count first)."""
        return tuple(sorted(Counter(self.counts).items(), key=lambda kv: (-kv[1], -kv[0])))

    def share(self, n_feeds: int) -> float:
        """Share of the resamples that form ``n_feeds`` feeds."""
        return self.counts.count(int(n_feeds)) / self.n_resamples if self.counts else 0.0

    def line(self, n_feeds: int) -> str:
        """The plan's count and how often the resamples agree, in words."""
        if not self.counts:
            return "no resamples"
        pairs = dict(self.tally())
        word = "feed" if int(n_feeds) == 1 else "feeds"
        first = (f"{n_feeds} {word} in {pairs.pop(int(n_feeds), 0)} of {self.n_resamples} "
                 "resamples")
        rest = [f"{c} in {k}" for c, k in sorted(pairs.items(), key=lambda kv: (-kv[1], -kv[0]))]
        return ", ".join([first, *rest])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the counts, the tally and the method."""
        return {"resamples": self.n_resamples, "feed_counts": list(self.counts),
                "tally": [list(p) for p in self.tally()], "method": self.method}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedConfidence:
        """The record of :meth:`to_dict` (as read from ``plan.json``)."""
        return cls(tuple(int(c) for c in data.get("feed_counts", ())),
                   str(data.get("method", cls.method)))
