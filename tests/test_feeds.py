"""Feeds: verdicts, merging, feed sizing and the what-if table (synthetic embeddings)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from nichefinder.config import Thresholds
from nichefinder.explain import explain_thresholds
from nichefinder.feeds import recommend_feeds
from nichefinder.groups import build_groups
from nichefinder.score import judge_groups, measure_groups

D = 32
START = pd.Timestamp("2026-01-01", tz="UTC")


@dataclass(frozen=True)
class Desc:
    id: int
    label: str
    keywords: tuple[str, ...]
    representative_posts: tuple[str, ...] = ()


def topic(k: int) -> np.ndarray:
    v = np.random.default_rng(1000 + k).standard_normal(D)
    return v / np.linalg.norm(v)


def build(groups, *, span_days=91, timestamps=True, seed=0):
    """Specs: n, authors (cycled), days (cycled; default spread), dup, platform(s), text."""
    rng = np.random.default_rng(seed)
    rows, labels, vecs = [], [], []
    for g, spec in enumerate(groups):
        n = spec["n"]
        who = spec.get("authors", [f"g{g}u{i}" for i in range(n)])
        days = spec.get("days", np.linspace(0, span_days - 1, n).round().astype(int))
        platforms = spec.get("platforms", ["reddit"])
        t = topic(spec.get("topic", g))
        for i in range(n):
            if spec.get("dup"):
                text, v = f"WIN a free phone now, spam {g}", t
            else:
                words = " ".join(rng.choice(list("abcdefghij"), 6))
                text = spec.get("text", f"topic {g} post") + " " + words
                v = t + rng.standard_normal(D) / np.sqrt(D) * 0.8
            rows.append({
                "text": text,
                "author": who[i % len(who)],
                "timestamp": START + pd.Timedelta(days=int(days[i % len(days)])),
                "platform": platforms[i % len(platforms)],
                "reply_to": None,
            })
            labels.append(g)
            vecs.append(v / np.linalg.norm(v))
    posts = pd.DataFrame(rows)
    posts.insert(0, "id", [f"p{i}" for i in range(len(posts))])
    for col in ("author", "platform", "reply_to"):
        posts[col] = posts[col].astype("string")
    posts["timestamp"] = pd.to_datetime(posts["timestamp"], utc=True)
    if not timestamps:
        posts["timestamp"] = pd.Series(pd.NaT, index=posts.index, dtype="datetime64[ns, UTC]")
    descs = [Desc(g, f"label {g}", (f"kw{g}a", f"kw{g}b"), (f"example {g}",))
             for g in range(len(groups))]
    return posts, np.array(labels), np.vstack(vecs).astype(np.float32), descs


def people(prefix, n):
    return [f"{prefix}{i}" for i in range(n)]


def run(groups, themes=None, thresholds=None, **kw):
    """The recommendation, and the groups table and measurements it came from."""
    posts, labels, emb, descs = build(groups, **kw)
    themes = np.arange(len(groups)) if themes is None else np.asarray(themes)
    table = build_groups(posts, labels, emb, themes)
    measured = measure_groups(table, settings=thresholds, random_state=0)
    scores = judge_groups(measured, thresholds)
    rec = recommend_feeds(table, descs, scores, thresholds=thresholds)
    return rec, (table, measured)


def test_mixed_corpus_verdicts_and_feeds():
    groups = [
        {"n": 260, "authors": people("a", 90), "platforms": ["reddit", "facebook", "reddit"]},
        {"n": 120, "authors": ["bot1", "bot2", "bot3"], "dup": True},     # campaign
        {"n": 15, "authors": people("c", 15)},                             # tiny niche
        {"n": 100, "authors": people("s", 95), "days": [30]},             # one-day spike
        {"n": 150, "authors": people("e", 70), "platforms": ["twitter"]},
    ]
    rec, (table, _) = run(groups)
    labels = table.labels
    verdict = {g.id: g.verdict for g in rec.groups}
    assert verdict == {0: "feed", 1: "rejected", 2: "rejected", 3: "rejected", 4: "feed"}
    reasons = {g.id: " | ".join(g.reasons) for g in rec.groups}
    assert "not genuine: templated: 100% of posts are (near-)duplicates" in reasons[1]
    assert "come from 2 accounts" in reasons[1]
    assert "not substantial: too small: only 15 posts" in reasons[2]
    assert "not substantial" in reasons[3] and "one-day spike" in reasons[3]

    assert [f.groups for f in rec.feeds] == [(0,), (4,)]
    f0, f1 = rec.feeds
    assert (f0.id, f0.name, f0.keywords, f0.staff) == (0, "label 0", ("kw0a", "kw0b"), ())
    assert f0.platforms == ("reddit", "facebook")
    assert f0.posts_per_week == pytest.approx(260 * 7 / 90, abs=0.01)
    assert f0.hours_per_week == 2.0  # 20.2 posts/week / 12 per hour, rounded up to 0.5
    assert f1.hours_per_week == 1.0  # the minimum
    assert rec.feed_of_row.tolist() == [
        {0: 0, 4: 1}.get(int(g), -1) for g in labels
    ]
    g0 = rec.groups[0]
    assert g0.feed == 0 and g0.n_authors == 90 and g0.platforms == {"reddit": 173, "facebook": 87}
    assert g0.representative_posts == ("example 0",)


def test_groups_sharing_an_audience_become_one_feed():
    shared = people("fan", 60)
    groups = [{"n": 200, "authors": shared}, {"n": 120, "authors": shared[:50]},
              {"n": 100, "authors": people("z", 50)}]
    rec, _ = run(groups, themes=[0, 1, 2])
    assert [g.verdict for g in rec.groups] == ["feed", "merged", "feed"]
    assert [f.groups for f in rec.feeds] == [(0, 1), (2,)]
    merged = rec.groups[1]
    assert merged.feed == 0
    assert merged.reasons[0].startswith("served by feed 0 ('label 0'), whose main group is 0: "
                                        "shares its audience with group 0: 83% of their people")
    assert "serves groups 0, 1" in rec.feeds[0].notes
    # turning audience merging off gives each group its own feed
    rec2, _ = run(groups, themes=[0, 1, 2], thresholds=Thresholds(audience_overlap=1.0))
    assert len(rec2.feeds) == 3


def test_same_theme_merges_and_largest_group_leads():
    groups = [{"n": 100, "authors": people("a", 40)}, {"n": 180, "authors": people("b", 40)}]
    rec, _ = run(groups, themes=[5, 5])
    assert [g.verdict for g in rec.groups] == ["merged", "feed"]
    assert rec.feeds[0].groups == (1, 0) and rec.feeds[0].name == "label 1"
    assert "same theme as group 1 (theme 5)" in rec.groups[0].reasons[0]
    # merge_same_theme off: each passing group keeps its own feed
    rec2, _ = run(groups, themes=[5, 5], thresholds=Thresholds(merge_same_theme=False))
    assert len(rec2.feeds) == 2


def test_missing_authors_and_timestamps_are_explained():
    posts, labels, emb, descs = build([{"n": 200}, {"n": 150}], timestamps=False)
    posts["author"] = pd.Series(pd.NA, index=posts.index, dtype="string")
    table = build_groups(posts, labels, emb, np.array([0, 1]))
    scores = judge_groups(measure_groups(table, random_state=0))
    rec = recommend_feeds(table, descs, scores)
    assert [g.verdict for g in rec.groups] == ["feed", "feed"]
    g0 = rec.groups[0]
    assert g0.scores["genuine"].passed is None and g0.n_authors is None
    assert any(r.startswith("genuine could not be judged") for r in g0.reasons)
    f0 = rec.feeds[0]
    assert f0.posts_per_week == 200.0  # assumed one week
    assert any(n.startswith("no timestamps: assumed the data covers 1 week") for n in f0.notes)


def test_small_groups_join_a_feed_of_their_theme():
    groups = [{"n": 200, "authors": people("a", 80)}, {"n": 20, "authors": people("b", 20)},
              {"n": 20, "authors": people("c", 20)}]
    rec, _ = run(groups, themes=[0, 0, 1])
    assert [g.verdict for g in rec.groups] == ["feed", "merged", "rejected"]
    assert rec.feeds[0].groups == (0, 1)
    small = rec.groups[1].reasons
    assert small[0].startswith("served by feed 0 ('label 0'), whose main group is 0: same theme")
    assert any(r.startswith("on its own: too small: only 20 posts") for r in small)
    assert rec.groups[2].reasons[0].startswith("not substantial: too small: only 20 posts")


def test_small_fragments_of_one_theme_pool_into_a_feed():
    groups = [{"n": 40, "authors": people("a", 30)}, {"n": 35, "authors": people("b", 30)},
              {"n": 20, "authors": people("c", 20)}]
    th = Thresholds(min_posts=60, min_share=0.0)
    rec, _ = run(groups, themes=[3, 3, 4], thresholds=th)
    assert [g.verdict for g in rec.groups] == ["feed", "merged", "rejected"]
    assert rec.feeds[0].groups == (0, 1)
    assert rec.groups[0].reasons[0] == (
        "too small alone, substantial together with group(s) 1: 75 posts from 60 people, "
        "5.8 a week (needs 60 posts, 10 people, 5 a week)"
    )


def test_quiet_group_is_not_substantial():
    rec, _ = run([{"n": 200, "authors": people("a", 80)}, {"n": 40, "authors": people("b", 30)}])
    quiet = rec.groups[1]
    assert quiet.verdict == "rejected"
    assert quiet.reasons == ("not substantial: too quiet: 3.1 posts a week (needs 5)",)


def test_long_posts_on_twitter_only_get_a_note():
    long = "My order arrived broken. " * 15 + "What should I do?"
    rec, _ = run([{"n": 120, "authors": people("a", 40), "platforms": ["twitter"], "text": long},
                  {"n": 120, "authors": people("b", 40), "platforms": ["twitter", "reddit"],
                   "text": long}])
    notes0 = " ".join(rec.feeds[0].notes)
    assert "long answers need a link, a DM or another platform" in notes0
    assert "the median post is 404 characters" in notes0
    assert not any("long answers" in n for n in rec.feeds[1].notes)


def test_recommendation_is_deterministic():
    groups = [{"n": 150, "authors": people("a", 40)}, {"n": 150, "authors": people("b", 40)}]
    a, _ = run(groups)
    b, _ = run(groups)
    assert a == b
    assert [f.id for f in a.feeds] == [0, 1] and [f.groups for f in a.feeds] == [(0,), (1,)]


def test_explain_thresholds_what_if_table():
    groups = [{"n": 300, "authors": people("a", 120)}, {"n": 150, "authors": people("b", 25)},
              {"n": 80, "authors": people("c", 12)}]
    _, args = run(groups)
    table = explain_thresholds(*args, vary=("min_authors", "min_posts"))
    assert list(table.columns) == ["threshold", "factor", "value", "n_passing", "n_served",
                                   "n_feeds", "change"]
    by = {(r.threshold, r.factor): r for r in table.itertuples()}
    assert by[("min_authors", 1.0)].n_feeds == 3 and by[("min_authors", 1.0)].change == 0
    assert by[("min_authors", 2.0)].value == 20 and by[("min_authors", 2.0)].n_feeds == 2
    assert by[("min_posts", 2.0)].value == 60 and by[("min_posts", 2.0)].n_feeds == 3
    assert by[("min_posts", 1.5)].value == 45
    assert list(table["n_feeds"][table["threshold"] == "min_authors"]) == [3, 3, 3, 2, 2]
    with pytest.raises(ValueError, match="unknown threshold 'min_fans' to vary"):
        explain_thresholds(*args, vary=("min_fans",))
    # a measurement setting changes the measurements, not the verdicts: it is not varied
    with pytest.raises(ValueError, match="'duplicate_similarity': it is a measurement setting"):
        explain_thresholds(*args, vary=("duplicate_similarity",))


def test_platform_counts_skip_blank_and_missing_and_break_ties_by_name():
    column = pd.Series(["reddit", "twitter", None, " ", "reddit", "twitter", "facebook"],
                       dtype="string")
    posts = pd.DataFrame({"platform": column})
    emb = np.ones((len(column), 1))
    expected = {"reddit": 2, "twitter": 2, "facebook": 1}
    assert build_groups(posts, np.zeros(7, int), emb).platforms == (expected,)
    assert list(build_groups(posts, np.zeros(7, int), emb).platforms[0]) == list(expected)
    labels = np.array([1, 1, 0, 0, 1, 1, 0])
    assert build_groups(posts, labels, emb).platforms[0] == {"facebook": 1}
    assert build_groups(posts[[]], labels, emb).platforms == ({}, {})


def test_a_feed_leaves_out_the_burst_of_its_group():
    steady = {"n": 200, "authors": people("r", 60)}
    spike = {"n": 120, "authors": people("b", 120), "days": [40], "topic": 1}
    posts, labels, emb, descs = build([steady, spike])
    labels = np.where(labels == 1, 0, labels)  # the spike sits inside the steady group
    table = build_groups(posts, labels, emb, np.array([0]))
    rec = recommend_feeds(table, descs[:1], judge_groups(measure_groups(table, random_state=0)))
    assert [g.verdict for g in rec.groups] == ["feed"]
    fed = rec.feed_of_row >= 0
    assert fed[:200].all() and not fed[200:].any()
    # the feed's volume counts the 200 posts it serves, not the burst it leaves out
    assert rec.feeds[0].posts_per_week == round(200 * 7.0 / table.timeline.span_days, 2)


def test_theme_feeds_are_joined_by_a_shared_audience_of_whole_themes():
    shared = people("fan", 60)
    groups = [{"n": 150, "authors": shared[:40]}, {"n": 120, "authors": shared[20:]},
              {"n": 100, "authors": people("z", 50)}, {"n": 90, "authors": people("y", 40)}]
    # themes {0, 2} and {1, 3}: 20 of their 150 people in both (Jaccard 0.13)
    rec, _ = run(groups, themes=[0, 1, 0, 1], thresholds=Thresholds(audience_overlap=0.1))
    assert [f.groups for f in rec.feeds] == [(0, 1, 2, 3)]
    rec2, _ = run(groups, themes=[0, 1, 0, 1])
    assert [f.groups for f in rec2.feeds] == [(0, 2), (1, 3)]


def test_an_accounts_repeated_copies_stay_out_of_its_feed():
    posts, labels, emb, descs = build([{"n": 150, "authors": people("a", 40)},
                                       {"n": 150, "authors": people("b", 40)}])
    promo = np.arange(0, 150, 10)  # 15 posts of the first group, one account, three texts
    posts.loc[promo, "author"] = "promo"
    posts.loc[promo, "text"] = [f"Buy the grinder {k} at half price today #ad {'🔥' * j}"
                                for j, k in enumerate(np.arange(15) % 3)]
    table = build_groups(posts, labels, emb, np.arange(2))
    scores = judge_groups(measure_groups(table, random_state=0))
    rec = recommend_feeds(table, descs, scores)
    assert rec.groups[0].verdict == "feed"
    assert (rec.feed_of_row[promo] == -1).all()
    others = np.setdiff1d(np.arange(300), promo)
    assert (rec.feed_of_row[others] >= 0).all()
    keep = Thresholds(min_repeat_copies=0)
    kept = recommend_feeds(table, descs, judge_groups(measure_groups(table, random_state=0),
                                                      keep), thresholds=keep)
    assert (kept.feed_of_row >= 0).all()


def test_a_spike_spread_thin_over_sustained_groups_stays_out_of_their_feeds():
    # 400 posts of regulars over 91 days per group (about 4 a day): a spike of 25 single-use
    # accounts on day 40 in each group is far below the group's burst bar (10x its usual
    # posts a day), but 50 newcomers on a day when one arrives a week is a spike. (The
    # regulars' texts share most of their few words, so repeats are not looked for here.)
    steady = [{"n": 400, "authors": people(p, 80)} for p in ("a", "b")]
    spike = [{"n": 25, "authors": people(f"s{g}", 25), "days": [40], "topic": g} for g in (0, 1)]
    posts, labels, emb, descs = build(steady + spike)
    labels = np.where(labels >= 2, labels - 2, labels)  # each spike inside its steady group
    table = build_groups(posts, labels, emb, np.arange(2))
    th = Thresholds(min_repeat_copies=0)
    scores = judge_groups(measure_groups(table, settings=th, random_state=0), th)
    assert all(scores[g]["substantial"].metrics["burst_posts"] == 0 for g in (0, 1))
    rec = recommend_feeds(table, descs[:2], scores, thresholds=th)
    assert [g.verdict for g in rec.groups] == ["feed", "feed"]
    fed = rec.feed_of_row >= 0
    assert fed[:800].all() and not fed[800:].any()


def test_a_feed_of_several_groups_takes_the_name_that_says_most_about_all_of_them():
    groups = [{"n": 180, "authors": people("a", 60)}, {"n": 100, "authors": people("b", 40)},
              {"n": 120, "authors": people("c", 50)}]
    posts, labels, emb, _ = build(groups)
    descs = [Desc(0, "Espresso shot", ("shot",)), Desc(1, "Espresso drinks", ("latte",)),
             Desc(2, "Parcel tracking", ("parcel",))]
    centre = {g: emb[labels == g].mean(axis=0) for g in range(3)}
    space = {"espresso shot": centre[0], "espresso drinks": centre[0] * 180 + centre[1] * 100,
             "parcel tracking": centre[2]}

    def embed(texts):  # the names in the posts' own space
        vectors = np.array([space.get(t.lower(), topic(9)) for t in texts], dtype=float)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    table = build_groups(posts, labels, emb, np.array([0, 0, 1]))
    scores = judge_groups(measure_groups(table, random_state=0))
    rec = recommend_feeds(table, descs, scores, embed=embed)
    assert [f.groups for f in rec.feeds] == [(0, 1), (2,)]
    # not the main group's name: the one that says what both groups are about
    assert [f.name for f in rec.feeds] == ["Espresso drinks", "Parcel tracking"]
    assert "('Espresso drinks')" in rec.groups[1].reasons[0]  # the merged group's reason
    # without the model's embed function a feed takes its main group's name
    assert [f.name for f in recommend_feeds(table, descs, scores).feeds] == ["Espresso shot",
                                                                               "Parcel tracking"]
