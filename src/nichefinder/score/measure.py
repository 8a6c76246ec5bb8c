"""Score: is each group identifiable, substantial and genuine, and on what evidence.

Scoring is two steps, both importable:

1. :func:`measure_groups` measures every group once (cohesion, volume, weeks active, author
   concentration, duplicates, reply graph...). It does not depend on the pass/fail thresholds.
2. :func:`judge_group` turns one group's measurements into three :class:`~nichefinder.results.Score`
   objects under a :class:`~nichefinder.config.Thresholds`. It is pure and cheap, so a what-if
   over thresholds re-judges stored metrics without re-embedding or re-measuring.

:func:`score_groups` does both. Each test is a list of checks; a check scores 0.5 exactly at its
threshold, 1 at its best and 0 at its worst, and a test's value is its *weakest* check, so
``value >= 0.5`` whenever every check passes. ``passed`` is ``False`` if any check fails,
``None`` when the test could not be judged (no authors for *genuine*), else ``True``.
Evidence lists the failed checks first; ``metrics["n_failed"]`` says how many.

Duplicates count against genuineness only when *coordinated* (the twin comes from the same
account or within ``duplicate_window_hours``): people asking the same thing weeks apart are a
topic, not a campaign.

Monotone by construction: every check's score is non-decreasing in the number and spread of
authors and non-increasing in the share of duplicates, and the weakest-check rule preserves it.

Group ``-1`` is noise and is never scored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..config import Thresholds
from ..results import NOISE, Score
from .graph import describe_interaction, group_interaction, reply_graph

__all__ = ["score_groups", "measure_groups", "judge_group", "TESTS"]

log = logging.getLogger(__name__)

TESTS = ("identifiable", "substantial", "genuine")
"""The three tests, in the order they are reported."""

_DAY = pd.Timedelta(days=1)
_NORMALISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+|[^\w\s]")
_SPACES = re.compile(r"\s+")
_DUP_EXACT_LIMIT = 2500
_DUP_SAMPLE = 1500


# --------------------------------------------------------------------------------------------
# check scores: 0.5 exactly at the threshold
# --------------------------------------------------------------------------------------------


def _at_least_count(x: float, t: float) -> float:
    """Score of a count that should be at least ``t``: ``x / (x + t)``."""
    if t <= 0:
        return 1.0
    x = max(float(x), 0.0)
    return x / (x + t)


def _at_least(x: float, t: float, lo: float = 0.0, hi: float = 1.0) -> float:
    """Score of a bounded value in ``[lo, hi]`` that should be at least ``t``; piecewise linear."""
    x = min(max(float(x), lo), hi)
    if x >= t:
        return 1.0 if t >= hi else 0.5 + 0.5 * (x - t) / (hi - t)
    return 0.0 if t <= lo else 0.5 * (x - lo) / (t - lo)


def _at_most(p: float, t: float) -> float:
    """Score of a share in ``[0, 1]`` that should be at most ``t``; piecewise linear."""
    p = min(max(float(p), 0.0), 1.0)
    if p <= t:
        return 1.0 if t <= 0 else 1.0 - 0.5 * p / t
    return 0.0 if t >= 1 else 0.5 * (1.0 - p) / (1.0 - t)


@dataclass
class _Check:
    name: str
    ok: bool | None  # None: could not be judged
    score: float | None
    line: str


def _assemble(checks: list[_Check], notes: list[str], bar: float, metrics: dict,
              undecided: bool) -> Score:
    judged = [c for c in checks if c.ok is not None]
    value = min((c.score for c in judged), default=0.5)
    value = float(min(max(value, 0.0), 1.0))
    failed = [c.line for c in judged if not c.ok]
    if not failed and value < bar - 1e-9:
        failed.append(f"score {value:.2f} is below the bar of {bar:.2f}")
    kept = [c.line for c in checks if c.ok is None or c.ok]
    if failed:
        passed: bool | None = False
    elif undecided:
        passed = None
    else:
        passed = True
    metrics = dict(metrics)
    metrics["n_failed"] = len(failed)
    return Score(value=value, passed=passed, evidence=tuple(failed + kept + notes), metrics=metrics)


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------


def _normalise_text(text: str) -> str:
    # " ".join(split()) is _SPACES.sub(" ", ...).strip(): both split on str.isspace()
    return " ".join(_NORMALISE.sub(" ", str(text).lower()).split())


def _duplicate_shares(texts: np.ndarray, emb: np.ndarray, author_codes: np.ndarray | None,
                      hours: np.ndarray | None, th: Thresholds, rng) -> tuple[float, float | None]:
    """Shares of a group's posts that duplicate another of its posts: all, and coordinated.

    Two posts are duplicates when their normalised texts are equal or their embeddings are more
    similar than ``th.duplicate_similarity``; posts shorter than ``th.min_duplicate_words`` never
    count ("same here"). A duplicate is *coordinated* when its twin comes from the same account or
    within ``th.duplicate_window_hours``: what a spammer or a campaign does, and what people who
    happen to ask the same thing weeks apart do not. The coordinated share is ``None`` when the
    data has neither authors nor timestamps. Groups above 2,500 posts are estimated from a
    sample of 1,500.

    Exact-text twins are found by counting keys (``O(m log m)``); embedding twins by blocks of
    similarities against the group's long-enough posts, whose few pairs are then checked for the
    same account or a close time.
    """
    m = len(texts)
    known = author_codes is not None or hours is not None
    if m < 2:
        return 0.0, (0.0 if known else None)
    keys = [_normalise_text(t) for t in texts]
    min_words = max(int(th.min_duplicate_words), 1)
    long_enough = np.fromiter((k.count(" ") + 1 >= min_words and len(k) > 0 for k in keys),
                              bool, m)
    key_codes = pd.factorize(np.array(keys, dtype=object))[0]
    rows = np.arange(m) if m <= _DUP_EXACT_LIMIT else np.sort(
        rng.choice(m, size=_DUP_SAMPLE, replace=False))
    # only long-enough posts can be or have a twin; long_enough depends on the key alone
    cols = np.flatnonzero(long_enough)
    ok = long_enough[rows]
    key_twin, key_close = _key_twins(key_codes, cols, author_codes, hours, th)
    dup = ok & key_twin[rows]
    coord = ok & key_close[rows] if known else np.zeros(len(rows), bool)
    cand = rows[ok]
    at = np.flatnonzero(ok)
    col_emb = emb[cols]
    step = max(1, min(500, _DUP_BLOCK_CELLS // max(len(cols), 1)))
    for start in range(0, len(cand), step):
        part = cand[start:start + step]
        pair = (emb[part] @ col_emb.T) > th.duplicate_similarity
        pair[np.arange(len(part)), np.searchsorted(cols, part)] = False  # not its own twin
        where = at[start:start + step]
        hit = pair.any(axis=1)
        dup[where] |= hit
        if known:
            need = hit & ~coord[where]  # rows already coordinated by an exact-text twin are done
            if need.any():
                coord[where[need]] = _close_pairs(pair[need], part[need], cols, author_codes,
                                                  hours, th)
    return float(dup.mean()), (float(coord.mean()) if known else None)


_DUP_BLOCK_CELLS = 1 << 22
"""Similarities computed at once when looking for embedding twins (bounds the memory)."""


def _key_twins(key_codes, cols, author_codes, hours, th) -> tuple[np.ndarray, np.ndarray]:
    """Per post: has an exact-text twin among ``cols``; and has one from the same account or
    within the time window (both ``False`` outside ``cols``)."""
    m = len(key_codes)
    twin = np.zeros(m, bool)
    close = np.zeros(m, bool)
    if not len(cols):
        return twin, close
    keys = key_codes[cols]
    count = np.bincount(keys)
    twin[cols] = count[keys] >= 2
    if author_codes is not None:
        authors = author_codes[cols]
        known = authors >= 0
        combo = keys[known].astype(np.int64) * (int(authors.max()) + 1) + authors[known]
        _, inverse, counts = np.unique(combo, return_inverse=True, return_counts=True)
        same = np.zeros(len(cols), bool)
        same[known] = counts[inverse] >= 2
        close[cols] |= same
    if hours is not None:
        h = hours[cols]
        order = np.lexsort((h, keys))  # by key, then time; NaN last within a key
        k, t = keys[order], h[order]
        near = np.zeros(len(cols), bool)
        if len(cols) > 1:
            gap = np.abs(np.diff(t)) <= th.duplicate_window_hours  # NaN never counts as close
            gap &= k[1:] == k[:-1]
            near[1:] |= gap
            near[:-1] |= gap
        hit = np.zeros(len(cols), bool)
        hit[order] = near
        close[cols] |= hit
    return twin, close


def _close_pairs(pair, part, cols, author_codes, hours, th) -> np.ndarray:
    """Rows of ``pair`` (``part`` x ``cols``) with a twin from the same account or close in time."""
    i, j = np.nonzero(pair)
    if not len(i):
        return np.zeros(len(part), bool)
    close = np.zeros(len(i), bool)
    if author_codes is not None:
        a = author_codes[part][i]
        close |= (a == author_codes[cols][j]) & (a >= 0)
    if hours is not None:
        close |= np.abs(hours[part][i] - hours[cols][j]) <= th.duplicate_window_hours
    return np.bincount(i[close], minlength=len(part)) > 0


def _group_rows(labels: np.ndarray, groups) -> list[np.ndarray]:
    """Rows of each group, ascending (as ``np.flatnonzero(labels == g)``), from one sort."""
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    groups = np.asarray(groups, dtype=ordered.dtype)
    starts = np.searchsorted(ordered, groups, side="left")
    ends = np.searchsorted(ordered, groups, side="right")
    return [order[a:b] for a, b in zip(starts, ends, strict=True)]


def _mean64(emb: np.ndarray, rows) -> np.ndarray:
    """Float64 mean of ``emb[rows]`` (the same numbers as converting all of ``emb`` first)."""
    return emb[rows].astype(np.float64, copy=False).mean(axis=0)


def _centroids(emb: np.ndarray, members: list[np.ndarray]) -> np.ndarray:
    cent = np.vstack([_mean64(emb, rows) for rows in members])
    norms = np.linalg.norm(cent, axis=1, keepdims=True)
    return cent / np.where(norms == 0, 1, norms)


_NEAREST_CHUNK = 1 << 15
"""Posts compared with the centres at once in :func:`_nearest`."""


def _nearest(emb: np.ndarray, rows: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the most similar of ``centres`` (float64) for each of ``emb[rows]``.

    The argmax of the float64 similarities, computed in float32 by chunks: a post whose best
    two float32 similarities are closer than float32's error bound is decided in float64.
    """
    c32 = centres.astype(np.float32)
    c_norm = float(np.linalg.norm(centres, axis=1).max()) if len(centres) else 0.0
    out = np.empty(len(rows), dtype=np.int64)
    for start in range(0, len(rows), _NEAREST_CHUNK):
        part = rows[start:start + _NEAREST_CHUNK]
        x = emb[part]
        sims = x.astype(np.float32, copy=False) @ c32.T
        best = np.argmax(sims, axis=1)
        if sims.shape[1] > 1:
            at = np.arange(len(part))
            top = sims[at, best]
            sims[at, best] = -np.inf
            second = sims.max(axis=1)
            # float32 error of a dot product of d terms is below d * 2**-23 * |x| |c|
            bound = 4.0 * x.shape[1] * 2.0**-23 * np.linalg.norm(x, axis=1) * c_norm + 1e-30
            unsure = np.flatnonzero(top - second <= bound)
            if len(unsure):
                exact = x[unsure].astype(np.float64, copy=False) @ centres.T
                best[unsure] = np.argmax(exact, axis=1)
        out[start:start + len(part)] = best
    return out


