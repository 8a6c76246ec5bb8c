"""Ingest: read conversation files into one validated table.

The readers of :mod:`nichefinder.ingest.readers` turn each file (CSV, JSON Lines, Parquet or a
social-platform export, detected from its content) into rows; :mod:`~nichefinder.ingest.
conversations` validates them into :class:`Conversations`: every input row ends up either in
``posts`` or in ``rejects`` with its reason and original content.
"""

from .conversations import (
    COLUMNS,
    REJECT_COLUMNS,
    Conversations,
    as_conversations,
    load_conversations,
    parse_columns,
)
from .readers import FORMATS

__all__ = [
    "COLUMNS",
    "FORMATS",
    "REJECT_COLUMNS",
    "Conversations",
    "as_conversations",
    "load_conversations",
    "parse_columns",
]
