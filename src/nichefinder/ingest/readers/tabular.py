"""Tabular readers: CSV/TSV (with column presets), JSON Lines or JSON arrays, Parquet.

CSV and JSON Lines are streamed line by line and JSON arrays value by value, so memory
follows the table being built, not the size of the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from ...exceptions import InputError
from ..columns import ALIASES, known_name
from .base import (
    HEAD_BYTES,
    MAX_JSON_BUFFER,
    RawRow,
    Source,
    _dump,
    _fallback_note,
    _sniff_encoding,
    _text_lines,
    one_line,
    oversize_reason,
)

csv.field_size_limit(10_000_000)


# --------------------------------------------------------------------------- CSV


CSV_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "brandwatch": {
        "text": ("Full Text", "Snippet"),
        "author": ("Author", "Full Name"),
        "timestamp": ("Date",),
        "platform": ("Page Type", "Content Source Name", "Domain"),
        "id": ("Resource Id", "Mention Id", "Url"),
        "reply_to": ("Parent Id",),
        "_marks": ("Page Type", "Url", "Full Text"),
    },
    "sprout social": {
        "text": ("Message",),
        "author": ("From", "Sender", "Profile"),
        "timestamp": ("Timestamp", "Timestamp (UTC)", "Timestamp (ET)", "Date"),
        "platform": ("Network",),
        "id": ("Message ID", "Post ID", "Link"),
        "_marks": ("Network", "Message Type", "Message"),
    },
    "hootsuite": {
        "text": ("Post Message", "Message", "Post Content"),
        "author": ("Author", "Profile Name", "Social Profile"),
        "timestamp": ("Date (GMT)", "Date", "Created Time"),
        "platform": ("Social Network", "Network"),
        "id": ("Post ID", "Post Id"),
        "reply_to": ("Parent Post ID",),
        "_marks": ("Social Network", "Post ID"),
    },
    "talkwalker": {
        "text": ("content", "content_snippet", "title"),
        "author": ("author_name", "extra_author_attributes.name",
                   "extra_author_attributes.short_name"),
        "timestamp": ("published",),
        "platform": ("source_type", "domain_url"),
        "id": ("url",),
        "reply_to": ("parent_url",),
        "_marks": ("published", "url", "source_type"),
    },
    "meltwater": {
        "text": ("Hit Sentence", "Opening Text", "Headline"),
        "author": ("Influencer", "Author"),
        "timestamp": ("Date",),
        "platform": ("Source", "Source Name"),
        "id": ("URL", "Document ID"),
        "_marks": ("Hit Sentence", "Influencer"),
    },
}
"""Column-name presets for CSV exports of social-listening and management tools.

