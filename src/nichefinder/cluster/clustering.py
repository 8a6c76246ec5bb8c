"""Cluster: post embeddings into interest groups, and groups into themes.

:func:`cluster_embeddings` takes the (normalised) sentence embeddings of every post and returns a
:class:`Clustering`: one group label per post (``-1`` means noise: a post that belongs to no
group), a membership strength per post, and a theme per group (groups that one channel or feed
can serve together). The steps:

1. **Centre, when the posts sit in a narrow cone.** Rows are L2-normalised. When the mean
   cosine between posts (the squared length of their mean vector) is above
   :data:`CONE_COSINE` (0.25), they share one dominant direction: static word-vector models
   of one-domain text do this (0.41 on banking77 with the ``fast`` backend, where clustering
   otherwise finds 2 groups), contextual models rarely (0.08-0.22 on the shared datasets).
   Then the mean is subtracted and the rows normalised again, so that cosine similarity
   separates topics rather than measuring that shared direction (``center="auto"``; ``True``
   or ``False`` forces it). The mean is kept as :attr:`Clustering.center`, and
   :func:`assign_groups` takes it to place new posts the same way.
2. **Group.** A clustering method groups the rows: any estimator with ``fit(X)`` and ``labels_``
   (:class:`Clusterer`), by default the consensus of k-means over-partitions
   (:mod:`nichefinder.cluster.consensus`; ``"hdbscan"``: :mod:`nichefinder.cluster.density`).
3. **Noise.** Each group's

   members' cosine similarities to its centroid define the group's own lower fence (Tukey:
4. **Themes** (:mod:`nichefinder.cluster.themes`), and each group's centroid, fence and
   members' strengths: what :func:`~nichefinder.cluster.assign.assign_groups` needs to place
   new posts later without clustering again.

47-70 % of posts as noise and its groups match labels poorly (ARI < 0.06 on hwu64, noise
counted as a group); density in 20-50 dimensions is too flat for it. Silhouette-chosen
agglomeration of k-means micro-clusters reaches oracle-k k-means quality without k.

Large corpora (10^5 to 10^6 rows and beyond): above ``sample_size`` rows (default
:data:`SAMPLE_SIZE`, 30,000) steps 1-3 run on a seeded uniform sample of that size, with
``min_cluster_size`` scaled by the sampling fraction, and every row is then placed by
:func:`assign_groups` (nearest centroid, the same fences), in chunks; step 4 and the fences run
on all rows. A group of ``min_cluster_size`` posts still has ``min_cluster_size * 30,000 / n``
members in the sample. The cost is that of a 30,000-row clustering plus ``O(n k d)`` for the
assignment, so time grows linearly beyond the sample; memory is ``O(n d)`` plus fixed-size
samples (PCA fit, 3,000 x 3,000 silhouette distances, ``k0 <= 2000`` dendrogram, at most
"""

from __future__ import annotations

import inspect
import logging
import math
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

import numpy as np
from sklearn.utils import check_random_state

from ..exceptions import InputError
from ..vectors import normalise_rows
from .assign import assign_groups
from .confidence import Confidence, measure_confidence
from .consensus import ConsensusClustering
from .density import DensityClustering
from .geometry import (
    FENCE_IQR,
    apply_fences,
    check_int,
    dissolve_small,
    group_centroids,
    member_fences,
    membership,
    number_by_size,
    validate,
)
from .ladder import SELECTION_SE
from .leiden import LeidenClustering
from .themes import make_themes

__all__ = ["CONE_COSINE", "METHODS", "SAMPLE_SIZE", "Clusterer", "Clustering", "check_method",
           "cluster_embeddings"]

logger = logging.getLogger(__name__)

CONE_COSINE = 0.25
"""Mean cosine between posts above which they are centred before clustering (step 1)."""
SAMPLE_SIZE = 30_000
"""Above this many rows, a seeded sample of this size is clustered and every row is assigned."""

METHODS: dict[str, type] = {
    "agglomerative": ConsensusClustering,
    "hdbscan": DensityClustering,
    "leiden": LeidenClustering,
}
"""The clustering methods known by name. Each is made with those of ``min_cluster_size``,
``min_samples``, ``n_components``, ``merge_threshold``, ``random_state`` and ``show_progress``
that its constructor takes."""


@runtime_checkable
class Clusterer(Protocol):
    """Anything that groups rows, as scikit-learn's clusterers do: ``fit(X)`` on the unit rows,
    then ``labels_``, one integer per row (negative: noise). ``parameters_`` (a dict), when it
    has one, is recorded in the plan."""

    def fit(self, X): ...  # pragma: no cover - protocol


