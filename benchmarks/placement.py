"""Student placement against the real model alone, on labelled datasets with saved vectors.

Usage (from the repository root)::

    python benchmarks/placement.py --vectors-dir DIR                # the six shared datasets
    python benchmarks/placement.py --vectors-dir DIR --names banking77 --sample-size 3000

``DIR`` holds ``<name>.<suffix>.npy`` (``--suffix int8`` by default): the real model's unit
vectors of each dataset, one row per CSV row, the way :func:`nichefinder.embed.embed_texts`
makes them. They stand in for the real model: the "model" below looks texts up there and
counts them, so the share of texts the real model had to embed is exact.

Per dataset both paths run :func:`nichefinder.fit.placed_clustering` with the same seed, so
the sample and its clustering are the same:

* **model**: every post outside the sample embedded by the real model
  (``target_agreement=1.0``);
* **student**: the other posts placed by :class:`~nichefinder.embed.student.LinearStudent`
  (static token vectors of the packaged model, mapped linearly), the low-margin ones by the real
  model.

The table gives the share of posts in the same group on both paths (agreement, on the final
groups after the fences, numbering and themes that every clustering gets), the share of
distinct texts the real model embedded, and NMI with the dataset's labels on both paths.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / ".." / "shared"
DATASETS = {
    "banking77": "datasets", "clinc150": "datasets", "hwu64": "datasets",
    "crisislex_t26_events": "datasets-organic", "reddit_top_interests": "datasets-organic",
    "reddit_college_threads": "datasets-organic",
}


class SavedModel:
    """The real model's saved vectors, looked up by normalised text; counts what it embeds."""

    name = "saved-vectors"

    def __init__(self, texts, vectors):
        from nichefinder.embed import unique_texts

        unique, positions = unique_texts(texts)
        first = np.full(len(unique), -1)
        first[positions[::-1]] = np.arange(len(positions))[::-1]
        self.row = {t: int(first[i]) for i, t in enumerate(unique)}
        # the placement hands these texts to embed_texts, which normalises them once more
        # (not always a no-op: an entity or a tag in the text can unfold twice)
        again, where = unique_texts(unique)
        self.row.update({again[w]: self.row[t] for t, w in zip(unique, where, strict=True)})
        self.vectors = vectors
        self.n_texts = 0

    def embed(self, texts):
        self.n_texts += len(texts)
        return self.vectors[[self.row[t] for t in texts]]


def matched_agreement(a, b) -> float:
    """Share of posts in the same group on both paths, groups matched one to one (the
    numbering by size may differ) and noise only to noise."""
    from scipy.optimize import linear_sum_assignment

    a, b = np.asarray(a), np.asarray(b)
    same = int(np.sum((a < 0) & (b < 0)))
    keep = (a >= 0) & (b >= 0)
    ua, xa = np.unique(a[keep], return_inverse=True)
    ub, xb = np.unique(b[keep], return_inverse=True)
    table = np.zeros((len(ua), len(ub)), dtype=np.int64)
    np.add.at(table, (xa, xb), 1)
    rows, cols = linear_sum_assignment(-table)
    return (same + int(table[rows, cols].sum())) / len(a)


def run(name: str, vectors_dir: Path, suffix: str, sample_size: int, seed: int) -> dict:
    from nichefinder.fit import placed_clustering

    frame = pd.read_csv(SHARED / DATASETS[name] / f"{name}.csv")
    vectors = np.load(vectors_dir / f"{name}.{suffix}.npy")
    texts = frame["text"].astype(str).tolist()
    out = {"dataset": name, "posts": len(texts), "sample_size": sample_size}
    labels = {}
    for path, target in (("model", 1.0), ("student", None)):
        model = SavedModel(texts, vectors)
        start = time.perf_counter()
        _, clustering, stats = placed_clustering(
            texts, model, cache=False, sample_size=sample_size, random_state=seed,
            target_agreement=target,
        )
        labels[path] = clustering.labels
        out[f"{path}_seconds"] = round(time.perf_counter() - start, 1)
        out[f"{path}_nmi"] = round(normalized_mutual_info_score(frame["label"],
                                                                 clustering.labels), 4)
        out[f"{path}_groups"] = clustering.n_groups
        if path == "student":
            out["real_model_share"] = stats["placement"]["real_model_share"]
            out["min_margin"] = stats["placement"].get("min_margin")
    out["agreement"] = round(matched_agreement(labels["model"], labels["student"]), 4)
    out["ari"] = round(adjusted_rand_score(labels["model"], labels["student"]), 4)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors-dir", type=Path, required=True)
    parser.add_argument("--suffix", default="int8")
    parser.add_argument("--names", default=",".join(DATASETS))
    parser.add_argument("--sample-size", type=int, default=5_000)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    rows = []
    for name in args.names.split(","):
        row = run(name, args.vectors_dir, args.suffix, args.sample_size, args.random_state)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    table = pd.DataFrame(rows)[["dataset", "posts", "sample_size", "agreement", "ari",
                                "real_model_share", "model_nmi", "student_nmi",
                                "model_groups", "student_groups"]]
    try:
        print(table.to_markdown(index=False))
    except ImportError:  # tabulate is not installed
        print(table.to_string(index=False))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
