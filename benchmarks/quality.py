"""Measure how well nichefinder's groups and themes match human labels, beside peer topic models.

Usage (from the repository root)::

    python benchmarks/quality.py --all --embeddings-dir DIR                # every shared set
    python benchmarks/quality.py --all --embeddings-dir DIR --peers --peer-cache CACHE
    python benchmarks/quality.py ../shared/datasets/hwu64.csv --embeddings DIR/hwu64.int8.npy

``--all`` runs every CSV of ``--datasets-dir`` (default: ../shared/datasets and
../shared/datasets-organic). ``--embeddings-dir`` holds row-aligned ``NAME.int8.npy`` (the
default embedding path) or ``NAME.npy``; with ``NAME.fp32.npy`` beside it, the fp32 vectors are
clustered too and the two results compared. No number of groups is given to nichefinder.

Per set: labels, groups found (k), noise share, NMI and ARI against ``label`` (noise counted as
one group), oracle-k k-means ARI (k = number of labels, same vectors, seeded) and the ratio,
themes and theme NMI/ARI against ``category``, seconds; ``--seeds N`` adds k, themes and the
mean pairwise ARI over seeds 0..N-1; ``--peers`` adds BERTopic defaults and turftopic's
Topeax on the same embeddings (labels cached in ``--peer-cache``, reused on reruns with their
recorded fit seconds; ``--cache-only`` skips a peer not in the cache); ``--label-fraction F``
keeps a seeded random share of each set's labels (generalisation on subsets). A Markdown table
goes to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from nichefinder.cluster import cluster_embeddings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import PEERS, peer_labels  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent / ".." / "shared"
DATASETS_DIRS = (SHARED / "datasets", SHARED / "datasets-organic")


def vectors_for(csv: Path, embeddings_dir: Path | None, kind: str = "int8") -> Path | None:
    """``NAME.int8.npy`` (or ``NAME.fp32.npy``), else ``NAME.npy`` for int8, in the folder."""
    if embeddings_dir is None:
        return None
    names = [f"{csv.stem}.{kind}.npy"] + ([f"{csv.stem}.npy"] if kind == "int8" else [])
    return next((embeddings_dir / n for n in names if (embeddings_dir / n).exists()), None)


def load(csv: Path, npy: Path | None, drop_labels, label_fraction=None, seed=0):
    """The table and its row-aligned vectors, dropped labels removed."""
    frame = pd.read_csv(csv)
    if "label" not in frame:
        raise SystemExit(f"column 'label' not in {csv}; columns are {list(frame)}")
    if npy is None:
        from nichefinder.embed import embed_texts

        X = embed_texts(frame["text"].astype(str).tolist())
    else:
        X = np.load(npy)
        if len(X) != len(frame):
            raise SystemExit(f"{npy} has {len(X)} rows but {csv} has {len(frame)}; "
                             "give the vectors of this file")
    keep = ~frame["label"].isin(drop_labels).to_numpy()
    if label_fraction:
        labels = np.array(sorted(frame.loc[keep, "label"].unique()))
        chosen = np.random.default_rng(seed).choice(
            labels, max(2, round(label_fraction * labels.size)), replace=False)
        keep &= frame["label"].isin(chosen).to_numpy()
    return frame[keep].reset_index(drop=True), np.asarray(X[keep], dtype=np.float32)


def scores(truth, labels) -> tuple[float, float]:
    """NMI and ARI, noise (-1) counted as one group."""
    return normalized_mutual_info_score(truth, labels), adjusted_rand_score(truth, labels)


def oracle_ari(X, truth, seed=0) -> float:
    """ARI of k-means told the true number of labels (unit vectors, seeded)."""
    k = len(np.unique(truth))
    unit = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    return adjusted_rand_score(truth, KMeans(k, n_init=1, random_state=seed).fit_predict(unit))


def row_themes(result) -> np.ndarray:
    return np.where(result.labels >= 0, result.themes[np.maximum(result.labels, 0)], -1)


def ours(X, frame, method, seed) -> tuple[dict, object]:
    start = time.perf_counter()
    result = cluster_embeddings(X, method=method, random_state=seed)
    seconds = time.perf_counter() - start
    truth = frame["label"].to_numpy()
    nmi, ari = scores(truth, result.labels)
    row = {"k": result.n_groups, "noise": float(np.mean(result.labels < 0)), "nmi": nmi,
           "ari": ari, "seconds": seconds, "themes": result.n_themes}
    if "category" in frame:
        row["theme_nmi"], row["theme_ari"] = scores(frame["category"].to_numpy(),
                                                    row_themes(result))
    if result.confidence is not None:
        tally = result.confidence.group_count_tally()
        top = next(iter(tally))
        row["count_confidence"] = f"{top} in {tally[top]}/{result.confidence.n_resamples}"
    return row, result


def evaluate(csv, npy, *, drop_labels=("oos",), method=None, seeds=1, peers=(),
             peer_cache=None, cache_only=False, fp32=None, label_fraction=None) -> dict:
    frame, X = load(csv, npy, drop_labels, label_fraction)
    truth = frame["label"].to_numpy()
    row = {"dataset": csv.stem + (f" ({label_fraction:.0%} labels)" if label_fraction else ""),
           "rows": len(frame), "labels": len(np.unique(truth))}
    if "category" in frame:
        row["categories"] = frame["category"].nunique()
    method = method or _default_method()
    first, result = ours(X, frame, method, 0)
    row.update(first)
    row["oracle_ari"] = oracle_ari(X, truth)
    row["ratio"] = row["ari"] / row["oracle_ari"] if row["oracle_ari"] > 0 else float("nan")
    if seeds > 1:
        runs = [result] + [ours(X, frame, method, s)[1] for s in range(1, seeds)]
        row["seed_k"] = "-".join(str(v) for v in sorted({r.n_groups for r in runs}))
        row["seed_themes"] = "-".join(str(v) for v in sorted({r.n_themes for r in runs}))
        row["seed_ari"] = float(np.mean([adjusted_rand_score(a.labels, b.labels)
                                         for a, b in itertools.combinations(runs, 2)]))
    if fp32 is not None:
        _, Xf = load(csv, fp32, drop_labels, label_fraction)
        other = cluster_embeddings(Xf, method=method, random_state=0)
        row["fp32_k"] = other.n_groups
        row["fp32_themes"] = other.n_themes
        row["fp32_ari"] = adjusted_rand_score(result.labels, other.labels)
    texts = frame["text"].astype(str).tolist()
    for peer in peers:
        cache = None if peer_cache is None else Path(peer_cache)
        path = None if cache is None else cache / f"{row['dataset']}.{peer}.npz"
        if cache_only and (path is None or not path.exists()):
            continue
        labels, seconds, _ = peer_labels(peer, row["dataset"], texts, X, cache)
        row[f"{peer}_k"] = int(len(set(labels.tolist()) - {-1}))
        row[f"{peer}_noise"] = float(np.mean(labels < 0))
        row[f"{peer}_nmi"], row[f"{peer}_ari"] = scores(truth, labels)
        row[f"{peer}_seconds"] = seconds
    return row


def _default_method():
    import inspect

    return inspect.signature(cluster_embeddings).parameters["method"].default


COLUMNS = [
    ("dataset", "{}"), ("labels", "{}"), ("k", "{}"), ("noise", "{:.1%}"), ("nmi", "{:.3f}"),
    ("ari", "{:.3f}"), ("oracle_ari", "{:.3f}"), ("ratio", "{:.2f}"), ("categories", "{}"),
    ("themes", "{}"), ("theme_nmi", "{:.3f}"), ("theme_ari", "{:.3f}"), ("seconds", "{:.1f}"),
    ("count_confidence", "{}"), ("seed_k", "{}"), ("seed_themes", "{}"), ("seed_ari", "{:.3f}"),
    ("fp32_k", "{}"), ("fp32_themes", "{}"), ("fp32_ari", "{:.3f}"),
    *((f"{p}_{c}", f) for p in PEERS for c, f in (
        ("k", "{}"), ("noise", "{:.1%}"), ("nmi", "{:.3f}"), ("ari", "{:.3f}"),
        ("seconds", "{:.1f}"))),
]


def format_table(rows: list[dict]) -> str:
    columns = [(c, f) for c, f in COLUMNS if any(c in r for r in rows)]
    lines = ["| " + " | ".join(c for c, _ in columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        lines.append("| " + " | ".join(f.format(r[c]) if c in r else "-" for c, f in columns)
                     + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", type=Path, help="labelled CSV with a text column")
    parser.add_argument("--embeddings", type=Path, help="row-aligned .npy of the CSV's vectors")
    parser.add_argument("--all", action="store_true", help="every CSV of --datasets-dir")
    parser.add_argument("--datasets-dir", type=Path, action="append",
                        help="folder of labelled CSVs (repeatable; default: both shared folders)")
    parser.add_argument("--embeddings-dir", type=Path,
                        help="folder of NAME.int8.npy / NAME.npy (and NAME.fp32.npy)")
    parser.add_argument("--drop-label", action="append", default=None,
                        help="label whose rows are dropped (repeatable; default: oos)")
    parser.add_argument("--method", default=None, help="clustering method (default: the library's)")
    parser.add_argument("--seeds", type=int, default=1, help="random states 0..N-1 for the spread")
    parser.add_argument("--fp32", action="store_true", help="also cluster NAME.fp32.npy")
    parser.add_argument("--peers", nargs="?", const=",".join(PEERS), default="",
                        help="peers to run: bertopic,topeax (default both)")
    parser.add_argument("--peer-cache", type=Path, help="folder of cached peer labels")
    parser.add_argument("--cache-only", action="store_true", help="skip peers not in the cache")
    parser.add_argument("--label-fraction", type=float, help="keep this share of the labels")
    parser.add_argument("--only", action="append", help="dataset names to run (repeatable)")
    args = parser.parse_args(argv)
    drop = tuple(args.drop_label) if args.drop_label is not None else ("oos",)
    if args.all:
        csvs = sorted(c for d in (args.datasets_dir or DATASETS_DIRS) for c in d.glob("*.csv"))
        jobs = [(c, vectors_for(c, args.embeddings_dir)) for c in csvs
                if not args.only or c.stem in args.only]
    elif args.csv is not None:
        jobs = [(args.csv, args.embeddings)]
    else:
        parser.error("give a CSV or --all")
    peers = tuple(p for p in args.peers.split(",") if p)
    rows = []
    for csv, npy in jobs:
        print(f"{csv.stem} ...", file=sys.stderr, flush=True)
        fp32 = vectors_for(csv, args.embeddings_dir, "fp32") if args.fp32 else None
        rows.append(evaluate(csv, npy, drop_labels=drop, method=args.method, seeds=args.seeds,
                             peers=peers, peer_cache=args.peer_cache, cache_only=args.cache_only,
                             fp32=fp32, label_fraction=args.label_fraction))
        print(format_table(rows[-1:]), file=sys.stderr, flush=True)
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
