"""The default clustering method: Leiden communities of a cosine k-nearest-neighbour graph, at the
resolution whose groups come back when the rows are resampled.

:class:`LeidenClustering` is an estimator like scikit-learn's: ``fit(X)`` on unit rows sets
``labels_`` (``-1`` for noise), ``parameters_`` (what was chosen) and the evidence that
:func:`nichefinder.cluster.cluster_embeddings` turns into themes and a
:class:`~nichefinder.cluster.confidence.Confidence`. Nothing is told the number of groups.

1. **Graph.** The rows are projected on their first ``min(128, d)`` principal components
   (seeded fitting sample) and normalised again; near-duplicate rows (cosine >= 0.98: retweets,
   pasted posts) are one node (:mod:`nichefinder.cluster.graph`); each node is linked to its
   30 most similar nodes (exact cosine; fewer for tiny groups, see ``n_neighbors``),
   symmetrised, weight the cosine.
2. **Ladder.** Leiden (Traag, Waltman & van Eck, 2019) with the RB-configuration quality
   (modularity with a resolution ``gamma``) at ``gamma = 2 ** (i / 2)``, ``i = 0..10`` (1 to
   32), each step started from the partition of the next finer step: the partitions from
   coarse to fine.
   Modularity alone (``gamma = 1``) has a resolution limit (Fortunato & Barthelemy, 2007): on a
   fine intent set it merges neighbouring intents; a larger ``gamma`` splits them.
3. **Resolution by reproducibility.** The ladder is run again on four seeded 80 % subsamples of
   the nodes (their graph rebuilt), and every cluster of the full partition (at least
   ``min_cluster_size`` rows) is compared with the subsample's partition over the rows both saw:
   best-match Jaccard corrected for chance (:mod:`nichefinder.cluster.stability`), averaged
   over the subsamples. The evidence at ``gamma`` is the number of rows in stable clusters
   (corrected Jaccard >= 0.75); the chosen ``gamma`` is the evidence-weighted median of
   ``log gamma`` (1 when nothing is stable). One cluster of everything earns no evidence, so a
   flat curve on diffuse text does not pick the coarsest cut.
4. **Consensus.** Leiden at the chosen ``gamma`` with three seeds on each subsample graph
   (twelve runs); each edge of the full graph is weighted again by the share of the runs that
   saw both ends in which they share a community, and one last Leiden run on that graph gives
   the groups: an edge that only some seeds cut is cut, so seeds and small moves of the vectors
   (int8 against fp32) agree. Groups under ``min_cluster_size`` rows are dissolved; their
   posts join the nearest surviving group when they clear its Tukey fence, else are noise.

Examples
--------
>>> from sklearn.datasets import make_blobs
>>> from nichefinder.vectors import normalise_rows
>>> X, _ = make_blobs(600, n_features=20, centers=4, random_state=0)
>>> model = LeidenClustering(min_cluster_size=10, random_state=0).fit(normalise_rows(X))
>>> int(model.labels_.max()) + 1
4
"""

from __future__ import annotations

import logging
import random

import numpy as np
from scipy import sparse
from sklearn.metrics import adjusted_rand_score
from sklearn.utils import check_random_state

from ..exceptions import MissingDependencyError
from .geometry import apply_fences, dissolve_small, reduce
from .graph import build, collapse_duplicates, knn, neighbours_for, to_igraph
from .stability import STABLE_JACCARD, corrected_jaccard, resolution_from_evidence
from .themes import confusion_themes

__all__ = ["RESOLUTIONS", "LeidenClustering"]

logger = logging.getLogger(__name__)

RESOLUTIONS = tuple(float(2 ** (i / 2)) for i in range(11))
"""The ladder of Leiden resolutions tried, 1 to 32."""
_N_COMPONENTS = 128
_N_SUBSAMPLES = 4
_N_SEEDS = 3
_SUBSAMPLE = 0.8
_THEME_ROWS = 4_000