@dataclass(frozen=True)
class Clustering:
    """Result of :func:`cluster_embeddings`.

    Attributes
    ----------
    labels : ndarray of int, shape (n,)
        Group of each post; ``-1`` means noise (the post belongs to no group). Groups are
        numbered ``0..k-1`` by size, largest first; ties go to the group holding the
        smallest row index.
    probabilities : ndarray of float, shape (n,)
        Membership strength in ``[0, 1]``: the share of the group's members that are less
        similar to the group centroid than this post (0 for noise).
    themes : ndarray of int, shape (k,)
        Theme of each group: groups one channel or feed can serve together. Themes are
        numbered by total size, largest first.
    parameters : dict
        What was chosen (JSON-ready): sizes, dimensions, thresholds, the silhouette scores.
    centroids : ndarray of float32, shape (k, d)
        Unit-length mean embedding of each group's members: with ``fences``, what
        :func:`assign_groups` needs to place new posts without clustering again.
    fences : ndarray of float, shape (k,)
        Each group's lower fence of member similarity to its centroid (module docstring):
        a post less similar than this is not a member.
    center : ndarray of float32, shape (d,), or None
        Mean embedding subtracted before clustering (module docstring); centroids and
        fences live in that centred space, so pass it to :func:`assign_groups`. ``None``
        when the rows were not centred.
    confidence : Confidence or None
        How sure the count is (:class:`~nichefinder.cluster.confidence.Confidence`): groups
        and themes in each resample the method ran, the chosen resolution and its stability,
        each group's and theme's stability. ``None`` for methods that run no resamples.
    """

    labels: np.ndarray
    probabilities: np.ndarray
    themes: np.ndarray
    parameters: dict = field(default_factory=dict)
    centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    fences: np.ndarray = field(default_factory=lambda: np.zeros(0))
    center: np.ndarray | None = None
    confidence: Confidence | None = None

    @property
    def n_groups(self) -> int:
        """Number of groups (noise excluded)."""
        return int(self.themes.shape[0])

    @property
    def n_themes(self) -> int:
        """Number of themes."""
        return int(self.themes.max()) + 1 if self.themes.size else 0


