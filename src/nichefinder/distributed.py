"""The distributed path: embedding and group assignment on a Dask cluster.

For corpora beyond one machine the two stages that touch every post run on the workers of an
existing `Dask distributed <https://distributed.dask.org>`_ cluster; everything else is the
single-machine pipeline, which stays the default.

What runs where
---------------
* **Driver** (the process that calls :func:`plan`): reading and validating the input, the
  embedding cache (SQLite, looked up before anything is sent and filled as results arrive),
  clustering the seeded sample (``sample_size`` rows), describing, scoring, feeds, staffing
  and the report.
* **Workers**: embedding the texts the cache does not hold (each worker process loads the model
  once) and placing every post in a group (:func:`nichefinder.cluster.assign_groups` over row
  blocks).

The groups equal the local path's for the same data, seed and ``sample_size``: the workers
call the model on the same batches as :func:`~nichefinder.embed.embed_texts`, so the vectors
are the same, and assignment is row-wise, so blocks of rows get the same labels (ARI 1.0 on
the sample data and on banking77; ``docs/distributed.md`` has the figures).

Why Dask rather than Ray: its wheels are pure Python and a few MB (Ray's is ~80 MB and brings
its own object store and raylet processes); it passes numpy arrays and pandas frames natively;
a ``LocalCluster`` of worker processes tests exactly the code that talks to a real
``dask scheduler``.

Examples
--------
>>> from distributed import Client  # doctest: +SKIP
>>> from nichefinder.distributed import plan  # doctest: +SKIP
>>> with Client("tcp://scheduler:8786") as client:  # doctest: +SKIP
...     p = plan("posts.parquet", client=client, staff="staff.csv", random_state=0)
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .embed import (
    EmbeddingCache,
    check_vectors,
    embedding_stats,
    get_embedder,
    normalize_text,
    progress_bar,
)
from .exceptions import EmbeddingError, InputError, MissingDependencyError

__all__ = [
    "DaskAssigner",
    "connect_scheduler",
    "embed_distributed",
    "fit_distributed",
    "plan",
]

log = logging.getLogger(__name__)

#: Texts sent to a worker in one task (and committed to the cache per finished task).
PARTITION_SIZE = 1_024
#: Rows per assignment task: 65,536 x 384 float32 is 96 MiB.
CHUNK_ROWS = 65_536
#: Seconds :func:`connect_scheduler` waits for the scheduler, and then for a worker.
CONNECT_TIMEOUT = 10.0
_INSTALL = "pip install 'nichefinder[distributed]'  (or: pip install 'dask[distributed]')"


def _require_distributed():
    """Import ``distributed`` or raise the install hint."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError(
            f"the distributed path needs Dask distributed, which is not installed; {_INSTALL}"
        ) from exc
    return distributed


def connect_scheduler(address: str, *, timeout: float | None = None):
    """Connect a ``distributed.Client`` to a running Dask scheduler that has workers.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://10.0.0.5:8786"``.
    timeout : float, optional
        Seconds to wait for the scheduler, and then for at least one worker
        (:data:`CONNECT_TIMEOUT`, 10, by default).

    Returns
    -------
    distributed.Client
        Use it as a context manager, so that it is closed.

    Raises
    ------
    MissingDependencyError
        Dask distributed is not installed.
    InputError
        Nothing answers at ``address``, or the scheduler has no workers.

    Examples
    --------
    >>> with connect_scheduler("tcp://127.0.0.1:8786") as client:  # doctest: +SKIP
    ...     print(sum(client.nthreads().values()), "worker threads")
    """
    distributed = _require_distributed()
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        _probe(address, timeout)  # a Client that fails to connect complains again at exit
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"cannot reach the Dask scheduler at {address!r} ({reason}); start one with "
            f"'dask scheduler' and workers with 'dask worker {address}', or check the address "
            "(--scheduler)"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise InputError(
            f"the Dask scheduler at {address!r} has no workers after {timeout:g} s; start some "
            f"with 'dask worker {address}' on machines where nichefinder is installed"
        ) from exc
    return client


