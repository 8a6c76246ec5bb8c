import json

import pandas as pd
import pytest

from nichefinder.exceptions import InputError
from nichefinder.ingest import load_conversations, parse_columns


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_known_columns(tmp_path):
    f = write(tmp_path / "posts.csv", "id,text,author,timestamp,platform,reply_to\n"
              "a,Parcel late again,@x,2026-05-01T10:00:00Z,Twitter,\n"
              "b,Same here,@y,2026-05-01T11:00:00Z,twitter,a\n")
    conv = load_conversations(f)
    p = conv.posts
    assert p["id"].tolist() == ["a", "b"]
    assert p["platform"].tolist() == ["twitter", "twitter"]
    assert p["reply_to"].isna().tolist() == [True, False]
    assert str(p["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert conv.n_read == 2 and conv.rejects.empty
    assert conv.has_authors and conv.has_timestamps


def test_column_mapping_and_missing_id(tmp_path):
    f = write(tmp_path / "x.csv", "body,user\nhello there,@a\nsecond post,@b\n")
    conv = load_conversations(f, columns="text=body,author=user")
    assert conv.posts["id"].tolist() == ["1", "2"]
    assert conv.posts["author"].tolist() == ["@a", "@b"]
    assert not conv.has_timestamps


def test_missing_text_column_names_columns_and_fix(tmp_path):
    f = write(tmp_path / "posts.csv", "uid,blurb,lang\n1,hello there my friend,en\n"
              "2,another thing to say,en\n")
    with pytest.raises(InputError, match=r"column 'text' not found in posts.csv; columns are: "
                       r"uid, blurb, lang; the free text looks to be in 'blurb': map it with "
                       r"--columns text=blurb"):
        load_conversations(f)


def test_usual_column_names_are_used_with_or_without_columns(tmp_path):
    f = write(tmp_path / "export.csv", "body,user,created_at\nhello there,@a,2026-01-01\n"
              "second post,@b,2026-01-02\n")
    for columns in (None, "text=body"):
        conv = load_conversations(f, columns=columns)
        assert conv.columns == {"export.csv": {"text": "body", "author": "user",
                                               "timestamp": "created_at"}}
        assert conv.has_authors and conv.has_timestamps and not conv.not_judged


def test_the_suggested_text_column_is_never_an_id(tmp_path):
    rows = "".join(f"{1000 + i},{'ab' * 9}{i:04x},t3_{i},my order number {i} never came\n"
                   for i in range(30))
    f = write(tmp_path / "posts.csv", "id,hash,ref,notes\n" + rows)
    with pytest.raises(InputError, match=r"--columns text=notes$"):
        load_conversations(f)


def test_bad_rows_are_rejected_with_reason_not_dropped(tmp_path):
    f = write(tmp_path / "p.csv", "id,text\n1,fine\n2,\n1,dup id\n3,too,many,fields\n4,ok\n")
    conv = load_conversations(f)
    assert conv.posts["id"].tolist() == ["1", "4"]
    assert conv.n_read == 5 == len(conv.posts) + len(conv.rejects)
    reasons = dict(zip(conv.rejects["row"], conv.rejects["reason"], strict=True))
    assert "empty text" in reasons[2]
    assert "duplicate id" in reasons[3]
    assert "4 fields but the header has 2" in reasons[4]


def test_jsonl_with_broken_line(tmp_path):
    lines = [json.dumps({"text": "a post", "user": "u1"}), "{broken", json.dumps([1, 2]),
             json.dumps({"text": "another", "user": "u2"})]
    f = write(tmp_path / "p.jsonl", "\n".join(lines) + "\n")
    conv = load_conversations(f, columns={"author": "user"})
    assert len(conv.posts) == 2 and len(conv.rejects) == 2
    assert conv.rejects["reason"].str.contains("invalid JSON at line 2 column 2").any()
    assert conv.rejects["reason"].str.contains("not a JSON object").any()


def test_parquet_and_multiple_files(tmp_path):
    pd.DataFrame({"text": ["a b", "c d"]}).to_parquet(tmp_path / "a.parquet")
    write(tmp_path / "b.csv", "text\ne f\n")
    conv = load_conversations([tmp_path / "a.parquet", tmp_path / "b.csv"])
    assert conv.posts["id"].tolist() == ["a.parquet:1", "a.parquet:2", "b.csv:1"]
    assert conv.posts["position"].tolist() == [0, 1, 2]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "latin-1"])
def test_encodings(tmp_path, encoding):
    f = write(tmp_path / "p.csv", "text\ncafé crème\n", encoding)
    assert load_conversations(f).posts["text"].tolist() == ["café crème"]


