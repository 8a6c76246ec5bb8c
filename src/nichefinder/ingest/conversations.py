"""Ingest: read conversation files into one validated table.

The readers in :mod:`nichefinder.readers` turn each file (CSV, JSON Lines, Parquet or a
social-platform export, detected from its content) into rows; this module validates them.
Every input row ends up either in :attr:`Conversations.posts` or in
:attr:`Conversations.rejects` with its reason and original content; nothing is dropped silently.
Problems that make a whole file unusable (a missing ``text`` column, an unreadable file, broken
JSON) raise :class:`~nichefinder.exceptions.InputError` with a one-line message naming the file,
the place and the fix.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..exceptions import InputError
from .columns import free_text_column, resolve_columns
from .containers import expand_inputs
from .readers import one_line, open_source
from .timestamps import parse_timestamps

__all__ = ["COLUMNS", "Conversations", "check_inputs", "load_conversations", "parse_columns"]

log = logging.getLogger(__name__)

COLUMNS = ("id", "text", "author", "timestamp", "platform", "reply_to")
"""The columns nichefinder knows; only ``text`` is required."""

REJECT_COLUMNS = ("source", "row", "id", "reason", "content")
MAX_TEXT_CHARS = 20_000
"""Posts longer than this are kept but cut to this length (noted in the log)."""


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
    columns : dict
        Input name -> ``{known column: the file's column}`` that was used (aliases, presets and
        ``columns=`` resolved; see :mod:`nichefinder.ingest.columns`); platform exports, mapped
        by their readers, are absent.
    """

    posts: pd.DataFrame
    rejects: pd.DataFrame
    n_read: int
    notes: tuple[str, ...] = field(default=())
    columns: dict = field(default_factory=dict)

    @property
    def not_judged(self) -> tuple[str, ...]:
        """The judgements the data cannot support, in words (no authors, no timestamps).

        Examples
        --------
        >>> import pandas as pd
        >>> posts = pd.DataFrame({"author": pd.array([None], "string"),
        ...                       "timestamp": pd.to_datetime([None], utc=True)})
        >>> Conversations(posts, pd.DataFrame(), 1).not_judged[0][:30]
        'not judged: who is talking (no'
        """
        out = []
        if not self.has_authors:
            out.append("not judged: who is talking (no author column): a group's distinct "
                       "people, its spread over accounts and bot-like campaigns; map one with "
                       "--columns author=NAME")
        if not self.has_timestamps:
            out.append("not judged: time (no timestamps): whether a group is sustained over "
                       "weeks or a one-day spike; map one with --columns timestamp=NAME")
        return tuple(out)

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
        if isinstance(spec, str):
            items = spec.split(",")
        else:
            items = [p for s in spec for p in s.split(",")]
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


def _cell(value) -> str | None:
    if type(value) is str:  # the common case, first
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value).strip()
    return text or None


def _raw_content(record: dict, raw: str) -> str:
    return raw or json.dumps(record, ensure_ascii=False, default=str)


