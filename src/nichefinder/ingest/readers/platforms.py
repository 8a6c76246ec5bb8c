"""Platform readers: each maps one platform's documented export fields onto nichefinder's
columns ``id``, ``text``, ``author``, ``timestamp``, ``platform`` and ``reply_to``."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path

from ...exceptions import InputError
from .base import (
    HEAD_BYTES,
    RawRow,
    Source,
    _dump,
    _fix_all,
    _guarded,
    _head_text,
    _load_json_document,
    _looks_like_document,
    _read_text,
    _sniff_encoding,
    _str,
    one_line,
    strip_html,
)
from .tabular import _iter_json_array, read_jsonl

# --------------------------------------------------------------------------- X / Twitter

_YTD = re.compile(r"^\s*window\.YTD\.([A-Za-z_]+)\.part(\d+)\s*=\s*")
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def _twitter_time(value) -> str | None:
    if not value:
        return None
    try:
        return datetime.strptime(str(value), _TWITTER_TIME).astimezone(timezone.utc).isoformat()
    except ValueError:
        return str(value)  # left for the timestamp parser, which notes it if it fails


def _twitter_account(path: Path) -> str | None:
    account = path.with_name("account.js")
    if not account.is_file():
        return None
    try:
        text, _ = _read_text(account)
        m = _YTD.match(text)
        data = json.loads(text[m.end():] if m else text)
        info = data[0].get("account", data[0])
        name = info.get("username")
        return f"@{name}" if name else None
    except (ValueError, LookupError, AttributeError, OSError):
        return None


def read_twitter(path: Path) -> Source:
    """X/Twitter account archive ``data/tweets.js`` (``window.YTD.tweets.part0 = [...]``).

    Maps ``id_str`` -> id, ``full_text`` (or ``text``) -> text, ``created_at`` -> timestamp,
    ``in_reply_to_status_id_str`` -> reply_to. The archive has no author per tweet: the author
    is the ``username`` in a sibling ``account.js`` when present, else ``"archive owner"``.
    """
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    encoding = _sniff_encoding(head)
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    m = _YTD.match(text)
    start = m.end() if m else 0
    author = _twitter_account(path) or "archive owner"
    state: dict = {}

    def to_rows(raw_row: RawRow):
        if raw_row.record is None:
            return [(None, raw_row.reason, raw_row.raw)]
        tweet = raw_row.record.get("tweet", raw_row.record)
        if not isinstance(tweet, dict):
            return [(None, "item has no 'tweet' object", raw_row.raw)]
        record = {
            "id": _str(tweet.get("id_str") or tweet.get("id")),
            "text": html.unescape(tweet.get("full_text") or tweet.get("text") or ""),
            "author": author,
            "timestamp": _twitter_time(tweet.get("created_at")),
            "platform": "twitter",
            "reply_to": _str(tweet.get("in_reply_to_status_id_str")
                             or tweet.get("in_reply_to_status_id")),
        }
        return [(record, "", raw_row.raw)]

    rows = _guarded(_iter_json_array(path, encoding, start, state), to_rows, "X/Twitter")
    return Source("twitter", None, rows, mapped=True)


# --------------------------------------------------------------------------- Reddit

_REDDIT_GONE = {"[deleted]", "[removed]"}


def _reddit_id(value) -> str | None:
    value = _str(value)
    if value and len(value) > 3 and value[0] == "t" and value[1].isdigit() and value[2] == "_":
        return value[3:]
    return value


def _reddit_record(data: dict, kind: str | None) -> tuple[dict | None, str]:
    """Map one Reddit comment (t1) or submission (t3) to nichefinder's columns."""
    is_comment = kind == "t1" or (kind is None and ("body" in data or "parent_id" in data))
    author = data.get("author")
    author = None if author in _REDDIT_GONE or not author else f"u/{author}"
    reason = ""
    if is_comment:
        body = data.get("body")
        if not isinstance(body, str):
            body = ""
        if body.strip() in _REDDIT_GONE:
            reason = f"comment was {body.strip()[1:-1]} on Reddit ({body.strip()}); no text left"
            body = ""
        text = html.unescape(body)
        reply_to = _reddit_id(data.get("parent_id") or data.get("link_id"))
    else:
        title = html.unescape(str(data.get("title") or ""))
        selftext = str(data.get("selftext") or "")
        if selftext.strip() in _REDDIT_GONE:
            if not title.strip():
                gone = selftext.strip()
                reason = f"post was {gone[1:-1]} on Reddit ({gone}); no text left"
            selftext = ""
        text = "\n\n".join(t for t in (title, html.unescape(selftext)) if t.strip())
        reply_to = None
    created = data.get("created_utc", data.get("created"))
    record = {
        "id": _reddit_id(data.get("id") or data.get("name")),
        "text": text,
        "author": author,
        "timestamp": None if created in (None, "") else str(created),
        "platform": "reddit",
        "reply_to": reply_to,
    }
    return record, reason


