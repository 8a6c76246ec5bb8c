"""Scenarios: a company's audience composed from real labelled texts, with its traps and truth.

:func:`build_scenario` takes a labelled table of real posts (``text``, ``label`` and, where the
source has them, ``category``, ``author``, ``timestamp``, ``reply_to``, ``thread``) and composes
the audience a channel plan is measured on:

- *genuine* groups: a subset of the labels, drawn from several categories, each spread over many
  people (heavy-tailed activity: a few regulars, many who post once) and over ``n_weeks`` weeks,
  with replies between people. People talk about more than one thing: each category has one pool
  of people that all its labels draw on (plus a few generalists), so sibling labels share an
  audience as they would in a real company's. Where the source has authors and threads
  (reddit_college_threads) whole threads are kept with their real authors and reply links, and
  only moved onto the scenario's clock.
- the traps, each from real text of labels held out of the genuine set: a *campaign* (a few
  accounts posting near-duplicates of a few texts), a *spike* (many single-use accounts on one
  day), a *niche* too small to matter, and *chatter* (the shortest, most generic texts, from
  many people over the whole span).

The truth names every row's ``label``, ``category`` and ``role`` (:data:`ROLES`), and the row of
the source table it was taken from (``source_row``), so precomputed embeddings of the source can
be reused for every row but the campaign's edited copies.

Examples
--------
>>> table = pd.DataFrame({
...     "text": [f"post {i} about {t}" for i in range(60) for t in "abcdefgh"],
...     "label": [t for _ in range(60) for t in "abcdefgh"],
... })
>>> s = build_scenario(table, n_labels=4, posts_per_label=(40, 50), random_state=0)
>>> sorted(s.truth["role"].unique())
['campaign', 'chatter', 'genuine', 'niche', 'spike']
>>> list(s.posts.columns) == list(POST_COLUMNS)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .blocks import POST_COLUMNS

__all__ = ["ROLES", "Scenario", "build_scenario", "read_labelled"]

ROLES = ("genuine", "campaign", "spike", "niche", "chatter")
"""The role of a scenario's row: a genuine interest group's, or one of the four traps'."""

_START = pd.Timestamp("2026-01-05T00:00:00Z")
_CAMPAIGN_EDITS = ("", " #ad", " 🔥🔥", "!!", " Link in bio.", " Don't miss it", " #sponsored",
                   " DM us", " ✅")


@dataclass(frozen=True)
class Scenario:
    """A composed audience and its truth.

    Attributes
    ----------
    posts : pandas.DataFrame
        The package's input columns :data:`~nichefinder.datasets.POST_COLUMNS` (strings).
    truth : pandas.DataFrame
        ``id``, ``label``, ``category``, ``role`` (:data:`ROLES`) and ``source_row`` (the row of
        the source table; ``-1`` for none) of every post, in the order of :attr:`posts`.
    parameters : dict
        What was chosen: the genuine labels and categories, the trap labels, sizes, weeks.
    """

    posts: pd.DataFrame
    truth: pd.DataFrame
    parameters: dict = field(default_factory=dict)

    @property
    def n_categories(self) -> int:
        """Genuine categories: the feed count a plan should find."""
        return len(self.parameters["genuine_categories"])


