"""A student of the real model: cheap vectors that predict the real model's vectors.

:class:`LinearStudent` embeds a text with a cheap embedder (by default the static token table
of :class:`~nichefinder.embed.StaticEmbedder`, some 50-100 times faster than the transformer)
and maps it linearly onto the real model's space; the map is a ridge regression fitted on
texts that the real model embedded. It places posts in groups that the real model's vectors
made (:mod:`nichefinder.place`); it does not make groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..exceptions import InputError, NotFittedError
from ..vectors import normalise_rows

__all__ = ["LinearStudent"]


class LinearStudent:
    """Cheap features mapped linearly onto a real model's unit vectors (ridge regression).

    Parameters
    ----------
    embedder : Embedder, optional
        The cheap embedder; ``None`` for the static table of the packaged model
        (:class:`~nichefinder.embed.StaticEmbedder`, distilled once on first use). When it
        has a ``features(texts)`` method (the static table: mean, peak and first-half
        pooling of the tokens), that is what is mapped; otherwise ``embed(texts)``.
    alpha : float, default=1.0
        Ridge penalty of the map.

    Attributes
    ----------
    coef_ : ndarray of shape (d_features + 1, d_model)
        The map, its last row the intercept.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> features = rng.normal(size=(200, 8)).astype(np.float32)
    >>> targets = features @ rng.normal(size=(8, 4))
    >>> student = LinearStudent(alpha=1e-3).fit(features=features, targets=targets)
    >>> predicted = student.predict(features=features)
    >>> bool(np.min((predicted * normalise_rows(targets)).sum(axis=1)) > 0.99)
    True
    """

    def __init__(self, embedder=None, *, alpha: float = 1.0):
        self.embedder = embedder
        self.alpha = alpha

    def __repr__(self) -> str:
        return f"LinearStudent(embedder={self.embedder!r}, alpha={self.alpha!r})"

    def features(self, texts: Sequence[str], batch_size: int = 4_096) -> np.ndarray:
        """The cheap embedder's vectors of ``texts`` (float32, one row per text)."""
        if self.embedder is None:
            from .static_backend import StaticEmbedder

            self.embedder = StaticEmbedder()
        featurise = getattr(self.embedder, "features", None) or self.embedder.embed
        parts = [np.asarray(featurise(list(texts[s : s + batch_size])), np.float32)
                 for s in range(0, len(texts), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def fit(self, texts: Sequence[str] | None = None, targets=None, *, features=None):
        """Fit the map from the cheap vectors of ``texts`` (or given ``features``) to ``targets``.

        Returns
        -------
        self
        """
        S = self.features(texts) if features is None else np.asarray(features, np.float32)
        R = np.asarray(targets, dtype=np.float64)
        if S.ndim != 2 or R.ndim != 2 or len(S) != len(R) or len(S) < 2:
            raise InputError(
                f"a student needs two or more texts with one target vector each; got features "
                f"{S.shape} and targets {R.shape}"
            )
        A = np.hstack([S.astype(np.float64), np.ones((len(S), 1))])
        gram = A.T @ A
        gram[np.diag_indices_from(gram)[0][:-1], np.diag_indices_from(gram)[1][:-1]] += self.alpha
        self.coef_ = np.linalg.solve(gram, A.T @ R).astype(np.float32)
        return self

    def predict(self, texts: Sequence[str] | None = None, *, features=None) -> np.ndarray:
        """Predicted unit vectors in the real model's space, one row per text."""
        if not hasattr(self, "coef_"):
            raise NotFittedError("LinearStudent is not fitted; call fit(texts, targets) first")
        S = self.features(texts) if features is None else np.asarray(features, np.float32)
        if len(S) == 0:
            return np.zeros((0, self.coef_.shape[1]), dtype=np.float32)
        return normalise_rows(S @ self.coef_[:-1] + self.coef_[-1])
