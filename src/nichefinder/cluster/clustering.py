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
   micro-cluster rarely straddles two groups. Done twenty times, each from different random
   rows as centres (drawn from ``random_state``) with ten Lloyd steps: micro-clusters only
   need to be small and compact. Above 100,000 rows mini-batch k-means is used.
3. **Merge.** Each partition's micro-cluster centroids (in the full embedding space) are
   joined by average-linkage agglomerative clustering on cosine distance: a cut at height ``t``
   keeps together groups whose posts are, on average, more similar than ``1 - t``.
4. **Choose the number, then agree on the members.** Cuts into ``k0, 0.9 k0, 0.81 k0, ... 2``
   groups (the same ladder for every partition and seed) are scored by the mean cosine
   silhouette of a fixed systematic sample of at most 3,000 posts (posts that would be
   dissolved as too-small groups score 0), averaged over the twenty partitions. The chosen
   cut follows the one-standard-error rule (Breiman et al., 1984): the fewest groups whose
   silhouette is within one standard error of the best. Text embeddings give flat silhouette
   curves near the top; the rule picks the parsimonious end of the plateau, which is also the
   answer to "how few feeds cover the audience". Each partition is cut there, groups smaller
   than ``min_cluster_size`` are dissolved, and its groups are refined by spherical k-means
   (Lloyd) steps in the reduced space. One k-means partition is a local optimum, and two
   seeds' partitions of overlapping topics agree only at ARI 0.7-0.8; so the twenty are
   combined by evidence accumulation (Fred & Jain, 2005): posts that every partition treats
   alike form atoms, atoms are joined by average linkage on how often the partitions put
   them together, and that tree is cut as high as it can be while as many groups of
   ``min_cluster_size`` remain as the median partition has. The silhouette rule sets the
   number of groups, the partitions' agreement sets their members, and posts between two
   groups (put with one by half the partitions and with the other by the rest) go to the
   nearest group instead of forming a group of their own. Two seeds then agree at ARI
   0.92-0.97 on the shared datasets. ``merge_threshold`` (a cosine distance) overrides the
   choice: the first partition is cut there.
