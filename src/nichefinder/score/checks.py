"""Checks: one pass-or-fail judgement with its score and its line of evidence, and how the
checks of a test make its :class:`~nichefinder.results.Score`.

Scores of checks are scaled so that a value exactly at its threshold scores 0.5, the best
value 1 and the worst 0 (:func:`at_least`, :func:`at_least_count`, :func:`at_most`); a test
scores its weakest check (:func:`judged`).

Examples
--------
>>> at_least_count(10, 10), at_most(0.1, 0.2), at_least(0.8, 0.6)
(0.5, 0.75, 0.75)
>>> score = judged([Check("volume", True, 0.7, "40 posts"), "no authors"], 0.5, {})
>>> score.passed, score.value, score.evidence
(True, 0.7, ('40 posts', 'no authors'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..results import Score

__all__ = ["Check", "at_least", "at_least_count", "at_most", "judged", "maximum", "minimum", "pct",
           "plural"]


@dataclass(frozen=True)
class Check:
    """One check of a test.

    Attributes
    ----------
    name : str
    ok : bool or None
        Passed, failed, or ``None`` when it could not be judged.
    score : float or None
        In ``[0, 1]``; 0.5 exactly at the threshold.
    line : str
        The evidence, in words a marketer reads.
    """

    name: str
    ok: bool | None
    score: float | None
    line: str


def minimum(name: str, value: float, bar: float, passed: str, failed: str, *,
            score=None) -> Check:
    """A check that ``value`` is at least ``bar``, with the line for each outcome.

    ``score(value, bar)`` scores it (default :func:`at_least`, for a value in ``[0, 1]``; use
    :func:`at_least_count` for a count, or bounds with a ``lambda``).

    Examples
    --------
    >>> minimum("authors", 4, 10, "enough people", "too few people", score=at_least_count)
    Check(name='authors', ok=False, score=0.2857142857142857, line='too few people')
    """
    ok = value >= bar
    return Check(name, ok, (score or at_least)(value, bar), passed if ok else failed)


def maximum(name: str, value: float, bar: float, passed: str, failed: str) -> Check:
    """A check that a share ``value`` is at most ``bar``, scored by :func:`at_most`.

    Examples
    --------
    >>> maximum("spike", 0.8, 0.5, "spread out", "a one-day spike").line
    'a one-day spike'
    """
    ok = value <= bar
    return Check(name, ok, at_most(value, bar), passed if ok else failed)


def at_least_count(x: float, t: float) -> float:
    """Score of a count that should be at least ``t``: ``x / (x + t)``."""
    if t <= 0:
        return 1.0
    x = max(float(x), 0.0)
    return x / (x + t)


def at_least(x: float, t: float, lo: float = 0.0, hi: float = 1.0) -> float:
    """Score of a bounded value in ``[lo, hi]`` that should be at least ``t``; piecewise linear."""
    x = min(max(float(x), lo), hi)
    if x >= t:
        return 1.0 if t >= hi else 0.5 + 0.5 * (x - t) / (hi - t)
    return 0.0 if t <= lo else 0.5 * (x - lo) / (t - lo)


def at_most(p: float, t: float) -> float:
    """Score of a share in ``[0, 1]`` that should be at most ``t``; piecewise linear."""
    p = min(max(float(p), 0.0), 1.0)
    if p <= t:
        return 1.0 if t <= 0 else 1.0 - 0.5 * p / t
    return 0.0 if t >= 1 else 0.5 * (1.0 - p) / (1.0 - t)


def judged(items: Iterable[Check | str], bar: float, metrics: dict[str, Any], *,
           undecided: bool = False) -> Score:
    """The :class:`~nichefinder.results.Score` of a test from its checks and notes.

    The value is the weakest judged check (0.5 when none was judged); the evidence lists the
    failed checks, the others, then the notes (plain strings); a value below ``bar`` fails even
    when every check passes. ``undecided`` (and nothing failed) gives ``passed=None``.
    """
    items = list(items)
    checks = [c for c in items if isinstance(c, Check)]
    notes = [c for c in items if not isinstance(c, Check)]
    judged_ = [c for c in checks if c.ok is not None]
    value = min((c.score for c in judged_), default=0.5)
    value = float(min(max(value, 0.0), 1.0))
    failed = [c.line for c in judged_ if not c.ok]
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


def pct(x: float) -> str:
    """A share as a percentage; tiny non-zero shares read "<1%" rather than "0%"."""
    return "<1%" if 0 < x < 0.005 else f"{x:.0%}"


def plural(n: int, word: str) -> str:
    """``"1 week"``, ``"3 weeks"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
