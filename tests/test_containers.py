"""Files as people have them: Excel workbooks, compressed and zipped exports, report metadata
above the header, mixed line endings, a line too long to read (nichefinder.ingest.containers and
the CSV reader)."""

import bz2
import gzip
import lzma
import zipfile

import pytest

from nichefinder.exceptions import InputError
from nichefinder.ingest import load_conversations
from nichefinder.ingest.readers.base import MAX_LINE_BYTES, PREVIEW_CHARS

CSV = "text,author,timestamp\nmy order never came,@a,2026-01-01\nrefund please,@b,2026-01-02\n"


def workbook(path, sheets):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
    return path


def test_each_sheet_of_a_workbook_is_an_input(tmp_path):
    f = workbook(tmp_path / "export.xlsx", {
        "Mentions": [["Report: brand X"], [], ["message", "username", "date"],
                     ["my order never came", "@a", "2026-01-01"], ["refund please", "@b", 3]],
        "Empty": [],
        "More": [["text", "id"], ["late again", 7], ["", 8]],
    })
    conv = load_conversations(f)
    assert conv.n_read == 4 == len(conv.posts) + len(conv.rejects)
    assert sorted(set(conv.posts["source"])) == ["export.xlsx:Mentions", "export.xlsx:More"]
    assert conv.posts["text"].tolist() == ["my order never came", "refund please", "late again"]
    assert conv.posts["id"].tolist()[-1] == "7"  # a whole number stays one
    assert conv.rejects["source"].tolist() == ["export.xlsx:More"]
    assert any("skipped 2 line(s) above the header" in n for n in conv.notes)


@pytest.mark.parametrize(("suffix", "opener"), [(".gz", gzip.open), (".bz2", bz2.open),
                                                (".xz", lzma.open)])
def test_a_compressed_file_is_read_as_the_file_inside(tmp_path, suffix, opener):
    f = tmp_path / f"posts.csv{suffix}"
    with opener(f, "wt", encoding="utf-8") as fh:
        fh.write(CSV + "2,\n")
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["my order never came", "refund please"]
    assert conv.posts["source"].unique().tolist() == [f"posts.csv{suffix}"]
    assert conv.n_read == 3 and len(conv.rejects) == 1


def test_each_file_of_a_zip_is_an_input(tmp_path):
    f = tmp_path / "export.zip"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("a/posts.csv", CSV)
        z.writestr("b.jsonl", '{"text": "hello from b"}\n{"text": ""}\n')
        z.writestr("__MACOSX/._posts.csv", "junk")
    conv = load_conversations(f)
    assert sorted(set(conv.posts["source"])) == ["export.zip:a/posts.csv", "export.zip:b.jsonl"]
    assert conv.n_read == 4 == len(conv.posts) + len(conv.rejects)


def test_a_file_named_gz_that_is_not_is_one_line(tmp_path):
    f = tmp_path / "posts.csv.gz"
    f.write_text(CSV)
    with pytest.raises(InputError, match="is not gz-compressed"):
        load_conversations(f)


def test_metadata_lines_above_the_header_are_skipped_and_reported(tmp_path):
    f = tmp_path / "brandwatch.csv"
    f.write_text("Brandwatch export\nQuery: coffee,from 2026-01-01\n\n" + CSV)
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["my order never came", "refund please"]
    assert conv.posts["row"].tolist() == [1, 2]
    assert any("skipped 2 line(s) above the header on line 4" in n for n in conv.notes)


def test_mixed_line_endings_read_like_pythons_csv_module(tmp_path):
    import csv

    body = "text,author\r\none,@a\ntwo,@b\rthree,@c\r\n\"multi\rline\",@d\nfive,@e\r"
    f = tmp_path / "mixed.csv"
    f.write_bytes(body.encode())
    conv = load_conversations(f)
    with open(f, newline="", encoding="utf-8") as fh:
        expected = [row[0] for row in list(csv.reader(fh))[1:]]
    assert conv.posts["text"].tolist() == expected == ["one", "two", "three", "multi\rline",
                                                       "five"]
    assert conv.rejects.empty


def test_a_line_over_the_cap_is_rejected_with_its_content_cut(tmp_path):
    f = tmp_path / "big.csv"
    with open(f, "w") as fh:
        fh.write("text\nbefore\n")
        fh.write("x" * (MAX_LINE_BYTES + 10) + "\n")
        fh.write("after\n")
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["before", "after"]
    assert conv.n_read == 3
    reject = conv.rejects.iloc[0]
    assert "over the limit" in reject["reason"] and reject["row"] == 2
    assert len(reject["content"]) == PREVIEW_CHARS


def test_a_jsonl_line_over_the_cap_is_rejected(tmp_path):
    f = tmp_path / "big.jsonl"
    f.write_text('{"text": "ok"}\n{"text": "' + "y" * (MAX_LINE_BYTES + 5) + '"}\n')
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["ok"] and len(conv.rejects) == 1
    assert len(conv.rejects["content"].iloc[0]) == PREVIEW_CHARS
