"""Density clustering: plain HDBSCAN on the PCA-reduced posts, never chosen silently.

On intent data it leaves far more noise than the default method and matches labels worse (see
:mod:`nichefinder.cluster.consensus` and ``benchmarks/README.md``), but it is there for those
who want density clustering: ``method="hdbscan"``.
"""

from __future__ import annotations

import logging

import numpy as np
from sklearn.utils import check_random_state

from ..exceptions import MissingDependencyError
from .geometry import number_by_size, reduce

__all__ = ["DensityClustering"]

logger = logging.getLogger(__name__)


class DensityClustering:
    """HDBSCAN (``min_cluster_size``, ``min_samples``) on the PCA-reduced unit rows.

    Parameters
    ----------
    min_cluster_size : int, default 5
    min_samples : int, optional
        Default ``max(2, min_cluster_size // 5)``.
    n_components : int, optional
        PCA dimensions. Default ``min(50, d, n - 1)``.
    random_state : int, RandomState or None
        Seeds the PCA fitting sample (HDBSCAN itself has no randomness).
    show_progress : bool, default False

    Attributes
    ----------
    labels_ : ndarray of int, shape (n,)
        Group of each row, numbered by size; ``-1`` is noise.
    parameters_ : dict
        What the plan records of this method.
    """

    def __init__(self, min_cluster_size=5, min_samples=None, *, n_components=None,
                 random_state=None, show_progress=False):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.n_components = n_components
        self.random_state = random_state
        self.show_progress = show_progress

    def fit(self, X) -> DensityClustering:
        """Group the rows of ``X`` (unit vectors)."""
        try:
            import hdbscan
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError(
                "method='hdbscan' needs the hdbscan package; pip install hdbscan"
            ) from exc
        say = logger.info if self.show_progress else logger.debug
        size = int(self.min_cluster_size)
        min_samples = self.min_samples if self.min_samples is not None else max(2, size // 5)
        Z, _ = reduce(np.asarray(X, dtype=np.float32), self.n_components,
                      check_random_state(self.random_state), say)
        model = hdbscan.HDBSCAN(
            min_cluster_size=size, min_samples=int(min_samples), core_dist_n_jobs=1
        ).fit(Z)
        self.labels_ = number_by_size(np.asarray(model.labels_, dtype=np.intp))
        self.parameters_ = {"merge_threshold": None, "n_micro": 0}
        say("HDBSCAN: %d groups, %.1f%% noise", self.labels_.max(initial=-1) + 1,
            100 * np.mean(self.labels_ < 0))
        return self
