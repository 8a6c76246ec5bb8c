"""Fast CPU backends: ONNX (fp32, int8) and the distilled static table agree with the plain model.

Each artefact is built once per test session into a temporary cache folder (ONNX export and
int8 quantisation take seconds; distilling the static table embeds the 30k-token vocabulary,
about a minute on 2 cores, so those tests are marked slow).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from nichefinder.embed import (
    Embedder,
    EmbeddingCache,
    OnnxEmbedder,
    StaticEmbedder,
    backend_embedder,
    distill_static,
    embed_texts,
    export_onnx,
)
from nichefinder.exceptions import InputError

pytest.importorskip("onnxruntime")

SENTENCES = [
    "my parcel never arrived",
    "the delivery is two weeks late",
    "courier left the package at the wrong address",
    "tracking says delivered but nothing came",
    "I was charged twice for one order",
    "why is there an extra fee on my invoice",
    "refund still not on my card",
    "how do I cancel my subscription",
    "the app crashes when I open settings",
    "cannot log in after the update",
    "password reset email never comes",
    "how do I descale the coffee machine",
    "the milk frother is making a weird noise",
    "which beans work best for espresso",
    "love the new colour options",
    "is there a student discount",
    "what time does the shop open on sunday",
    "your support team was really helpful, thanks",
    "Order late & no reply link",
    "a",
]


@pytest.fixture(scope="session")
def backend_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("nf-models")


@pytest.fixture(scope="session")
def plain_vectors(real_embedder):
    return real_embedder.embed(SENTENCES)


@pytest.fixture(scope="session")
def onnx_fp32(backend_cache):
    return OnnxEmbedder(cache_folder=backend_cache)


@pytest.fixture(scope="session")
def onnx_int8(backend_cache):
    return OnnxEmbedder(quantize=True, cache_folder=backend_cache)


@pytest.fixture(scope="session")
def static(backend_cache):
    return StaticEmbedder(cache_folder=backend_cache)


def _check_unit_vectors(vectors, n, d):
    assert vectors.shape == (n, d) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize(
    ("spec", "name", "cls"),
    [
        ("onnx", "all-MiniLM-L6-v2:onnx", OnnxEmbedder),
        ("onnx-int8", "all-MiniLM-L6-v2:onnx-int8", OnnxEmbedder),
        ("fast", "all-MiniLM-L6-v2:static256", StaticEmbedder),
        ("static", "all-MiniLM-L6-v2:static256", StaticEmbedder),
        ("all-MiniLM-L6-v2:onnx-int8", "all-MiniLM-L6-v2:onnx-int8", OnnxEmbedder),
        (
            "sentence-transformers/all-MiniLM-L6-v2:fast",
            "all-MiniLM-L6-v2:static256",
            StaticEmbedder,
        ),
    ],
)
def test_model_strings_select_backends(spec, name, cls):
    embedder = backend_embedder(spec)
    assert isinstance(embedder, cls) and isinstance(embedder, Embedder)
    assert embedder.name == name


@pytest.mark.parametrize("spec", [None, "all-MiniLM-L6-v2", "/models/x", "all-MiniLM-L6-v2:gpu"])
def test_other_strings_are_not_backends(spec):
    assert backend_embedder(spec) is None


def test_backend_on_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="is not one; give such a folder"):
        backend_embedder(f"{tmp_path / 'nope'}:onnx")


def test_onnx_fp32_matches_plain_model(onnx_fp32, plain_vectors):
    vectors = onnx_fp32.embed(SENTENCES)
    _check_unit_vectors(vectors, len(SENTENCES), 384)
    cosine = (vectors * plain_vectors).sum(1)
    assert cosine.min() >= 0.99


def test_onnx_int8_close_to_plain_model(onnx_int8, plain_vectors):
    vectors = onnx_int8.embed(SENTENCES)
    _check_unit_vectors(vectors, len(SENTENCES), 384)
    cosine = (vectors * plain_vectors).sum(1)
    assert cosine.min() >= 0.95 and cosine.mean() >= 0.98


def test_onnx_is_deterministic_and_order_free(onnx_fp32):
    first = onnx_fp32.embed(SENTENCES)
    np.testing.assert_array_equal(first, onnx_fp32.embed(SENTENCES))
    # batches are sorted by length inside embed; the output keeps the input order
    reverse = onnx_fp32.embed(SENTENCES[::-1])[::-1]
    np.testing.assert_allclose(first, reverse, atol=1e-5)
    alone = onnx_fp32.embed([SENTENCES[3]])
    np.testing.assert_allclose(alone[0], first[3], atol=1e-5)


def test_onnx_int8_is_deterministic_and_nearly_batch_free(onnx_int8):
    first = onnx_int8.embed(SENTENCES)
    np.testing.assert_array_equal(first, onnx_int8.embed(SENTENCES))
    np.testing.assert_allclose(first, onnx_int8.embed(SENTENCES[::-1])[::-1], atol=1e-5)
    # dynamic quantisation scales activations per batch: a text embedded alone moves a little
    alone = np.vstack([onnx_int8.embed([s]) for s in SENTENCES])
    assert (alone * first).sum(1).min() >= 0.97


def test_onnx_edge_inputs(onnx_fp32):
    assert onnx_fp32.embed([]).shape == (0, 384)
    long_text = "parcel " * 1000  # truncated at the model's 256 word pieces
    _check_unit_vectors(onnx_fp32.embed(["", long_text, "!!!"]), 3, 384)


def test_onnx_export_is_cached(onnx_fp32, backend_cache):
    onnx_fp32.embed(["warm"])
    path = export_onnx(cache_folder=backend_cache)
    stamp = path.stat().st_mtime_ns
    start = time.perf_counter()
    second = OnnxEmbedder(cache_folder=backend_cache)
    second.embed(["where is my parcel"])
    assert time.perf_counter() - start < 5  # loading, not exporting
    assert second.path_ == path and path.stat().st_mtime_ns == stamp
    assert len(list(path.parent.glob("*.tmp"))) == 0


def test_backend_vectors_are_cached_under_their_own_name(onnx_int8, tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    first = embed_texts(SENTENCES[:5], onnx_int8, cache=cache)
    assert cache.misses == 5
    np.testing.assert_array_equal(embed_texts(SENTENCES[:5], onnx_int8, cache=cache), first)
    assert cache.hits == 5
    keys = [EmbeddingCache.key(t) for t in SENTENCES[:5]]
    assert len(cache.get("all-MiniLM-L6-v2:onnx-int8", keys)) == 5
    assert cache.get("all-MiniLM-L6-v2", keys) == {}  # never mixed with the plain model's
    cache.close()


@pytest.mark.slow
def test_static_shapes_norms_determinism(static):
    vectors = static.embed(SENTENCES)
    _check_unit_vectors(vectors, len(SENTENCES), 256)
    np.testing.assert_array_equal(vectors, static.embed(SENTENCES))
    np.testing.assert_array_equal(vectors[5], static.embed([SENTENCES[5]])[0])
    empty = static.embed(["", "!!!"[:0], "parcel"])
    _check_unit_vectors(empty, 3, 256)
    assert static.embed([]).shape == (0, 256)


@pytest.mark.slow
def test_static_features_are_the_mean_peak_and_first_half_of_the_token_rows(static):
    texts = ["my parcel parcel is late", "refund", "", "!!!", SENTENCES[3]]
    features = static.features(texts)
    assert features.shape == (len(texts), 3 * 256)
    rows = static._vectors
    for text, got in zip(texts, features, strict=True):
        flat, lengths = static._token_ids([text])
        if not len(flat):  # no known token: the table's mean for both means
            np.testing.assert_allclose(got[:256], static.embed([text])[0], atol=1e-6)
            continue
        tokens = rows[flat]
        half = max(len(flat) // 2, 1)
        expected = [tokens.mean(axis=0), np.abs(tokens).max(axis=0), tokens[:half].mean(axis=0)]
        for k, part in enumerate(expected):
            np.testing.assert_allclose(got[k * 256:(k + 1) * 256],
                                       part / np.linalg.norm(part), atol=1e-5)


@pytest.mark.slow
def test_static_keeps_topics_apart(static, plain_vectors):
    vectors = static.embed(SENTENCES)
    sims = vectors @ vectors.T
    groups = {"delivery": [0, 1, 2, 3], "billing": [4, 5, 6], "app": [8, 9, 10],
              "coffee": [11, 12, 13]}
    assert sims[1, 0] > sims[1, 4] and sims[0, 2] > sims[0, 5]  # delivery beside delivery
    n_right = 0
    for name, group in groups.items():
        others = [i for g in groups.values() if g is not group for i in g]
        inside = np.mean([sims[i, j] for i in group for j in group if i != j])
        outside = np.mean([sims[i, j] for i in group for j in others])
        assert inside > outside + 0.1, name
        for i in group:
            nearest = max((j for j in group + others if j != i), key=lambda j: sims[i, j])
            n_right += nearest in group
    assert n_right >= 11  # of 13: a bag of words misses a few the transformer gets
    # the pairwise similarities follow the plain model's
    upper = np.triu_indices(len(SENTENCES), 1)
    plain = plain_vectors @ plain_vectors.T
    assert np.corrcoef(sims[upper], plain[upper])[0, 1] > 0.6


@pytest.mark.slow
def test_static_table_is_cached(static, backend_cache):
    static.embed(["warm"])
    path = distill_static(cache_folder=backend_cache)
    stamp = path.stat().st_mtime_ns
    start = time.perf_counter()
    second = StaticEmbedder(cache_folder=backend_cache)
    second.embed(["where is my parcel"])
    assert time.perf_counter() - start < 5
    assert second.path_ == path and path.stat().st_mtime_ns == stamp
