"""Update: place new conversations in an existing plan, and say when the plan stops fitting.

A plan is fitted once; the audience keeps talking. :func:`update_plan` embeds a new batch of
posts with the plan's own model (through the embedding cache, so no text is embedded twice) and
places each post in the plan's groups with :func:`nichefinder.cluster.assign_groups`, the rule
the plan itself used, without clustering again: group and feed ids stay the plan's. Then it
checks whether the plan still describes the audience:

- **Noise.** The share of new posts that fit no group (``group == -1``), against the plan's.
- **New groups.** Some posts are outside every group's core: below the similarity fence of
  the group they are most similar to (even if a looser group takes them in the assignment).
  When there are enough of them to form a group, the new batch is clustered with
  :func:`nichefinder.cluster.cluster_embeddings` at the plan's granularity (its recorded merge
  threshold), and each cluster made mostly of such posts is a new group. New groups are
  described with :func:`nichefinder.describe.describe_groups` and judged identifiable,
  substantial and genuine with the plan's thresholds (:class:`nichefinder.config.Thresholds`),
  counted against the new batch. One that passes all three tests and is no near copy of a
  plan group (``merge_similarity``) is *emerging*: the plan has no feed for it.
- **Collapse.** A group or feed whose share of the new posts fell to ``collapse_ratio`` of its
  share in the plan or below, where the plan expects at least ``min_expected`` posts.

The verdict is ``"re-plan"`` when a group emerged, a feed collapsed or the noise share rose by
more than ``max_noise_rise`` (and significantly: one-sided binomial test at 1%); ``"fits"``
otherwise. :attr:`Update.reason` says why in one sentence.

The result is a frozen :class:`nichefinder.results.Update`; :func:`nichefinder.report.write_update`
writes its files (re-exported here with the renderers).

Examples
--------
>>> from nichefinder.update import update_plan, write_update
>>> result = update_plan("nichefinder-plan", "week-36.csv", random_state=0)  # doctest: +SKIP
>>> result.verdict, result.reason  # doctest: +SKIP
('fits', "96% of the 212 new posts fit the plan's groups (plan: 98%); ...")
>>> write_update(result, "nichefinder-update")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import binom
from sklearn.utils import check_random_state

from . import __version__
from .cluster import assign_groups, cluster_embeddings
from .config import Thresholds, resolve_thresholds
from .exceptions import InputError
from .fit import describe_and_measure, post_vectors
from .groups import timeline
from .report import (
    plan_to_json,
    read_plan,
    render_update_markdown,
    render_update_summary,
    write_update,
)
from .results import CENTROIDS_FILE, NOISE, NewGroup, Plan, Score, Update, UpdateSummary
from .score.judge import failed_lines, judge_group, judge_groups, metrics_of, passes_all, small_only
from .vectors import unit_vector

__all__ = [
    "NewGroup",
    "UpdateSummary",
    "Update",
    "update_plan",
    "write_update",
    "render_update_markdown",
    "render_update_summary",
]

log = logging.getLogger(__name__)

_SIGNIFICANCE = 0.01


# -------------------------------------------------------------------------------- the plan


def _load_plan(plan) -> tuple[Plan, str]:
    """The plan and how to name it in messages; an error when it cannot place posts."""
    if isinstance(plan, Plan):
        where = "this plan"
    elif isinstance(plan, (str, Path)):
        where = f"the plan in {str(Path(plan) if Path(plan).is_dir() else Path(plan).parent)!r}"
        plan = read_plan(plan)
    else:
        raise InputError(f"cannot update a {type(plan).__name__}; give a plan folder or a Plan")
    if plan.centroids is None or plan.fences is None:
        raise InputError(
            f"{where} has no group centroids ({CENTROIDS_FILE}): it was written before "
            "nichefinder could update plans, or the file was removed; re-run nichefinder plan "
            "on its data, then update"
        )
    if len(plan.centroids) != len(plan.groups) or len(plan.fences) != len(plan.groups):
        raise InputError(
            f"{where} has {len(plan.centroids)} centroids and {len(plan.fences)} fences for "
            f"{len(plan.groups)} groups; re-run nichefinder plan"
        )
    return plan, where


def _plan_thresholds(plan: Plan, override) -> Thresholds:
    """The plan's own thresholds (as written in ``plan.json``), with ``override`` applied."""
    saved = plan.parameters.get("thresholds") or {}
    known = {f.name for f in fields(Thresholds)}
    base = Thresholds(**{k: v for k, v in saved.items() if k in known})
    return resolve_thresholds(override, base)