These are the column names such exports commonly use, not a promise about any vendor's current
export: a preset is used only when a file has no ``text`` column and its header holds the
preset's text column and all of its marker columns (case-insensitive); ``columns=`` still wins
for any column it names.
"""


def match_preset(header: Sequence[str]) -> tuple[str, dict[str, str]] | None:
    """Return ``(preset name, {known: header name})`` for the first preset the header matches."""
    lower = {h.lower(): h for h in header}
    if "text" in lower:
        return None
    for name, preset in CSV_PRESETS.items():
        if not all(m.lower() in lower for m in preset["_marks"]):
            continue
        mapping = {}
        for known, candidates in preset.items():
            if known.startswith("_"):
                continue
            for c in candidates:
                if c.lower() in lower:
                    mapping[known] = lower[c.lower()]
                    break
        if "text" in mapping:
            return name, mapping
    return None


HEADER_SEARCH_LINES = 30
"""Lines read ahead to find a header below a few lines of report metadata."""


def _known_names() -> set[str]:
    names = {known_name(a) for aliases in ALIASES.values() for a in aliases}
    for preset in CSV_PRESETS.values():
        names.update(known_name(c) for cols in preset.values() for c in cols)
    return names


def _fields(line: str, suffix: str) -> list[str] | None:
    try:
        return next(csv.reader([line], delimiter=_pick_delimiter(line, suffix), strict=True))
    except (csv.Error, StopIteration):
        return None


def _header_index(lines: list[str], suffix: str) -> int:
    """Which of the first non-blank ``lines`` is the header: the first, unless it names no known
    column and a later line does whose field count is the usual count of the lines after it
    (listening-tool exports often start with a few lines of report metadata)."""
    known = _known_names()

    def names_known(fields) -> bool:
        return bool(fields) and any(known_name(f) in known for f in fields)

    first = _fields(lines[0], suffix)
    if names_known(first) or len(lines) < 2:
        return 0
    for k in range(1, len(lines) - 1):
        fields = _fields(lines[k], suffix)
        if not names_known(fields) or len(fields) < 2:
            continue
        delimiter = _pick_delimiter(lines[k], suffix)
        counts = []
        for line in lines[k + 1:]:
            try:
                counts.append(len(next(csv.reader([line], delimiter=delimiter))))
            except (csv.Error, StopIteration):
                continue
        if counts and max(set(counts), key=counts.count) == len(fields):
            return k
    return 0


def _pick_delimiter(header_line: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_csv(path: Path) -> Source:
    """Stream a CSV/TSV file: delimiter from the header line, quoting checked strictly."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    encoding = _sniff_encoding(head)
    if not encoding.startswith("utf-16") and b"\r" in head and b"\n" not in head:
        raise InputError(f"{path.name} ends its lines with a bare carriage return (old Mac "
                         "style); save it with LF or CRLF line endings", path=str(path))
    state: dict = {}
    lines = _text_lines(path, encoding, state, capped=True)
    consumed: list[str] = []
    replay: list[tuple[int, str]] = []  # lines read ahead to find the header, given back

    def feed() -> Iterator[str]:
        while replay:
            line_no, line = replay.pop(0)
            state["line"] = line_no
            consumed.append(line)
            yield line
        for line in lines:
            consumed.append(line)
            yield line

    ahead = []  # (line number, line), blank lines too (one may stand for an oversize line)
    filled = []  # positions in ahead of the non-blank lines
    for line in lines:
        ahead.append((state["line"], line))
        if line.strip():
            filled.append(len(ahead) - 1)
            if len(filled) >= HEADER_SEARCH_LINES:
                break
    if not filled:
        lines.close()
        raise InputError(f"{path.name} is empty; give a CSV file with a header row",
                         path=str(path))
    at = _header_index([ahead[i][1] for i in filled], path.suffix.lower())
    header_no, header_line = ahead[filled[at]]
    replay.extend(ahead[filled[at] + 1:])
    source = feed()
    delimiter = _pick_delimiter(header_line, path.suffix.lower())
    try:
        header = next(csv.reader([header_line], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration) as exc:
        lines.close()
        raise InputError(f"{path.name}: the header row is not valid CSV ({one_line(exc)}); "
                         "fix its quoting",
                         path=str(path)) from None
    skipped = at
    header = [h.strip().lstrip("\ufeff") for h in header]
    if len(set(header)) != len(header):
        dupes = sorted({one_line(h) for h in header if header.count(h) > 1})
        lines.close()
        raise InputError(f"{path.name}: column name(s) {', '.join(map(repr, dupes))} appear more "
                         "than once in the header; rename them so each is unique", path=str(path))
    consumed.clear()
    out = Source("csv", header, iter(()))
    if skipped:
        out.notes.append(f"{path.name}: skipped {skipped} line(s) above the header on line "
                         f"{header_no} (report metadata, not posts)")
    preset = match_preset(header)
    if preset:
        out.columns = preset[1]
        out.notes.append(f"{path.name}: columns read with the {preset[0]} preset "
                         f"({', '.join(f'{k}={v}' for k, v in preset[1].items())})")

    def rows() -> Iterator[RawRow]:
        reader = csv.reader(source, delimiter=delimiter, strict=True)
        row = 0
        first_line = header_no + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raw = "".join(consumed)
                consumed.clear()
                row += 1
                where = f"line {first_line}" + (
                    f"-{state.get('line')}" if state.get("line", first_line) > first_line else "")
                msg = str(exc)
                if "unexpected end of data" in msg:
                    reason = (f"malformed CSV at {where}: a quote opened here is never closed; "
                              "close it or double the quotes inside the field (\"\")")
                else:
                    reason = (f"malformed CSV at {where} ({msg}); quote fields that contain "
                              "quotes, the delimiter or line breaks")
                yield RawRow(row, None, reason, raw)
                first_line = state.get("line", first_line) + 1
                continue
            raw = "".join(consumed)
            consumed.clear()
            line_no = first_line
            first_line = state.get("line", first_line) + 1
            if not values:  # a blank line: not a row (as pandas.read_csv skips them)
                cut = oversize_reason(state, line_no)
                if cut is not None:
                    row += 1
                    yield RawRow(row, None, *cut)
                continue
            row += 1
            if all(not v.strip() for v in values):
                yield RawRow(row, None, f"empty row (line {line_no})", raw)
                continue
            if len(values) != len(header):
                yield RawRow(row, None,
                             f"has {len(values)} fields but the header has {len(header)} "
                             f"(line {line_no}); quote fields that contain the delimiter "
                             f"{delimiter!r}", raw)
                continue
            yield RawRow(row, dict(zip(header, values, strict=True)), "", raw)
        note = _fallback_note(path, state)
        if note:
            out.notes.append(note)

    out.rows = rows()
    return out


# --------------------------------------------------------------------------- JSON


def _iter_json_array(path: Path, encoding: str, start: int, state: dict) -> Iterator[RawRow]:
    """Stream the values of a top-level JSON array that starts at character ``start``.

    Values are decoded one at a time from a growing buffer, so a large array never sits in
    memory as one string. A syntax error stops reading with an :class:`InputError` naming the
    line and column, since nothing after it can be trusted.
    """
    decoder = json.JSONDecoder()
    lines = _text_lines(path, encoding, state)
    buf = ""
    line_base = 0  # newlines before buf
    col_base = 0  # characters of the current line before buf
    eof = False

    def more() -> bool:
        nonlocal buf, eof
        chunk = []
        size = 0
        for line in lines:
            chunk.append(line)
            size += len(line)
            if size > 1_000_000:
                break
        else:
            eof = True
        buf += "".join(chunk)
        return bool(chunk)

    def advance(n: int) -> None:
        nonlocal buf, line_base, col_base
        gone = buf[:n]
        k = gone.count("\n")
        if k:
            line_base += k
            col_base = n - gone.rfind("\n") - 1
        else:
            col_base += n
        buf = buf[n:]

    def fail(msg: str, pos: int) -> InputError:
        before = buf[:pos]
        k = before.count("\n")
        line = line_base + k + 1
        col = (pos - before.rfind("\n")) if k else col_base + pos + 1
        return InputError(f"{path.name}: invalid JSON at line {line} column {col} ({msg}); "
                          "fix the file there (or export it as JSON Lines, one object per line)",
                          path=str(path), row=line)

    more()
    advance(start)
    # skip to the opening bracket
    while True:
        stripped = len(buf) - len(buf.lstrip())
        advance(stripped)
        if buf or eof:
            break
        more()
    if not buf.startswith("["):
        raise fail("expected '['", 0)
    advance(1)
    row = 0
    expect_value = True
    while True:
        i = 0
        while i < len(buf) and buf[i] in " \t\r\n":
            i += 1
        if i == len(buf):
            advance(i)
            if eof:
                raise fail("the array is never closed with ']'", 0)
            more()
            continue
        advance(i)
        if buf[0] == "]":
            if expect_value and row:
                raise fail("trailing comma before ']'", 0)
            advance(1)
            while True:
                i = len(buf) - len(buf.lstrip(" \t\r\n;"))
                if i < len(buf):
                    raise fail("extra data after the closing ']'", i)
                if eof:
                    break
                advance(len(buf))
                more()
            return
        if buf[0] == ",":
            if expect_value:
                raise fail("unexpected ','", 0)
            advance(1)
            expect_value = True
            continue
        if not expect_value:
            raise fail("expected ',' or ']'", 0)
        try:
            value, end = decoder.raw_decode(buf)
        except json.JSONDecodeError as exc:
            if not eof and len(buf) < MAX_JSON_BUFFER:
                more()
                continue
            raise fail(exc.msg, exc.pos) from None
        except RecursionError:
            raise fail("nested too deeply to read", 0) from None
        if end == len(buf) and not eof and isinstance(value, (int, float)):
            more()  # a number may continue in the next chunk
            continue
        row += 1
        raw = buf[:end]
        advance(end)
        expect_value = False
        if isinstance(value, dict):
            yield RawRow(row, value, "", raw)
        else:
            yield RawRow(row, None, "is not a JSON object; each item must be {...}", raw)


def _pretty_printed(text: str) -> bool:
    """Whether the first line alone is not a JSON value (so the file is not JSON Lines)."""
    try:
        json.loads(text.lstrip().split("\n", 1)[0])
    except (ValueError, RecursionError):
        return True
    return False


def _records_of_document(path: Path, text: str, out: Source) -> list | None:
    """The posts of a small pretty-printed JSON object such as ``{"data": [{...}, ...]}``.

    Returns ``None`` when the text is not one valid JSON object (it is then read line by line).
    """
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict):
        return None
    for key, value in doc.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.notes.append(f"{path.name}: posts read from its {one_line(key)!r} list")
            return value
    raise InputError(f"{path.name} is one JSON object with no list of posts in it; give one "
                     "object per line (JSON Lines), a JSON array of posts, or a platform export "
                     "(see --format)", path=str(path))


