"""The pipeline: ingest -> embed -> cluster -> describe -> score -> recommend -> staff.

:func:`plan` is the one call for the common case; :class:`NicheFinder` is the estimator for
notebooks, which keeps every stage's output so that one step can be changed and the plan redone
without embedding again.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from . import __version__
from .cluster import SAMPLE_SIZE, check_method, cluster_embeddings
from .config import resolve_thresholds
from .describe import project_2d
from .embed import DEFAULT_MODEL, embed_texts, get_embedder
from .exceptions import InputError, NotFittedError
from .explain import explain_thresholds
from .feeds import recommend_feeds
from .feeds.confidence import N_RESAMPLES, feed_confidence
from .fit import describe_and_measure, placed_clustering, post_vectors
from .ingest import Conversations, as_conversations
from .results import NOISE, FeedConfidence, Plan, Summary
from .score import judge_groups, measure_groups
from .staff.conduct import code_of_conduct
from .staff.roster import load_staff
from .staff.staffing import STAFFING_NOTE, assign_staff, feed_intents

__all__ = ["NicheFinder", "plan"]

log = logging.getLogger(__name__)

MAX_TEXTS_PER_FEED = 400
"""Posts per feed handed to intent detection and staffing (a seeded sample beyond this)."""


class NicheFinder:
    """Find interest groups in conversations and plan the feeds that serve them.

    Parameters
    ----------
    model : str, path or Embedder, optional
        Sentence-transformers model name or path; ``None`` uses the packaged all-MiniLM-L6-v2.
    thresholds : Thresholds, dict or path, optional
        Judgement thresholds, or a ``nichefinder.toml`` / YAML file holding them.
    min_cluster_size : int, optional
        Smallest group the clustering may form; chosen from the corpus size when ``None``.
    method : str or estimator, default "agglomerative"
        Clustering method: a name of :data:`nichefinder.cluster.METHODS`, or any estimator with
        ``fit(X)`` and ``labels_`` (see :func:`nichefinder.cluster.cluster_embeddings`).
    sample_size : int, optional
        Largest number of posts clustered at once; a larger input is clustered on a seeded
        sample and every post is then assigned (default 30,000; see
        :func:`nichefinder.cluster.cluster_embeddings`).
    assigner : callable, optional
        Replaces :func:`nichefinder.cluster.assign_groups` for that assignment, e.g.
        :class:`nichefinder.distributed.DaskAssigner` to run it on a Dask cluster.
    placement : {"student", "model"}, default "student"
        Above ``sample_size`` posts, when the posts are embedded here: ``"student"`` embeds
        the sample with the model and places the other posts by a cheap student, asking the
        model only for the posts the student is unsure of (:mod:`nichefinder.place`; the
        share is in ``embedding_stats_["placement"]``); ``"model"`` embeds every post with
        the model.
    random_state : int, RandomState or None
        Seed for every random step; the same seed and input give the same plan.
    cache : bool or path, default=True
        Embedding cache (see :func:`nichefinder.embed.embed_texts`).
    show_progress : bool or callable, default=False
        Progress bars on stderr for the slow stages; a callable ``(total, label) -> step``
        draws them (:func:`nichefinder.embed.texts.progress_bar`).

    Attributes
    ----------
    conversations_ : Conversations
    embeddings_ : ndarray
    clustering_ : Clustering
    groups_ : Groups
        The per-group facts every later stage reads (:func:`nichefinder.groups.build_groups`).
    descriptions_ : list of GroupDescription
    measurements_ : Measurements
        What measuring found, under the thresholds' measurement settings; a re-plan with other
        verdict thresholds judges these again.
    scores_ : dict
        The verdicts (Scores by group id and test) under the estimator's thresholds.
    points_ : ndarray of shape (n, 2)
        The map of the posts.
    embedding_stats_ : dict
        What the embedding step did: ``posts``, ``unique_texts``, ``from_cache``, ``embedded``
        and ``hit_rate`` (``cache`` is False when the cache was off, None when embeddings were
        given).

    Examples
    --------
    >>> finder = NicheFinder(random_state=0).fit("sample_data/conversations.csv")  # doctest: +SKIP
    >>> plan = finder.plan(staff="sample_data/staff.csv")  # doctest: +SKIP
    >>> stricter = finder.plan(thresholds={"min_authors": 40})  # doctest: +SKIP
    """

    def __init__(
        self,
        model=None,
        *,
        thresholds=None,
        min_cluster_size=None,
        method="agglomerative",
        sample_size=None,
        assigner=None,
        placement="student",
        random_state=None,
        cache=True,
        show_progress=False,
    ):
        self.model = model
        self.method = method
        self.sample_size = sample_size
        self.assigner = assigner
        self.placement = placement
        self.thresholds = thresholds
        self.min_cluster_size = min_cluster_size
        self.random_state = random_state
        self.cache = cache
        self.show_progress = show_progress

    def _thresholds(self, override=None):
        return resolve_thresholds(override, self.thresholds)

    def _embed(self, texts):
        return embed_texts(
            texts, self._embedder, cache=self.cache, show_progress=self.show_progress
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "groups_"):
            raise NotFittedError("NicheFinder is not fitted; call fit(conversations) first")

    def _measured(self, th):
        """The measurements under ``th``'s measurement settings: those of the fit, unless the
        settings differ (then the groups are measured again)."""
        if th.measure == self.measurements_.settings:
            return self.measurements_
        last = getattr(self, "_last_measured", None)
        if last is not None and last.settings == th.measure:
            return last
        self._last_measured = measure_groups(self.groups_, self.descriptions_, settings=th,
                                             random_state=self._rng_seed)
        return self._last_measured

    def fit(self, conversations, embeddings=None, *, columns=None, format=None) -> NicheFinder:
        """Read, embed, cluster, describe and score.

        Parameters
        ----------
        conversations : paths, DataFrame or Conversations
        embeddings : ndarray or path to ``.npy``, optional
            Precomputed vectors, one per input row (or per accepted post); skips embedding.
        columns : str or mapping, optional
            Column mapping, as for :func:`nichefinder.ingest.load_conversations`.
        format : str, optional
            Input format, overriding detection (``"csv"``, ``"twitter"``, ``"reddit"``, ...).

        Returns
        -------
        self
        """
        check_method(self.method)  # these first: a mistake shows before the costly embedding
        self._thresholds()
        rng = check_random_state(self.random_state)
        self._rng_seed = int(rng.randint(0, 2**31 - 1))
        self._embedder = get_embedder(self.model, show_progress=bool(self.show_progress))
        conv = as_conversations(conversations, columns, format)
        if self._places(conv, embeddings):
            vectors, self.clustering_, self.embedding_stats_ = placed_clustering(
                conv.posts["text"].tolist(), self._embedder, cache=self.cache,
                method=self.method, min_cluster_size=self.min_cluster_size,
                sample_size=self.sample_size, random_state=self._rng_seed,
                show_progress=self.show_progress,
            )
        else:
            vectors, self.embedding_stats_, _ = post_vectors(
                conv, self._embedder, embeddings, cache=self.cache,
                show_progress=self.show_progress
            )
            log.info("clustering %d posts", len(vectors))
            self.clustering_ = cluster_embeddings(
                vectors,
                min_cluster_size=self.min_cluster_size,
                method=self.method,
                sample_size=self.sample_size,
                assign=self.assigner,
                random_state=self._rng_seed,
                show_progress=self.show_progress,
            )
        self.conversations_ = conv
        self.embeddings_ = vectors
        th = self._thresholds()
        self.groups_, self.descriptions_, self.measurements_ = describe_and_measure(
            conv.posts, vectors, self.clustering_.labels, self.clustering_.themes,
            settings=th, random_state=self._rng_seed, embed=self._embed,
        )
        self._last_measured = None
        self.points_ = project_2d(self.groups_, random_state=self._rng_seed)
        self.scores_ = judge_groups(self.measurements_, th)
        return self

    def _places(self, conv, embeddings) -> bool:
        """Whether the student places the posts beyond the sample (``placement``)."""
        if self.placement not in ("student", "model"):
            raise InputError(f"placement={self.placement!r}; use 'student' or 'model'")
        limit = SAMPLE_SIZE if self.sample_size is None else self.sample_size
        return (embeddings is None and self.placement == "student" and self.assigner is None
                and len(conv.posts) > limit)

    def recommend(self, thresholds=None):
        """Judge the groups and recommend feeds (no staffing); cheap, re-runnable.

        Parameters
        ----------
        thresholds : Thresholds, dict or path, optional
            Replaces the estimator's thresholds for this call; a dict overrides single fields.
        """
        self._check_fitted()
        th = self._thresholds(thresholds)
        scores = self.scores_
        if thresholds is not None:
            scores = judge_groups(self._measured(th), th)
        embed = self._embed if getattr(self, "_embedder", None) is not None else None
        return (recommend_feeds(self.groups_, self.descriptions_, scores, thresholds=th,
                                embed=embed), th)

    def explain(self, thresholds=None, *, vary=None, factors=None) -> pd.DataFrame:
        """What-if table: how the number of feeds moves as each threshold moves.

        Verdicts are re-judged from the stored measurements, so this costs no embedding.

        Parameters
        ----------
        thresholds : Thresholds, dict or path, optional
            The baseline (the estimator's thresholds by default).
        vary : sequence of str, optional
            Threshold names to move; a default set of the key ones otherwise.
        factors : sequence of float, optional
            Multipliers of each baseline value, by default 0.5, 0.75, 1, 1.5, 2.

        Returns
        -------
        pandas.DataFrame
            One row per threshold and factor: ``threshold, factor, value, n_passing, n_served,
            n_feeds, change``.

        Examples
        --------
        >>> finder.explain().query("threshold == 'min_authors'")  # doctest: +SKIP
        """
        self._check_fitted()
        options = {}
        if vary is not None:
            options["vary"] = tuple(vary)
        if factors is not None:
            options["factors"] = tuple(factors)
        th = self._thresholds(thresholds)
        return explain_thresholds(self.groups_, self._measured(th), th, **options)

    def plan(self, staff=None, *, thresholds=None) -> Plan:
        """Build the channel plan, staffed when a roster is given.

        Parameters
        ----------
        staff : path or DataFrame, optional
            Staff roster (CSV or YAML; see :func:`nichefinder.roster.load_staff`).
        thresholds : Thresholds, dict or path, optional
            Overrides for this plan only.

        Returns
        -------
        Plan
        """
        rec, th = self.recommend(thresholds)
        feeds, staffing_notes = self._staffed(rec, staff)
        return self._assemble(rec, feeds, staffing_notes, th, self.confidence(thresholds))

    def confidence(self, thresholds=None, *, n_resamples: int = N_RESAMPLES) -> FeedConfidence:
        """How sure the feed count is: the feeds formed on bootstrap resamples of the people,
        every group re-judged (:func:`nichefinder.feeds.confidence.feed_confidence`).

        Parameters
        ----------
        thresholds : Thresholds, dict or path, optional
            Overrides for this call only.
        n_resamples : int, default 20

        Returns
        -------
        FeedConfidence
            ``confidence.line(n_feeds)`` says it in words.
        """
        self._check_fitted()
        th = self._thresholds(thresholds)
        return feed_confidence(self.groups_, self._measured(th), th, n_resamples=n_resamples,
                               random_state=self._rng_seed)

    def _staffed(self, rec, staff) -> tuple[tuple, tuple[str, ...]]:
        """The feeds with their intents (and codes of conduct), staffed when a roster is given;
        the staffing notes."""
        posts = self.conversations_.posts
        texts = _feed_texts(posts["text"], np.asarray(rec.feed_of_row), rec.feeds,
                            self._rng_seed)
        # the same intents with a roster or without: one sample, one embedder
        _, shares = feed_intents(rec.feeds, texts, embedder=self._embed,
                                 random_state=self._rng_seed)
        feeds = [replace(f, intents=s) for f, s in zip(rec.feeds, shares, strict=True)]
        if staff is None:
            return tuple(replace(f, code_of_conduct=code_of_conduct(f)) for f in feeds), ()
        roster = staff if isinstance(staff, pd.DataFrame) else load_staff(staff)
        # what `nichefinder staff` can do again from plan.json alone: the same staffing
        staffing = staff_feeds(feeds, rec.groups, roster, self._embed, self._rng_seed)
        return tuple(staffing.feeds), tuple(staffing.notes)

    def _assemble(self, rec, feeds, staffing_notes, th, confidence=None) -> Plan:
        """The plan of ``rec`` with ``feeds``: row accounting, parameters, assignments, map."""
        conv = self.conversations_
        posts, labels = conv.posts, self.clustering_.labels
        feed_of_row = np.asarray(rec.feed_of_row)
        assignments = pd.DataFrame({
            "id": posts["id"].to_numpy(),
            "group": labels.astype(int),
            "feed": pd.array(np.where(feed_of_row >= 0, feed_of_row, -1), dtype="Int64"),
        })
        assignments.loc[assignments["feed"] < 0, "feed"] = pd.NA
        n_noise = int((labels == NOISE).sum())
        summary = Summary(
            rows_read=conv.n_read, rows_grouped=int(len(labels) - n_noise), rows_noise=n_noise,
            rows_rejected=len(conv.rejects), groups=len(rec.groups), feeds=len(feeds),
            confidence=confidence,
        )
        if summary.rows_grouped + summary.rows_noise + summary.rows_rejected != summary.rows_read:
            raise AssertionError("row accounting broken: read != grouped + noise + rejected")
        parameters = {
            "nichefinder_version": __version__,
            "model": getattr(self._embedder, "name", DEFAULT_MODEL),
            "random_state": self.random_state if isinstance(self.random_state, int) else None,
            "clustering": self.clustering_.parameters,
            "thresholds": th.to_dict(),
            "data_notes": list(conv.notes) + _missing_notes(conv),
        }
        points = pd.DataFrame({
            "id": posts["id"].to_numpy(),
            "x": self.points_[:, 0].round(4),
            "y": self.points_[:, 1].round(4),
            "group": assignments["group"].to_numpy(),
            "feed": assignments["feed"].array,
            "timestamp": posts["timestamp"].to_numpy(),
            "platform": posts["platform"].array,
        })
        return Plan(
            points=points, summary=summary, groups=tuple(rec.groups), feeds=tuple(feeds),
            assignments=assignments, rejects=conv.rejects, staffing_notes=staffing_notes,
            parameters=parameters,
            # what nichefinder.update needs to place new posts without clustering again
            centroids=self.clustering_.centroids, fences=self.clustering_.fences,
            center=self.clustering_.center,
        )


def _missing_notes(conv: Conversations) -> list[str]:
    """The judgements the data cannot support (no authors, no timestamps), for the plan."""
    return list(conv.not_judged)


def _feed_texts(
    texts: pd.Series, feed_of_row: np.ndarray, feeds, seed: int
) -> dict[int, list[str]]:
    rng = np.random.default_rng(seed)
    out = {}
    values = texts.to_numpy()
    for feed in feeds:
        rows = np.flatnonzero(feed_of_row == feed.id)
        if len(rows) > MAX_TEXTS_PER_FEED:
            rows = np.sort(rng.choice(rows, MAX_TEXTS_PER_FEED, replace=False))
        out[feed.id] = [str(values[i]) for i in rows]
    return out


def plan(
    conversations,
    *,
    staff=None,
    columns=None,
    format=None,
    model=None,
    embeddings=None,
    thresholds=None,
    min_cluster_size=None,
    method="agglomerative",
    sample_size=None,
    placement="student",
    random_state=None,
    cache=True,
    show_progress=False,
) -> Plan:
    """Plan social feeds from conversations in one call.

    Parameters
    ----------
    conversations : path, list of paths, DataFrame or Conversations
        CSV, JSONL or Parquet files with at least a ``text`` column.
    staff : path or DataFrame, optional
        Staff roster to staff the feeds from.
    columns : str or mapping, optional
        Column mapping such as ``"text=body,author=user"``.
    format : str, optional
        Input format, overriding detection by content.
    model : str or path, optional
        Embedding model; the packaged all-MiniLM-L6-v2 by default.
    embeddings : ndarray or path, optional
        Precomputed embeddings (skips the model).
    thresholds : Thresholds, dict or path, optional
    min_cluster_size : int, optional
    method : str or estimator, default "agglomerative"
    sample_size : int, optional
        Largest number of posts clustered at once (default 30,000); the rest are assigned.
    placement : {"student", "model"}, default "student"
        How the posts beyond the sample are embedded (see :class:`NicheFinder`).
    random_state : int or None
    cache : bool or path, default=True
    show_progress : bool or callable, default=False

    Returns
    -------
    Plan

    Examples
    --------
    >>> import nichefinder
    >>> p = nichefinder.plan("sample_data/conversations.csv",
    ...                      staff="sample_data/staff.csv", random_state=0)  # doctest: +SKIP
    >>> p.summary.feeds  # doctest: +SKIP
    8
    """
    finder = NicheFinder(
        model,
        thresholds=thresholds,
        min_cluster_size=min_cluster_size,
        method=method,
        sample_size=sample_size,
        placement=placement,
        random_state=random_state,
        cache=cache,
        show_progress=show_progress,
    )
    if staff is not None and not isinstance(staff, pd.DataFrame):
        staff = load_staff(staff)  # a mistake in the roster shows before the embedding
    finder.fit(conversations, embeddings, columns=columns, format=format)
    return finder.plan(staff)


def restaff_plan(saved: Plan, staff, *, model=None, random_state=None, cache=True) -> Plan:
    """Staff a saved plan again from a new roster, leaving its groups and feeds as they are.

    Staff change more often than audiences: this re-runs only the staffing stage. Each feed keeps
    the intents measured when it was planned; its representative posts and keywords stand in for
    its conversations when matching people's expertise.

    Parameters
    ----------
    saved : Plan
        A plan, e.g. from :func:`nichefinder.report.read_plan`.
    staff : path or DataFrame
        The new roster.
    model : str or path, optional
        Embedding model for expertise matching; the plan's own model by default.
    random_state : int or None
    cache : bool or path, default=True

    Returns
    -------
    Plan
        The same plan with new staff, codes of conduct and staffing notes.

    Examples
    --------
    >>> from nichefinder.report import read_plan
    >>> new = restaff_plan(read_plan("nichefinder-plan"), "staff.csv")  # doctest: +SKIP
    """
    roster = staff if isinstance(staff, pd.DataFrame) else load_staff(staff)
    embedder = get_embedder(model if model is not None else _saved_model(saved))
    bare = [
        replace(
            f,
            staff=(),
            code_of_conduct=(),
            notes=tuple(n for n in f.notes if not n.startswith(STAFFING_NOTE)),
        )
        for f in saved.feeds
    ]
    seed = int(check_random_state(random_state).randint(0, 2**31 - 1))  # as fit draws it
    staffing = staff_feeds(bare, saved.groups, roster,
                           lambda t: embed_texts(t, embedder, cache=cache), seed)
    return replace(
        saved,
        feeds=tuple(staffing.feeds),
        staffing_notes=tuple(staffing.notes),
        summary=replace(saved.summary, feeds=len(staffing.feeds)),
    )


def staff_feeds(feeds, groups, roster, embed, seed: int):
    """Staff ``feeds`` from ``roster``: the one staffing step of a plan and of a re-staffing.

    A feed's representative posts (those of its groups, as kept in ``plan.json``) stand in for
    its conversations when matching people's expertise, so ``plan --staff`` and ``staff PLAN``
    give the same staff for the same roster and seed.

    Returns
    -------
    Staffing
        As :func:`nichefinder.staff.staffing.assign_staff`.
    """
    posts_of = {g.id: g.representative_posts for g in groups}
    texts = {f.id: [p for g in f.groups for p in posts_of.get(g, ())] for f in feeds}
    return assign_staff(feeds, roster, texts, embedder=embed, random_state=seed)


def _saved_model(saved: Plan):
    name = saved.parameters.get("model")
    return name  # None is the default path; "all-MiniLM-L6-v2" the plain model it was made with
