"""Column names: the usual names of every known column, across platforms and listening tools.

:data:`ALIASES` is the one table of them. :func:`resolve_columns` maps a file's header onto the
known columns: a ``--columns`` mapping first, then a listening-tool preset, then the file's own
names (``text``, ``author``, ...), then the aliases, whether or not ``--columns`` named other
columns. :func:`free_text_column` finds the column that holds the free text (the longest, most
varied strings, never an id) for the fix an error suggests.

Examples
--------
>>> used = resolve_columns(["body", "user", "created_at"], {})
>>> used["text"], used["author"], used["timestamp"]
('body', 'user', 'created_at')
>>> describe_columns(used)
'text <- body, author <- user, timestamp <- created_at'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["ALIASES", "describe_columns", "free_text_column", "known_name", "resolve_columns"]

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "post_id", "message_id", "tweet_id", "status_id", "comment_id", "mention_id",
           "resource_id", "guid", "uid", "item_id", "id_str", "url", "permalink", "link"),
    "text": ("text", "body", "message", "content", "full_text", "comment", "tweet", "post",
             "caption", "description", "selftext", "snippet", "post_message", "message_text",
             "comment_text", "post_text", "tweet_text", "text_content", "mention", "review",
             "hit_sentence", "title"),
    "author": ("author", "user", "username", "user_name", "screen_name", "handle", "author_name",
               "from_user", "from", "user_screen_name", "author_handle", "author_username",
               "account", "account_name", "profile", "profile_name", "sender", "poster",
               "posted_by", "name", "nickname", "user_id", "author_id", "from_id"),
    "timestamp": ("timestamp", "created_at", "date", "published_at", "time", "datetime",
                  "created", "created_time", "created_utc", "published", "posted_at", "post_date",
                  "date_time", "sent_at", "updated_at", "time_stamp", "date_gmt",
                  "timestamp_utc", "date_utc", "creation_date", "publish_date"),
    "platform": ("platform", "network", "social_network", "source", "site", "channel",
                 "source_type", "page_type", "medium"),
    "reply_to": ("reply_to", "in_reply_to", "in_reply_to_status_id", "in_reply_to_id",
                 "parent_id", "parent", "reply_to_id", "parent_post_id", "thread_id",
                 "parent_url"),
}
"""Known column -> usual names of it (compared lowercase, with spaces, dots and dashes as
underscores), most telling first. ``text`` is the only required column."""


def known_name(name: str) -> str:
    """The form names are compared in: lowercase, runs of other characters as ``_``.

    Examples
    --------
    >>> known_name("Created At"), known_name("user.screen-name")
    ('created_at', 'user_screen_name')
    """
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def resolve_columns(header: Sequence[str], mapping: Mapping[str, str],
                    preset: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each known column found in ``header``: ``{known: column name in the file}``.

    ``mapping`` (``--columns``) wins, then ``preset``, then an exact known name, then the
    aliases in their order. A file column is used for one known column at most.
    """
    used: dict[str, str] = {}
    taken: set[str] = set()
    for known, name in mapping.items():
        used[known] = name
        taken.add(name)
    for known, name in (preset or {}).items():
        if known not in used and name not in taken:
            used[known] = name
            taken.add(name)
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(known_name(name), name)
    for known in ALIASES:  # exact names first, over every known column
        name = by_key.get(known)
        if known not in used and name is not None and name not in taken:
            used[known] = name
            taken.add(name)
    for known, aliases in ALIASES.items():
        if known in used:
            continue
        for alias in aliases:
            name = by_key.get(alias)
            if name is not None and name not in taken:
                used[known] = name
                taken.add(name)
                break
    return used


def describe_columns(used: Mapping[str, str]) -> str:
    """``text <- body, author <- user, ...``: the columns used, known column first."""
    order = ["text", "author", "timestamp", "platform", "id", "reply_to"]
    return ", ".join(f"{k} <- {used[k]}" for k in order if k in used)


_ID_LIKE = re.compile(r"^(?:[0-9]+|[0-9a-f]{8,}|[0-9a-f-]{32,36}|[a-z]+[_:-]?[0-9]+|"
                      r"https?://\S+)$", re.I)


def free_text_column(header: Sequence[str], rows: Iterable[Mapping]) -> str | None:
    """The column holding the free text: the longest, most varied strings, never an id.

    A column whose values look like ids (numbers, hashes, ``t1_abc123``, links), or that holds
    few distinct values, is never chosen. ``None`` when no column qualifies.

    Examples
    --------
    >>> rows = [{"id": str(i), "message": f"my order {i} never came, help", "lang": "en"}
    ...         for i in range(20)]
    >>> free_text_column(["id", "message", "lang"], rows)
    'message'
    """
    values: dict[str, list[str]] = {h: [] for h in header}
    for record in rows:
        for h in header:
            v = record.get(h)
            if isinstance(v, str) and v.strip():
                values[h].append(v.strip())
    best, best_score = None, 0.0
    for h, vals in values.items():
        if not vals or known_name(h) in ALIASES["id"]:
            continue
        if sum(bool(_ID_LIKE.match(v)) for v in vals) > len(vals) / 2:
            continue
        distinct = len(set(vals)) / len(vals)
        words = sum(len(v.split()) for v in vals) / len(vals)
        if distinct < 0.3 or words < 2:
            continue
        score = words * distinct * (sum(map(len, vals)) / len(vals)) ** 0.5
        if score > best_score:
            best, best_score = h, score
    return best
