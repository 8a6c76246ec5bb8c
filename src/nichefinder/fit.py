"""Fit: the steps a plan, an update and the Dask path share, each in one place.

- :func:`post_vectors`: the unit vectors of the accepted posts, precomputed (an array or a
  ``.npy`` file, one row per post or per input row) or embedded through the cache;
- :func:`placed_clustering`: above the sample size, the groups of a sample embedded by the
  real model and every other post placed by a cheap student (:mod:`nichefinder.place`);
- :func:`describe_and_measure`: from the posts' groups to the :class:`~nichefinder.groups.Groups`
  table, the descriptions and the measurements that the judge reads.

:class:`nichefinder.pipeline.NicheFinder` runs them around the clustering;
:func:`nichefinder.update.update_plan` runs them on new posts;
:func:`nichefinder.distributed.fit_distributed` runs the estimator with its embedding and
assignment on a Dask cluster.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from .cluster import SAMPLE_SIZE, cluster_embeddings
from .describe import GroupDescription, describe_groups
from .embed import (
    embed_posts,
    embed_texts,
    embedding_stats,
    get_embedder,
    load_embeddings,
    opened_cache,
    unit_rows,
)
from .exceptions import InputError
from .groups import Groups, build_groups
from .ingest import Conversations
from .score.measure import measure_groups
from .score.measurements import Measurements

__all__ = ["GivenLabels", "describe_and_measure", "placed_clustering", "post_vectors"]


def post_vectors(conv: Conversations, model=None, embeddings=None, *, cache=True,
                 show_progress: bool = False, embed=None, dimensions: int | None = None):
    """The unit vectors of the accepted posts, and what the embedding step did.

    Parameters
    ----------
    conv : Conversations
    model : str, path or Embedder, optional
        The embedding model (:func:`nichefinder.embed.get_embedder`).
    embeddings : ndarray or path to ``.npy``, optional
        Precomputed vectors, one per accepted post or one per input row (in input order);
        nothing is embedded.
    cache : bool, path or EmbeddingCache, default True
    show_progress : bool, default False
    embed : callable, optional
        Replaces :func:`nichefinder.embed.embed_texts` (see :func:`nichefinder.embed.embed_posts`).
    dimensions : int, optional
        The width the vectors must have (a plan's centroids'), named in the error.

    Returns
    -------
    vectors : ndarray of float32, shape (n_posts, d)
    stats : dict
        ``embedding_stats`` of :class:`~nichefinder.pipeline.NicheFinder` (``cache`` is
        ``None`` when the vectors were given).
    name : str
        The model's name, or ``"precomputed"``.
    """
    posts = conv.posts
    if embeddings is None:
        embedder = get_embedder(model, show_progress=show_progress)
        vectors, stats = embed_posts(posts["text"].tolist(), embedder, cache=cache,
                                     show_progress=show_progress, embed=embed)
        name = getattr(embedder, "name", str(model))
    elif isinstance(embeddings, (str, Path)):
        vectors = load_embeddings(embeddings, len(posts), posts["position"], conv.n_read)
        stats, name = {"posts": len(posts), "cache": None}, "precomputed"
    else:
        vectors = np.asarray(embeddings, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) not in (len(posts), conv.n_read):
            width = dimensions if dimensions is not None else "d"
            raise InputError(
                f"embeddings have shape {vectors.shape}; expected ({len(posts)}, {width}), one "
                "row per accepted post"
            )
        if len(vectors) != len(posts):
            vectors = vectors[posts["position"].to_numpy()]
        vectors = unit_rows(vectors)
        stats, name = {"posts": len(posts), "cache": None}, "precomputed"
    return vectors, stats, name


class GivenLabels:
    """A clustering estimator that returns labels decided elsewhere (``fit`` ignores ``X``).

    Examples
    --------
    >>> GivenLabels([0, 0, -1]).fit(None).labels_.tolist()
    [0, 0, -1]
    """

    def __init__(self, labels):
        self.labels = labels

    def fit(self, X):
        self.labels_ = np.asarray(self.labels)
        return self


def placed_clustering(texts, embedder, *, cache=True, method="agglomerative",
                      min_cluster_size=None, sample_size=None, random_state=None,
                      show_progress=False, target_agreement=None):
    """Vectors and groups of many posts from a sample the real model embeds and clusters.

    :func:`nichefinder.place.place_posts` clusters a seeded sample of ``sample_size`` posts
    embedded by ``embedder`` (with ``min_cluster_size`` scaled by the sampling fraction, as
    :func:`~nichefinder.cluster.cluster_embeddings` does above its sample size) and places
    the other posts by a student, the unsure ones by the real model; the same fences,
    numbering and themes as every clustering then run on all posts.

    Parameters
    ----------
    texts : sequence of str
    embedder : Embedder
        The real model; its vectors go through ``cache``.
    cache : bool, path or EmbeddingCache, default True
    method, min_cluster_size, sample_size, random_state, show_progress
        As for :func:`~nichefinder.cluster.cluster_embeddings`.
    target_agreement : float, optional
        :func:`~nichefinder.place.place_posts`' target (default
        :data:`~nichefinder.place.TARGET_AGREEMENT`).

    Returns
    -------
    vectors : ndarray of float32, shape (n, d)
    clustering : Clustering
        ``parameters["placement"]`` holds the placement's figures (the real model's share).
    stats : dict
        The embedding step's record, as ``NicheFinder.embedding_stats_``, with the placement's.
    """
    from .place import TARGET_AGREEMENT, place_posts

    n = len(texts)
    sample_size = SAMPLE_SIZE if sample_size is None else sample_size
    size = min_cluster_size if min_cluster_size is not None else max(5, round(math.sqrt(n) / 4))
    inner = max(5, round(size * sample_size / n))
    seed = int(np.random.RandomState(random_state).randint(0, 2**31 - 1)) \
        if not isinstance(random_state, (int, np.integer)) else int(random_state)

    def cluster(X):
        return cluster_embeddings(X, min_cluster_size=inner, min_samples=max(2, inner // 5),
                                  method=method, sample_size=len(X), random_state=seed,
                                  show_progress=show_progress)

    with opened_cache(cache) as store:
        def embed(batch):
            return embed_texts(batch, embedder, cache=False if store is None else store,
                               show_progress=show_progress)

        placed = place_posts(texts, embed, cluster, sample_size=sample_size, random_state=seed,
                             target_agreement=target_agreement or TARGET_AGREEMENT,
                             show_progress=show_progress)
        stats = dict(embedding_stats(n, store), placement=dict(placed.stats))
    result = cluster_embeddings(
        placed.vectors, method=GivenLabels(placed.labels), min_cluster_size=size,
        sample_size=n, random_state=seed, center=placed.clustering.center is not None,
    )
    params = dict(placed.clustering.parameters)
    for key in ("n_rows", "min_cluster_size", "n_groups", "n_themes", "noise_share",
                "theme_threshold", "theme_scores", "centred", "mean_cosine"):
        if key in result.parameters:
            params[key] = result.parameters[key]
    params.update(sample_size=int(sample_size), sample_min_cluster_size=int(inner),
                  placement=dict(placed.stats))
    return placed.vectors, replace(result, parameters=params), stats


def describe_and_measure(posts, vectors, labels, themes=None, *, settings=None,
                         random_state=None, embed=None
                         ) -> tuple[Groups, list[GroupDescription], Measurements]:
    """The groups' table, their descriptions and their measurements.

    Parameters
    ----------
    posts : pandas.DataFrame
    vectors : ndarray of shape (n, d)
        Unit vectors of the posts.
    labels : array of int, shape (n,)
        Group of each post; ``-1`` is noise.
    themes : array of int, optional
        Theme of each group.
    settings : MeasureSettings or Thresholds, optional
    random_state : int, RandomState or None
    embed : callable, optional
        Unit vectors of a list of texts with the posts' model: what ranks the groups' names
        (:func:`nichefinder.describe.describe_groups`).

    Returns
    -------
    groups : Groups
    descriptions : list of GroupDescription
    measurements : Measurements
    """
    groups = build_groups(posts, labels, vectors, themes)
    descriptions = describe_groups(groups, embed=embed)
    measurements = measure_groups(groups, descriptions, settings=settings,
                                  random_state=random_state)
    return groups, descriptions, measurements