def _walk_listing(value, out: list) -> None:
    """Flatten a Listing (or list of Listings) into ``(kind, data)`` pairs, replies included."""
    if isinstance(value, list):
        for v in value:
            _walk_listing(v, out)
        return
    if not isinstance(value, dict):
        return
    if value.get("kind") == "Listing":
        for child in (value.get("data") or {}).get("children") or []:
            _walk_listing(child, out)
        return
    kind = value.get("kind")
    data = value.get("data")
    if isinstance(data, dict):
        out.append((kind, data))
        replies = data.get("replies")
        if isinstance(replies, dict):
            _walk_listing(replies, out)


def read_reddit(path: Path) -> Source:
    """Reddit API listing JSON or NDJSON dumps of comments / submissions.

    Comments map ``body``; submissions ``title`` + ``selftext``. ``author`` becomes ``u/name``,
    ``created_utc`` the timestamp, and ``parent_id`` (comments) the reply_to with its
    ``t1_``/``t3_`` prefix stripped so it matches the ids. ``[deleted]``/``[removed]`` texts are
    rejected with that reason; ``more`` placeholders are rejected as comments not in the file.
    """
    head = _head_text(path).lstrip()
    if head.startswith("[") or _looks_like_document(head):
        doc, note = _load_json_document(path)
        pairs: list = []
        _walk_listing(doc, pairs)
        if not pairs:
            raise InputError(f"{path.name}: no Reddit things found (expected "
                             '{"kind": "Listing", "data": {"children": [...]}}); '
                             "check --format", path=str(path))

        def to_rows(pair):
            kind, data = pair
            raw = _dump({"kind": kind, "data": {k: v for k, v in data.items() if k != "replies"}})
            if kind == "more":
                return [(None, f"placeholder for {one_line(data.get('count', '?'))} more "
                         "comment(s) not in this file; fetch them to include them", raw)]
            return [(*_reddit_record(data, kind), raw)]

        src = Source("reddit", None, _guarded(pairs, to_rows, "Reddit"), mapped=True)
        if note:
            src.notes.append(note)
        return src

    inner = read_jsonl(path)
    lines = inner.rows

    def to_rows(r: RawRow):
        if r.record is None:
            return [(None, r.reason, r.raw)]
        data = r.record.get("data") if isinstance(r.record.get("data"), dict) else r.record
        return [(*_reddit_record(data, r.record.get("kind")), r.raw)]

    inner.rows = _guarded(lines, to_rows, "Reddit")
    inner.format = "reddit"
    inner.mapped = True
    return inner


# --------------------------------------------------------------------------- YouTube


def _youtube_comment(comment: dict, parent: str | None) -> dict:
    s = comment.get("snippet") or {}
    text = s.get("textOriginal")
    if text is None:
        text = strip_html(s.get("textDisplay") or "")
    author = s.get("authorDisplayName")
    return {
        "id": _str(comment.get("id")),
        "text": text,
        "author": author or None,
        "timestamp": s.get("publishedAt"),
        "platform": "youtube",
        "reply_to": _str(s.get("parentId")) or parent,
    }


