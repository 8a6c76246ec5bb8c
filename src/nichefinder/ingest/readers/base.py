"""Shared pieces of the readers: the row and source types, encodings, JSON and text helpers."""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ...exceptions import InputError

HEAD_BYTES = 65_536
"""Bytes read from the start of a file to detect its format and encoding."""
MAX_JSON_BUFFER = 64 * 1024 * 1024
"""A single JSON value larger than this (64 MiB) in a streamed array is reported as an error."""


class RawRow(NamedTuple):
    """One data row: 1-based ``row``, ``record`` (dict or ``None``), ``reason``, ``raw`` text."""

    row: int
    record: dict | None
    reason: str
    raw: str


@dataclass
class Source:
    """An opened input file.

    Attributes
    ----------
    format : str
        One of :data:`FORMATS`.
    header : list of str or None
        Column names when known before reading rows (CSV, Parquet); ``None`` otherwise.
    rows : iterator of RawRow
    mapped : bool
        ``True`` when records already use nichefinder's column names (platform readers).
    columns : dict
        Default column mapping ``{known: file column}``, from a CSV preset.
    notes : list of str
        Remarks the reader makes while reading (encoding fallbacks, preset used, ...).
    """

    format: str
    header: list[str] | None
    rows: Iterator[RawRow]
    mapped: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def one_line(value, limit: int = 60) -> str:
    """Show a user-supplied name or message on one line: control characters escaped, cut.

    Examples
    --------
    >>> one_line("Full\\nText")
    'Full\\\\nText'
    """
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- encodings


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:200]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        # UTF-16 without a byte-order mark: ASCII text has every other byte zero
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    return "utf-8"


def _decode_line(data: bytes, state: dict) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        state["n_fallback"] = state.get("n_fallback", 0) + 1
        state.setdefault("first_fallback", state.get("line", 0))
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


MAX_LINE_BYTES = 1024 * 1024
"""A line longer than this (1 MiB) is not read: it becomes one rejected row, its content cut to
:data:`PREVIEW_CHARS` characters in the rejects table."""
PREVIEW_CHARS = 1000


def _text_lines(path: Path, encoding: str, state: dict, capped: bool = False) -> Iterator[str]:
    """Yield the file's lines with their endings, decoded one by one (never the whole file).

    Lines end at ``\n``, ``\r\n`` or a lone ``\r``, as Python's csv module reads a file
    opened with ``newline=""`` (files that mix line endings read like any other). UTF-8 files
    fall back line by line to Windows-1252 / Latin-1 for lines that are not UTF-8, counted in
    ``state`` so the caller can note it. With ``capped``, a line over :data:`MAX_LINE_BYTES` is
    skipped (read in pieces, never held whole): it is yielded as a blank line and recorded in
    ``state["oversize"]`` as ``{line: (preview, n_bytes)}``.
    """
    if encoding.startswith("utf-16"):
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            for i, line in enumerate(fh, start=1):
                state["line"] = i
                yield line
        return
    limit = MAX_LINE_BYTES + 1 if capped else -1
    with open(path, "rb") as fh:
        i = 0
        while data := fh.readline(limit):
            if capped and len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
                n_bytes = len(data) + _skip_line(fh)
                i += 1
                state["line"] = i
                preview = data[: PREVIEW_CHARS * 4].decode("utf-8", errors="replace")
                state.setdefault("oversize", {})[i] = (preview[:PREVIEW_CHARS], n_bytes)
                yield "\n"
                continue
            if i == 0 and data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            if b"\r" in data and (data.count(b"\r") > 1 or not data.endswith(b"\r\n")):
                pieces = data.splitlines(keepends=True)  # bytes: splits at \n, \r\n, \r only
            else:
                pieces = (data,)
            for piece in pieces:
                i += 1
                state["line"] = i
                yield _decode_line(piece, state)


def _skip_line(fh) -> int:
    """Read past the rest of a line in 1 MiB pieces; the number of bytes skipped."""
    n = 0
    while piece := fh.readline(1 << 20):
        n += len(piece)
        if piece.endswith(b"\n"):
            break
    return n


