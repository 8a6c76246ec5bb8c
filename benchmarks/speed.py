"""Embedding throughput of the fast backends beside plain sentence-transformers, and what they cost.

Usage (from the repository root)::

    python benchmarks/speed.py                       # 2,000 banking77 texts, 5 interleaved repeats
    python benchmarks/speed.py --quality             # also NMI of a fixed KMeans on each dataset
    python benchmarks/speed.py --backends onnx-int8,fast --n-texts 500 --repeats 3

Speed: every backend, the plain ``SentenceTransformer.encode`` (batch 64, normalised, the way
``nichefinder.embed.SentenceTransformerEmbedder`` calls it) included, embeds the same texts once
per repeat, in an order rotated each repeat, so machine load hits all of them alike. Building
an artefact (ONNX export, int8 quantisation, static distillation) and loading happen in a
warm-up that is timed and reported apart. The ratio is the median over repeats of
``plain time / backend time`` measured in the same repeat.

Quality (``--quality``): on a seeded subsample of each shared dataset (``text``/``label`` CSVs,
clinc150's ``oos`` catch-all dropped), NMI against ``label`` of KMeans with the true number of
labels (``random_state=0``) and of nichefinder's own ``cluster_embeddings`` (noise as one
group) on each backend's vectors; for backends of the same width, the mean and minimum cosine
to the plain vectors. The embedding cache is not used anywhere: every figure is computed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATASETS_DIR = Path(__file__).resolve().parent.parent / ".." / "shared" / "datasets"
PLAIN = "plain"


def make_embedders(backends: list[str]) -> dict:
    """``{label: embedder}``: the plain model first, then each backend string."""
    from nichefinder.embed import SentenceTransformerEmbedder, backend_embedder, get_embedder

    embedders = {PLAIN: SentenceTransformerEmbedder()}
    for backend in backends:
        if backend == "default":  # what nichefinder runs when no model is named
            embedders["default"] = get_embedder(None)
            continue
        embedder = backend_embedder(backend)
        if embedder is None:
            raise SystemExit(
                f"unknown backend {backend!r}; use default, onnx, onnx-int8 or fast"
            )
        embedders[backend] = embedder
    return embedders


def warm_up(embedders: dict, texts: list[str]) -> dict[str, float]:
    """Build/load every embedder and embed a few texts; return seconds taken per embedder."""
    seconds = {}
    for label, embedder in embedders.items():
        start = time.perf_counter()
        embedder.embed(texts[:64])
        seconds[label] = time.perf_counter() - start
    return seconds


def measure_speed(embedders: dict, texts: list[str], repeats: int) -> dict[str, list[float]]:
    """Seconds to embed ``texts``, per embedder per repeat, in a rotated interleaved order."""
    labels = list(embedders)
    times = {label: [] for label in labels}
    for r in range(repeats):
        order = labels[r % len(labels) :] + labels[: r % len(labels)]
        for label in order:
            start = time.perf_counter()
            embedders[label].embed(texts)
            times[label].append(time.perf_counter() - start)
        print(
            f"  repeat {r + 1}/{repeats}: "
            + ", ".join(f"{k} {len(texts) / times[k][-1]:.0f}/s" for k in labels),
            file=sys.stderr,
        )
    return times


def speed_table(times: dict[str, list[float]], n_texts: int, warm: dict[str, float]) -> str:
    plain = times[PLAIN]
    rows = ["| backend | texts/s (median) | min-max texts/s | x plain (paired median) "
            "| first call s |",
            "|---|---:|---:|---:|---:|"]
    for label, seconds in times.items():
        rates = [n_texts / s for s in seconds]
        ratio = statistics.median(p / s for p, s in zip(plain, seconds, strict=True))
        rows.append(
            f"| {label} | {statistics.median(rates):,.0f} | {min(rates):,.0f}-{max(rates):,.0f} "
            f"| {ratio:.1f}x | {warm[label]:.1f} |"
        )
    return "\n".join(rows)


def load_dataset(path: Path, n_rows: int, random_state: int, drop_labels=()) -> pd.DataFrame:
    frame = pd.read_csv(path)
    frame = frame.dropna(subset=["text"])
    if "label" in frame:
        frame = frame[~frame["label"].isin(drop_labels)].dropna(subset=["label"])
    if 0 < n_rows < len(frame):
        frame = frame.sample(n=n_rows, random_state=random_state)
    return frame.reset_index(drop=True)


def measure_quality(embedders: dict, datasets: list[Path], n_rows: int, random_state: int,
                    drop_labels=(), centre: bool = False) -> str:
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    from nichefinder.cluster import cluster_embeddings

    labels = list(embedders)
    rows = ["| dataset | rows | k | " + " | ".join(f"NMI {x}" for x in labels)
            + " | " + " | ".join(f"nichefinder NMI {x}" for x in labels)
            + " | " + " | ".join(f"cos {x} mean/min" for x in labels[1:]) + " |",
            "|---|---:|---:|" + "---:|" * (3 * len(labels) - 1)]
    for path in datasets:
        frame = load_dataset(path, n_rows, random_state, drop_labels)
        texts = frame["text"].astype(str).tolist()
        k = frame["label"].nunique()
        nmi, ours, cos = {}, {}, {}
        vectors = {}
        for label, embedder in embedders.items():
            vectors[label] = embedder.embed(texts)
            groups = KMeans(n_clusters=k, n_init=3, random_state=random_state).fit_predict(
                vectors[label]
            )
            nmi[label] = normalized_mutual_info_score(frame["label"], groups)
            points = vectors[label]
            if centre:  # take out the dataset's common direction before nichefinder clusters
                points = points - points.mean(0)
                points = points / np.linalg.norm(points, axis=1, keepdims=True)
            found = cluster_embeddings(points, random_state=random_state).labels
            ours[label] = normalized_mutual_info_score(frame["label"], found)
            if label != PLAIN:
                if vectors[label].shape == vectors[PLAIN].shape:
                    c = (vectors[label] * vectors[PLAIN]).sum(1)
                    cos[label] = f"{c.mean():.4f} / {c.min():.4f}"
                else:
                    cos[label] = "n/a (other width)"
        summary = ", ".join(f"{x} {v:.3f}" for x, v in nmi.items())
        print(f"  {path.stem}: {summary}", file=sys.stderr)
        rows.append(
            f"| {path.stem} | {len(frame):,} | {k} | "
            + " | ".join(f"{nmi[x]:.3f}" for x in labels)
            + " | " + " | ".join(f"{ours[x]:.3f}" for x in labels)
            + " | " + " | ".join(cos[x] for x in labels[1:]) + " |"
        )
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="default,onnx,fast",
                        help="comma-separated backends (default: default,onnx,fast; 'default' "
                             "is what nichefinder runs with no --model)")
    parser.add_argument("--texts", type=Path, default=DATASETS_DIR / "banking77.csv",
                        help="CSV with a text column for the speed test (default: banking77)")
    parser.add_argument("--n-texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quality", action="store_true", help="also NMI of KMeans per dataset")
    parser.add_argument("--datasets-dir", type=Path, default=DATASETS_DIR)
    parser.add_argument("--n-rows", type=int, default=3000,
                        help="rows sampled per dataset; 0 for every row")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--centre", action="store_true",
                        help="--quality: subtract each dataset's mean vector before "
                             "nichefinder's clustering")
    parser.add_argument("--drop-label", action="append", default=None,
                        help="label left out of --quality (repeatable; default: oos)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    embedders = make_embedders([b.strip() for b in args.backends.split(",") if b.strip()])
    texts = load_dataset(args.texts, args.n_texts, args.random_state)["text"].astype(str).tolist()
    import torch

    print(
        f"# speed: {len(texts):,} texts from {args.texts.name}, "
        f"{args.repeats} interleaved repeats, "
        f"{len(os.sched_getaffinity(0))} cores, torch threads {torch.get_num_threads()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        flush=True,
    )
    if "default" in embedders:
        print(f"# default = {embedders['default'].name}", flush=True)
    warm = warm_up(embedders, texts)
    times = measure_speed(embedders, texts, args.repeats)
    print(speed_table(times, len(texts), warm), flush=True)
    if args.quality:
        datasets = sorted(args.datasets_dir.glob("*.csv"))
        rows = f"{args.n_rows:,} sampled rows" if args.n_rows else "every row"
        print(f"\n# quality: {rows} per dataset; NMI against label of "
              f"KMeans(k = true labels, random_state={args.random_state}) and of "
              "nichefinder.cluster.cluster_embeddings (noise as one group)", flush=True)
        drop = ["oos"] if args.drop_label is None else args.drop_label
        table = measure_quality(
            embedders, datasets, args.n_rows, args.random_state, drop, centre=args.centre
        )
        print(table, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
