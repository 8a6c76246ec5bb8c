"""Assignment on the workers of a Dask cluster: :func:`nichefinder.cluster.assign_groups`
over row blocks."""

from __future__ import annotations

import logging

import numpy as np

from ..exceptions import InputError
from .client import require_distributed, stream

__all__ = ["CHUNK_ROWS", "DaskAssigner"]

log = logging.getLogger(__name__)

#: Rows per assignment task: 65,536 x 384 float32 is 96 MiB.
CHUNK_ROWS = 65_536


def _assign_block(block, centroids, fences, assign_noise):
    """:func:`~nichefinder.cluster.assign_groups` on one block of rows, on a worker."""
    from ..cluster import assign_groups

    if block.shape[0] and not block.any():
        # a block of zero vectors alone would be refused; a unit row beside it changes nothing
        pad = np.zeros((1, block.shape[1]), dtype=block.dtype)
        pad[0, 0] = 1.0
        labels, similarity = assign_groups(
            np.vstack([pad, block]), centroids, fences, assign_noise=assign_noise
        )
        return labels[1:], similarity[1:]
    return assign_groups(block, centroids, fences, assign_noise=assign_noise)


class DaskAssigner:
    """:func:`nichefinder.cluster.assign_groups` run over row blocks on a Dask cluster.

    An instance is a drop-in ``assign`` callable (same signature and results) for
    :func:`nichefinder.cluster.cluster_embeddings` and ``assigner`` for
    :class:`nichefinder.pipeline.NicheFinder`. Centroids and fences are sent to every worker
    once per call; the blocks are sent one each and the labels come back in row order.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster.
    chunk_rows : int, default=65536
        Rows per task.

    Examples
    --------
    >>> assign = DaskAssigner(client)  # doctest: +SKIP
    >>> labels, similarity = assign(X, clustering.centroids, clustering.fences)  # doctest: +SKIP
    >>> NicheFinder(sample_size=30_000, assigner=assign, random_state=0)  # doctest: +SKIP
    """

    def __init__(self, client, *, chunk_rows: int = CHUNK_ROWS):
        self.client = client
        self.chunk_rows = chunk_rows

    def __repr__(self) -> str:
        return f"DaskAssigner(chunk_rows={self.chunk_rows})"

    def __call__(self, embeddings, centroids, fences, *, assign_noise: bool = True):
        """Assign rows to groups; see :func:`nichefinder.cluster.assign_groups`.

        Returns
        -------
        labels : ndarray of int, shape (n,)
        similarity : ndarray of float32, shape (n,)
        """
        from ..cluster import assign_groups

        require_distributed()
        step = self.chunk_rows
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise InputError(f"chunk_rows must be an integer >= 1; got {step!r}")
        try:
            X = np.asarray(embeddings, dtype=np.float32)
            C = np.asarray(centroids, dtype=np.float32)
            F = np.asarray(fences, dtype=np.float64)
        except (TypeError, ValueError):
            X = None
        if X is None or X.ndim != 2 or not X.shape[0] or C.ndim != 2 or not C.shape[0] \
                or not np.isfinite(X).all() or not X.any():
            # nothing to distribute, or input assign_groups refuses: the same answer or error
            return assign_groups(embeddings, centroids, fences, assign_noise=assign_noise)
        assign_groups(X[:1], C, F, assign_noise=assign_noise)  # shapes fit, else its error
        centroids_f, fences_f = self.client.scatter([C, F], broadcast=True, hash=False)
        n = X.shape[0]
        blocks = [X[s : s + step] for s in range(0, n, step)]
        labels = np.empty(n, dtype=np.intp)
        similarity = np.empty(n, dtype=np.float32)
        log.info("assigning %d rows in %d blocks on the cluster", n, len(blocks))
        try:
            for index, (lab, sim) in stream(
                self.client, _assign_block, blocks, centroids_f, fences_f, assign_noise,
                name="assign", scatter=True,
            ):
                rows = slice(index * step, index * step + len(lab))
                labels[rows] = lab
                similarity[rows] = sim
        finally:
            self.client.cancel([centroids_f, fences_f])
        return labels, similarity
