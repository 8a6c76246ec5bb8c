import numpy as np
import pandas as pd

from nichefinder.describe import class_tfidf
from nichefinder.describe import describe_groups as describe
from nichefinder.groups import build_groups


def describe_groups(texts, labels, emb, *, ids=None, **options):
    ids = list(ids) if ids is not None else [str(i) for i in range(len(texts))]
    posts = pd.DataFrame({"id": ids, "text": texts})
    return describe(build_groups(posts, labels, emb), **options)


def corpus():
    texts = [
        "refund for double charge on my card",
        "charged twice, need a refund",
        "refund still not on my card",
        "parcel late, tracking says delayed",
        "tracking shows my parcel stuck",
        "parcel never arrived, tracking dead",
        "lovely weather today",
    ]
    labels = np.array([1, 1, 1, 0, 0, 0, -1])
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(7, 8)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    return texts, labels, emb


def test_keywords_are_distinctive():
    texts, labels, emb = corpus()
    descs = describe_groups(texts, labels, emb, n_keywords=3)
    assert [d.id for d in descs] == [0, 1]
    assert {"parcel", "tracking"} <= set(descs[0].keywords)
    assert "refund" in descs[1].keywords
    assert "weather" not in descs[0].keywords + descs[1].keywords  # noise is left out
    assert descs[1].label.startswith("Refund")


def test_representative_posts_are_members_and_distinct():
    texts, labels, emb = corpus()
    (d0, d1) = describe_groups(texts, labels, emb, ids=list("abcdefg"))
    assert set(d0.representative_ids) <= {"d", "e", "f"}
    assert len(set(d1.representative_posts)) == len(d1.representative_posts) == 3


def test_class_tfidf_empty_and_stopwords_only():
    groups, weights, terms = class_tfidf(["the and", "of the"], np.array([0, 0]))
    assert list(groups) == [0] and terms == []
    groups, weights, terms = class_tfidf(["a"], np.array([-1]))
    assert len(groups) == 0


def test_top_keywords_same_from_a_sparse_row():
    import scipy.sparse as sp

    from nichefinder.describe.keywords import _top_keywords

    terms = ["card", "card arrived", "arrived", "pin", "reset pin", "reset", "zebra", "apple"]
    row = np.array([0.5, 0.7, 0.5, 0.0, 0.3, 0.3, 0.5, 0.0])
    for n in (1, 3, 8):
        dense = _top_keywords(row, terms, n)
        assert _top_keywords(sp.csr_matrix(row), terms, n) == dense
    assert dense == ("card arrived", "zebra", "reset pin")


def test_clean_fast_paths_match_the_three_patterns():
    import random

    from nichefinder.describe.keywords import _CLEAN, _CONTRACTION, _POSSESSIVE, _clean

    def by_definition(text):
        text = _CLEAN.sub(" ", str(text)).lower()
        return _POSSESSIVE.sub("", _CONTRACTION.sub(" ", text))

    pieces = ["I", "can't", "DON’T", "it's", "Anna's", "@bob", "#deal", "&amp;", "http://x.io/a",
              "HTTP://Y", "www.shop.com", "ok", "¿qué?", "\u00a0", "\u2028", "\t", "x2", "'s",
              "won't", "’re", "&", "#", "@"]
    rng = random.Random(0)
    texts = ["".join(rng.choice(pieces) + rng.choice([" ", "", "  "]) for _ in range(8))
             for _ in range(3000)]
    assert [_clean(t) for t in texts] == [by_definition(t) for t in texts]
    assert _clean(12) == "12"


