"""The embedding cache: vectors kept in SQLite by model and text hash, shared by every run.

Every batch is committed as soon as it is computed, so an interrupted run resumes without
re-embedding what it finished. Several processes may share one cache: the database runs in WAL
mode (readers never wait for the writer), each batch is one short ``BEGIN IMMEDIATE``
transaction, a busy database is waited for (``busy_timeout``) and a write that still finds it
locked is retried. A cache file that is not a database any more is moved aside
(``embeddings.sqlite.corrupt-<time>``) with a warning and a new one is started; a cached vector
of the wrong size is treated as missing and embedded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..exceptions import EmbeddingError

__all__ = ["EmbeddingCache", "default_cache_path", "opened_cache"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 60.0
"""How long a statement waits for another process's write before it fails."""
N_TRIES = 5
"""Attempts of a write that still finds the database locked after the busy timeout."""
WRITE_ROWS = 2_000
"""Vectors written per transaction: short transactions keep other writers' waits short."""


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
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and _locked(exc):
                raise EmbeddingError(f"the embedding cache {self.path} stayed locked by another "
                                     f"process; try again, or use --no-cache") from None
            self._move_aside(exc)
            self._db = self._open()
        self.hits = 0
        self.misses = 0

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            _retry(lambda: db.execute("PRAGMA journal_mode=WAL").fetchall())
            _retry(lambda: db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, dim INTEGER, "
                "vec BLOB, PRIMARY KEY (model, key)) WITHOUT ROWID"))
            db.execute("SELECT count(*) FROM (SELECT 1 FROM vectors LIMIT 1)").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(self.path) + suffix)
            if part.exists():
                os.replace(part, Path(str(aside) + suffix))
        log.warning("the embedding cache %s could not be read (%s); moved it to %s and started "
                    "a new one", self.path, exc, aside.name)

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def get(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE model=? AND key IN ({marks})",
                [model, *chunk],
            ).fetchall()
            for key, dim, blob in rows:
                if _well_formed(dim, blob):
                    found[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
        dims = Counter(v.shape[0] for v in found.values())
        if len(dims) > 1:
            usual = dims.most_common(1)[0][0]
            found = {k: v for k, v in found.items() if v.shape[0] == usual}
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
            others = []  # rows whose size differs from the first one's
            for pos, dim, blob in rows:
                if not _well_formed(dim, blob):
                    others.append((pos, -1, blob))
                    continue
                if table is None:
                    table = np.zeros((len(keys), dim), dtype=np.float32)
                elif dim != table.shape[1]:
                    others.append((pos, dim, blob))
                    continue
                table[pos] = np.frombuffer(blob, dtype=np.float32, count=dim)
                found[pos] = True
            if others:
                table, found = _usual_size(table, found, others)
        finally:
            db.execute("DROP TABLE IF EXISTS temp.wanted")
        return table, found

    def put(self, model: str, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store vectors, in short write transactions (retried while another process writes).

        A write that cannot get the database after every retry is skipped with a warning: the
        vectors are still returned to the run, only not kept for the next one.
        """
        rows = [(model, k, v.shape[0], v.astype(np.float32).tobytes())
                for k, v in zip(keys, vectors, strict=False)]
        for start in range(0, len(rows), WRITE_ROWS):
            chunk = rows[start : start + WRITE_ROWS]
            try:
                _retry(lambda chunk=chunk: self._write(chunk))
            except sqlite3.OperationalError as exc:
                log.warning("could not write %d vector(s) to the embedding cache %s (%s); they "
                            "will be embedded again next time", len(chunk), self.path, exc)

    def _write(self, rows: list) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()


def _locked(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retry(action, tries: int = N_TRIES):
    """Run ``action``, again after a growing pause while the database is locked or busy."""
    for attempt in range(tries):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _locked(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    return None


def _usual_size(table, found, others):
    """Keep the vectors of the most common size; the rest count as not cached (embedded again
    and replaced)."""
    sizes = Counter(dim for _, dim, _ in others if dim > 0)
    if sizes and sizes.most_common(1)[0][1] > int(found.sum()):
        dim = sizes.most_common(1)[0][0]
        log.warning("%d cached vector(s) had another size than most; embedding them again",
                    int(found.sum()) + len(others) - sizes[dim])
        table = np.zeros((len(found), dim), dtype=np.float32)
        found = np.zeros_like(found)
        for pos, d, blob in others:
            if d == dim:
                table[pos] = np.frombuffer(blob, dtype=np.float32, count=dim)
                found[pos] = True
        return table, found
    log.warning("%d cached vector(s) had the wrong size; embedding them again", len(others))
    return table, found


def _well_formed(dim, blob) -> bool:
    return isinstance(dim, int) and dim > 0 and isinstance(blob, bytes) and len(blob) == 4 * dim


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
