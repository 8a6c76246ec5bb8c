"""Score: the three tests on synthetic corpora (numpy embeddings, no model), and monotonicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nichefinder.config import Thresholds
from nichefinder.groups import build_groups
from nichefinder.results import Score
from nichefinder.score import TESTS, judge_group, metrics_of, score_groups

D = 32
START = pd.Timestamp("2026-01-01", tz="UTC")


def topic(k: int, d: int = D) -> np.ndarray:
    v = np.random.default_rng(1000 + k).standard_normal(d)
    return v / np.linalg.norm(v)


def build(groups, *, d=D, seed=0, noise=0, timestamps=True, authors=True, span_days=90):
    """A posts table, labels and embeddings from group specs.

    Each spec: ``n`` posts, ``authors`` (list, cycled), ``days`` (list, cycled) or spread over
    ``span_days``, ``topic`` (index), ``dup`` (all posts copy the first one).
    """
    rng = np.random.default_rng(seed)
    rows, labels, vecs = [], [], []
    for g, spec in enumerate(groups):
        n = spec["n"]
        who = spec.get("authors", [f"g{g}u{i}" for i in range(n)])
        days = spec.get("days", np.linspace(0, span_days - 1, n).round().astype(int))
        t = topic(spec.get("topic", g), d)
        for i in range(n):
            if spec.get("dup"):
                text = f"WIN a free phone now at spam {g}"
                v = t
            else:
                text = f"topic {g} post {i} " + " ".join(rng.choice(list("abcdefghij"), 6))
                v = t + rng.standard_normal(d) / np.sqrt(d) * 0.8
            rows.append({
                "text": text,
                "author": who[i % len(who)],
                "timestamp": START + pd.Timedelta(days=int(days[i % len(days)]), hours=i % 24),
                "platform": spec.get("platform", "reddit"),
                "reply_to": None,
            })
            labels.append(g)
            vecs.append(v / np.linalg.norm(v))
    for i in range(noise):
        v = rng.standard_normal(d)
        rows.append({"text": f"noise {i}", "author": f"n{i}",
                     "timestamp": START + pd.Timedelta(days=i % span_days),
                     "platform": "reddit", "reply_to": None})
        labels.append(-1)
        vecs.append(v / np.linalg.norm(v))
    posts = pd.DataFrame(rows)
    posts.insert(0, "id", [str(i) for i in range(len(posts))])
    posts["author"] = posts["author"].astype("string")
    posts["platform"] = posts["platform"].astype("string")
    posts["reply_to"] = posts["reply_to"].astype("string")
    posts["timestamp"] = pd.to_datetime(posts["timestamp"], utc=True)
    if not authors:
        posts["author"] = pd.Series(pd.NA, index=posts.index, dtype="string")
    if not timestamps:
        posts["timestamp"] = pd.Series(pd.NaT, index=posts.index, dtype="datetime64[ns, UTC]")
    return posts, np.array(labels), np.vstack(vecs).astype(np.float32)


GENUINE = {"n": 200, "authors": [f"fan{i}" for i in range(80)]}


def test_genuine_group_passes_all_three():
    posts, labels, emb = build([GENUINE, {"n": 150, "authors": [f"x{i}" for i in range(60)]}])
    scores = score_groups(build_groups(posts, labels, emb), random_state=0)
    for test in TESTS:
        assert scores[0][test].passed is True, scores[0][test].evidence
        assert 0.5 <= scores[0][test].value <= 1
    ev = " | ".join(scores[0]["substantial"].evidence)
    assert "200 posts from 80 people over 13 weeks" in ev
    assert "cohesion" in scores[0]["identifiable"].evidence[0]
    assert "vs" in scores[0]["identifiable"].evidence[0]


def test_duplicate_campaign_from_few_accounts_is_not_genuine():
    spam = {"n": 120, "authors": ["bot1", "bot2", "bot3"], "dup": True}
    posts, labels, emb = build([GENUINE, spam])
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["genuine"]
    assert g.passed is False
    assert g.metrics["n_failed"] >= 2
    text = " ".join(g.evidence[: g.metrics["n_failed"]])
    assert "100% of posts are (near-)duplicates" in text
    assert "67% of posts come from 2 accounts" in text


def test_small_niche_is_not_substantial():
    niche = {"n": 15, "authors": [f"n{i}" for i in range(15)]}
    posts, labels, emb = build([GENUINE, niche])
    s = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["substantial"]
    assert s.passed is False
    assert s.evidence[0].startswith("too small: only 15 posts")
    assert "needs 30" in s.evidence[0]


def test_volume_bar_scales_with_corpus():
    assert Thresholds().min_posts_for(100) == 30
    assert Thresholds().min_posts_for(20_000) == 200


def test_one_day_spike_fails_sustained_and_flags_single_use_accounts():
    spike = {"n": 100, "authors": [f"s{i}" for i in range(90)], "days": [40]}
    posts, labels, emb = build([GENUINE, spike])
    sc = score_groups(build_groups(posts, labels, emb), random_state=0)[1]
    s = sc["substantial"]
    assert s.passed is False
    assert any("one-day spike: 100% of posts on one day; active on 1 day of 90" in e
               for e in s.evidence)
    g = sc["genuine"]
    assert g.passed is False
    assert any("seen that day only" in e for e in g.evidence[: g.metrics["n_failed"]])


def test_missing_authors_leaves_genuine_undecided():
    posts, labels, emb = build([GENUINE, {"n": 150}], authors=False)
    sc = score_groups(build_groups(posts, labels, emb), random_state=0)[0]
    assert sc["genuine"].passed is None
    assert any("no authors" in e for e in sc["genuine"].evidence)
    assert sc["substantial"].passed is True
    assert any("no authors" in e for e in sc["substantial"].evidence)


def test_missing_authors_with_bursts_of_duplicates_still_fails():
    campaign = {"n": 100, "dup": True, "days": [10, 40, 70]}
    posts, labels, emb = build([GENUINE, campaign], authors=False)
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["genuine"]
    assert g.passed is False
    assert g.evidence[0].startswith("templated: 100% of posts are (near-)duplicates of another "
                                    "post from the same account or within 24 hours")


def test_duplicates_weeks_apart_from_different_people_are_not_a_campaign():
    same_question = {"n": 60, "dup": True, "days": list(range(0, 120, 2))}
    posts, labels, emb = build([GENUINE, same_question], span_days=120)
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["genuine"]
    assert g.metrics["any_duplicate_share"] == 1.0
    assert g.metrics["duplicate_share"] == 0.0
    assert g.passed is True
    posts["timestamp"] = pd.Series(pd.NaT, index=posts.index, dtype="datetime64[ns, UTC]")
    posts["author"] = pd.Series(pd.NA, index=posts.index, dtype="string")
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["genuine"]
    assert g.passed is None and g.metrics["duplicate_share"] is None
    assert any("cannot be told from people asking the same thing" in e for e in g.evidence)


def test_missing_timestamps_judged_on_volume_and_authors():
    posts, labels, emb = build([GENUINE, {"n": 150}], timestamps=False)
    s = score_groups(build_groups(posts, labels, emb), random_state=0)[0]["substantial"]
    assert s.passed is True
    assert "no timestamps: could not judge whether it is sustained" in s.evidence


def test_loose_group_is_not_identifiable():
    posts, labels, emb = build([GENUINE, {"n": 150}])
    rng = np.random.default_rng(3)
    loose = rng.standard_normal((150, D))
    emb[labels == 1] = (loose / np.linalg.norm(loose, axis=1, keepdims=True)).astype(np.float32)
    i = score_groups(build_groups(posts, labels, emb), random_state=0)[1]["identifiable"]
    assert i.passed is False
    assert "loosely related" in i.evidence[0]


def test_scores_are_deterministic_and_rejudge_from_metrics():
    posts, labels, emb = build([GENUINE, {"n": 150}], noise=20)
    a = score_groups(build_groups(posts, labels, emb), random_state=7)
    b = score_groups(build_groups(posts, labels, emb), random_state=7)
    assert {g: {t: s.to_dict() for t, s in v.items()} for g, v in a.items()} == {
        g: {t: s.to_dict() for t, s in v.items()} for g, v in b.items()
    }
    again = judge_group(metrics_of(a[0]))
    assert {t: s.to_dict() for t, s in again.items()} == {t: s.to_dict() for t, s in a[0].items()}
    strict = judge_group(metrics_of(a[0]), Thresholds(min_authors=500))
    assert strict["substantial"].passed is False


def test_short_common_replies_are_not_duplicates():
    posts, labels, emb = build([GENUINE])
    posts.loc[:99, "text"] = "Same here!!"
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[0]["genuine"]
    assert g.metrics["duplicate_share"] == 0.0
    posts.loc[:99, "text"] = "Claim your FREE gift card at bit.ly/x now"
    g = score_groups(build_groups(posts, labels, emb), random_state=0)[0]["genuine"]
    assert g.metrics["duplicate_share"] == 0.5 and g.passed is False


def test_groups_reject_misaligned_inputs():
    posts, labels, emb = build([GENUINE])
    with pytest.raises(ValueError, match="one entry per post"):
        build_groups(posts, labels[:-1], emb)


# ---------------------------------------------------------------- monotonicity (hypothesis)

BASE = {"n_posts": 100, "n_authors": 30, "top_author_share": 0.1, "top_accounts": 5,
        "top_accounts_share": 0.5, "effective_authors": 20.0, "gini": 0.3,
        "duplicate_share": 0.1, "peak_day_share": 0.6, "burst_account_share": 0.2,
        "top_author_replied": None, "reply_share": 0.0, "within_group_reply_share": None,
        "n_author_pairs": 0, "largest_component_share": 0.0, "is_community": None,
        "interaction": "no reply data"}


def _genuine(**changes) -> Score:
    m = dict(BASE, **changes)
    dummy = {"cohesion": 0.6, "separation": 0.3, "stability": 1.0}
    sub = {"n_posts": 100, "n_grouped": 100, "share": 1.0}
    return judge_group({"identifiable": dummy, "substantial": sub, "genuine": m})["genuine"]


shares = st.floats(0, 1, allow_nan=False)


@given(shares, shares, st.floats(1, 200), st.floats(1, 200))
def test_genuine_monotone_in_metrics(dup_a, dup_b, eff_a, eff_b):
    lo_d, hi_d = sorted((dup_a, dup_b))
    assert _genuine(duplicate_share=hi_d).value <= _genuine(duplicate_share=lo_d).value
    lo_e, hi_e = sorted((eff_a, eff_b))
    assert _genuine(effective_authors=hi_e).value >= _genuine(effective_authors=lo_e).value


def _small(authors, n_dup=0, seed=0):
    """One group of len(authors) posts (no timestamps, no replies); the first n_dup+1 identical."""
    rng = np.random.default_rng(seed)
    n = len(authors)
    emb = rng.standard_normal((n, 64))
    emb[: n_dup + 1] = emb[0]
    emb = (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype(np.float32)
    texts = [f"post number {i} about " + "xyz"[i % 3] * (i + 1) for i in range(n)]
    for i in range(1, n_dup + 1):
        texts[i] = texts[0]
    posts = pd.DataFrame({
        "id": [str(i) for i in range(n)],
        "text": texts,
        "author": pd.array(authors, dtype="string"),
        "timestamp": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"),
        "platform": pd.array([pd.NA] * n, dtype="string"),
        "reply_to": pd.array([pd.NA] * n, dtype="string"),
    })
    return posts, np.zeros(n, int), emb


def _genuine_value(posts, labels, emb) -> float:
    return score_groups(build_groups(posts, labels, emb), random_state=0)[0]["genuine"].value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 5), min_size=4, max_size=30), st.data())
def test_more_distinct_authors_never_lowers_genuineness(owner, data):
    authors = [f"a{o}" for o in owner]
    i = data.draw(st.integers(0, len(authors) - 1))
    posts, labels, emb = _small(authors)
    before = _genuine_value(posts, labels, emb)
    posts.loc[i, "author"] = "brand-new-person"
    assert _genuine_value(posts, labels, emb) >= before - 1e-12


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 8), min_size=6, max_size=30), st.data())
def test_more_duplicates_never_raise_genuineness(owner, data):
    authors = [f"a{o}" for o in owner]
    k = data.draw(st.integers(0, len(authors) - 2))
    extra = data.draw(st.integers(1, len(authors) - 1 - k))
    low = _genuine_value(*_small(authors, n_dup=k))
    high = _genuine_value(*_small(authors, n_dup=k + extra))
    assert high <= low + 1e-12


def test_reply_graph_evidence_and_optional_gate():
    posts, labels, emb = build([GENUINE, {"n": 150}])
    rows = posts.index[labels == 0]
    posts.loc[rows[1:], "reply_to"] = posts.loc[rows[:-1], "id"].to_numpy()
    sc = score_groups(build_groups(posts, labels, emb), random_state=0)
    assert any(e.startswith("people talk to each other: 100% of posts are replies")
               for e in sc[0]["genuine"].evidence)
    assert any(e.startswith("mostly broadcast: 0% of posts are replies")
               for e in sc[1]["genuine"].evidence)
    assert sc[1]["genuine"].passed is True  # not gated by default
    strict = score_groups(build_groups(posts, labels, emb),
                          thresholds=Thresholds(min_reply_share=0.2), random_state=0)
    assert strict[0]["genuine"].passed is True
    assert strict[1]["genuine"].passed is False
    assert strict[1]["genuine"].evidence[0] == (
        "nobody talks back: 0% of posts are replies (needs 20%)"
    )


# --------------------------------------------------------------------------------------------
# the fast paths give the numbers of the plain definitions
# --------------------------------------------------------------------------------------------


def _duplicates_by_definition(texts, emb, author_codes, hours, th, rows):
    """Every pair of the group compared at once: the definition the fast path must match."""
    from nichefinder.score.duplicates import _normalise_text

    keys = pd.Series([_normalise_text(t) for t in texts])
    long_enough = ((keys.str.count(" ") + 1 >= th.min_duplicate_words) & (keys.str.len() > 0)
                   ).to_numpy()
    codes = pd.factorize(keys)[0]
    pair = (emb[rows] @ emb.T) > th.duplicate_similarity
    pair |= codes[rows][:, None] == codes[None, :]
    pair[np.arange(len(rows)), rows] = False
    pair &= long_enough[None, :] & long_enough[rows][:, None]
    close = np.zeros_like(pair)
    if author_codes is not None:
        a = author_codes[rows][:, None]
        close |= (a == author_codes[None, :]) & (a >= 0)
    if hours is not None:
        close |= np.abs(hours[rows][:, None] - hours[None, :]) <= th.duplicate_window_hours
    return pair.any(axis=1).mean(), (pair & close).any(axis=1).mean()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("known", ["both", "authors", "hours"])
def test_duplicate_shares_match_the_pairwise_definition(seed, known):
    from nichefinder.score.duplicates import _DUP_EXACT_LIMIT
    from nichefinder.score.duplicates import duplicate_shares as _duplicate_shares

    rng = np.random.default_rng(seed)
    m = 300 if seed < 3 else _DUP_EXACT_LIMIT + 200  # the last one is sampled
    base = ["my card never arrived in the post", "how do I reset my pin code today",
            "ok", "is the app down for everyone else", "refund still not here after weeks"]
    texts = [base[i] + ("!" * int(rng.integers(0, 2))) for i in rng.integers(0, len(base), m)]
    emb = rng.standard_normal((m, 8)).astype(np.float32)
    emb[rng.random(m) < 0.3] = emb[0]  # embedding twins with other texts
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    authors = rng.integers(-1, 40, m) if known != "hours" else None
    hours = rng.uniform(0, 2000, m) if known != "authors" else None
    if hours is not None:
        hours[rng.random(m) < 0.1] = np.nan
    th = Thresholds()
    fast = _duplicate_shares(np.array(texts, dtype=object), emb, authors, hours, th,
                             np.random.RandomState(seed))
    rows = np.arange(m) if m <= _DUP_EXACT_LIMIT else np.sort(
        np.random.RandomState(seed).choice(m, size=1500, replace=False))
    assert fast == _duplicates_by_definition(texts, emb, authors, hours, th, rows)


def test_nearest_is_the_float64_argmax_even_for_near_ties():
    from nichefinder.score.cohesion import _nearest

    rng = np.random.default_rng(0)
    emb = rng.standard_normal((5000, 16)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    centres = rng.standard_normal((30, 16))
    centres[1] = centres[0] + 1e-9  # a near tie for every post close to centre 0
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rows = np.arange(0, 5000, 3)
    expected = np.argmax(emb[rows].astype(np.float64) @ centres.T, axis=1)
    np.testing.assert_array_equal(_nearest(emb, rows, centres), expected)


def test_normalise_text_matches_the_two_patterns():
    import random

    from nichefinder.score.duplicates import _NORMALISE, _SPACES, _normalise_text

    def by_definition(text):
        return _SPACES.sub(" ", _NORMALISE.sub(" ", str(text).lower())).strip()

    chars = list("ab Z9 .,!?@#_-'\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u2000\u2028\u3000é😀")
    rng = random.Random(0)
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    texts += ["http://x.io/a b", "  www.x.com  hi ", "#tag @who 12 ok"]
    assert [_normalise_text(t) for t in texts] == [by_definition(t) for t in texts]


def test_paraphrase_rich_group_is_identifiable_whatever_its_keywords():
    # a group whose texts share no word (keyword coverage would be 0) but one meaning
    posts, labels, emb = build([GENUINE, {"n": 150, "authors": [f"p{i}" for i in range(60)]}])
    posts["text"] = [f"w{i} x{i} y{i}" for i in range(len(posts))]
    ident = score_groups(build_groups(posts, labels, emb, [0, 1]), random_state=0)[1][
        "identifiable"]
    assert ident.passed, ident.evidence
    assert any(e.startswith("one subject:") for e in ident.evidence)


def test_mixture_of_unrelated_posts_is_not_one_subject():
    rng = np.random.default_rng(5)
    posts, labels, emb = build([GENUINE, {"n": 150}, {"n": 150, "topic": 7}])
    mixed = rng.permutation(np.flatnonzero(labels > 0))[:150]
    labels = labels.copy()
    labels[labels > 0] = 1
    labels[mixed] = 2  # two groups, each half of two topics: nearest centroids mix them up
    ident = score_groups(build_groups(posts, labels, emb, [0, 1, 2]), random_state=0)[2][
        "identifiable"]
    assert ident.passed is False
    assert any("no one subject" in e or "hard to tell apart" in e
               for e in ident.evidence[: ident.metrics["n_failed"]])


def test_short_loose_small_talk_is_not_identifiable():
    rng = np.random.default_rng(3)
    posts, labels, emb = build([GENUINE, {"n": 200, "topic": 4}, {"n": 150, "topic": 9}])
    posts["text"] = ["a long post about one product and its many parts " * 2] * len(posts)
    chat = labels == 2
    posts.loc[chat, "text"] = "lol same here"
    loose = topic(9) + rng.standard_normal((int(chat.sum()), D)) * 0.6
    emb = emb.copy()
    emb[chat] = loose / np.linalg.norm(loose, axis=1, keepdims=True)
    sc = score_groups(build_groups(posts, labels, emb, [0, 1, 2]), random_state=0)
    assert sc[1]["identifiable"].passed
    small = sc[2]["identifiable"]
    assert small.passed is False and small.evidence[0].startswith("small talk: short posts")


def test_a_burst_inside_a_genuine_group_is_judged_apart():
    steady = {"n": 200, "authors": [f"r{i}" for i in range(60)]}
    posts, labels, emb = build([GENUINE, steady])
    burst = build([{"n": 120, "authors": [f"b{i}" for i in range(120)], "days": [40],
                    "topic": 1}])
    posts = pd.concat([posts, burst[0]], ignore_index=True)
    labels = np.concatenate([labels, np.full(120, 1)])
    emb = np.vstack([emb, burst[2]])
    sc = score_groups(build_groups(posts, labels, emb, [0, 1]), random_state=0)[1]
    sub = sc["substantial"]
    assert sub.passed, sub.evidence
    assert any("one-day burst of" in e and "left out of its feed" in e for e in sub.evidence)
    assert sc["genuine"].passed
    assert sub.metrics["burst_posts"] >= 120 and sub.metrics["burst_day"] == 40