# -------------------------------------------------------------------------------- embedding


def _vectors(conv, plan: Plan, model, embeddings, cache, show_progress, notes):
    """Unit vectors of the accepted posts, and the name of what made them."""
    plan_model = plan.parameters.get("model")
    d = int(plan.centroids.shape[1])
    vectors, _, name = post_vectors(
        conv, model if model is not None else plan_model, embeddings, cache=cache,
        show_progress=show_progress, dimensions=d,
    )
    if embeddings is None and plan_model is not None and name != plan_model:
        log.warning("embedding with %r but the plan used %r", name, plan_model)
        notes.append(f"embedded with {name!r} but the plan used {plan_model!r}: "
                     "similarities are only comparable within one model")
    if vectors.shape[1] != d:
        raise InputError(
            f"the new posts' embeddings have {vectors.shape[1]} dimensions but the plan's "
            f"centroids {d}: embed with the plan's model ({plan_model or 'unknown'}; --model), "
            "or give embeddings from it (--embeddings)"
        )
    return vectors.astype(np.float32, copy=False), name


# -------------------------------------------------------------------------------- comparison


def _status(expected: float, observed: int, ratio: float, min_expected: float) -> str:
    if expected >= min_expected and observed <= ratio * expected:
        return "collapsed"
    if observed >= max(2 * expected, min_expected):
        return "growing"
    return "steady" if expected >= min_expected else "not judged"


def _compare(plan: Plan, labels: np.ndarray, span_days, collapse_ratio, min_expected):
    """Per-group and per-feed tables of new posts against the plan's shares."""
    n_plan = max(plan.summary.rows_grouped + plan.summary.rows_noise, 1)
    n_new = len(labels)
    counts = np.bincount(labels[labels >= 0], minlength=len(plan.groups))
    per_week = (lambda n: n * 7.0 / span_days) if span_days else (lambda n: np.nan)
    rows = []
    for g in plan.groups:
        share = g.size / n_plan
        expected = share * n_new
        n = int(counts[g.id])
        rate = g.scores["substantial"].metrics.get("posts_per_week") if g.scores.get(
            "substantial") else None
        rows.append({
            "group": g.id, "label": g.label, "feed": g.feed, "plan_posts": g.size,
            "plan_share": share, "expected": expected, "new_posts": n,
            "new_share": n / n_new if n_new else 0.0,
            "change": (n / n_new) / share if n_new else 0.0,
            "status": _status(expected, n, collapse_ratio, min_expected),
            "plan_posts_per_week": np.nan if rate is None else float(rate),
            "posts_per_week": per_week(n),
        })
    groups = pd.DataFrame(rows, columns=[
        "group", "label", "feed", "plan_posts", "plan_share", "expected", "new_posts",
        "new_share", "change", "status", "plan_posts_per_week", "posts_per_week"])
    groups["feed"] = groups["feed"].astype("Int64")
    rows = []
    for f in plan.feeds:
        members = groups[groups["group"].isin(f.groups)]
        share = float(members["plan_share"].sum())
        expected = share * n_new
        n = int(members["new_posts"].sum())
        rows.append({
            "feed": f.id, "name": f.name, "groups": ", ".join(map(str, f.groups)),
            "plan_share": share, "expected": expected, "new_posts": n,
            "new_share": n / n_new if n_new else 0.0,
            "change": (n / n_new) / share if n_new and share else 0.0,
            "status": _status(expected, n, collapse_ratio, min_expected),
            "plan_posts_per_week": float(f.posts_per_week), "posts_per_week": per_week(n),
        })
    feeds = pd.DataFrame(rows, columns=[
        "feed", "name", "groups", "plan_share", "expected", "new_posts", "new_share", "change",
        "status", "plan_posts_per_week", "posts_per_week"])
    return groups, feeds


# -------------------------------------------------------------------------------- new groups


