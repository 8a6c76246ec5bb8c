"""The pipeline with embedding and assignment on a Dask cluster: :func:`fit_distributed` and
:func:`plan`, the single-machine estimator with two of its stages sent to the workers."""

from __future__ import annotations

from ..embed import embed_posts
from .assign import CHUNK_ROWS, DaskAssigner
from .client import require_distributed
from .embed import PARTITION_SIZE, embed_distributed

__all__ = ["fit_distributed", "plan"]


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
    from ..ingest import as_conversations

    require_distributed()
    conv = as_conversations(conversations, columns, format)
    stats = None
    if embeddings is None:
        def embed(texts, model, **options):
            return embed_distributed(texts, client, model, partition_size=partition_size,
                                     **options)

        embeddings, stats = embed_posts(conv.posts["text"].tolist(), finder.model,
                                        cache=finder.cache, show_progress=finder.show_progress,
                                        embed=embed)
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
    from ..pipeline import NicheFinder

    finder = fit_distributed(
        NicheFinder(**params), conversations, client=client, embeddings=embeddings,
        columns=columns, format=format, partition_size=partition_size, chunk_rows=chunk_rows,
    )
    return finder.plan(staff)