def read_labelled(path, *, drop_labels=()) -> pd.DataFrame:
    """A labelled CSV (``text``, ``label``, optional ``category``, ``author``, ...) as strings,
    without empty texts and the ``drop_labels``.

    Raises
    ------
    InputError
        When the file has no ``text`` or no ``label`` column.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("text", "label") if c not in table.columns]
    if missing:
        raise InputError(f"{path}: no column {', '.join(missing)}; a labelled table needs "
                         "'text' and 'label'")
    keep = (table["text"].str.strip() != "") & ~table["label"].isin(list(drop_labels))
    return table[keep]


def build_scenario(table: pd.DataFrame, *, random_state=None, n_labels: int = 24,
                   posts_per_label: tuple[int, int] = (120, 320),
                   n_weeks: tuple[int, int] = (8, 16), campaign_posts: int = 80,
                   spike_posts: int = 150, niche_posts: int = 15, chatter_posts: int = 120,
                   reply_share: float = 0.3) -> Scenario:
    """Compose an audience from real labelled texts (module docstring).

    Parameters
    ----------
    table : pandas.DataFrame
        Real posts: ``text`` and ``label``; ``category`` (else each label is its own), and
        ``author``, ``timestamp``, ``reply_to``, ``thread`` where the source has them.
    random_state : int or None
        Seeds every choice; the same table and seed give the same scenario.
    n_labels : int, default 24
        Genuine labels (at most all labels but four, which the traps need).
    posts_per_label : (int, int), default (120, 320)
        Range of a genuine label's posts (log-uniform; capped by what the source has).
    n_weeks : (int, int), default (8, 16)
        Range of the weeks the audience spans.
    campaign_posts, spike_posts, niche_posts, chatter_posts : int
        The traps' sizes.
    reply_share : float, default 0.3
        Share of genuine posts that reply to an earlier post of their label, where the source
        has no reply structure of its own.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        When the table has too few labels for ``n_labels`` and the four traps.
    """
    rng = np.random.default_rng(random_state)
    table = table.reset_index(drop=True)
    if "category" not in table.columns or (table["category"] == "").all():
        table = table.assign(category=table["label"])
    labels = sorted(table["label"].unique())
    if len(labels) < 5:
        raise InputError(f"the table has {len(labels)} labels; a scenario needs at least 5 "
                         "(one genuine, four for the traps)")
    genuine, trap_labels, held = _pick_labels(table, min(int(n_labels), len(labels) - 4), rng)
    weeks = int(rng.integers(n_weeks[0], n_weeks[1] + 1))
    span = pd.Timedelta(weeks=weeks)
    threaded = {"author", "thread", "reply_to"} <= set(table.columns) and \
        (table["author"] != "").mean() > 0.5
    pools = _author_pools(table, genuine, rng)
    parts = []
    for label in genuine:
        rows = np.flatnonzero(table["label"].to_numpy() == label)
        n = int(min(len(rows), np.exp(rng.uniform(*np.log(posts_per_label)))))
        if threaded:
            parts.append(_threads(table, rows, n, span, rng))
        else:
            cat = table["category"].iloc[rows[0]]
            parts.append(_organic(table, rows, n, pools[cat], span, reply_share, rng))
    parts.append(_campaign(table, trap_labels["campaign"], campaign_posts, span, rng))
    parts.append(_spike(table, trap_labels["spike"], spike_posts, span, rng))
    parts.append(_niche(table, trap_labels["niche"], niche_posts, span, rng))
    parts.append(_chatter(table, held, chatter_posts, span, rng))
    posts, truth = _assemble(parts)
    cats = sorted({table["category"][table["label"] == g].iloc[0] for g in genuine})
    parameters = {
        "random_state": random_state, "weeks": weeks, "threaded": bool(threaded),
        "genuine_labels": list(genuine), "genuine_categories": cats,
        "trap_labels": dict(trap_labels), "chatter_labels": list(held),
        "rows": int(len(posts)),
        "rows_by_role": {r: int((truth["role"] == r).sum()) for r in ROLES},
    }
    return Scenario(posts, truth, parameters)


def _pick_labels(table, n, rng) -> tuple[list[str], dict[str, str], list[str]]:
    """``n`` genuine labels spread over the categories, the trap labels and the labels held out.

    Two categories (when there are at least six) stay out of the genuine set: the campaign, the
    niche and the chatter come from them, as off-topic traps do; the spike comes from a held-out
    label of a genuine category where there is one (a news moment near a topic the audience
    discusses), so the judge must tell a burst inside a genuine group.
    """
    by_cat: dict[str, list[str]] = {}
    for label, cat in table.groupby("label", sort=True)["category"].first().items():
        by_cat.setdefault(cat, []).append(label)
    cats = sorted(by_cat)
    rng.shuffle(cats)
    n_off = 2 if len(cats) >= 6 else 0
    off, cats = cats[:n_off], cats[n_off:]
    for c in cats:
        rng.shuffle(by_cat[c])
    chosen: list[str] = []
    while len(chosen) < n and any(by_cat[c] for c in cats):
        for c in cats:
            if by_cat[c] and len(chosen) < n:
                chosen.append(by_cat[c].pop())
    near = sorted(lab for c in cats for lab in by_cat[c])
    far = sorted(lab for c in off for lab in by_cat[c])
    pool = [str(x) for x in rng.permutation(far or near)]
    spike = str(rng.choice(near)) if near else pool[-1]
    traps = {"campaign": pool[0], "spike": spike, "niche": pool[1 % len(pool)], "chatter": ""}
    held = sorted(set(far or near) - {spike}) or sorted(far or near)
    return sorted(chosen), traps, held


def _author_pools(table, genuine, rng) -> dict[str, np.ndarray]:
    """Per category, the people who talk about it: its own regulars and a few generalists."""
    cats = sorted({table["category"][table["label"] == g].iloc[0] for g in genuine})
    generalists = np.array([f"user{k:05d}" for k in range(80)])
    pools, start = {}, 100
    for c in cats:
        size = int(rng.integers(150, 400))
        own = np.array([f"user{k:05d}" for k in range(start, start + size)])
        start += size
        pools[c] = np.concatenate([own, generalists[rng.permutation(80)[:20]]])
    return pools


def _zipf_pick(pool, n, rng, exponent=1.0) -> np.ndarray:
    """``n`` authors from ``pool`` with heavy-tailed activity (Zipf weights in a random order)."""
    weights = 1.0 / np.arange(1, len(pool) + 1) ** exponent
    order = rng.permutation(len(pool))
    return pool[order][rng.choice(len(pool), size=n, p=weights / weights.sum())]


def _times(n, span, rng) -> np.ndarray:
    """``n`` times over the span, busier in the day than at night."""
    days = rng.uniform(0, span / pd.Timedelta(days=1), size=n).astype(int)
    hours = np.clip(rng.normal(14, 4, size=n), 0, 23.99)
    return np.array([_START + pd.Timedelta(days=int(d), hours=float(h))
                     for d, h in zip(days, hours, strict=True)])


def _part(table, rows, role, authors, times, replies=None, texts=None, label=None) -> pd.DataFrame:
    """One block of rows: the source rows' texts (or ``texts``), authors, times, local replies
    (the position of the parent in the block, ``-1`` for none)."""
    rows = np.asarray(rows, dtype=int)
    src = table.iloc[rows] if len(rows) else table.iloc[:0]
    return pd.DataFrame({
        "text": src["text"].to_numpy() if texts is None else texts,
        "author": authors,
        "time": times,
        "parent": np.full(len(rows), -1) if replies is None else replies,
        "label": src["label"].to_numpy() if label is None else [label] * len(rows),
        "category": src["category"].to_numpy(),
        "platform": src["platform"].to_numpy() if "platform" in src.columns else "reddit",
        "role": role,
        "source_row": rows,
    })


def _organic(table, rows, n, pool, span, reply_share, rng) -> pd.DataFrame:
    """A genuine label without a reply structure of its own: heavy-tailed authors, replies to
    earlier posts of the label by someone else."""
    pick = np.sort(rng.choice(rows, size=n, replace=False))
    times = np.sort(_times(n, span, rng))
    authors = _zipf_pick(pool, n, rng)
    parents = np.full(n, -1)
    for i in range(1, n):
        if rng.random() < reply_share:
            j = int(rng.integers(max(0, i - 30), i))
            if authors[j] != authors[i]:
                parents[i] = j
    return _part(table, pick, "genuine", authors, times, parents)


def _threads(table, rows, n, span, rng) -> pd.DataFrame:
    """A genuine label from whole real threads, real authors and reply links, each thread moved
    to a random start in the span (offsets within it kept, at most three days)."""
    sub = table.iloc[rows]
    threads = sub["thread"].to_numpy()
    order = rng.permutation(pd.unique(threads))
    keep, total = [], 0
    for t in order:
        size = int((threads == t).sum())
        keep.append(t)
        total += size
        if total >= n:
            break
    picked = rows[np.isin(threads, keep)]
    sub = table.iloc[picked]
    ts = pd.to_datetime(sub["timestamp"], utc=True, errors="coerce")
    first = ts.groupby(sub["thread"]).transform("min")
    offset = (ts - first).fillna(pd.Timedelta(0)).clip(upper=pd.Timedelta(days=3))
    starts = {t: _START + pd.Timedelta(days=float(rng.uniform(0, span.days - 3)))
              for t in keep}
    times = np.array([starts[t] + o for t, o in zip(sub["thread"], offset, strict=True)])
    position = {i: k for k, i in enumerate(sub["id"])}
    parents = np.array([position.get(p, -1) for p in sub["reply_to"]])
    authors = sub["author"].replace("", "[deleted]").to_numpy()
    return _part(table, picked, "genuine", authors, times, parents)


def _long_texts(table, label, rng, min_words=6) -> np.ndarray:
    rows = np.flatnonzero((table["label"] == label).to_numpy())
    words = table["text"].iloc[rows].str.split().str.len().to_numpy()
    good = rows[words >= min_words]
    return good if len(good) else rows


def _campaign(table, label, n, span, rng) -> pd.DataFrame:
    """A few accounts posting near-duplicates of three texts over ten days."""
    sources = rng.choice(_long_texts(table, label, rng), size=3, replace=False)
    pick = rng.choice(sources, size=n)
    edits = rng.choice(len(_CAMPAIGN_EDITS), size=n)
    texts = [table["text"].iloc[r] + _CAMPAIGN_EDITS[e] for r, e in zip(pick, edits, strict=True)]
    accounts = np.array([f"promo{k}" for k in range(5)])
    start = float(rng.uniform(0, max(span.days - 10, 1)))
    times = np.array([_START + pd.Timedelta(days=start + float(x))
                      for x in rng.uniform(0, 10, size=n)])
    return _part(table, pick, "campaign", rng.choice(accounts, size=n), times, texts=texts)


def _spike(table, label, n, span, rng) -> pd.DataFrame:
    """Many accounts, most seen only that day, on one day (a news moment)."""
    rows = np.flatnonzero((table["label"] == label).to_numpy())
    pick = rng.choice(rows, size=min(n, len(rows)), replace=False)
    day = float(rng.integers(7, max(span.days - 7, 8)))
    times = np.array([_START + pd.Timedelta(days=day, hours=float(h))
                      for h in rng.uniform(8, 20, size=len(pick))])
    authors = np.array([f"spike{k:04d}" for k in range(len(pick))])
    return _part(table, pick, "spike", authors, times)


def _niche(table, label, n, span, rng) -> pd.DataFrame:
    """A real topic too small to matter: a handful of people over the span."""
    rows = np.flatnonzero((table["label"] == label).to_numpy())
    pick = rng.choice(rows, size=min(n, len(rows)), replace=False)
    authors = rng.choice(np.array([f"niche{k}" for k in range(5)]), size=len(pick))
    return _part(table, pick, "niche", authors, _times(len(pick), span, rng))


def _chatter(table, held, n, span, rng) -> pd.DataFrame:
    """Off-topic small talk: the shortest texts of the held-out labels, from many people."""
    rows = np.flatnonzero(table["label"].isin(held).to_numpy())
    words = table["text"].iloc[rows].str.split().str.len().to_numpy()
    short = rows[np.argsort(words, kind="stable")[: max(n * 3, n)]]
    pick = rng.choice(short, size=min(n, len(short)), replace=False)
    authors = np.array([f"chat{k:04d}" for k in rng.integers(0, 400, size=len(pick))])
    return _part(table, pick, "chatter", authors, _times(len(pick), span, rng))


def _assemble(parts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All blocks on one clock, ids by time, local replies turned into ids of earlier posts."""
    offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
    parents = np.concatenate([np.where(p["parent"] >= 0, p["parent"] + o, -1)
                              for p, o in zip(parts, offsets, strict=True)])
    allp = pd.concat(parts, ignore_index=True)
    order = np.argsort(allp["time"].to_numpy(), kind="stable")
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    ids = np.array([f"s{r + 1:06d}" for r in rank], dtype=object)
    reply = np.where(parents >= 0, ids[np.maximum(parents, 0)], "")
    # a reply never points at a later post (thread offsets are clipped, so rare)
    later = (parents >= 0) & (rank[np.maximum(parents, 0)] > rank)
    reply[later] = ""
    out = pd.DataFrame({
        "id": ids,
        "text": allp["text"].to_numpy(),
        "author": allp["author"].to_numpy(),
        "timestamp": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in allp["time"]],
        "platform": allp["platform"].replace("", "reddit").to_numpy(),
        "reply_to": reply,
    }).iloc[order].reset_index(drop=True)
    truth = pd.DataFrame({
        "id": ids, "label": allp["label"].to_numpy(), "category": allp["category"].to_numpy(),
        "role": allp["role"].to_numpy(), "source_row": allp["source_row"].to_numpy(),
    }).iloc[order].reset_index(drop=True)
    return out[list(POST_COLUMNS)], truth
