import numpy as np
import pytest

from nichefinder.embed import (
    EmbeddingCache,
    SentenceTransformerEmbedder,
    embed_texts,
    load_embeddings,
    normalize_text,
    unique_texts,
)
from nichefinder.exceptions import EmbeddingError, InputError


def test_normalize_text_keeps_words_drops_links():
    assert normalize_text("Late  &amp; lost https://t.co/abc\n") == "Late & lost link"
    assert len(normalize_text("x" * 10_000)) == 2_000


def test_cache_means_nothing_is_embedded_twice(tmp_path, fake_embedder):
    cache = tmp_path / "c.sqlite"
    texts = ["where is my parcel", "refund please", "where is my parcel"]
    first = embed_texts(texts, fake_embedder, cache=cache)
    assert fake_embedder.n_texts == 2  # duplicates embedded once
    second = embed_texts(texts + ["new text"], fake_embedder, cache=cache)
    assert fake_embedder.n_texts == 3  # only the new text
    np.testing.assert_array_equal(first, second[:3])
    np.testing.assert_allclose(np.linalg.norm(second, axis=1), 1, rtol=1e-5)


def test_near_exact_copies_are_embedded_once(fake_embedder):
    texts = [
        "Where is my parcel? https://t.co/abc",
        "RT @ann: Where is my parcel? https://t.co/xyz",
        "rt @bob rt @ann: where is MY parcel?  http://bit.ly/q",
        "Reposted @cat: where is my parcel? www.x.io/1",
        "Where is my parcel?",  # no link: another text
        "RT @ann: refund please",
        "refund please",
        "Art @ann: refund please",  # not a retweet prefix
    ]
    unique, positions = unique_texts(texts)
    assert unique == ["Where is my parcel? link", "Where is my parcel?", "refund please",
                      "Art @user: refund please"]
    assert positions.tolist() == [0, 0, 0, 0, 1, 2, 2, 3]
    vectors = embed_texts(texts, fake_embedder, cache=False)
    assert fake_embedder.n_texts == 4
    assert np.array_equal(vectors[1], vectors[0]) and np.array_equal(vectors[6], vectors[5])
    assert not np.array_equal(vectors[4], vectors[0])
    unique, positions = unique_texts(["RT @ann:"])  # nothing left after the prefix: kept
    assert unique == ["RT @user:"] and positions.tolist() == [0]


def test_case_variants_share_the_uncased_models_vector(real_embedder):
    texts = ["My parcel never arrived", "MY PARCEL NEVER ARRIVED"]
    alone = real_embedder.embed(texts)
    assert float(alone[0] @ alone[1]) > 0.999  # the packaged model is uncased
    merged = embed_texts(texts, real_embedder, cache=False)
    assert np.array_equal(merged[0], merged[1])


def test_cache_survives_interruption(tmp_path, fake_embedder):
    cache = tmp_path / "c.sqlite"

    class Dies:
        name = fake_embedder.name
        done = 0

        def embed(self, texts):
            if self.done:
                raise KeyboardInterrupt
            self.done += 1
            return fake_embedder.embed(texts)

    with pytest.raises(KeyboardInterrupt):
        embed_texts([f"text {i}" for i in range(10)], Dies(), cache=cache, batch_size=4)
    store = EmbeddingCache(cache)
    assert (
        len(store.get(fake_embedder.name, [EmbeddingCache.key(f"text {i}") for i in range(10)]))
        == 4
    )
    store.close()


def test_load_embeddings_checks_shape(tmp_path):
    path = tmp_path / "e.npy"
    np.save(path, np.ones((3, 4), dtype=np.float32))
    assert load_embeddings(path, 3).shape == (3, 4)
    with pytest.raises(InputError, match="has 3 rows but the input has 5 usable posts"):
        load_embeddings(path, 5)
    # one vector per input row, two rows rejected: the accepted rows are picked out
    out = load_embeddings(path, 1, positions=[2], n_read=3)
    assert out.shape == (1, 4)
    np.save(path, np.ones(3))
    with pytest.raises(InputError, match=r"expected \(rows, dimensions\)"):
        load_embeddings(path, 3)


def test_unknown_model_is_a_clear_error():
    with pytest.raises(EmbeddingError, match="could not load embedding model '/no/such/model'"):
        SentenceTransformerEmbedder("/no/such/model").embed(["x"])


@pytest.mark.slow
def test_packaged_model_offline(real_embedder, tmp_path):
    vectors = embed_texts(
        ["my parcel never arrived", "the delivery is two weeks late", "how do I descale it"],
        real_embedder,
        cache=tmp_path / "c.sqlite",
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.2  # delivery posts sit together
