"""Thresholds: every number that decides whether a group earns a feed, in one frozen object.

Each field is documented with what it measures and why its default is what it is. Defaults that
must scale with the corpus are *floors* combined with a share, resolved when they are used
(see :meth:`Thresholds.min_posts_for`), so one configuration works on 500 posts and on 500,000.

Thresholds are read from TOML (a ``[thresholds]`` table or top-level keys) or YAML
(``safe_load``) with :func:`load_thresholds`; an unknown key or a wrong type is an
:class:`~nichefinder.exceptions.InputError` that names the key and the valid ones.

Examples
--------
>>> from nichefinder.config import Thresholds
>>> th = Thresholds().replace(min_authors=20)
>>> th.min_authors
20
>>> th.min_posts_for(10_000)   # max(min_posts, 1% of 10,000 grouped posts)
100
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .exceptions import InputError

__all__ = ["Thresholds", "load_thresholds"]


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of the three tests (identifiable, substantial, genuine) and of feed building.

    Parameters
    ----------
    min_cohesion : float, default 0.35
        *Identifiable.* Lowest mean cosine similarity of a group's posts to their (normalised)
        centroid. With all-MiniLM-L6-v2, unrelated social posts sit near 0.3 to their centroid and a
        topic we can name sits at 0.5-0.7.
    min_separation : float, default 0.05
        *Identifiable.* Lowest margin between the group's cohesion and the mean similarity of its
        posts to the nearest *other* group's centroid.
    min_stability : float, default 0.5
        *Identifiable.* Lowest share of a group's posts that stay nearest to their own centroid
        when every group's centroid is re-estimated from bootstrap resamples.
    min_keyword_coverage : float, default 0.6
        *Identifiable.* Lowest share of a group's posts that contain at least one of its
        keywords: a topic we can name is one whose name words the posts actually use. Scattered
        small talk (weather, football, the weekend) clusters loosely and its keywords cover few
        of its posts.
    n_bootstrap : int, default 5
        Bootstrap resamples for the stability check (cheap: one matrix product each).
    silhouette_sample : int, default 2000
        Posts sampled for the (reported, not gated) cosine silhouette.
    min_posts : int, default 30
        *Substantial.* Floor on a group's posts. The bar used is
        ``max(min_posts, ceil(min_share * grouped posts))``: see :meth:`min_posts_for`.
    min_share : float, default 0.01
        *Substantial.* Share of all grouped posts a group needs (1%); scales the volume bar with
        the corpus.
    min_posts_per_week : float, default 5.0
        *Substantial.* Lowest sustained rate, posts a week over the span of the data (about one
        per working day): below it a feed does not repay the staff time, and the posts are
        better answered from a broader feed. Not judged without timestamps.
    min_authors : int, default 10
        *Substantial.* Distinct people a group needs. Not judged when the data has no authors.
    min_weeks_active : int, default 3
        *Substantial.* Distinct weeks (7-day windows from the start of the data) with posts. Capped
        at the number of weeks the data covers, so a two-week export is judged on two weeks.
    max_single_day_share : float, default 0.5
        *Substantial* (sustained) and *genuine* (burst). Highest share of a group's posts on its
        busiest day; above it the group is a one-day spike. Not judged when the data covers a
        single day.
    max_top_author_share : float, default 0.25
        *Genuine.* Highest share of a group's posts from its most active account.
    min_effective_authors : float, default 5.0
        *Genuine.* Lowest effective number of authors (inverse Simpson index
        ``1 / sum(p_i ** 2)`` of the authors' post shares): 5 means "as spread as 5 equally active
        people".
    max_duplicate_share : float, default 0.3
        *Genuine.* Highest share of posts that are *coordinated* (near-)duplicates of another post
        in the group: same text after normalising case, links, mentions, digits and punctuation,
        or embedding cosine above ``duplicate_similarity``, and from the same account or within
        ``duplicate_window_hours``. People who ask the same thing weeks apart are not a campaign.
        Not judged when the data has neither authors nor timestamps.
    duplicate_similarity : float, default 0.95
        Cosine similarity above which two posts count as near-duplicates (templated text).
    duplicate_window_hours : float, default 24.0
        Two duplicates from different accounts this close in time count as coordinated.
    min_duplicate_words : int, default 4
        Posts shorter than this (in words, after normalising) never count as duplicates:
        "same here" and "thank you!" are what many real people write.
    max_burst_account_share : float, default 0.5
        *Genuine.* When a group has a spike day (above ``max_single_day_share``), the highest share
        of the spike's posts that may come from accounts seen on that one day only.
    min_reply_share : float, default 0.0
        *Genuine.* Lowest share of a group's posts that are replies, when the data has reply
        links. ``0`` (the default) reports the reply-graph evidence without gating on it: many
        exports carry no replies, and a gate on it is not monotone in the number of authors.
    min_identifiable, min_substantial, min_genuine : float, default 0.5
        Lowest score value to pass each test. Scores are the weakest of their checks, scaled so a
        check exactly at its threshold scores 0.5; raise these to demand margin.
    merge_same_theme : bool, default False
        Serve *all* passing groups of the same theme (from the clustering stage) with one feed.
        Off by default: neighbouring topics (deliveries, billing, complaints) often share a
        theme yet need different people to answer them, so by default groups share a feed only
        when one audience discusses both (``audience_overlap``) or they are near-identical
        (``merge_similarity``); fragments too small on their own still join their theme's feed.
    merge_similarity : float, default 0.85
        Serve two passing groups with one feed when their centroids are at least this similar.
    audience_overlap : float, default 0.3
        Serve two passing groups with one feed when the Jaccard index of their author sets is at
        least this (and above 0): one audience discusses both.
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
    """

    # identifiable
    min_cohesion: float = 0.35
    min_separation: float = 0.05
    min_stability: float = 0.5
    min_keyword_coverage: float = 0.6
    n_bootstrap: int = 5
    silhouette_sample: int = 2000
    # substantial
    min_posts: int = 30
    min_share: float = 0.01
    min_posts_per_week: float = 5.0
    min_authors: int = 10
    min_weeks_active: int = 3
    max_single_day_share: float = 0.5
    # genuine
    max_top_author_share: float = 0.25
    min_effective_authors: float = 5.0
    max_duplicate_share: float = 0.3
    duplicate_similarity: float = 0.95
    duplicate_window_hours: float = 24.0
    min_duplicate_words: int = 4
    max_burst_account_share: float = 0.5
    min_reply_share: float = 0.0
    # aggregate bars
    min_identifiable: float = 0.5
    min_substantial: float = 0.5
    min_genuine: float = 0.5
    # feeds
    merge_same_theme: bool = False
    merge_similarity: float = 0.85
    audience_overlap: float = 0.3
    min_platform_share: float = 0.1
    posts_per_hour: float = 12.0
    min_hours_per_week: float = 1.0
    assumed_span_weeks: float = 1.0
    max_answer_length: int = 280
    max_long_question_share: float = 0.3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            _check_type(f.name, value, _TYPES[f.name])
            if isinstance(value, bool):
                continue
            if value < 0:
                raise InputError(f"threshold {f.name} = {value!r} is negative; use a value >= 0")
            if f.name in _SHARES and value > 1:
                raise InputError(
                    f"threshold {f.name} = {value!r} is a share; use a value between 0 and 1"
                )
        for name in ("posts_per_hour", "assumed_span_weeks"):
            if getattr(self, name) <= 0:
                raise InputError(f"threshold {name} must be > 0, not {getattr(self, name)!r}")

    def replace(self, **changes: Any) -> Thresholds:
        """A copy with some fields changed; unknown names raise :class:`InputError`.

        Examples
        --------
        >>> Thresholds().replace(min_posts=50).min_posts
        50
        """
        _check_names(changes)
        return dataclasses.replace(self, **changes)

    def min_posts_for(self, n_grouped: int) -> int:
        """The volume bar for a corpus of ``n_grouped`` grouped posts.

        ``max(min_posts, ceil(min_share * n_grouped))``.

        Examples
        --------
        >>> Thresholds().min_posts_for(500)
        30
        """
        return max(int(self.min_posts), int(math.ceil(self.min_share * max(int(n_grouped), 0))))

    def to_dict(self) -> dict[str, Any]:
        """The thresholds as a plain dict (for ``plan.json`` parameters)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


_TYPES = {f.name: f.type for f in fields(Thresholds)}
_SHARES = {
    "min_share",
    "max_single_day_share",
    "max_top_author_share",
    "max_duplicate_share",
    "duplicate_similarity",
    "max_burst_account_share",
    "min_reply_share",
    "min_identifiable",
    "min_substantial",
    "min_genuine",
    "audience_overlap",
    "min_platform_share",
    "min_stability",
    "max_long_question_share",
}


def _check_type(name: str, value: Any, declared: str) -> None:
    if declared == "bool":
        ok = isinstance(value, bool)
        want = "true or false"
    elif declared == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        want = "a whole number"
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        want = "a number"
    if not ok:
        raise InputError(
            f"threshold {name} = {value!r} has the wrong type ({type(value).__name__}); "
            f"use {want}"
        )
    if declared == "float" and isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"threshold {name} = {value!r} is not finite; use a number")


def _check_names(values: dict[str, Any], path: str | None = None) -> None:
    unknown = sorted(set(values) - set(_TYPES))
    if unknown:
        where = f" in {path}" if path else ""
        raise InputError(
            f"unknown threshold {unknown[0]!r}{where}; valid thresholds are: "
            + ", ".join(_TYPES),
            path=path,
        )


def load_thresholds(path: str | Path) -> Thresholds:
    """Read thresholds from a TOML or YAML file; missing keys keep their defaults.

    Parameters
    ----------
    path : str or Path
        ``.toml`` (a ``[thresholds]`` table, or top-level keys) or ``.yaml``/``.yml``
        (a ``thresholds:`` mapping, or top-level keys).

    Returns
    -------
    Thresholds

    Raises
    ------
    InputError
        The file is missing or unreadable, a key is unknown, or a value has the wrong type.

    Examples
    --------
    >>> # nichefinder.toml:  [thresholds]\\n min_authors = 20
    >>> load_thresholds("nichefinder.toml").min_authors  # doctest: +SKIP
    20
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"thresholds file {str(path)!r} not found", path=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            with path.open("rb") as fh:
                data = tomllib.load(fh)
        elif suffix in (".yaml", ".yml"):
            import yaml

            with path.open(encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        else:
            raise InputError(
                f"thresholds file {str(path)!r} has suffix {suffix!r}; use .toml, .yaml or .yml",
                path=str(path),
            )
    except InputError:
        raise
    except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError
        raise InputError(
            f"cannot read thresholds file {str(path)!r}: {exc}", path=str(path)
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            f"thresholds file {str(path)!r} must hold a mapping of threshold names to values, "
            f"not {type(data).__name__}",
            path=str(path),
        )
    if "thresholds" in data:
        table = data["thresholds"]
        if not isinstance(table, dict):
            raise InputError(
                f"'thresholds' in {str(path)!r} must be a table of names to values",
                path=str(path),
            )
        data = table
    _check_names(data, str(path))
    try:
        return Thresholds(**data)
    except InputError as exc:
        raise InputError(f"{exc} (in {path})", path=str(path)) from None


def parse_overrides(pairs, base: Thresholds | None = None) -> Thresholds:
    """Apply ``NAME=VALUE`` strings (as given to ``--set`` on the command line) to thresholds.

    Parameters
    ----------
    pairs : iterable of str
        Such as ``["min_authors=25", "merge_same_theme=false"]``.
    base : Thresholds, optional
        What the values override; the defaults when ``None``.

    Returns
    -------
    Thresholds

    Examples
    --------
    >>> parse_overrides(["min_authors=25"]).min_authors
    25
    """
    import yaml

    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = str(pair).partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"threshold setting {pair!r} has no '='; write NAME=VALUE, e.g. "
                             "--set min_authors=25")
        _check_names({name: None})
        try:
            value = yaml.safe_load(raw.strip())
        except yaml.YAMLError:
            value = raw
        if _TYPES[name] == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        changes[name] = value
    return (base or Thresholds()).replace(**changes)
