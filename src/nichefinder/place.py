"""Sample, then place: the real model makes the groups, a cheap student places the other posts.

Above ``sample_size`` posts the groups come from a seeded sample anyway
(:func:`nichefinder.cluster.cluster_embeddings`); the other posts only need to be placed in a
group. :func:`place_posts` embeds the sample with the real model and clusters it, fits a
:class:`~nichefinder.embed.student.LinearStudent` on the sample's texts, places every other
distinct text by the student's vector (:func:`nichefinder.cluster.assign_groups`, the same
centroids and fences), and hands the texts the student is unsure of to the real model:

* a text's **margin** is the smaller of the gap between its two most similar groups and the
  distance of its best similarity from that group's fence (where noise begins);
* the margin below which the real model is asked is **calibrated** on a fifth of the sample's
  texts held out from the student's fit: the smallest margin at which the held-out texts
  placed by the student would leave at most ``1 - target_agreement`` of the held-out posts
  (a text counts as many times as it is posted) in another group than the real model's.

The vectors returned are the real model's where it embedded a text (the sample and the unsure
texts) and the student's elsewhere; the later stages (centroids, cohesion, keywords, the map)
read them as they read the real vectors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import check_random_state

from .cluster import assign_groups
from .cluster.assign import centre_like
from .embed import unique_texts
from .embed.student import LinearStudent
from .exceptions import InputError

__all__ = ["TARGET_AGREEMENT", "Placement", "place_posts", "student_margins"]

log = logging.getLogger(__name__)

TARGET_AGREEMENT = 0.98
"""Share of posts whose group the student placement should share with the real model's."""
_HELD_OUT = 0.2
_CHUNK = 50_000
"""Texts whose student features are held at once."""


@dataclass(frozen=True)
class Placement:
    """What :func:`place_posts` found.

    Attributes
    ----------
    vectors : ndarray of float32, shape (n_posts, d)
        The real model's vector of a post where it embedded the text, the student's elsewhere.
    labels : ndarray of int, shape (n_posts,)
        Each post's group among the sample clustering's (``-1``: noise).
    by_model : ndarray of bool, shape (n_posts,)
        Posts whose vector is the real model's.
    sample_rows : ndarray of int
        The posts of the seeded sample, sorted.
    clustering : Clustering
        The clustering of the sample.
    stats : dict
        ``posts``, ``unique_texts``, ``sample_texts``, ``placed_by_model`` (distinct texts the
        real model embedded for a low margin), ``real_model_share`` (distinct texts the real
        model embedded, of all), ``min_margin`` and the calibration's ``expected_agreement``.
    """

    vectors: np.ndarray
    labels: np.ndarray
    by_model: np.ndarray
    sample_rows: np.ndarray
    clustering: object
    stats: dict = field(default_factory=dict)


def student_margins(vectors, centroids, fences, center=None):
    """Groups and margins of (student) vectors against a clustering's centroids and fences.

    Returns
    -------
    labels : ndarray of int
        :func:`~nichefinder.cluster.assign_groups`' groups.
    margin : ndarray of float
        The smaller of the gap between the two most similar groups and the distance of the
        best similarity from that group's fence.

    Examples
    --------
    >>> import numpy as np
    >>> labels, margin = student_margins([[1.0, 0.0], [0.7, 0.72]], np.eye(2), [0.5, 0.5])
    >>> labels.tolist(), np.round(margin, 2).tolist()
    ([0, 1], [0.5, 0.02])
    """
    X = np.asarray(vectors, dtype=np.float32)
    labels, best = assign_groups(X, centroids, fences, center=center)
    C = np.asarray(centroids, dtype=np.float32)
    if C.shape[0] < 2 or X.shape[0] == 0:
        return labels, np.full(X.shape[0], np.inf)
    sims = centre_like(X.copy(), center) @ C.T
    top2 = np.partition(sims, -2, axis=1)[:, -2:]
    nearest = sims.argmax(axis=1)
    gap = top2[:, 1] - top2[:, 0]
    to_fence = np.abs(top2[:, 1] - np.asarray(fences, dtype=np.float64)[nearest])
    return labels, np.minimum(gap, to_fence)


def _calibrate(margin, agrees, target: float, weight=None) -> tuple[float, float]:
    """The smallest margin above which the student may place texts, and the agreement that
    gives on the held-out texts (those below go to the real model, which agrees); ``weight``
    counts each text's posts."""
    weight = np.ones(len(margin)) if weight is None else np.asarray(weight, dtype=np.float64)
    order = np.argsort(-margin, kind="stable")
    wrong = np.cumsum(np.where(agrees[order], 0.0, weight[order]))
    budget = (1.0 - target) * weight.sum()
    ok = np.flatnonzero(wrong <= budget + 1e-9)
    if not ok.size:
        return np.inf, 1.0
    k = ok[-1]
    return float(margin[order[k]]), 1.0 - wrong[k] / weight.sum()


