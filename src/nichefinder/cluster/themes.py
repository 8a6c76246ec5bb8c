"""Themes: groups that one channel could serve together, above the groups.

Groups whose posts are mistaken for each other belong together. The grouped posts are cut by
k-means into :data:`THEME_PIECES` (100) pieces, whatever the number of groups (fewer when the
corpus is small: pieces of at least ``min_cluster_size`` posts); each post votes for its
runner-up piece (the second most similar centroid), and the symmetric vote counts weight a
graph of the pieces, whose modularity communities (Louvain, resolution 1, seeded) are themes of
pieces. A group takes the theme most of its posts' pieces have.

Why pieces and not the groups themselves: modularity has a resolution limit (Fortunato &
Barthelemy, 2007) that depends on the size of the graph, so communities of the groups follow
the number of groups (set by another rule): 47 groups of hwu64 gave 8 themes for its 18
scenarios, 131 groups of clinc150 15 for its 10 domains. On a graph of fixed size the theme
scale is the same for every corpus: 13-16 and 9-13 themes over seeds, and a topic cut into 26
or 70 groups still forms one theme.

Why a consensus: the pieces' k-means start and the Louvain order are random, and one draw
moves a group between two neighbouring themes often enough that feeds, which follow the themes,
moved with the seed (the hwu64 scenario: groups agree across seeds with ARI 0.92-0.95, their
themes 0.73-0.83). So the themes are the consensus of :data:`THEME_RUNS` draws (Lancichinetti
& Fortunato, 2012): how often each pair of groups shares a theme, cut by average linkage at one
half (groups share a theme when, on average, most draws put them together). The lowest
pairwise ARI of the feed of every row over seeds 0-4 there: 0.741 with one draw, 0.844 with
7, 0.872 with 15 (``benchmarks/scenarios.py``).

Examples
--------
>>> labels = np.array([0, 0, 1, 1, 2, 2])
>>> centroids = np.array([[1, 0], [0.99, 0.14], [0, 1]], dtype=np.float32)
>>> linkage_themes(labels, centroids, 0.5)[0].tolist()
[0, 0, 1]
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans, kmeans_plusplus

from ..vectors import normalise_rows
from .geometry import number_by_size

__all__ = ["THEME_PIECES", "THEME_RUNS", "confusion_themes", "linkage_themes", "make_themes"]

THEME_PIECES = 100
"""Pieces of the theme graph: one resolution for themes, whatever the number of groups."""
THEME_RUNS = 15
"""Draws of pieces and communities whose agreement makes the themes (odd: no tied majority;
7 left the feed count of a scenario moving by 4 over seeds, 15 by 1)."""
_PIECE_FIT = 30_000
_PIECE_SEED_ROWS = 3_000
_PIECE_ITER = 20
_ASSIGN_CHUNK = 65_536


def make_themes(X, labels, centroids, min_size, threshold, rng) -> tuple[np.ndarray, dict]:
    """Theme of each group: communities of the confusion graph (:func:`confusion_themes`), or
    a cut of the centroids' linkage tree at ``threshold`` (:func:`linkage_themes`) when given.
    Returns the themes and what to record (``theme_pieces`` or ``theme_threshold``)."""
    if threshold is None:
        themes, n_pieces = confusion_themes(X, labels, min_size, rng)
        return themes, {"theme_pieces": n_pieces, "theme_runs": THEME_RUNS,
                        "theme_threshold": None}
    themes, cut = linkage_themes(labels, centroids, threshold)
    return themes, {"theme_threshold": cut}


def numbered_themes(labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Theme of each group from any numbering ``groups``: by total size, ties by first row."""
    renumbered = number_by_size(np.where(labels >= 0, groups[np.maximum(labels, 0)], -1))
    first = np.array([np.flatnonzero(labels == g)[0] for g in range(groups.size)], dtype=np.intp)
    return renumbered[first]


def linkage_themes(labels, centroids, threshold):
    """Themes cut from an average-linkage tree of the group centroids at ``threshold``."""
    k = centroids.shape[0]
    if k < 3:
        return np.zeros(k, dtype=np.intp), None
    tree = linkage(centroids, method="average", metric="cosine")
    groups = fcluster(tree, threshold, "distance") - 1
    return numbered_themes(labels, groups), float(threshold)


def confusion_themes(X, labels, min_size, rng, runs: int = THEME_RUNS
                     ) -> tuple[np.ndarray, int]:
    """Themes: the consensus of ``runs`` draws of modularity communities of a confusion graph
    of fixed-size pieces (step 6).

    Every draw uses the same rows: at most ``_PIECE_FIT`` grouped posts (all of them below
    that), plus every post of a group none of whose posts was drawn, so that each group votes.
    """
    k = int(labels.max()) + 1
    rows = np.flatnonzero(labels >= 0)
    n_pieces = int(min(THEME_PIECES, rows.size // max(int(min_size), 1)))
    if k < 3 or n_pieces < 3:
        return np.zeros(k, dtype=np.intp), max(n_pieces, 0)
    fit = np.sort(rng.choice(rows, _PIECE_FIT, replace=False)) if rows.size > _PIECE_FIT else rows
    missing = np.setdiff1d(np.arange(k), labels[fit])
    votes_at = np.union1d(fit, rows[np.isin(labels[rows], missing)]) if missing.size else fit
    runs = max(int(runs), 1)
    together = np.zeros((k, k))
    for _ in range(runs):
        theme = _confusion_draw(X, labels, fit, votes_at, k, n_pieces, rng)
        together += theme[:, None] == theme[None, :]
    apart = 1.0 - together / runs
    np.fill_diagonal(apart, 0.0)
    groups = fcluster(linkage(squareform(apart, checks=False), method="average"), 0.5,
                      "distance") - 1
    return numbered_themes(labels, groups), n_pieces


def _confusion_draw(X, labels, fit, rows, k, n_pieces, rng) -> np.ndarray:
    """One draw: the theme (any numbering) of each of the ``k`` groups, from pieces fitted on
    ``fit`` and the votes of ``rows``."""
    import networkx as nx

    # k-means++ seeds from a small systematic subsample, then Lloyd steps on the fit rows
    seed_rows = fit[:: max(1, fit.size // _PIECE_SEED_ROWS)]
    init, _ = kmeans_plusplus(X[seed_rows], n_pieces, random_state=rng.randint(2**31 - 1))
    kmeans = KMeans(n_pieces, init=init, n_init=1, max_iter=_PIECE_ITER).fit(X[fit])
    pieces = normalise_rows(kmeans.cluster_centers_)
    own = np.empty(rows.size, dtype=np.intp)
    weights = np.zeros((n_pieces, n_pieces))
    for start in range(0, rows.size, _ASSIGN_CHUNK):
        sims = X[rows[start:start + _ASSIGN_CHUNK]] @ pieces.T
        best = sims.argmax(axis=1)
        own[start:start + best.size] = best
        sims[np.arange(best.size), best] = -np.inf
        np.add.at(weights, (best, sims.argmax(axis=1)), 1.0)
    communities = nx.community.louvain_communities(
        nx.from_numpy_array(weights + weights.T), weight="weight", resolution=1.0,
        seed=int(rng.randint(2**31 - 1)),
    )
    piece_theme = np.empty(n_pieces, dtype=np.intp)
    for c, members in enumerate(sorted(communities, key=min)):
        piece_theme[sorted(members)] = c
    # a group's theme is the one most of its posts' pieces belong to
    votes = np.zeros((k, len(communities)))
    np.add.at(votes, (labels[rows], piece_theme[own]), 1.0)
    return votes.argmax(axis=1)
