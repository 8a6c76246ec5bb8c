"""nichefinder: turn what an audience actually says into a social-channel plan.

Run as many feeds as there are identifiable, substantial and genuine interest groups in the
audience's own conversations, no more, and staff each from whoever in the business has the
expertise.

Examples
--------
>>> import nichefinder
>>> plan = nichefinder.plan("sample_data/conversations.csv",
...                         staff="sample_data/staff.csv", random_state=0)  # doctest: +SKIP
>>> plan.to_frame("feeds")  # doctest: +SKIP
"""

import logging

__version__ = "0.1.0"

# the library logs, the application decides where to (the CLI sets its handlers)
logging.getLogger(__name__).addHandler(logging.NullHandler())

from .exceptions import (  # noqa: E402
    EmbeddingError,
    InputError,
    MissingDependencyError,
    NicheFinderError,
    NotFittedError,
    StaffingError,
)
from .results import NOISE, Feed, Group, Plan, Score, StaffRole, Summary  # noqa: E402


def __getattr__(name):
    # the heavy stages (torch, hdbscan) load on first use, so `nichefinder --help` stays fast
    lazy = {
        "plan": ("pipeline", "plan"),
        "NicheFinder": ("pipeline", "NicheFinder"),
        "load_conversations": ("ingest", "load_conversations"),
        "embed_texts": ("embed", "embed_texts"),
        "embed_distributed": ("distributed", "embed_distributed"),
        "DaskAssigner": ("distributed", "DaskAssigner"),
        "cluster_embeddings": ("cluster", "cluster_embeddings"),
        "describe_groups": ("describe", "describe_groups"),
        "score_groups": ("score", "score_groups"),
        "recommend_feeds": ("feeds", "recommend_feeds"),
        "load_staff": ("staff", "load_staff"),
        "assign_staff": ("staff", "assign_staff"),
        "write_plan": ("report", "write_plan"),
        "read_plan": ("report", "read_plan"),
        "render_markdown": ("report", "render_markdown"),
        "update_plan": ("update", "update_plan"),
        "write_update": ("report", "write_update"),
        "Update": ("results", "Update"),
    }
    if name in lazy:
        import importlib

        module, attr = lazy[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'nichefinder' has no attribute {name!r}")


__all__ = [
    "__version__",
    "plan",
    "NicheFinder",
    "Plan",
    "Group",
    "Feed",
    "Score",
    "StaffRole",
    "Summary",
    "NOISE",
    "NicheFinderError",
    "InputError",
    "EmbeddingError",
    "MissingDependencyError",
    "NotFittedError",
    "StaffingError",
    "load_conversations",
    "embed_texts",
    "embed_distributed",
    "DaskAssigner",
    "cluster_embeddings",
    "describe_groups",
    "score_groups",
    "recommend_feeds",
    "load_staff",
    "assign_staff",
    "write_plan",
    "read_plan",
    "render_markdown",
    "update_plan",
    "write_update",
    "Update",
]
