"""Embed texts: L2-normalised vectors of posts, never computing one twice.

:func:`embed_texts` prepares each text (:func:`normalize_text`), merges exact and near-exact
copies (:func:`unique_texts`), looks each one up in the
:class:`~nichefinder.embed.cache.EmbeddingCache` and embeds only the misses, in batches.
:func:`load_embeddings` reads precomputed vectors instead.
"""

from __future__ import annotations

import html
import logging
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..exceptions import EmbeddingError, InputError
from ..vectors import normalise_rows
from .cache import EmbeddingCache, opened_cache
from .embedders import get_embedder

__all__ = [
    "check_vectors",
    "embed_posts",
    "embed_texts",
    "embedding_stats",
    "load_embeddings",
    "normalize_text",
    "progress_bar",
    "unique_texts",
    "unit_rows",
]

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://\S+|www\.\S+")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MENTION = re.compile(r"(?<![\w.@/])@\w+(?:@[\w-]+(?:\.[\w-]+)+)?")
_RETWEET = re.compile(r"^(?:(?:rt|repost(?:ed)?)\s+@user\b\s*:?\s*)+", re.IGNORECASE)
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


def unique_texts(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts to embed, and each input text's position among them.

    Texts are normalised (:func:`normalize_text`, which already makes links and @mentions
    alike and collapses whitespace); near-exact copies are then merged: a retweet or repost
    prefix (``RT @ann: ...``) is dropped and case is ignored, so a retweet, a copy-pasted
    campaign post and a shouted variant of one text are embedded once. Each distinct text is
    embedded as its first occurrence reads (without the prefix). The packaged model is
    uncased, so ignoring case changes no vector; a cased model gives the first spelling's
    vector to every spelling.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    unique : list of str
        Distinct texts, in order of first occurrence.
    positions : ndarray of int, shape (len(texts),)
        ``unique[positions[i]]`` stands for ``texts[i]``.

    Examples
    --------
    >>> unique, positions = unique_texts(
    ...     ["Parcel late again https://t.co/a", "RT @ann: parcel late again http://b.co",
    ...      "PARCEL  LATE AGAIN https://x.io", "refund please"])
    >>> unique, positions.tolist()
    (['Parcel late again link', 'refund please'], [0, 0, 0, 1])
    """
    index: dict[str, int] = {}
    unique: list[str] = []
    positions = np.empty(len(texts), dtype=np.intp)
    for i, text in enumerate(texts):
        clean = normalize_text(str(text))
        if "@user" in clean[:40]:
            clean = _RETWEET.sub("", clean) or clean
        key = clean.lower()
        at = index.get(key)
        if at is None:
            at = index[key] = len(unique)
            unique.append(clean)
        positions[i] = at
    return unique, positions

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
    show_progress : bool or callable, default=False
        A progress bar on stderr (:func:`progress_bar`).

    Returns
    -------
    numpy.ndarray
        ``(len(texts), d)`` float32 unit vectors, in the order of ``texts``. Identical and
        near-exact copies (:func:`unique_texts`) are embedded once.

    Examples
    --------
    >>> vectors = embed_texts(["parcel late again", "refund please"], cache=False)  # doctest: +SKIP
    >>> vectors.shape  # doctest: +SKIP
    (2, 384)
    """
    embedder = get_embedder(model, show_progress=show_progress)
    unique, positions = unique_texts(texts)
    with opened_cache(cache) as store:
        table = _lookup_or_embed(unique, embedder, store, batch_size, show_progress)
    log.debug("embedded %d texts as %d unique", len(texts), len(unique))
    if not unique:
        return np.zeros((0, 0), dtype=np.float32)
    if len(unique) == len(positions):  # no repeated text: rows already in input order
        return table
    return table[positions]


def _lookup_or_embed(unique, embedder, store, batch_size, show_progress):
    """Vectors of the ``unique`` texts: the cached ones from ``store``, the others embedded in
    batches (each stored as soon as it is computed). ``None`` when there are no texts."""
    keys = [EmbeddingCache.key(t) for t in unique]
    table, found = store.lookup(embedder.name, keys) if store is not None else (None, None)
    todo = np.flatnonzero(~found) if found is not None else np.arange(len(unique))
    if store is not None:
        store.hits += len(unique) - len(todo)
        store.misses += len(todo)
    log.info("embedding %d unique texts (%d cached)", len(unique), len(unique) - len(todo))
    progress = progress_bar(len(todo), show_progress)
    start = 0
    while start < len(todo):
        batch = todo[start : start + batch_size]
        start += len(batch)
        vectors = check_vectors(embedder.embed([unique[i] for i in batch]), len(batch),
                                embedder.name)
        if store is not None:
            store.put(embedder.name, [keys[i] for i in batch], vectors)
        if table is not None and table.shape[1] != vectors.shape[1]:
            # the cached vectors have another size than the model's: embed those again too
            log.warning("cached vectors of %s have %d dimensions, the model %d; embedding "
                        "them again", embedder.name, table.shape[1], vectors.shape[1])
            todo = np.concatenate([todo, np.flatnonzero(found)])
            found[:] = False
            table = None
        if table is None:
            table = np.zeros((len(unique), vectors.shape[1]), dtype=np.float32)
        table[batch] = vectors
        progress(len(batch))
    return table


def embed_posts(texts, model=None, *, cache=True, show_progress=False, embed=None):
    """Embed posts through the cache and count what came from it.

    Parameters
    ----------
    texts : sequence of str
    model : str, path or Embedder, optional
    cache : bool, path or EmbeddingCache, default True
        As for :func:`embed_texts`; a cache opened here is closed again.
    show_progress : bool or callable, default False
    embed : callable, optional
        ``embed(texts, model, cache=..., show_progress=...) -> vectors``; :func:`embed_texts` by
        default, :func:`nichefinder.distributed.embed_distributed` on a Dask cluster.

    Returns
    -------
    vectors : numpy.ndarray
    stats : dict
        The :func:`embedding_stats` record of this step.
    """
    embed = embed or embed_texts
    with opened_cache(cache) as store:
        before = (store.hits, store.misses) if store is not None else (0, 0)
        vectors = embed(texts, model, cache=False if store is None else store,
                        show_progress=show_progress)
        stats = embedding_stats(len(texts), store, before)
    return vectors, stats


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



def check_vectors(vectors: np.ndarray, n: int, model_name: str) -> np.ndarray:
    """``vectors`` when they are ``n`` rows of finite numbers; otherwise an
    :class:`EmbeddingError` naming the model."""
    if vectors.ndim != 2 or len(vectors) != n or not np.isfinite(vectors).all():
        raise EmbeddingError(f"model {model_name!r} returned unusable vectors")
    return vectors


def progress_bar(total: int, show, label: str = "embedding"):
    """A step function ``step(n)`` that advances a progress bar of ``total`` items by ``n``.

    Parameters
    ----------
    total : int
    show : bool or callable
        ``False`` (or nothing to do): no bar, the step does nothing. A callable
        ``show(total, label) -> step`` draws the bar (the command line passes one drawn with
        click); ``True``: a plain line on stderr, redrawn in place, with the time left at the
        rate so far.
    label : str

    Examples
    --------
    >>> step = progress_bar(10, False)
    >>> step(5) is None
    True
    """
    if not show or total == 0:
        return lambda n: None
    if callable(show):
        return show(total, label)
    done, start = [0], time.monotonic()

    def step(n: int) -> None:
        done[0] += n
        elapsed = time.monotonic() - start
        left = elapsed / done[0] * (total - done[0]) if done[0] else 0.0
        eta = f", {left:,.0f} s left" if done[0] < total else f", {elapsed:,.0f} s"
        sys.stderr.write(f"\r{label}: {done[0]:,} of {total:,} ({done[0] / total:.0%}{eta})")
        if done[0] >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

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
    return normalise_rows(array)
