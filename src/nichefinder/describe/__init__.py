"""Describe: name each group (keywords, a label, typical posts) and draw the map of the posts.

:func:`describe_groups` gives each group its class-based TF-IDF keywords, a short label and its
representative posts (:mod:`~nichefinder.describe.keywords`); :func:`project_2d` lays the posts
out in 2-D, one island per group (:mod:`~nichefinder.describe.layout`).
"""

from .keywords import GroupDescription, class_tfidf, describe_groups
from .layout import project_2d

__all__ = ["GroupDescription", "class_tfidf", "describe_groups", "project_2d"]