def _probe(address: str, timeout: float) -> None:
    """Open and close a TCP connection to a ``tcp://`` or ``tls://`` address (others pass)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        host, port = parse_host_port(location)
        socket.create_connection((host, port), timeout=timeout).close()


# -- running tasks ---------------------------------------------------------------------------


def _stream(client, func, items: Sequence, *args, name: str, scatter: bool = False, **kwargs):
    """Run ``func(item, *args, **kwargs)`` per item; yield ``(index, result)`` as each finishes.

    At most twice as many tasks as the cluster has threads are in flight, so neither the
    driver nor the workers hold the whole input twice. ``scatter`` sends each item to a worker
    first (for arrays: no large task graph), and the task runs where its data lies.
    """
    distributed = _require_distributed()
    window = max(2, 2 * sum(client.nthreads().values()))
    prefix = f"nichefinder-{name}-{uuid.uuid4().hex[:12]}"
    pending = iter(enumerate(items))
    running = distributed.as_completed()
    outstanding = {}

    def submit_next() -> None:
        for i, item in pending:
            data = client.scatter(item) if scatter else item
            future = client.submit(func, data, *args, key=f"{prefix}-{i}", pure=False, **kwargs)
            outstanding[future.key] = (i, future)
            running.add(future)
            return

    for _ in range(window):
        submit_next()
    try:
        for future in running:
            result = future.result()  # a worker's exception is raised here, as it was raised
            index, _ = outstanding.pop(future.key)
            future.release()
            yield index, result
            submit_next()
    finally:
        if outstanding:  # an error, or the caller stopped: drop what is still queued
            client.cancel([f for _, f in outstanding.values()])


# -- embedding -------------------------------------------------------------------------------

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


def _open_cache(cache):
    if cache is False:
        return None
    if isinstance(cache, EmbeddingCache):
        return cache
    return EmbeddingCache(None if cache is True else cache)


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

    Texts are normalised (:func:`nichefinder.embed.normalize_text`) and deduplicated; the
    driver's cache is read first and only the misses are sent to the workers, in partitions of
    about ``partition_size`` texts. Each worker process builds the embedder once per model
    string and keeps it for later tasks and calls. Each finished partition is stored in the
    cache on the driver as it arrives, so an interrupted run resumes without embedding those
    texts again.

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
    show_progress : bool, default=False
        A progress bar on stderr, advanced per finished partition.

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
    _require_distributed()
    for label, value in (("partition_size", partition_size), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{label} must be an integer >= 1; got {value!r}")
    embedder = get_embedder(model)  # its name only: the model itself loads on the workers
    by_name = model is None or isinstance(model, (str, Path))
    payload = None if model is None else str(model) if by_name else embedder
    clean = [normalize_text(str(t)) for t in texts]
    unique = list(dict.fromkeys(clean))
    keys = [EmbeddingCache.key(t) for t in unique]
    store = _open_cache(cache)
    try:
        found = store.get(embedder.name, keys) if store is not None else {}
        todo = [i for i, k in enumerate(keys) if k not in found]
        if store is not None:
            store.hits += len(unique) - len(todo)
            store.misses += len(todo)
        log.info(
            "embedding %d texts on the cluster (%d unique, %d cached)",
            len(clean), len(unique), len(unique) - len(todo),
        )
        if todo:
            if not by_name:
                [payload] = client.scatter([embedder], broadcast=True, hash=False)
            step = -(-partition_size // batch_size) * batch_size
            parts = [todo[s : s + step] for s in range(0, len(todo), step)]
            progress = progress_bar(len(todo), show_progress)
            for index, vectors in _stream(
                client, _embed_partition, [[unique[i] for i in part] for part in parts],
                payload, embedder.name, batch_size, name="embed",
            ):
                part = parts[index]
                check_vectors(vectors, len(part), embedder.name)
                if store is not None:
                    store.put(embedder.name, [keys[i] for i in part], vectors)
                for i, v in zip(part, vectors, strict=True):
                    found[keys[i]] = v
                progress(len(part))
    finally:
        if store is not None and not isinstance(cache, EmbeddingCache):
            store.close()
    if not unique:
        return np.zeros((0, 0), dtype=np.float32)
    index = {k: i for i, k in enumerate(keys)}
    table = np.stack([found[k] for k in keys]).astype(np.float32)
    return table[[index[EmbeddingCache.key(t)] for t in clean]]


# -- assignment ------------------------------------------------------------------------------


def _assign_block(block, centroids, fences, assign_noise):
    """:func:`~nichefinder.cluster.assign_groups` on one block of rows, on a worker."""
    from .cluster import assign_groups

    if block.shape[0] and not block.any():
        # a block of zero vectors alone would be refused; a unit row beside it changes nothing
        pad = np.zeros((1, block.shape[1]), dtype=block.dtype)
        pad[0, 0] = 1.0
        labels, similarity = assign_groups(
            np.vstack([pad, block]), centroids, fences, assign_noise=assign_noise
        )
        return labels[1:], similarity[1:]
    return assign_groups(block, centroids, fences, assign_noise=assign_noise)


class DaskAssigner:
    """:func:`nichefinder.cluster.assign_groups` run over row blocks on a Dask cluster.

    An instance is a drop-in ``assign`` callable (same signature and results) for
    :func:`nichefinder.cluster.cluster_embeddings` and ``assigner`` for
    :class:`nichefinder.pipeline.NicheFinder`. Centroids and fences are sent to every worker
    once per call; the blocks are sent one each and the labels come back in row order.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster.
    chunk_rows : int, default=65536
        Rows per task.

    Examples
    --------
    >>> assign = DaskAssigner(client)  # doctest: +SKIP
    >>> labels, similarity = assign(X, clustering.centroids, clustering.fences)  # doctest: +SKIP
    >>> NicheFinder(sample_size=30_000, assigner=assign, random_state=0)  # doctest: +SKIP
    """

    def __init__(self, client, *, chunk_rows: int = CHUNK_ROWS):
        self.client = client
        self.chunk_rows = chunk_rows

    def __repr__(self) -> str:
        return f"DaskAssigner(chunk_rows={self.chunk_rows})"

    def __call__(self, embeddings, centroids, fences, *, assign_noise: bool = True):
        """Assign rows to groups; see :func:`nichefinder.cluster.assign_groups`.

        Returns
        -------
        labels : ndarray of int, shape (n,)
        similarity : ndarray of float32, shape (n,)
        """
        from .cluster import assign_groups

        _require_distributed()
        step = self.chunk_rows
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise InputError(f"chunk_rows must be an integer >= 1; got {step!r}")
        try:
            X = np.asarray(embeddings, dtype=np.float32)
            C = np.asarray(centroids, dtype=np.float32)
            F = np.asarray(fences, dtype=np.float64)
        except (TypeError, ValueError):
            X = None
        if X is None or X.ndim != 2 or not X.shape[0] or C.ndim != 2 or not C.shape[0] \
                or not np.isfinite(X).all() or not X.any():
            # nothing to distribute, or input assign_groups refuses: the same answer or error
            return assign_groups(embeddings, centroids, fences, assign_noise=assign_noise)
        assign_groups(X[:1], C, F, assign_noise=assign_noise)  # shapes fit, else its error
        centroids_f, fences_f = self.client.scatter([C, F], broadcast=True, hash=False)
        n = X.shape[0]
        blocks = [X[s : s + step] for s in range(0, n, step)]
        labels = np.empty(n, dtype=np.intp)
        similarity = np.empty(n, dtype=np.float32)
        log.info("assigning %d rows in %d blocks on the cluster", n, len(blocks))
        try:
            for index, (lab, sim) in _stream(
                self.client, _assign_block, blocks, centroids_f, fences_f, assign_noise,
                name="assign", scatter=True,
            ):
                rows = slice(index * step, index * step + len(lab))
                labels[rows] = lab
                similarity[rows] = sim
        finally:
            self.client.cancel([centroids_f, fences_f])
        return labels, similarity


# -- the pipeline ----------------------------------------------------------------------------


def fit_distributed(
    finder,
    conversations,
    *,
    client,
    embeddings=None,
    columns=None,
    format=None,
    partition_size: int = PARTITION_SIZE,
    chunk_rows: int = CHUNK_ROWS,
):
    """Fit a :class:`~nichefinder.pipeline.NicheFinder` with embedding and assignment on Dask.

    The estimator's own parameters (model, seed, ``sample_size``, cache, ...) apply; its
    ``assigner`` is a :class:`DaskAssigner` for this fit unless it has one already.

    Parameters
    ----------
    finder : NicheFinder
        The estimator to fit; it is returned fitted.
    conversations : paths, DataFrame or Conversations
        Read on the driver.
    client : distributed.Client
    embeddings : ndarray or path to ``.npy``, optional
        Precomputed vectors: nothing is embedded, only assignment runs on the cluster.
    columns, format : optional
        As for :meth:`NicheFinder.fit <nichefinder.pipeline.NicheFinder.fit>`.
    partition_size : int, default=1024
        Texts per embedding task.
    chunk_rows : int, default=65536
        Rows per assignment task.

    Returns
    -------
    NicheFinder
        ``finder``, fitted; ``embedding_stats_`` counts what the cluster embedded.

    Examples
    --------
    >>> finder = fit_distributed(NicheFinder(random_state=0), "posts.csv",
    ...                          client=client)  # doctest: +SKIP
    >>> finder.plan(staff="staff.csv")  # doctest: +SKIP
    """
    from .ingest import as_conversations

    _require_distributed()
    conv = as_conversations(conversations, columns, format)
    stats = None
    if embeddings is None:
        texts = conv.posts["text"].tolist()
        store = _open_cache(finder.cache)
        before = (store.hits, store.misses) if store is not None else (0, 0)
        try:
            embeddings = embed_distributed(
                texts, client, finder.model, cache=store if store is not None else False,
                partition_size=partition_size, show_progress=finder.show_progress,
            )
        finally:
            if store is not None and store is not finder.cache:
                store.close()
        stats = embedding_stats(len(texts), store, before)
    own = finder.assigner
    if own is None:
        finder.assigner = DaskAssigner(client, chunk_rows=chunk_rows)
    try:
        finder.fit(conv, embeddings)
    finally:
        finder.assigner = own  # the estimator keeps no client it was not given
    if stats is not None:
        finder.embedding_stats_ = stats
    return finder


def plan(
    conversations,
    *,
    client,
    staff=None,
    columns=None,
    format=None,
    embeddings=None,
    partition_size: int = PARTITION_SIZE,
    chunk_rows: int = CHUNK_ROWS,
    **params,
):
    """Plan social feeds with embedding and assignment on a Dask cluster.

    :func:`nichefinder.plan` with the cluster's ``client``: the groups equal the local path's
    for the same data, ``random_state`` and ``sample_size``.

    Parameters
    ----------
    conversations : path, list of paths, DataFrame or Conversations
        Read on the driver.
    client : distributed.Client
        A client of the cluster (see :func:`connect_scheduler`).
    staff : path or DataFrame, optional
        Staff roster, as for :func:`nichefinder.plan`.
    columns, format : optional
        As for :func:`nichefinder.plan`.
    embeddings : ndarray or path, optional
        Precomputed embeddings: nothing is embedded, only assignment runs on the cluster.
    partition_size : int, default=1024
        Texts per embedding task.
    chunk_rows : int, default=65536
        Rows per assignment task.
    **params
        The parameters of :class:`~nichefinder.pipeline.NicheFinder` (``model``,
        ``thresholds``, ``min_cluster_size``, ``method``, ``sample_size``, ``random_state``,
        ``cache``, ``show_progress``). ``model`` must resolve to the same model on every
        worker and on the driver (which embeds the few staffing texts itself);
        ``sample_size`` posts (default 30,000) are clustered on the driver and every post is
        then assigned on the cluster (with no more posts than that, assignment does not run);
        ``cache`` is the driver's embedding cache.

    Returns
    -------
    Plan

    Examples
    --------
    >>> from nichefinder.distributed import connect_scheduler, plan  # doctest: +SKIP
    >>> with connect_scheduler("tcp://scheduler:8786") as client:  # doctest: +SKIP
    ...     p = plan("posts.parquet", client=client, sample_size=30_000, random_state=0)
    """
    from .pipeline import NicheFinder

    finder = fit_distributed(
        NicheFinder(**params), conversations, client=client, embeddings=embeddings,
        columns=columns, format=format, partition_size=partition_size, chunk_rows=chunk_rows,
    )
    return finder.plan(staff)