class LeidenClustering:
    """Leiden groups of a kNN graph at the most reproducible resolution (module docstring).

    Parameters
    ----------
    min_cluster_size : int, default 5
        Smallest group kept (rows, copies counted).
    n_components : int, optional
        PCA dimensions. Default ``min(128, d, n - 1)``.
    n_neighbors : int, optional
        Neighbours per node in the graph. Default ``min(30, max(10, 2 * min_cluster_size))``:
        30, unless groups may be so small that 30 neighbours reach beyond them (1,000 hwu64
        requests, 15 per intent, ``min_cluster_size`` 8: 24 groups with 30 neighbours, 43
        with 16).
    resolution : float, optional
        Leiden resolution; default chosen by reproducibility (step 3).
    random_state : int, RandomState or None
        Seeds the PCA sample, the subsamples and Leiden.
    show_progress : bool, default False
        Log each step at INFO level.

    Attributes
    ----------
    labels_ : ndarray of int, shape (n,)
        Group of each row, ``0..k-1``; ``-1`` is noise.
    parameters_ : dict
        ``resolution``, ``resolution_stability``, the ladder's ``resolution_scores`` and more.
    graph_ : tuple
        ``(graph, node)``: the sparse kNN graph of the nodes and the node of each row.
    resamples_ : list of tuple
        ``(labels, themes)`` of each consensus run, per row (``-1``: not in that subsample).
    """

    def __init__(self, min_cluster_size=5, *, n_components=None, n_neighbors=None,
                 resolution=None, random_state=None, show_progress=False):
        self.min_cluster_size = min_cluster_size
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.resolution = resolution
        self.random_state = random_state
        self.show_progress = show_progress

    def fit(self, X) -> LeidenClustering:
        """Group the rows of ``X`` (unit vectors, as :func:`cluster_embeddings` passes them)."""
        _require_leiden()
        X = np.asarray(X, dtype=np.float32)
        n, dim = X.shape
        rng = check_random_state(self.random_state)
        say = logger.info if self.show_progress else logger.debug
        size = int(self.min_cluster_size)
        n_components = self.n_components or min(_N_COMPONENTS, dim, n - 1)
        Z, n_components = reduce(X, n_components, rng, say)
        k = int(self.n_neighbors or neighbours_for(size))
        first, node, weight, index, sims = nodes(Z, k)
        say("%d rows, %d distinct nodes", n, first.size)
        graph = build(index[:, :k], sims[:, :k])
        subsamples = _subsamples(index, sims, weight, k, rng)
        if self.resolution is None:
            gamma, stability, scores = _choose_resolution(graph, weight, subsamples, size, rng)
        else:
            gamma, stability, scores = float(self.resolution), None, []
        say("resolution %.3g (stability %s)", gamma, stability)
        runs = _consensus_runs(subsamples, gamma, rng)
        final = leiden(_reweight(graph, subsamples, runs), gamma, _seed(rng))
        labels = _dissolve(X, final[node], size)
        self.labels_ = labels
        self.graph_ = (graph, node)
        self.resamples_ = [_run_rows(X, run, node, weight, size, rows, rng)
                           for (rows, _, _), run in _each_run(subsamples, runs)]
        self.parameters_ = {
            "n_components": int(n_components),
            "n_neighbors": k,
            "n_nodes": int(first.size),
            "resolution": round(gamma, 6),
            "resolution_stability": None if stability is None else round(stability, 6),
            "resolution_scores": scores,
            "merge_threshold": None,
        }
        say("%d groups", int(labels.max(initial=-1)) + 1)
        return self


def _require_leiden():
    try:
        import igraph  # noqa: F401
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "method='leiden' needs the igraph package; pip install igraph"
        ) from exc


_MAX_ITERATIONS = 50
"""Leiden iterations at most per call (each refines the partition of the one before)."""


def _seed(rng) -> int:
    return int(rng.randint(2**31 - 1))


