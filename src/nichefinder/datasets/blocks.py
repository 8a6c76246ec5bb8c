"""The building blocks of a synthetic audience: one topic, a campaign, a spike, a niche, chatter.

The company is *Kettle & Crumb* (``@kettleandcrumb``), a direct-to-consumer brand selling
espresso machines, grinders, kettles and bean subscriptions, with a web shop and its own
deliveries. Its audience talks about a handful of genuine topics, each of which one department
of the business would answer (:data:`TOPICS`), and the corpus also holds the traps a channel
plan must not turn into feeds: a bot campaign (:func:`make_campaign`), a one-day news spike
(:func:`make_spike`), a tiny niche (:func:`make_niche`) and off-topic chatter
(:func:`make_chatter`).

Every ``make_*`` function returns a :class:`pandas.DataFrame` with the six post columns
:data:`POST_COLUMNS` (all strings; ``reply_to`` is ``""`` for a post that starts a thread;
``timestamp`` is ISO 8601 UTC such as ``2026-05-04T13:22:00Z``) followed by the two
ground-truth columns :data:`TRUTH_COLUMNS` (``topic``, ``kind``). The truth is for tests
only: :func:`split_truth` separates it from what the tool may read. Building blocks number
their posts locally; :func:`combine_posts` puts several blocks on one time line and gives
every post a global, chronological id, so a reply always points at an earlier id.

Topic text lives in data (:mod:`nichefinder.datasets.text`): sentence templates with ``{slot}``
placeholders, filled from :data:`SLOTS` or the topic's own slots, then roughened (case,
typos, emoji, hashtags, @mentions) so posts read like social posts and, within a topic,
are not near-duplicates. Only a campaign is near-duplicate on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .people import (
    FIRST_NAMES,
    TS_FORMAT,
    as_generator,
    assign_authors,
    choose,
    make_handles,
    pick_parent,
    random_time,
)
from .text import (
    BRAND,
    BRAND_REPLIES,
    CHATTER,
    SLOTS,
    TOPICS,
    TRAPS,
    brand_broadcast,
    fill,
    post_text,
    reply_text,
    roughen,
    text_key,
)

__all__ = [
    "BRAND",
    "PLATFORMS",
    "POST_COLUMNS",
    "SAMPLE_DAYS",
    "SAMPLE_START",
    "TOPICS",
    "TRAPS",
    "TRUTH_COLUMNS",
    "make_campaign",
    "make_chatter",
    "make_group",
    "make_niche",
    "make_spike",
]


POST_COLUMNS = ("id", "text", "author", "timestamp", "platform", "reply_to")
"""The columns a conversations file has, in order."""

TRUTH_COLUMNS = ("topic", "kind")
"""Ground truth attached by the generators: the topic key and the kind of post
(``genuine``, ``campaign``, ``niche``, ``spike``, ``chatter`` or ``brand``)."""

PLATFORMS = ("twitter", "facebook", "instagram", "reddit")
SAMPLE_START = "2026-05-01"
SAMPLE_DAYS = 123
"""The sample corpus covers 2026-05-01 to 2026-08-31 inclusive."""


def make_group(
    topic: str | Sequence[str],
    n_posts: int,
    n_authors: int,
    start: str = SAMPLE_START,
    days: float = SAMPLE_DAYS,
    *,
    platforms: dict[str, float] | None = None,
    reply_rate: float = 0.3,
    brand_rate: float = 0.04,
    authors: Sequence[str] | None = None,
    kind: str = "genuine",
    random_state=None,
) -> pd.DataFrame:
    """Generate one audience group talking about a topic, with reply threads.

    Posts start at uniformly random times (weighted towards waking hours) in
    ``[start, start + days)``; a share ``reply_rate`` of them answer an earlier post of the
    group by another author, a few minutes to two days later, on the parent's platform.
    A share ``brand_rate`` is written by :data:`BRAND` (broadcasts, or answers in threads).

    Parameters
    ----------
    topic : str or sequence of str
        A key of :data:`TOPICS` or :data:`TRAPS`. Several keys make one audience that
        discusses them together: each post picks one of them, and replies cross between them.
    n_posts : int
        Number of posts.
    n_authors : int
        Number of distinct non-brand authors (at most ``n_posts``); activity is skewed, a few
        authors post a lot and most post once or twice.
    start : str, default "2026-05-01"
        First day, ``YYYY-MM-DD`` (UTC).
    days : float, default 123
        Length of the window in days.
    platforms : dict of str to float, optional
        Platform weights; by default the topic's own (see :data:`TOPICS`).
    reply_rate : float, default 0.3
        Share of posts that reply to an earlier post of the group.
    brand_rate : float, default 0.04
        Share of posts written by the brand account.
    authors : sequence of str, optional
        Handles to draw from (for example to share an audience between calls); by default
        ``n_authors`` new handles.
    kind : str, default "genuine"
        The truth ``kind`` of the non-brand posts.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed; see :func:`sklearn.utils.check_random_state`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`, local ids ``0``, ``1``, ...,
        sorted by time.

    Examples
    --------
    >>> posts = make_group("deliveries", n_posts=40, n_authors=25, random_state=0)
    >>> posts.shape
    (40, 8)
    >>> sorted(posts["kind"].unique())
    ['brand', 'genuine']
    >>> bool((posts["reply_to"] != "").mean() > 0.1)
    True
    """
    rng = as_generator(random_state)
    topics = [topic] if isinstance(topic, str) else list(topic)
    specs = [_spec(t) for t in topics]
    n_authors = max(1, min(int(n_authors), int(n_posts)))
    pool = list(authors) if authors is not None else make_handles(n_authors, rng)
    weights = platforms or specs[0]["platforms"]
    t0 = pd.Timestamp(start, tz="UTC")
    end = t0 + pd.Timedelta(days=days)

    author_of = assign_authors(int(n_posts), pool[:n_authors], rng)
    rows: list[dict] = []
    seen: set[str] = set()
    for i in range(int(n_posts)):
        k = int(rng.integers(len(topics)))
        is_brand = rng.random() < brand_rate
        author = BRAND if is_brand else author_of[i]
        parent = None
        if rows and rng.random() < reply_rate:
            parent = pick_parent(rows, author, end, rng)
        if parent is None:
            when = random_time(t0, days, rng)
            platform = choose(weights, rng)
            reply_to = ""
        else:
            room = int((end - parent["_time"]).total_seconds() // 60)
            when = parent["_time"] + pd.Timedelta(minutes=int(rng.integers(1, min(room, 2880))))
            platform = parent["platform"]
            reply_to = parent["id"]
        for _ in range(8):  # a few tries for a text this group has not used yet
            if is_brand and parent is None:
                text = brand_broadcast(specs[k], rng)
            elif is_brand:
                text = fill(str(rng.choice(BRAND_REPLIES)), {"author": parent["author"]}, rng)
            elif parent is None:
                text = post_text(specs[k], rng)
            else:
                text = reply_text(specs[k], parent["author"], rng)
            if text_key(text) not in seen:
                break
        seen.add(text_key(text))
        rows.append(
            {
                "id": str(i),
                "text": text,
                "author": author,
                "_time": when,
                "platform": platform,
                "reply_to": reply_to,
                "topic": topics[k],
                "kind": "brand" if is_brand else kind,
            }
        )
    return _finish(rows)


def make_campaign(
    scheme: str = "crypto_giveaway",
    n_posts: int = 80,
    n_authors: int = 5,
    start: str = "2026-06-20",
    days: float = 1,
    *,
    platforms: Sequence[str] = ("twitter",),
    random_state=None,
) -> pd.DataFrame:
    """Generate a bot or spam campaign: few accounts, near-duplicate posts, one burst.

    Posts come from two or three fixed templates of the scheme that differ only in a link
    code, an amount or an emoji, so they are near-duplicates of each other; they fall within
    ``days`` (one or two days) and never reply.

    Parameters
    ----------
    scheme : {"crypto_giveaway", "fake_discount"}, default "crypto_giveaway"
        Which campaign (a key of :data:`TRAPS` with kind ``campaign``).
    n_posts : int, default 80
        Number of posts.
    n_authors : int, default 5
        Number of bot accounts.
    start : str, default "2026-06-20"
        First day of the burst, ``YYYY-MM-DD``.
    days : float, default 1
        Length of the burst in days.
    platforms : sequence of str, default ("twitter",)
        The one or two platforms used.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`; ``kind`` is ``"campaign"``.

    Examples
    --------
    >>> spam = make_campaign(n_posts=30, n_authors=3, random_state=0)
    >>> spam["author"].nunique(), spam["timestamp"].str[:10].nunique()
    (3, 1)
    """
    rng = as_generator(random_state)
    spec = _spec(scheme)
    pool = [fill(str(rng.choice(spec["handles"])), spec["slots"], rng) for _ in range(n_authors)]
    pool = list(dict.fromkeys(pool))
    while len(pool) < n_authors:
        pool.append(f"@{rng.choice(FIRST_NAMES)}{int(rng.integers(1000, 9999))}")
        pool = list(dict.fromkeys(pool))
    t0 = pd.Timestamp(start, tz="UTC")
    rows = []
    for i in range(int(n_posts)):
        template = str(rng.choice(spec["templates"]))
        rows.append(
            {
                "id": str(i),
                "text": fill(template, spec["slots"], rng),
                "author": pool[i % n_authors] if i < n_authors else str(rng.choice(pool)),
                "_time": t0 + pd.Timedelta(minutes=int(rng.integers(0, int(days * 1440)))),
                "platform": str(rng.choice(list(platforms))),
                "reply_to": "",
                "topic": scheme,
                "kind": "campaign",
            }
        )
    return _finish(rows)


def make_spike(
    topic: str = "tv_spill",
    n_posts: int = 150,
    n_authors: int = 140,
    day: str = "2026-07-12",
    *,
    platforms: dict[str, float] | None = None,
    reply_rate: float = 0.15,
    random_state=None,
) -> pd.DataFrame:
    """Generate a one-day burst of many authors reacting to one news item.

    Parameters
    ----------
    topic : str, default "tv_spill"
        A key of :data:`TRAPS` with kind ``spike``.
    n_posts : int, default 150
        Number of posts.
    n_authors : int, default 140
        Number of distinct authors; most post once.
    day : str, default "2026-07-12"
        The day, ``YYYY-MM-DD``; every post falls on it.
    platforms : dict of str to float, optional
        Platform weights; by default the topic's own.
    reply_rate : float, default 0.15
        Share of posts that reply within the burst.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`; ``kind`` is ``"spike"``.

    Examples
    --------
    >>> burst = make_spike(n_posts=50, n_authors=45, random_state=0)
    >>> burst["timestamp"].str[:10].unique().tolist()
    ['2026-07-12']
    """
    return make_group(
        topic, n_posts, n_authors, day, 1, platforms=platforms, reply_rate=reply_rate,
        brand_rate=0.0, kind="spike", random_state=random_state,
    )


def make_niche(
    topic: str = "vintage_restoration",
    n_posts: int = 15,
    n_authors: int = 4,
    start: str = SAMPLE_START,
    days: float = SAMPLE_DAYS,
    *,
    reply_rate: float = 0.4,
    random_state=None,
) -> pd.DataFrame:
    """Generate a genuine but tiny group: about fifteen posts by a handful of people.

    Parameters
    ----------
    topic : str, default "vintage_restoration"
        A key of :data:`TRAPS` with kind ``niche`` (or any topic key).
    n_posts : int, default 15
        Number of posts.
    n_authors : int, default 4
        Number of authors.
    start : str, default "2026-05-01"
        First day.
    days : float, default 123
        Length of the window in days.
    reply_rate : float, default 0.4
        Share of replies; the few members answer each other.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`; ``kind`` is ``"niche"``.

    Examples
    --------
    >>> small = make_niche(random_state=0)
    >>> len(small), small["author"].nunique()
    (15, 4)
    """
    return make_group(
        topic, n_posts, n_authors, start, days, reply_rate=reply_rate, brand_rate=0.0,
        kind="niche", random_state=random_state,
    )


def make_chatter(
    n_posts: int = 200,
    n_authors: int | None = None,
    start: str = SAMPLE_START,
    days: float = SAMPLE_DAYS,
    *,
    random_state=None,
) -> pd.DataFrame:
    """Generate off-topic small talk: every post different, about many unrelated things.

    Parameters
    ----------
    n_posts : int, default 200
        Number of posts; each text is distinct.
    n_authors : int, optional
        Number of authors; by default about 80% of ``n_posts``.
    start : str, default "2026-05-01"
        First day.
    days : float, default 123
        Length of the window in days.
    random_state : int, numpy.random.Generator, RandomState or None
        Seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`; ``topic`` and ``kind`` are
        ``"chatter"``; no replies.

    Examples
    --------
    >>> talk = make_chatter(n_posts=30, random_state=0)
    >>> talk["text"].is_unique
    True
    """
    rng = as_generator(random_state)
    n_authors = n_authors or max(1, int(0.8 * n_posts))
    author_of = assign_authors(int(n_posts), make_handles(n_authors, rng), rng)
    t0 = pd.Timestamp(start, tz="UTC")
    seen: set[str] = set()
    rows = []
    subjects = list(CHATTER)
    for i in range(int(n_posts)):
        for _ in range(100):
            subject = CHATTER[subjects[int(rng.integers(len(subjects)))]]
            text = fill(str(rng.choice(subject["templates"])), SLOTS, rng)
            if rng.random() < 0.5:  # small talk wanders: a second remark on anything
                other = CHATTER[subjects[int(rng.integers(len(subjects)))]]
                text = f"{text} {fill(str(rng.choice(other['templates'])), SLOTS, rng)}"
            text = roughen(text, subject, rng)
            if text_key(text) not in seen:
                break
        seen.add(text_key(text))
        rows.append(
            {
                "id": str(i),
                "text": text,
                "author": author_of[i],
                "_time": random_time(t0, days, rng),
                "platform": choose({p: 1.0 for p in PLATFORMS}, rng),
                "reply_to": "",
                "topic": "chatter",
                "kind": "chatter",
            }
        )
    return _finish(rows)


def _spec(key: str) -> dict:
    if key in TOPICS:
        return TOPICS[key]
    if key in TRAPS:
        return TRAPS[key]
    known = ", ".join(sorted(TOPICS) + sorted(TRAPS))
    raise InputError(f"unknown topic {key!r}; use one of: {known}")


def _finish(rows: list[dict]) -> pd.DataFrame:
    """Sort by time, renumber locally 0..n-1 in time order, format timestamps."""
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in POST_COLUMNS + TRUTH_COLUMNS})
    frame = pd.DataFrame(rows)
    frame["_n"] = np.arange(len(frame))
    frame = frame.sort_values(["_time", "_n"], kind="stable").reset_index(drop=True)
    local = {old: str(i) for i, old in enumerate(frame["id"])}
    frame["id"] = frame["id"].map(local)
    frame["reply_to"] = [local[r] if r else "" for r in frame["reply_to"]]
    frame["timestamp"] = [t.strftime(TS_FORMAT) for t in frame["_time"]]
    return frame[list(POST_COLUMNS + TRUTH_COLUMNS)].astype(object)