def _identifiable_metrics(emb, labels, groups, th: Thresholds, rng,
                          members: list[np.ndarray] | None = None) -> dict[int, dict]:
    out: dict[int, dict] = {}
    if members is None:
        members = _group_rows(labels, groups)
    cent = _centroids(emb, members)
    noise = labels == NOISE
    noise_c = None
    if noise.any():
        noise_c = _mean64(emb, noise)
        noise_c = noise_c / (np.linalg.norm(noise_c) or 1.0)
    grouped = np.flatnonzero(labels != NOISE)
    own = np.searchsorted(np.asarray(groups), labels[grouped])

    # bootstrap stability: resample each group's posts, re-estimate centroids, reassign
    stability = np.zeros(len(groups))
    if len(groups) > 1:
        for _ in range(max(int(th.n_bootstrap), 1)):
            boot = np.vstack(
                [_mean64(emb, rng.choice(idx, size=len(idx), replace=True)) for idx in members]
            )
            boot /= np.where(np.linalg.norm(boot, axis=1, keepdims=True) == 0, 1,
                             np.linalg.norm(boot, axis=1, keepdims=True))
            nearest = _nearest(emb, grouped, boot)
            stability += np.bincount(own[nearest == own], minlength=len(groups)) / np.bincount(
                own, minlength=len(groups)
            )
        stability /= max(int(th.n_bootstrap), 1)

    # silhouette on a sample (reported, not gated)
    sil = {}
    if len(groups) > 1 and len(grouped) > 2:
        from sklearn.metrics import silhouette_samples

        size = min(int(th.silhouette_sample), len(grouped))
        pick = np.sort(rng.choice(len(grouped), size=size, replace=False))
        lab = own[pick]
        if 2 <= len(np.unique(lab)) <= len(pick) - 1:
            values = silhouette_samples(emb[grouped[pick]].astype(np.float64, copy=False), lab,
                                        metric="cosine")
            for i in np.unique(lab):
                sil[groups[int(i)]] = float(values[lab == i].mean())

    for i, g in enumerate(groups):
        x = emb[members[i]].astype(np.float64, copy=False)
        nearest = None
        cross = None
        if len(groups) > 1:
            between = cent @ cent[i]
            between[i] = -np.inf
            j = int(np.argmax(between))
            nearest = groups[j]
            both = x @ cent[[i, j]].T
            cohesion = float(both[:, 0].mean())
            cross = float(both[:, 1].mean())
        else:
            cohesion = float((x @ cent.T)[:, 0].mean())
            if noise_c is not None:
                cross = float((x @ noise_c).mean())
        out[g] = {
            "cohesion": cohesion,
            "nearest_group": nearest,
            "nearest_similarity": cross,
            "separation": None if cross is None else cohesion - cross,
            "stability": float(stability[i]) if len(groups) > 1 else None,
            "silhouette": sil.get(g),
        }
    return out