def leiden(graph, gamma: float, seed: int, initial=None, quality: bool = False):
    """Leiden communities (modularity at resolution ``gamma``, i.e. the RB-configuration
    quality) of a sparse or igraph graph, started from ``initial`` when given, iterated until
    stable; seeded (igraph's random generator is set for the call and restored). Numbered by
    first node; with ``quality``, also the partition's quality."""
    import igraph as ig

    g = graph if isinstance(graph, ig.Graph) else to_igraph(graph)
    strengths = g.strength(weights="weight")
    membership = None if initial is None else [int(v) for v in initial]
    ig.set_random_number_generator(random.Random(int(seed)))
    try:
        # iterated until an iteration changes nothing, as igraph's n_iterations=-1 does, but
        # at most _MAX_ITERATIONS times: on some graphs (ties between near-equal weights) -1
        # never stops (seen on 1,200 tight blobs). Node weights given as the strengths:
        # igraph's default leaves self-loops out of them, which the group graph of the
        # themes needs (a loop per group)
        labels = None if membership is None else _by_first(np.asarray(membership, np.intp))
        for _ in range(_MAX_ITERATIONS):
            found = g.community_leiden(
                objective_function="modularity", weights="weight", resolution=float(gamma),
                node_weights=strengths, initial_membership=membership, n_iterations=1,
            )
            membership, previous = found.membership, labels
            labels = _by_first(np.asarray(membership, dtype=np.intp))
            if previous is not None and np.array_equal(labels, previous):
                break
    finally:
        ig.set_random_number_generator(random)
    return (labels, float(found.quality)) if quality else labels


