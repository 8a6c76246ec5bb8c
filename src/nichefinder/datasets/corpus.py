"""The sample corpus of ``sample_data/``: blocks on one time line, and the company's staff."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .blocks import (
    POST_COLUMNS,
    TRUTH_COLUMNS,
    make_campaign,
    make_chatter,
    make_group,
    make_niche,
    make_spike,
)
from .people import as_generator, make_handles
from .text import DATA

__all__ = ["SAMPLE_GROUPS", "combine_posts", "make_sample_corpus", "make_staff_roster",
           "split_truth"]


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
    rng = as_generator(random_state)
    blocks = []
    for key, n_posts, n_authors in SAMPLE_GROUPS:
        blocks.append(make_group(key, n_posts, n_authors, random_state=rng))
    community = make_handles(150, rng)
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
    staff = pd.DataFrame([tuple(row) for row in DATA["staff"]], columns=columns)
    staff["hours_per_week"] = staff["hours_per_week"].astype(int)
    staff["social_active"] = staff["social_active"].astype(bool)
    return staff