def read_youtube(path: Path) -> Source:
    """YouTube Data API ``commentThreads.list`` responses (one, a list of pages, or one per line).

    Each thread's ``snippet.topLevelComment`` and each of ``replies.comments`` becomes a post:
    ``snippet.textOriginal`` (else ``textDisplay`` without HTML) -> text, ``authorDisplayName``
    -> author, ``publishedAt`` -> timestamp, ``parentId`` -> reply_to.
    """
    head = _head_text(path).lstrip()
    pages: list = []
    note = None
    if head.startswith("{") and not _looks_like_document(head):
        # one response per line
        for r in read_jsonl(path).rows:
            if r.record is None:
                raise InputError(f"{path.name}: {one_line(r.reason, 200)}", path=str(path),
                                 row=r.row)
            pages.append(r.record)
    else:
        doc, note = _load_json_document(path)
        pages = doc if isinstance(doc, list) else [doc]
    items = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("items"), list):
            items.extend(page["items"])
        elif isinstance(page, dict) and "snippet" in page:
            items.append(page)  # a bare commentThread
    if not items:
        raise InputError(f"{path.name}: no YouTube comment threads found (expected "
                         '{"items": [{"snippet": {"topLevelComment": ...}}]}); check --format',
                         path=str(path))

    def to_rows(item):
        if not isinstance(item, dict):
            return [(None, "item is not a JSON object", _dump(item))]
        top = (item.get("snippet") or {}).get("topLevelComment")
        if not isinstance(top, dict) and item.get("kind") == "youtube#comment":
            top = item  # plain comments (comments.list) instead of threads
        if not isinstance(top, dict):
            return [(None, "thread has no snippet.topLevelComment", _dump(item))]
        top_id = _str(top.get("id") or item.get("id"))
        rec = _youtube_comment(top, None)
        rec["id"] = rec["id"] or top_id
        out = [(rec, "", _dump(top))]
        for reply in (item.get("replies") or {}).get("comments") or []:
            if isinstance(reply, dict):
                out.append((_youtube_comment(reply, top_id), "", _dump(reply)))
            else:
                out.append((None, "reply is not a JSON object", _dump(reply)))
        return out

    src = Source("youtube", None, _guarded(items, to_rows, "YouTube"), mapped=True)
    if note:
        src.notes.append(note)
    return src


# --------------------------------------------------------------------------- Facebook

_FB_LISTS = ("comments_v2", "comments", "group_posts_v2", "group_comments_v2", "posts_v2",
             "posts", "data")
_FB_AUTHOR = re.compile(r"^(.+?) (?:updated|shared|posted|wrote|added|commented|replied|"
                        r"created|was|is|published)\b")


def _facebook_entry(entry: dict) -> tuple[dict | None, str]:
    timestamp = entry.get("timestamp") or entry.get("created_time")
    title = entry.get("title") or ""
    author = None
    m = _FB_AUTHOR.match(title) if isinstance(title, str) else None
    if m:
        author = m.group(1)
    text = None
    for part in entry.get("data") or []:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("comment"), dict):
            c = part["comment"]
            text = c.get("comment")
            author = c.get("author") or author
            timestamp = c.get("timestamp") or timestamp
            break
        if part.get("post"):
            text = part["post"]
            break
    if text is None and "message" in entry:  # Graph API style {"message", "from", "created_time"}
        text = entry.get("message")
        sender = entry.get("from")
        author = sender.get("name") if isinstance(sender, dict) else author
    if text is None:
        kind = "an attachment or reaction" if entry.get("attachments") else "nothing to read"
        return None, f"Facebook entry has no post or comment text ({kind}: {title or 'untitled'})"
    parent = entry.get("parent_id")
    if parent is None and isinstance(entry.get("parent"), dict):
        parent = entry["parent"].get("id")
    return {
        "id": _str(entry.get("id")),
        "text": text,
        "author": author,
        "timestamp": None if timestamp in (None, "") else str(timestamp),
        "platform": "facebook",
        "reply_to": _str(parent),
    }, ""


