"""Shared fixtures: a session-wide embedding cache under a temp folder, the real packaged model,
and a tiny deterministic fake embedder for pure unit tests of later stages."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Never touch the user's real cache; share one cache across the test session."""
    folder = tmp_path_factory.mktemp("nf-cache")
    old = os.environ.get("NICHEFINDER_CACHE")
    os.environ["NICHEFINDER_CACHE"] = str(folder)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield folder
    if old is None:
        os.environ.pop("NICHEFINDER_CACHE", None)
    else:
        os.environ["NICHEFINDER_CACHE"] = old


class FakeEmbedder:
    """Bag-of-words hashed into 64 dimensions: deterministic, no model, shared words -> close."""

    name = "fake-hash-64"

    def __init__(self):
        self.calls = 0
        self.n_texts = 0

    def embed(self, texts):
        self.calls += 1
        self.n_texts += len(texts)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in str(text).lower().split():
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[i, h % 64] += 1.0
            out[i, 0] += 1e-3
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    from nichefinder.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
