"""One test per reader, on small hand-written fixtures that follow each platform's documented
format (tests/fixtures/), plus detection, --format overrides and the text helpers."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from nichefinder.exceptions import InputError
from nichefinder.ingest import load_conversations
from nichefinder.ingest.readers import detect_format, fix_mojibake, open_source, strip_html

FIXTURES = Path(__file__).parent / "fixtures"


def ts(text):
    return pd.Timestamp(text, tz="UTC")


def test_twitter_archive_with_account(tmp_path):
    conv = load_conversations(FIXTURES / "twitter" / "tweets.js")
    p = conv.posts
    assert p["id"].tolist() == ["1050118621198921728", "1050119000000000000"]
    assert p["text"].tolist() == ["Descaling the espresso machine & it works",
                                  "@beanco which descaler do you use? 🙂"]
    assert p["author"].tolist() == ["@ann_brews", "@ann_brews"]  # from account.js
    assert p["timestamp"].tolist() == [ts("2018-10-10T20:19:24Z"), ts("2018-10-10T21:00:00Z")]
    assert p["platform"].tolist() == ["twitter", "twitter"]
    assert p["reply_to"].tolist()[1] == "1050118621198921728"
    # without account.js the author is the archive owner
    shutil.copy(FIXTURES / "twitter" / "tweets.js", tmp_path / "tweets.js")
    alone = load_conversations(tmp_path / "tweets.js")
    assert set(alone.posts["author"]) == {"archive owner"}


def test_reddit_listing_flattens_replies_and_rejects_deleted():
    conv = load_conversations(FIXTURES / "reddit_listing.json")
    p = conv.posts
    assert p["id"].tolist() == ["abc123", "c1", "c2"]
    assert p["text"].tolist()[0] == ("Grinder or machine?\n\n"
                                     "Pressure drops after 10 seconds & the shot runs fast.")
    assert p["text"].tolist()[2] == "Agreed > machine is fine"
    assert p["author"].tolist() == ["u/ann_brews", "u/bob", "u/cat"]
    assert p["reply_to"].tolist()[1:] == ["abc123", "c1"]  # t3_/t1_ prefixes stripped
    assert p["timestamp"].tolist()[0] == ts("2024-05-04T10:53:20Z")
    r = conv.rejects.set_index("row")
    assert "placeholder for 3 more comment(s)" in r.loc[4, "reason"]
    assert r.loc[5, "id"] == "c3" and "comment was deleted on Reddit" in r.loc[5, "reason"]
    assert json.loads(r.loc[5, "content"])["data"]["body"] == "[deleted]"
    assert conv.n_read == 5


def test_reddit_ndjson_comments_and_submissions():
    conv = load_conversations([FIXTURES / "reddit_comments.ndjson",
                               FIXTURES / "reddit_submissions.ndjson"])
    p = conv.posts.set_index("id")
    assert p.loc["c2", "reply_to"] == "c1" and p.loc["c1", "reply_to"] == "abc123"
    assert p.loc["c2", "timestamp"] == ts("2024-05-04T10:56:40Z")  # epoch given as a string
    assert p.loc["abc123", "text"] == "Grinder or machine?\n\nPressure drops after 10 seconds."
    assert p.loc["def456", "text"] == "Best beans for a V60?"  # removed body, title kept
    (reason,) = conv.rejects["reason"]
    assert reason.startswith("comment was removed on Reddit ([removed])")
    assert conv.rejects["content"][0].startswith('{"author":"[deleted]","body":"[removed]"')


def test_youtube_comment_threads():
    conv = load_conversations(FIXTURES / "youtube_comment_threads.json")
    p = conv.posts
    assert p["id"].tolist() == ["UgzThread1", "UgzThread1.reply1", "UgzThread2"]
    assert p["text"].tolist() == ["Great descaling guide\nthanks!",  # textOriginal
                                  'Which descaler? "citric"?',  # textDisplay, HTML decoded
                                  "My grinder is too loud"]
    assert p["author"].tolist() == ["@ann", "@bob", "@cat"]
    assert p["reply_to"].isna().tolist() == [True, False, True]
    assert p["reply_to"][1] == "UgzThread1"
    assert p["timestamp"][0] == ts("2024-05-04T13:22:00Z")
    assert set(p["platform"]) == {"youtube"}


def test_facebook_comments_fix_mojibake_and_reject_attachment_only():
    conv = load_conversations(FIXTURES / "facebook_comments.json")
    assert conv.posts["text"].tolist() == ["Le café est froid 😢"]
    assert conv.posts["author"].tolist() == ["Ann Lee"]
    assert conv.posts["timestamp"][0] == ts("2024-05-04T10:53:20Z")
    assert "no post or comment text" in conv.rejects["reason"][0]


def test_facebook_posts_take_author_from_title():
    conv = load_conversations(FIXTURES / "facebook_posts.json")
    assert conv.posts["text"].tolist() == ["Naïve question: how often do you descale?",
                                           "New grinder day"]
    assert conv.posts["author"].tolist() == ["Ann Lee", "Ann Lee"]
    assert set(conv.posts["platform"]) == {"facebook"}


def test_mastodon_outbox_strips_html_and_rejects_boosts():
    conv = load_conversations(FIXTURES / "mastodon_outbox.json")
    p = conv.posts
    assert p["text"].tolist() == ["Descaling day & the #espresso tastes better\nSecond paragraph",
                                  "@bob use citric acid"]
    assert p["author"].tolist() == ["@ann@mastodon.example"] * 2
    assert p["reply_to"][1] == p["id"][0] == "https://mastodon.example/users/ann/statuses/1"
    assert conv.rejects["reason"].tolist() == [
        "boost (Announce) of another post; no text of its own"]


@pytest.mark.parametrize("name, preset, first", [
    ("brandwatch.csv", "brandwatch",
     ("r1", "My grinder, again, is jammed", "ann_brews", "twitter")),
    ("sprout_social.csv", "sprout social",
     ("https://instagram.com/p/1", "Love the new roast", "@ann", "instagram")),
    ("hootsuite.csv", "hootsuite", ("111", "Shipping to Canada?", "@ann", "twitter")),
    ("talkwalker.csv", "talkwalker",
     ("https://t.example/1", "Beans arrived stale", "ann", "twitter")),
])
def test_csv_presets(name, preset, first):
    conv = load_conversations(FIXTURES / name)
    row = conv.posts.iloc[0]
    assert (row["id"], row["text"], row["author"], row["platform"]) == first
    assert row["timestamp"] == ts("2024-05-04T13:22:00Z")
    assert any(f"{preset} preset" in n for n in conv.notes)


def test_talkwalker_parent_url_becomes_reply_to():
    p = load_conversations(FIXTURES / "talkwalker.csv").posts
    assert p["reply_to"].tolist()[1] == "https://t.example/1" == p["id"][0]


def test_columns_win_over_preset():
    conv = load_conversations(FIXTURES / "brandwatch.csv", columns="author=Full Name")
    assert conv.posts["author"].tolist() == ["Ann", "Bob"]
    assert conv.posts["text"][0] == "My grinder, again, is jammed"


@pytest.mark.parametrize("name, fmt", [
    ("twitter/tweets.js", "twitter"), ("reddit_listing.json", "reddit"),
    ("reddit_comments.ndjson", "reddit"), ("reddit_submissions.ndjson", "reddit"),
    ("youtube_comment_threads.json", "youtube"), ("facebook_comments.json", "facebook"),
    ("facebook_posts.json", "facebook"), ("mastodon_outbox.json", "mastodon"),
    ("brandwatch.csv", "csv"),
])
def test_detect_format_by_content(tmp_path, name, fmt):
    assert detect_format(FIXTURES / name) == fmt
    # the extension does not matter
    renamed = tmp_path / "export.dat"
    shutil.copy(FIXTURES / name, renamed)
    assert detect_format(renamed) == fmt


def test_detect_plain_formats(tmp_path):
    (tmp_path / "a.txt").write_text('{"text": "x"}\n{"text": "y"}\n')
    (tmp_path / "b.txt").write_text('[{"text": "x"}]')
    pd.DataFrame({"text": ["x"]}).to_parquet(tmp_path / "c.bin")
    assert detect_format(tmp_path / "a.txt") == "jsonl"
    assert detect_format(tmp_path / "b.txt") == "jsonl"
    assert detect_format(tmp_path / "c.bin") == "parquet"


def test_format_override(tmp_path):
    f = tmp_path / "posts.json"
    f.write_text('{"text": "a,b"}\n')
    assert load_conversations(f, format="jsonl").posts["text"].tolist() == ["a,b"]
    # read as CSV, the JSON line is a header with no text column: a clear error
    with pytest.raises(InputError, match="column 'text' not found in posts.json"):
        load_conversations(f, format="csv")
    with pytest.raises(InputError, match=r"no YouTube comment threads found .* check --format"):
        load_conversations(FIXTURES / "reddit_listing.json", format="youtube")
    with pytest.raises(InputError, match="unknown format 'tiktok'; use one of: csv, jsonl"):
        load_conversations(f, format="tiktok")


def test_json_array_is_streamed_with_raw_content(tmp_path):
    items = [{"text": f"post {i}", "id": str(i)} for i in range(2000)] + [5]
    f = tmp_path / "big.json"
    f.write_text(json.dumps(items, indent=1))
    source = open_source(f)
    assert source.format == "jsonl" and source.header is None
    conv = load_conversations(f)
    assert len(conv.posts) == 2000 and conv.n_read == 2001
    assert conv.rejects["reason"][0].startswith("is not a JSON object")
    assert conv.rejects["content"][0] == "5"


def test_json_array_syntax_error_names_line_and_column(tmp_path):
    f = tmp_path / "bad.json"
    for text in ('[\n {"text": "ok"},\n {"text": "missing quote},\n {"text": "x"}\n]\n',
                 '[\n {"text": "ok"},\n  {"text": "a" "b"}]', '[{"text": "ok"}, {"text": tru}]'):
        f.write_text(text)
        with pytest.raises(json.JSONDecodeError) as expected:
            json.loads(text)
        where = f"line {expected.value.lineno} column {expected.value.colno}"
        with pytest.raises(InputError, match=rf"bad.json: invalid JSON at {where} "):
            load_conversations(f)
    f.write_text('[{"text": "ok"},]')
    with pytest.raises(InputError, match=r"line 1 column 17 \(trailing comma"):
        load_conversations(f)
    f.write_text('[{"text": "ok"}] extra')
    with pytest.raises(InputError, match=r"line 1 column 18 \(extra data"):
        load_conversations(f)


def test_json_document_syntax_error_names_line_and_column(tmp_path):
    f = tmp_path / "yt.json"
    f.write_text('{\n  "kind": "youtube#commentThreadListResponse",\n  "items": [,]\n}')
    with pytest.raises(InputError, match=r"yt.json: invalid JSON at line 3 column 13"):
        load_conversations(f)


def test_text_helpers():
    assert strip_html("<p>a<br/>b</p><p>c &lt;3</p>") == "a\nb\nc <3"
    assert fix_mojibake("d\u00c3\u00a9j\u00c3\u00a0 vu") == "déjà vu"
    assert fix_mojibake("déjà vu") == "déjà vu"  # already right: left alone
    assert fix_mojibake("naïve 😀") == "naïve 😀"


def test_cli_format_option_is_passed_to_plan(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import nichefinder.ingest
    import nichefinder.pipeline  # noqa: F401  (imported before the patch: it keeps the real one)
    from nichefinder.cli import cli

    def fake_read(conversations, columns=None, format=None):
        raise InputError(f"got format={format!r}")

    monkeypatch.setattr(nichefinder.ingest, "as_conversations", fake_read)
    f = tmp_path / "export.txt"
    f.write_text("{}")
    result = CliRunner().invoke(cli, ["plan", str(f), "--format", "Reddit"])
    assert result.exit_code == 2 and "got format='reddit'" in result.output
    result = CliRunner().invoke(cli, ["plan", str(f), "--format", "tiktok"])
    assert result.exit_code == 2 and "'tiktok' is not one of" in result.output


def test_pretty_json_object_with_a_list_of_posts(tmp_path):
    f = tmp_path / "api.json"
    f.write_text(json.dumps({"meta": {"n": 2}, "data": [{"text": "a"}, {"text": "b"}]}, indent=2))
    conv = load_conversations(f)
    assert conv.posts["text"].tolist() == ["a", "b"]
    assert "api.json: posts read from its 'data' list" in conv.notes
    f.write_text(json.dumps({"meta": {"n": 2}}, indent=2))
    with pytest.raises(InputError, match="api.json is one JSON object with no list of posts"):
        load_conversations(f)