def load_conversations(
    paths: str | Path | Iterable[str | Path],
    *,
    columns: str | Mapping[str, str] | None = None,
    format: str | None = None,
) -> Conversations:
    """Read conversations from CSV, JSON Lines, Parquet or social-platform export files.

    Parameters
    ----------
    paths : path or iterable of paths
        One or more files. The format is detected from the content (see
        :func:`nichefinder.readers.detect_format`): CSV/TSV (with presets for common
        social-listening exports), JSON Lines or a JSON array of objects, Parquet, an X/Twitter
        archive ``tweets.js``, Reddit listings or NDJSON dumps, YouTube ``commentThreads``
        responses, Facebook "Download Your Information" JSON, a Mastodon/ActivityPub outbox.
    columns : str or mapping, optional
        Maps the known columns (``id``, ``text``, ``author``, ``timestamp``, ``platform``,
        ``reply_to``) to the file's names, e.g. ``"text=body,author=user"``. It wins over a
        detected CSV preset. Platform exports are mapped by their reader and ignore it.
    format : str, optional
        Skip detection and read every file as this format: one of ``"csv"``, ``"jsonl"``,
        ``"parquet"``, ``"twitter"``, ``"reddit"``, ``"youtube"``, ``"facebook"``,
        ``"mastodon"``.

    Returns
    -------
    Conversations
        Accepted posts and rejected rows; ``n_read == len(posts) + len(rejects)``. Rows that
        cannot be parsed, rows with an empty text, rows repeating an id already seen and
        repeated posts (same author, text and timestamp as an earlier row; checked when a
        post has an author or a timestamp) go to ``rejects`` with the reason and the row as it
        stood in the file; unparseable timestamps are kept as missing, with a note. Blank
        lines are not rows. CSV and JSON Lines are streamed, so memory follows the accepted
        table rather than the file size. A single usable row is returned (with a note); none
        is an error.

    Raises
    ------
    InputError
        A file is missing, unreadable, not valid JSON (line and column given), or has no text
        column; ``format`` is unknown; or no row is usable.

    Examples
    --------
    >>> conv = load_conversations("sample_data/conversations.csv")  # doctest: +SKIP
    >>> conv.posts.columns.tolist()  # doctest: +SKIP
    ['id', 'text', 'author', 'timestamp', 'platform', 'reply_to', 'source', 'row', 'position']
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("no input file given; pass one or more CSV, JSONL or Parquet files")
    mapping = parse_columns(columns)
    check_inputs(paths)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nichefinder-in-") as tmp:
        inputs = expand_inputs(paths, Path(tmp))
        acc = _Accumulator(multi=len(inputs) > 1)
        for name, path in inputs:
            n_before = acc.n_read
            try:
                acc.add_file(path, open_source(path, format), mapping, name)
            except OSError as exc:
                raise InputError(f"cannot read {name} after {acc.n_read - n_before} rows "
                                 f"({exc.strerror or exc}); check the file and its permissions",
                                 path=str(path)) from None
    records, rejects, notes, n_read = acc.records, acc.rejects, acc.notes, acc.n_read
    if acc.n_cut:
        notes.append(f"{acc.n_cut} text(s) longer than {MAX_TEXT_CHARS:,} characters were cut "
                     "to that length")
    posts = pd.DataFrame.from_records(records, columns=[*COLUMNS, "source", "row", "position"])
    for name in ("id", "text", "author", "platform", "reply_to", "source"):
        posts[name] = posts[name].astype("string")
    posts["id"] = posts["id"].astype(str)
    posts["text"] = posts["text"].astype(str)
    posts["row"] = posts["row"].astype("int64")
    posts["position"] = posts["position"].astype("int64")
    posts["platform"] = posts["platform"].str.lower().str.replace(
        r"^socialmedia_", "", regex=True)  # Talkwalker writes SOCIALMEDIA_TWITTER
    raw_ts = posts["timestamp"]
    posts["timestamp"] = parse_timestamps(raw_ts)
    bad_ts = raw_ts.notna() & posts["timestamp"].isna()
    n_bad_ts = int(bad_ts.sum())
    if n_bad_ts:
        first = posts.loc[bad_ts].iloc[0]
        notes.append(
            f"{n_bad_ts} timestamp(s) could not be parsed and were kept as missing (first: "
            f"{first['source']} row {first['row']}: {str(raw_ts[bad_ts].iloc[0])[:40]!r}); use "
            "ISO 8601 such as 2026-05-04T13:22:00Z"
        )
    rejects_frame = pd.DataFrame.from_records(rejects, columns=list(REJECT_COLUMNS))
    rejects_frame["row"] = rejects_frame["row"].astype("int64")
    for name in ("source", "id", "reason", "content"):
        rejects_frame[name] = rejects_frame[name].astype("string")
    for note in notes:
        log.info("%s", note)
    if posts.empty:
        first = rejects[0] if rejects else None
        detail = ""
        if first:
            detail = (f" (first: {first['source']} row {first['row']}: "
                      f"{one_line(first['reason'], 200)})")
        raise InputError(
            f"no usable rows in {', '.join(p.name for p in paths)}{detail}; "
            "each row needs a non-empty text"
        )
    if len(posts) == 1:
        notes.append("only 1 usable post: too few to find groups in")
    assert n_read == len(posts) + len(rejects_frame), "row accounting broke: a row was lost"
    log.info("read %d rows: %d posts, %d rejected", n_read, len(posts), len(rejects_frame))
    return Conversations(posts=posts, rejects=rejects_frame, n_read=n_read, notes=tuple(notes),
                         columns=acc.columns)


def check_inputs(paths: Iterable[str | Path]) -> None:
    """An :class:`InputError` for the first input that is not a readable file (before any work).

    Examples
    --------
    >>> check_inputs(["no-such-file.csv"])
    Traceback (most recent call last):
    ...
    nichefinder.exceptions.InputError: input file 'no-such-file.csv' does not exist
    """
    for path in map(Path, paths):
        if not path.is_file():
            what = "is a folder; give the files inside it" if path.is_dir() else "does not exist"
            raise InputError(f"input file {str(path)!r} {what}", path=str(path))


class _Accumulator:
    """Collects accepted posts and rejects across files, with the checks that span rows."""

    def __init__(self, multi: bool):
        self.multi = multi
        self.records: list[dict] = []
        self.rejects: list[dict] = []
        self.notes: list[str] = []
        self.columns: dict[str, dict[str, str]] = {}
        self.seen_ids: dict[str, str] = {}
        self.seen_posts: dict[tuple, str] = {}
        self.n_read = 0
        self.n_cut = 0
        self.name = ""

    def reject(self, row: int, id, reason: str, content: str) -> None:
        self.rejects.append(dict(source=self.name, row=row, id=id, reason=reason,
                                 content=content))

    def add_file(self, path: Path, source, mapping: dict, name: str | None = None) -> None:
        self.name = name = name or path.name
        rows = source.rows
        if source.mapped:
            names = {known: known for known in COLUMNS}
            if mapping:
                self.notes.append(f"{name}: --columns ignored; {source.format} exports "
                                  "are mapped by their reader")
        elif source.header is not None:
            names = self._names_of(name, source.header, mapping, source.columns)
            _check_header(path, name, source.header, names, mapping, rows)
        else:  # records with their own keys (JSON Lines): the first record's keys name them
            rows, first = _peek_record(rows)
            names = self._names_of(name, list(first or {}), mapping, {})
        schemaless = source.header is None and not source.mapped
        seen_keys: dict[str, None] = {}
        sample: list[dict] = []  # for the fix, should the text field be missing
        unseen_mapped = set(mapping.values()) if schemaless else set()
        text_seen = not schemaless
        for row, record, reason, raw in rows:
            self.n_read += 1
            if record is None:
                self.reject(row, None, reason, raw)
                continue
            if schemaless:
                if len(seen_keys) < 1000:
                    seen_keys.update(dict.fromkeys(map(str, record)))
                if len(sample) < 200 and not text_seen:
                    sample.append(record)
                text_seen = text_seen or names["text"] in record
                if unseen_mapped:
                    unseen_mapped.difference_update(map(str, record))
            self._add_record(row, record, reason, raw, names, source.mapped)
        self.notes.extend(n.replace(path.name, name) if path.name != name else n
                          for n in source.notes)
        if schemaless and not text_seen and seen_keys:
            keys = [one_line(k, 40) for k in seen_keys]
            raise InputError(
                f"field {names['text']!r} not found in any record of {name}; fields are: "
                f"{', '.join(keys[:20])}; {_text_hint(list(seen_keys), sample)}",
                path=str(path),
            )
        if unseen_mapped and text_seen:
            raise InputError(
                f"mapped field(s) {', '.join(repr(one_line(k)) for k in sorted(unseen_mapped))} "
                f"not found in any record of {name}; fields are: "
                f"{', '.join(one_line(k, 40) for k in list(seen_keys)[:20])}",
                path=str(path),
            )

    def _names_of(self, name: str, header: list, mapping: dict, preset: dict) -> dict:
        used = resolve_columns(header, mapping, preset)
        if used.get("text") in header:
            self.columns[name] = {k: v for k, v in used.items() if v in header}
        return {known: used.get(known, known) for known in COLUMNS}

    def _add_record(self, row, record, reason, raw, names, mapped) -> None:
        get = record.get
        post = {known: _cell(get(name)) for known, name in names.items()}
        file_name = self.name
        if post["id"] is None:
            post["id"] = f"{file_name}:{row}" if self.multi else str(row)
        where = f"{file_name} row {row}" if self.multi else f"row {row}"
        if reason or post["text"] is None:
            if reason:
                why = reason
            elif not mapped and names["text"] not in record:
                why = (f"no {names['text']!r} field; give each record its text (fields: "
                       f"{', '.join(map(str, list(record)[:10])) or 'none'})")
            else:
                why = "empty text; give the post's words in the text column"
            self.reject(row, post["id"], why, _raw_content(record, raw))
            return
        if post["id"] in self.seen_ids:
            self.reject(row, post["id"],
                        f"duplicate id (first seen in {self.seen_ids[post['id']]}); ids must be "
                        "unique", _raw_content(record, raw))
            return
        if post["author"] is not None or post["timestamp"] is not None:
            key = (post["author"], post["timestamp"], post["text"])
            if key in self.seen_posts:
                self.reject(row, post["id"],
                            f"duplicate post of {self.seen_posts[key]} (same author, text and "
                            "timestamp); remove the repeat", _raw_content(record, raw))
                return
            self.seen_posts[key] = where
        self.seen_ids[post["id"]] = f"{file_name} row {row}"
        if len(post["text"]) > MAX_TEXT_CHARS:
            post["text"] = post["text"][:MAX_TEXT_CHARS]
            self.n_cut += 1
        post["source"] = file_name
        post["row"] = row
        post["position"] = self.n_read - 1
        self.records.append(post)


def _peek_record(rows):
    """``(rows, first record)``: the same rows, and the first record among them (or None)."""
    import itertools

    head = []
    first = None
    for item in rows:
        head.append(item)
        if item.record is not None:
            first = item.record
            break
        if len(head) >= 1000:
            break
    return itertools.chain(head, rows), first


def _text_hint(header: list, records: list) -> str:
    """The fix for a missing text column: the column that holds free text, never an id."""
    column = free_text_column(header, records)
    if column is not None:
        return f"the free text looks to be in {one_line(column, 40)!r}: map it with " \
               f"--columns text={one_line(column, 40)}"
    return "map the column that holds the posts' words with --columns text=NAME"


def _check_header(path: Path, name: str, header: list[str], names: dict, mapping: dict,
                  rows) -> None:
    shown = ", ".join(one_line(h, 40) for h in header[:30]) + (", ..." if len(header) > 30 else "")
    if names["text"] not in header:
        sample = []
        if header:
            for item in rows:
                if item.record is not None:
                    sample.append(item.record)
                if len(sample) >= 200:
                    break
        hint = _text_hint(header, sample) if header else "add a 'text' column"
        raise InputError(
            f"column {one_line(names['text'])!r} not found in {name}; columns are: "
            f"{shown or '(none)'}; {hint}",
            path=str(path),
        )
    for known, source in mapping.items():
        if source not in header:
            raise InputError(
                f"mapped column {one_line(source)!r} (for {known}) not found in {name}; "
                f"columns are: {shown}",
                path=str(path),
            )


def as_conversations(data, columns=None, format=None) -> Conversations:
    """Conversations from files, a DataFrame, or as given.

    Parameters
    ----------
    data : Conversations, DataFrame, path or iterable of paths
        Already loaded conversations are returned as they are; a DataFrame is checked by the
        same rules as a file (its rejects are kept); paths are read by
        :func:`load_conversations`.
    columns : str, mapping or sequence, optional
        Column mapping, as for :func:`load_conversations`.
    format : str, optional
        File format, as for :func:`load_conversations`; detected when ``None``.

    Returns
    -------
    Conversations

    Raises
    ------
    InputError
        When ``data`` is none of these, or a file or row cannot be used.
    """
    if isinstance(data, Conversations):
        return data
    if isinstance(data, pd.DataFrame):
        return _frame_to_conversations(data, columns)
    if isinstance(data, (str, Path)) or isinstance(data, Iterable):
        return load_conversations(data, columns=columns, format=format)
    raise InputError(
        f"cannot read conversations from a {type(data).__name__}; give file paths, a pandas "
        "DataFrame or a Conversations object"
    )


def _frame_to_conversations(frame: pd.DataFrame, columns) -> Conversations:
    """Validate an in-memory DataFrame by the same rules as files (a Parquet round trip)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dataframe.parquet"
        frame.reset_index(drop=True).to_parquet(path, index=False)
        return load_conversations(path, columns=columns)
