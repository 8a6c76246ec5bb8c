"""Unit vectors: the one place rows are scaled to length 1.

Cosine geometry runs through every stage (embedding, clustering, judging, feeds, staffing), and
each needs rows of length one; :func:`normalise_rows` is that step, with all-zero rows kept at
zero (a zero vector has no direction); :func:`unit_vector` does the same for one vector.

Examples
--------
>>> normalise_rows([[3.0, 4.0], [0.0, 0.0]])
array([[0.6, 0.8],
       [0. , 0. ]])
"""

from __future__ import annotations

import numpy as np

__all__ = ["normalise_rows", "unit_vector"]


def normalise_rows(rows, dtype=None) -> np.ndarray:
    """``rows`` divided by their Euclidean lengths; all-zero rows stay zero.

    Parameters
    ----------
    rows : array-like of shape (n, d)
    dtype : numpy dtype, optional
        Convert to this type first (the result keeps the type of ``rows`` otherwise).

    Returns
    -------
    numpy.ndarray of shape (n, d)
    """
    rows = np.asarray(rows, dtype=dtype)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1, norms)


def unit_vector(vector) -> np.ndarray:
    """One vector divided by its length; the zero vector stays zero.

    Examples
    --------
    >>> unit_vector([0.0, 2.0])
    array([0., 1.])
    """
    vector = np.asarray(vector)
    return vector / (np.linalg.norm(vector) or 1.0)
