"""Embed: post texts to L2-normalised vectors, through a cache, never computing one twice.

:func:`embed_texts` is the stage; :func:`get_embedder` resolves a model name, path or object to
an :class:`Embedder` (:mod:`~nichefinder.embed.embedders`), the fast CPU backends of the packaged
model live in :mod:`~nichefinder.embed.backends`, and :class:`EmbeddingCache`
(:mod:`~nichefinder.embed.cache`) keeps every vector computed.
"""

from .backends import BACKENDS, DEFAULT_MODEL, model_fingerprint, models_cache_dir
from .cache import EmbeddingCache, default_cache_path, opened_cache
from .embedders import (
    DEFAULT_BACKEND,
    Embedder,
    SentenceTransformerEmbedder,
    backend_embedder,
    embed_function,
    get_embedder,
)
from .onnx_backend import OnnxEmbedder, export_onnx
from .static_backend import StaticEmbedder, distill_static
from .texts import (
    check_vectors,
    embed_posts,
    embed_texts,
    embedding_stats,
    load_embeddings,
    normalize_text,
    progress_bar,
    unique_texts,
    unit_rows,
)

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_MODEL",
    "Embedder",
    "EmbeddingCache",
    "OnnxEmbedder",
    "SentenceTransformerEmbedder",
    "StaticEmbedder",
    "backend_embedder",
    "check_vectors",
    "default_cache_path",
    "distill_static",
    "embed_function",
    "embed_posts",
    "embed_texts",
    "embedding_stats",
    "export_onnx",
    "get_embedder",
    "load_embeddings",
    "model_fingerprint",
    "models_cache_dir",
    "normalize_text",
    "opened_cache",
    "progress_bar",
    "unique_texts",
    "unit_rows",
]