5. **Noise.** A group whose members are no more alike than any two posts of the input
   (mean pairwise cosine at most the corpus's) is not a topic and is dissolved. Each group's
   members' cosine similarities to its centroid define the group's own lower fence (Tukey:
   first quartile minus 1.5 interquartile ranges). A post below its group's fence is noise;
   with ``assign_noise`` a noise post joins the most similar group whose fence it clears, so
   posts that belong to a group are kept and true outliers stay ``-1``. Groups that fall
   below ``min_cluster_size`` are dissolved.
6. **Themes.** Groups whose posts are mistaken for each other belong together. The grouped
   posts are cut by k-means into :data:`THEME_PIECES` (100) pieces, whatever the number of
   groups (fewer when the corpus is small: pieces of at least ``min_cluster_size`` posts);
   each post votes for its runner-up piece (the second most similar centroid), and the
   symmetric vote counts weight a graph of the pieces, whose modularity communities
   (Louvain, resolution 1, fixed seed) are themes of pieces. A group takes the theme most of
   its posts' pieces have. Why pieces and not the groups themselves: modularity has a
   resolution limit (Fortunato & Barthelemy, 2007) that depends on the size of the graph, so
   communities of the groups follow the number of groups (set in step 4 by another rule):
   47 groups of hwu64 gave 8 themes for its 18 scenarios, 131 groups of clinc150 15 for its
   10 domains. On a graph of fixed size the theme scale is the same for every corpus: 13-16
   and 9-13 themes over seeds, and a topic cut into 26 or 70 groups still forms one theme.
   Groups that no post confuses with another (crisply distinct topics) stay themes of their
   own. ``theme_threshold`` (a cosine distance) instead cuts an average-linkage tree of the
   group centroids.

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
samples (PCA fit, 3,000 x 3,000 silhouette distances, ``k0 <= 2000`` dendrogram, at most
6,000 consensus atoms, theme pieces fitted on at most 30,000 rows). Nothing builds an
``n x n`` matrix.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.utils import check_random_state

from ..exceptions import InputError, MissingDependencyError

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
_N_PARTITIONS = 20
_MAX_ATOMS = 6_000
_MICRO_ITER = 10
#: Mean cosine between posts above which they are centred before clustering (step 0).
CONE_COSINE = 0.25
#: Pieces of the theme graph (step 6): one resolution for themes, whatever the number of groups.
THEME_PIECES = 100
_PIECE_FIT = 30_000
_PIECE_SEED_ROWS = 3_000
_PIECE_ITER = 20
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
        Average-linkage cosine distance at which group centroids are cut into themes.
        Default: themes are the communities of a confusion graph of :data:`THEME_PIECES`
        pieces of the grouped posts (module docstring, step 6).
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
             show_progress=False, assign=None, with_themes=True) -> Clustering:
    """:func:`cluster_embeddings` on validated (and centred) rows."""
    zero = ~X.any(axis=1)
    if zero.any():
        # a zero vector has no direction: cluster the other rows, the zero rows are noise
        inner = _cluster(
            X[~zero], min_cluster_size=min_cluster_size, min_samples=min_samples,
            n_components=n_components, merge_threshold=merge_threshold,
            theme_threshold=theme_threshold, assign_noise=assign_noise, method=method,
            sample_size=sample_size, random_state=random_state, show_progress=show_progress,
            assign=assign, with_themes=with_themes,
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
        labels = _hdbscan(X, Z, params, min_cluster_size, min_samples, assign_noise, say)
        return _finish(X, labels, params, None, rng, with_themes)
    if method != "agglomerative":
        raise InputError(f"unknown clustering method {method!r}; use 'agglomerative' or 'hdbscan'")
    # 2. over-partition, several times
    n_micro = int(min(_MAX_MICRO, max(2, 3 * math.sqrt(n)), n // 2))
    # (a given merge_threshold cuts the first partition only)
    n_runs = 1 if merge_threshold is not None else _N_PARTITIONS
    runs = [_over_partition(X, Z, n_micro, min_samples, rng) for _ in range(n_runs)]
    say("%d x %d micro-clusters", n_runs, n_micro)

    # 3./4. merge micro-clusters and choose the cut
    runs = [run for run in runs if run[2] is not None]
    scores: list = []
    n_atoms = None
    if not runs:
        cut, labels = None, np.zeros(n, dtype=np.intp)
    elif merge_threshold is not None:
        micro, keep, tree = runs[0]
        cut = float(merge_threshold)
        labels = _refine(X, _cut_micro(tree, cut, keep, micro))
    else:
        # one ladder from n_micro for every partition and seed, so that seeds choose among
        # the same numbers of groups; a systematic sample (every n/3000-th row) scores the
        # cuts: the same rows for every random_state, so two seeds are judged on the same posts
        sample = np.unique(
            np.linspace(0, n - 1, min(n, _SILHOUETTE_SAMPLE)).round().astype(np.intp)
        )
        distances = _cosine_distances(X[sample])
        top = min(int(run[1].sum()) for run in runs)
        ks = [k for k in _ladder(n_micro) if k <= top]
        curves = [
            _score_cuts(tree, distances, _leaf_of(micro, keep)[sample],
                        np.bincount(micro, minlength=keep.size)[keep].astype(np.float64),
                        ks, min_cluster_size)
            for micro, keep, tree in runs
        ]
        common = [k for k in ks if all(k in curve for curve in curves)]
        if common:
            mean_curve = {k: np.mean([curve[k][1] for curve in curves], axis=0) for k in common}
            k_best = _select(mean_curve)
            # every partition cut into k_best groups and refined; the consensus keeps
            # together the posts that most partitions put together
            candidates, cuts = [], []
            for micro, keep, tree in runs:
                cut_r = _cut_for(tree[:, 2], k_best)
                if cut_r is None:
                    continue
                cuts.append(cut_r)
                candidates.append(_refine(Z, _dissolve_small(
                    _cut_micro(tree, cut_r, keep, micro), min_cluster_size)))
            cut = float(np.median(cuts))
            target = int(np.median([
                np.count_nonzero(np.bincount(c[c >= 0]) >= min_cluster_size) for c in candidates
            ]))
            labels, n_atoms = _consensus(candidates, target, min_cluster_size)
            labels = _attach(X, _dissolve_small(labels, min_cluster_size))
            scores = [{"k": int(k), "silhouette": round(float(v.mean()), 6)}
                      for k, v in mean_curve.items()]
        else:
            cut, labels = None, np.zeros(n, dtype=np.intp)
    params.update(
        n_components=int(n_components),
        n_micro=n_micro,
        n_partitions=_N_PARTITIONS,
        n_atoms=n_atoms,
        merge_threshold=None if cut is None else float(cut),
        merge_scores=scores,
    )
    say("cut at cosine distance %s gives %d groups", cut, labels.max() + 1)

    # 5. noise
    labels = _drop_incoherent(X, _dissolve_small(labels, min_cluster_size))
    labels, similarity, fences = _apply_fences(X, labels, assign_noise)
    labels = _dissolve_small(labels, min_cluster_size)
    labels = _number_by_size(labels)
    say("%d groups, %.1f%% noise", int(labels.max()) + 1, 100 * np.mean(labels < 0))
    # 6. themes
    return _finish(X, labels, params, theme_threshold, rng, with_themes)


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
        assign_noise=assign_noise, sample_size=sample_size, random_state=rng, with_themes=False,
        **options,
    )
    labels, _ = assign(X, fitted.centroids, fitted.fences, assign_noise=assign_noise)
    labels = _number_by_size(_dissolve_small(np.asarray(labels, dtype=np.intp), min_cluster_size))
    params = dict(
        fitted.parameters, n_rows=int(n), sample_size=int(sample_size),
        sample_min_cluster_size=int(inner_size), min_cluster_size=int(min_cluster_size),
    )
    say("assigned %d rows to %d groups", n, int(labels.max(initial=-1)) + 1)
    return _finish(X, labels, params, theme_threshold, rng)


def _finish(X, labels, params, theme_threshold, rng, with_themes=True) -> Clustering:
    """Membership strengths, themes and the parameters record of numbered groups.

    ``with_themes=False`` (a sample whose rows are all assigned again) leaves every group in
    theme 0: the themes are made on all rows afterwards."""
    k = int(labels.max(initial=-1)) + 1
    if k == 0:
        params.update(theme_threshold=None, n_groups=0, n_themes=0, noise_share=1.0)
        return _empty(X.shape[0], params, X.shape[1])
    centroids = _centroids(X, labels, k)
    probabilities = _membership(X, labels, centroids)
    fences = _member_fences(X, labels, centroids)
    if not with_themes:
        themes, theme_cut = np.zeros(k, dtype=np.intp), None
    elif theme_threshold is None:
        themes, n_pieces = _confusion_themes(X, labels, params["min_cluster_size"], rng)
        theme_cut = None
        params["theme_pieces"] = n_pieces
    else:
        themes, theme_cut = _themes(labels, centroids, theme_threshold)
    params.update(
        theme_threshold=theme_cut,
        theme_scores=[],
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


def _group_sums(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Sum of each label's rows, as float64 (labels < 0 ignored)."""
    mask = labels >= 0
    rows = np.flatnonzero(mask)
    onehot = sparse.csr_matrix(
        (np.ones(rows.size, dtype=X.dtype), (labels[mask], rows)), shape=(k, X.shape[0])
    )
    return np.asarray(onehot @ X, dtype=np.float64)


def _centroids(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Normalised mean of each label's rows (labels < 0 ignored)."""
    return _normalise(_group_sums(X, labels, k)).astype(np.float32)


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


def _ladder(max_k: int) -> list[int]:
    ks, k = [], max_k
    while k >= 2:
        ks.append(k)
        k = min(k - 1, int(k * _LADDER_RATIO))
    return ks


def _over_partition(X, Z, n_micro, min_samples, rng):
    """k-means micro-clusters of reduced rows; average-linkage tree of their centroids."""
    if Z.shape[0] <= _FULL_KMEANS_ROWS:
        # micro-clusters only need to be small and compact: random rows as centres and a
        # few Lloyd steps; the consensus of many partitions absorbs their randomness
        init = Z[rng.choice(Z.shape[0], n_micro, replace=False)]
        kmeans = KMeans(n_micro, init=init, n_init=1, max_iter=_MICRO_ITER).fit(Z)
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


def _leaf_of(micro: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Leaf of the merge tree (kept micro-cluster) of each row, ``-1`` when not kept."""
    leaf = np.full(keep.size, -1, dtype=np.intp)
    leaf[keep] = np.arange(int(keep.sum()))
    return leaf[micro]


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


def _score_cuts(tree, distances, micro_sample, micro_sizes, ks, min_size):
    """Per-post silhouettes (Rousseeuw 1987) of the sample for each cut of a micro-cluster tree.

    Returns ``{k: (cut height, silhouettes)}``, in ``O(m k)`` per cut.

    ``ks`` (decreasing) cut the tree after ``n_leaves - k`` merges, so every cut coarsens
    the one before it: each sample post's summed distance to the sample members of every
    leaf (micro-cluster) is computed once (``k0 x m``) and each cut adds up the rows of the
    previous one. ``micro_sample`` is the leaf of each sample post (``-1`` when its
    micro-cluster is too small to enter the tree) and ``micro_sizes`` the number of posts
    (all rows, not only the sample) in each leaf: groups smaller than ``min_size`` are
    dropped (they end as noise). Rows labelled ``-1`` score 0 and are nobody's
    neighbours, like members of singleton groups; otherwise the values of
    ``sklearn.metrics.silhouette_samples(..., metric="precomputed")``.
    """
    n_leaves = tree.shape[0] + 1
    m = micro_sample.shape[0]
    valid = np.flatnonzero(micro_sample >= 0)
    onehot = sparse.csr_matrix(
        (np.ones(valid.size, dtype=distances.dtype), (micro_sample[valid], valid)),
        shape=(n_leaves, m),
    )
    sums = np.asarray(onehot @ distances)  # (groups, m): summed distance to each group
    sizes = micro_sizes.astype(np.float64)
    counts = np.bincount(micro_sample[valid], minlength=n_leaves).astype(np.float64)
    group = np.arange(n_leaves)  # current group of each leaf
    heights = tree[:, 2]
    scored = {}
    for k, groups in _ladder_cuts(tree, ks):
        cut = _cut_for(heights, k)
        # the previous groups merge into these: add up their rows
        first = np.full(int(group.max()) + 1, -1)
        first[group[::-1]] = groups[::-1]
        merge = sparse.csr_matrix(
            (np.ones(first.size), (first, np.arange(first.size))), shape=(k, first.size)
        )
        sums = np.asarray(merge @ sums)
        sizes, counts, group = merge @ sizes, merge @ counts, groups
        present = (sizes >= min_size) & (counts > 0)
        labels = np.full(m, -1, dtype=np.intp)
        labels[valid] = group[micro_sample[valid]]
        inside = labels >= 0
        labels[inside] = np.where(present[labels[inside]], labels[inside], -1)
        rows = np.flatnonzero(labels >= 0)
        if int(present.sum()) < 2 or rows.size <= int(present.sum()):
            continue
        own = labels[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_to = sums[:, rows] / counts[:, None].astype(sums.dtype)
        mean_to[~present] = np.inf
        a = sums[own, rows] / np.maximum(counts[own] - 1, 1)
        mean_to[own, np.arange(rows.size)] = np.inf
        b = mean_to.min(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = (b - a) / np.maximum(a, b)
        values[(counts[own] <= 1) | ~np.isfinite(values)] = 0.0
        silhouettes = np.zeros(m)
        silhouettes[rows] = values
        scored[k] = (cut, silhouettes)
    return scored


def _ladder_cuts(tree, ks):
    """``(k, leaf labels 0..k-1)`` for each k in decreasing ``ks``: the tree after ``n - k``
    merges."""
    n = tree.shape[0] + 1
    parent = np.arange(2 * n - 1)
    wanted = sorted((k for k in ks if 1 <= k <= n), reverse=True)
    done = 0
    for k in wanted:
        for i in range(done, n - k):
            parent[int(tree[i, 0])] = parent[int(tree[i, 1])] = n + i
        done = n - k
        root = np.arange(n)
        while True:  # follow parents to the current roots
            up = parent[root]
            if np.array_equal(up, root):
                break
            root = up
        parent[:n] = root  # path compression: later merges only move the roots
        yield k, np.unique(root, return_inverse=True)[1].ravel()


def _consensus(partitions: list, target: int, min_size: int) -> tuple[np.ndarray, int]:
    """Evidence accumulation (Fred & Jain, 2005): the posts most partitions put together.

    Rows with the same group in every partition form an atom. Two atoms are co-assigned in
    the share of partitions that give them the same group (``-1`` agrees with nothing), and
    average linkage on ``1 - co-assignment`` merges the atoms most often put together first.
    The tree is cut as high as it can be while ``target`` groups of at least ``min_size``
    rows remain (:func:`_target_height`): the number of groups is the one the silhouette
    rule chose, the membership is what the partitions agree on. At most :data:`_MAX_ATOMS`
    atoms, the largest, enter the tree (bounded memory); rows of the others are left ``-1``
    for :func:`_attach`. Returns the labels and the number of atoms.
    """
    table = np.stack(partitions, axis=1)
    atoms, inverse, sizes = np.unique(table, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    n_atoms = atoms.shape[0]
    kept = np.sort(np.argsort(-sizes, kind="stable")[:_MAX_ATOMS])
    if kept.size < 2:
        return np.zeros(table.shape[0], dtype=np.intp), int(n_atoms)
    atoms = atoms[kept]
    together = np.zeros((kept.size, kept.size), dtype=np.float32)
    for column in atoms.T:
        together += (column[:, None] == column[None, :]) & (column >= 0)[:, None]
    distance = 1.0 - together / atoms.shape[1]
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    atom_group = np.full(n_atoms, -1, dtype=np.intp)
    height = _target_height(tree, sizes[kept], target, min_size)
    atom_group[kept] = fcluster(tree, height, "distance") - 1
    return atom_group[inverse], int(n_atoms)


def _target_height(tree, weights, target, min_size) -> float:
    """Highest cut of ``tree`` that leaves at least ``target`` clusters of ``min_size`` weight.

    Merging small clusters raises that count and merging two big ones lowers it, so the
    count rises and then falls with the cut height; the cut stays below the first merge that
    joins atoms no partition ever put together (height 1). Below any merge when the count
    never reaches ``target``.
    """
    n = weights.size
    size = np.concatenate([weights.astype(np.float64), np.zeros(n - 1)])
    count = int((size[:n] >= min_size).sum())
    heights = tree[:, 2]
    best = None  # the last merge after which target clusters remain
    for i, (left, right) in enumerate(tree[:, :2].astype(np.intp)):
        if heights[i] >= 1.0:
            break
        size[n + i] = size[left] + size[right]
        count += (int(size[n + i] >= min_size) - int(size[left] >= min_size)
                  - int(size[right] >= min_size))
        if count >= target:
            best = i
    if best is None:
        return float(heights[0]) / 2
    following = heights[best + 1] if best + 1 < heights.size else heights[best] + 2e-9
    return float((heights[best] + following) / 2)


def _drop_incoherent(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Dissolve groups whose posts are no more alike than any two posts of the input.

    The mean cosine similarity between a group's members, ``(m |mean|^2 - 1) / (m - 1)`` for
    ``m`` unit rows, must exceed the same figure for all rows: a "group" of unrelated posts
    (scattered outliers that partitions keep putting together because they fit nowhere
    else) is not a topic. Its rows become noise.
    """
    k = int(labels.max(initial=-1)) + 1
    n = X.shape[0]
    if k == 0 or n < 2:
        return labels
    inside = labels >= 0
    sums = _group_sums(X, labels, k)
    sizes = np.bincount(labels[inside], minlength=k).astype(np.float64)
    total = X.sum(axis=0, dtype=np.float64)
    corpus = (float(total @ total) - n) / (n * (n - 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        within = (np.einsum("ij,ij->i", sums, sums) - sizes) / (sizes * (sizes - 1.0))
    coherent = np.nan_to_num(within, nan=-np.inf) > corpus
    if coherent.all():
        return labels
    return _dissolve_small(np.where(inside & coherent[np.maximum(labels, 0)], labels, -1), 1)


def _attach(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give unlabelled rows the group with the most similar centroid (one assignment step)."""
    k = int(labels.max(initial=-1)) + 1
    loose = np.flatnonzero(labels < 0)
    if k == 0 or loose.size == 0:
        return labels
    centroids = _centroids(X, labels, k)
    out = labels.copy()
    out[loose] = (X[loose] @ centroids.T).argmax(axis=1)
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


def _numbered_themes(labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Theme of each group from any numbering ``groups``: by total size, ties by first row."""
    renumbered = _number_by_size(np.where(labels >= 0, groups[np.maximum(labels, 0)], -1))
    first = np.array([np.flatnonzero(labels == g)[0] for g in range(groups.size)], dtype=np.intp)
    return renumbered[first]


def _themes(labels, centroids, threshold):
    """Themes cut from an average-linkage tree of the group centroids at ``threshold``."""
    k = centroids.shape[0]
    if k < 3:
        return np.zeros(k, dtype=np.intp), None
    tree = linkage(centroids, method="average", metric="cosine")
    groups = fcluster(tree, threshold, "distance") - 1
    return _numbered_themes(labels, groups), float(threshold)


def _confusion_themes(X, labels, min_size, rng) -> tuple[np.ndarray, int]:
    """Themes: modularity communities of a confusion graph of fixed-size pieces (step 6)."""
    import networkx as nx

    k = int(labels.max()) + 1
    rows = np.flatnonzero(labels >= 0)
    n_pieces = int(min(THEME_PIECES, rows.size // max(int(min_size), 1)))
    if k < 3 or n_pieces < 3:
        return np.zeros(k, dtype=np.intp), max(n_pieces, 0)
    fit = np.sort(rng.choice(rows, _PIECE_FIT, replace=False)) if rows.size > _PIECE_FIT else rows
    # k-means++ seeds from a small systematic subsample, then Lloyd steps on the fit rows
    seed_rows = fit[:: max(1, fit.size // _PIECE_SEED_ROWS)]
    init, _ = kmeans_plusplus(X[seed_rows], n_pieces, random_state=rng.randint(2**31 - 1))
    kmeans = KMeans(n_pieces, init=init, n_init=1, max_iter=_PIECE_ITER).fit(X[fit])
    pieces = _normalise(kmeans.cluster_centers_)
    own = np.empty(rows.size, dtype=np.intp)
    weights = np.zeros((n_pieces, n_pieces))
    for start in range(0, rows.size, _ASSIGN_CHUNK):
        sims = X[rows[start:start + _ASSIGN_CHUNK]] @ pieces.T
        best = sims.argmax(axis=1)
        own[start:start + best.size] = best
        sims[np.arange(best.size), best] = -np.inf
        np.add.at(weights, (best, sims.argmax(axis=1)), 1.0)
    communities = nx.community.louvain_communities(
        nx.from_numpy_array(weights + weights.T), weight="weight", resolution=1.0, seed=0
    )
    piece_theme = np.empty(n_pieces, dtype=np.intp)
    for c, members in enumerate(sorted(communities, key=min)):
        piece_theme[sorted(members)] = c
    # a group's theme is the one most of its posts' pieces belong to
    votes = np.zeros((k, len(communities)))
    np.add.at(votes, (labels[rows], piece_theme[own]), 1.0)
    groups = votes.argmax(axis=1)
    return _numbered_themes(labels, groups), n_pieces


def _hdbscan(X, Z, params, min_cluster_size, min_samples, assign_noise, say) -> np.ndarray:
    """Plain HDBSCAN on the reduced embeddings, then the same noise fences; numbered labels."""
    try:
        import hdbscan
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "method='hdbscan' needs the hdbscan package; pip install hdbscan"
        ) from exc
    model = hdbscan.HDBSCAN(
        min_cluster_size=int(min_cluster_size), min_samples=int(min_samples), core_dist_n_jobs=1
    ).fit(Z)
    labels = _number_by_size(np.asarray(model.labels_, dtype=np.intp))
    if labels.max(initial=-1) >= 0:
        labels, _, _ = _apply_fences(X, labels, assign_noise)
        labels = _number_by_size(_dissolve_small(labels, min_cluster_size))
    params.update(method="hdbscan", merge_threshold=None, n_micro=0)
    say("HDBSCAN: %d groups, %.1f%% noise", labels.max(initial=-1) + 1, 100 * np.mean(labels < 0))
    return labels


def _empty(n: int, params: dict, dim: int = 0) -> Clustering:
    params.setdefault("n_groups", 0)
    params.setdefault("n_themes", 0)
    params.setdefault("noise_share", 1.0 if n else 0.0)
    return Clustering(
        np.full(n, -1, dtype=np.intp), np.zeros(n), np.zeros(0, dtype=np.intp), params,
        np.zeros((0, dim), dtype=np.float32), np.zeros(0),
    )
