"""The embedding cache under faults: processes writing at once, a corrupt file, a vector of the
wrong size (nichefinder.embed.cache)."""

import multiprocessing
import sqlite3

import numpy as np

from nichefinder.embed import embed_texts
from nichefinder.embed.cache import EmbeddingCache

from .conftest import FakeEmbedder


def _writer(path, worker, n_rounds):
    store = EmbeddingCache(path)
    for r in range(n_rounds):
        keys = [EmbeddingCache.key(f"text {i}") for i in range(r * 50, r * 50 + 200)]
        store.put("m", keys, np.full((len(keys), 8), worker, np.float32))
        table, found = store.lookup("m", keys)
        assert found.all()
    store.close()


def test_four_processes_write_one_cache_at_once(tmp_path):
    path = tmp_path / "c.sqlite"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(path, w, 20)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*), count(DISTINCT key) FROM vectors").fetchone() == (
            1150, 1150)


def test_a_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    fake = FakeEmbedder()
    vectors = embed_texts(["a b", "c d"], fake, cache=path)
    assert vectors.shape == (2, 64)
    assert "moved it to c.sqlite.corrupt-" in caplog.text
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    embed_texts(["a b", "c d"], fake, cache=path)
    assert fake.n_texts == 2  # the new cache works


def test_a_cached_vector_of_the_wrong_size_is_embedded_again(tmp_path):
    path = tmp_path / "c.sqlite"
    fake = FakeEmbedder()
    texts = [f"word{i} other" for i in range(6)]
    good = embed_texts(texts, fake, cache=path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET dim = 10, vec = ? WHERE key = ?",
                   (np.ones(10, np.float32).tobytes(), EmbeddingCache.key(texts[2])))
        db.execute("UPDATE vectors SET vec = ? WHERE key = ?",
                   (b"short", EmbeddingCache.key(texts[3])))
    again = embed_texts(texts, fake, cache=path)
    np.testing.assert_allclose(again, good, atol=1e-6)
    assert fake.n_texts == 6 + 2  # only the two broken ones


def test_every_cached_vector_of_another_size_than_the_model_is_replaced(tmp_path):
    path = tmp_path / "c.sqlite"
    store = EmbeddingCache(path)
    store.put(FakeEmbedder.name, [EmbeddingCache.key("a b")], np.ones((1, 10), np.float32))
    store.close()
    fake = FakeEmbedder()
    vectors = embed_texts(["a b", "c d"], fake, cache=path)
    assert vectors.shape == (2, 64) and fake.n_texts == 2