def _search(posts, vectors, labels, outside, plan, th, seed, show_progress, notes):
    """Find new groups among the posts outside every group's core; describe and judge them.

    Returns the new groups, the new-group label of every post (``-1`` for none) and the
    clustering parameters (``None`` when there was too little to cluster).
    """
    k = len(plan.groups)
    new_label = np.full(len(posts), -1, dtype=np.intp)
    rows = np.flatnonzero(outside)
    bar = th.min_posts_for(int((labels >= 0).sum()))
    if len(rows) < bar:
        if len(rows):
            notes.append(f"{len(rows)} post(s) outside every group's core: too few to form a new "
                         f"group (one needs {bar} posts)")
        return (), new_label, None
    # The whole batch is clustered, at the plan's granularity when the plan recorded its cut:
    # clustered alone, the posts of one new topic split into its sub-topics, since the
    # silhouette has no other topic to measure them against. A cluster made mostly of posts
    # outside every group's core is a new group; its members are those posts.
    cut = (plan.parameters.get("clustering") or {}).get("merge_threshold")
    found = cluster_embeddings(vectors, merge_threshold=cut, random_state=seed,
                               show_progress=show_progress)
    clusters = found.labels
    chosen = []
    for c in range(found.n_groups):
        members = clusters == c
        mine = members & outside
        if mine.sum() and mine.sum() >= members.sum() / 2:
            chosen.append((-int(mine.sum()), int(np.flatnonzero(mine)[0]), c))
    for e, (_, _, c) in enumerate(sorted(chosen)):
        new_label[(clusters == c) & outside] = e
    if not chosen:
        notes.append(f"the {len(rows)} posts outside every group's core form no group of "
                     "their own")
        return (), new_label, found.parameters
    joint = labels.copy()
    joint[new_label >= 0] = k + new_label[new_label >= 0]
    groups, descriptions, measurements = describe_and_measure(
        posts, vectors, joint, settings=th, random_state=seed)
    scores = judge_groups(measurements, th)
    by_id = {d.id: d for d in descriptions}
    out = tuple(_new_group(e, k, groups, by_id[k + e], scores[k + e], plan, th)
                for e in range(len(chosen)))
    return out, new_label, found.parameters


def _new_group(e: int, k: int, groups, desc, scores, plan: Plan, th: Thresholds) -> NewGroup:
    """New group ``e`` (group ``k + e`` of ``groups``): judged, and compared with the plan's."""
    score = _renumber(scores, k, th)
    position = groups.index[k + e]
    centre = groups.means[position].astype(np.float32)
    if plan.center is not None:  # compare in the plan's (centred) clustering space
        centre = centre - plan.center
    centre = unit_vector(centre)
    nearest, similarity = None, None
    if k:
        sims = plan.centroids @ centre
        nearest, similarity = int(np.argmax(sims)), float(np.max(sims))
    substantial = score["substantial"].metrics
    passes = passes_all(score)
    copy = similarity is not None and similarity >= th.merge_similarity
    if passes and not copy:
        reasons = ("passes the plan's three tests (identifiable, substantial, genuine) and "
                   "no feed serves it",)
    else:
        reasons = tuple(failed_lines(score))
        if copy:
            reasons += (f"a near copy of plan group {nearest}: centre similarity "
                        f"{similarity:.2f} (merge_similarity {th.merge_similarity:g})",)
    rate = substantial.get("posts_per_week")
    return NewGroup(
        id=e, label=desc.label, keywords=desc.keywords, size=int(groups.sizes[position]),
        n_authors=substantial.get("n_authors"),
        representative_posts=desc.representative_posts, scores=score,
        emerging=bool(passes and not copy), reasons=reasons, nearest_group=nearest,
        nearest_similarity=similarity, posts_per_week=None if rate is None else float(rate),
    )


def _renumber(scores: Mapping[str, Score], k: int, th: Thresholds) -> dict[str, Score]:
    """Scores whose evidence names new groups as "new group e", not by their internal number."""
    metrics = metrics_of(scores)
    other = metrics["identifiable"].get("nearest_group")
    if other is None or int(other) < k:
        return dict(scores)
    metrics["identifiable"]["nearest_group"] = f"new group {int(other) - k}"
    judged = judge_group(metrics, th)
    pattern = re.compile(r"\bgroup new group ")
    return {name: replace(s, evidence=tuple(pattern.sub("new group ", line)
                                            for line in s.evidence))
            for name, s in judged.items()}


# -------------------------------------------------------------------------------- verdict


