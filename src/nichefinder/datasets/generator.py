"""Synthetic audience conversations for a fictional brand, for demos and scenario tests.

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

Topic text lives in data (:mod:`nichefinder.synthetic_text`): sentence templates with ``{slot}``
placeholders, filled from :data:`SLOTS` or the topic's own slots, then roughened (case,
typos, emoji, hashtags, @mentions) so posts read like social posts and, within a topic,
are not near-duplicates. Only a campaign is near-duplicate on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..exceptions import InputError
from .text import (
    ASKS,
    BRAND_REPLIES,
    CHATTER,
    GLUE,
    OPENERS,
    REPLY_OPENERS,
    SLOTS,
    TOPICS,
    TRAPS,
)

__all__ = [
    "BRAND",
    "POST_COLUMNS",
    "TRUTH_COLUMNS",
    "TOPICS",
    "TRAPS",
    "SAMPLE_START",
    "SAMPLE_DAYS",
    "combine_posts",
    "make_campaign",
    "make_chatter",
    "make_group",
    "make_niche",
    "make_sample_corpus",
    "make_spike",
    "make_staff_roster",
    "split_truth",
]

BRAND = "@kettleandcrumb"
"""The brand's own handle; its posts have ``kind == "brand"`` in the truth."""

POST_COLUMNS = ("id", "text", "author", "timestamp", "platform", "reply_to")
"""The columns a conversations file has, in order."""

TRUTH_COLUMNS = ("topic", "kind")
"""Ground truth attached by the generators: the topic key and the kind of post
(``genuine``, ``campaign``, ``niche``, ``spike``, ``chatter`` or ``brand``)."""

PLATFORMS = ("twitter", "facebook", "instagram", "reddit")
SAMPLE_START = "2026-05-01"
SAMPLE_DAYS = 123
"""The sample corpus covers 2026-05-01 to 2026-08-31 inclusive."""

_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_HOUR_WEIGHTS = np.array(
    [1, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 4, 4, 4, 4, 5, 4, 4, 4, 4, 5, 6, 6, 6, 5, 4, 2], float
)
_FIRST = (
    "maria anna tom jake sophie liam olivia noah emma ava mia leo ella omar zara amir priya raj "
    "chen wei yuki kenji lucas marta paolo giulia sven ingrid ola femi tunde ngozi kofi ama "
    "sean niamh ciaran aoife rhys cerys dylan bethan jack grace harry isla chloe ben lily sam "
    "alex jordan casey robin nat dani kat mo jess luke hannah ruth eli nina ivan olga pavel "
    "ana diego lucia mateo sofia hugo ines theo clara felix rosa abdul fatima yusuf layla"
).split()
_LAST = (
    "smith jones k b m p r t w h l c d g n s a o v z "
    "brown patel khan nguyen garcia rossi muller silva kowalski novak obi"
).split()
_STYLES = ("{f}_{l}", "{f}{l}", "{f}.{l}", "{f}{n}", "{f}_{n}", "the{f}", "{f}_{l}{n}", "{f}x{l}")


def combine_posts(frames: Iterable[pd.DataFrame], *, id_prefix: str = "p") -> pd.DataFrame:
    """Put generated blocks on one time line and give every post a global id.

    Posts are sorted by timestamp (ties keep block order, then row order) and numbered
    ``p000001``, ``p000002``, ... in that order; ``reply_to`` is rewritten to the new ids, so a
    reply always points at an earlier id.

    Parameters
    ----------
    frames : iterable of pandas.DataFrame
        Outputs of the ``make_*`` functions, each with locally unique ids.
    id_prefix : str, default "p"
        Prefix of the new ids.

    Returns
    -------
    pandas.DataFrame
        The posts with columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`, index ``0..n-1``.

    Examples
    --------
    >>> a = make_niche(random_state=0)
    >>> b = make_chatter(n_posts=10, random_state=1)
    >>> both = combine_posts([a, b])
    >>> len(both), both["id"].iloc[0]
    (25, 'p000001')
    """
    parts = []
    for block, frame in enumerate(frames):
        frame = frame.reset_index(drop=True)
        key = f"b{block}:"
        part = frame.assign(
            id=key + frame["id"],
            reply_to=np.where(frame["reply_to"] != "", key + frame["reply_to"], ""),
            _block=block,
            _row=np.arange(len(frame)),
        )
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in POST_COLUMNS + TRUTH_COLUMNS})
    posts = pd.concat(parts, ignore_index=True)
    posts = posts.sort_values(["timestamp", "_block", "_row"], kind="stable").reset_index(drop=True)
    new_ids = {old: f"{id_prefix}{i:06d}" for i, old in enumerate(posts["id"], start=1)}
    posts["id"] = posts["id"].map(new_ids)
    posts["reply_to"] = [new_ids[r] if r else "" for r in posts["reply_to"]]
    return posts[list(POST_COLUMNS + TRUTH_COLUMNS)].astype(object)


