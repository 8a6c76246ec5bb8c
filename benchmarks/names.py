"""Measure group names against human category names: are they the words people would use?

Usage (from the repository root)::

    python benchmarks/names.py ../shared/datasets/hwu64.csv --embeddings vectors.npy
    python benchmarks/names.py A.csv B.csv --embeddings-dir DIR --cache cache.sqlite --pipeline

For each labelled file (``id,text,label``; ``oos`` rows dropped), the groups are first the true
labels, then (``--pipeline``) the groups nichefinder finds, each taken as the label most of its
posts have. Every group is named twice in the same run: with :func:`nichefinder.describe.names
.name_groups` (the names of the plan) and with the previous rule, the two top c-TF-IDF keywords
joined by "&" (the peer). It prints, per dataset and grouping:

- ``label``: the share of groups whose name is closer (packaged model, cosine) to its own
  label's name (underscores and camel case split: ``alarm_query`` -> "alarm query") than to any
  other label's name;
- ``category``: the same against the file's ``category`` column (the coarse names: hwu64's
  scenarios, clinc150's domains, crisislex's event types, reddit's interest groups);
- ``repeat``: the share of names that repeat a word;
- ``label names as names``: the reference, the set's own label names scored as names against
  its category names (how far a name of the group's own topic can go on this measure);
- a few names beside their label (misses first), and with ``--pipeline`` every feed's name and
  the share of feeds whose name is closer to the category most of their posts have than to
  any other category.

``--embeddings-dir DIR`` reads ``DIR/<file stem>.int8.npy`` (rows aligned with the CSV).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nichefinder.describe import class_tfidf
from nichefinder.describe.keywords import _label, _top_keywords
from nichefinder.describe.names import name_groups
from nichefinder.embed import embed_texts
from nichefinder.groups import build_groups


def category_name(label: str) -> str:
    """A label as words: ``alarm_query`` -> "alarm query", ``HomeImprovement`` -> "home
    improvement"."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(label)).replace("_", " ")
    return " ".join(text.lower().split())


def repeats(name: str) -> bool:
    words = [w for w in re.findall(r"[a-z0-9']+", name.lower()) if w not in ("and", "&")]
    return len(set(words)) < len(words)


def hits_of(names: list[str], truths: list[str], categories: list[str], embed) -> list[bool]:
    """Whether each name is closer to its own category's name than to any other's."""
    cats = sorted(set(categories))
    at = {c: i for i, c in enumerate(cats)}
    c_vec = embed([category_name(c) for c in cats])
    n_vec = embed([n or "?" for n in names])
    best = (n_vec @ c_vec.T).argmax(axis=1)
    return [bool(best[i] == at[t]) for i, t in enumerate(truths)]


def hit_rate(names: list[str], truths: list[str], categories: list[str], embed) -> float:
    """Share of names closer to their own category's name than to any other's."""
    return float(np.mean(hits_of(names, truths, categories, embed)))


def peer_names(texts, groups) -> list[str]:
    """The previous rule: the two top c-TF-IDF keywords joined by '&'."""
    ids, weights, terms = class_tfidf(texts, groups.labels)
    return [_label(_top_keywords(weights[i], terms, 2)) for i in range(len(ids))]


def evaluate(name: str, texts, groups, group_truth, labels, group_cat, cats, embed, show: int):
    start = time.perf_counter()
    ours = name_groups(texts, groups.members, centres=groups.centroids, embed=embed)
    seconds = time.perf_counter() - start
    peer = peer_names(texts, groups)
    for who, names in (("names", ours), ("peer", peer)):
        rate = hit_rate(names, group_truth, labels, embed)
        coarse = hit_rate(names, group_cat, cats, embed) if group_cat else float("nan")
        rep = float(np.mean([repeats(n) for n in names]))
        print(f"{name:40s} {who:5s} groups={len(names):4d} label={rate:6.1%} "
              f"category={coarse:6.1%} repeat={rep:5.1%}"
              + (f" time={seconds:.1f}s" if who == "names" else ""))
    hits = hits_of(ours, group_truth, labels, embed)
    misses = [i for i, h in enumerate(hits) if not h]
    for i in (misses + [i for i in range(len(ours)) if hits[i]])[:show]:
        mark = "miss" if not hits[i] else "ok  "
        print(f"  {mark} {category_name(group_truth[i])!r:34s} -> {ours[i]!r:40s} "
              f"(peer {peer[i]!r})")
    return ours


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--embeddings", type=Path, help="vectors of the one file given")
    parser.add_argument("--embeddings-dir", type=Path)
    parser.add_argument("--cache", default=True, help="embedding cache file for the names")
    parser.add_argument("--pipeline", action="store_true",
                        help="also name the groups nichefinder finds")
    parser.add_argument("--show", type=int, default=8, help="names printed per run")
    args = parser.parse_args(argv)

    def embed(texts):
        return embed_texts(list(texts), cache=args.cache)

    for path in args.files:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        if args.embeddings is not None:
            vectors = np.load(args.embeddings)
        else:
            vectors = np.load(args.embeddings_dir / f"{path.stem}.int8.npy")
        keep = (df["label"] != "oos").to_numpy()
        df, vectors = df[keep].reset_index(drop=True), vectors[keep]
        texts = df["text"].tolist()
        cats = sorted(df["label"].unique())
        codes = np.searchsorted(cats, df["label"].to_numpy())
        groups = build_groups(df[["id", "text"]], codes, vectors)
        truth = [cats[int(g)] for g in groups.ids]
        coarse_of = (df.groupby("label")["category"].agg(lambda s: s.mode().iloc[0]).to_dict()
                     if "category" in df.columns else None)
        coarse = sorted(set(coarse_of.values())) if coarse_of else []

        def coarse_names(labels, coarse_of=coarse_of):
            return [coarse_of[t] for t in labels] if coarse_of else None

        evaluate(f"{path.stem} (true labels)", texts, groups, truth, cats, coarse_names(truth),
                 coarse, embed, args.show)
        if coarse_of:
            # the reference: the set's own label names, as names of their groups
            own = [category_name(t) for t in truth]
            print(f"{path.stem + ' (true labels)':40s} label names as names: category="
                  f"{hit_rate(own, coarse_names(truth), coarse, embed):6.1%}")
        if args.pipeline:
            import nichefinder

            finder = nichefinder.NicheFinder(random_state=0).fit(
                df[["id", "text"]], embeddings=vectors)
            found = finder.groups_
            majority = [cats[int(pd.Series(codes[rows]).mode().iloc[0])]
                        for rows in found.members]
            evaluate(f"{path.stem} (pipeline groups)", texts, found, majority, cats,
                     coarse_names(majority), coarse, embed, args.show)
            rec, _ = finder.recommend()
            feeds = rec.feeds
            print(f"  {len(feeds)} feeds: " + "; ".join(f.name for f in feeds))
            if coarse_of:
                served = [np.flatnonzero(rec.feed_of_row == f.id) for f in feeds]
                feeds = [f for f, rows in zip(feeds, served, strict=True) if rows.size]
                served = [rows for rows in served if rows.size]
                cat_of_feed = [df["category"].iloc[rows].mode().iloc[0] for rows in served]
                hits = hits_of([f.name for f in feeds], cat_of_feed, coarse, embed)
                print(f"{path.stem + ' (feeds)':40s} names feeds={len(feeds):4d} "
                      f"category={np.mean(hits):6.1%} (the category most of a feed's posts have)")
                for f, c, h in zip(feeds, cat_of_feed, hits, strict=True):
                    print(f"  {'ok  ' if h else 'miss'} {category_name(c)!r:34s} -> {f.name!r}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
