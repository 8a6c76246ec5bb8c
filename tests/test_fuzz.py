"""A fuzz run over 2,000 generated malformed files: no traceback, nothing lost.

Each file is read through the input path (``load_conversations``, no model): it either loads
with every row accounted for (read = posts + rejected, ids unique, texts non-empty) or stops
with a one-line :class:`InputError`. A handful go through the whole ``nichefinder plan`` with a
hashing embedder and must write a plan whose rows read = grouped + noise + rejected. The files
are generated from fixed seeds, so a failure names the seed that reproduces it.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from nichefinder.exceptions import InputError, NicheFinderError
from nichefinder.ingest import load_conversations

from .test_messy_inputs import _check_accounting, _fake_embed_texts

N_FILES = 2000
HEADERS = [["text"], ["id", "text", "author", "timestamp"], ["body", "user", "created_at"],
           ["message", "username", "date", "network"], ["Full Text", "Author", "Date",
                                                        "Page Type", "Url"],
           ["content", "handle", "published_at"], ["uid", "notes"], ["tweet", "screen_name"]]
CELLS = ["", " ", "hello", "my order never came", '"', '""', '"open', 'close"', "a,b", "x;y",
         "=HYPERLINK(\"http://x\")", "+1", "-2", "@me", "2026-05-01T10:00:00Z", "1770000000",
         "not a date", "é café", "😀", "\x00", "\t", "[deleted]", "<p>hi &amp; bye</p>", "1"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


def _cell(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        value = rng.choice(CELLS)
    elif roll < 0.95:
        value = " ".join(rng.choice(["refund", "late", "coffee", "bot", "win", "free", "ok"])
                         for _ in range(rng.randint(1, 8)))
    else:
        value = "x" * rng.randint(100, 30_000)
    style = rng.random()
    if style < 0.3:
        return '"' + value.replace('"', '""') + '"'
    if style < 0.35:
        return '"' + value  # broken quoting
    return value


def _csv(rng: random.Random) -> bytes:
    header = list(rng.choice(HEADERS))
    delimiter = rng.choice([",", ",", ";", "\t", "|"])
    lines = []
    if rng.random() < 0.2:
        lines += rng.sample(["Report: brand X", "Query,coffee,2026", "", "From,2026-01-01"],
                            rng.randint(1, 3))
    lines.append(delimiter.join(header))
    for _ in range(rng.randint(0, 15)):
        n = max(0, len(header) + rng.choice([0, 0, 0, 0, -1, 1, -len(header)]))
        lines.append(delimiter.join(_cell(rng) for _ in range(n)))
    endings = rng.choice([["\n"], ["\r\n"], ["\n", "\r\n", "\r"], ["\n", "\n", "\n\n"]])
    text = "".join(line + rng.choice(endings) for line in lines)
    data = text.encode(rng.choice(ENCODINGS), errors="replace")
    if rng.random() < 0.1:
        at = rng.randint(0, len(data))
        data = data[:at] + rng.randbytes(rng.randint(1, 30)) + data[at:]
    return data


def _jsonl(rng: random.Random) -> bytes:
    lines = []
    for _ in range(rng.randint(0, 12)):
        kind = rng.random()
        if kind < 0.7:
            keys = rng.sample(["id", "text", "author", "timestamp", "body", "user", "x",
                               "created_at", "reply_to"], rng.randint(0, 5))
            record = {k: rng.choice([_cell(rng), 1, None, [1], {"a": 1}, True]) for k in keys}
            line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
            if rng.random() < 0.1:
                line = line[: rng.randint(0, len(line))]
        elif kind < 0.85:
            line = rng.choice(["[1, 2]", "null", "3", '"s"', "{", "}", "not json"])
        else:
            line = ""
        lines.append(line)
    text = ("[" + ",\n".join(lines) + "]") if rng.random() < 0.2 else "\n".join(lines)
    return text.encode(rng.choice(ENCODINGS), errors="replace")


def _file(seed: int, folder: Path) -> Path:
    """Generated file number ``seed``: CSV or JSON Lines, maybe compressed or zipped."""
    rng = random.Random(seed)
    kind = rng.random()
    data, suffix = (_csv(rng), ".csv") if kind < 0.65 else (
        (_jsonl(rng), ".jsonl") if kind < 0.9 else (rng.randbytes(rng.randint(0, 300)), ".csv"))
    pack = rng.random()
    if pack < 0.08:
        data, suffix = gzip.compress(data, mtime=0), suffix + ".gz"
    elif pack < 0.12:
        data, suffix = bz2.compress(data), suffix + ".bz2"
    elif pack < 0.16:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"a{suffix}", data)
            if rng.random() < 0.5:
                archive.writestr("b.csv", _csv(rng))
        data, suffix = buffer.getvalue(), ".zip"
    path = folder / f"fuzz-{seed}{suffix}"
    path.write_bytes(data)
    return path


def test_two_thousand_generated_files_never_crash_or_lose_a_row(tmp_path):
    outcomes = {"loaded": 0, "refused": 0}
    for seed in range(N_FILES):
        path = _file(seed, tmp_path)
        try:
            conv = load_conversations(path)
        except InputError as exc:
            assert str(exc) and "\n" not in str(exc), (seed, str(exc))
            outcomes["refused"] += 1
        except NicheFinderError as exc:  # pragma: no cover - a failure to report
            pytest.fail(f"seed {seed}: {type(exc).__name__}: {exc}")
        else:
            assert conv.n_read == len(conv.posts) + len(conv.rejects), seed
            assert conv.posts["id"].is_unique, seed
            assert (conv.posts["text"].str.strip() != "").all(), seed
            outcomes["loaded"] += 1
        path.unlink()
    assert sum(outcomes.values()) == N_FILES
    assert outcomes["loaded"] > N_FILES // 4 and outcomes["refused"] > N_FILES // 20, outcomes


@pytest.mark.parametrize("seed", [3, 11, 17, 42, 101, 202, 303, 404])
def test_whole_plans_of_generated_files_account_for_every_row(tmp_path, monkeypatch, seed):
    texts = pytest.importorskip("nichefinder.embed.texts")
    from nichefinder.cli import cli

    monkeypatch.setattr(texts, "embed_texts", _fake_embed_texts)
    rng = random.Random(seed)
    path = tmp_path / "posts.csv"
    words = ["refund", "late", "coffee", "beans", "grinder", "win"]
    lines = ["body,user,created_at"] + [
        f"{' '.join(rng.choice(words) for _ in range(6))},"
        f"@u{rng.randint(0, 30)},2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        for _ in range(rng.randint(30, 120))]
    lines += [_cell(rng) + "," + _cell(rng) for _ in range(10)]  # malformed rows
    path.write_bytes("\n".join(lines).encode())
    result = CliRunner().invoke(cli, ["-q", "plan", str(path), "--out", str(tmp_path / "out"),
                                      "--no-cache", "--random-state", str(seed)])
    assert result.exit_code == 0, (seed, result.output)
    _check_accounting(tmp_path / "out")
