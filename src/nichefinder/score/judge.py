"""Judge: measurements and verdict thresholds in, verdicts with their reasons out.

Judging is pure and cheap: it reads what :func:`nichefinder.score.measure.measure_groups`
measured (or what a plan stored in ``Score.metrics``) and the :class:`VerdictThresholds`, and
computes nothing costly, so a what-if over thresholds re-judges without re-measuring.

Each test (:data:`TESTS`) is a list of rules (:data:`RULES`): a rule reads one group's
measurements of that test and gives checks (:class:`Check`: passed or not, a score, a line of
evidence) and notes. A check scores 0.5 exactly at its threshold, 1 at its best and 0 at its
worst, and a test's value is its *weakest* check, so ``value >= 0.5`` whenever every check
passes. ``passed`` is ``False`` if any check fails, ``None`` when the test could not be judged
(no authors for *genuine*), else ``True``. Evidence lists the failed checks first;
``metrics["n_failed"]`` says how many. A new signal is one more rule (and its threshold, a
field of :class:`VerdictThresholds`), beside the measurement it reads.

Monotone by construction: every check's score is non-decreasing in the number and spread of
authors and non-increasing in the share of duplicates, and the weakest-check rule preserves it.

Examples
--------
>>> metrics = {"identifiable": {"cohesion": 0.62},
...            "substantial": {"n_posts": 40, "n_grouped": 400, "share": 0.1, "n_authors": 4},
...            "genuine": {"n_authors": None, "duplicate_share": None}}
>>> verdict = judge_group(metrics, VerdictThresholds(min_authors=5))
>>> verdict["substantial"].passed, verdict["substantial"].evidence[0]
(False, 'too few people: 4 distinct (needs 5)')
>>> verdict["genuine"].passed is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..results import Score
from ..settings import Settings, part, setting
from .checks import Check, at_least, at_least_count, judged, maximum, minimum, pct, plural
from .measurements import MeasureSettings

__all__ = [
    "RULES",
    "TESTS",
    "VerdictThresholds",
    "failed_lines",
    "judge_group",
    "judge_groups",
    "metrics_of",
    "passes_all",
    "small_only",
    "undecided_line",
]

TESTS = ("identifiable", "substantial", "genuine")
"""The three tests, in the order they are reported."""


@dataclass(frozen=True)
class VerdictThresholds(Settings):
    """The thresholds of the three tests: what the judge reads.

    Parameters
    ----------
    min_cohesion : float, default 0.3
        *Identifiable.* Lowest mean cosine similarity of a group's posts to their (normalised)
        centroid. With all-MiniLM-L6-v2, unrelated posts sit near 0.1-0.2 to each other and a
        topic sits at 0.35-0.8: crisp intent sets at 0.5-0.8, organic Reddit comments on one
        subject at 0.35-0.5. The floor only stops what is no topic at all.
    min_separation : float, default 0.05
        *Identifiable.* Lowest margin between the group's cohesion and its posts' mean
        similarity to the nearest group of *another theme*. Groups of one theme are one topic in
        different words and share a feed, so closeness to a sibling is not held against a group.
    min_predictability : float, default 0.7
        *Identifiable.* Lowest share of the group's posts whose nearest centroid, estimated
        without them (cross-validated), is a group of its own theme: people talk about one
        thing when their posts can be told from the rest by meaning alone. Genuine groups of
        real audiences score 0.9-1; a mixture of unrelated posts below 0.6.
    min_relative_cohesion : float, default 0.8
        *Identifiable*, for groups of short posts only (see ``chatter_length_ratio``): lowest
        cohesion relative to the audience's median group. Off-topic small talk ("same here",
        the weather, the weekend) is short and only loosely related, wherever it sits; a topic
        of short posts is as tight as the audience's other topics. Relative, so a diffuse
        audience is not judged on a crisp one's scale.
    chatter_length_ratio : float, default 0.6
        *Identifiable.* A group whose median post has fewer words than this share of the
        audience's median is *short*, and must then clear ``min_relative_cohesion``.
    min_posts : int, default 30
        *Substantial.* Floor on a group's posts. The bar used is
        ``max(min_posts, ceil(min_share * grouped posts))``: see :meth:`min_posts_for`.
    min_share : float, default 0.01
        *Substantial.* Share of all grouped posts a group needs (1%); scales the volume bar with
        the corpus.
    min_posts_per_week : float, default 5.0
        *Substantial.* Lowest sustained rate, posts a week over the span of the data (about one
        per working day): below it a feed does not repay the staff time, and the posts are
        better answered from a broader feed. Not judged without timestamps.
    min_authors : int, default 10
        *Substantial.* Distinct people a group needs. Not judged when the data has no authors.
    min_weeks_active : int, default 3
        *Substantial.* Distinct weeks (7-day windows from the start of the data) with posts. Capped
        at the number of weeks the data covers, so a two-week export is judged on two weeks.
    max_single_day_share : float, default 0.5
        *Substantial* (sustained) and *genuine* (burst). Highest share of a group's posts on its
        busiest day; above it the group is a one-day spike. Not judged when the data covers a
        single day. A group with a *burst* (a busiest day far above its usual rate:
        :class:`~nichefinder.score.measurements.MeasureSettings` ``burst_factor``) is judged
        on its posts without the burst: when they are substantial alone the group earns a feed
        that leaves the burst's posts out, and says so.
    max_top_author_share : float, default 0.25
        *Genuine.* Highest share of a group's posts from its most active account.
    min_effective_authors : float, default 5.0
        *Genuine.* Lowest effective number of authors (inverse Simpson index
        ``1 / sum(p_i ** 2)`` of the authors' post shares): 5 means "as spread as 5 equally active
        people".
    max_duplicate_share : float, default 0.3
        *Genuine.* Highest share of posts that are *coordinated* (near-)duplicates of another post
        in the group (what counts as one is a measurement setting:
        :class:`~nichefinder.score.measurements.MeasureSettings`). People who ask the same thing
        weeks apart are not a campaign. Not judged when the data has neither authors nor
        timestamps.
    max_burst_account_share : float, default 0.5
        *Genuine.* When a group has a spike day (above ``max_single_day_share``), the highest share
        of the spike's posts that may come from accounts seen on that one day only.
    min_reply_share : float, default 0.0
        *Genuine.* Lowest share of a group's posts that are replies, when the data has reply
        links. ``0`` (the default) reports the reply-graph evidence without gating on it: many
        exports carry no replies, and a gate on it is not monotone in the number of authors.
    min_identifiable, min_substantial, min_genuine : float, default 0.5
        Lowest score value to pass each test. Scores are the weakest of their checks, scaled so a
        check exactly at its threshold scores 0.5; raise these to demand margin.
    """

    # identifiable
    min_cohesion: float = setting(0.3)
    min_separation: float = setting(0.05)
    min_predictability: float = setting(0.7, share=True)
    min_relative_cohesion: float = setting(0.8)
    chatter_length_ratio: float = setting(0.6)
    # substantial
    min_posts: int = setting(30)
    min_share: float = setting(0.01, share=True)
    min_posts_per_week: float = setting(5.0)
    min_authors: int = setting(10)
    min_weeks_active: int = setting(3)
    max_single_day_share: float = setting(0.5, share=True)
    # genuine
    max_top_author_share: float = setting(0.25, share=True)
    min_effective_authors: float = setting(5.0)
    max_duplicate_share: float = setting(0.3, share=True)
    max_burst_account_share: float = setting(0.5, share=True)
    min_reply_share: float = setting(0.0, share=True)
    # the bars of the three scores
    min_identifiable: float = setting(0.5, share=True)
    min_substantial: float = setting(0.5, share=True)
    min_genuine: float = setting(0.5, share=True)

    def min_posts_for(self, n_grouped: int) -> int:
        """The volume bar for a corpus of ``n_grouped`` grouped posts.

        ``max(min_posts, ceil(min_share * n_grouped))``.

        Examples
        --------
        >>> VerdictThresholds().min_posts_for(500), VerdictThresholds().min_posts_for(10_000)
        (30, 100)
        """
        import math

        return max(int(self.min_posts), int(math.ceil(self.min_share * max(int(n_grouped), 0))))


Rule = Callable[[Mapping[str, Any], VerdictThresholds, MeasureSettings], Iterable[Check | str]]
"""A rule: one group's measurements of a test, the thresholds and the measurement settings in;
checks (:class:`Check`) and notes (plain lines of evidence) out."""


# -------------------------------------------------------------------------------- identifiable


def _signed(x: float, t: float) -> float:
    """Score of a value in ``[-1, 1]`` that should be at least ``t``."""
    return at_least(x, t, -1.0, 1.0)


def _cohesion(m, th, _settings):
    cohesion = m["cohesion"]
    cross = m.get("nearest_similarity")
    vs = f" vs {cross:.2f} to the nearest other theme's group" if cross is not None else ""
    yield minimum(
        "cohesion", cohesion, th.min_cohesion,
        f"posts sit close together: cohesion {cohesion:.2f}{vs}",
        f"posts are only loosely related: cohesion {cohesion:.2f}{vs} "
        f"(needs {th.min_cohesion:.2f})", score=_signed,
    )


def _separation(m, th, _settings):
    sep = m.get("separation")
    if sep is None:
        return
    other = m.get("nearest_group")
    other_txt = f"group {other} (another theme)" if other is not None else "the noise"
    yield minimum(
        "separation", sep, th.min_separation,
        f"distinct from {other_txt}: margin {sep:.2f}",
        f"hard to tell apart from {other_txt}: margin {sep:.2f} "
        f"(needs {th.min_separation:.2f})", score=_signed,
    )


def _predictability(m, th, _settings):
    pred = m.get("predictability")
    if pred is None:
        return
    yield minimum(
        "predictability", pred, th.min_predictability,
        f"one subject: {pred:.0%} of its posts are told apart from other themes by meaning",
        f"no one subject: only {pred:.0%} of its posts are told apart from other themes by "
        f"meaning (needs {th.min_predictability:.0%})",
    )


def _chatter(m, th, _settings):
    ratio, rel = m.get("length_ratio"), m.get("relative_cohesion")
    if ratio is None or rel is None or ratio >= th.chatter_length_ratio:
        return
    words = m.get("median_words")
    yield minimum(
        "chatter", rel, th.min_relative_cohesion,
        f"short posts ({words:g} words, {ratio:.0%} of the audience's median) on one topic: "
        f"cohesion {rel:.0%} of the audience's typical group",
        f"small talk: short posts ({words:g} words, {ratio:.0%} of the audience's median), "
        f"loosely related: cohesion {rel:.0%} of the audience's typical group "
        f"(needs {th.min_relative_cohesion:.0%} when posts are short)", score=_ratio,
    )


def _ratio(x: float, t: float) -> float:
    """Score of a ratio in ``[0, 2]`` that should be at least ``t``."""
    return at_least(x, t, 0.0, 2.0)


def _keywords(m, _th, _settings):
    coverage = m.get("keyword_coverage")
    if coverage is not None:
        yield f"its keywords appear in {coverage:.0%} of its posts"


def _silhouette(m, _th, _settings):
    if m.get("silhouette") is not None:
        yield f"silhouette {m['silhouette']:.2f} on a sample"


# -------------------------------------------------------------------------------- substantial


def _volume(m, th, _settings):
    n = int(m["n_posts"])
    burst = int(m.get("burst_posts") or 0)
    bar = th.min_posts_for(int(m["n_grouped"]))
    n_authors, weeks = m.get("n_authors"), m.get("weeks_active")
    people = (
        f" from {n_authors} {'person' if n_authors == 1 else 'people'}"
        if n_authors is not None else ""
    )
    span = f" over {plural(weeks, 'week')}" if weeks is not None else ""
    if burst:
        rest = n - burst
        yield minimum(
            "volume", rest, bar,
            f"{rest} posts without its one-day burst ({n} with it){people}{span}",
            f"too small without its one-day burst: {rest} posts ({n} with the burst of "
            f"{burst}){people}{span} (needs {bar})", score=at_least_count,
        )
        return
    yield minimum(
        "volume", n, bar,
        f"{n} posts{people}{span} ({m['share']:.1%} of grouped conversation)",
        f"too small: only {n} posts{people}{span} (needs {bar})", score=at_least_count,
    )


def _authors(m, th, _settings):
    n_authors = m.get("n_authors")
    if n_authors is None:
        yield "no authors: judged on volume without counting people"
        return
    yield minimum(
        "authors", n_authors, th.min_authors, f"{n_authors} distinct people take part",
        f"too few people: {n_authors} distinct (needs {th.min_authors})", score=at_least_count,
    )


def _rate(m, th, _settings):
    rate = m.get("posts_per_week")
    if rate is None or (m.get("data_days") or 0) < 7:
        return
    yield minimum(
        "rate", rate, th.min_posts_per_week, f"{rate:.1f} posts a week",
        f"too quiet: {rate:.1f} posts a week (needs {th.min_posts_per_week:g})",
        score=at_least_count,
    )


def _sustained(m, th, _settings):
    weeks, days = m.get("weeks_active"), m.get("data_days")
    if weeks is None:
        yield "no timestamps: could not judge whether it is sustained"
        return
    if days is not None and days < 2:
        yield "the data covers a single day: could not judge whether it is sustained"
        return
    need = min(int(th.min_weeks_active), int(m["data_weeks"]))
    yield minimum(
        "weeks", weeks, need, f"active in {weeks} of {m['data_weeks']} weeks",
        f"not sustained: active in {weeks} of {m['data_weeks']} weeks (needs {need})",
        score=at_least_count,
    )
    burst = int(m.get("burst_posts") or 0)
    if burst and int(m["n_posts"]) > burst:
        peak = m["rest_peak_day_share"]
        yield maximum(
            "spike", peak, th.max_single_day_share,
            f"a one-day burst of {burst} posts ({burst / m['n_posts']:.0%}) on day "
            f"{m['burst_day'] + 1} is left out of its feed; the other posts are spread out "
            f"(busiest day {peak:.0%})",
            f"a one-day burst of {burst} posts ({burst / m['n_posts']:.0%}) on day "
            f"{m['burst_day'] + 1}, and the rest is a spike too: {peak:.0%} on one day "
            f"(max {th.max_single_day_share:.0%})",
        )
    else:
        peak = m["peak_day_share"]
        yield maximum(
            "spike", peak, th.max_single_day_share,
            f"spread out: busiest day holds {peak:.0%} of posts; active on {m['days_active']} "
            f"days of {days}",
            f"a one-day spike: {peak:.0%} of posts on one day; active on "
            f"{plural(m['days_active'], 'day')} of {days} (max {th.max_single_day_share:.0%})",
        )
    trend = m.get("trend")
    if trend is not None:
        late = (trend + 1) / 2
        word = "growing" if trend > 0.2 else "fading" if trend < -0.2 else "steady"
        yield f"{word}: {late:.0%} of posts in the second half of the period"


# -------------------------------------------------------------------------------- genuine


def _accounts(m, th, _settings):
    if m.get("n_authors") is None:
        yield ("no authors: could not judge whether real people (rather than one account or a "
               "campaign) are talking")
        return
    top = m["top_author_share"]
    k, k_share = m["top_accounts"], m["top_accounts_share"]
    yield maximum(
        "top_author", top, th.max_top_author_share,
        f"no account dominates: the most active wrote {pct(top)} of posts; half of the "
        f"posts come from {plural(k, 'account')}",
        f"dominated by few accounts: {k_share:.0%} of posts come from "
        f"{plural(k, 'account')}; the most active wrote {top:.0%} "
        f"(max {th.max_top_author_share:.0%})",
    )
    eff = m["effective_authors"]
    yield minimum(
        "spread", eff, th.min_effective_authors,
        f"posting is spread like {eff:.1f} equally active people",
        f"concentrated: posting is spread like only {eff:.1f} equally active accounts "
        f"(needs {th.min_effective_authors:g})", score=at_least_count,
    )
    burst, peak = m.get("burst_account_share"), m.get("peak_day_share")
    rest = int(m.get("n_posts") or 0) - int(m.get("burst_posts") or 0)
    left_out = bool(m.get("burst_posts")) and rest >= th.min_posts_for(m.get("n_grouped") or 0)
    if burst is not None and peak is not None and peak > th.max_single_day_share \
            and not left_out:  # a burst the feed leaves out is judged by *substantial*
        yield maximum(
            "burst", burst, th.max_burst_account_share,
            f"{burst:.0%} of the spike day's posts come from accounts seen that day only",
            f"burst of single-use accounts: {burst:.0%} of the spike day's posts come from "
            f"accounts seen that day only (max {th.max_burst_account_share:.0%})",
        )
    if m.get("top_author_replied") == 0.0 and top >= 0.1:
        yield (f"the most active account ({top:.0%} of posts) never replies and gets no "
               "replies: it may be the brand's own broadcasts")


def _duplicates(m, th, settings):
    dup = m.get("duplicate_share")
    any_dup = m.get("any_duplicate_share") or 0.0
    if dup is None:
        yield (f"{pct(any_dup)} of posts are (near-)duplicates; without authors or timestamps "
               "a campaign cannot be told from people asking the same thing")
        return
    window = f"{settings.duplicate_window_hours:g} hours"
    yield maximum(
        "duplicates", dup, th.max_duplicate_share,
        f"{pct(dup)} of posts are duplicates from the same account or within {window} "
        f"({pct(any_dup)} repeat another post at all)",
        f"templated: {pct(dup)} of posts are (near-)duplicates of another post from the "
        f"same account or within {window} (max {th.max_duplicate_share:.0%})",
    )


def _replies(m, th, _settings):
    reply = m.get("reply_share")
    if th.min_reply_share > 0 and m.get("is_community") is not None and reply is not None:
        yield minimum(
            "replies", reply, th.min_reply_share, m["interaction"],
            f"nobody talks back: {reply:.0%} of posts are replies "
            f"(needs {th.min_reply_share:.0%})",
        )
    else:
        yield m.get("interaction") or "no reply data"


RULES: dict[str, tuple[Rule, ...]] = {
    "identifiable": (_cohesion, _separation, _predictability, _chatter, _keywords, _silhouette),
    "substantial": (_volume, _authors, _rate, _sustained),
    "genuine": (_accounts, _duplicates, _replies),
}
"""The rules of each test, in the order their evidence is listed."""

_BARS = {"identifiable": "min_identifiable", "substantial": "min_substantial",
         "genuine": "min_genuine"}


def judge_group(metrics: Mapping[str, Mapping[str, Any]], thresholds=None, settings=None, *,
                rules: Mapping[str, Iterable[Rule]] | None = None) -> dict[str, Score]:
    """Judge one group's measurements.

    Parameters
    ----------
    metrics : mapping
        ``{"identifiable": {...}, "substantial": {...}, "genuine": {...}}``, as
        :func:`~nichefinder.score.measure.measure_groups` measures them (or
        :func:`metrics_of` a judged group's scores).
    thresholds : VerdictThresholds or Thresholds, optional
        The defaults when ``None``.
    settings : MeasureSettings, optional
        The settings the measurements were made with (the evidence quotes them); those of
        ``thresholds`` when it is a :class:`nichefinder.config.Thresholds`, else the defaults.
    rules : mapping of test to rules, optional
        :data:`RULES` by default; pass an extended copy to judge with a new check.

    Returns
    -------
    dict of str to Score
        One :class:`~nichefinder.results.Score` per test.
    """
    th = part(thresholds, VerdictThresholds)
    if settings is None:
        settings = part(thresholds if hasattr(thresholds, "parts") else None, MeasureSettings)
    rules = RULES if rules is None else rules
    out = {}
    for test in TESTS:
        m = metrics[test]
        items = [item for rule in rules[test] for item in rule(m, th, settings)]
        undecided = test == "genuine" and m.get("n_authors") is None
        kept = dict(m)
        if test == "genuine":
            kept["interaction"] = m.get("interaction")
        out[test] = judged(items, getattr(th, _BARS[test]), kept, undecided=undecided)
    return out


def judge_groups(measurements, thresholds=None) -> dict[int, dict[str, Score]]:
    """Judge every group of ``measurements`` (a
    :class:`~nichefinder.score.measurements.Measurements`) under ``thresholds``."""
    return {g: judge_group(m, thresholds, measurements.settings)
            for g, m in measurements.metrics.items()}


def metrics_of(scores: Mapping[str, Score]) -> dict[str, dict[str, Any]]:
    """The measurements stored in one group's scores, ready for :func:`judge_group`."""
    return {name: dict(scores[name].metrics) for name in TESTS}


def passes_all(scores: Mapping[str, Score] | None) -> bool:
    """True when a group has all three judgements and fails none (undecided does not block)."""
    return scores is not None and all(
        scores[t].passed is not False for t in TESTS if t in scores
    ) and all(t in scores for t in TESTS)


def small_only(scores: Mapping[str, Score] | None, thresholds) -> bool:
    """True when a group fails only for volume (too few posts or people) and passes the rest."""
    if scores is None or not all(t in scores for t in TESTS) or passes_all(scores):
        return False
    if scores["identifiable"].passed is False or scores["genuine"].passed is False:
        return False
    relaxed = part(thresholds, VerdictThresholds).replace(
        min_posts=0, min_share=0.0, min_authors=0, min_posts_per_week=0.0)
    try:
        return passes_all(judge_group(metrics_of(scores), relaxed))
    except (KeyError, TypeError):  # scores without stored metrics
        return False


def failed_lines(scores: Mapping[str, Score]) -> list[str]:
    """One line per failed test and piece of its evidence, such as ``"not genuine: ..."``."""
    lines = []
    for t in TESTS:
        s = scores[t]
        if s.passed is False:
            n = int(s.metrics.get("n_failed", 0) or 0) or len(s.evidence)
            lines += [f"not {t}: {line}" for line in s.evidence[:max(n, 1)]] or [f"not {t}"]
    return lines


def undecided_line(score: Score) -> str:
    """The line of evidence that says why a test could not be judged."""
    for line in score.evidence:
        if "could not" in line or "cannot" in line:
            return line
    return score.evidence[-1] if score.evidence else "not enough data"