def test_unparseable_timestamp_kept_with_note(tmp_path):
    f = write(tmp_path / "p.csv", "text,timestamp\na,2026-05-01\nb,not a date\nc,1770000000\n")
    conv = load_conversations(f)
    assert len(conv.posts) == 3
    assert conv.posts["timestamp"].isna().tolist() == [False, True, False]
    assert "1 timestamp(s) could not be parsed" in conv.notes[0]


def test_no_usable_rows_and_missing_file(tmp_path):
    f = write(tmp_path / "p.csv", "text\n \n")
    with pytest.raises(InputError, match="no usable rows in p.csv"):
        load_conversations(f)
    with pytest.raises(InputError, match="does not exist"):
        load_conversations(tmp_path / "nope.csv")


def test_parse_columns_errors():
    assert parse_columns(None) == {}
    with pytest.raises(InputError, match="has no '='"):
        parse_columns("text")
    with pytest.raises(InputError, match="unknown column 'body'"):
        parse_columns("body=text")


def test_duplicate_posts_rejected_as_repeat_of_first(tmp_path):
    f = write(tmp_path / "p.csv", "id,text,author,timestamp\n"
              "1,Parcel late,@a,2026-05-01T10:00:00Z\n"
              "2,Parcel late,@b,2026-05-01T10:00:00Z\n"
              "3,Parcel late,@a,2026-05-01T10:00:00Z\n"
              "4,Parcel late,@a,2026-05-02T10:00:00Z\n")
    conv = load_conversations(f)
    assert conv.posts["id"].tolist() == ["1", "2", "4"]
    (reason,) = conv.rejects["reason"]
    assert reason.startswith("duplicate post of row 1 (same author, text and timestamp)")
    assert conv.rejects["content"][0] == "3,Parcel late,@a,2026-05-01T10:00:00Z\n"


def test_duplicates_across_files_name_the_file(tmp_path):
    a = write(tmp_path / "a.csv", "id,text\nx1,hello\n")
    b = write(tmp_path / "b.csv", "id,text\nx1,hello again\n")
    conv = load_conversations([a, b])
    assert conv.rejects["reason"][0].startswith("duplicate id (first seen in a.csv row 1)")


def test_malformed_csv_rows_keep_their_lines(tmp_path):
    f = write(tmp_path / "p.csv", 'id,text\n1,"fine, quoted"\n2,"stray"quote\n3,ok\n'
              '4,"never closed\n5,swallowed\n')
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["fine, quoted", "ok"]
    r = conv.rejects.set_index("row")
    assert r.loc[2, "reason"].startswith("malformed CSV at line 3 (',' expected after '\"')")
    assert r.loc[2, "content"] == '2,"stray"quote\n'
    assert r.loc[4, "reason"].startswith("malformed CSV at line 5-6: a quote opened here is "
                                         "never closed")
    assert r.loc[4, "content"] == '4,"never closed\n5,swallowed\n'
    assert conv.n_read == 4 == len(conv.posts) + len(conv.rejects)


def test_blank_lines_are_not_rows_but_empty_rows_are(tmp_path):
    f = write(tmp_path / "p.csv", "id,text\n\n1,a\n\n , \n2,b\n\n")
    conv = load_conversations(f)
    assert conv.posts["row"].tolist() == [1, 3]
    assert conv.rejects["reason"].tolist() == ["empty row (line 5)"]


def test_whitespace_text_is_rejected(tmp_path):
    f = write(tmp_path / "p.jsonl", '{"text": "  \\t "}\n{"text": null}\n{"body": "x"}\n'
              '{"text": "real"}\n')
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["real"]
    reasons = conv.rejects["reason"].tolist()
    assert reasons[0].startswith("empty text") and reasons[1].startswith("empty text")
    assert reasons[2] == "no 'text' field; give each record its text (fields: body)"


def test_jsonl_without_text_field_or_mapped_field(tmp_path):
    f = write(tmp_path / "p.jsonl", '{"uid": "1", "blurb": "a long post here", "u": "u"}\n')
    with pytest.raises(InputError, match=r"field 'text' not found in any record of p.jsonl; "
                       r"fields are: uid, blurb, u; the free text looks to be in 'blurb': map it "
                       r"with --columns text=blurb"):
        load_conversations(f)
    with pytest.raises(InputError, match=r"mapped field\(s\) 'usr' not found in any record"):
        load_conversations(f, columns="text=blurb,author=usr")