def oversize_reason(state: dict, line: int) -> tuple[str, str] | None:
    """``(reason, cut content)`` when ``line`` was over the line limit, else ``None``."""
    found = state.get("oversize", {}).pop(line, None)
    if found is None:
        return None
    preview, n_bytes = found
    return (f"line {line} is {n_bytes:,} bytes long, over the limit of {MAX_LINE_BYTES:,} for "
            f"one line; only its first {PREVIEW_CHARS:,} characters are kept here; split or "
            "shorten it", preview)


def _fallback_note(path: Path, state: dict) -> str | None:
    n = state.get("n_fallback", 0)
    if not n:
        return None
    return (
        f"{path.name}: {n} line(s) were not UTF-8 and were read as Windows-1252/Latin-1 "
        f"(first: line {state['first_fallback']}); save the file as UTF-8 if accents look wrong"
    )


def _read_text(path: Path) -> tuple[str, str | None]:
    """Decode a whole (JSON document) file; returns the text and a note if it was not UTF-8."""
    raw = path.read_bytes()
    encoding = _sniff_encoding(raw[:HEAD_BYTES])
    try:
        return raw.decode(encoding), None
    except UnicodeDecodeError:
        if encoding.startswith("utf-16"):
            return raw.decode(encoding, errors="replace"), (
                f"{path.name}: invalid UTF-16 bytes were replaced by U+FFFD")
        return raw.decode("latin-1"), f"{path.name} is not UTF-8; it was read as Latin-1"


def _head_text(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    encoding = _sniff_encoding(head)
    return head.decode(encoding, errors="replace").lstrip("\ufeff")


def _load_json_document(path: Path, text: str | None = None):
    note = None
    if text is None:
        text, note = _read_text(path)
    try:
        return json.loads(text.lstrip("\ufeff")), note
    except json.JSONDecodeError as exc:
        raise InputError(f"{path.name}: invalid JSON at line {exc.lineno} column {exc.colno} "
                         f"({exc.msg}); fix the file there", path=str(path),
                         row=exc.lineno) from None
    except RecursionError:
        raise InputError(f"{path.name}: JSON is nested too deeply to read",
                         path=str(path)) from None


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- text helpers

_TAG_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment: line breaks kept, tags dropped, entities decoded.

    Examples
    --------
    >>> strip_html('<p>Hi <a href="x">@ann</a> &amp; co</p><p>bye</p>')
    'Hi @ann & co\\nbye'
    """
    text = _TAG_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text).strip()


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 bytes stored as Latin-1 code points (as in Facebook's JSON exports).

    Examples
    --------
    >>> fix_mojibake("caf\\u00c3\\u00a9 \\u00f0\\u009f\\u0098\\u0080")
    'café 😀'
    """
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _fix_all(value):
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [_fix_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _fix_all(v) for k, v in value.items()}
    return value


def _str(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


_SHAPE_ERRORS = (TypeError, AttributeError, ValueError, KeyError, IndexError)


def _guarded(items, to_rows: Callable, platform: str) -> Iterator[RawRow]:
    """Number the rows that ``to_rows(item)`` makes of each item, as ``(record, reason, raw)``.

    Items that are :class:`RawRow` (lines of a streamed file) keep their row number. An item of
    an unexpected shape (a list where the export documents an object, ...) becomes one rejected
    row naming the problem, so one odd item never stops the file.
    """
    row = 0
    for item in items:
        try:
            made = list(to_rows(item))
        except _SHAPE_ERRORS as exc:
            raw = item.raw if isinstance(item, RawRow) else _dump(item)
            made = [(None, f"unexpected shape for a {platform} item ({one_line(exc, 120)}); "
                     "check the export or --format", raw)]
        if isinstance(item, RawRow) and len(made) == 1:
            row = item.row - 1
        for record, reason, raw in made:
            row += 1
            yield RawRow(row, record, reason, raw)


def _looks_like_document(head: str) -> bool:
    """Whether a file starting with ``{`` is one JSON document rather than JSON Lines."""
    first = head.split("\n", 1)[0]
    try:
        json.loads(first)
    except ValueError:
        return True  # the first line alone is not a value: a pretty-printed document
    rest = head[len(first):].strip()
    return not rest  # a single line holding everything
