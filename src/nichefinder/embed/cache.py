"""The embedding cache: vectors kept in SQLite by model and text hash, shared by every run.

Every batch is committed as soon as it is computed, so an interrupted run resumes without
re-embedding what it finished.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "default_cache_path", "opened_cache"]


def default_cache_path() -> Path:
    """Where the embedding cache lives: ``$NICHEFINDER_CACHE`` or ``~/.cache/nichefinder``."""
    root = os.environ.get("NICHEFINDER_CACHE") or Path.home() / ".cache" / "nichefinder"
    return Path(root) / "embeddings.sqlite"


class EmbeddingCache:
    """Persistent store of vectors keyed by ``(model, sha256(text))`` in SQLite.

    Parameters
    ----------
    path : path-like, optional
        The database file; :func:`default_cache_path` by default.
    """

    def __init__(self, path=None):
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, dim INTEGER, vec BLOB, "
            "PRIMARY KEY (model, key)) WITHOUT ROWID"
        )
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for key, dim, blob in self._db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE model=? AND key IN ({marks})",
                [model, *chunk],
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
        return found

    def lookup(self, model: str, keys: Sequence[bytes]) -> tuple[np.ndarray | None, np.ndarray]:
        """Cached vectors of ``keys`` as one matrix: ``(table, found)``.

        ``table`` is ``(len(keys), d)`` float32 with the cached rows filled (``None`` when
        nothing is cached) and ``found`` a boolean mask of those rows. The keys go into a
        temporary table joined with the store, which reads a million vectors several times
        faster than ``get``'s ``IN (...)`` lists and builds no per-row objects.
        """
        found = np.zeros(len(keys), dtype=bool)
        table = None
        if not keys:
            return table, found
        db = self._db
        db.execute("DROP TABLE IF EXISTS temp.wanted")
        db.execute("CREATE TEMP TABLE wanted (key BLOB PRIMARY KEY, pos INTEGER) WITHOUT ROWID")
        try:
            db.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?, ?)",
                           zip(keys, range(len(keys)), strict=True))
            rows = db.execute(
                "SELECT w.pos, v.dim, v.vec FROM temp.wanted w JOIN vectors v "
                "ON v.model = ? AND v.key = w.key",
                [model],
            )
            for pos, dim, blob in rows:
                if table is None:
                    table = np.zeros((len(keys), dim), dtype=np.float32)
                table[pos] = np.frombuffer(blob, dtype=np.float32, count=dim)
                found[pos] = True
        finally:
            db.execute("DROP TABLE IF EXISTS temp.wanted")
        return table, found

    def put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [
                    (model, k, v.shape[0], v.astype(np.float32).tobytes())
                    for k, v in zip(keys, vectors, strict=False)
                ],
            )

    def close(self) -> None:
        self._db.close()


@contextlib.contextmanager
def opened_cache(cache):
    """The cache that ``cache`` names, for a ``with`` block; ``None`` when caching is off.

    Parameters
    ----------
    cache : bool, path or EmbeddingCache
        ``True`` opens the cache at :func:`default_cache_path`, a path opens that file (both are
        closed when the block ends), an :class:`EmbeddingCache` is used as it is (and left
        open), ``False`` gives ``None``.

    Examples
    --------
    >>> with opened_cache(False) as store:
    ...     print(store)
    None
    """
    if cache is False:
        yield None
    elif isinstance(cache, EmbeddingCache):
        yield cache
    else:
        store = EmbeddingCache(None if cache is True else cache)
        try:
            yield store
        finally:
            store.close()