def read_facebook(path: Path) -> Source:
    """Facebook "Download Your Information" JSON (posts, comments, group posts / comments).

    Posts are lists of ``{"timestamp": epoch, "data": [{"post": ...}], "title": ...}``; comments
    sit under ``comments_v2`` (or ``comments``) as ``data: [{"comment": {timestamp, comment,
    author}}]``. Facebook writes UTF-8 bytes as Latin-1 escapes (``\\u00c3\\u00a9`` for é); they
    are repaired. Posts carry no author field: it is taken from the title ("Ann Lee updated
    her status.") when it has that shape. Graph API lists (``data: [{message, from,
    created_time, id}]``) are read too.
    """
    doc, note = _load_json_document(path)
    doc = _fix_all(doc)
    entries = None
    if isinstance(doc, list):
        entries = doc
    elif isinstance(doc, dict):
        for key in _FB_LISTS:
            if isinstance(doc.get(key), list):
                entries = doc[key]
                break
    if entries is None:
        raise InputError(f"{path.name}: no Facebook posts or comments found (expected a list of "
                         'posts or {"comments_v2": [...]}); check --format', path=str(path))

    def to_rows(entry):
        if not isinstance(entry, dict):
            return [(None, "entry is not a JSON object", _dump(entry))]
        return [(*_facebook_entry(entry), _dump(entry))]

    src = Source("facebook", None, _guarded(entries, to_rows, "Facebook"), mapped=True)
    if note:
        src.notes.append(note)
    return src


# --------------------------------------------------------------------------- Mastodon

_ACTOR = re.compile(r"^https?://([^/]+)/users/([^/?#]+)/?$")


def _handle(actor: str | None) -> str | None:
    """``https://host/users/ann`` -> ``@ann@host`` (Mastodon's own way to write an account)."""
    m = _ACTOR.match(actor or "")
    return f"@{m.group(2)}@{m.group(1)}" if m else actor


def _mastodon_rows(act) -> list:
    raw = _dump(act)
    if not isinstance(act, dict):
        return [(None, "activity is not a JSON object", raw)]
    kind = act.get("type")
    if kind == "Announce":
        return [(None, "boost (Announce) of another post; no text of its own", raw)]
    obj = act.get("object") if kind in ("Create", "Update") else act
    if not isinstance(obj, dict):
        return [(None, f"{one_line(kind or 'activity')} has no object with content", raw)]
    content = obj.get("content")
    if content is None and isinstance(obj.get("contentMap"), dict) and obj["contentMap"]:
        content = next(iter(obj["contentMap"].values()))
    author = obj.get("attributedTo") or act.get("actor")
    if isinstance(author, dict):
        author = author.get("id")
    reply = obj.get("inReplyTo")
    if isinstance(reply, dict):
        reply = reply.get("id")
    summary = obj.get("summary")
    text = strip_html(content or "")
    if summary:  # a content warning is part of what was said
        text = f"{strip_html(summary)}\n{text}" if text else strip_html(summary)
    return [({
        "id": _str(obj.get("id") or act.get("id")),
        "text": text,
        "author": _handle(_str(author)),
        "timestamp": obj.get("published") or act.get("published"),
        "platform": "mastodon",
        "reply_to": _str(reply),
    }, "", raw)]


def read_mastodon(path: Path) -> Source:
    """Mastodon / ActivityPub ``outbox.json`` (an ``OrderedCollection`` of activities).

    Each ``Create`` activity's ``object`` becomes a post: ``id``, ``content`` (HTML, turned into
    plain text), ``published``, ``inReplyTo`` -> reply_to, ``attributedTo`` (else the
    activity's ``actor``) -> author, written ``@user@host``. Boosts (``Announce``) have no text
    of their own and are rejected with that reason.
    """
    doc, note = _load_json_document(path)
    if isinstance(doc, dict):
        items = doc.get("orderedItems", doc.get("items"))
        if items is None and isinstance(doc.get("first"), dict):
            items = doc["first"].get("orderedItems")
    else:
        items = doc
    if not isinstance(items, list):
        raise InputError(f"{path.name}: no ActivityPub orderedItems found (expected an outbox "
                         '{"type": "OrderedCollection", "orderedItems": [...]}); check --format',
                         path=str(path))

    src = Source("mastodon", None, _guarded(items, _mastodon_rows, "Mastodon"), mapped=True)
    if note:
        src.notes.append(note)
    return src