def _time_info(posts: pd.DataFrame) -> tuple[np.ndarray | None, int]:
    """Day index of each post since the first (``-1`` when missing) and days the data covers."""
    if "timestamp" not in posts.columns:
        return None, 0
    ts = pd.to_datetime(posts["timestamp"], utc=True, errors="coerce")
    if ts.notna().sum() == 0:
        return None, 0
    start = ts.min().floor("D")
    day = ((ts - start) // _DAY).to_numpy(dtype="float64", na_value=np.nan)
    day = np.where(np.isnan(day), -1, day).astype(np.int64)
    return day, int(day.max()) + 1


def measure_groups(
    posts: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    *,
    thresholds: Thresholds | None = None,
    random_state=None,
    descriptions=None,
) -> dict[int, dict[str, dict[str, Any]]]:
    """Measure every group; threshold-free except the duplicate similarity and bootstrap size.

    Returns
    -------
    dict of int to dict
        ``{group: {"identifiable": {...}, "substantial": {...}, "genuine": {...}}}``, plain
        numbers (or ``None`` when not measurable) by name.
    """
    th = thresholds or Thresholds()
    rng = check_random_state(random_state)
    labels = np.asarray(labels).astype(int)
    emb = np.asarray(embeddings)
    if len(labels) != len(posts) or len(emb) != len(posts):
        from ..exceptions import InputError

        raise InputError(
            f"posts ({len(posts)} rows), labels ({len(labels)}) and embeddings ({len(emb)}) "
            "must have one entry per post"
        )
    groups = sorted(int(g) for g in np.unique(labels) if g != NOISE)
    if not groups:
        return {}
    n_grouped = int((labels != NOISE).sum())
    members = _group_rows(labels, groups)
    ident = _identifiable_metrics(emb, labels, groups, th, rng, members)

    authors = (
        posts["author"] if "author" in posts.columns
        else pd.Series(pd.NA, index=posts.index, dtype="string")
    )
    a_arr = authors.to_numpy(dtype=object, na_value=None)
    has_authors = bool(authors.notna().any())
    day, n_days = _time_info(posts)
    hours = None
    span_days = None
    if day is not None:
        ts = pd.to_datetime(posts["timestamp"], utc=True, errors="coerce")
        hours = ((ts - ts.min()) / pd.Timedelta(hours=1)).to_numpy(dtype="float64",
                                                                   na_value=np.nan)
        span_days = max(float(np.nanmax(hours)) / 24.0, 1.0)
    # accounts seen on one day only (across the whole corpus)
    single_day: dict[Any, int] = {}
    if has_authors and day is not None:
        frame = pd.DataFrame({"a": a_arr, "d": day})
        frame = frame[frame["a"].notna() & (frame["d"] >= 0)]
        per = frame.groupby("a")["d"].agg(["nunique", "first"])
        single_day = per.loc[per["nunique"] == 1, "first"].to_dict()
    interaction = group_interaction(posts, labels)
    graph = reply_graph(posts) if has_authors else None
    if graph is not None and graph.number_of_edges() == 0:
        graph = None
    texts = posts["text"].astype(str).to_numpy() if "text" in posts.columns else np.array(
        [""] * len(posts), dtype=object)

    out: dict[int, dict[str, dict[str, Any]]] = {}
    for g, rows in zip(groups, members, strict=True):
        n = len(rows)
        # substantial
        sub: dict[str, Any] = {
            "n_posts": n,
            "n_grouped": n_grouped,
            "share": n / n_grouped,
            "n_authors": None,
            "data_days": n_days or None,
            "days_active": None,
            "weeks_active": None,
            "data_weeks": None,
            "peak_day_share": None,
            "peak_day": None,
            "trend": None,
            "posts_per_week": None,
        }
        g_codes = None
        if has_authors:
            g_codes = pd.factorize(a_arr[rows], use_na_sentinel=True)[0]
        g_hours = None
        if hours is not None and not np.isnan(hours[rows]).all():
            g_hours = hours[rows]  # NaN never counts as close
        any_dup, coord_dup = _duplicate_shares(
            texts[rows], emb[rows].astype(np.float32), g_codes, g_hours, th, rng)
        gen: dict[str, Any] = {
            "n_posts": n,
            "n_authors": None,
            "top_author_share": None,
            "top_accounts": None,
            "top_accounts_share": None,
            "effective_authors": None,
            "gini": None,
            "duplicate_share": coord_dup,
            "any_duplicate_share": any_dup,
            "peak_day_share": None,
            "burst_account_share": None,
            "top_author_replied": None,
        }
        if has_authors:
            counts = pd.Series(a_arr[rows]).dropna().value_counts()
            counts = counts.sort_values(ascending=False, kind="mergesort")
            n_known = int(counts.sum())
            if n_known:
                p = counts.to_numpy() / n_known
                cum = np.cumsum(p)
                k_half = int(np.searchsorted(cum, 0.5 - 1e-12) + 1)
                sorted_p = np.sort(p)
                m = len(sorted_p)
                gini = float((2 * np.arange(1, m + 1) - m - 1) @ sorted_p / (m * sorted_p.sum()))
                top = counts.index[0]
                replied = None
                if graph is not None:
                    replied = float(graph.in_degree(top) + graph.out_degree(top) > 0)
                gen.update(
                    n_authors=int(len(counts)),
                    top_author_share=float(p[0]),
                    top_accounts=k_half,
                    top_accounts_share=float(cum[k_half - 1]),
                    effective_authors=float(1.0 / (p ** 2).sum()),
                    gini=gini,
                    top_author_replied=replied,
                )
                sub["n_authors"] = int(len(counts))
        if day is not None:
            d = day[rows]
            d = d[d >= 0]
            if len(d):
                by_day = np.bincount(d)
                peak = int(np.argmax(by_day))
                weeks = np.unique(d // 7)
                half = n_days / 2.0
                late = float((d >= half).sum())
                sub.update(
                    days_active=int(len(np.unique(d))),
                    weeks_active=int(len(weeks)),
                    data_weeks=int((n_days - 1) // 7 + 1),
                    peak_day_share=float(by_day[peak] / len(d)),
                    peak_day=peak,
                    trend=float((late - (len(d) - late)) / len(d)) if n_days > 1 else None,
                    posts_per_week=n * 7.0 / span_days,
                )
                gen["peak_day_share"] = sub["peak_day_share"]
                if has_authors:
                    peak_rows = rows[day[rows] == peak]
                    fresh = [a for a in a_arr[peak_rows] if a is not None and
                             single_day.get(a) == peak]
                    gen["burst_account_share"] = len(fresh) / len(peak_rows)
        gen.update({
            k: interaction[g][k]
            for k in ("reply_share", "within_group_reply_share", "n_author_pairs",
                      "largest_component_share")
        })
        community = interaction[g]["is_community"]
        gen["is_community"] = None if community is None else float(community)
        gen["interaction"] = describe_interaction(interaction[g])
        sub["data_days"] = n_days or None
        out[g] = {"identifiable": ident[g], "substantial": sub, "genuine": gen}
    for d in descriptions or ():
        coverage = getattr(d, "keyword_coverage", None)
        if d.id in out and coverage is not None:
            out[d.id]["identifiable"]["keyword_coverage"] = float(coverage)
    return out


# --------------------------------------------------------------------------------------------
# judging
# --------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    """A share as a percentage; tiny non-zero shares read "<1%" rather than "0%"."""
    return "<1%" if 0 < x < 0.005 else f"{x:.0%}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _judge_identifiable(m: Mapping[str, Any], th: Thresholds) -> Score:
    checks: list[_Check] = []
    cohesion = m["cohesion"]
    cross = m.get("nearest_similarity")
    vs = f" vs {cross:.2f} to the nearest other group" if cross is not None else ""
    ok = cohesion >= th.min_cohesion
    checks.append(_Check(
        "cohesion", ok, _at_least(cohesion, th.min_cohesion, -1.0, 1.0),
        f"posts sit close together: cohesion {cohesion:.2f}{vs}" if ok else
        f"posts are only loosely related: cohesion {cohesion:.2f}{vs} "
        f"(needs {th.min_cohesion:.2f})",
    ))
    sep = m.get("separation")
    if sep is not None:
        ok = sep >= th.min_separation
        other = m.get("nearest_group")
        other_txt = f"group {other}" if other is not None else "the noise"
        checks.append(_Check(
            "separation", ok, _at_least(sep, th.min_separation, -1.0, 1.0),
            f"distinct from {other_txt}: margin {sep:.2f}" if ok else
            f"hard to tell apart from {other_txt}: margin {sep:.2f} "
            f"(needs {th.min_separation:.2f})",
        ))
    stab = m.get("stability")
    if stab is not None:
        ok = stab >= th.min_stability
        checks.append(_Check(
            "stability", ok, _at_least(stab, th.min_stability),
            f"stable: {stab:.0%} of posts stay with the group when it is resampled" if ok else
            f"unstable: only {stab:.0%} of posts stay with the group when it is resampled "
            f"(needs {th.min_stability:.0%})",
        ))
    coverage = m.get("keyword_coverage")
    if coverage is not None:
        ok = coverage >= th.min_keyword_coverage
        checks.append(_Check(
            "keywords", ok, _at_least(coverage, th.min_keyword_coverage),
            f"nameable: its keywords appear in {coverage:.0%} of its posts" if ok else
            f"no clear name: its keywords appear in only {coverage:.0%} of its posts "
            f"(needs {th.min_keyword_coverage:.0%})",
        ))
    notes = []
    if m.get("silhouette") is not None:
        notes.append(f"silhouette {m['silhouette']:.2f} on a sample")
    return _assemble(checks, notes, th.min_identifiable, m, undecided=False)


def _judge_substantial(m: Mapping[str, Any], th: Thresholds) -> Score:
    checks: list[_Check] = []
    notes: list[str] = []
    n = int(m["n_posts"])
    bar = th.min_posts_for(int(m["n_grouped"]))
    n_authors = m.get("n_authors")
    weeks = m.get("weeks_active")
    people = (
        f" from {n_authors} {'person' if n_authors == 1 else 'people'}"
        if n_authors is not None else ""
    )
    span = f" over {_plural(weeks, 'week')}" if weeks is not None else ""
    ok = n >= bar
    checks.append(_Check(
        "volume", ok, _at_least_count(n, bar),
        f"{n} posts{people}{span} ({m['share']:.1%} of grouped conversation)" if ok else
        f"too small: only {n} posts{people}{span} (needs {bar})",
    ))
    if n_authors is not None:
        ok = n_authors >= th.min_authors
        checks.append(_Check(
            "authors", ok, _at_least_count(n_authors, th.min_authors),
            f"{n_authors} distinct people take part" if ok else
            f"too few people: {n_authors} distinct (needs {th.min_authors})",
        ))
    else:
        notes.append("no authors: judged on volume without counting people")
    rate = m.get("posts_per_week")
    if rate is not None and (m.get("data_days") or 0) >= 7:
        ok = rate >= th.min_posts_per_week
        checks.append(_Check(
            "rate", ok, _at_least_count(rate, th.min_posts_per_week),
            f"{rate:.1f} posts a week" if ok else
            f"too quiet: {rate:.1f} posts a week (needs {th.min_posts_per_week:g})",
        ))
    days = m.get("data_days")
    if weeks is None:
        notes.append("no timestamps: could not judge whether it is sustained")
    elif days is not None and days < 2:
        notes.append("the data covers a single day: could not judge whether it is sustained")
    else:
        need = min(int(th.min_weeks_active), int(m["data_weeks"]))
        ok = weeks >= need
        checks.append(_Check(
            "weeks", ok, _at_least_count(weeks, need),
            f"active in {weeks} of {m['data_weeks']} weeks" if ok else
            f"not sustained: active in {weeks} of {m['data_weeks']} weeks (needs {need})",
        ))
        peak = m["peak_day_share"]
        ok = peak <= th.max_single_day_share
        checks.append(_Check(
            "spike", ok, _at_most(peak, th.max_single_day_share),
            f"spread out: busiest day holds {peak:.0%} of posts; active on {m['days_active']} "
            f"days of {days}" if ok else
            f"a one-day spike: {peak:.0%} of posts on one day; active on "
            f"{_plural(m['days_active'], 'day')} of {days} (max {th.max_single_day_share:.0%})",
        ))
        trend = m.get("trend")
        if trend is not None:
            late = (trend + 1) / 2
            word = "growing" if trend > 0.2 else "fading" if trend < -0.2 else "steady"
            notes.append(f"{word}: {late:.0%} of posts in the second half of the period")
    return _assemble(checks, notes, th.min_substantial, m, undecided=False)


def _judge_genuine(m: Mapping[str, Any], th: Thresholds) -> Score:
    checks: list[_Check] = []
    notes: list[str] = []
    undecided = m.get("n_authors") is None
    if undecided:
        notes.append("no authors: could not judge whether real people (rather than one "
                     "account or a campaign) are talking")
    else:
        top = m["top_author_share"]
        k, k_share = m["top_accounts"], m["top_accounts_share"]
        ok = top <= th.max_top_author_share
        checks.append(_Check(
            "top_author", ok, _at_most(top, th.max_top_author_share),
            f"no account dominates: the most active wrote {_pct(top)} of posts; half of the "
            f"posts come from {_plural(k, 'account')}" if ok else
            f"dominated by few accounts: {k_share:.0%} of posts come from "
            f"{_plural(k, 'account')}; the most active wrote {top:.0%} "
            f"(max {th.max_top_author_share:.0%})",
        ))
        eff = m["effective_authors"]
        ok = eff >= th.min_effective_authors
        checks.append(_Check(
            "spread", ok, _at_least_count(eff, th.min_effective_authors),
            f"posting is spread like {eff:.1f} equally active people" if ok else
            f"concentrated: posting is spread like only {eff:.1f} equally active accounts "
            f"(needs {th.min_effective_authors:g})",
        ))
        burst = m.get("burst_account_share")
        peak = m.get("peak_day_share")
        if burst is not None and peak is not None and peak > th.max_single_day_share:
            ok = burst <= th.max_burst_account_share
            checks.append(_Check(
                "burst", ok, _at_most(burst, th.max_burst_account_share),
                f"{burst:.0%} of the spike day's posts come from accounts seen that day only"
                if ok else
                f"burst of single-use accounts: {burst:.0%} of the spike day's posts come from "
                f"accounts seen that day only (max {th.max_burst_account_share:.0%})",
            ))
        if m.get("top_author_replied") == 0.0 and top >= 0.1:
            notes.append(f"the most active account ({top:.0%} of posts) never replies and gets no "
                         "replies: it may be the brand's own broadcasts")
    dup = m.get("duplicate_share")
    any_dup = m.get("any_duplicate_share") or 0.0
    if dup is None:
        notes.append(
            f"{_pct(any_dup)} of posts are (near-)duplicates; without authors or timestamps "
            "a campaign cannot be told from people asking the same thing"
        )
    else:
        ok = dup <= th.max_duplicate_share
        window = f"{th.duplicate_window_hours:g} hours"
        checks.append(_Check(
            "duplicates", ok, _at_most(dup, th.max_duplicate_share),
            f"{_pct(dup)} of posts are duplicates from the same account or within {window} "
            f"({_pct(any_dup)} repeat another post at all)" if ok else
            f"templated: {_pct(dup)} of posts are (near-)duplicates of another post from the "
            f"same account or within {window} (max {th.max_duplicate_share:.0%})",
        ))
    reply = m.get("reply_share")
    if th.min_reply_share > 0 and m.get("is_community") is not None and reply is not None:
        ok = reply >= th.min_reply_share
        checks.append(_Check(
            "replies", ok, _at_least(reply, th.min_reply_share),
            m["interaction"] if ok else
            f"nobody talks back: {reply:.0%} of posts are replies "
            f"(needs {th.min_reply_share:.0%})",
        ))
    else:
        notes.append(m.get("interaction") or "no reply data")
    metrics = {k: v for k, v in m.items() if k != "interaction"}
    metrics["interaction"] = m.get("interaction")
    return _assemble(checks, notes, th.min_genuine, metrics, undecided=undecided)


def judge_group(metrics: Mapping[str, Mapping[str, Any]],
                thresholds: Thresholds | None = None) -> dict[str, Score]:
    """Judge one group's measurements (from :func:`measure_groups` or ``Score.metrics``).

    Parameters
    ----------
    metrics : mapping
        ``{"identifiable": {...}, "substantial": {...}, "genuine": {...}}``.
    thresholds : Thresholds, optional

    Returns
    -------
    dict of str to Score

    Examples
    --------
    >>> scores = score_groups(posts, labels, embeddings)  # doctest: +SKIP
    >>> strict = Thresholds(min_authors=50)               # doctest: +SKIP
    >>> judge_group({k: s.metrics for k, s in scores[0].items()}, strict)  # doctest: +SKIP
    """
    th = thresholds or Thresholds()
    return {
        "identifiable": _judge_identifiable(metrics["identifiable"], th),
        "substantial": _judge_substantial(metrics["substantial"], th),
        "genuine": _judge_genuine(metrics["genuine"], th),
    }


def score_groups(
    posts: pd.DataFrame,
    labels: np.ndarray,
    embeddings: np.ndarray,
    *,
    thresholds: Thresholds | None = None,
    random_state=None,
    descriptions=None,
) -> dict[int, dict[str, Score]]:
    """Score every group as identifiable, substantial and genuine, with evidence.

    Parameters
    ----------
    posts : pandas.DataFrame
        One row per post: ``id``, ``text``, ``author`` (may be all missing), ``timestamp``
        (UTC, may be all missing), ``reply_to``.
    labels : ndarray of int, shape (n,)
        Group of each post; ``-1`` is noise and is not scored.
    embeddings : ndarray of float, shape (n, d)
        L2-normalised vectors of the posts.
    thresholds : Thresholds, optional
        Defaults to ``Thresholds()``.
    random_state : int, RandomState or None
        Seeds the bootstrap and the samples.
    descriptions : sequence of GroupDescription, optional
        From :func:`nichefinder.describe.describe_groups`; adds the keyword-coverage check to
        *identifiable* (does the group's name fit its posts?).

    Returns
    -------
    dict of int to dict of str to Score
        ``scores[group]["genuine"].passed`` and so on; ``Score.metrics`` holds the measurements,
        so :func:`judge_group` can re-judge them under other thresholds.

    Examples
    --------
    >>> scores = score_groups(posts, labels, embeddings, random_state=0)  # doctest: +SKIP
    >>> scores[0]["genuine"].evidence[0]                                  # doctest: +SKIP
    '71% of posts come from 2 accounts; the most active wrote 52%'
    """
    th = thresholds or Thresholds()
    measured = measure_groups(posts, labels, embeddings, thresholds=th, random_state=random_state,
                              descriptions=descriptions)
    log.info("scored %d groups", len(measured))
    return {g: judge_group(m, th) for g, m in measured.items()}


def metrics_of(scores: Mapping[str, Score]) -> dict[str, dict[str, Any]]:
    """The measurements stored in one group's scores, ready for :func:`judge_group`."""
    return {name: dict(scores[name].metrics) for name in TESTS}

