"""Readers: one per input format, each turning a file into rows for :mod:`nichefinder.ingest`.

A reader yields :class:`RawRow` tuples ``(row, record, reason, raw)``: ``record`` is a dict (or
``None`` with a ``reason`` when the row cannot be used) and ``raw`` is the row as it stood in
the file, kept for the rejects table. Tabular readers (CSV, JSON Lines, Parquet) yield records
keyed by the file's own column names; platform readers (X/Twitter archive, Reddit, YouTube,
Facebook, Mastodon) map the platform's documented fields onto nichefinder's columns ``id``,
``text``, ``author``, ``timestamp``, ``platform`` and ``reply_to`` themselves.

CSV and JSON Lines files are streamed line by line, and top-level JSON arrays object by object,
so memory follows the table being built, not the file's size. Platform exports that are one
JSON document (Reddit listings, YouTube responses, Facebook and Mastodon exports) are read whole.

The format comes from the content (see :func:`detect_format`); ``format=`` overrides it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from ...exceptions import InputError
from .base import (
    HEAD_BYTES,
    RawRow,
    Source,
    _sniff_encoding,
    fix_mojibake,
    one_line,
    strip_html,
)
from .platforms import _YTD, read_facebook, read_mastodon, read_reddit, read_twitter, read_youtube
from .tabular import CSV_PRESETS, match_preset, read_csv, read_jsonl, read_parquet

__all__ = [
    "CSV_PRESETS",
    "FORMATS",
    "RawRow",
    "Source",
    "detect_format",
    "fix_mojibake",
    "match_preset",
    "one_line",
    "open_source",
    "strip_html",
]

FORMATS = ("csv", "jsonl", "parquet", "twitter", "reddit", "youtube", "facebook", "mastodon")
"""Values accepted by ``format=`` (``"tsv"``, ``"json"`` and ``"ndjson"`` are aliases)."""

_ALIASES = {"tsv": "csv", "json": "jsonl", "ndjson": "jsonl", "x": "twitter"}


_SIGNS = (
    ("youtube", re.compile(r'"youtube#commentThread|"topLevelComment"')),
    ("mastodon", re.compile(r'"orderedItems"|"OrderedCollection(Page)?"')),
    ("reddit", re.compile(r'"kind"\s*:\s*"(Listing|t[13])"')),
    ("facebook", re.compile(r'"(comments_v2|group_posts_v2|group_comments_v2)"|'
                            r'"data"\s*:\s*\[\s*\{\s*"(post|comment)"')),
)


def detect_format(path: str | Path) -> str:
    """Guess a file's format from its first bytes (then its extension).

    Returns one of :data:`FORMATS`. Parquet by its ``PAR1`` magic; X/Twitter archives by
    ``window.YTD.``; JSON by its first character, then by the documented field names of each
    platform export; Reddit NDJSON dumps by ``created_utc`` with ``body``/``selftext``;
    everything else is CSV.

    Examples
    --------
    >>> detect_format("tweets.js")  # doctest: +SKIP
    'twitter'
    """
    path = Path(path)
    with open(path, "rb") as fh:
        raw = fh.read(HEAD_BYTES)
    if raw.startswith(b"PAR1"):
        return "parquet"
    if path.suffix.lower() == ".parquet":
        return "parquet"
    head = raw.decode(_sniff_encoding(raw), errors="replace").lstrip("\ufeff").lstrip()
    if _YTD.match(head):
        return "twitter"
    if head[:1] not in ("{", "["):
        return "csv"
    for name, sign in _SIGNS:
        if sign.search(head):
            return name
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        try:
            value = json.loads(first)
        except ValueError:
            value = None
        if isinstance(value, dict) and "created_utc" in value and (
                "body" in value or "selftext" in value or "subreddit" in value):
            return "reddit"
    if head.startswith("[") and re.search(r'"timestamp"\s*:\s*\d+', head) and \
            re.search(r'"(title|attachments)"\s*:', head) and '"text"' not in head:
        return "facebook"
    return "jsonl"


READERS: dict[str, Callable[[Path], Source]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "parquet": read_parquet,
    "twitter": read_twitter,
    "reddit": read_reddit,
    "youtube": read_youtube,
    "facebook": read_facebook,
    "mastodon": read_mastodon,
}


def open_source(path: str | Path, format: str | None = None) -> Source:
    """Open one input file with the reader for ``format`` (detected when ``None``).

    Raises
    ------
    InputError
        Unknown ``format``, or a file the reader cannot use at all.
    """
    path = Path(path)
    if format is None:
        name = detect_format(path)
    else:
        name = _ALIASES.get(str(format).lower(), str(format).lower())
        if name not in READERS:
            raise InputError(f"unknown format {one_line(format)!r}; use one of: "
                             f"{', '.join(FORMATS)}")
    try:
        return READERS[name](path)
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({one_line(exc.strerror or exc, 200)})",
                         path=str(path)) from None
