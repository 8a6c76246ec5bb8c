"""Fit: the steps a plan, an update and the Dask path share, each in one place.

- :func:`post_vectors`: the unit vectors of the accepted posts, precomputed (an array or a
  ``.npy`` file, one row per post or per input row) or embedded through the cache;
- :func:`describe_and_measure`: from the posts' groups to the :class:`~nichefinder.groups.Groups`
  table, the descriptions and the measurements that the judge reads.

:class:`nichefinder.pipeline.NicheFinder` runs them around the clustering;
:func:`nichefinder.update.update_plan` runs them on new posts;
:func:`nichefinder.distributed.fit_distributed` runs the estimator with its embedding and
assignment on a Dask cluster.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .describe import GroupDescription, describe_groups
from .embed import embed_posts, get_embedder, load_embeddings, unit_rows
from .exceptions import InputError
from .groups import Groups, build_groups
from .ingest import Conversations
from .score.measure import measure_groups
from .score.measurements import Measurements

__all__ = ["describe_and_measure", "post_vectors"]


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
