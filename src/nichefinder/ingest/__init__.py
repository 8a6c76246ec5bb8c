"""Ingest: read conversation files into one validated table.

The readers of :mod:`nichefinder.ingest.readers` turn each file (CSV, JSON Lines, Parquet or a
social-platform export, detected from its content) into rows; :mod:`~nichefinder.ingest.
conversations` validates them into :class:`Conversations`: every input row ends up either in
``posts`` or in ``rejects`` with its reason and original content. Column names are recognised
across platforms and listening tools (:mod:`~nichefinder.ingest.columns`); workbooks and
compressed files are unpacked into their inputs (:mod:`~nichefinder.ingest.containers`).
"""

from .columns import ALIASES
from .conversations import (
    COLUMNS,
    REJECT_COLUMNS,
    Conversations,
    as_conversations,
    check_inputs,
    load_conversations,
    parse_columns,
)
from .readers import FORMATS

__all__ = [
    "ALIASES",
    "COLUMNS",
    "FORMATS",
    "REJECT_COLUMNS",
    "Conversations",
    "as_conversations",
    "check_inputs",
    "load_conversations",
    "parse_columns",
]
