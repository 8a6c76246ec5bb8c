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
    f = write(tmp_path / "posts.csv", "body,user\nhello,@a\n")
    with pytest.raises(InputError, match=r"column 'text' not found in posts.csv; columns are: "
                       r"body, user; map one with --columns text=body"):
        load_conversations(f)


def test_bad_rows_are_rejected_with_reason_not_dropped(tmp_path):
    f = write(tmp_path / "p.csv", "id,text\n1,fine\n2,\n1,dup id\n3,too,many,fields\n4,ok\n")
    conv = load_conversations(f)
    assert conv.posts["id"].tolist() == ["1", "4"]
    assert conv.n_read == 5 == len(conv.posts) + len(conv.rejects)
    reasons = dict(zip(conv.rejects["row"], conv.rejects["reason"]))
    assert "empty text" in reasons[2]
    assert "duplicate id" in reasons[3]
    assert "4 fields but the header has 2" in reasons[4]


def test_jsonl_with_broken_line(tmp_path):
    lines = [json.dumps({"text": "a post", "user": "u1"}), "{broken", json.dumps([1, 2]),
             json.dumps({"text": "another", "user": "u2"})]
    f = write(tmp_path / "p.jsonl", "\n".join(lines) + "\n")
    conv = load_conversations(f, columns={"author": "user"})
    assert len(conv.posts) == 2 and len(conv.rejects) == 2
    assert conv.rejects["reason"].str.contains("invalid JSON at column").any()
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