def _verdict(n_new, noise_share, plan_noise, n_noise, emerging, feeds, new_groups,
             max_noise_rise, th):
    parts = []
    if emerging:
        named = "; ".join(
            f"{g.label} ({g.size} posts"
            + (f" from {g.n_authors} people" if g.n_authors is not None else "") + ")"
            for g in emerging)
        parts.append(f"{len(emerging)} new group(s) emerged that no feed serves: {named}"
                     if len(emerging) > 1 else f"a new group emerged that no feed serves: {named}")
    for row in feeds[feeds["status"] == "collapsed"].itertuples():
        parts.append(f"feed {row.feed} ({row.name}) got {row.new_posts} new post(s) where the "
                     f"plan expects {row.expected:.0f}")
    rise = noise_share - plan_noise
    if n_new and rise > max_noise_rise and binom.sf(n_noise - 1, n_new, plan_noise) < _SIGNIFICANCE:
        parts.append(f"{noise_share:.0%} of the new posts fit no group, against "
                     f"{plan_noise:.0%} in the plan")
    if parts:
        sentence = "; ".join(parts)
        return "re-plan", sentence[0].upper() + sentence[1:] + "."
    sentence = (f"{1 - noise_share:.0%} of the {n_new} new posts fit the plan's groups "
                f"(plan: {1 - plan_noise:.0%}); no new group emerged and no feed's volume "
                "collapsed.")
    forming = [g for g in new_groups if small_only(g.scores, th)]
    if forming:
        sentence += " Forming below the plan's bars: " + "; ".join(
            f"{g.label} ({g.size} posts)" for g in forming[:3]) + "."
    if n_new < th.min_posts:
        sentence += f" Only {n_new} new posts: too few to see much drift."
    return "fits", sentence


# -------------------------------------------------------------------------------- the call


def _assignments(posts, plan: Plan, labels, similarity, new_label) -> pd.DataFrame:
    """``update_assignments.csv``: each new post's plan group, feed, similarity, new group."""
    feed_of = {g.id: g.feed for g in plan.groups}
    feed = pd.array([feed_of.get(int(g)) if g >= 0 else None for g in labels], dtype="Int64")
    assignments = pd.DataFrame({
        "id": posts["id"].to_numpy(),
        "group": labels.astype("int64"),
        "feed": feed,
        "similarity": np.round(similarity.astype(np.float64), 4),
        "new_group": pd.array(np.where(new_label >= 0, new_label, -1), dtype="Int64"),
    })
    assignments.loc[assignments["new_group"] < 0, "new_group"] = pd.NA
    return assignments


def _batch_notes(posts, plan: Plan, span) -> list[str]:
    """Remarks on the new batch: posts the plan already has, no timestamps."""
    notes = []
    known = set(plan.assignments["id"].astype(str)) if len(plan.assignments) else set()
    repeated = int(posts["id"].isin(known).sum())
    if repeated:
        notes.append(f"{repeated} new post id(s) are already in the plan; they are counted "
                     "again here")
    if span is None:
        notes.append("no timestamps: posts a week could not be measured")
    return notes


