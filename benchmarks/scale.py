"""Everything after embedding at 10k, 100k and 1M posts, beside BERTopic's fit on the same vectors.

Usage (from the repository root)::

    python benchmarks/scale.py                          # 10k, 100k, 1M; BERTopic where it finishes
    python benchmarks/scale.py --sizes 10000,100000     # smaller sizes only
    python benchmarks/scale.py --no-bertopic --profile  # nichefinder only, cProfile of each run

Corpus: real sentences of the shared intent datasets (banking77, clinc150, hwu64; clinc150's
``oos`` dropped), recombined into social posts. Each intent is one interest group: a post is one
sentence of an intent, sometimes two of the same intent, with light variation (a greeting, an
@mention, a hashtag from the intent's name, an emoji). Intent volumes are log-normal; authors are
Zipf-like within each intent's own pool (plus a shared pool of people who post everywhere);
timestamps span 12 weeks with a daily rhythm; platforms are weighted; about 12 % of posts reply
to an earlier post of the same intent. The staff roster is ``sample_data/staff.csv``. Seeded and
deterministic, written once to ``--work-dir`` (``$NICHEFINDER_CACHE/bench`` by default) as
``posts-<N>.csv``.

Embeddings: the ``fast`` backend (:class:`nichefinder.embed.StaticEmbedder`, static token
vectors distilled from the packaged model) embeds each corpus once into ``posts-<N>.npy``;
embedding is not timed. The real model would take about 35 minutes for 1M texts here.

Timing: every (system, N) runs in a fresh subprocess (``python benchmarks/scale.py --child``),
which reports its own wall time per stage and its peak resident memory (``ru_maxrss``).
nichefinder runs ``nichefinder.plan(posts.csv, embeddings=posts.npy, staff=staff.csv,
random_state=0)`` and ``write_plan``; its stages are timed by wrapping the stage functions the
pipeline calls (ingest, load embeddings, cluster, describe, project, score, recommend, feed
texts, staff, render). "after embedding" is everything but ingest and loading the vectors.
BERTopic runs ``BERTopic().fit_transform(docs, embeddings)`` with its defaults on the same
vectors, with a time limit (``--bertopic-timeout``); a run past it is reported as "did not
finish", one killed by the kernel as "out of memory".

The table gives, per N, nichefinder's after-embedding seconds and whole-run peak GiB, BERTopic's
seconds and peak GiB, their ratio, and finally the growth exponent of time against N (the
least-squares slope of log seconds on log N) beside the slope N log N would give over the same
range. Results also go to ``<work-dir>/scale-results.json``; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = ROOT / ".." / "shared" / "datasets"
DATASETS = ("banking77", "clinc150", "hwu64")
STAFF = ROOT / "sample_data" / "staff.csv"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
WEEKS = 12
PLATFORMS = {"twitter": 0.35, "reddit": 0.25, "facebook": 0.2, "instagram": 0.15, "tiktok": 0.05}
GREETINGS = ("hi all,", "hey,", "quick question:", "ok so", "help!", "anyone?", "hello,", "ugh,")
EMOJI = ("🙏", "😩", "🤔", "😅", "👍", "❤️", "😬", "🔥")
MENTIONS = ("@support", "@help", "@team", "@admin", "@mods")
NF_STAGES = (
    "ingest", "load_embeddings", "cluster", "describe", "project", "score",
    "recommend", "feed_texts", "staff", "render",
)
BEFORE_EMBEDDING = ("ingest", "load_embeddings")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus


def load_sentences(datasets_dir: Path) -> pd.DataFrame:
    """All sentences of the shared datasets: ``text, intent`` (intent = ``dataset/label``)."""
    frames = []
    for name in DATASETS:
        frame = pd.read_csv(datasets_dir / f"{name}.csv", usecols=["text", "label"])
        frame = frame[frame["label"] != "oos"].dropna()
        frames.append(pd.DataFrame({"text": frame["text"].astype(str).str.strip(),
                                    "intent": name + "/" + frame["label"].astype(str)}))
    out = pd.concat(frames, ignore_index=True)
    return out[out["text"].str.len() > 0].sort_values(["intent", "text"], kind="stable")


def make_corpus(n: int, sentences: pd.DataFrame, random_state: int = 0) -> pd.DataFrame:
    """``n`` social posts recombined from ``sentences``; columns as nichefinder reads them.

    A post joins one to three sentences of its intent (one in a third of the posts), lightly
    varied, so that almost every post is a text of its own: at a million posts over ~45,000
    sentences, posts of one sentence each would repeat each sentence ~22 times and every group
    would be judged a template. About 1 % of posts are retweets (``RT @x: ...``) of an
    earlier post, as in a listening export.
    """
    rng = np.random.default_rng([random_state, n])
    codes, intents = pd.factorize(sentences["intent"], sort=True)
    texts = sentences["text"].to_numpy()
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(intents)))
    counts = np.bincount(codes, minlength=len(intents))
    # intent volumes: log-normal, so a few big groups and a long tail of small ones
    weight = rng.lognormal(0.0, 0.8, len(intents))
    intent = rng.choice(len(intents), n, p=weight / weight.sum())
    n_parts = rng.choice([1, 2, 3], n, p=[0.35, 0.4, 0.25])
    picks = [order[starts[intent] + (rng.random(n) * counts[intent]).astype(int)]
             for _ in range(3)]
    greet = rng.random(n) < 0.15
    mention = rng.random(n) < 0.08
    tag = rng.random(n) < 0.12
    emoji = rng.random(n) < 0.15
    lower = rng.random(n) < 0.2
    g_pick = rng.integers(0, len(GREETINGS), n)
    m_pick = rng.integers(0, len(MENTIONS), n)
    e_pick = rng.integers(0, len(EMOJI), n)
    retweet = rng.random(n) < 0.01
    tags = ["#" + name.split("/", 1)[1].replace("_", "") for name in intents]
    body = []
    last: dict[int, int] = {}
    for i in range(n):
        if retweet[i] and intent[i] in last:  # a retweet of another post of the intent
            body.append(f"RT @u{intent[i]}_0: {body[last[intent[i]]]}")
            continue
        last[intent[i]] = i
        parts = []
        if greet[i]:
            parts.append(GREETINGS[g_pick[i]])
        if mention[i]:
            parts.append(MENTIONS[m_pick[i]])
        seen = set()
        for k in range(n_parts[i]):
            j = picks[k][i]
            if j not in seen:
                seen.add(j)
                parts.append(texts[j])
        if tag[i]:
            parts.append(tags[intent[i]])
        if emoji[i]:
            parts.append(EMOJI[e_pick[i]])
        text = " ".join(parts)
        body.append(text.lower() if lower[i] else text)
    # authors: each intent has its own Zipf-like pool (about one person per 6 posts), and a
    # shared pool of generalists writes 10 % of all posts
    authors = np.empty(n, dtype=object)
    generalist = rng.random(n) < 0.10
    n_general = max(50, n // 200)
    authors[generalist] = [f"@all{k}" for k in _zipf(rng, generalist.sum(), n_general)]
    local = np.flatnonzero(~generalist)
    volume = np.bincount(intent[local], minlength=len(intents))
    rank = np.empty(len(local), dtype=np.int64)
    for g in np.flatnonzero(volume):
        rows = np.flatnonzero(intent[local] == g)
        rank[rows] = _zipf(rng, len(rows), max(5, volume[g] // 6))
    authors[local] = [f"@u{g}_{r}" for g, r in zip(intent[local], rank, strict=True)]
    # timestamps over 12 weeks, busier in the day than at night
    start = pd.Timestamp("2026-06-01T00:00:00Z")
    day = rng.integers(0, WEEKS * 7, n)
    hour = np.clip(rng.normal(14, 4.5, n), 0, 23.99)
    seconds = day * 86400 + (hour * 3600).astype(np.int64)
    names = list(PLATFORMS)
    platform = rng.choice(len(names), n, p=np.array(list(PLATFORMS.values())))
    frame = pd.DataFrame({"text": body, "author": authors, "seconds": seconds,
                          "platform": np.array(names)[platform], "intent": intent})
    frame = frame.sort_values("seconds", kind="stable").reset_index(drop=True)
    frame.insert(0, "id", [f"p{k:07d}" for k in range(n)])
    # replies: to an earlier post of the same intent
    reply = np.full(n, "", dtype=object)
    wants = rng.random(n) < 0.12
    by_intent = frame.groupby("intent", sort=True).indices
    for rows in by_intent.values():
        pick = rows[wants[rows]]
        pick = pick[np.searchsorted(rows, pick) > 0]
        if len(pick):
            pos = np.searchsorted(rows, pick)
            parent = rows[(rng.random(len(pick)) * pos).astype(int)]
            reply[pick] = frame["id"].to_numpy()[parent]
    frame["reply_to"] = reply
    frame["timestamp"] = (start + pd.to_timedelta(frame["seconds"], unit="s")).dt.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return frame[["id", "text", "author", "timestamp", "platform", "reply_to"]]


def _zipf(rng: np.random.Generator, size: int, pool: int) -> np.ndarray:
    """``size`` draws from ``range(pool)`` with probability proportional to 1 / (rank + 1)."""
    p = 1.0 / np.arange(1, pool + 1)
    return rng.choice(pool, size, p=p / p.sum())


def prepare(n: int, work_dir: Path, sentences: pd.DataFrame | None, random_state: int):
    """Write ``posts-<n>.csv`` and its ``fast``-backend ``.npy`` once; return both paths."""
    csv, npy = work_dir / f"posts-{n}.csv", work_dir / f"posts-{n}.npy"
    if not csv.exists():
        if sentences is None:
            sentences = load_sentences(DATASETS_DIR)
        log(f"generating {n:,} posts from {len(sentences):,} sentences")
        frame = make_corpus(n, sentences, random_state)
        tmp = csv.with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.replace(csv)
    if not npy.exists():
        from nichefinder.embed import StaticEmbedder

        texts = pd.read_csv(csv, usecols=["text"], dtype=str, keep_default_na=False)["text"]
        log(f"embedding {n:,} posts with the fast (static) backend")
        start = time.perf_counter()
        embedder = StaticEmbedder()
        vectors = np.concatenate([embedder.embed(texts[i:i + 20_000].tolist())
                                  for i in range(0, len(texts), 20_000)])
        log(f"  {len(texts) / (time.perf_counter() - start):,.0f} texts/s")
        with open(npy.with_suffix(".tmp"), "wb") as f:
            np.save(f, vectors)
        npy.with_suffix(".tmp").replace(npy)
    return csv, npy


# --------------------------------------------------------------------------- children


def _peak_gib() -> float:
    # Linux reports kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def child_nichefinder(csv: Path, npy: Path, out_dir: Path, profile: Path | None) -> dict:
    import nichefinder
    from nichefinder import pipeline, report

    seconds: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    from nichefinder import fit

    for name, attr in [("load_embeddings", "load_embeddings"), ("describe", "describe_groups"),
                       ("score", "measure_groups")]:
        setattr(fit, attr, timed(name, getattr(fit, attr)))
    for name, attr in [("ingest", "as_conversations"), ("cluster", "cluster_embeddings"),
                       ("project", "project_2d"), ("recommend", "recommend_feeds"),
                       ("feed_texts", "_feed_texts"), ("staff", "assign_staff")]:
        setattr(pipeline, attr, timed(name, getattr(pipeline, attr)))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    plan = nichefinder.plan(str(csv), embeddings=str(npy), staff=str(STAFF), random_state=0)
    fitted = time.perf_counter()
    report.write_plan(plan, out_dir)
    end = time.perf_counter()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds["render"] = end - fitted
    seconds["other"] = (end - start) - sum(seconds.values())
    total = end - start
    return {
        "seconds": seconds,
        "total": total,
        "after_embedding": total - sum(seconds.get(s, 0.0) for s in BEFORE_EMBEDDING),
        "peak_gib": _peak_gib(),
        "groups": plan.summary.groups,
        "feeds": plan.summary.feeds,
        "noise": plan.summary.rows_noise,
        "grouped": plan.summary.rows_grouped,
    }


def child_raw(csv: Path, out_dir: Path, cache: Path, placement: str) -> dict:
    """A cold-cache run from raw text: ``nichefinder.plan(posts.csv, staff=...)``, embedding
    included, with the embedding steps timed apart (the real model, the student)."""
    import nichefinder
    from nichefinder import fit, pipeline, report
    from nichefinder.embed import student

    seconds: dict[str, float] = {}
    counts = {"model_texts": 0}

    def timed(name, fn, count=False):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                if count:
                    counts["model_texts"] += len(args[0])
                return fn(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    fit.embed_texts = timed("embed_model", fit.embed_texts, count=True)
    fit.embed_posts = timed("embed_model", fit.embed_posts)
    student.LinearStudent.features = timed("embed_student", student.LinearStudent.features)
    fit.build_groups = timed("build_groups", fit.build_groups)
    fit.describe_groups = timed("describe", fit.describe_groups)
    fit.measure_groups = timed("measure", fit.measure_groups)
    for name, attr in [("ingest", "as_conversations"), ("project", "project_2d"),
                       ("judge", "judge_groups"), ("recommend", "recommend_feeds"),
                       ("feed_texts", "_feed_texts"), ("staff", "assign_staff")]:
        setattr(pipeline, attr, timed(name, getattr(pipeline, attr)))
    cache.unlink(missing_ok=True)
    start = time.perf_counter()
    finder = nichefinder.NicheFinder(random_state=0, cache=cache, placement=placement,
                                     show_progress=True)
    finder.fit(str(csv))
    fitted = time.perf_counter()
    plan = finder.plan(str(STAFF))
    report.write_plan(plan, out_dir)
    end = time.perf_counter()
    seconds["fit_total"] = fitted - start
    seconds["plan_and_render"] = end - fitted
    stats = finder.embedding_stats_
    return {
        "seconds": seconds,
        "total": end - start,
        "peak_gib": _peak_gib(),
        "posts": stats["posts"],
        "embedded_by_model": stats.get("embedded"),
        "placement": stats.get("placement"),
        "groups": plan.summary.groups,
        "feeds": plan.summary.feeds,
        "noise": plan.summary.rows_noise,
    }


def child_bertopic(csv: Path, npy: Path) -> dict:
    from bertopic import BERTopic

    docs = pd.read_csv(csv, usecols=["text"], dtype=str, keep_default_na=False)["text"].tolist()
    vectors = np.load(npy)
    start = time.perf_counter()
    topics, _ = BERTopic().fit_transform(docs, vectors)
    total = time.perf_counter() - start
    topics = np.asarray(topics)
    return {"total": total, "peak_gib": _peak_gib(), "groups": int(len(set(topics) - {-1})),
            "noise": int((topics == -1).sum())}


def run_child(system: str, n: int, work_dir: Path, timeout: float, profile: bool,
              extra=()) -> dict:
    """Run one (system, n) in a fresh interpreter; its JSON result or why there is none."""
    command = [sys.executable, __file__, "--child", system, "--work-dir", str(work_dir),
               "--sizes", str(n), *extra]
    if profile:
        command.append("--profile")
    log(f"{system} at {n:,} (time limit {timeout:.0f} s)")
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"failed": f"did not finish in {timeout / 60:.0f} min"}
    wall = time.perf_counter() - start
    if done.returncode != 0:
        killed = done.returncode in (-9, 137) or "MemoryError" in done.stderr
        tail = done.stderr.strip().splitlines()[-3:]
        log(f"  failed ({done.returncode}): " + " | ".join(tail))
        return {"failed": "out of memory" if killed else f"error (exit {done.returncode})"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall"] = wall
    log("  " + json.dumps(result))
    return result


# --------------------------------------------------------------------------- table


def growth_exponent(ns, seconds) -> float:
    """Least-squares slope of log(seconds) on log(N)."""
    return float(np.polyfit(np.log(ns), np.log(seconds), 1)[0])


def nlogn_exponent(ns) -> float:
    """The slope the same fit gives for time proportional to N log N over ``ns``."""
    return growth_exponent(ns, [n * math.log(n) for n in ns])


def _load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def render(results: dict, sizes) -> str:
    def cell(r, key, fmt):
        if r is None:
            return "-"
        if "failed" in r:  # said once, in the time column
            return r["failed"] if key in ("total", "after_embedding") else "-"
        return fmt.format(r[key])

    lines = [
        "| N | nichefinder s (after embedding) | nichefinder whole s | nichefinder peak GiB "
        "| BERTopic fit s | BERTopic peak GiB | nichefinder / BERTopic | groups | feeds "
        "| BERTopic topics |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        nf = results.get(f"nichefinder/{n}")
        bt = results.get(f"bertopic/{n}")
        ratio = "-"
        if nf and bt and "failed" not in nf and "failed" not in bt:
            ratio = f"{nf['after_embedding'] / bt['total']:.2f}x"
        lines.append(
            f"| {n:,} | {cell(nf, 'after_embedding', '{:.1f}')} | {cell(nf, 'total', '{:.1f}')} "
            f"| {cell(nf, 'peak_gib', '{:.2f}')} | {cell(bt, 'total', '{:.1f}')} "
            f"| {cell(bt, 'peak_gib', '{:.2f}')} | {ratio} | {cell(nf, 'groups', '{}')} "
            f"| {cell(nf, 'feeds', '{}')} | {cell(bt, 'groups', '{}')} |"
        )
    ok = [(n, results[f"nichefinder/{n}"]["after_embedding"]) for n in sizes
          if "failed" not in results.get(f"nichefinder/{n}", {"failed": 1})]
    if len(ok) >= 2:
        ns, ts = zip(*ok, strict=True)
        lines.append("")
        lines.append(
            f"Growth exponent of nichefinder's after-embedding time, {ns[0]:,}..{ns[-1]:,}: "
            f"{growth_exponent(ns, ts):.2f} (N log N would give {nlogn_exponent(ns):.2f}, "
            "N gives 1.00)."
        )
    stages = [s for s in NF_STAGES + ("other",)]
    lines += ["", "nichefinder seconds per stage:", "",
              "| N | " + " | ".join(stages) + " |", "|---:|" + "---:|" * len(stages)]
    for n in sizes:
        nf = results.get(f"nichefinder/{n}")
        if nf and "failed" not in nf:
            lines.append(f"| {n:,} | " + " | ".join(
                f"{nf['seconds'].get(s, 0.0):.1f}" for s in stages) + " |")
    return "\n".join(lines)


def run_raw(args, sizes) -> None:
    """``--raw``: each size from raw text with a cold cache, in a fresh interpreter."""
    results_path = args.work_dir / f"raw-results-{args.placement}.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    if args.table_only:
        print(render_raw(results, sizes))
        return
    sentences = load_sentences(DATASETS_DIR)
    for n in sizes:
        csv = args.work_dir / f"posts-{n}.csv"
        if not csv.exists():
            log(f"generating {n:,} posts from {len(sentences):,} sentences")
            make_corpus(n, sentences, args.random_state).to_csv(csv, index=False)
        before = _load_average()
        result = run_child("raw", n, args.work_dir, args.timeout, False,
                           ["--placement", args.placement])
        result["load_before"], result["load_after"] = before, _load_average()
        results[str(n)] = result
        results_path.write_text(json.dumps(results, indent=1))
    print(render_raw(results, sizes))


def render_raw(results: dict, sizes) -> str:
    stages = ("ingest", "embed_model", "embed_student", "fit_total", "build_groups", "describe",
              "measure", "project", "judge", "recommend", "feed_texts", "staff",
              "plan_and_render")
    lines = ["| N | whole s | peak GiB | real-model share | groups | feeds | "
             + " | ".join(stages) + " | load (1 min) before/after |",
             "|---:|---:|---:|---:|---:|---:|" + "---:|" * len(stages) + "---|"]
    ok = []
    for n in sizes:
        r = results.get(str(n))
        if not r or "failed" in r:
            lines.append(f"| {n:,} | {r['failed'] if r else '-'} |")
            continue
        ok.append((n, r["total"]))
        share = (r.get("placement") or {}).get("real_model_share", 1.0)
        lines.append(
            f"| {n:,} | {r['total']:.0f} | {r['peak_gib']:.2f} | {share:.1%} | {r['groups']} "
            f"| {r['feeds']} | " + " | ".join(f"{r['seconds'].get(s, 0.0):.0f}" for s in stages)
            + f" | {r['load_before'].split(' / ')[0]} / {r['load_after'].split(' / ')[0]} |")
    if len(ok) >= 2:
        ns, ts = zip(*ok, strict=True)
        lines += ["", f"Growth exponent of the whole run, {ns[0]:,}..{ns[-1]:,}: "
                      f"{growth_exponent(ns, ts):.2f}."]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cache = os.environ.get("NICHEFINDER_CACHE") or Path.home() / ".cache" / "nichefinder"
    parser.add_argument("--work-dir", type=Path, default=Path(cache) / "bench")
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--no-bertopic", action="store_true", help="skip BERTopic")
    parser.add_argument("--no-nichefinder", action="store_true", help="skip nichefinder")
    parser.add_argument("--bertopic-max", type=int, default=None,
                        help="run BERTopic only up to this N")
    parser.add_argument("--bertopic-timeout", type=float, default=30 * 60,
                        help="seconds before a BERTopic run is given up (default 1800)")
    parser.add_argument("--timeout", type=float, default=30 * 60,
                        help="seconds before a nichefinder run is given up (default 1800)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each nichefinder run into <work-dir>/profile-<N>.prof")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--table-only", action="store_true",
                        help="print the table of the results kept in <work-dir>, run nothing")
    parser.add_argument("--raw", action="store_true",
                        help="from raw text, cold cache, embedding included (nichefinder only)")
    parser.add_argument("--placement", choices=("student", "model"), default="student",
                        help="with --raw: how posts beyond the sample are embedded")
    parser.add_argument("--child", choices=("nichefinder", "bertopic", "raw"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.work_dir.mkdir(parents=True, exist_ok=True)

    if args.child:
        (n,) = sizes
        csv, npy = args.work_dir / f"posts-{n}.csv", args.work_dir / f"posts-{n}.npy"
        if args.child == "raw":
            result = child_raw(csv, args.work_dir / f"plan-raw-{n}",
                               args.work_dir / f"cold-cache-{n}.sqlite", args.placement)
        elif args.child == "nichefinder":
            prof = args.work_dir / f"profile-{n}.prof" if args.profile else None
            result = child_nichefinder(csv, npy, args.work_dir / f"plan-{n}", prof)
        else:
            result = child_bertopic(csv, npy)
        print(json.dumps(result))
        return

    if args.raw:
        return run_raw(args, sizes)
    results_path = args.work_dir / "scale-results.json"
    if args.table_only:
        print(render(json.loads(results_path.read_text()), sizes))
        return
    sentences = None
    for n in sizes:
        if not (args.work_dir / f"posts-{n}.npy").exists() and sentences is None:
            sentences = load_sentences(DATASETS_DIR)
        prepare(n, args.work_dir, sentences, args.random_state)
    if args.prepare_only:
        return
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    loads = [_load_average()]
    for n in sizes:
        if not args.no_nichefinder:
            results[f"nichefinder/{n}"] = run_child("nichefinder", n, args.work_dir,
                                                    args.timeout, args.profile)
            loads.append(_load_average())
        if not args.no_bertopic and (args.bertopic_max is None or n <= args.bertopic_max):
            results[f"bertopic/{n}"] = run_child("bertopic", n, args.work_dir,
                                                 args.bertopic_timeout, False)
            loads.append(_load_average())
        results_path.write_text(json.dumps(results, indent=1))
    print(f"Embeddings: the fast static backend (StaticEmbedder), computed once, not timed. "
          f"Load average (1/5/15 min) before and after each run: {'; '.join(loads)}.\n")
    print(render(results, sizes))


if __name__ == "__main__":
    main()