def _by_first(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered in order of their first row."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.intp)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.ravel()]


def nodes(Z, k):
    """Distinct nodes (one per near-duplicate component), the node of each row, node weights,
    and each node's ``2 k`` nearest nodes (indices, cosines)."""
    index, sims = knn(Z, 2 * k)
    node, first = collapse_duplicates(Z, index, sims)
    if first.size < Z.shape[0]:
        index, sims = knn(Z[first], 2 * k)
    return first, node, np.bincount(node).astype(np.float64), index, sims


def _subsamples(index, sims, weight, k, rng):
    """Seeded 80 % subsamples of the nodes, each with its kNN graph rebuilt: a node's ``k``
    nearest sampled nodes are the first ``k`` sampled among its ``2 k`` nearest (about
    ``1.6 k`` of them are sampled). Returns ``(rows, sparse graph, igraph graph)`` each."""
    m = index.shape[0]
    out = []
    for _ in range(_N_SUBSAMPLES):
        rows = np.sort(rng.choice(m, max(2, int(round(_SUBSAMPLE * m))), replace=False))
        where = np.full(m, -1, dtype=np.int64)
        where[rows] = np.arange(rows.size)
        neighbours = where[index[rows]]
        present = neighbours >= 0
        keep = present & (np.cumsum(present, axis=1) <= k)
        sub_rows = np.repeat(np.arange(rows.size), keep.sum(axis=1))
        graph = sparse.csr_matrix(
            (np.clip(sims[rows][keep], 0.0, None).astype(np.float64),
             (sub_rows, neighbours[keep])), shape=(rows.size, rows.size))
        graph = graph.maximum(graph.T).tocsr()
        graph.eliminate_zeros()
        out.append((rows, graph, to_igraph(graph)))
    return out


def _ladder(graph, seed):
    """Leiden partitions at every resolution of :data:`RESOLUTIONS` (in that order), each
    started from the partition at the next finer resolution.

    Fine to coarse, because Leiden merges communities easily (its aggregation step) but
    splits a starting community only node by node: started from the coarser partition, hwu64
    stayed at 25 groups from resolution 1 to 4, where fresh runs find 27 to 48.
    """
    import igraph as ig

    g = graph if isinstance(graph, ig.Graph) else to_igraph(graph)
    out, previous = [], None
    for gamma in RESOLUTIONS[::-1]:
        previous = leiden(g, gamma, seed, previous)
        out.append(previous)
    return out[::-1]


def _choose_resolution(graph, weight, subsamples, size, rng):
    """The evidence-weighted median resolution of the ladder (step 3); its stability and the
    ladder's record."""
    full = _ladder(graph, _seed(rng))
    subs = [(rows, _ladder(g, _seed(rng))) for rows, _, g in subsamples]
    evidence, scores = [], []
    for i, gamma in enumerate(RESOLUTIONS):
        labels = full[i]
        big = np.bincount(labels, weights=weight) >= size
        ref = np.where(big[labels], labels, -1)
        jaccards, aris = [], []
        for rows, ladder in subs:
            other = np.full(labels.size, -1, dtype=np.intp)
            other[rows] = ladder[i]
            restricted = np.where(other >= 0, ref, -1)
            jaccards.append(corrected_jaccard(restricted, other, weight, big.size))
            aris.append(adjusted_rand_score(labels[rows], ladder[i]))
        stability = np.mean(np.stack(jaccards), axis=0)
        group_weight = np.bincount(labels, weights=weight)
        stable = big & (stability >= STABLE_JACCARD)
        evidence.append(float(group_weight[stable].sum()))
        mean = np.average(stability[big], weights=group_weight[big]) if big.any() else 0.0
        scores.append({"resolution": round(gamma, 6), "k": int(big.sum()),
                       "stable_rows": int(evidence[-1]), "stability": round(float(mean), 6),
                       "ari": round(float(np.mean(aris)), 6)})
    gamma = resolution_from_evidence(RESOLUTIONS, evidence)
    nearest = int(np.argmin(np.abs(np.log(RESOLUTIONS) - np.log(gamma))))
    return gamma, scores[nearest]["stability"], scores


def _consensus_runs(subsamples, gamma, rng):
    """Leiden at ``gamma`` with :data:`_N_SEEDS` seeds on each subsample graph."""
    seeds = [_seed(rng) for _ in range(_N_SEEDS)]
    return [[leiden(g, gamma, seed) for seed in seeds] for _, _, g in subsamples]


def _each_run(subsamples, runs):
    for sub, per_seed in zip(subsamples, runs, strict=True):
        for run in per_seed:
            yield sub, run


def _reweight(graph, subsamples, runs_by_sub):
    """The full graph, each edge weighted by the share of the runs that saw both ends in which
    both share a community (an edge no run saw keeps its weight)."""
    m = graph.shape[0]
    coo = sparse.triu(graph, k=1).tocoo()
    together = np.zeros(coo.data.size)
    seen = np.zeros(coo.data.size)
    for (rows, _, _), runs in zip(subsamples, runs_by_sub, strict=True):
        where = np.full(m, -1, dtype=np.intp)
        for run in runs:
            where[rows] = run
            a, b = where[coo.row], where[coo.col]
            both = (a >= 0) & (b >= 0)
            seen += both
            together += both & (a == b)
    share = np.where(seen > 0, together / np.maximum(seen, 1), 1.0)
    keep = share > 0
    out = sparse.csr_matrix((coo.data[keep] * share[keep], (coo.row[keep], coo.col[keep])),
                            shape=graph.shape)
    return out.maximum(out.T).tocsr()


def _dissolve(X, labels, size):
    """Groups under ``size`` rows dissolved; their rows join the nearest surviving group whose
    Tukey fence they clear, else noise; groups numbered by first row."""
    labels = dissolve_small(_by_first(labels), size)
    if labels.max(initial=-1) < 0:
        return labels
    loose = labels < 0
    fenced, _, _ = apply_fences(X, labels, assign_noise=True)
    out = labels.copy()
    out[loose] = fenced[loose]  # members keep their group; dissolved rows join one or stay out
    return dissolve_small(out, size)


def _run_rows(X, run, node, weight, size, rows, rng):
    """One consensus run per row: its groups (>= ``size`` rows scaled to the subsample) and
    their themes (:func:`~nichefinder.cluster.themes.confusion_themes`, as for the final
    groups, on at most :data:`_THEME_ROWS` of its rows); rows whose node was not sampled, or
    not in that theme sample, are ``-1``."""
    scaled = max(2, int(round(size * _SUBSAMPLE)))
    big = np.bincount(run, weights=weight[rows]) >= scaled
    groups = dissolve_small(np.where(big[run], run, -1), 1)
    node_labels = np.full(weight.size, -1, dtype=np.intp)
    node_labels[rows] = groups
    labels = node_labels[node]
    themes = np.full(labels.size, -1, dtype=np.intp)
    seen = np.flatnonzero(labels >= 0)
    if seen.size > _THEME_ROWS:  # the theme count of a run, on a seeded sample of its rows
        seen = np.sort(rng.choice(seen, _THEME_ROWS, replace=False))
    if seen.size:
        theme_of, _ = confusion_themes(X[seen], labels[seen], scaled, rng)
        themes[seen] = theme_of[labels[seen]]
    labels = np.where(themes >= 0, labels, -1) if seen.size < (labels >= 0).sum() else labels
    return labels, themes
