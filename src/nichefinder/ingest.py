"""Ingest: read conversation files into one validated table.

Every input row ends up either in :attr:`Conversations.posts` or in
:attr:`Conversations.rejects` with its reason and original content; nothing is dropped silently.
Problems that make a whole file unusable (a missing ``text`` column, an unreadable file) raise
:class:`~nichefinder.exceptions.InputError` with a one-line message naming the file and the fix.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .exceptions import InputError

__all__ = ["COLUMNS", "Conversations", "load_conversations", "parse_columns"]

log = logging.getLogger(__name__)

COLUMNS = ("id", "text", "author", "timestamp", "platform", "reply_to")
"""The columns nichefinder knows; only ``text`` is required."""

REJECT_COLUMNS = ("source", "row", "id", "reason", "content")
MAX_TEXT_CHARS = 20_000
"""Posts longer than this are kept but cut to this length (noted in the log)."""

csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Conversations:
    """The accepted posts and the rejected rows of one or more input files.

    Attributes
    ----------
    posts : pandas.DataFrame
        One row per accepted post with columns ``id`` (str), ``text`` (str), ``author``,
        ``platform``, ``reply_to`` (pandas string dtype, missing as ``<NA>``), ``timestamp``
        (``datetime64[ns, UTC]``, missing as ``NaT``), ``source`` (file name) and ``row``
        (1-based data row in that file), ``position`` (0-based index among all rows read, across
        files, used to align precomputed embeddings given per input row).
    rejects : pandas.DataFrame
        Rows that could not be used: ``source``, ``row``, ``id``, ``reason``, ``content``.
    n_read : int
        Data rows read from all files; always ``len(posts) + len(rejects)``.
    notes : tuple of str
        Remarks on the data as a whole (unparseable timestamps kept as missing, ...).
    """

    posts: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    notes: tuple[str, ...] = field(default=())

    @property
    def has_authors(self) -> bool:
        """Whether any post has an author."""
        return bool(self.posts["author"].notna().any())

    @property
    def has_timestamps(self) -> bool:
        """Whether any post has a timestamp."""
        return bool(self.posts["timestamp"].notna().any())


def parse_columns(spec: str | Mapping[str, str] | Sequence[str] | None) -> dict[str, str]:
    """Parse a column mapping such as ``"text=body,author=user"``.

    Parameters
    ----------
    spec : str, mapping, sequence of str or None
        ``known=source`` pairs separated by commas, or a mapping ``{known: source}``.

    Returns
    -------
    dict
        ``{known column: column name in the file}``.

    Examples
    --------
    >>> parse_columns("text=body,author=user")
    {'text': 'body', 'author': 'user'}
    """
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        pairs = list(spec.items())
    else:
        items = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
        pairs = []
        for item in items:
            if not item.strip():
                continue
            if "=" not in item:
                raise InputError(
                    f"column mapping {item!r} has no '='; write it as known=yours, "
                    f"for example --columns text=body"
                )
            known, _, source = item.partition("=")
            pairs.append((known.strip(), source.strip()))
    mapping = {}
    for known, source in pairs:
        if known not in COLUMNS:
            raise InputError(
                f"unknown column {known!r} in the column mapping; known columns are: "
                f"{', '.join(COLUMNS)}"
            )
        mapping[known] = source
    return mapping


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8; reading it as Latin-1", path.name)
        return raw.decode("latin-1")


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict | None, str, str]]]:
    """Return the header and ``(row, record or None, reason, raw content)`` for each data row."""
    text = _decode(path.read_bytes(), path)
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{path.name} is empty; give a CSV file with a header row", path=str(path))
    except csv.Error as exc:
        raise InputError(f"{path.name}: header row is not valid CSV ({exc})", path=str(path))
    header = [h.strip() for h in header]
    out = []
    row = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row += 1
            out.append((row, None, f"malformed CSV ({exc}); fix the quoting of this row", ""))
            continue
        row += 1
        if not values or all(not v.strip() for v in values):
            out.append((row, None, "empty row", ",".join(values)))
            continue
        if len(values) != len(header):
            out.append(
                (
                    row,
                    None,
                    f"has {len(values)} fields but the header has {len(header)}; "
                    "quote fields that contain the delimiter",
                    ",".join(values),
                )
            )
            continue
        out.append((row, dict(zip(header, values)), "", ""))
    return header, out


def _read_jsonl(path: Path) -> tuple[list[str], list[tuple[int, dict | None, str, str]]]:
    text = _decode(path.read_bytes(), path)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path.name}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); "
                "fix the file or export it as JSON Lines (one object per line)",
                path=str(path),
                row=exc.lineno,
            )
        lines = [(i + 1, r, "") for i, r in enumerate(records)]
    else:
        lines = []
        for i, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((i, json.loads(line), line))
            except json.JSONDecodeError as exc:
                lines.append((i, None, line, f"invalid JSON at column {exc.colno} ({exc.msg})"))
    out = []
    keys: dict[str, None] = {}
    for entry in lines:
        if len(entry) == 4:
            i, _, raw, reason = entry
            out.append((i, None, reason + "; fix or remove this line", raw))
            continue
        i, record, raw = entry
        if not isinstance(record, dict):
            out.append((i, None, "is not a JSON object; each line must be {...}", raw or str(record)))
            continue
        keys.update(dict.fromkeys(record))
        out.append((i, record, "", ""))
    return list(keys), out


def _read_parquet(path: Path) -> tuple[list[str], list[tuple[int, dict | None, str, str]]]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a broken file
        raise InputError(f"{path.name} is not a readable Parquet file ({exc})", path=str(path))
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [str(c) for c in frame.columns], [(i + 1, r, "", "") for i, r in enumerate(records)]


READERS = {"csv": _read_csv, "tsv": _read_csv, "jsonl": _read_jsonl, "ndjson": _read_jsonl,
           "json": _read_jsonl, "parquet": _read_parquet}


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in READERS:
        return suffix
    head = path.read_bytes()[:4]
    if head == b"PAR1":
        return "parquet"
    if head.lstrip()[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None


def load_conversations(
    paths: str | Path | Iterable[str | Path],
    *,
    columns: str | Mapping[str, str] | None = None,
) -> Conversations:
    """Read conversations from CSV, JSON Lines or Parquet files.

    Parameters
    ----------
    paths : path or iterable of paths
        One or more files. The format follows the extension (``.csv``, ``.tsv``, ``.jsonl``,
        ``.ndjson``, ``.json``, ``.parquet``) or, failing that, the content.
    columns : str or mapping, optional
        Maps the known columns (``id``, ``text``, ``author``, ``timestamp``, ``platform``,
        ``reply_to``) to the file's names, e.g. ``"text=body,author=user"``.

    Returns
    -------
    Conversations
        Accepted posts and rejected rows. Rows with an empty text and rows repeating an id
        already seen go to ``rejects``; unparseable timestamps are kept as missing.

    Raises
    ------
    InputError
        A file is missing, unreadable, or has no text column; or no row is usable.

    Examples
    --------
    >>> conv = load_conversations("sample_data/conversations.csv")  # doctest: +SKIP
    >>> conv.posts.columns.tolist()  # doctest: +SKIP
    ['id', 'text', 'author', 'timestamp', 'platform', 'reply_to', 'source', 'row']
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no input file given; pass one or more CSV, JSONL or Parquet files")
    mapping = parse_columns(columns)
    records: list[dict] = []
    rejects: list[dict] = []
    seen_ids: dict[str, str] = {}
    n_read = 0
    for path in paths:
        if not path.is_file():
            raise InputError(f"input file {str(path)!r} does not exist", path=str(path))
        header, rows = READERS[_format_of(path)](path)
        names = {known: mapping.get(known, known) for known in COLUMNS}
        if names["text"] not in header:
            hint = (
                f"map one with --columns text={header[0]}" if header else "add a 'text' column"
            )
            raise InputError(
                f"column {names['text']!r} not found in {path.name}; columns are: "
                f"{', '.join(header) or '(none)'}; {hint}",
                path=str(path),
            )
        for known, source in mapping.items():
            if source not in header:
                raise InputError(
                    f"mapped column {source!r} (for {known}) not found in {path.name}; "
                    f"columns are: {', '.join(header)}",
                    path=str(path),
                )
        for row, record, reason, raw in rows:
            n_read += 1
            if record is None:
                rejects.append(dict(source=path.name, row=row, id=None, reason=reason, content=raw))
                continue
            post = {known: _cell(record.get(name)) for known, name in names.items()}
            if post["id"] is None:
                post["id"] = str(row) if len(paths) == 1 else f"{path.name}:{row}"
            content = json.dumps(record, ensure_ascii=False, default=str) if not raw else raw
            if post["text"] is None:
                rejects.append(dict(source=path.name, row=row, id=post["id"],
                                    reason="empty text; give the post's words in the text column",
                                    content=content))
                continue
            if post["id"] in seen_ids:
                rejects.append(dict(source=path.name, row=row, id=post["id"],
                                    reason=f"duplicate id (first seen in {seen_ids[post['id']]}); "
                                    "ids must be unique",
                                    content=content))
                continue
            seen_ids[post["id"]] = f"{path.name} row {row}"
            if len(post["text"]) > MAX_TEXT_CHARS:
                post["text"] = post["text"][:MAX_TEXT_CHARS]
            post["source"] = path.name
            post["row"] = row
            post["position"] = n_read - 1
            records.append(post)
    posts = pd.DataFrame.from_records(records, columns=[*COLUMNS, "source", "row", "position"])
    for name in ("id", "text", "author", "platform", "reply_to", "source"):
        posts[name] = posts[name].astype("string")
    posts["id"] = posts["id"].astype(str)
    posts["text"] = posts["text"].astype(str)
    posts["row"] = posts["row"].astype("int64")
    posts["position"] = posts["position"].astype("int64")
    posts["platform"] = posts["platform"].str.lower()
    notes = []
    raw_ts = posts["timestamp"]
    posts["timestamp"] = _parse_timestamps(raw_ts)
    n_bad_ts = int((raw_ts.notna() & posts["timestamp"].isna()).sum())
    if n_bad_ts:
        notes.append(
            f"{n_bad_ts} timestamp(s) could not be parsed and were kept as missing; use ISO 8601 "
            "such as 2026-05-04T13:22:00Z"
        )
    rejects_frame = pd.DataFrame.from_records(rejects, columns=list(REJECT_COLUMNS))
    if posts.empty:
        first = rejects[0] if rejects else None
        detail = f" (first: {first['source']} row {first['row']}: {first['reason']})" if first else ""
        raise InputError(
            f"no usable rows in {', '.join(p.name for p in paths)}{detail}; "
            "each row needs a non-empty text"
        )
    log.info("read %d rows: %d posts, %d rejected", n_read, len(posts), len(rejects_frame))
    return Conversations(posts=posts, rejects=rejects_frame, n_read=n_read, notes=tuple(notes))


def _parse_timestamps(values: pd.Series) -> pd.Series:
    """Parse mixed timestamp strings (ISO 8601, epoch seconds) to UTC; failures become NaT."""
    text = values.astype("string")
    numeric = pd.to_numeric(text, errors="coerce")
    parsed = pd.to_datetime(text.where(numeric.isna()), errors="coerce", utc=True, format="mixed")
    epoch = pd.to_datetime(numeric, errors="coerce", unit="s", utc=True)
    out = parsed.fillna(epoch) if numeric.notna().any() else parsed
    return out.astype("datetime64[ns, UTC]")
