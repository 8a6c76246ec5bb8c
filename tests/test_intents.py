from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nichefinder.staff.intents import INTENTS, OTHER, detect_intents, intent_shares, owners_of
from nichefinder.staff.roster import DEPARTMENTS

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("I was charged twice for my subscription", "billing"),
        ("Still waiting for my refund!!", "billing"),
        ("My parcel never arrived, where is my order?", "delivery"),
        ("The courier left my package in the rain", "delivery"),
        ("Are you hiring graduates this year?", "careers"),
        ("How do I set up the app on my phone?", "product_howto"),
        ("Do you sell gift cards? How much are they?", "buying_question"),
        ("Just referred my sister, love this shop", "referral"),
        ("Saw the news article about the data breach", "reputation"),
        ("When is the new version launching?", "launch"),
        ("Worst service ever, totally useless", "complaint"),
        ("What a lovely sunny day", OTHER),
    ],
)
def test_lexicon_intents(text, intent):
    assert detect_intents([text])["intent"].tolist() == [intent]


def test_specific_intent_beats_generic_complaint():
    # one grumble word and one billing word: billing owns the answer
    assert detect_intents(["terrible, where is my refund"])["intent"][0] == "billing"


@pytest.mark.parametrize(
    "text, intent",
    [("refnud please", "billing"), ("my parcle is late", "delivery"),
     ("the delivry was late", "delivery"), ("are you hirring", "careers")],
)
def test_typos_match_one_slip_away(text, intent):
    out = detect_intents([text])
    assert out["intent"][0] == intent
    assert "~" in out["matched"][0]


@pytest.mark.parametrize("text", ["went shopping for shoes", "billboard by the road",
                                  "the chargers are cheap"])
def test_no_false_matches_on_real_words(text):
    out = detect_intents([text])
    assert out["intent"][0] not in ("delivery", "billing") or "~" not in out["matched"][0]
    assert "shopping~" not in out["matched"][0] and "billboard" not in out["matched"][0]


def test_output_shape_and_order():
    out = detect_intents(["refund", "hello", "job?"])
    assert list(out.columns) == ["intent", "score", "method", "matched"]
    assert out["method"].tolist() == ["lexicon", "none", "lexicon"]
    assert out["intent"].tolist() == ["billing", OTHER, "careers"]


class OneHotEmbedder:
    """'careers' and 'zorblat' embed together; everything else is orthogonal to them."""

    def __init__(self):
        self.seen = []

    def __call__(self, texts):
        self.seen.extend(texts)
        return np.array([[1.0, 0.0] if ("careers" in t or "zorblat" in t) else [0.0, 1.0]
                         for t in texts])


def test_embedder_fallback_only_for_unmatched_posts():
    embedder = OneHotEmbedder()
    out = detect_intents(["zorblat", "refund please"], embedder=embedder)
    assert out["intent"].tolist() == ["careers", "billing"]
    assert out["method"].tolist() == ["embedding", "lexicon"]
    assert out["score"][0] == pytest.approx(1.0)
    assert "refund please" not in embedder.seen  # lexicon matches never reach the model


def test_embedder_fallback_respects_min_similarity():
    def diagonal(texts):  # the post is orthogonal to every description: similarity 0
        return np.array([np.eye(64)[63 if t == "zorblat" else i] for i, t in enumerate(texts)])

    out = detect_intents(["zorblat"], embedder=diagonal, min_similarity=0.3)
    assert out["intent"][0] == OTHER and out["method"][0] == "none"


def test_embedder_object_with_embed_method(fake_embedder):
    out = detect_intents(["something unrelated entirely"], embedder=fake_embedder)
    assert fake_embedder.calls == 2
    assert out["intent"][0] in INTENTS


def test_intent_shares_sum_to_one_and_sorted():
    shares = intent_shares(["refund", "refund", "parcel late", "hello"])
    assert list(shares) == ["billing", "delivery", OTHER]
    assert shares["billing"] == 0.5
    assert sum(shares.values()) == pytest.approx(1.0)
    assert intent_shares([]) == {}


def test_owners_are_canonical_departments():
    for name, intent in INTENTS.items():
        assert set(intent.departments) <= set(DEPARTMENTS), name
    assert owners_of("billing")[0] == "accounts"
    assert owners_of("delivery")[0] == "dispatch"
    assert owners_of("complaint") == ("customer service",)
    assert owners_of("nonsense") == ()


@pytest.mark.skipif(not (DATASETS / "banking77.csv").exists(), reason="datasets not present")
def test_quality_floor_on_banking77():
    data = pd.read_csv(DATASETS / "banking77.csv")
    billing = data[data["label"].isin(["request_refund", "transfer_fee_charged",
                                       "Refund_not_showing_up"])].head(300)
    out = detect_intents(billing["text"].tolist())
    assert (out["intent"] == "billing").mean() >= 0.85
    delivery = data[data["label"].isin(["card_arrival", "card_delivery_estimate"])].head(200)
    out = detect_intents(delivery["text"].tolist())
    assert (out["intent"] == "delivery").mean() >= 0.4