def cluster_embeddings(
    embeddings,
    *,
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    n_components: int | None = None,
    merge_threshold: float | None = None,
    theme_threshold: float | None = None,
    assign_noise: bool = True,
    method="agglomerative",
    sample_size: int | None = None,
    random_state=None,
    show_progress: bool = False,
    assign=None,
    center: bool | str = "auto",
) -> Clustering:
    """Group posts by their embeddings, and groups into themes.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        One embedding per post (rows need not be normalised; cosine geometry is used).
    min_cluster_size : int, optional
        Smallest group kept; smaller groups are dissolved into noise or other groups.
        Default ``max(5, round(sqrt(n) / 4))``.
    min_samples : int, optional
        For the named methods: the smallest micro-cluster that enters the merge tree
        (agglomerative), HDBSCAN's ``min_samples``. Default ``max(2, min_cluster_size // 5)``.
    n_components : int, optional
        PCA dimensions for the over-partition. Default ``min(50, d, n - 1)``.
    merge_threshold : float, optional
        Average-linkage cosine distance at which micro-clusters are cut into groups.
        Default: chosen by the one-standard-error silhouette rule
        (:mod:`nichefinder.cluster.consensus`).
    theme_threshold : float, optional
        Average-linkage cosine distance at which group centroids are cut into themes.
        Default: themes are the communities of a confusion graph of
        :data:`~nichefinder.cluster.themes.THEME_PIECES` pieces of the grouped posts
        (:mod:`nichefinder.cluster.themes`).
    assign_noise : bool, default True
        Give a noise post to the most similar group when it clears that group's own fence.
    method : str or estimator, default "agglomerative"
        A name of :data:`METHODS` (``"agglomerative"``:
        :class:`~nichefinder.cluster.consensus.ConsensusClustering`; ``"hdbscan"``:
        :class:`~nichefinder.cluster.density.DensityClustering`, plain density clustering,
        never chosen silently), made with ``min_cluster_size``, ``min_samples``,
        ``n_components``, ``merge_threshold`` and ``random_state``; or any estimator with
        ``fit(X)`` and ``labels_`` (:class:`Clusterer`), fitted on the unit rows as it is. The
        noise fences, numbering and themes that follow are the same for every method.
    sample_size : int, optional
        Largest number of rows clustered at once; default :data:`SAMPLE_SIZE` (30,000). A
        larger input is clustered on a seeded uniform sample of this size, with
        ``min_cluster_size`` scaled by the sampling fraction, and then every row (the sample's
        included) is placed by :func:`assign_groups`; themes and fences are computed on the
        whole input. Memory and time grow linearly beyond the sample.
    random_state : int, RandomState instance or None
        Seed for the k-means partitions and the PCA fitting sample; the same seed and input
        give the same result.
    show_progress : bool, default False
        Log each step at INFO level (the library never configures handlers).
    assign : callable, optional
        Replaces :func:`assign_groups` (same signature) for the assignment of a sampled input,
        e.g. to run it on a cluster of machines (:mod:`nichefinder.distributed`).
    center : {"auto", True, False}, default "auto"
        Subtract the mean embedding (then re-normalise) before clustering (module docstring):
        ``"auto"`` when the mean cosine between posts exceeds :data:`CONE_COSINE`.
        The mean is returned as :attr:`Clustering.center`. A row equal to the mean has no
        direction left and is noise.

    Returns
    -------
    Clustering

    Raises
    ------
    InputError
        If ``embeddings`` is not a 2-D numeric array, holds NaN or infinite values, is all
        zeros, or a parameter is out of range. Single all-zero rows are noise.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> X, _ = make_blobs(600, n_features=20, centers=4, random_state=0)
    >>> result = cluster_embeddings(X, random_state=0)
    >>> result.n_groups
    4
    """
    X = validate(embeddings)
    if center not in ("auto", True, False):
        raise InputError(f"center={center!r}; use 'auto', True or False")
    mean = None
    cone = _mean_cosine(X)
    if center is True or (center == "auto" and cone > CONE_COSINE):
        mean, X = _centre(X)
    options = _Options(
        min_cluster_size=min_cluster_size, min_samples=min_samples, n_components=n_components,
        merge_threshold=merge_threshold, theme_threshold=theme_threshold,
        assign_noise=assign_noise, method=method, sample_size=sample_size,
        show_progress=show_progress, assign=assign,
    )
    result = _cluster(X, options, random_state)
    result.parameters["centred"] = mean is not None
    result.parameters["mean_cosine"] = round(cone, 6)
    return replace(result, center=mean)


def _mean_cosine(X: np.ndarray) -> float:
    """Squared length of the mean of the non-zero unit rows: about their mean pairwise cosine."""
    live = X.any(axis=1)
    if live.sum() < 2:
        return 0.0
    mean = X[live].mean(axis=0, dtype=np.float64)
    return float(mean @ mean)


def _centre(X: np.ndarray):
    """Mean of the non-zero rows, and the rows minus it, re-normalised (zero rows stay zero)."""
    live = X.any(axis=1)
    if live.sum() < 2:
        return None, X
    mean = X[live].mean(axis=0, dtype=np.float64).astype(np.float32)
    out = np.zeros_like(X)
    out[live] = normalise_rows(X[live] - mean)
    return mean, out


@dataclass(frozen=True)
class _Options:
    """The options of :func:`cluster_embeddings` that every step of a run reads."""

    min_cluster_size: int | None
    min_samples: int | None
    n_components: int | None
    merge_threshold: float | None
    theme_threshold: float | None
    assign_noise: bool
    method: Any
    sample_size: int | None
    show_progress: bool
    assign: Any


def _cluster(X, o: _Options, random_state, with_themes: bool = True) -> Clustering:
    """:func:`cluster_embeddings` on validated (and centred) rows."""
    return _cluster_with_evidence(X, o, random_state, with_themes)[0]


