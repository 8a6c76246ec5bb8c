"""One exception tree for nichefinder.

Every error the library raises on purpose is a :class:`NicheFinderError`. Subclasses also
inherit the matching builtin, so ``except ValueError`` keeps working for callers who do not
know nichefinder (the pattern of ``networkx.exception``).

Messages say what was wrong, the value, and the fix, on one line, because the CLI prints
them as they are.
"""

from __future__ import annotations

__all__ = [
    "NicheFinderError",
    "InputError",
    "EmbeddingError",
    "MissingDependencyError",
    "NotFittedError",
    "StaffingError",
]


class NicheFinderError(Exception):
    """Base class of every error nichefinder raises on purpose."""


class InputError(NicheFinderError, ValueError):
    """A file, column, row or argument the user gave cannot be used.

    Attributes
    ----------
    path : str or None
        The file at fault, when there is one.
    row : int or None
        The 1-based data row (header excluded) at fault, when there is one.
    """

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None):
        super().__init__(message)
        self.path = path
        self.row = row


class EmbeddingError(NicheFinderError, RuntimeError):
    """The embedding model could not be loaded or produced unusable vectors."""


class MissingDependencyError(NicheFinderError, ImportError):
    """An optional dependency is needed for what was asked; the message names the install."""


class NotFittedError(NicheFinderError, ValueError, AttributeError):
    """An estimator was asked for results before it was fitted (as scikit-learn's
    ``NotFittedError``, also a ``ValueError`` and an ``AttributeError``)."""


class StaffingError(NicheFinderError, ValueError):
    """No feasible staffing exists; the message says which need cannot be covered and why."""