def place_posts(
    texts: Sequence[str],
    embed: Callable[[list[str]], np.ndarray],
    cluster: Callable[[np.ndarray], object],
    *,
    sample_size: int,
    student: LinearStudent | None = None,
    target_agreement: float = TARGET_AGREEMENT,
    random_state=None,
    show_progress: bool = False,
) -> Placement:
    """Cluster a seeded sample embedded by the real model; place the other posts by a student.

    Parameters
    ----------
    texts : sequence of str
        Every post's text.
    embed : callable
        ``embed(texts) -> (len(texts), d)`` unit vectors of the real model (through the cache).
    cluster : callable
        ``cluster(X) -> Clustering`` of the sample's vectors (one row per sampled post), e.g.
        :func:`nichefinder.cluster.cluster_embeddings` with the run's options.
    sample_size : int
        Posts in the seeded sample.
    student : LinearStudent, optional
        The student (unfitted); ``LinearStudent()`` by default.
    target_agreement : float, default=0.985
        The share of posts whose group should equal the real model's (calibrated on held-out
        sample texts); ``1.0`` sends every text outside the sample to the real model.
    random_state : int, RandomState or None
    show_progress : bool, default False
        Log each step at INFO level.

    Returns
    -------
    Placement

    Examples
    --------
    >>> from nichefinder.cluster import cluster_embeddings  # doctest: +SKIP
    >>> placed = place_posts(texts, lambda t: embed_texts(t, cache=False),
    ...                      lambda X: cluster_embeddings(X, random_state=0),
    ...                      sample_size=30_000, random_state=0)  # doctest: +SKIP
    >>> placed.stats["real_model_share"]  # doctest: +SKIP
    0.12
    """
    if not 0.0 < target_agreement <= 1.0:
        raise InputError(f"target_agreement={target_agreement!r}; give a share in (0, 1]")
    say = log.info if show_progress else log.debug
    rng = check_random_state(random_state)
    unique, positions = unique_texts(texts)
    n, m = len(positions), len(unique)
    rows = np.sort(rng.choice(n, min(sample_size, n), replace=False))
    sampled = np.unique(positions[rows])
    say("embedding a sample of %d posts (%d distinct texts) with the real model", len(rows),
        len(sampled))
    known = np.zeros(m, dtype=bool)
    table = None

    def put(index, vectors, real=True):
        nonlocal table
        if table is None:
            table = np.zeros((m, vectors.shape[1]), dtype=np.float32)
        table[index] = vectors
        known[index] = real

    put(sampled, embed([unique[i] for i in sampled]))
    clustering = cluster(table[positions[rows]])
    C, F, center = clustering.centroids, clustering.fences, clustering.center
    rest = np.flatnonzero(~known)
    stats = {"posts": int(n), "unique_texts": int(m), "sample_posts": int(len(rows)),
             "sample_texts": int(len(sampled)), "placed_by_model": 0}
    if rest.size and C.shape[0] and target_agreement < 1.0 and len(sampled) >= 10:
        student = LinearStudent() if student is None else student
        f_sample = student.features([unique[i] for i in sampled])
        posts = np.bincount(positions, minlength=m)
        threshold, expected = _threshold(student, f_sample, table[sampled], posts[sampled],
                                         C, F, center, target_agreement, rng)
        student.fit(features=f_sample, targets=table[sampled])
        unsure = []
        for start in range(0, rest.size, _CHUNK):  # a chunk's features at a time: memory
            part = rest[start : start + _CHUNK]
            predicted = student.predict([unique[i] for i in part])
            _, margin = student_margins(predicted, C, F, center)
            put(part, predicted, real=False)
            unsure.append(part[margin < threshold])
        unsure = np.concatenate(unsure)
        say("the student places %d texts; %d (margin < %.3f) go to the real model",
            rest.size - unsure.size, unsure.size, threshold)
        if unsure.size:
            put(unsure, embed([unique[i] for i in unsure]))
        stats.update(placed_by_model=int(unsure.size),
                     min_margin=None if np.isinf(threshold) else round(threshold, 6),
                     expected_agreement=round(expected, 6))
    elif rest.size:
        put(rest, embed([unique[i] for i in rest]))
    labels, _ = assign_groups(table, C, F, center=center) if C.shape[0] else (
        np.full(m, -1, dtype=np.intp), None)
    stats["real_model_share"] = round(float(known.mean()), 6) if m else 1.0
    return Placement(table[positions], labels[positions], known[positions], rows, clustering,
                     stats)


def _threshold(student, features, targets, weight, C, F, center, target, rng):
    """Fit the student on four fifths of the sample's texts and calibrate the margin on the
    rest, each text weighing as many posts as it stands for (:func:`_calibrate`)."""
    order = rng.permutation(len(features))
    held = order[: max(1, int(_HELD_OUT * len(order)))]
    fit = order[len(held):]
    student.fit(features=features[fit], targets=targets[fit])
    real, _ = assign_groups(targets[held], C, F, center=center)
    placed, margin = student_margins(student.predict(features=features[held]), C, F, center)
    return _calibrate(margin, placed == real, target, weight[held])
