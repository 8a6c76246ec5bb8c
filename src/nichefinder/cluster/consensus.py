"""The default clustering method: many k-means over-partitions, merged by average linkage, their
number chosen by silhouette and their members agreed by evidence accumulation.

:class:`ConsensusClustering` is an estimator like scikit-learn's: ``fit(X)`` on unit rows sets
``labels_`` (``-1`` for noise) and ``parameters_`` (what was chosen, for the plan's record).
Nothing is told the number of groups; every scale-dependent choice comes from the data.

1. **Reduce.** The rows are projected to ``n_components`` (default 50) principal components
   (:func:`nichefinder.cluster.geometry.reduce`) and re-normalised.
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
   silhouette of a fixed systematic sample of at most 3,000 posts (posts that would be dissolved
   as too-small groups score 0), averaged over the twenty partitions. The chosen cut follows the
   one-standard-error rule (Breiman et al., 1984): the fewest groups whose silhouette is within
   one standard error of the best. Text embeddings give flat silhouette curves near the top; the
   rule picks the parsimonious end of the plateau, which is also the answer to "how few feeds
   cover the audience". On diffuse organic text the curve falls steadily and peaks at two groups
   (eight subreddits of college threads came out as 2), so the count is never below the ladder's
   step at or under the number of substantial modularity communities of the posts' kNN graph
   (:mod:`nichefinder.cluster.modularity`): each rule errs by under-splitting, so the finer
   answer wins. Each partition is cut there, groups smaller than ``min_cluster_size`` are
   dissolved, and its groups are refined by spherical k-means (Lloyd) steps in the reduced
   space. One k-means partition is a local optimum, and two seeds' partitions of overlapping
   topics agree only at ARI 0.7-0.8; so the twenty are combined by evidence accumulation (Fred &
   Jain, 2005): posts that every partition treats alike form atoms, atoms are joined by average
   linkage on how often the partitions put them together, and that tree is cut as high as it can
   be while as many groups of ``min_cluster_size`` remain as the median partition has. The
   silhouette rule sets the number of groups, the partitions' agreement sets their members, and
   posts between two groups (put with one by half the partitions and with the other by the rest)
   go to the nearest group instead of forming a group of their own. Two seeds then agree at ARI
   0.92-0.97 on the shared datasets. ``merge_threshold`` (a cosine distance) overrides the
   choice: the first partition is cut there.
5. **Noise.** A group whose members are no more alike than any two posts of the input
   (mean pairwise cosine at most the corpus's) is not a topic and is dissolved. Each group's
   members' cosine similarities to its centroid define the group's own lower fence (Tukey:
   first quartile minus 1.5 interquartile ranges). A post below its group's fence is noise;
   with ``assign_noise`` a noise post joins the most similar group whose fence it clears, so
   Groups that fall below ``min_cluster_size`` are dissolved; the fences of the other groups
   are drawn by :func:`nichefinder.cluster.cluster_embeddings` for every method alike.

Why not HDBSCAN directly: on PCA-reduced sentence embeddings of intent data HDBSCAN leaves
47-70 % of posts as noise and its groups match labels poorly (ARI < 0.06 on hwu64, noise
counted as a group); density in 20-50 dimensions is too flat for it. Silhouette-chosen
agglomeration of k-means micro-clusters reaches oracle-k k-means quality without k.

Examples
--------
>>> from sklearn.datasets import make_blobs
>>> from nichefinder.vectors import normalise_rows
>>> X, _ = make_blobs(600, n_features=20, centers=4, random_state=0)
>>> model = ConsensusClustering(min_cluster_size=10, random_state=0).fit(normalise_rows(X))
>>> int(model.labels_.max()) + 1
4
"""

from __future__ import annotations

import logging
import math

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.utils import check_random_state

from .geometry import dissolve_small, group_centroids, group_sums, reduce
from .ladder import cosine_distances, cut_for, cut_micro, ladder, leaf_of, score_cuts, select
from .modularity import community_count

__all__ = ["ConsensusClustering"]

logger = logging.getLogger(__name__)