def test_names_are_phrases_people_write():
    from nichefinder.describe.names import is_fragment, name_groups

    texts = ["Where is my refund? Money back please", "refund still not here, want my money back",
             "money back guarantee and refund", "parcel tracking stuck",
             "parcel tracking not moving",
             "parcel tracking shows nothing", "Mr Jones here @bob http://x.co"]
    names = name_groups(texts, [[0, 1, 2], [3, 4, 5]])
    assert names == ["Money back", "Parcel tracking"]
    for name in names:
        words = name.lower().split()
        assert len(set(words)) == len(words) and not is_fragment(name.lower())
    # fragments, honorifics, handles, link residue and repeats are never candidates
    assert all(is_fragment(p) for p in ["machine leaks and", "bills mr jones", "invoice invoice",
                                        "payments listed", "the refund", "rt", "s2 refund"])


def test_names_rank_by_the_embedding_and_the_neighbours():
    from nichefinder.describe.names import name_groups

    texts = ["espresso shot timing", "espresso shot grind", "grind size espresso shot",
             "latte art milk", "milk jug latte art", "latte art pour"]
    words = {"espresso shot": [1, 0, 0], "espresso": [0.8, 0.6, 0], "latte art": [0, 1, 0]}

    def embed(phrases):  # a toy space: each phrase's direction, unknown ones orthogonal
        vectors = np.array([words.get(p.lower(), [0, 0, 1]) for p in phrases], dtype=float)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    centres = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    names = name_groups(texts, [[0, 1, 2], [3, 4, 5]], centres=centres, embed=embed)
    assert names == ["Espresso shot", "Latte art"]


def toy_space(words):
    """An embed function over a toy space: each known phrase's direction, others orthogonal."""
    def embed(phrases):
        vectors = np.array([words.get(p.lower(), [0, 0, 1]) for p in phrases], dtype=float)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return embed


def test_no_two_groups_share_a_name_the_larger_keeps_it():
    from nichefinder.describe.names import name_groups

    texts = ["credit card declined", "credit card declined again", "credit card blocked today",
             "credit card stolen", "credit card limit", "credit card limit raise",
             "credit card limit low"]
    embed = toy_space({"credit card": [0.7, 0.7, 0]})  # the best phrase of both groups
    centres = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    names = name_groups(texts, [[0, 1, 2, 3], [4, 5, 6]], centres=centres, embed=embed)
    assert names[0] == "Credit card"
    assert names[1] and names[1] != "Credit card"
    # the smaller group listed first: the larger one still keeps the phrase
    names = name_groups(texts, [[4, 5, 6], [0, 1, 2, 3]], centres=centres[::-1], embed=embed)
    assert names[1] == "Credit card" and names[0] != "Credit card"


def test_a_union_takes_the_part_name_that_says_most_about_it():
    from nichefinder.describe.names import name_unions

    # the centres of shots (5 posts) and latte art (4) together, and of parcels
    centres = np.array([[5.0, 4.0, 0], [0, 0, 1.0]])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    embed = toy_space({"espresso shot": [1, 0, 0], "espresso drinks": [0.7, 0.7, 0],
                       "latte art": [0, 1, 0], "parcel tracking": [0, 0, 1]})
    # the largest part's name is not the one that covers both
    assert name_unions([["Espresso shot", "Espresso drinks", "Latte art"], ["Parcel tracking"]],
                       centres, embed=embed) == ["Espresso drinks", "Parcel tracking"]
    # a name as close to the other set as to its own loses to one that sets it apart
    near = toy_space({"espresso shot": [1, 0, 0], "espresso drinks": [0.6, 0.6, 0.53],
                      "parcel tracking": [0, 0, 1]})
    assert name_unions([["Espresso shot", "Espresso drinks"], ["Parcel tracking"]], centres,
                       embed=near)[0] == "Espresso shot"
    # one part, or nothing that can be embedded in the posts' space: the main part's name
    assert name_unions([["Espresso shot"], ["Parcel tracking"]], centres,
                       embed=embed) == ["Espresso shot", "Parcel tracking"]
    assert name_unions([["Espresso shot", "Latte art"], ["Parcel tracking"]], centres,
                       embed=lambda texts: np.ones((len(texts), 5))) == ["Espresso shot",
                                                                          "Parcel tracking"]
