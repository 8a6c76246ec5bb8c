"""The static backend: a token table distilled from the packaged all-MiniLM-L6-v2.

:func:`distill_static` embeds every vocabulary token once (model2vec-style) and keeps a reduced,
SIF-weighted table in the models cache of :mod:`nichefinder.embed.backends`;
:class:`StaticEmbedder` averages a text's token rows, with numpy and the tokenizer only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..exceptions import EmbeddingError
from ..vectors import normalise_rows, unit_vector
from .backends import (
    artefact_dir,
    atomic_target,
    build_lock,
    check_mean_pooling,
    load_tokenizer,
    load_transformer,
    resolve_model,
)

__all__ = ["StaticEmbedder", "distill_static"]

log = logging.getLogger(__name__)


def distill_static(model=None, *, n_dims: int = 256, sif_coefficient: float = 1e-4,
                   cache_folder=None, batch_size: int = 512) -> Path:
    """Distil a static token table from the model once (model2vec-style); return the ``.npz``.

    Every vocabulary token is embedded as a one-token sentence (``[CLS] token [SEP]``, mean
    pooled, as the model embeds a sentence); the table is reduced with PCA to ``n_dims``
    dimensions and each row scaled by a SIF weight ``a / (a + p)``, where ``p`` is a Zipf
    estimate of the token's frequency from its vocabulary rank (the words of a BERT
    vocabulary are roughly in frequency order), so that "the", "my", "I" weigh little.
    Special tokens get zero rows.

    Parameters
    ----------
    model : str or path, optional
        ``None`` for the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder.
    n_dims : int, default=256
        PCA dimensions kept (at most the model's width).
    sif_coefficient : float, default=1e-4
        The ``a`` of the SIF weight; smaller down-weights frequent tokens more.
    cache_folder : path, optional
        Root of the artefacts; :func:`models_cache_dir` by default.
    batch_size : int, default=512
        Tokens per forward pass during distillation.

    Returns
    -------
    pathlib.Path
        An ``.npz`` with ``vectors`` (vocab, n_dims) float32 and ``keep`` (vocab,) bool.

    Examples
    --------
    >>> distill_static().name  # doctest: +SKIP
    'static-256-a0.0001.npz'
    """

    _, path = resolve_model(model)
    check_mean_pooling(path)
    folder = artefact_dir(path, cache_folder)
    target = folder / f"static-{n_dims}-a{sif_coefficient:g}.npz"
    if target.is_file():
        return target
    with build_lock(folder):  # another process may be distilling it: wait, then look again
        if not target.is_file():
            _distill(path, target, n_dims, sif_coefficient, batch_size)
    return target


def _distill(path: Path, target: Path, n_dims: int, sif_coefficient: float,
             batch_size: int) -> None:
    """Write the static table of the model at ``path`` to ``target`` (see distill_static)."""
    import torch
    from sklearn.decomposition import PCA

    log.info("distilling a static %d-dimension table from %s (once)", n_dims, path)
    tokenizer = load_tokenizer(path, None)
    vocab_size = tokenizer.get_vocab_size()
    special = {tokenizer.token_to_id(t) for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")}
    special.discard(None)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    if cls_id is None or sep_id is None:
        raise EmbeddingError(
            f"model {path} has no [CLS]/[SEP] tokens; the static backend needs a BERT-style "
            "vocabulary; use the onnx backends or the plain model"
        )
    transformer = load_transformer(path)
    table = np.zeros((vocab_size, transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, vocab_size, batch_size):
            token_ids = torch.arange(start, min(start + batch_size, vocab_size))
            cls, sep = torch.full_like(token_ids, cls_id), torch.full_like(token_ids, sep_id)
            ids = torch.stack([cls, token_ids, sep], 1)
            hidden = transformer(input_ids=ids, attention_mask=torch.ones_like(ids))
            hidden = hidden.last_hidden_state
            table[start : start + len(token_ids)] = hidden.mean(1).numpy()
    keep = np.ones(vocab_size, dtype=bool)
    keep[list(special)] = False
    n_dims = min(n_dims, table.shape[1])
    reduced = np.zeros((vocab_size, n_dims), dtype=np.float32)
    reduced[keep] = PCA(n_components=n_dims, svd_solver="full", random_state=0).fit_transform(
        table[keep].astype(np.float64)
    ).astype(np.float32)
    proba = _zipf_proba(tokenizer, vocab_size)
    reduced *= (sif_coefficient / (sif_coefficient + proba)).astype(np.float32)[:, None]
    reduced[~keep] = 0
    tmp = atomic_target(target)
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, vectors=reduced, keep=keep)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _zipf_proba(tokenizer, vocab_size: int) -> np.ndarray:
    """Estimated token frequencies from vocabulary rank (Zipf), with no corpus.

    A BERT vocabulary lists unused slots and single characters first and the words from ``the``
    on, roughly by frequency: words get rank ``id - id('the') + 1``; the earlier entries count
    as rank 50 (punctuation is common, most lone characters are not).
    """
    first_word = tokenizer.token_to_id("the") or 0
    ids = np.arange(vocab_size, dtype=np.float64)
    rank = np.where(ids >= first_word, ids - first_word + 1, 50.0)
    return (1 / rank) / (1 / rank).sum()


class StaticEmbedder:
    """Static token vectors distilled from all-MiniLM-L6-v2: a text is the mean of its tokens.

    About 50-100x faster than the transformer on a CPU and needs only numpy and the tokenizer
    at inference; groups come out somewhat less clean (see ``benchmarks/README.md``). Word
    order is ignored. A text with no known token (empty, only symbols) gets the normalised mean
    of the whole table, the same vector for every such text.

    Parameters
    ----------
    model : str or path, optional
        ``None`` for the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder.
    n_dims : int, default=256
        Dimensions of the distilled table.
    cache_folder : path, optional
        Where the distilled table is kept; :func:`models_cache_dir` by default.
    show_progress : bool, default=False
        Kept for symmetry with the plain adapter.

    Attributes
    ----------
    name : str
        Cache key of the vectors, e.g. ``"all-MiniLM-L6-v2:static256"``.
    path_ : pathlib.Path
        The distilled ``.npz`` table in use, set on first :meth:`embed`.

    Examples
    --------
    >>> emb = StaticEmbedder()  # doctest: +SKIP
    >>> emb.embed(["where is my parcel"]).shape  # doctest: +SKIP
    (1, 256)
    """

    def __init__(self, model=None, *, n_dims=256, cache_folder=None, show_progress=False):
        self.model = model
        self.n_dims = n_dims
        self.cache_folder = cache_folder
        self.show_progress = show_progress
        base, _ = resolve_model(model)
        self.name = f"{base}:static{n_dims}"
        self._vectors = None

    def _load(self):
        if self._vectors is None:
            _, path = resolve_model(self.model)
            self.path_ = distill_static(
                self.model, n_dims=self.n_dims, cache_folder=self.cache_folder
            )
            with np.load(self.path_) as data:
                vectors, keep = data["vectors"], data["keep"]
            self._keep = keep
            self._vectors = vectors
            fallback = vectors[keep].mean(0)
            self._fallback = unit_vector(fallback)
            # the static model reads the whole text; 512 pieces keeps one call cheap
            self._tokenizer = load_tokenizer(path, 512)
        return self._vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an ``(n, n_dims)`` float32 array of unit vectors."""
        flat, lengths = self._token_ids(texts)
        return self._mean(flat, lengths)

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """Richer cheap features: the mean of a text's token rows (:meth:`embed`), the
        largest absolute value of each dimension over its tokens, and the mean of its first
        half of tokens (a little word order); each part a unit vector, ``(n, 3 * n_dims)``.

        What :class:`~nichefinder.embed.student.LinearStudent` maps onto the real model.
        """
        flat, lengths = self._token_ids(texts)
        n, vectors = len(lengths), self._vectors
        peak = np.zeros((n, vectors.shape[1]), dtype=np.float32)
        has = lengths > 0
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        half = lengths // 2 + (lengths == 1)
        if has.any():
            peak[has] = np.maximum.reduceat(np.abs(vectors[flat]), starts[has], axis=0)
        position = np.arange(flat.size) - np.repeat(starts, lengths)
        first = flat[position < np.repeat(half, lengths)]
        return np.hstack([self._mean(flat, lengths), normalise_rows(peak),
                          self._mean(first, half)])

    def _token_ids(self, texts):
        """The known tokens of every text, concatenated, and each text's count of them."""
        self._load()
        encodings = self._tokenizer.encode_batch([str(t) for t in texts],
                                                 add_special_tokens=False)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        ids = [i[self._keep[i]] for i in ids]
        lengths = np.array([len(i) for i in ids], dtype=np.int64)
        flat = np.concatenate(ids) if lengths.sum() else np.zeros(0, dtype=np.int64)
        return flat, lengths

    def _mean(self, flat, lengths) -> np.ndarray:
        """Unit means of consecutive runs of token rows (the fallback for an empty run)."""
        vectors = self._vectors
        lengths = np.asarray(lengths, dtype=np.int64)
        has = lengths > 0
        # the sums as one sparse product (texts x tokens, one entry per token) rather than a
        # gather of every token's row: the same sums, without an (n_tokens, d) copy
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        counts = sp.csr_matrix((np.ones(len(flat), dtype=np.float32), flat, indptr),
                               shape=(len(lengths), vectors.shape[0]))
        out = np.asarray(counts @ vectors, dtype=np.float32)
        out[has] /= lengths[has, None]
        out[~has] = self._fallback
        return normalise_rows(out)