def _cluster_with_evidence(X, o: _Options, random_state, with_themes: bool = True):
    """:func:`_cluster`, and the fitted estimator's graph and resamples (``_Evidence``)."""
    zero = ~X.any(axis=1)
    if zero.any():
        return _without_zero_rows(X, zero, o, random_state, with_themes), None
    n, dim = X.shape
    rng = check_random_state(random_state)
    say = logger.info if o.show_progress else logger.debug
    size = o.min_cluster_size if o.min_cluster_size is not None else max(5, round(math.sqrt(n) / 4))
    min_samples = o.min_samples if o.min_samples is not None else max(2, size // 5)
    check_int("min_cluster_size", size, 2)
    check_int("min_samples", min_samples, 1)
    for name, value in (("merge_threshold", o.merge_threshold),
                        ("theme_threshold", o.theme_threshold)):
        if value is not None and not (0.0 <= value <= 2.0):
            raise InputError(
                f"{name}={value!r} is not a cosine distance; give a value between 0 and 2"
            )
    params: dict = {
        "n_rows": int(n),
        "min_cluster_size": int(size),
        "min_samples": int(min_samples),
        "assign_noise": bool(o.assign_noise),
        "method": o.method if isinstance(o.method, str) else type(o.method).__name__,
        "selection_se": SELECTION_SE,
        "fence_iqr": FENCE_IQR,
    }
    sample_size = SAMPLE_SIZE if o.sample_size is None else o.sample_size
    check_int("sample_size", sample_size, 2)
    if n > sample_size:
        return _sample_and_assign(X, sample_size, rng, say, o, size, min_samples), None
    if n < 2 * size or n < 3:
        say("only %d rows for min_cluster_size=%d: every row is noise", n, size)
        params.update(n_components=None, n_micro=0, merge_threshold=None, theme_threshold=None)
        return _empty(n, params, dim), None
    model = _estimator(o, size, min_samples, rng)
    labels = _labels_of(model.fit(X) or model, n)
    params.update(getattr(model, "parameters_", None) or {})
    labels, _, _ = apply_fences(X, labels, o.assign_noise)
    labels = number_by_size(dissolve_small(labels, size))
    say("%d groups, %.1f%% noise", int(labels.max(initial=-1)) + 1, 100 * np.mean(labels < 0))
    evidence = _Evidence.of(model, params)
    return _finish(X, labels, params, o.theme_threshold, rng, with_themes, evidence), evidence


@dataclass(frozen=True)
class _Evidence:
    """What a graph method leaves for the themes and the confidence: its node graph, the node
    of each row, its resamples (per row) and its resolution."""

    graph: Any
    node: np.ndarray
    resamples: list
    resolution: float
    resolution_stability: float | None

    @classmethod
    def of(cls, model, params):
        graph = getattr(model, "graph_", None)
        if graph is None:
            return None
        return cls(graph[0], graph[1], list(getattr(model, "resamples_", None) or []),
                   float(params.get("resolution") or 1.0), params.get("resolution_stability"))

    def confidence(self, labels: np.ndarray, themes: np.ndarray) -> Confidence:
        row_themes = np.where(labels >= 0, themes[np.maximum(labels, 0)], -1)
        return measure_confidence(labels, row_themes, self.resamples, self.resolution,
                                  self.resolution_stability)


def check_method(method) -> None:
    """An :class:`InputError` unless ``method`` is a name of :data:`METHODS` or a
    :class:`Clusterer`.

    Examples
    --------
    >>> check_method("hdbscan")
    >>> check_method("kmeans")
    Traceback (most recent call last):
    ...
    nichefinder.exceptions.InputError: unknown clustering method 'kmeans'; use one of: \
agglomerative, hdbscan, leiden, or pass an estimator with fit(X) and labels_
    """
    if isinstance(method, str):
        if method not in METHODS:
            raise InputError(f"unknown clustering method {method!r}; use one of: "
                             f"{', '.join(METHODS)}, or pass an estimator with fit(X) and labels_")
    elif not isinstance(method, Clusterer):
        raise InputError(
            f"method must be one of {', '.join(map(repr, METHODS))} or an estimator with "
            f"fit(X) and labels_, not a {type(method).__name__}"
        )


def _estimator(o: _Options, size: int, min_samples: int, rng):
    """The estimator ``o.method`` names (made with the run's options), or ``o.method`` itself."""
    check_method(o.method)
    if not isinstance(o.method, str):
        return o.method
    kind = METHODS[o.method]
    options = {"min_cluster_size": size, "min_samples": min_samples,
               "n_components": o.n_components, "merge_threshold": o.merge_threshold,
               "random_state": rng, "show_progress": o.show_progress}
    taken = inspect.signature(kind).parameters
    return kind(**{k: v for k, v in options.items() if k in taken})


def _labels_of(model, n: int) -> np.ndarray:
    """The estimator's ``labels_``, checked, noise as ``-1``, groups numbered ``0..k-1`` in
    their order."""
    labels = getattr(model, "labels_", None)
    if labels is None or np.shape(labels) != (n,):
        raise InputError(
            f"the clustering estimator {type(model).__name__} gave labels_ of shape "
            f"{np.shape(labels)} for {n} rows; it must set labels_, one integer per row"
        )
    labels = np.asarray(labels).astype(np.intp)
    labels[labels < 0] = -1
    return dissolve_small(labels, 1)


def _without_zero_rows(X, zero, o: _Options, random_state, with_themes) -> Clustering:
    """A zero vector has no direction: cluster the other rows; the zero rows are noise."""
    inner = _cluster(X[~zero], o, random_state, with_themes)
    labels = np.full(X.shape[0], -1, dtype=inner.labels.dtype)
    labels[~zero] = inner.labels
    probabilities = np.zeros(X.shape[0])
    probabilities[~zero] = inner.probabilities
    params = dict(inner.parameters, n_rows=int(X.shape[0]), n_zero_rows=int(zero.sum()),
                  noise_share=float(np.mean(labels < 0)))
    return Clustering(labels, probabilities, inner.themes, params, inner.centroids, inner.fences,
                      confidence=inner.confidence)


def _sample_and_assign(X, sample_size, rng, say, o: _Options, size, min_samples) -> Clustering:
    """Cluster a seeded sample of the rows, assign every row, then the themes on all rows."""
    n = X.shape[0]
    rows = np.sort(rng.choice(n, sample_size, replace=False))
    inner_size = max(5, round(size * sample_size / n))
    say("clustering a sample of %d of %d rows (min_cluster_size %d)", sample_size, n, inner_size)
    inner = replace(o, min_cluster_size=inner_size,
                    min_samples=max(2, min(min_samples, inner_size // 5)),
                    sample_size=sample_size)
    fitted, evidence = _cluster_with_evidence(X[rows], inner, rng, with_themes=False)
    labels, _ = (o.assign or assign_groups)(X, fitted.centroids, fitted.fences,
                                            assign_noise=o.assign_noise)
    labels = number_by_size(dissolve_small(np.asarray(labels, dtype=np.intp), size))
    params = dict(
        fitted.parameters, n_rows=int(n), sample_size=int(sample_size),
        sample_min_cluster_size=int(inner_size), min_cluster_size=int(size),
    )
    say("assigned %d rows to %d groups", n, int(labels.max(initial=-1)) + 1)
    # a graph method's themes and confidence come from the sample's graph and resamples,
    # read with the final groups of the sample's rows
    return _finish(X, labels, params, o.theme_threshold, rng, True, evidence, rows)


def _finish(X, labels, params, theme_threshold, rng, with_themes=True, evidence=None,
            evidence_rows=None) -> Clustering:
    """Membership strengths, themes, confidence and the parameters record of numbered groups.

    ``with_themes=False`` (a sample whose rows are all assigned again) leaves every group in
    theme 0: the themes are made on all rows afterwards. With a graph method's ``evidence``
    (its resamples, of the rows ``evidence_rows``, default all) a :class:`Confidence` is
    made."""
    k = int(labels.max(initial=-1)) + 1
    if k == 0:
        params.update(theme_threshold=None, n_groups=0, n_themes=0, noise_share=1.0)
        return _empty(X.shape[0], params, X.shape[1])
    centroids = group_centroids(X, labels, k)
    probabilities = membership(X, labels, centroids)
    fences = member_fences(X, labels, centroids)
    confidence = None
    if with_themes:
        themes, record = make_themes(X, labels, centroids, params["min_cluster_size"],
                                     theme_threshold, rng)
        if evidence is not None and evidence.resamples:
            seen = labels if evidence_rows is None else labels[evidence_rows]
            confidence = evidence.confidence(seen, themes)
    else:
        themes, record = np.zeros(k, dtype=np.intp), {"theme_threshold": None}
    params.update(record)
    if confidence is not None:
        params["confidence"] = confidence.to_dict()
    params.update(
        theme_scores=[],
        n_groups=k,
        n_themes=int(themes.max()) + 1,
        noise_share=float(np.mean(labels < 0)),
    )
    return Clustering(labels, probabilities, themes, params, centroids, fences,
                      confidence=confidence)


def _empty(n: int, params: dict, dim: int = 0) -> Clustering:
    params.setdefault("n_groups", 0)
    params.setdefault("n_themes", 0)
    params.setdefault("noise_share", 1.0 if n else 0.0)
    return Clustering(
        np.full(n, -1, dtype=np.intp), np.zeros(n), np.zeros(0, dtype=np.intp), params,
        np.zeros((0, dim), dtype=np.float32), np.zeros(0),
    )