_SILHOUETTE_SAMPLE = 3_000
_MAX_MICRO = 2_000
_REFINE_ITER = 10
_FULL_KMEANS_ROWS = 100_000
_N_PARTITIONS = 20
_MAX_ATOMS = 6_000
_MICRO_ITER = 10


class ConsensusClustering:
    """Groups of unit rows by consensus of k-means over-partitions (module docstring).

    Parameters
    ----------
    min_cluster_size : int, default 5
        Smallest group kept; smaller groups are dissolved.
    min_samples : int, optional
        Smallest micro-cluster that enters the merge tree. Default
        ``max(2, min_cluster_size // 5)``.
    n_components : int, optional
        PCA dimensions for the over-partition. Default ``min(50, d, n - 1)``.
    merge_threshold : float, optional
        Average-linkage cosine distance at which micro-clusters are cut into groups (the first
        partition only). Default: chosen by the one-standard-error silhouette rule.
    n_partitions : int, default 20
        Over-partitions combined.
    random_state : int, RandomState or None
        Seeds the partitions and the PCA sample; a RandomState instance is drawn from (so a
        caller can share one stream).
    show_progress : bool, default False
        Log each step at INFO level.

    Attributes
    ----------
    labels_ : ndarray of int, shape (n,)
        Group of each row, ``0..k-1``; ``-1`` is noise.
    parameters_ : dict
        ``n_components``, ``n_micro``, ``n_partitions``, ``n_atoms``, ``merge_threshold``,
        ``merge_scores`` (the silhouette of each cut tried) and ``community_floor`` (the
        substantial modularity communities that bound the number of groups from below).
    """

    def __init__(self, min_cluster_size=5, min_samples=None, *, n_components=None,
                 merge_threshold=None, n_partitions=_N_PARTITIONS, random_state=None,
                 show_progress=False):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.n_components = n_components
        self.merge_threshold = merge_threshold
        self.n_partitions = n_partitions
        self.random_state = random_state
        self.show_progress = show_progress

    def fit(self, X) -> ConsensusClustering:
        """Group the rows of ``X`` (unit vectors, as :func:`cluster_embeddings` passes them)."""
        X = np.asarray(X, dtype=np.float32)
        n = X.shape[0]
        rng = check_random_state(self.random_state)
        say = logger.info if self.show_progress else logger.debug
        size = int(self.min_cluster_size)
        min_samples = self.min_samples if self.min_samples is not None else max(2, size // 5)
        Z, n_components = reduce(X, self.n_components, rng, say)
        # 2. over-partition, several times (a given merge_threshold cuts the first one only)
        n_micro = int(min(_MAX_MICRO, max(2, 3 * math.sqrt(n)), n // 2))
        n_runs = 1 if self.merge_threshold is not None else int(self.n_partitions)
        runs = [_over_partition(X, Z, n_micro, min_samples, rng) for _ in range(n_runs)]
        say("%d x %d micro-clusters", n_runs, n_micro)
        # 3./4. merge micro-clusters, choose the cut, agree on the members
        runs = [run for run in runs if run[2] is not None]
        floor = None
        if not runs:
            cut, labels, n_atoms, scores = None, np.zeros(n, dtype=np.intp), None, []
        elif self.merge_threshold is not None:
            micro, keep, tree = runs[0]
            cut, n_atoms, scores = float(self.merge_threshold), None, []
            labels = _refine(X, cut_micro(tree, cut, keep, micro))
        else:
            # drawn after the partitions, so that they are the same with or without the floor
            floor = community_count(Z, size, int(rng.randint(2**31 - 1)))
            say("%d substantial modularity communities", floor)
            cut, labels, n_atoms, scores = _agree(X, Z, runs, n_micro, size, floor)
        self.parameters_ = {
            "n_components": int(n_components),
            "n_micro": n_micro,
            "n_partitions": int(self.n_partitions),
            "n_atoms": n_atoms,
            "merge_threshold": None if cut is None else float(cut),
            "merge_scores": scores,
            "community_floor": floor,
        }
        say("cut at cosine distance %s gives %d groups", cut, labels.max() + 1)
        # 5. a group no more alike than any two posts is no topic
        self.labels_ = _drop_incoherent(X, dissolve_small(labels, size))
        return self


def _agree(X, Z, runs, n_micro, size, floor=0):
    """The silhouette-chosen number of groups (raised to the ladder's step at or below
    ``floor``, the count of substantial modularity communities), and the members the
    partitions agree on.

    Returns the median cut height, the labels, the number of consensus atoms and the mean
    silhouette of every cut tried (``None``, zeros, ``None``, ``[]`` when no cut is common to
    every partition).
    """
    n = X.shape[0]
    # one ladder from n_micro for every partition and seed, so that seeds choose among
    # the same numbers of groups; a systematic sample (every n/3000-th row) scores the
    # cuts: the same rows for every random_state, so two seeds are judged on the same posts
    sample = np.unique(np.linspace(0, n - 1, min(n, _SILHOUETTE_SAMPLE)).round().astype(np.intp))
    distances = cosine_distances(X[sample])
    top = min(int(run[1].sum()) for run in runs)
    ks = [k for k in ladder(n_micro) if k <= top]
    curves = [
        score_cuts(tree, distances, leaf_of(micro, keep)[sample],
                   np.bincount(micro, minlength=keep.size)[keep].astype(np.float64), ks, size)
        for micro, keep, tree in runs
    ]
    common = [k for k in ks if all(k in curve for curve in curves)]
    if not common:
        return None, np.zeros(n, dtype=np.intp), None, []
    mean_curve = {k: np.mean([curve[k][1] for curve in curves], axis=0) for k in common}
    k_best = select(mean_curve)
    # diffuse text: the silhouette peaks at two groups; the graph's communities keep the floor
    k_best = max(k_best, max((k for k in common if k <= floor), default=k_best))
    # every partition cut into k_best groups and refined; the consensus keeps together the
    # posts that most partitions put together
    candidates, cuts = [], []
    for micro, keep, tree in runs:
        cut_r = cut_for(tree[:, 2], k_best)
        if cut_r is None:
            continue
        cuts.append(cut_r)
        candidates.append(_refine(Z, dissolve_small(cut_micro(tree, cut_r, keep, micro), size)))
    target = int(np.median([
        np.count_nonzero(np.bincount(c[c >= 0]) >= size) for c in candidates
    ]))
    labels, n_atoms = _consensus(candidates, target, size)
    labels = _attach(X, dissolve_small(labels, size))
    scores = [{"k": int(k), "silhouette": round(float(v.mean()), 6)}
              for k, v in mean_curve.items()]
    return float(np.median(cuts)), labels, n_atoms, scores


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
    centroids = group_centroids(X, micro, n_micro)[keep]
    return micro, keep, linkage(centroids, method="average", metric="cosine")


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
    sums = group_sums(X, labels, k)
    sizes = np.bincount(labels[inside], minlength=k).astype(np.float64)
    total = X.sum(axis=0, dtype=np.float64)
    corpus = (float(total @ total) - n) / (n * (n - 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        within = (np.einsum("ij,ij->i", sums, sums) - sizes) / (sizes * (sizes - 1.0))
    coherent = np.nan_to_num(within, nan=-np.inf) > corpus
    if coherent.all():
        return labels
    return dissolve_small(np.where(inside & coherent[np.maximum(labels, 0)], labels, -1), 1)


def _attach(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give unlabelled rows the group with the most similar centroid (one assignment step)."""
    k = int(labels.max(initial=-1)) + 1
    loose = np.flatnonzero(labels < 0)
    if k == 0 or loose.size == 0:
        return labels
    centroids = group_centroids(X, labels, k)
    out = labels.copy()
    out[loose] = (X[loose] @ centroids.T).argmax(axis=1)
    return out


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
        centroids = group_centroids(X, current, k)
        nearest = np.asarray((X @ centroids.T).argmax(axis=1), dtype=labels.dtype)
        if np.array_equal(nearest, current):
            break
        moved = np.mean(nearest != current)
        current = nearest
        if moved < 1e-3:
            break
    return current
