"""Measure the whole plan on audiences composed from real labelled texts (scenarios).

Usage (from the repository root)::

    python benchmarks/scenarios.py --cache PATH/cache.sqlite [--sets hwu64 clinc150 ...]
        [--seeds 0 1 2 3 4] [--no-fp32] [--scenario-seed 0] [--shared-dir ../shared]
        [--method leiden]

For each scenario (:func:`nichefinder.datasets.scenarios.build_scenario` on a shared set, the
genuine labels, their categories and the four traps), the library fit path
(:class:`nichefinder.NicheFinder`, ``fit`` then ``recommend``) runs on the default int8 vectors
for every seed and once on fp32 vectors (model ``all-MiniLM-L6-v2:onnx``), both through the
embedding cache. Reported: the share of genuine rows in a feed, the share of each trap's rows in a
feed, feeds vs genuine categories, how many categories have their feed rows in one feed (a
category's groups share a feed: at least 90% of its fed rows in its main feed) and the feeds'
purity (rows of the feed's main category), ``named``: the share of feeds whose name is closer
to their main category's name than to any other's (as ``benchmarks/names.py`` scores it; the
feed names are logged), the feed count over the seeds and fp32, the pairwise
ARI of the feed each row ends in (``-1`` = none), the plan's own confidence line, and seconds.
Targets: >= 90% genuine in a feed; <= 5% of each trap; feeds within 1.25x of categories; spread
<= 1; ARI >= 0.9. Markdown to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

import nichefinder
from nichefinder.datasets.scenarios import ROLES, build_scenario, read_labelled
from nichefinder.embed import embed_texts

SHARED = Path(__file__).resolve().parent.parent / ".." / "shared"
SCENARIOS = {
    # name: (file under the shared folder, build_scenario options)
    "reddit_top_interests": ("datasets-organic/reddit_top_interests.csv", {"n_labels": 16}),
    "hwu64": ("datasets/hwu64.csv", {"n_labels": 30}),
    "clinc150": ("datasets/clinc150.csv", {"n_labels": 30}),
    "crisislex_t26_events": ("datasets-organic/crisislex_t26_events.csv", {"n_labels": 20}),
    "reddit_college_threads": ("datasets-organic/reddit_college_threads.csv",
                               {"n_labels": 4, "posts_per_label": (400, 900)}),
}
FP32_MODEL = "all-MiniLM-L6-v2:onnx"


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def fit(posts, vectors, seed, method="agglomerative"):
    """One plan's feed of every row, its feeds' names, its confidence line and its seconds (fit
    and recommend, without the confidence's resamples)."""
    start = time.perf_counter()
    finder = nichefinder.NicheFinder(random_state=seed, method=method).fit(posts, vectors)
    rec, _ = finder.recommend()
    seconds = time.perf_counter() - start
    line = finder.confidence().line(len(rec.feeds))
    return np.asarray(rec.feed_of_row), [f.name for f in rec.feeds], line, seconds


def measure(truth: pd.DataFrame, feed: np.ndarray) -> dict:
    """The scenario's figures for one plan."""
    fed = feed >= 0
    out = {f"{r}_fed": float(fed[truth["role"].to_numpy() == r].mean()) for r in ROLES}
    genuine = (truth["role"] == "genuine").to_numpy()
    cats = truth["category"].to_numpy()
    together, n_cat = 0, 0
    for c in np.unique(cats[genuine]):
        rows = genuine & (cats == c) & fed
        n_cat += 1
        if rows.any():
            together += int(np.bincount(feed[rows]).max() >= 0.9 * rows.sum())
    purity = [pd.Series(cats[(feed == f) & genuine]).value_counts(normalize=True).iloc[0]
              for f in np.unique(feed[fed & genuine])]
    out.update(together=f"{together}/{n_cat}",
               purity=float(np.mean(purity)) if purity else float("nan"))
    return out


def run(name: str, shared: Path, cache, seeds, fp32: bool, scenario_seed: int,
        method: str = "agglomerative") -> dict:
    path, options = SCENARIOS[name]
    table = read_labelled(shared / path, drop_labels=("oos",))
    s = build_scenario(table, random_state=scenario_seed, **options)
    texts = s.posts["text"].tolist()
    log(f"{name}: {len(texts)} rows, {s.n_categories} genuine categories; embedding")
    int8 = embed_texts(texts, None, cache=cache)
    feeds, counts, lines, secs = [], [], [], []
    for seed in seeds:
        f, names, line, sec = fit(s.posts, int8, seed, method)
        n = len(names)
        if not feeds:
            log("  feeds: " + "; ".join(names))
            first_names = names
        feeds.append(f)
        counts.append(n)
        lines.append(line)
        secs.append(sec)
        log(f"  seed {seed}: {n} feeds, {sec:.1f} s; {line}")
    row = {"scenario": name, "rows": len(texts), "categories": s.n_categories,
           "feeds": counts[0]}
    row.update(measure(s.truth, feeds[0]))
    row["named"] = named(s.truth, feeds[0], first_names)
    row["seed_feeds"] = "/".join(str(c) for c in counts)
    aris = [adjusted_rand_score(a, b) for a, b in itertools.combinations(feeds, 2)]
    row["seed_ari_min"] = min(aris) if aris else float("nan")
    if fp32:
        vec = embed_texts(texts, FP32_MODEL, cache=cache)
        f32, names32, _, _ = fit(s.posts, vec, seeds[0], method)
        n32 = len(names32)
        row["fp32_feeds"] = n32
        row["fp32_ari"] = adjusted_rand_score(feeds[0], f32)
        log(f"  fp32: {n32} feeds, ARI {row['fp32_ari']:.3f}")
    row["confidence"] = lines[0]
    row["seconds"] = float(np.mean(secs))
    log(markdown([row]).splitlines()[-1])
    return row


def named(truth: pd.DataFrame, feed: np.ndarray, names: list[str]) -> float:
    """Share of the feeds with genuine rows whose name is closer (packaged model, cosine) to
    the name of the category most of those rows have than to any other category's name."""
    from names import hits_of

    genuine = (truth["role"] == "genuine").to_numpy()
    cats = truth["category"].to_numpy()
    ids = [f for f in range(len(names)) if (genuine & (feed == f)).any()]
    if not ids:
        return float("nan")
    main = [pd.Series(cats[genuine & (feed == f)]).mode().iloc[0] for f in ids]
    hits = hits_of([names[f] for f in ids], main, sorted(set(cats[genuine])),
                   lambda texts: embed_texts(list(texts)))
    return float(np.mean(hits))


def markdown(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            if isinstance(v, float):
                v = (f"{v:.0%}" if c.endswith("_fed") or c in ("purity", "named")
                     else f"{v:.3g}")
            cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    ap.add_argument("--shared-dir", type=Path, default=SHARED)
    ap.add_argument("--cache", default=True, help="embedding cache (SQLite file)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--no-fp32", action="store_true")
    ap.add_argument("--scenario-seed", type=int, default=0)
    ap.add_argument("--method", default="agglomerative",
                    help="clustering method (a name of nichefinder.cluster.METHODS)")
    args = ap.parse_args(argv)
    rows = [run(name, args.shared_dir, args.cache, args.seeds, not args.no_fp32,
                args.scenario_seed, args.method) for name in args.sets]
    print(markdown(rows))


if __name__ == "__main__":
    main()