def split_truth(posts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Separate what the tool may read from the ground truth.

    Parameters
    ----------
    posts : pandas.DataFrame
        Output of a ``make_*`` function or :func:`combine_posts`.

    Returns
    -------
    conversations : pandas.DataFrame
        Columns :data:`POST_COLUMNS`.
    truth : pandas.DataFrame
        Columns ``id``, ``topic``, ``kind``.

    Examples
    --------
    >>> conversations, truth = split_truth(make_niche(random_state=0))
    >>> list(conversations.columns), list(truth.columns)
    (['id', 'text', 'author', 'timestamp', 'platform', 'reply_to'], ['id', 'topic', 'kind'])
    """
    return (
        posts[list(POST_COLUMNS)].reset_index(drop=True),
        posts[["id", *TRUTH_COLUMNS]].reset_index(drop=True),
    )


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
    rng = _as_generator(random_state)
    topics = [topic] if isinstance(topic, str) else list(topic)
    specs = [_spec(t) for t in topics]
    n_authors = max(1, min(int(n_authors), int(n_posts)))
    pool = list(authors) if authors is not None else _make_handles(n_authors, rng)
    weights = platforms or specs[0]["platforms"]
    t0 = pd.Timestamp(start, tz="UTC")
    end = t0 + pd.Timedelta(days=days)

    author_of = _assign_authors(int(n_posts), pool[:n_authors], rng)
    rows: list[dict] = []
    seen: set[str] = set()
    for i in range(int(n_posts)):
        k = int(rng.integers(len(topics)))
        is_brand = rng.random() < brand_rate
        author = BRAND if is_brand else author_of[i]
        parent = None
        if rows and rng.random() < reply_rate:
            parent = _pick_parent(rows, author, end, rng)
        if parent is None:
            when = _random_time(t0, days, rng)
            platform = _choose(weights, rng)
            reply_to = ""
        else:
            room = int((end - parent["_time"]).total_seconds() // 60)
            when = parent["_time"] + pd.Timedelta(minutes=int(rng.integers(1, min(room, 2880))))
            platform = parent["platform"]
            reply_to = parent["id"]
        for _ in range(8):  # a few tries for a text this group has not used yet
            if is_brand and parent is None:
                text = _brand_broadcast(specs[k], rng)
            elif is_brand:
                text = _fill(str(rng.choice(BRAND_REPLIES)), {"author": parent["author"]}, rng)
            elif parent is None:
                text = _post_text(specs[k], rng)
            else:
                text = _reply_text(specs[k], parent["author"], rng)
            if _key(text) not in seen:
                break
        seen.add(_key(text))
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
    rng = _as_generator(random_state)
    spec = _spec(scheme)
    pool = [_fill(str(rng.choice(spec["handles"])), spec["slots"], rng) for _ in range(n_authors)]
    pool = list(dict.fromkeys(pool))
    while len(pool) < n_authors:
        pool.append(f"@{rng.choice(_FIRST)}{int(rng.integers(1000, 9999))}")
        pool = list(dict.fromkeys(pool))
    t0 = pd.Timestamp(start, tz="UTC")
    rows = []
    for i in range(int(n_posts)):
        template = str(rng.choice(spec["templates"]))
        rows.append(
            {
                "id": str(i),
                "text": _fill(template, spec["slots"], rng),
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
    rng = _as_generator(random_state)
    n_authors = n_authors or max(1, int(0.8 * n_posts))
    author_of = _assign_authors(int(n_posts), _make_handles(n_authors, rng), rng)
    t0 = pd.Timestamp(start, tz="UTC")
    seen: set[str] = set()
    rows = []
    subjects = list(CHATTER)
    for i in range(int(n_posts)):
        for _ in range(100):
            subject = CHATTER[subjects[int(rng.integers(len(subjects)))]]
            text = _fill(str(rng.choice(subject["templates"])), SLOTS, rng)
            if rng.random() < 0.5:  # small talk wanders: a second remark on anything
                other = CHATTER[subjects[int(rng.integers(len(subjects)))]]
                text = f"{text} {_fill(str(rng.choice(other['templates'])), SLOTS, rng)}"
            text = _roughen(text, subject, rng)
            if _key(text) not in seen:
                break
        seen.add(_key(text))
        rows.append(
            {
                "id": str(i),
                "text": text,
                "author": author_of[i],
                "_time": _random_time(t0, days, rng),
                "platform": _choose({p: 1.0 for p in PLATFORMS}, rng),
                "reply_to": "",
                "topic": "chatter",
                "kind": "chatter",
            }
        )
    return _finish(rows)


def make_sample_corpus(random_state=0) -> pd.DataFrame:
    """Generate the sample corpus shipped in ``sample_data/``.

    About 3,000 posts from 2026-05-01 to 2026-08-31: nine genuine topics (espresso and
    latte art from one shared audience), one PR topic, two spam campaigns, a one-day spike, a
    15-post niche and off-topic chatter. ``sample_data/README.md`` lists sizes and the plan
    they should lead to.

    Parameters
    ----------
    random_state : int, numpy.random.Generator, RandomState or None, default 0
        Seed; the shipped files use 0.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POST_COLUMNS` + :data:`TRUTH_COLUMNS`, global ids ``p000001`` ...
        in time order.

    Examples
    --------
    >>> corpus = make_sample_corpus(random_state=0)
    >>> 2500 < len(corpus) < 3500
    True
    >>> corpus["kind"].value_counts().index[0]
    'genuine'
    """
    rng = _as_generator(random_state)
    blocks = []
    for key, n_posts, n_authors in SAMPLE_GROUPS:
        blocks.append(make_group(key, n_posts, n_authors, random_state=rng))
    community = _make_handles(150, rng)
    blocks.append(
        make_group(
            ["espresso", "latte_art"], 420, 150, authors=community,
            platforms={"instagram": 0.55, "reddit": 0.3, "facebook": 0.1, "twitter": 0.05},
            reply_rate=0.4, random_state=rng,
        )
    )
    blocks.append(make_campaign("crypto_giveaway", 80, 6, "2026-06-20", 1, random_state=rng))
    blocks.append(
        make_campaign(
            "fake_discount", 60, 4, "2026-08-07", 2, platforms=("facebook", "instagram"),
            random_state=rng,
        )
    )
    blocks.append(make_spike("tv_spill", 150, 140, "2026-07-12", random_state=rng))
    blocks.append(make_niche("vintage_restoration", 15, 4, random_state=rng))
    blocks.append(make_chatter(200, 170, random_state=rng))
    return combine_posts(blocks)


SAMPLE_GROUPS = (
    ("deliveries", 360, 240),
    ("billing", 300, 200),
    ("complaints", 340, 230),
    ("howto", 320, 180),
    ("buying", 280, 200),
    ("careers", 170, 120),
    ("launches", 250, 170),
    ("reputation", 150, 110),
)
"""(topic, posts, authors) of the single-topic genuine groups in the sample corpus."""


def make_staff_roster() -> pd.DataFrame:
    """Return the Kettle & Crumb staff roster (20 people, 8 departments).

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``department``, ``role``, ``expertise`` (free text),
        ``platforms`` (semicolon-separated), ``hours_per_week`` (int, 2 to 10) and
        ``social_active`` (bool).

    Examples
    --------
    >>> staff = make_staff_roster()
    >>> staff.loc[staff["name"] == "Bob Jensen", ["department", "social_active"]].values.tolist()
    [['accounts', True]]
    >>> staff["department"].nunique()
    8
    """
    columns = ["name", "department", "role", "expertise", "platforms", "hours_per_week",
               "social_active"]
    staff = pd.DataFrame(_STAFF, columns=columns)
    staff["hours_per_week"] = staff["hours_per_week"].astype(int)
    staff["social_active"] = staff["social_active"].astype(bool)
    return staff


_STAFF = [
    ("Amira Haddad", "customer service", "customer service lead",
     "complaints, escalations, broken machines, warranty claims, returns", "twitter;facebook", 8,
     True),
    ("Tom Becker", "customer service", "customer service agent",
     "live chat, faulty machines, replacement orders, return labels", "twitter", 6, True),
    ("Priya Nair", "customer service", "escalations specialist",
     "formal complaints, repair centre follow-up, goodwill gestures", "facebook", 4, False),
    ("Ben Carter", "customer service", "repair technician",
     "pump and heating element faults, error codes, leaks, warranty repairs", "reddit", 3,
     False),
    ("Lucas Moreau", "sales", "sales advisor",
     "which model to buy, bundles, finance offers, trade-ins", "instagram;facebook", 5, True),
    ("Hannah Okafor", "sales", "partnerships and referrals manager",
     "referral codes, discount codes, student discount, office sales", "reddit;twitter", 4,
     True),
    ("Sofia Lindqvist", "pr", "PR manager",
     "press coverage, reputation, sustainability claims, crisis response", "twitter;reddit", 6,
     True),
    ("Daniel Price", "pr", "communications officer",
     "impact report, fair trade sourcing, recycling scheme, B Corp", "twitter", 3, False),
    ("Chloe Martin", "marketing", "social media manager",
     "launches, limited editions, campaigns, community management",
     "instagram;twitter;facebook;reddit", 10, True),
    ("Ravi Shah", "marketing", "content marketer",
     "product launches, livestreams, newsletters, influencer collabs", "instagram;twitter", 8,
     True),
    ("Emma Walsh", "marketing", "brand designer",
     "colourways, packaging, latte art photography", "instagram", 4, True),
    ("Bob Jensen", "accounts", "accountant",
     "refunds, invoices, subscription billing, VAT, double charges", "twitter;facebook", 4,
     True),
    ("Grace Liu", "accounts", "accounts assistant",
     "payment failures, card changes, Klarna and finance plans, gift cards", "facebook", 3,
     False),
    ("Mike O'Brien", "dispatch", "dispatch lead",
     "courier liaison, lost parcels, warehouse backlog, redelivery", "twitter", 5, False),
    ("Jade Thompson", "dispatch", "logistics coordinator",
     "order tracking, delivery slots, damaged parcels, international shipping",
     "twitter;facebook", 5, True),
    ("Fatima Ali", "hr", "talent acquisition partner",
     "job applications, internships, graduate scheme, interviews", "facebook;twitter", 4, True),
    ("George Evans", "hr", "HR business partner",
     "benefits, hybrid working, visa sponsorship, employee relations", "facebook", 2, False),
    ("Yuki Tanaka", "product", "product specialist",
     "descaling, grinder settings, cleaning, app pairing, firmware", "reddit;instagram", 6,
     True),
    ("Oliver Grant", "product", "app product manager",
     "app pairing, wifi and bluetooth, firmware updates, schedules", "reddit", 3, False),
    ("Marta Rossi", "product", "head barista trainer",
     "espresso recipes, dialling in, milk steaming, latte art", "instagram;reddit", 8, True),
]


# --------------------------------------------------------------------------- text helpers


def _as_generator(random_state) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from anything ``check_random_state`` accepts.

    A Generator is used as it is (so blocks called with one share its stream); a seed, a
    ``RandomState`` or ``None`` go through :func:`sklearn.utils.check_random_state` and seed
    a Generator from it.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    state = check_random_state(random_state)
    return np.random.default_rng(int(state.randint(0, 2**31 - 1)))


def _spec(key: str) -> dict:
    if key in TOPICS:
        return TOPICS[key]
    if key in TRAPS:
        return TRAPS[key]
    known = ", ".join(sorted(TOPICS) + sorted(TRAPS))
    raise InputError(f"unknown topic {key!r}; use one of: {known}")


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(template: str, slots: dict, rng: np.random.Generator) -> str:
    """Fill ``{slot}`` placeholders from ``slots`` then :data:`SLOTS`; one draw per name."""
    chosen: dict[str, str] = {}

    def pick(match: re.Match) -> str:
        name = match.group(1)
        if name not in chosen:
            values = slots[name] if name in slots else SLOTS[name]
            if callable(values):
                chosen[name] = str(values(rng))
            elif isinstance(values, str):
                chosen[name] = values
            else:
                chosen[name] = str(values[int(rng.integers(len(values)))])
        return chosen[name]

    return _SLOT.sub(pick, template)


def _key(text: str) -> str:
    """Text reduced to lower-case letters and digits, to spot trivial variants."""
    return re.sub(r"[^a-z0-9]+", "", text.lower().replace(BRAND, ""))


def _typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = candidates[int(rng.integers(len(candidates)))]
    w = words[i]
    j = int(rng.integers(1, len(w) - 2))
    if rng.random() < 0.5:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        w = w[:j] + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def _roughen(text: str, spec: dict, rng: np.random.Generator, *, mention: bool = False) -> str:
    """Make a clean sentence read like a social post: case, typos, emoji, tags, mentions."""
    if rng.random() < 0.15:
        text = _typo(text, rng)
    if rng.random() < 0.22:
        text = text.lower()
    if rng.random() < 0.12 and text[-1:] in ".?!":
        text = text[:-1]
    elif rng.random() < 0.08 and text[-1:] in ".?!":
        text = text + text[-1]
    if mention and rng.random() < 0.1:
        text = f"{BRAND} {text}"
    emoji = spec.get("emoji", ())
    if emoji and rng.random() < 0.3:
        text = f"{text} {''.join(rng.choice(emoji, size=int(rng.integers(1, 3))))}"
    tags = spec.get("hashtags", ())
    if tags and rng.random() < 0.3:
        picked = rng.choice(tags, size=min(len(tags), int(rng.integers(1, 3))), replace=False)
        text = f"{text} {' '.join('#' + t for t in picked)}"
    return text


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _clause(spec: dict, rng: np.random.Generator, exclude: set[int]) -> str:
    """One core phrasing of the topic: a filled template, sometimes cut to one sentence."""
    templates = spec["templates"]
    i = int(rng.integers(len(templates)))
    for _ in range(4):  # prefer a template this post has not used yet
        if i not in exclude:
            break
        i = int(rng.integers(len(templates)))
    exclude.add(i)
    text = _fill(str(templates[i]), spec.get("slots", {}), rng)
    parts = [p for p in _SENTENCE_END.split(text) if p]
    if len(parts) > 1 and rng.random() < 0.6:
        text = parts[int(rng.integers(len(parts)))]
    return text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) < 2 else text


def _post_text(spec: dict, rng: np.random.Generator) -> str:
    """A post built from independently drawn fragments of the topic.

    Two or three core phrasings (filled templates, sometimes cut to one sentence) are mixed
    with optional context, detail and ask fragments, so that every post is a different mix
    and the topic forms one broad cloud instead of one tight island per template.
    """
    slots = spec.get("slots", {})
    n_core = int(rng.choice(3, p=(0.05, 0.45, 0.5))) + 1
    used: set[int] = set()
    pieces = [_clause(spec, rng, used)]
    for _ in range(n_core - 1):
        glue = str(rng.choice(GLUE))
        clause = _clause(spec, rng, used)
        pieces.append(f"{glue} {_lower_first(clause)}" if glue else clause)
    followups = spec.get("followups", ())
    if followups and rng.random() < 0.4:
        pieces.insert(int(rng.integers(1, len(pieces) + 1)),
                      _fill(str(rng.choice(followups)), slots, rng))
    if len(pieces) > 1 and rng.random() < 0.3:
        order = rng.permutation(len(pieces))
        pieces = [pieces[j] for j in order]
        pieces = [p[0].upper() + p[1:] if p[:1].islower() and " " in p else p for p in pieces]
    text = " ".join(pieces)
    if rng.random() < 0.25:
        text = f"{text} {rng.choice(ASKS)}"
    if rng.random() < 0.2:
        text = f"{rng.choice(OPENERS)} {_lower_first(text)}"
    return _roughen(text, spec, rng, mention=spec.get("mention", True))


def _reply_text(spec: dict, parent_author: str, rng: np.random.Generator) -> str:
    replies = spec.get("replies", ())
    text = _post_text(spec, rng)
    if replies and rng.random() < 0.4:
        reply = _fill(str(rng.choice(replies)), spec.get("slots", {}), rng)
        text = f"{reply} {_lower_first(text)}" if rng.random() < 0.6 else f"{text} {reply}"
    elif rng.random() < 0.4:
        text = f"{rng.choice(REPLY_OPENERS)} {text}"
    if rng.random() < 0.35:
        text = f"{parent_author} {text}"
    return text


def _brand_broadcast(spec: dict, rng: np.random.Generator) -> str:
    text = _fill(str(rng.choice(spec["brand"])), spec.get("slots", {}), rng)
    tags = spec.get("hashtags", ())
    if tags and rng.random() < 0.4:
        text = f"{text} #{rng.choice(tags)}"
    return text


# --------------------------------------------------------------------------- people and time


def _make_handles(n: int, rng: np.random.Generator) -> list[str]:
    handles: dict[str, None] = {}
    while len(handles) < n:
        style = _STYLES[int(rng.integers(len(_STYLES)))]
        handle = "@" + style.format(
            f=_FIRST[int(rng.integers(len(_FIRST)))],
            l=_LAST[int(rng.integers(len(_LAST)))],
            n=int(rng.integers(1, 99)),
        )
        handles.setdefault(handle)
    return list(handles)


def _assign_authors(n_posts: int, pool: Sequence[str], rng: np.random.Generator) -> list[str]:
    """Every handle posts at least once (when there is room); the rest is Zipf-skewed."""
    pool = list(pool)
    first = list(rng.permutation(pool))[:n_posts]
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
    order = rng.permutation(len(pool))
    extra = [pool[order[j]] for j in rng.choice(len(pool), n_posts - len(first),
                                                 p=weights / weights.sum())]
    out = first + extra
    return [str(a) for a in rng.permutation(out)]


def _random_time(t0: pd.Timestamp, days: float, rng: np.random.Generator) -> pd.Timestamp:
    day = int(rng.integers(0, max(1, int(days))))
    hour = int(rng.choice(24, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()))
    minute = int(rng.integers(60))
    return t0 + pd.Timedelta(days=day, hours=hour, minutes=minute)


def _pick_parent(rows: list[dict], author: str, end: pd.Timestamp, rng: np.random.Generator):
    """An earlier post by someone else with at least two minutes left before ``end``."""
    recent = rows[-60:]
    for _ in range(5):
        parent = recent[int(rng.integers(len(recent)))]
        if parent["author"] != author and (end - parent["_time"]) > pd.Timedelta(minutes=2):
            return parent
    return None


def _choose(weights: dict[str, float], rng: np.random.Generator) -> str:
    names = list(weights)
    p = np.array([weights[k] for k in names], float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


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
    frame["timestamp"] = [t.strftime(_TS_FORMAT) for t in frame["_time"]]
    return frame[list(POST_COLUMNS + TRUTH_COLUMNS)].astype(object)