def read_jsonl(path: Path) -> Source:
    """Stream JSON Lines (one object per line) or a top-level JSON array of objects."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    encoding = _sniff_encoding(head)
    state: dict = {}
    out = Source("jsonl", None, iter(()))
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if text.lstrip().startswith("["):

        def array_rows() -> Iterator[RawRow]:
            yield from _iter_json_array(path, encoding, 0, state)
            note = _fallback_note(path, state)
            if note:
                out.notes.append(note)

        out.rows = array_rows()
        return out
    if len(head) < HEAD_BYTES and text.lstrip().startswith("{") and _pretty_printed(text):
        records = _records_of_document(path, text, out)
        if records is not None:
            out.rows = (RawRow(i, r, "", _dump(r)) for i, r in enumerate(records, start=1))
            return out

    def rows() -> Iterator[RawRow]:
        for i, line in enumerate(_text_lines(path, encoding, state, capped=True), start=1):
            if not line.strip():
                cut = oversize_reason(state, i)
                if cut is not None:
                    yield RawRow(i, None, *cut)
                continue
            raw = line.rstrip("\r\n")
            try:
                value = json.loads(line.lstrip("\ufeff"))
            except json.JSONDecodeError as exc:
                yield RawRow(i, None, f"invalid JSON at line {i} column {exc.colno} ({exc.msg}); "
                             "fix or remove this line", raw)
                continue
            except RecursionError:
                yield RawRow(i, None, f"line {i} is nested too deeply to read", raw)
                continue
            if not isinstance(value, dict):
                yield RawRow(i, None, f"line {i} is not a JSON object; each line must be {{...}}",
                             raw)
                continue
            yield RawRow(i, value, "", raw)
        note = _fallback_note(path, state)
        if note:
            out.notes.append(note)

    out.rows = rows()
    return out


def read_parquet(path: Path) -> Source:
    """Read a Parquet file batch by batch (pyarrow)."""
    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises many types for a broken file
        raise InputError(f"{path.name} is not a readable Parquet file ({one_line(exc, 200)})",
                         path=str(path)) from None
    header = [str(c) for c in pf.schema_arrow.names]

    def rows() -> Iterator[RawRow]:
        row = 0
        try:
            for batch in pf.iter_batches(batch_size=10_000):
                for record in batch.to_pylist():
                    row += 1
                    yield RawRow(row, {str(k): v for k, v in record.items()}, "", "")
        except Exception as exc:
            raise InputError(f"{path.name}: Parquet data after row {row} is unreadable "
                             f"({one_line(exc, 200)})",
                             path=str(path), row=row + 1) from None

    return Source("parquet", header, rows())
