"""Cluster: post embeddings into interest groups, and groups into themes.

:func:`cluster_embeddings` is the stage (:mod:`~nichefinder.cluster.clustering`): any estimator
with ``fit(X)`` and ``labels_`` groups the posts (:class:`Clusterer`; by name from
:data:`METHODS`: the default :class:`ConsensusClustering`, or :class:`DensityClustering`, plain
HDBSCAN), then the same noise fences, numbering and themes
(:mod:`~nichefinder.cluster.themes`) follow for every method. The :class:`Clustering` it returns
carries the centroids and fences that :func:`assign_groups` (:mod:`~nichefinder.cluster.assign`)
places new posts with.
"""

from .assign import assign_groups
from .clustering import (
    CONE_COSINE,
    METHODS,
    SAMPLE_SIZE,
    Clusterer,
    Clustering,
    check_method,
    cluster_embeddings,
)
from .confidence import Confidence
from .consensus import ConsensusClustering
from .density import DensityClustering
from .leiden import LeidenClustering
from .themes import THEME_PIECES

__all__ = [
    "CONE_COSINE",
    "METHODS",
    "SAMPLE_SIZE",
    "THEME_PIECES",
    "Clusterer",
    "Clustering",
    "Confidence",
    "ConsensusClustering",
    "DensityClustering",
    "LeidenClustering",
    "assign_groups",
    "check_method",
    "cluster_embeddings",
]