def test_one_usable_row_loads_with_a_note(tmp_path):
    f = write(tmp_path / "p.csv", "text\nonly one\n\n")
    conv = load_conversations(f)
    assert len(conv.posts) == 1 and conv.n_read == 1
    assert "only 1 usable post" in conv.notes[-1]


def test_empty_and_header_only_files_stop_cleanly(tmp_path):
    with pytest.raises(InputError, match="p.csv is empty; give a CSV file with a header row"):
        load_conversations(write(tmp_path / "p.csv", "\n \n"))
    with pytest.raises(InputError, match=r"no usable rows in h.csv; each row needs"):
        load_conversations(write(tmp_path / "h.csv", "text\n"))
    with pytest.raises(InputError, match="is a folder"):
        load_conversations(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "cp1252"])
def test_more_encodings(tmp_path, encoding):
    f = write(tmp_path / "p.csv", "text,author\n“smart” café,zoë\n", encoding)
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["“smart” café"]
    assert conv.posts["author"].tolist() == ["zoë"]


def test_mixed_encoding_lines_fall_back_per_line(tmp_path):
    f = tmp_path / "p.csv"
    f.write_bytes("text\nnaïve utf8\n".encode() + "naïve latin\n".encode("latin-1"))
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["naïve utf8", "naïve latin"]
    assert any("1 line(s) were not UTF-8" in n and "line 3" in n for n in conv.notes)


def test_semicolon_and_tab_delimiters(tmp_path):
    a = write(tmp_path / "a.csv", "id;text\n1;hello, world\n")
    b = write(tmp_path / "b.tsv", "id\ttext\n1\thello; world\n")
    assert load_conversations(a).posts["text"].tolist() == ["hello, world"]
    assert load_conversations(b).posts["text"].tolist() == ["hello; world"]


def test_long_texts_are_cut_with_a_note(tmp_path):
    f = write(tmp_path / "p.csv", "text\n" + "x" * 30_000 + "\n")
    conv = load_conversations(f)
    assert len(conv.posts["text"][0]) == 20_000
    assert any("1 text(s) longer than 20,000 characters were cut" in n for n in conv.notes)


def test_csv_and_jsonl_are_streamed_not_read_whole(tmp_path, monkeypatch):
    import pathlib

    csv_file = write(tmp_path / "p.csv", "text\na\nb\n")
    jsonl_file = write(tmp_path / "p.jsonl", '{"text": "a"}\n{"text": "b"}\n')

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"{self.name} was read whole")

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    assert len(load_conversations(csv_file).posts) == 2
    assert len(load_conversations(jsonl_file).posts) == 2


def test_memory_follows_the_table_not_the_file(tmp_path):
    import tracemalloc

    f = tmp_path / "wide.csv"
    filler = "z" * 5_000
    with open(f, "w") as fh:
        fh.write("id,text,extra\n")
        for i in range(3_000):
            fh.write(f"{i},post {i},{filler}\n")
    size = f.stat().st_size
    tracemalloc.start()
    try:
        conv = load_conversations(f)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(conv.posts) == 3_000
    assert size > 15_000_000 and peak < size / 5


def test_epoch_milliseconds_and_twitter_dates(tmp_path):
    f = write(tmp_path / "p.csv",
              "text,timestamp\na,1714820000000\nb,Wed Oct 10 20:19:24 +0000 2018\n")
    ts = load_conversations(f).posts["timestamp"].tolist()
    assert ts == [pd.Timestamp("2024-05-04T10:53:20Z"), pd.Timestamp("2018-10-10T20:19:24Z")]


def test_bare_carriage_return_line_endings_are_a_clear_error(tmp_path):
    f = write(tmp_path / "mac.csv", "text\ra\rb\r")
    with pytest.raises(InputError, match="mac.csv ends its lines with a bare carriage return"):
        load_conversations(f)


def test_timestamps_out_of_range_are_kept_as_missing(tmp_path):
    f = write(tmp_path / "p.jsonl", '{"text": "a", "timestamp": 10000000000}\n'
              '{"text": "b", "timestamp": "9999-01-01"}\n{"text": "c", "timestamp": 1e30}\n')
    conv = load_conversations(f)
    assert conv.posts["timestamp"].isna().all()
    assert conv.notes[0].startswith("3 timestamp(s) could not be parsed")


def test_cells_are_stripped_text_or_none():
    from nichefinder.ingest.conversations import _cell

    assert _cell("  hi ") == "hi"
    assert _cell("   ") is None
    assert _cell(None) is None
    assert _cell(float("nan")) is None
    assert _cell(12) == "12"
    assert _cell({"a": 1}) == '{"a": 1}'
