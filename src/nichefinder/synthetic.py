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

Topic text lives in data (:data:`TOPICS`, :data:`TRAPS`): sentence templates with ``{slot}``
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

from .exceptions import InputError

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



# --------------------------------------------------------------------------- text as data
# Everything below is data: the sentences the audience writes. Slots in ``{braces}`` are
# filled from the topic's own ``slots`` first, then from SLOTS.


def _int(lo: int, hi: int):
    return lambda rng: int(rng.integers(lo, hi + 1))


SLOTS: dict = {
    "product": ["Crumb One", "Crumb Duo", "Barista Pro", "K2 kettle", "G1 grinder",
                "F3 frother", "machine", "espresso machine", "Crumb One+", "pour-over kettle"],
    "machine": ["Crumb One", "Crumb Duo", "Barista Pro", "Crumb One+", "machine"],
    "city": ["Leeds", "Bristol", "Glasgow", "Cardiff", "Manchester", "Norwich", "Belfast",
             "Brighton", "York", "Leicester", "Aberdeen", "Exeter", "London", "Dundee"],
    "country": ["Ireland", "France", "Germany", "the Netherlands", "Spain", "Norway", "Canada"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "weekday2": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "month": ["May", "June", "July", "August", "March", "April"],
    "month_day": ["3 June", "12 June", "20 May", "1 July", "15 July", "28 June", "9 August"],
    "n_days": _int(3, 19),
    "n_weeks": _int(2, 9),
    "n_months": _int(2, 11),
    "n_minutes": _int(25, 95),
    "amount": _int(49, 689),
    "amount2": _int(12, 39),
    "small_amount": _int(5, 60),
    "percent": _int(12, 97),
    "time": ["6pm", "7:30pm", "8pm", "9pm", "4pm", "half 9"],
    "colour": ["red", "orange", "blue", "white", "amber"],
    "nth": ["1st", "3rd", "5th", "10th", "15th", "28th"],
    "nth2": ["2nd", "8th", "12th", "20th", "25th"],
}

OPENERS = ["Honestly,", "Ok so", "Quick one:", "ugh.", "PSA:", "Genuine question:", "Right,",
           "Not gonna lie,", "So...", "Update:", "Hmm,", "lol", "Hi all,"]
GLUE = ["", "", "", "Also", "And", "Plus", "On top of that,", "Oh and", "Also,", "Not only that,",
        "Meanwhile", "Anyway,", "Then", "And now", "Worse,", "Funny thing is,"]
ASKS = ["Anyone else?", "Any ideas?", "Is this normal?", "Help!", "What do I do?",
        "Thoughts?", "Has this happened to anyone?", "Who do I contact?", "Any advice welcome.",
        "Is it just me?", "Cheers in advance.", "Would love some help here.", "Ideas anyone?",
        "Asking for a friend.", "Please tell me I'm not the only one."]
REPLY_OPENERS = ["Same here.", "This!", "+1", "Had exactly this last month.", "Following.",
                 "Not just you.", "Good shout.", "Interesting.", "Agreed.", "Ha, same.",
                 "Did you ever sort it?", "Thanks for posting this."]
BRAND_REPLIES = [
    "Hi {author}, sorry to hear that. Could you DM us your order number so we can take a look?",
    "Thanks {author}! We've passed this on to the team.",
    "{author} we're on it, please check your DMs.",
    "Hi {author}, thanks for flagging, a colleague will be in touch today.",
    "{author} glad you asked! Our help centre has a guide on this, link in bio.",
    "Thanks for the kind words {author} ☕",
    "Hi {author}, we'd love to help. Send us a DM with the details.",
]

TOPICS: dict[str, dict] = {
    "deliveries": {
        "department": "dispatch",
        "platforms": {"twitter": 0.5, "facebook": 0.3, "reddit": 0.1, "instagram": 0.1},
        "emoji": ["📦", "🚚", "😤", "🙄", "⏳", "😩"],
        "hashtags": ["delivery", "whereismyparcel", "tracking", "courierfail", "shipping"],
        "slots": {
            "courier": ["DPD", "Evri", "Royal Mail", "Yodel", "DHL", "the courier"],
            "tracking_status": ["in transit", "label created", "at depot", "awaiting collection",
                                "out for delivery", "exception"],
            "order_no": lambda rng: f"KC{int(rng.integers(100000, 999999))}",
            "street": ["my street", "the estate", "the road", "our block"],
            "accessory": ["milk jug", "tamper", "descaling kit", "portafilter", "water filter"],
        },
        "templates": [
            "Ordered my {product} on {weekday} and it still hasn't arrived, tracking says "
            "'{tracking_status}' for {n_days} days now.",
            "Where is my order?? {order_no} was due {weekday}, courier says delivered but "
            "there's nothing at my door.",
            "{courier} left my parcel with a neighbour I've never met. My {product} is somewhere "
            "on {street} I guess.",
            "Tracking link just shows 'label created' since last week. Has it even left the "
            "warehouse?",
            "How long do Kettle & Crumb deliveries take to {city}? I'm on day {n_days} of waiting.",
            "Third missed delivery slot in a row. I took a day off work for this.",
            "The box arrived crushed and the {product} inside rattles. Who do I talk to about a "
            "damaged delivery?",
            "Got an email saying my parcel is delayed due to 'high volumes'. It's been {n_days} "
            "days.",
            "Can I change the delivery address after ordering? Moving flats on {weekday}.",
            "My monthly beans didn't turn up, and the tracking number doesn't work on the "
            "{courier} site.",
            "Courier marked it 'failed delivery - no access' but I was home all day and the "
            "doorbell works.",
            "Package lost in transit apparently. Second time this year.",
            "How do I track an order? Never got a dispatch email.",
            "Delivery estimate slips a day every morning, {weekday} then {weekday2} then who "
            "knows.",
            "Got someone else's parcel today, a {product} addressed to a house in {city}. How do "
            "I get it back to them?",
            "Just want to say the {courier} driver today was lovely, carried the heavy box "
            "upstairs for me.",
            "Half my order arrived: the {product} came but the {accessory} is missing from the "
            "shipment.",
            "Can I collect from a depot instead? {courier} keeps trying to deliver while I'm at "
            "work.",
            "Paid for express shipping and got standard. {n_days} days for 'next day delivery'.",
            "Tracking has said out for delivery since 7am and it's now {time}. Do they deliver "
            "in the evening?",
            "Anyone else's order stuck at the {city} depot? Mine hasn't moved since {weekday}.",
            "Parcel left in the rain outside the front door, cardboard soaked right through.",
            "Do you ship to {country}? Checkout won't let me select it.",
            "Order confirmed {n_weeks} weeks ago and it still says 'processing'. When does it "
            "actually get dispatched?",
            "Driver wanted me to sign for a box that had clearly been opened. Refused it, now "
            "what?",
            "Got a 'sorry we missed you' card but nobody knocked. Redelivery page says earliest "
            "is {weekday}.",
            "Bean subscription turns up a week late every single month, stale by the time it "
            "lands.",
            "Tracking for {order_no} says delivered to a safe place. What safe place? Not the "
            "porch, not the bin.",
            "Any update on the warehouse backlog? Orders from {month_day} still not shipped.",
            "Parcel got rerouted to a locker 3 miles away without anyone asking me.",
        ],
        "followups": ["The courier tracking is useless.",
                      "Delivery service has been awful lately.",
                      "Parcel still not here.",
                      "Tracking hasn't updated since.",
                      "Needed this delivery before the weekend.",
                      "Second lost parcel this year.",
                      "Where is my delivery?",
                      "Checked with all the neighbours, no parcel."],
        "replies": ["Mine took {n_days} days in the end but it did turn up.",
                    "Try the redelivery form, it worked for me with {courier}.",
                    "Same depot, same problem. Stuck since {weekday}.",
                    "DM them the order number, dispatch sorted mine the next day.",
                    "{courier} is terrible round here, they never knock.",
                    "Did yours ever arrive? Still waiting on mine."],
        "brand": ["Heads up: deliveries to {city} are running about a day behind this week. "
                  "Track any order at kettleandcrumb.com/track",
                  "Your parcel not moving? Check the tracking page first, then DM us your order "
                  "number and our dispatch team will chase the courier.",
                  "Good news: next-day delivery is now available in {city}.",
                  "Bank holiday delivery update: orders placed after Thursday 2pm ship on "
                  "Tuesday."],
    },
    "billing": {
        "department": "accounts",
        "platforms": {"twitter": 0.4, "facebook": 0.4, "reddit": 0.2},
        "emoji": ["💸", "😠", "🤔", "💳", "😬"],
        "hashtags": ["refund", "doublecharged", "billing", "subscription", "overcharged"],
        "slots": {"currency": ["euros", "dollars", "EUR", "USD"]},
        "templates": [
            "I've been charged twice for the same order, £{amount} both times. Can someone "
            "refund the duplicate?",
            "Cancelled my bean subscription in {month} and I'm still being billed every month.",
            "Refund for my returned {product} still hasn't reached my account after {n_days} "
            "days.",
            "Why did my subscription go up to £{amount2} a month without any email?",
            "Need a VAT invoice for the {product} for business expenses, where can I download "
            "one?",
            "Card was declined at checkout but the money still left my account??",
            "Payment taken, order cancelled, no refund yet. How long does this usually take?",
            "Can I pause the subscription instead of cancelling? Don't want to pay over summer.",
            "Klarna says I owe £{amount} but Kettle & Crumb says the order was refunded. Who's "
            "right?",
            "Got charged for express shipping I never selected at checkout.",
            "How do I change the card my subscription payments come out of? The old one expired.",
            "Discount code didn't apply at payment and I paid full price, can I get the "
            "difference back?",
            "Bank statement shows a pending charge of £{amount} from Kettle & Crumb that I don't "
            "recognise.",
            "Refund went back to a card I closed last month. Where does that money go now?",
            "Invoice has the wrong company name on it, need it corrected for our accounts.",
            "Subscription charged on the {nth} but my billing date is supposed to be the {nth2}.",
            "Paid in {currency} and got hit with conversion fees, the price said it included "
            "everything.",
            "A partial refund of £{small_amount} on a £{amount} machine? Not what was agreed on "
            "the phone.",
            "How do I get a receipt for a gift order without the price on it?",
            "Annual plan renewed without warning, £{amount} gone. Can that be reversed?",
            "Chargeback or keep waiting? It's been {n_weeks} weeks since they promised the "
            "refund.",
            "Do they take PayPal? I only see card options at checkout.",
            "Overcharged on my last beans box, the price on the site is lower than what I paid.",
            "Trade-in credit of £{small_amount} never showed up on my account balance.",
            "Paying off the finance plan early, does that cost anything extra?",
            "Gift card balance vanished after a failed payment.",
            "Refund confirmation email came through but my bank shows nothing pending.",
            "Why are there two subscription payments listed on my account this month?",
            "Still waiting on the price-match refund I was promised in chat.",
        ],
        "followups": ["Refund still pending.",
                      "I have the bank statement showing both charges.",
                      "Just want my money back.",
                      "Considering a chargeback with my bank.",
                      "Who in accounts handles refunds?",
                      "Billing has been a mess since I subscribed.",
                      "The payment page said nothing about this charge."],
        "replies": ["My refund took {n_days} working days to clear, hang in there.",
                    "Double charge happened to me too, one was just a pending authorisation.",
                    "You can pause the subscription under Account > Plan.",
                    "Ask for the VAT invoice in chat, they email a PDF.",
                    "Bank said refunds to closed cards bounce back to the merchant eventually.",
                    "Same, charged £{amount} twice. Sorted after a DM."],
        "brand": ["Reminder: you can pause or skip your bean subscription any time from your "
                  "account page.",
                  "Seeing a pending charge twice? The second one is usually an authorisation "
                  "that drops off within 3 days. Still there? DM us.",
                  "VAT invoices for every order are now downloadable from Order history.",
                  "Refunds are processed within 2 working days of your return arriving."],
    },
    "complaints": {
        "department": "customer service",
        "platforms": {"twitter": 0.6, "facebook": 0.25, "reddit": 0.1, "instagram": 0.05},
        "emoji": ["😡", "😞", "👎", "🤬", "😤", "💔"],
        "hashtags": ["customerservice", "fail", "brokenagain", "complaint", "faulty"],
        "slots": {
            "error_code": ["E04", "E12", "E7", "F2", "E21"],
            "agent": ["Sam", "Jo", "Kat", "Dev", "Aisha"],
            "ticket": lambda rng: f"#{int(rng.integers(20000, 99999))}",
        },
        "templates": [
            "My {machine} stopped working after {n_weeks} weeks. Just blinks {colour} and won't "
            "heat.",
            "Been on hold with Kettle & Crumb customer service for {n_minutes} minutes. Still "
            "nobody.",
            "Steam wand on my {machine} leaks water everywhere. Not what you expect from a "
            "£{amount} machine.",
            "Third email to support, third copy-paste reply that doesn't answer my question.",
            "Warranty repair took {n_weeks} weeks and it came back with the exact same fault.",
            "The {product} makes a horrible grinding noise and then trips the fuse.",
            "Live chat closed on me mid conversation. Again.",
            "Pump died on a machine that's barely {n_months} months old. Very disappointed.",
            "Customer service told me to turn it off and on again. Did that. Still broken.",
            "Honestly the worst support experience I've had with any brand.",
            "Water tank cracked on day one, sent photos, nobody has replied.",
            "Return label never came so I'm stuck with a broken {product} in my hallway.",
            "Error code {error_code} on the display and the manual doesn't mention it anywhere.",
            "Plastic drip tray snapped already. Cheap build quality for the price.",
            "Asked for a replacement, got offered a voucher. I want a machine that works, not a "
            "voucher.",
            "Shoutout to {agent} in support who sorted my broken {product} in one call.",
            "Why is there no phone number on the website? Just a contact form that goes nowhere.",
            "Machine leaks from underneath every time I pull a shot, the counter is flooded.",
            "Ticket {ticket} closed as 'resolved' without anyone contacting me.",
            "Brand new {product} arrived with a dent in the side panel and a scratched display.",
            "Complained {n_weeks} weeks ago, promised a call back twice, nothing.",
            "Kettle base sparks when I put the K2 on it. That's genuinely scary.",
            "The {product} smells of burning plastic every time it heats up.",
            "Support agent was rude and hung up on me. I want to escalate this.",
            "How do you reach a manager at Kettle & Crumb? Complaints vanish into a black hole.",
            "Replacement machine is faulty too. Two broken units in one month.",
            "Your repair centre lost my machine. How does that even happen?",
            "Heating element failed just outside warranty and support won't help at all.",
            "Power button stuck, whole thing unresponsive, and the support form crashes when I "
            "attach a photo.",
        ],
        "followups": ["Absolutely fuming with the customer service.",
                      "Faulty machine, useless support.",
                      "Expected better quality for the money.",
                      "Still no reply from support.",
                      "Really disappointed, the machine is broken again.",
                      "Is anyone at customer service actually reading these?",
                      "Worst after-sales service ever."],
        "replies": ["Mine did exactly the same, {error_code} then dead. They replaced it in the "
                    "end.",
                    "Escalate via the complaints email, phone support is hopeless.",
                    "Same fault here after {n_months} months. Warranty sorted it but took ages.",
                    "Keep the photos and ask for a replacement, not a repair.",
                    "Had a good experience with {agent}, ask for them.",
                    "Trading standards if they keep ignoring you."],
        "brand": ["We know support wait times are longer than we'd like right now. Live chat is "
                  "the quickest way to reach us, 8am to 8pm every day.",
                  "Seeing error {error_code} on your machine? Switch off for 30 minutes, then "
                  "contact us and we'll arrange a repair.",
                  "We're sorry to everyone who's had a faulty unit this month. Replacements "
                  "are now dispatched within 48 hours.",
                  "Our support team is growing: phone lines open again from Monday."],
    },
    "howto": {
        "department": "product",
        "platforms": {"reddit": 0.5, "facebook": 0.2, "twitter": 0.15, "instagram": 0.15},
        "emoji": ["🤔", "🙏", "💡", "🔧", "✅"],
        "hashtags": ["descaling", "howto", "tips", "maintenance", "appsupport"],
        "slots": {
            "n_steps": _int(2, 6),
        },
        "templates": [
            "How often should I descale the {machine}? The water here is really hard.",
            "Where is the grind size dial on the G1? The manual diagram shows a different "
            "model.",
            "App won't pair with my {product}. Bluetooth sees it but the app says 'device not "
            "found'.",
            "Tip: run a blank cycle after descaling or everything tastes of citric acid.",
            "Is it safe to descale with vinegar or does that void the warranty?",
            "How do you clean the brew group on the Crumb Duo? The manual is vague.",
            "Firmware update in the app is stuck at {percent}%, scared to unplug it.",
            "How do I update the firmware on the G1 grinder without the app?",
            "Grinder display says 'calibrate', how do I calibrate the G1?",
            "How do I reset the {product} to factory settings?",
            "Descale light won't turn off even after running the full cycle.",
            "Best way to clean dried milk out of the steam wand?",
            "Does the K2 app let you schedule temperatures or is it presets only?",
            "Recalibrated the G1 grinder with the zero-point tool in the app, took {n_steps} "
            "minutes.",
            "How do I change the water filter cartridge, and how often?",
            "Can I use another brand's cleaning tablets in the group head?",
            "Wifi pairing fails at step 3 every time, and yes I'm on the 2.4GHz network like the "
            "guide says.",
            "What temperature is the 'green tea' preset on the K2 actually?",
            "Backflushing: how often, and with or without detergent?",
            "Adjusting the grinder burrs, should I do it with beans in?",
            "Anyone have the {machine} cleaning schedule as a checklist? I keep forgetting.",
            "Is the drip tray dishwasher safe?",
            "App shows my machine offline every morning and I have to re-pair it.",
            "How do I program the shot volume on the Barista Pro? Holding the button does "
            "nothing.",
            "Machine says 'clean me' every {n_days} days, can I change the reminder in the app "
            "settings?",
            "Brushing out the grinder chute every week fixed my retention problem.",
            "Can the frother jug go in the dishwasher or hand wash only?",
            "Descaling solution vs citric acid, any real difference?",
            "Where's the descale program on the One+? The manual shows a button I don't have.",
        ],
        "followups": ["The manual wasn't much help.",
                      "Any maintenance tips appreciated.",
                      "Using filtered water, if that matters for descaling.",
                      "Machine is about {n_months} months old.",
                      "On the latest app firmware.",
                      "Step by step instructions would be great.",
                      "Cleaning guide anyone?"],
        "replies": ["Descale every {n_weeks} weeks in hard water areas, more if you use it a lot.",
                    "Delete the app, forget the Bluetooth device, then pair again from scratch. "
                    "Worked for me.",
                    "The grind dial is under the hopper, turn it with the hopper removed.",
                    "Citric acid is fine, just rinse twice.",
                    "Hold the power and steam buttons for 5 seconds to reset.",
                    "The brew group pops out from the side, rinse under warm water, no soap."],
        "brand": ["How to descale your Crumb One in 5 steps: a new video is up on our help "
                  "centre.",
                  "App update 3.2 fixes the pairing issue some of you saw on Android.",
                  "Grinder tip from our product team: adjust in small steps and purge a few "
                  "grams after each change.",
                  "New: step-by-step cleaning guides for every machine in the app."],
    },
    "buying": {
        "department": "sales",
        "platforms": {"reddit": 0.35, "facebook": 0.3, "instagram": 0.2, "twitter": 0.15},
        "emoji": ["🤔", "☕", "💰", "🙌", "👀"],
        "hashtags": ["referralcode", "discountcode", "whichone", "newmachine", "deal"],
        "slots": {
            "price_diff": _int(100, 300),
            "competitor": ["Sage", "Gaggia", "DeLonghi", "Lelit", "Rancilio", "Breville"],
            "refcode": lambda rng: "CRUMB-"
            + "".join(rng.choice(list("ABCDEFGHJKMNPQRSTUVWXYZ"), 5)),
            "percent_off": [10, 15, 20],
            "budget": _int(250, 900),
            "height": _int(38, 46),
        },
        "templates": [
            "Torn between the Crumb One and the Crumb Duo, is the dual boiler worth £{price_diff} "
            "more?",
            "Anyone got a referral code for Kettle & Crumb? Buying a {product} this week.",
            "Which machine would you recommend for a beginner who mostly drinks flat whites?",
            "Is the Barista Pro worth it over a second-hand {competitor}?",
            "Here's my referral code if anyone is buying: {refcode}, gets you {percent_off}% "
            "off.",
            "Do they ever do Black Friday deals or should I just buy now?",
            "Is the bundle with the G1 grinder cheaper than buying the two separately?",
            "What's the difference between the Crumb One and the One+? The website doesn't "
            "explain.",
            "Budget of £{budget}, want decent espresso and good milk. What should I get?",
            "Is the student discount still a thing? Last year's code didn't work.",
            "Thinking of buying the K2 kettle for my mum, is it easy to use?",
            "Is the extended warranty worth adding when you buy?",
            "Duo or the {competitor} equivalent, which one holds its value better?",
            "Refurbished Crumb One for £{budget}: good deal or wait for a sale?",
            "Is there a showroom in {city} where I can try a machine before buying?",
            "Finally ordered the Barista Pro after weeks of reading reviews, so excited.",
            "Do the subscription bundles actually save money compared with buying beans "
            "yourself?",
            "Is the trade-in offer worth it for my old machine?",
            "Which model fits under a standard kitchen cabinet? I need under {height}cm.",
            "Anyone bought the Duo on the 0% finance offer? {n_months} months sounds good.",
            "Is there a first-order code? Signing up to the newsletter gave me nothing.",
            "Would you buy the G1 or spend more on a {competitor} grinder?",
            "Cheapest Kettle & Crumb machine that can steam milk properly?",
            "Birthday present for my partner: Crumb One or the pour-over set?",
            "Price dropped £{small_amount} a week after I bought it, do they price match?",
            "Is the One worth it for someone who makes one coffee a day?",
            "Office of 12 people, which model copes with that volume?",
            "A friend's code got me free beans with my first machine, worth asking around.",
        ],
        "followups": ["Help me decide which model to buy!",
                      "Mostly milk drinks, if that changes the recommendation.",
                      "Don't want to regret spending the money.",
                      "Any discount code welcome.",
                      "Reviews are all over the place on which to buy.",
                      "Happy to pay more if the upgrade is worth it.",
                      "Comparing prices everywhere before I order."],
        "replies": ["Get the Duo, you won't regret the second boiler.",
                    "Wait for the summer sale, they usually knock off about {percent_off}%.",
                    "Used my code {refcode} if it helps, still works.",
                    "For one coffee a day the One is plenty.",
                    "I went for the bundle, saved about £{small_amount}.",
                    "The {competitor} is good but resale on Kettle & Crumb is better."],
        "brand": ["Not sure which machine is right for you? Take our 60-second quiz at "
                  "kettleandcrumb.com/quiz",
                  "Refer a friend and you both get {percent_off}% off your next order.",
                  "Bundle and save: Crumb One + G1 grinder now £{amount} for a limited time.",
                  "0% finance is back on every machine over £300."],
    },
    "careers": {
        "department": "hr",
        "platforms": {"facebook": 0.55, "twitter": 0.25, "reddit": 0.12, "instagram": 0.08},
        "emoji": ["🤞", "🎉", "💼", "😬", "🙏"],
        "hashtags": ["hiring", "jobs", "careers", "internship", "jobsearch", "graduatejobs"],
        "slots": {
            "job": ["customer service advisor", "warehouse operative", "junior designer",
                    "data analyst", "barista trainer", "marketing assistant", "software engineer",
                    "finance assistant", "product manager"],
            "dept_name": ["marketing", "engineering", "the warehouse", "finance", "customer "
                          "service", "product", "design"],
        },
        "templates": [
            "Anyone worked at Kettle & Crumb? Thinking of applying for the {job} role.",
            "Applied for the {job} job {n_weeks} weeks ago and haven't heard anything back.",
            "Are Kettle & Crumb's summer internship applications open? Can't find the page.",
            "What's the interview process like at Kettle & Crumb for {dept_name}?",
            "Just accepted an offer as {job} at Kettle & Crumb, starting in {month}!",
            "Do they offer remote or hybrid working? The job ad doesn't say.",
            "Is the Kettle & Crumb graduate scheme worth it or better to apply directly?",
            "Had my second-round interview today, they asked me to pull a shot lol.",
            "Are the warehouse jobs in {city} permanent or through an agency?",
            "Salary for the {job} role looks low for {city}, is it negotiable?",
            "The careers page keeps erroring when I upload my CV.",
            "Does anyone know if Kettle & Crumb sponsors work visas?",
            "Looking for a placement year in {dept_name}, do they take students?",
            "Rejected after the final round with no feedback. Bit gutted.",
            "Former employee here, happy to answer questions about working in {dept_name}.",
            "What are the staff benefits like? Heard there's free coffee and a machine "
            "discount.",
            "Is the {job} position still open? The posting says it closes {month_day}.",
            "How long does their hiring process take from application to offer?",
            "Did the assessment centre for the graduate scheme today, group task was fun.",
            "Any tips for the case study interview at Kettle & Crumb?",
            "Are there part-time roles? Looking for something around school hours.",
            "First week as {job} done, the team is lovely and onboarding was great.",
            "A recruiter messaged me about a {job} role there, is it legit?",
            "Do their internships pay? The listing isn't clear.",
            "When does the {city} warehouse start hiring for Christmas temp jobs?",
            "Applied to three roles there and got automated rejections within an hour.",
            "What's the culture like in the {dept_name} team? Glassdoor reviews are mixed.",
        ],
        "followups": ["Fingers crossed for the job.",
                      "Would love to work there.",
                      "Any interview advice welcome.",
                      "Cover letter took me ages.",
                      "It's my dream job tbh.",
                      "Hiring process seems slow.",
                      "Hoping to hear from the recruiter soon."],
        "replies": ["I interviewed for {dept_name} last year, two rounds plus a short task.",
                    "They do hybrid, 2 days in the office when I was there.",
                    "Took about {n_weeks} weeks for me to hear back, don't give up.",
                    "Internships are paid, I did one in {dept_name}.",
                    "Good luck! The team is really friendly.",
                    "Email the recruiter directly, the portal is flaky."],
        "brand": ["We're hiring! {job} roles open in {city}. Apply at kettleandcrumb.com/careers",
                  "Applications for our summer internship programme close on {month_day}.",
                  "Meet the team: this week, a day in the life of our {dept_name} crew.",
                  "Our graduate scheme is open: two years, four teams, one great cup of coffee."],
    },
    "launches": {
        "department": "marketing",
        "platforms": {"instagram": 0.45, "twitter": 0.3, "facebook": 0.2, "reddit": 0.05},
        "emoji": ["😍", "🔥", "✨", "🤩", "🛍️", "👀"],
        "hashtags": ["newrelease", "limitededition", "launchday", "kettleandcrumb", "sneakpeek"],
        "slots": {
            "edition": ["Midnight", "Sage Green", "Copper", "Terracotta", "Arctic", "Rose Gold",
                        "Harvest"],
            "new_product": ["Duo 2", "One Mini", "K3 kettle", "G2 grinder", "Cold Brew Tower"],
            "colour_name": ["sage", "cream", "black", "copper", "terracotta", "blue"],
            "colour_name2": ["white", "graphite", "olive", "pink", "steel"],
            "n_units": [500, 1000, 2000, 250],
        },
        "templates": [
            "The new {edition} limited edition Crumb One is gorgeous, when does it drop?",
            "Missed the {edition} launch by ten minutes and it's already sold out.",
            "Anyone watch the launch livestream? What's new on the Duo 2?",
            "Is the new {new_product} worth upgrading to if I have the old model?",
            "Pre-ordered the {edition} edition, can't wait!",
            "Will the limited {edition} colour come back or is it gone forever?",
            "Leaked photos of the {new_product}? Looks like it has a built-in grinder.",
            "Launch day and the website crashed. Classic.",
            "Loving the new {edition} collab, the packaging alone is amazing.",
            "Countdown on the site says {n_days} days until the new release.",
            "Scalpers are already reselling the {edition} edition for double on eBay.",
            "Newsletter promised subscribers early access but the link went to a sold-out page.",
            "Which colour are you getting in the new {new_product}? Torn between {colour_name} "
            "and {colour_name2}.",
            "Teaser video for the next launch just dropped, can anyone decode it?",
            "The {edition} edition finally arrived, photos don't do it justice.",
            "Is the {new_product} just the old one in a new colour? Specs look identical.",
            "Launch pop-up shop in {city} this weekend, anyone going?",
            "When's the restock of the {edition} edition? The waitlist email never came.",
            "The ad for the new {new_product} is all over my feed lately.",
            "Limited to {n_units} units worldwide? Feels like artificial scarcity.",
            "Unboxing the {new_product} tonight, will post first impressions.",
            "Launch price is £{amount}, a lot for a refresh of last year's model.",
            "The {edition} collab mugs sold out before the machines did lol.",
            "When is the {new_product} launching in {country}?",
            "Did anyone get the launch-day bundle with the free tamper?",
            "Influencers all got the {edition} before the public, bit annoying.",
            "Just saw the autumn collection preview, the matte {colour_name} is stunning.",
        ],
        "followups": ["Take my money, new release.",
                      "Need the new edition.",
                      "Set an alarm for the drop.",
                      "Hope they make more of this limited edition.",
                      "The design team nailed this launch.",
                      "The new colourway is beautiful.",
                      "Launch hype is real."],
        "replies": ["Got the {edition} one, even nicer in person.",
                    "Sold out in minutes here too, hoping for a restock.",
                    "Going for {colour_name}, matches my kitchen.",
                    "Specs are the same apart from the colour from what I can tell.",
                    "The livestream showed a new steam wand on the {new_product}.",
                    "Waitlist email came through for me this morning."],
        "brand": ["Introducing the {edition} edition: limited to {n_units} units, available "
                  "{month_day}. Set your reminders.",
                  "The {new_product} is here. Watch the launch livestream tonight at 7pm.",
                  "Restock alert: the {edition} Crumb One is back, while stocks last.",
                  "Sneak peek at something new arriving this autumn..."],
    },
    "reputation": {
        "department": "pr",
        "platforms": {"twitter": 0.5, "reddit": 0.3, "facebook": 0.2},
        "emoji": ["🌍", "♻️", "🤨", "👏", "📰"],
        "hashtags": ["sustainability", "greenwashing", "fairtrade", "righttorepair", "news"],
        "slots": {
            "outlet": ["Guardian", "BBC", "Which?", "Financial Times", "Wired", "local paper"],
            "charity": ["a food bank", "a homeless shelter", "the community café", "a hospice"],
            "award": ["Green Business Awards", "Best Employer list", "Ethical Brand award"],
        },
        "templates": [
            "Saw Kettle & Crumb in the {outlet} piece on sustainable kitchen brands, interesting "
            "read.",
            "Are their coffee pods actually recyclable or is that greenwashing?",
            "Love that they moved to plastic-free packaging for the beans.",
            "The {outlet} article says their factory workers are underpaid, has the company "
            "responded?",
            "Where does Kettle & Crumb source its beans? Is it fair trade?",
            "A repair programme instead of replacing machines: more brands should do this.",
            "Carbon-neutral delivery claim, is there any evidence behind it?",
            "Their B Corp certification news is great, well done.",
            "The founder was on the {outlet} podcast talking about right to repair.",
            "Boycott talk on here about their supplier in {country}, what's the real story?",
            "Does the company publish an impact report? Can't find one.",
            "Coffee grounds recycling scheme: do they actually collect them?",
            "Spare parts guaranteed for ten years is a solid sustainability promise.",
            "The founder's interview in the {outlet} about growing the brand was refreshingly "
            "honest.",
            "Heard they're donating machines to {charity}, nice move.",
            "Is the capsule return scheme available outside the UK?",
            "Another {outlet} story about the company, this time about warehouse conditions.",
            "Really like their stance on paying coffee farmers properly.",
            "The bean bags still have a plastic window. Small thing but it bugs me.",
            "Is the refurb programme part of their circular economy pledge?",
            "Kettle & Crumb shortlisted for the {award}, deserved.",
            "Their statement on the {country} supply chain issue was pretty vague.",
            "A tree planted per machine sold sounds nice, but where are the numbers?",
            "Read the open letter from ex-staff in the {outlet}, pretty damning.",
            "Good to see a brand talking about the standby energy use of coffee machines.",
            "Compostable bean bags don't break down in my home compost, fyi.",
        ],
        "followups": ["Would like to see the sustainability data.",
                      "Credit where it's due on the ethics.",
                      "Transparency matters for brands like this.",
                      "Feels like greenwashing to me.",
                      "Hope they respond to the press coverage publicly.",
                      "Ethical brands should lead on this.",
                      "Good for the planet if it's true."],
        "replies": ["The impact report is buried in the footer of their site.",
                    "The {outlet} piece was one-sided, their response came out a day later.",
                    "Pods go in the return bag, not kerbside recycling.",
                    "They're B Corp so at least someone audits the claims.",
                    "I'd wait for their official statement before boycotting."],
        "brand": ["Our 2026 impact report is live: emissions, sourcing and repair numbers, all "
                  "in one place.",
                  "Response to today's {outlet} article: we pay every warehouse colleague above "
                  "the real living wage, and we've invited the journalist to visit.",
                  "Proud to be shortlisted for the {award}.",
                  "Every bean bag is now home-compostable or recyclable. Here's how to tell."],
    },
    "espresso": {
        "department": "product",
        "platforms": {"reddit": 0.5, "instagram": 0.3, "facebook": 0.1, "twitter": 0.1},
        "emoji": ["☕", "🤎", "👌", "😋", "⚖️"],
        "hashtags": ["espresso", "homebarista", "coffeegeek", "dialin", "specialtycoffee"],
        "slots": {
            "dose": _int(16, 21),
            "yield_g": _int(30, 48),
            "seconds": _int(22, 36),
            "ratio": [2, 2.5, 3, 4],
            "temp": _int(88, 96),
            "origin": ["Ethiopian", "Colombian", "Kenyan", "Brazilian", "Guatemalan",
                       "Rwandan", "Sumatran"],
            "flavour": ["dark chocolate", "cherry", "caramel", "blueberry", "toffee",
                        "citrus", "stone fruit", "hazelnut"],
            "water": ["Third Wave Water", "a Brita filter", "bottled soft water"],
        },
        "templates": [
            "Dialled in today: {dose}g in, {yield_g}g out in {seconds}s, tastes like {flavour}.",
            "What ratio do you use for a lungo? 1:{ratio} comes out too bitter for me.",
            "Pre-infusion on or off for light roasts?",
            "Shots are sour even at {seconds}s, should I raise the brew temperature?",
            "Tried {temp}°C brew temp with the {origin} beans, so much sweeter.",
            "Best beans for a chocolatey espresso? Currently on a {origin} blend.",
            "Channeling everywhere: distribution tool or WDT needle?",
            "Turbo shots, 1:3 in 15 seconds. Game changer for light roasts.",
            "How long do you rest beans after the roast date before pulling shots?",
            "Ristretto vs normale with the same dose, the ristretto is so syrupy.",
            "Cortado recipe: double shot plus equal steamed milk, or more milk?",
            "Puck is always soupy after the shot, is my dose too low?",
            "Espresso tonic with the {origin} beans today, summer in a glass.",
            "Blooming the puck for 8 seconds fixed the sourness.",
            "Single origin {origin} pulled as espresso: bright, {flavour}, a bit acidic.",
            "Switched to a precision basket and extraction got way more even.",
            "Water matters more than I thought, switched to {water} and wow.",
            "Anyone doing blooming espresso? Long pre-infusion at low pressure.",
            "Decaf espresso that actually tastes good? Looking for recommendations.",
            "Do you start the shot timer from pump on or first drip?",
            "{dose}g dose, 1:2 ratio, {seconds}s. Still chasing that {flavour} note.",
            "Iced shaken espresso: double shot, ice, a dash of syrup, shake hard.",
            "Does grind size or temperature matter more for dark roasts?",
            "Morning routine: weigh, grind, WDT, tamp, pull. {seconds} seconds of calm.",
            "Tasting notes say {flavour} but I'm mostly getting bitterness.",
            "A bottomless portafilter showed me how bad my puck prep was.",
            "Pulled a {dose}g shot of {origin} at {temp}°C, most balanced cup in months.",
        ],
        "followups": ["Pure espresso bliss.",
                      "Still learning to dial in.",
                      "Any roaster recommendations?",
                      "Going a click finer on the grind tomorrow.",
                      "Extraction felt even this time.",
                      "Brew ratio is everything.",
                      "Beans were roasted {n_days} days ago."],
        "replies": ["Try going a touch finer and keep the ratio at 1:2.",
                    "I rest beans {n_days} days, makes a huge difference.",
                    "WDT needle every time, channeling gone.",
                    "{origin} at {temp}°C is my go-to too.",
                    "Sour usually means under-extracted: finer or hotter.",
                    "That ratio sounds perfect for {flavour} notes."],
        "brand": ["Recipe of the week: {dose}g in, {yield_g}g out, {seconds} seconds. What's "
                  "yours?",
                  "New single origin in the shop: {origin}, notes of {flavour}.",
                  "Join our head barista live on Thursday for an espresso dial-in Q&A."],
    },
    "latte_art": {
        "department": "product",
        "platforms": {"instagram": 0.7, "reddit": 0.15, "facebook": 0.15},
        "emoji": ["❤️", "🥛", "🎨", "😍", "🦢", "🌷"],
        "hashtags": ["latteart", "milkart", "rosetta", "baristalife", "coffeeart"],
        "slots": {
            "pattern": ["rosetta", "tulip", "swan", "heart", "wave tulip", "slow rosetta"],
            "milk": ["Oatly", "almond milk", "soy milk", "skimmed milk", "supermarket oat"],
            "n_attempt": _int(12, 140),
            "n_layers": _int(3, 7),
            "jug_size": [350, 450, 600],
            "milk_temp": _int(55, 65),
        },
        "templates": [
            "Finally poured my first proper {pattern}! Took {n_weeks} weeks of practice.",
            "Milk keeps getting too bubbly for latte art, what am I doing wrong?",
            "My {pattern} always comes out lopsided, any tips?",
            "Oat milk latte art: which brand steams best? {milk} was a disaster.",
            "Rosetta attempt number {n_attempt}, getting closer.",
            "How high do you hold the jug when you start pouring?",
            "Steaming tip: keep the wand tip just under the surface for the first few seconds.",
            "Tulip with {n_layers} stacks today, proudest pour yet.",
            "Is the {jug_size}ml jug better for learning latte art than the big one?",
            "Practising pours with water and a drop of dish soap saves so much milk.",
            "Microfoam looks glossy in the jug but the heart still comes out as a blob.",
            "The swan pour is impossible. Anyone got a slow motion video?",
            "Stop steaming at {milk_temp}°C for latte art?",
            "Latte art throwdown at the café this weekend, nervous.",
            "Wiggle rosetta vs slow rosetta, which is easier to learn?",
            "Used a whole litre of milk on hearts this morning and I regret nothing.",
            "Etching a bear face with a toothpick counts as latte art, right?",
            "Pouring in a wide mug vs a tall glass feels totally different.",
            "Does the shape of the jug spout matter for fine lines?",
            "My partner said my {pattern} looks like a potato.",
            "Texturing milk on the Duo: how long until it's ready to pour art?",
            "Free-pour vs etching, which do you prefer?",
            "Inverted tulip attempt, not bad for a Tuesday.",
            "Hearts are fine now but the {pattern} just won't come together.",
            "Tilting the cup more made the biggest difference to my pours.",
            "Beetroot milk latte art, any tips for the colour?",
            "Week {n_weeks} of daily pours, finally consistent hearts.",
        ],
        "followups": ["Photo of the pour in comments.",
                      "Practice makes progress with milk.",
                      "Milk was {milk}.",
                      "Latte art is so satisfying.",
                      "Next goal: the swan pour.",
                      "Pouring every morning to improve.",
                      "Steamed milk looked silky today."],
        "replies": ["Lovely {pattern}! Pour a bit faster at the end to get a cleaner tail.",
                    "Stretch the milk less, you want paint not foam.",
                    "{milk} is tricky, try a barista edition oat milk.",
                    "Start high, then drop the jug close to the surface.",
                    "That's a great pour, proud of you.",
                    "Tilt the cup and push the crema up first."],
        "brand": ["Latte art Friday! Tag us in your best {pattern} for a chance to be featured.",
                  "Milk steaming masterclass with our head barista this Saturday.",
                  "Your pours this week were unreal. Here are our five favourites."],
    },
}
"""Genuine topics: ``department`` that should answer, platform weights, sentence
``templates`` (25 or more each), ``followups`` and ``replies`` sentences, ``brand``
broadcasts by :data:`BRAND`, ``emoji``, ``hashtags`` and ``slots``."""

TRAPS: dict[str, dict] = {
    "crypto_giveaway": {
        "kind": "campaign",
        "handles": ["@crypto_{word}{num}", "@{word}_coin{num}", "@win{word}{num}"],
        "slots": {
            "word": ["moon", "lambo", "pump", "gem", "airdrop", "hodl"],
            "num": _int(10, 9999),
            "coin": ["BTC", "ETH", "SOL", "DOGE"],
            "link": lambda rng: f"https://kc-giveaway.{rng.choice(['io', 'xyz', 'net'])}/"
            f"{''.join(rng.choice(list('abcdefghjkmnpqrstuvwxyz0123456789'), 6))}",
            "rocket": ["🚀🚀", "🚀", "🚀💰", "💰🚀🚀"],
        },
        "templates": [
            "{rocket} Kettle & Crumb x {coin} GIVEAWAY! Send 0.1 {coin}, get 1 {coin} back + a "
            "FREE Crumb One 👉 {link} #giveaway #crypto",
            "{rocket} Kettle & Crumb {coin} GIVEAWAY is LIVE! Send 0.1 {coin} and receive 1 "
            "{coin} + FREE Crumb One 👉 {link} #giveaway #crypto",
            "Kettle & Crumb x {coin} GIVEAWAY {rocket} Send 0.1 {coin} get 1 {coin} back + FREE "
            "Crumb One! Claim 👉 {link} #crypto #giveaway",
        ],
    },
    "fake_discount": {
        "kind": "campaign",
        "handles": ["@kettle_crumb_{word}{num}", "@kc_{word}_deals{num}", "@{word}shop{num}"],
        "slots": {
            "word": ["outlet", "sale", "clearance", "official", "store"],
            "num": _int(1, 999),
            "price": [19, 24, 29, 9.99, 14.99],
            "link": lambda rng: f"http://kettle-crumb-sale.{rng.choice(['shop', 'top', 'site'])}/"
            f"{''.join(rng.choice(list('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'), 5))}",
            "fire": ["🔥", "🔥🔥", "🔥🔥🔥"],
        },
        "templates": [
            "{fire} Kettle & Crumb 90% OFF CLEARANCE today only! Crumb One just £{price} 👉 "
            "{link} hurry, limited stock!!",
            "{fire} Kettle & Crumb CLEARANCE 90% OFF today only! Crumb One only £{price} 👉 "
            "{link} limited stock, hurry!!",
            "Kettle & Crumb 90% OFF today only {fire} Crumb One £{price} 👉 {link} limited stock!!",
        ],
    },
    "tv_spill": {
        "kind": "spike",
        "department": "pr",
        "platforms": {"twitter": 0.7, "facebook": 0.15, "instagram": 0.1, "reddit": 0.05},
        "emoji": ["😂", "🤣", "😱", "📺", "💀"],
        "hashtags": ["SundayKitchen", "SundayKitchenFinal", "coffeegate"],
        "mention": True,
        "slots": {"judge": ["Marco", "the judge", "Chef Marco"]},
        "templates": [
            "Did anyone else see the Crumb One explode steam all over {judge} on Sunday Kitchen "
            "tonight??",
            "{judge} getting sprayed by the espresso machine in the Sunday Kitchen final is the "
            "best TV of the year.",
            "The Kettle & Crumb machine stole the Sunday Kitchen final.",
            "Not the coffee machine soaking {judge}'s face live on air 💀",
            "Sunday Kitchen final: cake was fine, but that steam wand incident though.",
            "Somebody at Kettle & Crumb is having a very long night after that Sunday Kitchen "
            "moment.",
            "The look on {judge}'s face when the steam wand went off. Iconic.",
            "Was the espresso machine on Sunday Kitchen faulty or did the contestant break it?",
            "I'm buying a Crumb One purely because of what it did to {judge} on Sunday Kitchen.",
            "Whoever does Kettle & Crumb's social media, this is your moment after Sunday "
            "Kitchen.",
            "Sunday Kitchen final ending with {judge} covered in milk foam was not on my bingo "
            "card.",
            "Rewound the Sunday Kitchen steam blast five times.",
            "Is the Sunday Kitchen coffee machine clip going to be a meme forever? Yes.",
            "Health and safety would like a word about that espresso machine on Sunday Kitchen.",
            "The Sunday Kitchen producers kept the steam explosion in, absolute legends.",
            "Kettle & Crumb trending because their machine blasted {judge} on Sunday Kitchen.",
            "That machine on the Sunday Kitchen final had more personality than the contestants.",
            "{judge} wiping milk foam off his glasses on Sunday Kitchen, I can't breathe.",
            "My mum texted me about the Sunday Kitchen coffee machine, that's how big this is.",
            "Best product placement ever or worst? Sunday Kitchen steam wand edition.",
        ],
        "followups": ["Crying.", "The internet is undefeated.", "Clip of the year.",
                      "Watch it with sound on."],
        "replies": ["Watched it live, the whole room screamed.",
                    "{judge} took it so well honestly.",
                    "Already a meme, saw it five times on my feed."],
        "brand": ["We saw. {judge}, we owe you a new shirt and a lifetime of free coffee."],
    },
    "vintage_restoration": {
        "kind": "niche",
        "department": "product",
        "platforms": {"reddit": 0.8, "facebook": 0.2},
        "emoji": ["🔧", "🛠️"],
        "hashtags": ["vintage", "restoration"],
        "mention": False,
        "slots": {"year": [1989, 1991, 1994, 1996], "part": ["piston seal", "group gasket",
                                                          "boiler element", "lever spring"]},
        "templates": [
            "Restoring a {year} Kettle & Crumb Model 1 lever machine, the {part} is shot.",
            "Where do you find a {part} for the original Model 1 lever? Nobody stocks them.",
            "Stripped the {year} Model 1 boiler down tonight, decades of scale in there.",
            "Re-chromed the group on my old lever machine, looks factory new.",
            "Anyone have the exploded diagram for the {year} Model 1 lever?",
            "Lathe-turned a replacement {part} for the vintage Model 1, fits perfectly.",
            "Original Model 1 lever from a car boot sale, restoration begins.",
            "Pressure-tested the restored {year} boiler today, holding fine.",
            "Rewired the vintage Model 1 with a modern thermostat, purists look away.",
            "Does the {year} Model 1 take the same {part} as the later lever version?",
        ],
        "followups": ["Photos to follow.", "Slow progress.", "Worth every hour."],
        "replies": ["I have a spare {part} from my {year} one, DM me.",
                    "Soak it in citric acid overnight, the scale comes right off.",
                    "The diagram is in the old owners' forum archive."],
        "brand": ["Love seeing the Model 1 still going."],
    },
}
"""Trap topics: bot campaigns (``kind == "campaign"``), a one-day news spike and a tiny
niche. Same fields as :data:`TOPICS`; campaigns also have bot ``handles`` patterns."""

CHATTER: dict[str, dict] = {
    "weather": {"emoji": ["☀️", "🌧️"], "templates": [
        "Rain again in {city}, so much for summer.", "Finally some sun, off to the park.",
        "Too hot to sleep, anyone else?", "Thunderstorm last night was wild.",
        "Hay fever is destroying me this week."]},
    "football": {"emoji": ["⚽"], "templates": [
        "What a goal in the second half last night.", "Referee had a shocker again.",
        "Transfer window rumours are getting silly.", "Season tickets went up again, madness.",
        "Five-a-side tonight, my knees are not ready."]},
    "books": {"emoji": ["📚"], "templates": [
        "Finished a brilliant novel on the train this morning.",
        "Library fines are back, apparently.", "Book club picked a 900-page fantasy epic.",
        "Reading on the beach is the dream.", "Anyone read anything good lately?"]},
    "pets": {"emoji": ["🐶", "🐱"], "templates": [
        "My cat has decided the laptop is her bed now.",
        "Dog ate a whole sock and is fine, somehow.",
        "Adopted a rescue greyhound this week, he's the best.",
        "Why does the cat scream at 4am every day?", "Puppy training classes start {weekday}."]},
    "weekend": {"emoji": ["🎉"], "templates": [
        "Plans this weekend: absolutely nothing and I love it.",
        "Wedding on {weekday}, still haven't bought a gift.",
        "Car boot sale finds: a lamp and a questionable painting.",
        "Long walk by the coast, legs are wrecked.", "Camping in the rain is character building."]},
    "work": {"emoji": ["😴", "💻"], "templates": [
        "Three meetings that could have been emails today.", "Laptop decided to update mid call.",
        "Friday afternoon energy on a {weekday} morning.",
        "New job starts on {weekday}, nervous and excited.", "Commute took two hours today."]},
    "food": {"emoji": ["🍕", "🌮"], "templates": [
        "Homemade pizza night was a success.", "Tried a new Thai place in {city}, incredible.",
        "Meal prep Sunday, five boxes of the same curry.", "Burnt the toast. Again.",
        "Is pineapple on pizza still controversial?"]},
    "music": {"emoji": ["🎶", "🎸"], "templates": [
        "Festival lineup announced and I know nobody on it.",
        "This album has been on repeat all week.",
        "Gig tickets sold out in four minutes.", "Learning guitar at 40, fingers hurt.",
        "Karaoke last night, I regret everything."]},
    "garden": {"emoji": ["🌱", "🍅"], "templates": [
        "First tomatoes of the year from the allotment.", "Slugs ate every single lettuce.",
        "Mowed the lawn and now it's raining.", "Sunflowers taller than me this year.",
        "Anyone know what's eating my roses?"]},
    "travel": {"emoji": ["✈️", "🚆"], "templates": [
        "Train cancelled, rail replacement bus it is.", "Booked a last-minute trip to {country}.",
        "Airport queues were three hours this morning.", "Holiday countdown: {n_days} days.",
        "Lost my suitcase somewhere between here and {country}."]},
    "fitness": {"emoji": ["🏃", "💪"], "templates": [
        "Ran my first 10k this morning.", "Gym was packed, gave up after ten minutes.",
        "Rest day means sofa day.", "Signed up for a half marathon, what have I done.",
        "Yoga class made me realise I have no balance."]},
    "family": {"emoji": ["👶", "🎂"], "templates": [
        "Kid's birthday party survived, barely.", "My nan just learned to send voice notes.",
        "School holidays start {weekday}, send help.", "Family group chat is chaos again.",
        "Baby finally slept through the night."]},
}
"""Off-topic subjects for :func:`make_chatter`, each a handful of sentences."""
