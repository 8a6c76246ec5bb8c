"""ONNX Runtime backends (fp32 and dynamic int8) of the packaged all-MiniLM-L6-v2.

The model is exported once to an ONNX graph with mean pooling inside (:func:`export_onnx`), its
BERT operators fused, and optionally quantised to int8 weights; the files are kept in the models
cache of :mod:`nichefinder.embed.backends`. :class:`OnnxEmbedder` runs the graph.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..exceptions import MissingDependencyError
from ..vectors import normalise_rows
from .backends import (
    INSTALL_HINT,
    artefact_dir,
    atomic_target,
    build_lock,
    check_mean_pooling,
    load_tokenizer,
    load_transformer,
    n_cores,
    quiet,
    resolve_model,
)

__all__ = ["OnnxEmbedder", "export_onnx"]

log = logging.getLogger(__name__)


def export_onnx(model=None, *, quantize: bool = False, cache_folder=None) -> Path:
    """Export the model to ONNX (mean pooling in the graph) once; return the cached file.

    Parameters
    ----------
    model : str or path, optional
        ``None`` for the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder.
    quantize : bool, default=False
        Also make (and return) the dynamically int8-quantised copy, ``model-int8.onnx``.
    cache_folder : path, optional
        Root of the artefacts; :func:`models_cache_dir` by default.

    Returns
    -------
    pathlib.Path
        The ``.onnx`` file. Its graph takes ``input_ids``, ``attention_mask`` and
        ``token_type_ids`` (int64, ``(batch, seq)``) and returns ``sentence_embedding``
        ``(batch, d)``, mean-pooled and not yet normalised.

    Examples
    --------
    >>> export_onnx().name  # doctest: +SKIP
    'model.onnx'
    """
    _, path = resolve_model(model)
    folder = artefact_dir(path, cache_folder)
    fp32 = folder / "model.onnx"
    int8 = folder / "model-int8.onnx"
    if fp32.is_file() and (not quantize or int8.is_file()):
        return int8 if quantize else fp32
    with build_lock(folder):  # another process may be building them: wait, then look again
        if not fp32.is_file():
            _export_fp32(path, fp32)
        if quantize and not int8.is_file():
            _quantize(fp32, int8)
    return int8 if quantize else fp32


def _quantize(fp32: Path, int8: Path) -> None:
    """``int8``: the dynamically int8-quantised copy of the graph at ``fp32``."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise MissingDependencyError(
            f"the onnx-int8 backend needs onnxruntime; {INSTALL_HINT}"
        ) from exc
    log.info("quantising %s to int8", fp32)
    tmp = atomic_target(int8)
    try:
        # per-channel scales keep cosine to the fp32 vectors at ~0.99 (per-tensor: ~0.97)
        import onnx

        with quiet():
            quantize_dynamic(
                str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                # the fused operators come from ONNX Runtime's own domain: tell the
                # quantiser their outputs are float
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
        os.replace(tmp, int8)
    finally:
        tmp.unlink(missing_ok=True)


def _export_fp32(path: Path, target: Path) -> None:
    try:
        import onnx  # noqa: F401  (torch.onnx.export needs it)
        import onnxruntime  # noqa: F401  (operator fusion)
        import torch
    except ImportError as exc:
        raise MissingDependencyError(
            f"exporting to ONNX needs onnx, onnxruntime and torch; {INSTALL_HINT}"
        ) from exc
    log.info("exporting %s to ONNX (once)", path)
    with quiet():
        transformer = load_transformer(path)

    class MeanPooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    ids = torch.tensor([[101, 2000, 2001, 102], [101, 2000, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["sentence_embedding"] = {0: "batch"}
    tmp = atomic_target(target)
    try:
        with warnings.catch_warnings():
            # tracing warnings about Python booleans in the attention code: harmless here, the
            # exported graph is checked against the plain model in tests/test_backends.py
            warnings.simplefilter("ignore")
            with torch.inference_mode(False), torch.no_grad():
                torch.onnx.export(
                    MeanPooled(transformer), (ids, mask, torch.zeros_like(ids)), str(tmp),
                    input_names=names, output_names=["sentence_embedding"], dynamic_axes=axes,
                    opset_version=17, dynamo=False,
                )
        _fuse_transformer_ops(tmp, transformer.config)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _fuse_transformer_ops(path: Path, config) -> None:
    """Rewrite the graph in place with ONNX Runtime's fused BERT operators.

    Attention, SkipLayerNormalization, BiasGelu and EmbedLayerNormalization replace their
    many-node patterns (what ``optimum``'s O2 level does); the vectors do not change.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(
        str(path), model_type="bert", num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    )
    log.info("fused operators: %s", optimized.get_fused_operator_statistics())
    optimized.save_model_to_file(str(path))


class OnnxEmbedder:
    """all-MiniLM-L6-v2 (or another local mean-pooling model) run by ONNX Runtime on the CPU.

    Texts are tokenised with the model's fast tokenizer, sorted by length and batched so that
    little padding is computed, then put back in input order.

    Parameters
    ----------
    model : str or path, optional
        ``None`` for the packaged all-MiniLM-L6-v2, or a local sentence-transformers folder.
    quantize : bool, default=False
        Use dynamic int8 weights (faster; vectors agree slightly less with the plain model).
    batch_size : int, default=32
    n_threads : int, optional
        Batches run at once, each on one thread of one ONNX Runtime session (concurrent runs of
        a session are safe); the cores available to this process by default. On 2 cores this is
        1.2x faster than one run with two intra-op threads, since batches of short texts are
        too small to split well.
    cache_folder : path, optional
        Where the exported graph is kept; :func:`models_cache_dir` by default.
    show_progress : bool, default=False
        Kept for symmetry with the plain adapter; :func:`~nichefinder.embed.embed_texts`
        reports progress per batch.

    Attributes
    ----------
    name : str
        Cache key of the vectors, e.g. ``"all-MiniLM-L6-v2:onnx-int8"``.
    path_ : pathlib.Path
        The ``.onnx`` file in use, set on first :meth:`embed`.

    Notes
    -----
    fp32 vectors equal the plain model's (cosine > 0.9999). int8 vectors are at cosine ~0.99 on
    average (0.947 at worst, over 3,000-post samples), and, as dynamic quantisation scales the
    activations of each batch, a text's vector moves slightly (cosine > 0.97) with the other
    texts of its batch; the same call always gives the same vectors.

    Examples
    --------
    >>> emb = OnnxEmbedder(quantize=True)  # doctest: +SKIP
    >>> emb.embed(["where is my parcel"]).shape  # doctest: +SKIP
    (1, 384)
    """

    def __init__(self, model=None, *, quantize=False, batch_size=32, n_threads=None,
                 cache_folder=None, show_progress=False):
        self.model = model
        self.quantize = quantize
        self.batch_size = batch_size
        self.n_threads = n_threads
        self.cache_folder = cache_folder
        self.show_progress = show_progress
        base, _ = resolve_model(model)
        self.name = f"{base}:{'onnx-int8' if quantize else 'onnx'}"
        self._session = None
        self._tokenizer = None

    def _load(self):
        if self._session is None:
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise MissingDependencyError(
                    f"the {self.name.rsplit(':', 1)[1]} backend needs onnxruntime; {INSTALL_HINT}"
                ) from exc
            _, path = resolve_model(self.model)
            max_length = check_mean_pooling(path)
            onnx_path = export_onnx(
                self.model, quantize=self.quantize, cache_folder=self.cache_folder
            )
            # one single-threaded session run from one thread per core: whole batches in
            # parallel scale better on few cores than splitting each small matrix product
            self._workers = self.n_threads or n_cores()
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            self._session = ort.InferenceSession(
                str(onnx_path), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = load_tokenizer(path, max_length)
            self._dim = int(json.loads((path / "config.json").read_text())["hidden_size"])
            self.path_ = onnx_path
        return self._session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an ``(n, d)`` float32 array of unit vectors."""
        session = self._load()
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]

        def run(rows):
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for j, i in enumerate(rows):
                enc = encodings[i]
                n = len(enc.ids)
                ids[j, :n] = enc.ids
                mask[j, :n] = 1
                types[j, :n] = enc.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            return session.run(None, feeds)[0]

        if self._workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self._workers) as pool:
                for rows, vectors in zip(batches, pool.map(run, batches), strict=True):
                    out[rows] = vectors
        else:
            for rows in batches:
                out[rows] = run(rows)
        return normalise_rows(out)

