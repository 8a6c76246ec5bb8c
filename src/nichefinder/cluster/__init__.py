"""Cluster: post embeddings into interest groups, and groups into themes.

:func:`cluster_embeddings` is the stage and returns a :class:`Clustering` (one group per post,
``-1`` for noise, a theme per group, and the centroids and fences that
:func:`assign_groups` places new posts with).
"""

from .clustering import Clustering, assign_groups, cluster_embeddings

__all__ = ["Clustering", "assign_groups", "cluster_embeddings"]