def update_plan(
    plan,
    conversations,
    *,
    model=None,
    embeddings=None,
    columns=None,
    format=None,
    thresholds=None,
    max_noise_rise: float = 0.15,
    collapse_ratio: float = 0.25,
    min_expected: float = 10.0,
    cache=True,
    random_state=None,
    show_progress: bool = False,
) -> Update:
    """Place new conversations in an existing plan, without clustering again, and check drift.

    Parameters
    ----------
    plan : path or Plan
        A plan folder (or its ``plan.json``) written by :func:`nichefinder.report.write_plan`,
        or a :class:`~nichefinder.results.Plan`; it must carry group centroids (plans written
        by this version of nichefinder do).
    conversations : path, list of paths, DataFrame or Conversations
        The new posts, read as :func:`nichefinder.ingest.load_conversations` reads them.
    model : str, path or Embedder, optional
        Embedding model; the plan's own (``parameters["model"]``) by default. Another model
        gives vectors the plan's centroids do not describe (a warning and a note say so).
    embeddings : ndarray or path to ``.npy``, optional
        Precomputed vectors of the new posts, from the plan's model; skips embedding.
    columns : str or mapping, optional
        Column mapping such as ``"text=body,author=user"``.
    format : str, optional
        Input format, overriding detection.
    thresholds : Thresholds, dict or path, optional
        Judge new groups by these instead of the plan's thresholds; a dict overrides fields.
    max_noise_rise : float, default 0.15
        Rise of the noise share over the plan's that calls for a re-plan (when significant).
    collapse_ratio : float, default 0.25
        A group or feed collapsed when its share of new posts is at most this times its share
        in the plan...
    min_expected : float, default 10
        ... and the plan's share predicts at least this many new posts.
    cache : bool or path, default True
        Embedding cache (see :func:`nichefinder.embed.embed_texts`).
    random_state : int, RandomState or None
        Seed of the new-group search; the same input and seed give the same update.
    show_progress : bool, default False

    Returns
    -------
    Update

    Raises
    ------
    InputError
        No plan there, a plan without centroids ("re-run nichefinder plan"), unusable input,
        or embeddings that do not match the plan's model.

    Examples
    --------
    >>> result = update_plan("nichefinder-plan", "week-36.csv", random_state=0)  # doctest: +SKIP
    >>> result.verdict  # doctest: +SKIP
    'fits'
    >>> result.to_frame("feeds")[["name", "new_posts", "new_share", "plan_share"]]  # doctest: +SKIP
    """
    from .ingest import as_conversations

    for name, value in (("max_noise_rise", max_noise_rise), ("collapse_ratio", collapse_ratio)):
        if not 0 <= value <= 1:
            raise InputError(f"{name} = {value!r} is a share; use a value between 0 and 1")
    if min_expected < 0:
        raise InputError(f"min_expected = {min_expected!r} is negative; use a value >= 0")
    plan, _ = _load_plan(plan)
    th = _plan_thresholds(plan, thresholds)
    rng = check_random_state(random_state)
    seed = int(rng.randint(0, 2**31 - 1))
    conv = as_conversations(conversations, columns, format)
    posts = conv.posts
    notes = list(conv.notes)
    vectors, model_name = _vectors(conv, plan, model, embeddings, cache, show_progress, notes)

    labels, similarity = assign_groups(vectors, plan.centroids, plan.fences, center=plan.center)
    core, _ = assign_groups(vectors, plan.centroids, plan.fences, assign_noise=False,
                            center=plan.center)
    new_groups, new_label, search = _search(posts, vectors, labels, core == NOISE, plan, th, seed,
                                            show_progress, notes)

    assignments = _assignments(posts, plan, labels, similarity, new_label)
    n_noise = int((labels == NOISE).sum())
    n_new = len(labels)
    summary = UpdateSummary(
        rows_read=conv.n_read, rows_assigned=n_new - n_noise, rows_noise=n_noise,
        rows_rejected=len(conv.rejects), rows_served=int((~assignments["feed"].isna()).sum()),
        rows_outside=int((core == NOISE).sum()), new_groups=len(new_groups),
        emerging=sum(g.emerging for g in new_groups),
    )
    if summary.rows_assigned + summary.rows_noise + summary.rows_rejected != summary.rows_read:
        raise AssertionError("row accounting broken: read != assigned + noise + rejected")
    n_plan = plan.summary.rows_grouped + plan.summary.rows_noise
    plan_noise = plan.summary.rows_noise / n_plan if n_plan else 0.0
    noise_share = n_noise / n_new if n_new else 0.0
    span = timeline(posts).span_days
    groups, feeds = _compare(plan, labels, span, collapse_ratio, min_expected)
    verdict, reason = _verdict(n_new, noise_share, plan_noise, n_noise,
                               [g for g in new_groups if g.emerging], feeds, new_groups,
                               max_noise_rise, th)
    notes += _batch_notes(posts, plan, span)
    parameters = {
        "nichefinder_version": __version__,
        "plan_sha256": hashlib.sha256(plan_to_json(plan).encode("utf-8")).hexdigest(),
        "plan_model": plan.parameters.get("model"),
        "model": model_name,
        "random_state": random_state if isinstance(random_state, int) else None,
        "thresholds": th.to_dict(),
        "drift": {"max_noise_rise": max_noise_rise, "collapse_ratio": collapse_ratio,
                  "min_expected": min_expected},
        "new_group_search": None if search is None else {
            k: search.get(k) for k in ("n_rows", "min_cluster_size", "merge_threshold",
                                       "n_groups", "noise_share")},
        "span_days": span,
    }
    return Update(
        summary=summary, verdict=verdict, reason=reason, noise_share=noise_share,
        plan_noise_share=plan_noise, groups=groups, feeds=feeds, new_groups=new_groups,
        assignments=assignments, rejects=conv.rejects, notes=tuple(notes), parameters=parameters,
    )
