"""Embedding on the workers of a Dask cluster, through the driver's embedding cache."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..embed import (
    EmbeddingCache,
    check_vectors,
    get_embedder,
    opened_cache,
    progress_bar,
    unique_texts,
)
from ..exceptions import EmbeddingError, InputError
from .client import require_distributed, stream

__all__ = ["PARTITION_SIZE", "embed_distributed"]

log = logging.getLogger(__name__)

#: Texts sent to a worker in one task (and committed to the cache per finished task).
PARTITION_SIZE = 1_024


_WORKER_EMBEDDERS: dict = {}
_WORKER_LOCK = threading.Lock()


def _worker_embedder(model):
    """The worker process's embedder: built once per model string, then reused by every task."""
    if not isinstance(model, (str, type(None))):
        return model  # an Embedder object, sent to each worker once
    with _WORKER_LOCK:
        if model not in _WORKER_EMBEDDERS:
            _WORKER_EMBEDDERS[model] = get_embedder(model)
        return _WORKER_EMBEDDERS[model]


def _embed_partition(texts: list[str], model, name: str, batch_size: int) -> np.ndarray:
    """Embed one partition on a worker, in batches of ``batch_size`` as ``embed_texts`` does."""
    embedder = _worker_embedder(model)
    if embedder.name != name:
        raise EmbeddingError(
            f"a worker resolves model {model!r} to {embedder.name!r} but the driver to {name!r}; "
            "install the same nichefinder version and extras (onnxruntime) on the workers"
        )
    parts = [
        np.asarray(embedder.embed(texts[s : s + batch_size]), dtype=np.float32)
        for s in range(0, len(texts), batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def _embed_misses(client, texts, keys, payload, name, store, found, partition_size, batch_size,
                  show_progress) -> None:
    """Embed ``texts`` on the workers in partitions; each finished partition goes into
    ``store`` (when there is one) and ``found`` (key -> vector) as it arrives."""
    step = -(-partition_size // batch_size) * batch_size
    parts = [range(s, min(s + step, len(texts))) for s in range(0, len(texts), step)]
    progress = progress_bar(len(texts), show_progress)
    for index, vectors in stream(
        client, _embed_partition, [[texts[i] for i in part] for part in parts],
        payload, name, batch_size, name="embed",
    ):
        part = parts[index]
        check_vectors(vectors, len(part), name)
        if store is not None:
            store.put(name, [keys[i] for i in part], vectors)
        for i, v in zip(part, vectors, strict=True):
            found[keys[i]] = v
        progress(len(part))


def embed_distributed(
    texts: Sequence[str],
    client,
    model=None,
    *,
    cache: bool | str | Path | EmbeddingCache = True,
    partition_size: int = PARTITION_SIZE,
    batch_size: int = 256,
    show_progress: bool = False,
) -> np.ndarray:
    """Embed texts on the workers of a Dask cluster, reusing the driver's cached vectors.

    Texts are normalised and near-exact copies merged (:func:`nichefinder.embed.unique_texts`);
    the driver's cache is read first and only the misses are sent to the workers, in
    partitions of about ``partition_size`` texts. Each worker process builds the embedder once
    per model string and keeps it for later tasks and calls. Each finished partition is stored
    in the cache on the driver as it arrives, so an interrupted run resumes without embedding
    those texts again.

    Parameters
    ----------
    texts : sequence of str
        Post texts.
    client : distributed.Client
        A client of the cluster (see :func:`connect_scheduler`).
    model : str, path or Embedder, optional
        As for :func:`nichefinder.embed.embed_texts` (``None``: the packaged default). A name
        or path must resolve to the same model on every worker; an Embedder object must be
        picklable, and is sent to each worker once per call.
    cache : bool, path or EmbeddingCache, default=True
        The driver's cache, as for :func:`nichefinder.embed.embed_texts`.
    partition_size : int, default=1024
        Texts per task and per cache commit, rounded up to whole batches.
    batch_size : int, default=256
        Texts per call of the model on a worker. The batches are those of
        :func:`~nichefinder.embed.embed_texts` (every backend sorts a batch by length, so
        little padding is computed), so the vectors are the same even for the int8 backend,
        whose vectors move slightly with the other texts of their batch.
    show_progress : bool or callable, default=False
        A progress bar on stderr, advanced per finished partition
        (:func:`nichefinder.embed.texts.progress_bar`).

    Returns
    -------
    numpy.ndarray
        ``(len(texts), d)`` float32 unit vectors in the order of ``texts``; with the same
        cache contents, those :func:`~nichefinder.embed.embed_texts` returns.

    Raises
    ------
    MissingDependencyError
        Dask distributed is not installed.
    EmbeddingError
        The model could not be loaded on a worker, resolves to another model there, or
        returned unusable vectors.

    Examples
    --------
    >>> from distributed import Client, LocalCluster  # doctest: +SKIP
    >>> with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, \\
    ...         Client(cluster) as client:  # doctest: +SKIP
    ...     embed_distributed(["parcel late again", "refund please"], client).shape
    (2, 384)
    """
    require_distributed()
    for label, value in (("partition_size", partition_size), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{label} must be an integer >= 1; got {value!r}")
    embedder = get_embedder(model)  # its name only: the model itself loads on the workers
    by_name = model is None or isinstance(model, (str, Path))
    payload = None if model is None else str(model) if by_name else embedder
    unique, positions = unique_texts(texts)
    keys = [EmbeddingCache.key(t) for t in unique]
    with opened_cache(cache) as store:
        found = store.get(embedder.name, keys) if store is not None else {}
        todo = [i for i, k in enumerate(keys) if k not in found]
        if store is not None:
            store.hits += len(unique) - len(todo)
            store.misses += len(todo)
        log.info(
            "embedding %d texts on the cluster (%d unique, %d cached)",
            len(texts), len(unique), len(unique) - len(todo),
        )
        if todo:
            if not by_name:
                [payload] = client.scatter([embedder], broadcast=True, hash=False)
            _embed_misses(client, [unique[i] for i in todo], [keys[i] for i in todo], payload,
                          embedder.name, store, found, partition_size, batch_size, show_progress)
    if not unique:
        return np.zeros((0, 0), dtype=np.float32)
    table = np.stack([found[k] for k in keys]).astype(np.float32)
    return table[positions]
