"""Cluster post embeddings into interest groups, and groups into themes.

The stage takes the (normalised) sentence embeddings of every post and returns a
:class:`Clustering`: one group label per post (``-1`` means noise: a post that belongs to no
group), a membership strength per post, and a theme per group (groups that one channel or feed
can serve together).

Method
------
Nothing is told the number of groups; every scale-dependent choice comes from the data.

0. **Centre, when the posts sit in a narrow cone.** Rows are L2-normalised. When the mean
   cosine between posts (the squared length of their mean vector) is above
   :data:`CONE_COSINE` (0.25), they share one dominant direction: static word-vector models
   of one-domain text do this (0.41 on banking77 with the ``fast`` backend, where clustering
   otherwise finds 2 groups), contextual models rarely (0.08-0.22 on the shared datasets).
   Then the mean is subtracted and the rows normalised again, so that cosine similarity
   separates topics rather than measuring that shared direction (``center="auto"``; ``True``
   or ``False`` forces it). The mean is kept as :attr:`Clustering.center`, and
   :func:`assign_groups` takes it to place new posts the same way.
1. **Reduce.** Rows are L2-normalised (cosine geometry) and projected to ``n_components``
   (default 50) principal components, from the eigendecomposition of the ``d x d`` covariance of
   at most 20,000 rows (exact, no randomness), then re-normalised.
2. **Over-partition.** k-means splits the reduced posts into ``k0 = 3 * sqrt(n)``
   micro-clusters (capped at 2,000): far more, far smaller pieces than any real group, so that a
   micro-cluster rarely straddles two groups. Done five times with different seeds (drawn from
   ``random_state``). Above 100,000 rows mini-batch k-means is used, so the cost stays linear.
3. **Merge.** Each partition's micro-cluster centroids (in the full embedding space) are
   joined by average-linkage agglomerative clustering on cosine distance: a cut at height ``t``
   keeps together groups whose posts are, on average, more similar than ``1 - t``.
4. **Choose the cut.** Cuts into ``k0, 0.9 k0, 0.81 k0, ... 2`` groups (the same ladder for
   every partition and seed) are scored by the mean
   cosine silhouette of a fixed systematic sample of at most 3,000 posts (posts that would be
   dissolved as too-small groups score 0), averaged over the five partitions. The chosen number
   of groups follows the one-standard-error rule (Breiman et al., 1984): the fewest groups whose
   silhouette is within one standard error of the best. Text embeddings give flat silhouette
   curves near the top; the rule picks the parsimonious end of the plateau, which is also the
   answer to "how few feeds cover the audience". Each partition is cut there, groups smaller
   than ``min_cluster_size`` are dissolved, and the groups are refined by spherical k-means
   (Lloyd) steps in the full space from their own centroids. The five partitions are then
   combined by voting: the partition that agrees most with the others (ARI) is the reference,
   every other partition's groups are matched to its groups one-to-one (Hungarian matching of
   the overlap table), each post takes the group most partitions give it (the reference
   breaks ties), and the consensus is refined again. One k-means partition is a local optimum;
   the vote keeps what the partitions agree on, so two seeds give nearly the same groups.
   ``merge_threshold`` (a cosine distance) overrides the choice.
5. **Noise.** Each group's members' cosine similarities to its centroid define the group's own
   lower fence (Tukey: first quartile minus 1.5 interquartile ranges). A post below its group's
   fence is noise; with ``assign_noise`` a noise post joins the most similar group whose fence it
   clears, so posts that belong to a group are kept and true outliers stay ``-1``. Groups that
   fall below ``min_cluster_size`` are dissolved.
6. **Themes.** Groups whose posts are mistaken for each other belong together: each member
   post votes for its runner-up group (the second most similar centroid), the symmetric vote
   counts weight a graph of the groups, and its modularity communities (Louvain, resolution 1,
   fixed seed) are the themes. No count is imposed; a group no post confuses with another is a
   theme of its own. (The silhouette rule of step 4 does not work here: post silhouettes of
   theme labels grow as themes get finer, so it always picked its cap.) ``theme_threshold``
   (a cosine distance) instead cuts an average-linkage tree of the group centroids.

Why not HDBSCAN directly: on PCA-reduced sentence embeddings of intent data HDBSCAN leaves
47-70 % of posts as noise and its groups match labels poorly (ARI < 0.06 on hwu64, noise
counted as a group); density in 20-50 dimensions is too flat for it. Silhouette-chosen
agglomeration of k-means micro-clusters reaches oracle-k k-means quality without k.

Large corpora (10^5 to 10^6 rows and beyond): above ``sample_size`` rows (default
:data:`SAMPLE_SIZE`, 30,000) steps 1-5 run on a seeded uniform sample of that size, with
``min_cluster_size`` scaled by the sampling fraction, and every row is then placed by
:func:`assign_groups` (nearest centroid, the same fences), in chunks; step 6 and the fences run
on all rows. A group of ``min_cluster_size`` posts still has ``min_cluster_size * 30,000 / n``
members in the sample. The cost is that of a 30,000-row clustering plus ``O(n k d)`` for the
assignment, so time grows linearly beyond the sample; memory is ``O(n d)`` plus fixed-size
samples (PCA fit, 3,000 x 3,000 silhouette distances, ``k0 <= 2000`` dendrogram). Nothing
builds an ``n x n`` matrix.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import check_random_state

from nichefinder.exceptions import InputError, MissingDependencyError

__all__ = ["Clustering", "assign_groups", "cluster_embeddings"]

logger = logging.getLogger(__name__)

#: Standard errors of silhouette loss accepted to choose a coarser partition (1-SE rule).
SELECTION_SE = 1.0
#: Tukey's fence multiplier for the lower outlier fence of member similarities.
FENCE_IQR = 1.5
_PCA_SAMPLE = 20_000
_SILHOUETTE_SAMPLE = 3_000
_MAX_MICRO = 2_000
_LADDER_RATIO = 0.9
_REFINE_ITER = 10
_FULL_KMEANS_ROWS = 100_000
_N_PARTITIONS = 5
#: Mean cosine between posts above which they are centred before clustering (step 0).
CONE_COSINE = 0.25
#: Above this many rows, a seeded sample of this size is clustered and every row is assigned.
SAMPLE_SIZE = 30_000
_ASSIGN_CHUNK = 65_536


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
        Each group's lower fence of member similarity to its centroid (module docstring,
        step 5): a post less similar than this is not a member.
    center : ndarray of float32, shape (d,), or None
        Mean embedding subtracted before clustering (module docstring, step 0); centroids and
        fences live in that centred space, so pass it to :func:`assign_groups`. ``None``
        when the rows were not centred.
    """

    labels: np.ndarray
    probabilities: np.ndarray
    themes: np.ndarray
    parameters: dict = field(default_factory=dict)
    centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    fences: np.ndarray = field(default_factory=lambda: np.zeros(0))
    center: np.ndarray | None = None

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
    method: str = "agglomerative",
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
        Smallest micro-cluster (step 2) that enters the merge tree; posts of smaller ones go
        to the nearest group in the refinement, or to noise. Default
        ``max(2, min_cluster_size // 5)``.
    n_components : int, optional
        PCA dimensions for the over-partition. Default ``min(50, d, n - 1)``.
    merge_threshold : float, optional
        Average-linkage cosine distance at which micro-clusters are cut into groups.
        Default: chosen by the one-standard-error silhouette rule (module docstring).
    theme_threshold : float, optional
        Average-linkage cosine distance at which groups are cut into themes. Default: chosen
        by the same rule.
    assign_noise : bool, default True
        Give a noise post to the most similar group when it clears that group's own fence.
    method : {"agglomerative", "hdbscan"}, default "agglomerative"
        ``"agglomerative"`` is the method above. ``"hdbscan"`` runs plain HDBSCAN
        (``min_cluster_size``, ``min_samples``) on the same reduced embeddings, then the same
        noise fences, numbering and themes; on intent data it leaves far more noise and matches
        labels worse (see the module docstring and ``benchmarks/README.md``), but it is there for
        those who want density clustering. It is never chosen silently.
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
        Subtract the mean embedding (then re-normalise) before clustering (module docstring,
        step 0): ``"auto"`` when the mean cosine between posts exceeds :data:`CONE_COSINE`.
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
    X = _validate(embeddings)
    if center not in ("auto", True, False):
        raise InputError(f"center={center!r}; use 'auto', True or False")
    mean = None
    cone = _mean_cosine(X)
    if center is True or (center == "auto" and cone > CONE_COSINE):
        mean, X = _centre(X)
    result = _cluster(
        X, min_cluster_size=min_cluster_size, min_samples=min_samples,
        n_components=n_components, merge_threshold=merge_threshold,
        theme_threshold=theme_threshold, assign_noise=assign_noise, method=method,
        sample_size=sample_size, random_state=random_state, show_progress=show_progress,
        assign=assign,
    )
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
    out[live] = _normalise(X[live] - mean)
    return mean, out


def _cluster(X, *, min_cluster_size=None, min_samples=None, n_components=None,
             merge_threshold=None, theme_threshold=None, assign_noise=True,
             method="agglomerative", sample_size=None, random_state=None,
             show_progress=False, assign=None) -> Clustering:
    """:func:`cluster_embeddings` on validated (and centred) rows."""
    zero = ~X.any(axis=1)
    if zero.any():
        # a zero vector has no direction: cluster the other rows, the zero rows are noise
        inner = _cluster(
            X[~zero], min_cluster_size=min_cluster_size, min_samples=min_samples,
            n_components=n_components, merge_threshold=merge_threshold,
            theme_threshold=theme_threshold, assign_noise=assign_noise, method=method,
            sample_size=sample_size, random_state=random_state, show_progress=show_progress,
            assign=assign,
        )
        labels = np.full(X.shape[0], -1, dtype=inner.labels.dtype)
        labels[~zero] = inner.labels
        probabilities = np.zeros(X.shape[0])
        probabilities[~zero] = inner.probabilities
        params = dict(inner.parameters, n_rows=int(X.shape[0]), n_zero_rows=int(zero.sum()),
                      noise_share=float(np.mean(labels < 0)))
        return Clustering(
            labels, probabilities, inner.themes, params, inner.centroids, inner.fences
        )
    n, dim = X.shape
    rng = check_random_state(random_state)
    say = logger.info if show_progress else logger.debug

    if min_cluster_size is None:
        min_cluster_size = max(5, round(math.sqrt(n) / 4))
    if min_samples is None:
        min_samples = max(2, min_cluster_size // 5)
    _check_int("min_cluster_size", min_cluster_size, 2)
    _check_int("min_samples", min_samples, 1)
    for name, value in (("merge_threshold", merge_threshold), ("theme_threshold", theme_threshold)):
        if value is not None and not (0.0 <= value <= 2.0):
            raise InputError(
                f"{name}={value!r} is not a cosine distance; give a value between 0 and 2"
            )

    params: dict = {
        "n_rows": int(n),
        "min_cluster_size": int(min_cluster_size),
        "min_samples": int(min_samples),
        "assign_noise": bool(assign_noise),
        "method": method,
        "selection_se": SELECTION_SE,
        "fence_iqr": FENCE_IQR,
    }
    if sample_size is None:
        sample_size = SAMPLE_SIZE
    _check_int("sample_size", sample_size, 2)
    if n > sample_size:
        return _sample_and_assign(
            X, sample_size, rng, say, assign or assign_groups, min_cluster_size=min_cluster_size,
            min_samples=min_samples, n_components=n_components, merge_threshold=merge_threshold,
            theme_threshold=theme_threshold, assign_noise=assign_noise, method=method,
        )
    if n < 2 * min_cluster_size or n < 3:
        say("only %d rows for min_cluster_size=%d: every row is noise", n, min_cluster_size)
        params.update(n_components=None, n_micro=0, merge_threshold=None, theme_threshold=None)
        return _empty(n, params, dim)

    # 1. reduce
    if n_components is None:
        n_components = min(50, dim, n - 1)
    _check_int("n_components", n_components, 1)
    n_components = min(n_components, dim, n - 1)
    fit_rows = rng.choice(n, _PCA_SAMPLE, replace=False) if n > _PCA_SAMPLE else slice(None)
    projected, explained = _project(X, fit_rows, n_components)
    Z = _normalise(projected)
    say("PCA to %d dimensions keeps %.0f%% of the variance", n_components, 100 * explained)

    if method == "hdbscan":
        return _hdbscan(X, Z, params, min_cluster_size, min_samples, assign_noise, say)
    if method != "agglomerative":
        raise InputError(f"unknown clustering method {method!r}; use 'agglomerative' or 'hdbscan'")
    # 2. over-partition, several times
    n_micro = int(min(_MAX_MICRO, max(2, 3 * math.sqrt(n)), n // 2))
    runs = [_over_partition(X, Z, n_micro, min_samples, rng) for _ in range(_N_PARTITIONS)]
    say("%d x %d micro-clusters", _N_PARTITIONS, n_micro)

    # 3./4. merge micro-clusters and choose the cut
    # a systematic sample (every n/3000-th row) scores the cuts: the same rows for every
    # random_state, so two seeds are judged on the same posts
    sample = np.unique(np.linspace(0, n - 1, min(n, _SILHOUETTE_SAMPLE)).round().astype(np.intp))
    distances = _cosine_distances(X[sample])
    runs = [run for run in runs if run[2] is not None]
    scores: list = []
    if not runs:
        cut, labels = None, np.zeros(n, dtype=np.intp)
    elif merge_threshold is not None:
        micro, keep, tree = runs[0]
        cut = float(merge_threshold)
        labels = _cut_micro(tree, cut, keep, micro)
    else:
        # one ladder from n_micro for every partition and seed, so that seeds choose among
        # the same numbers of groups
        top = min(int(run[1].sum()) for run in runs)
        ks = [k for k in _ladder(n_micro) if k <= top]
        curves = []
        for micro, keep, tree in runs:
            curves.append(_score_ladder(
                tree, distances,
                lambda g, keep=keep, micro=micro: _drop_small(
                    _expand(g, keep, micro), min_cluster_size)[sample],
                ks,
            ))
        common = [k for k in ks if all(k in curve for curve in curves)]
        if common:
            mean_curve = {k: np.mean([curve[k][1] for curve in curves], axis=0) for k in common}
            k_best = _select(mean_curve)
            # each partition cut into k_best groups and refined, then combined by a vote
            # aligned to the medoid partition (highest mean agreement with the others)
            candidates = []
            for (micro, keep, tree), curve in zip(runs, curves, strict=True):
                cut_r = curve[k_best][0]
                labels_r = _dissolve_small(_cut_micro(tree, cut_r, keep, micro), min_cluster_size)
                candidates.append((cut_r, _refine(X, labels_r)))
            at = _medoid([c[1] for c in candidates])
            cut = candidates[at][0]
            labels = _vote([c[1] for c in candidates], at)
            labels = _refine(X, _dissolve_small(labels, min_cluster_size))
            scores = [{"k": int(k), "silhouette": round(float(v.mean()), 6)}
                      for k, v in mean_curve.items()]
        else:
            cut, labels = None, np.zeros(n, dtype=np.intp)
    params.update(
        n_components=int(n_components),
        n_micro=n_micro,
        n_partitions=_N_PARTITIONS,
        merge_threshold=None if cut is None else float(cut),
        merge_scores=scores,
    )
    say("cut at cosine distance %s gives %d groups", cut, labels.max() + 1)

    # 5. refine and noise
    labels = _dissolve_small(labels, min_cluster_size)
    labels = _refine(X, labels)  # no-op when already refined above (converged)
    labels, similarity, fences = _apply_fences(X, labels, assign_noise)
    labels = _dissolve_small(labels, min_cluster_size)
    labels = _number_by_size(labels)
    say("%d groups, %.1f%% noise", int(labels.max()) + 1, 100 * np.mean(labels < 0))
    # 6. themes
    return _finish(X, labels, params, sample, distances, theme_threshold)


def _sample_and_assign(X, sample_size, rng, say, assign, *, min_cluster_size, min_samples,
                       theme_threshold, assign_noise, **options) -> Clustering:
    """Cluster a seeded sample of the rows, assign every row, then the themes on all rows."""
    n = X.shape[0]
    rows = np.sort(rng.choice(n, sample_size, replace=False))
    fraction = sample_size / n
    inner_size = max(5, round(min_cluster_size * fraction))
    say("clustering a sample of %d of %d rows (min_cluster_size %d)", sample_size, n, inner_size)
    fitted = _cluster(
        X[rows], min_cluster_size=inner_size,
        min_samples=max(2, min(min_samples, inner_size // 5)), theme_threshold=theme_threshold,
        assign_noise=assign_noise, sample_size=sample_size, random_state=rng, **options,
    )
    labels, _ = assign(X, fitted.centroids, fitted.fences, assign_noise=assign_noise)
    labels = _number_by_size(_dissolve_small(np.asarray(labels, dtype=np.intp), min_cluster_size))
    params = dict(
        fitted.parameters, n_rows=int(n), sample_size=int(sample_size),
        sample_min_cluster_size=int(inner_size), min_cluster_size=int(min_cluster_size),
    )
    say("assigned %d rows to %d groups", n, int(labels.max(initial=-1)) + 1)
    sample = np.unique(np.linspace(0, n - 1, min(n, _SILHOUETTE_SAMPLE)).round().astype(np.intp))
    return _finish(X, labels, params, sample, _cosine_distances(X[sample]), theme_threshold)


def _finish(X, labels, params, sample, distances, theme_threshold) -> Clustering:
    """Membership strengths, themes and the parameters record of numbered groups."""
    k = int(labels.max(initial=-1)) + 1
    if k == 0:
        params.update(theme_threshold=None, n_groups=0, n_themes=0, noise_share=1.0)
        return _empty(X.shape[0], params, X.shape[1])
    centroids = _centroids(X, labels, k)
    probabilities = _membership(X, labels, centroids)
    fences = _member_fences(X, labels, centroids)
    if theme_threshold is None:
        themes, theme_cut, theme_scores = _confusion_themes(X, labels, centroids), None, []
    else:
        themes, theme_cut, theme_scores = _themes(
            labels, centroids, sample, distances, theme_threshold
        )
    params.update(
        theme_threshold=None if theme_cut is None else float(theme_cut),
        theme_scores=theme_scores,
        n_groups=k,
        n_themes=int(themes.max()) + 1,
        noise_share=float(np.mean(labels < 0)),
    )
    return Clustering(labels, probabilities, themes, params, centroids, fences)


def assign_groups(embeddings, centroids, fences, *, assign_noise: bool = True, center=None):
    """Place posts in existing groups by their embeddings, without clustering again.

    A post goes to its most similar centroid when it clears that group's fence. Otherwise,
    with ``assign_noise``, it goes to the group it clears by the widest margin, and to noise
    (``-1``) when it clears none: the rule step 5 of the module docstring applies to noise.

    Parameters
    ----------
    embeddings : array-like of shape (n, d)
        Post embeddings from the same model as the centroids (normalised here).
    centroids : array-like of shape (k, d)
        Unit-length group centroids, e.g. :attr:`Clustering.centroids`.
    fences : array-like of shape (k,)
        Lower similarity fence of each group, e.g. :attr:`Clustering.fences`.
    assign_noise : bool, default True
    center : array-like of shape (d,), optional
        Mean embedding subtracted before clustering, :attr:`Clustering.center`: the posts are
        centred the same way (then re-normalised) before they are compared.

    Returns
    -------
    labels : ndarray of int, shape (n,)
        Group of each post, ``-1`` for noise.
    similarity : ndarray of float32, shape (n,)
        Cosine similarity to the assigned group's centroid (to the most similar one for
        noise).

    Examples
    --------
    >>> import numpy as np
    >>> centroids = np.eye(2, dtype=np.float32)
    >>> assign_groups([[0.9, 0.1], [0.1, 0.9], [-1.0, 0.0]], centroids, [0.5, 0.5])[0]
    array([ 0,  1, -1])
    """
    X = _validate(embeddings)
    if center is not None:
        live = X.any(axis=1)  # zero rows stay zero (noise)
        X[live] = _normalise(X[live] - np.asarray(center, dtype=np.float32))
    C = np.asarray(centroids, dtype=np.float32)
    fences = np.asarray(fences, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != fences.shape[0] or (C.size and C.shape[1] != X.shape[1]):
        raise InputError(
            f"centroids {C.shape} and fences {fences.shape} do not fit embeddings {X.shape}: "
            "use the same embedding model as the plan"
        )
    labels = np.full(X.shape[0], -1, dtype=np.intp)
    similarity = np.zeros(X.shape[0], dtype=np.float32)
    if C.shape[0] == 0:
        return labels, similarity
    for start in range(0, X.shape[0], _ASSIGN_CHUNK):
        rows = slice(start, start + _ASSIGN_CHUNK)
        sims = X[rows] @ C.T
        nearest = sims.argmax(axis=1)
        best = sims[np.arange(nearest.size), nearest]
        chunk = np.where(best >= fences[nearest], nearest, -1)
        if assign_noise:
            margin = sims - fences[None, :]
            widest = margin.argmax(axis=1)
            fits = margin[np.arange(widest.size), widest] >= 0
            fix = (chunk < 0) & fits
            chunk[fix] = widest[fix]
        labels[rows] = chunk
        got = np.maximum(chunk, 0)
        similarity[rows] = np.where(chunk >= 0, sims[np.arange(got.size), got], best)
    return labels, similarity


# -- validation ------------------------------------------------------------------------


def _validate(embeddings) -> np.ndarray:
    try:
        X = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise InputError(f"embeddings must be a numeric 2-D array; got {type(embeddings).__name__}"
                         f" that numpy cannot convert ({exc})") from None
    if X.ndim != 2:
        raise InputError(
            f"embeddings must be 2-D (one row per post); got shape {X.shape}; "
            "reshape a single vector with X.reshape(1, -1)"
        )
    if X.shape[1] == 0:
        raise InputError(f"embeddings have shape {X.shape}: no dimensions to cluster on")
    finite = np.isfinite(X).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise InputError(
            f"embeddings hold NaN or infinite values in {bad.size} row(s), first row "
            f"{bad[0]}; drop or re-embed those posts"
        )
    norms = np.linalg.norm(X, axis=1)
    if X.shape[0] and (norms == 0).all():
        raise InputError(
            f"every one of the {X.shape[0]} embedding rows is all zeros: a zero vector has no "
            "direction; check the embedder"
        )
    norms[norms == 0] = 1.0  # all-zero rows stay zero and end as noise
    return X / norms[:, None] if X.shape[0] else X


def _check_int(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}; got {value!r}")


# -- helpers ---------------------------------------------------------------------------


def _normalise(Z: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return Z / norms


def _centroids(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Normalised mean of each label's rows (labels < 0 ignored)."""
    mask = labels >= 0
    rows = np.flatnonzero(mask)
    onehot = sparse.csr_matrix(
        (np.ones(rows.size, dtype=X.dtype), (labels[mask], rows)), shape=(k, X.shape[0])
    )
    return _normalise(np.asarray(onehot @ X, dtype=np.float64)).astype(np.float32)


def _project(X: np.ndarray, fit_rows, n_components: int) -> np.ndarray:
    """PCA by eigendecomposition of the d x d covariance (exact, no randomness, O(n d^2))."""
    fit = X[fit_rows].astype(np.float64)
    mean = fit.mean(axis=0)
    fit -= mean
    values, vectors = np.linalg.eigh(fit.T @ fit)
    order = np.argsort(values)[::-1][:n_components]
    components = vectors[:, order]
    explained = float(values[order].sum() / max(values.sum(), 1e-12))
    return (X - mean.astype(X.dtype)) @ components.astype(X.dtype), explained


def _expand(micro_group: np.ndarray, keep: np.ndarray, micro: np.ndarray) -> np.ndarray:
    full = np.full(keep.shape[0], -1)
    full[keep] = micro_group
    return full[micro]


def _drop_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Labels with groups smaller than ``min_size`` set to -1 (numbers unchanged)."""
    sizes = np.bincount(labels[labels >= 0])
    out = labels.copy()
    out[(labels >= 0) & (sizes[np.maximum(labels, 0)] < min_size)] = -1
    return out


def _ladder(max_k: int) -> list[int]:
    ks, k = [], max_k
    while k >= 2:
        ks.append(k)
        k = min(k - 1, int(k * _LADDER_RATIO))
    return ks


def _over_partition(X, Z, n_micro, min_samples, rng):
    """k-means micro-clusters of reduced rows; average-linkage tree of their centroids."""
    if Z.shape[0] <= _FULL_KMEANS_ROWS:
        # k-means++ seeding on a subsample (8 rows per centre) is as good and much cheaper
        n_seed = min(Z.shape[0], 8 * n_micro)
        seed_rows = rng.choice(Z.shape[0], n_seed, replace=False)
        init, _ = kmeans_plusplus(Z[seed_rows], n_micro, random_state=rng)
        kmeans = KMeans(n_micro, init=init, n_init=1, random_state=rng).fit(Z)
    else:
        kmeans = MiniBatchKMeans(
            n_micro, random_state=rng, n_init=1, batch_size=4096, max_no_improvement=20
        ).fit(Z)
    micro = kmeans.labels_
    keep = np.bincount(micro, minlength=n_micro) >= min_samples
    if keep.sum() < 2:
        return micro, keep, None
    centroids = _centroids(X, micro, n_micro)[keep]
    return micro, keep, linkage(centroids, method="average", metric="cosine")


def _cut_micro(tree, cut, keep, micro):
    micro_group = np.full(keep.shape[0], -1)
    micro_group[keep] = fcluster(tree, cut, "distance") - 1
    return micro_group[micro]


def _cosine_distances(sample_X):
    distances = np.clip(1.0 - sample_X @ sample_X.T, 0.0, 2.0).astype(np.float32)
    np.fill_diagonal(distances, 0.0)
    return distances


def _cut_for(heights, k):
    """Height that cuts an average-linkage tree (monotone heights) into k clusters."""
    last = len(heights) - k  # index of the last merge kept
    if last >= len(heights) - 1 or last < -1:
        return None
    low = float(heights[last]) if last >= 0 else 0.0
    return (low + float(heights[last + 1])) / 2


def _score_ladder(tree, distances, labels_of, ks):
    """Per-post silhouettes of the sample for each cut of ``tree`` into k groups, k in ks."""
    heights = tree[:, 2]
    scored = {}
    for k in ks:
        cut = _cut_for(heights, k)
        if cut is None:
            continue
        groups = fcluster(tree, cut, "distance") - 1
        sample_labels = labels_of(groups)
        mask = sample_labels >= 0
        n_found = len(np.unique(sample_labels[mask]))
        if n_found < 2 or mask.sum() <= n_found:
            continue
        # posts that would end as noise (too-small groups) count as silhouette 0, like
        # singletons in Rousseeuw's definition, so dissolving many posts is not rewarded
        scored[k] = (cut, _silhouette(distances, sample_labels))
    return scored


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-row silhouette (Rousseeuw 1987) from a square distance matrix, in O(m^2).

    Rows labelled -1 score 0 and are nobody's neighbours; so do members of singleton groups.
    Same values as ``sklearn.metrics.silhouette_samples(..., metric="precomputed")`` on the
    labelled rows, without its per-call validation and copies.
    """
    rows = np.flatnonzero(labels >= 0)
    block_labels, member_block = np.unique(labels[rows], return_inverse=True)
    onehot = sparse.csr_matrix(
        (np.ones(rows.size, dtype=distances.dtype), (member_block, rows)),
        shape=(block_labels.size, labels.size),
    )
    sums = np.asarray(onehot @ distances).T  # (m, groups): summed distance to each group
    counts = np.bincount(member_block, minlength=block_labels.size).astype(np.float64)
    values = np.zeros(labels.size)
    if rows.size == 0 or block_labels.size < 2:
        return values
    own = np.searchsorted(block_labels, labels[rows])
    own_count = counts[own]
    mean_to = sums[rows] / counts
    a = sums[rows, own] / np.maximum(own_count - 1, 1)
    mean_to[np.arange(rows.size), own] = np.inf
    b = mean_to.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (b - a) / np.maximum(a, b)
    s[(own_count <= 1) | ~np.isfinite(s)] = 0.0
    values[rows] = s
    return values


def _medoid(partitions: list) -> int:
    """Index of the partition with the highest mean ARI to the others (first on ties)."""
    if len(partitions) < 3:
        return 0
    agreement = np.zeros(len(partitions))
    for i in range(len(partitions)):
        for j in range(i + 1, len(partitions)):
            value = adjusted_rand_score(partitions[i], partitions[j])
            agreement[i] += value
            agreement[j] += value
    return int(np.argmax(agreement))


def _vote(partitions: list, ref: int) -> np.ndarray:
    """Consensus labels: each row's majority group after matching every partition to one.

    Every partition's groups are matched one-to-one to the groups of ``partitions[ref]``
    (Hungarian matching of the overlap table); a row takes the group most partitions give
    it, the reference partition breaking ties. Unmatched groups do not vote.
    """
    base = partitions[ref]
    k = int(base.max()) + 1
    n = base.shape[0]
    votes = np.zeros((n, k))
    rows = np.arange(n)
    for i, part in enumerate(partitions):
        kp = int(part.max()) + 1
        both = (base >= 0) & (part >= 0)
        overlap = sparse.csr_matrix(
            (np.ones(int(both.sum())), (part[both], base[both])), shape=(kp, k)
        ).toarray()
        matched_from, matched_to = linear_sum_assignment(-overlap)
        mapping = np.full(kp, -1)
        mapping[matched_from] = matched_to
        mapped = np.where(part >= 0, mapping[np.maximum(part, 0)], -1)
        hit = mapped >= 0
        votes[rows[hit], mapped[hit]] += 1.5 if i == ref else 1.0
    out = votes.argmax(axis=1)
    out[votes.max(axis=1) == 0] = -1
    return out


def _select(curve: dict) -> int:
    """One-standard-error rule (Breiman et al., 1984) over {k: per-post silhouettes}.

    The fewest groups whose mean silhouette is within one standard error (of the best cut's
    mean over the sample) of the best.
    """
    best = max(curve, key=lambda k: curve[k].mean())
    values = curve[best]
    se = values.std(ddof=1) / math.sqrt(values.size)
    floor = values.mean() - SELECTION_SE * se
    return min(k for k, v in curve.items() if v.mean() >= floor)


def _choose_cut(tree, distances, labels_of, threshold, *, max_k):
    """Cut height for a single dendrogram: given, or by the one-standard-error rule."""
    if threshold is not None:
        return float(threshold), []
    curve = _score_ladder(tree, distances, labels_of, _ladder(max_k))
    if not curve:
        return float(tree[:, 2].max()) + 1e-9, []
    k = _select({k: v for k, (_, v) in curve.items()})
    report = [{"k": int(k), "silhouette": round(float(v.mean()), 6)} for k, (_, v) in curve.items()]
    return curve[k][0], report


def _dissolve_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    labels = labels.copy()
    if labels.max(initial=-1) < 0:
        return labels
    sizes = np.bincount(labels[labels >= 0])
    small = np.flatnonzero(sizes < min_size)
    labels[np.isin(labels, small)] = -1
    # renumber compactly
    present = np.unique(labels[labels >= 0])
    remap = np.full(sizes.shape[0], -1)
    remap[present] = np.arange(present.size)
    labels[labels >= 0] = remap[labels[labels >= 0]]
    return labels


def _member_fences(X, labels, centroids) -> np.ndarray:
    """Tukey fence of each group's members' similarity to its centroid."""
    mask = labels >= 0
    own = np.full(X.shape[0], -np.inf)
    own[mask] = np.einsum("ij,ij->i", X[mask], centroids[labels[mask]])
    return _fences(own, labels, centroids.shape[0])


def _fences(sim_to_own: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    fences = np.empty(k, dtype=np.float64)
    for g in range(k):
        s = sim_to_own[labels == g]
        q1, q3 = np.percentile(s, [25, 75])
        fences[g] = q1 - FENCE_IQR * (q3 - q1)
    return fences


def _refine(X: np.ndarray, labels: np.ndarray, max_iter: int = _REFINE_ITER) -> np.ndarray:
    """Spherical k-means (Lloyd) steps from the merged groups, in the full space.

    Merging micro-clusters leaves boundaries where k-means on the reduced space drew them;
    a few steps with the groups' own centroids move each post to the group it is most
    similar to, and make runs with different seeds converge to the same partition.
    """
    k = int(labels.max()) + 1
    if k < 2:
        return labels
    current = labels
    for _ in range(max_iter):
        centroids = _centroids(X, current, k)
        nearest = np.asarray((X @ centroids.T).argmax(axis=1), dtype=labels.dtype)
        if np.array_equal(nearest, current):
            break
        moved = np.mean(nearest != current)
        current = nearest
        if moved < 1e-3:
            break
    return current


def _apply_fences(X, labels, assign_noise):
    k = int(labels.max()) + 1
    if k == 0:
        return labels, None, None
    centroids = _centroids(X, labels, k)
    sims = X @ centroids.T
    rows = np.arange(X.shape[0])
    own = np.where(labels >= 0, sims[rows, np.maximum(labels, 0)], -np.inf)
    fences = _fences(own, labels, k)
    out = labels.copy()
    out[(labels >= 0) & (own < fences[np.maximum(labels, 0)])] = -1
    if assign_noise:
        noise = np.flatnonzero(out < 0)
        if noise.size:
            margin = sims[noise] - fences[None, :]
            best = margin.argmax(axis=1)
            ok = margin[np.arange(noise.size), best] >= 0
            out[noise[ok]] = best[ok]
    return out, sims, fences


def _number_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber groups by size descending, ties by smallest row index."""
    if labels.max(initial=-1) < 0:
        return labels
    mask = labels >= 0
    sizes = np.bincount(labels[mask])
    first = np.full(sizes.shape[0], labels.shape[0])
    np.minimum.at(first, labels[mask], np.flatnonzero(mask))
    present = np.flatnonzero(sizes > 0)
    order = present[np.lexsort((first[present], -sizes[present]))]
    remap = np.full(sizes.shape[0], -1)
    remap[order] = np.arange(order.size)
    out = np.full_like(labels, -1)
    out[mask] = remap[labels[mask]]
    return out


def _membership(X, labels, centroids) -> np.ndarray:
    prob = np.zeros(X.shape[0], dtype=np.float64)
    mask = labels >= 0
    own = np.einsum("ij,ij->i", X[mask], centroids[labels[mask]])
    idx = np.flatnonzero(mask)
    for g in range(centroids.shape[0]):
        members = labels[mask] == g
        s = own[members]
        ranks = np.argsort(np.argsort(s, kind="stable"), kind="stable")
        prob[idx[members]] = (ranks + 1) / s.size
    return prob


def _themes(labels, centroids, sample, distances, threshold):
    k = centroids.shape[0]
    if k < 3:
        return np.zeros(k, dtype=np.intp), None, []
    tree = linkage(centroids, method="average", metric="cosine")
    sample_labels = labels[sample]

    def labels_of(groups):
        return np.where(sample_labels >= 0, groups[np.maximum(sample_labels, 0)], -1)

    cut, scores = _choose_cut(tree, distances, labels_of, threshold, max_k=max(2, k // 2))
    groups = fcluster(tree, cut, "distance") - 1
    # number themes by total size, ties by smallest row index
    group_theme_rows = np.where(labels >= 0, groups[np.maximum(labels, 0)], -1)
    renumbered = _number_by_size(group_theme_rows)
    themes = np.empty(k, dtype=np.intp)
    for g in range(k):
        themes[g] = renumbered[np.flatnonzero(labels == g)[0]]
    return themes, cut, scores


def _confusion_themes(X, labels, centroids) -> np.ndarray:
    """Themes: modularity communities (Louvain) of the groups' confusion graph (step 6)."""
    import networkx as nx

    k = centroids.shape[0]
    if k < 3:
        return np.zeros(k, dtype=np.intp)
    rows = np.flatnonzero(labels >= 0)
    weights = np.zeros((k, k))
    for start in range(0, rows.size, _ASSIGN_CHUNK):
        chunk = rows[start:start + _ASSIGN_CHUNK]
        own = labels[chunk]
        sims = X[chunk] @ centroids.T
        sims[np.arange(chunk.size), own] = -np.inf
        np.add.at(weights, (own, sims.argmax(axis=1)), 1.0)
    communities = nx.community.louvain_communities(
        nx.from_numpy_array(weights + weights.T), weight="weight", resolution=1.0, seed=0
    )
    groups = np.empty(k, dtype=np.intp)
    for c, members in enumerate(sorted(communities, key=min)):
        groups[sorted(members)] = c
    # number themes by total size, ties by smallest row index
    group_theme_rows = np.where(labels >= 0, groups[np.maximum(labels, 0)], -1)
    renumbered = _number_by_size(group_theme_rows)
    themes = np.empty(k, dtype=np.intp)
    for g in range(k):
        themes[g] = renumbered[np.flatnonzero(labels == g)[0]]
    return themes


def _hdbscan(X, Z, params, min_cluster_size, min_samples, assign_noise, say) -> Clustering:
    """Plain HDBSCAN on the reduced embeddings, then the same noise fences and themes."""
    try:
        import hdbscan
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "method='hdbscan' needs the hdbscan package; pip install hdbscan"
        ) from exc
    n = X.shape[0]
    model = hdbscan.HDBSCAN(
        min_cluster_size=int(min_cluster_size), min_samples=int(min_samples), core_dist_n_jobs=1
    ).fit(Z)
    labels = _number_by_size(np.asarray(model.labels_, dtype=np.intp))
    if labels.max(initial=-1) >= 0:
        labels, _, _ = _apply_fences(X, labels, assign_noise)
        labels = _number_by_size(_dissolve_small(labels, min_cluster_size))
    params.update(method="hdbscan", merge_threshold=None, n_micro=0)
    say("HDBSCAN: %d groups, %.1f%% noise", labels.max(initial=-1) + 1, 100 * np.mean(labels < 0))
    sample = np.unique(np.linspace(0, n - 1, min(n, _SILHOUETTE_SAMPLE)).round().astype(np.intp))
    return _finish(X, labels, params, sample, _cosine_distances(X[sample]), None)


def _empty(n: int, params: dict, dim: int = 0) -> Clustering:
    params.setdefault("n_groups", 0)
    params.setdefault("n_themes", 0)
    params.setdefault("noise_share", 1.0 if n else 0.0)
    return Clustering(
        np.full(n, -1, dtype=np.intp), np.zeros(n), np.zeros(0, dtype=np.intp), params,
        np.zeros((0, dim), dtype=np.float32), np.zeros(0),
    )
