"""Cluster post embeddings into interest groups, and groups into themes.

The stage takes the (normalised) sentence embeddings of every post and returns a
:class:`Clustering`: one group label per post (``-1`` means noise: a post that belongs to no
group), a membership strength per post, and a theme per group (groups that one channel or feed
can serve together).

Method
------
Nothing is told the number of groups; every scale-dependent choice comes from the data.

1. **Reduce.** Rows are L2-normalised (cosine geometry) and projected to ``n_components``
   (default 50) principal components, from the eigendecomposition of the ``d x d`` covariance of
   at most 20,000 rows (exact, no randomness), then re-normalised.
2. **Over-partition.** k-means splits the reduced posts into ``k0 = 3 * sqrt(n)``
   micro-clusters (capped at 2,000): far more, far smaller pieces than any real group, so that a
   micro-cluster rarely straddles two groups. Done three times with different seeds (drawn from
   ``random_state``). Above 100,000 rows mini-batch k-means is used, so the cost stays linear.
3. **Merge.** Each partition's micro-cluster centroids (in the full embedding space) are
   joined by average-linkage agglomerative clustering on cosine distance: a cut at height ``t``
   keeps together groups whose posts are, on average, more similar than ``1 - t``.
4. **Choose the cut.** Cuts into ``k0, 0.9 k0, 0.81 k0, ... 2`` groups are scored by the mean
   cosine silhouette of a fixed systematic sample of at most 3,000 posts (posts that would be
   dissolved as too-small groups score 0), averaged over the three partitions. The chosen number
   of groups follows the one-standard-error rule (Breiman et al., 1984): the fewest groups whose
   silhouette is within one standard error of the best. Text embeddings give flat silhouette
   curves near the top; the rule picks the parsimonious end of the plateau, which is also the
   answer to "how few feeds cover the audience". Each partition is cut there, groups smaller
   than ``min_cluster_size`` are dissolved, and the groups are refined by spherical k-means
   (Lloyd) steps in the full space from their own centroids; the partition that agrees most
   with the others (ARI) is kept. ``merge_threshold`` (a cosine distance) overrides the choice.
5. **Noise.** Each group's members' cosine similarities to its centroid define the group's own
   lower fence (Tukey: first quartile minus 1.5 interquartile ranges). A post below its group's
   fence is noise; with ``assign_noise`` a noise post joins the most similar group whose fence it
   clears, so posts that belong to a group are kept and true outliers stay ``-1``. Groups that
   fall below ``min_cluster_size`` are dissolved.
6. **Themes.** Group centroids are joined by average linkage (cosine) again and cut by the same
   silhouette rule, with at most half as many themes as groups. ``theme_threshold`` (a cosine
   distance) overrides the choice.

Why not HDBSCAN directly: on PCA-reduced sentence embeddings of intent data HDBSCAN leaves
47-70 % of posts as noise and its groups match labels poorly (ARI < 0.06 on hwu64, noise
counted as a group); density in 20-50 dimensions is too flat for it. Silhouette-chosen
agglomeration of k-means micro-clusters reaches oracle-k k-means quality without k.

Large corpora (10^5 to 10^6 rows): memory is ``O(n d)`` plus ``O(k0^2)`` for the dendrogram
(``k0 <= 2000``) and a fixed 3,000 x 3,000 sample distance matrix; PCA fitting and the
silhouette run on fixed-size samples; refinement and noise assignment are ``O(n k d)`` matrix
products. Nothing builds an ``n x n`` matrix.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import check_random_state

from nichefinder.exceptions import InputError, MissingDependencyError

__all__ = ["Clustering", "cluster_embeddings"]

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
_N_PARTITIONS = 3


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
    """

    labels: np.ndarray
    probabilities: np.ndarray
    themes: np.ndarray
    parameters: dict = field(default_factory=dict)

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
    random_state=None,
    show_progress: bool = False,
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
    random_state : int, RandomState instance or None
        Seed for the k-means partitions and the PCA fitting sample; the same seed and input
        give the same result.
    show_progress : bool, default False
        Log each step at INFO level (the library never configures handlers).

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
    zero = ~X.any(axis=1)
    if zero.any():
        # a zero vector has no direction: cluster the other rows, the zero rows are noise
        inner = cluster_embeddings(
            X[~zero], min_cluster_size=min_cluster_size, min_samples=min_samples,
            n_components=n_components, merge_threshold=merge_threshold,
            theme_threshold=theme_threshold, assign_noise=assign_noise,
            random_state=random_state, show_progress=show_progress,
        )
        labels = np.full(X.shape[0], -1, dtype=inner.labels.dtype)
        labels[~zero] = inner.labels
        probabilities = np.zeros(X.shape[0])
        probabilities[~zero] = inner.probabilities
        params = dict(inner.parameters, n_rows=int(X.shape[0]), n_zero_rows=int(zero.sum()),
                      noise_share=float(np.mean(labels < 0)))
        return Clustering(labels, probabilities, inner.themes, params)
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
    if n < 2 * min_cluster_size or n < 3:
        say("only %d rows for min_cluster_size=%d: every row is noise", n, min_cluster_size)
        params.update(n_components=None, n_micro=0, merge_threshold=None, theme_threshold=None)
        return _empty(n, params)

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
        ks = _ladder(min(int(run[1].sum()) for run in runs))
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
            # each partition cut into k_best groups and refined; keep the medoid partition
            # (highest mean agreement with the others), so that seeds agree with each other
            candidates = []
            for (micro, keep, tree), curve in zip(runs, curves, strict=True):
                cut_r = curve[k_best][0]
                labels_r = _dissolve_small(_cut_micro(tree, cut_r, keep, micro), min_cluster_size)
                candidates.append((cut_r, _refine(X, labels_r)))
            at = _medoid([c[1] for c in candidates])
            cut, labels = candidates[at]
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
    labels = _refine(X, labels)  # no-op when already refined above
    labels, similarity, fences = _apply_fences(X, labels, assign_noise)
    labels = _dissolve_small(labels, min_cluster_size)
    labels = _number_by_size(labels)
    say("%d groups, %.1f%% noise", int(labels.max()) + 1, 100 * np.mean(labels < 0))
    # 6. themes
    return _finish(X, labels, params, sample, distances, theme_threshold)


def _finish(X, labels, params, sample, distances, theme_threshold) -> Clustering:
    """Membership strengths, themes and the parameters record of numbered groups."""
    k = int(labels.max(initial=-1)) + 1
    if k == 0:
        params.update(theme_threshold=None, n_groups=0, n_themes=0, noise_share=1.0)
        return _empty(X.shape[0], params)
    centroids = _centroids(X, labels, k)
    probabilities = _membership(X, labels, centroids)
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
    return Clustering(labels, probabilities, themes, params)


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


def _empty(n: int, params: dict) -> Clustering:
    params.setdefault("n_groups", 0)
    params.setdefault("n_themes", 0)
    params.setdefault("noise_share", 1.0 if n else 0.0)
    return Clustering(
        np.full(n, -1, dtype=np.intp), np.zeros(n), np.zeros(0, dtype=np.intp), params
    )
