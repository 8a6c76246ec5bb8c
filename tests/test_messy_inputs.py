"""Property tests: whatever bytes arrive, ingest and the CLI either work or stop with a clear
one-line error. Generated files mix encodings, broken quoting, missing fields, huge fields and
random bytes. No embedding model is loaded: the CLI test swaps in a hashing embedder."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nichefinder.exceptions import InputError
from nichefinder.ingest import load_conversations
from nichefinder.ingest.readers import FORMATS

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]
HEADERS = [["text"], ["id", "text", "author", "timestamp"], ["id", "text", "platform", "reply_to"],
           ["Full Text", "Author", "Date", "Page Type", "Url"], ["body", "user"]]

field_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(list('ab ,;"\t\n\r\\\'é😀\x00')), max_size=30),
    st.sampled_from(["", " ", '"', '""', '"open', 'close"', "2026-05-01T10:00:00Z", "not a date",
                     "1770000000", "[deleted]", "<p>hi &amp; bye</p>", "a,b", "1", "1"]),
    st.integers(1_000, 40_000).map(lambda n: "x" * n),  # huge fields
)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def messy_csv(draw) -> bytes:
    header = list(draw(st.sampled_from(HEADERS)))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 12))):
        n = draw(st.integers(0, len(header) + 2))  # missing and extra fields
        fields = []
        for _ in range(n):
            value = draw(field_text)
            style = draw(st.sampled_from(["plain", "quoted", "quoted", "broken"]))
            if style == "quoted":
                value = '"' + value.replace('"', '""') + '"'
            elif style == "broken":
                value = '"' + value
            fields.append(value)
        lines.append(delimiter.join(fields))
    if draw(st.integers(0, 4)) == 0:  # report metadata above the header
        lines[:0] = draw(st.lists(st.sampled_from(["Report: brand X", "Query,coffee,2026",
                                                   "", "Exported by a tool"]), max_size=4))
    endings = draw(st.sampled_from([["\n"], ["\r\n"], ["\n", "\r\n", "\r"]]))
    text = "".join(line + draw(st.sampled_from(endings)) for line in lines)
    data = _encode(text if draw(st.booleans()) else text.rstrip("\r\n"),
                   draw(st.sampled_from(ENCODINGS)))
    if draw(st.booleans()):  # random bytes somewhere
        junk = draw(st.binary(max_size=40))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | field_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=8,
)


@st.composite
def messy_jsonl(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["record", "record", "record", "value", "garbage", "blank"]))
        if kind == "record":
            record = draw(st.dictionaries(
                st.sampled_from(["id", "text", "author", "timestamp", "reply_to", "platform",
                                 "body", "created_utc", "x"]), json_value, max_size=6))
            line = json.dumps(record, ensure_ascii=draw(st.booleans()))
            if draw(st.integers(0, 9)) == 0:
                line = line[: draw(st.integers(0, len(line)))]  # truncated line
        elif kind == "value":
            line = json.dumps(draw(json_value))
        elif kind == "garbage":
            line = draw(st.text(max_size=40)).replace("\n", " ")
        else:
            line = ""
        lines.append(line)
    text = "\n".join(lines)
    if draw(st.booleans()):  # as one JSON array instead
        text = "[" + ",\n".join(lines) + "]"
    data = _encode(text, draw(st.sampled_from(ENCODINGS)))
    if draw(st.integers(0, 4)) == 0:
        data += draw(st.binary(max_size=40))
    return data


messy_file = st.one_of(
    messy_csv(),
    messy_jsonl(),
    st.binary(max_size=300),
    st.builds(lambda head, rest: head + rest,
              st.sampled_from([b"window.YTD.tweets.part0 = [", b'{"kind": "Listing", "data": ',
                               b'{"orderedItems": [', b'{"comments_v2": [', b'{"items": [',
                               b"PAR1", b'[{"timestamp": 1, "title": "x", "data": [']),
              st.binary(max_size=200) | json_value.map(lambda v: json.dumps(v).encode())),
)


def _check_load(path: Path, fmt: str | None) -> None:
    try:
        conv = load_conversations(path, format=fmt)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        return
    assert conv.n_read == len(conv.posts) + len(conv.rejects)
    assert len(conv.posts) > 0
    assert conv.posts["id"].is_unique
    assert (conv.posts["text"].str.strip() != "").all()
    assert set(conv.rejects["reason"].dropna().map(type)) <= {str}


def _packed(data: bytes, how: str, suffix: str) -> tuple[bytes, str]:
    """``data`` as it may arrive: as is, gzipped, or as a member of a zip archive."""
    if how == "gz":
        return gzip.compress(data, mtime=0), suffix + ".gz"
    if how == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"inner{suffix}", data)
            archive.writestr("second.csv", b"text\nanother post\n")
        return buffer.getvalue(), ".zip"
    return data, suffix


@SETTINGS
@given(data=messy_file, fmt=st.sampled_from([None, None, None, *FORMATS]),
       suffix=st.sampled_from([".csv", ".jsonl", ".json", ".txt", ".tsv"]),
       how=st.sampled_from(["plain", "plain", "plain", "gz", "zip"]))
def test_load_returns_or_raises_input_error(data, fmt, suffix, how):
    data, suffix = _packed(data, how, suffix)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"messy{suffix}"
        path.write_bytes(data)
        _check_load(path, fmt)


def _fake_embed_texts(texts, model=None, **kwargs):
    """Hash bag-of-words, L2-normalised: deterministic and instant."""
    out = np.zeros((len(texts), 32), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in str(text).lower().split():
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 32] += 1.0
        out[i, 0] += 1e-3
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(messy_csv(), messy_jsonl(), st.binary(max_size=200)),
       suffix=st.sampled_from([".csv", ".jsonl"]))
def test_cli_plan_exits_cleanly_on_messy_files(data, suffix):
    texts = pytest.importorskip("nichefinder.embed.texts")
    from nichefinder.cli import cli

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(texts, "embed_texts", _fake_embed_texts)
        path = Path(tmp) / f"messy{suffix}"
        path.write_bytes(data)
        result = CliRunner().invoke(cli, ["-q", "plan", str(path), "--out", str(Path(tmp) / "out"),
                                          "--no-cache"])
        assert result.exit_code in (0, 2), (result.output, result.exception)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            repr(result.exception)
        if result.exit_code == 2:
            assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        else:  # every row read is grouped, noise or rejected, in plan.json and the CSVs
            _check_accounting(Path(tmp) / "out")


def _check_accounting(out: Path) -> None:
    import pandas as pd

    summary = json.loads((out / "plan.json").read_text())["summary"]
    assert summary["rows_read"] == (summary["rows_grouped"] + summary["rows_noise"]
                                    + summary["rows_rejected"])
    assigned = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    rejected = (pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
                if (out / "rejects.csv").exists() else [])
    assert len(assigned) + len(rejected) == summary["rows_read"]
    assert int((assigned["group"] == "-1").sum()) == summary["rows_noise"]


def test_cli_plan_one_usable_row_does_not_crash(tmp_path, monkeypatch):
    texts = pytest.importorskip("nichefinder.embed.texts")
    from nichefinder.cli import cli

    monkeypatch.setattr(texts, "embed_texts", _fake_embed_texts)
    f = tmp_path / "one.csv"
    f.write_text("text\nonly one post here\n")
    result = CliRunner().invoke(cli, ["-q", "plan", str(f), "--out", str(tmp_path / "out"),
                                      "--no-cache"])
    assert result.exit_code in (0, 2), (result.output, result.exception)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["", "text\n", "\ufeff", "\x00\x00\x00", "id,text\n1,\n2, \n"])
def test_nothing_usable_is_a_one_line_error(tmp_path, text):
    f = tmp_path / "p.csv"
    f.write_text(text)
    with pytest.raises(InputError) as info:
        load_conversations(f)
    assert "p.csv" in str(info.value) and "\n" not in str(info.value)


def test_embedding_text_is_normalised_but_posts_keep_their_words(tmp_path):
    from nichefinder.embed import normalize_text

    assert normalize_text("<p>@beanco my grinder 😀<br>is loud</p>") == (
        "@user my grinder 😀 is loud")
    assert normalize_text("hi @ann@mastodon.social, mail a@b.com") == "hi @user, mail a@b.com"
    assert normalize_text("a < b > c &lt;3") == "a < b > c <3"
    f = tmp_path / "p.csv"
    f.write_text('text\n"@beanco see https://x.y/z  &amp; <b>this</b>"\n')
    assert load_conversations(f).posts["text"][0] == "@beanco see https://x.y/z  &amp; <b>this</b>"
