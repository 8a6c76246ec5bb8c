"""Frozen results: what a plan is made of (:mod:`~nichefinder.results.plan`) and an update of
it (:mod:`~nichefinder.results.update`).

Every stage returns plain data; these classes are the shapes that leave the library. They are
immutable (``frozen=True``) so a plan handed to a renderer or a notebook cannot drift from the
``plan.json`` it was written to. A group id of ``-1`` (:data:`NOISE`) means *noise*: posts that
belong to no interest group.
"""

from .confidence import FeedConfidence
from .plan import (
    CENTROIDS_FILE,
    NOISE,
    SCHEMA_VERSION,
    Feed,
    Group,
    Plan,
    Score,
    StaffRole,
    Summary,
    to_builtins,
)
from .update import ASSIGNMENT_COLUMNS, VERDICTS, NewGroup, Update, UpdateSummary

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "CENTROIDS_FILE",
    "NOISE",
    "SCHEMA_VERSION",
    "VERDICTS",
    "Feed",
    "FeedConfidence",
    "Group",
    "NewGroup",
    "Plan",
    "Score",
    "StaffRole",
    "Summary",
    "Update",
    "UpdateSummary",
    "to_builtins",
]
