"""Repeats: an account's near-copies are marked, what people write once or twice is not."""

import numpy as np
import pytest

from nichefinder.embed import embed_texts
from nichefinder.score.repeats import repeated_rows

CAMPAIGN = ["Get the new espresso grinder at half price this week",
            "Get the new espresso grinder at half price this week #ad",
            "get the NEW espresso grinder at half price this week!! Link in bio.",
            "Get the new espresso grinder at half price this week 🔥🔥 DM us"]
PEOPLE = ["my grinder jams every morning, what am I doing wrong",
          "which burr size suits a moka pot best",
          "the grinder arrived with a cracked hopper",
          "is half price the real price or a trick"]


@pytest.fixture(scope="module")
def vectors():
    return embed_texts(CAMPAIGN + PEOPLE + ["same here", "same here", "same here"])


def test_an_accounts_edited_copies_are_marked_and_people_are_not(vectors):
    texts = np.array(CAMPAIGN + PEOPLE, dtype=object)
    authors = np.array(["promo"] * 4 + ["ann", "ann", "bob", "cy"], dtype=object)
    marked = repeated_rows(texts, vectors[:8], authors)
    assert marked.tolist() == [True] * 4 + [False] * 4


def test_copies_by_many_accounts_or_twice_are_not_marked(vectors):
    texts = np.array(CAMPAIGN, dtype=object)
    # a retweet by four people, and one person who asked twice
    assert not repeated_rows(texts, vectors[:4], np.array(list("abcd"), dtype=object)).any()
    assert not repeated_rows(texts[:2], vectors[:2], np.array(["a", "a"], dtype=object)).any()
    # three copies mark them; min_copies=5 needs more
    three = np.array(["a", "a", "a", "b"], dtype=object)
    assert repeated_rows(texts, vectors[:4], three).tolist() == [True, True, True, False]
    assert not repeated_rows(texts, vectors[:4], three, min_copies=5).any()


def test_short_posts_unknown_accounts_and_no_authors_are_never_marked(vectors):
    texts = np.array(["same here"] * 3 + CAMPAIGN[:3], dtype=object)
    emb = np.concatenate([vectors[8:11], vectors[:3]])
    authors = np.array(["ann"] * 3 + ["[deleted]", None, "[deleted]"], dtype=object)
    assert not repeated_rows(texts, emb, authors).any()
    assert not repeated_rows(texts, emb, None).any()


def test_a_chain_of_near_copies_counts_and_the_blocks_agree(vectors, monkeypatch):
    import nichefinder.score.repeats as repeats

    texts = np.array(CAMPAIGN + PEOPLE, dtype=object)
    authors = np.array(["promo"] * 8, dtype=object)
    whole = repeated_rows(texts, vectors[:8], authors)
    monkeypatch.setattr(repeats, "_DUP_BLOCK_CELLS", 8)  # one row per block
    assert repeated_rows(texts, vectors[:8], authors).tolist() == whole.tolist()
    assert whole.tolist() == [True] * 4 + [False] * 4
