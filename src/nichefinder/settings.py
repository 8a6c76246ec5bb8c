"""Settings: frozen records of the numbers a stage reads, each value checked when it is made.

A stage declares its numbers as a frozen dataclass derived from :class:`Settings`, with
:func:`setting` fields: measuring (:class:`nichefinder.score.measure.MeasureSettings`), judging
(:class:`nichefinder.score.judge.VerdictThresholds`) and building feeds
(:class:`nichefinder.feeds.settings.FeedSettings`). The user sets all of them at once through
:class:`nichefinder.config.Thresholds`, which :func:`part` takes apart again.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Bars(Settings):
...     min_posts: int = setting(30)
...     max_share: float = setting(0.5, share=True)
>>> Bars().replace(min_posts=50).min_posts
50
>>> Bars(max_share=1.5)
Traceback (most recent call last):
...
nichefinder.exceptions.InputError: threshold max_share = 1.5 is a share; use a value between 0 and 1
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from typing import Any

from .exceptions import InputError

__all__ = ["Settings", "part", "setting"]


def setting(default, *, share: bool = False, positive: bool = False, after: str | None = None):
    """A field of a :class:`Settings` record.

    Parameters
    ----------
    default : int, float or bool
    share : bool, default False
        The value is a share: between 0 and 1.
    positive : bool, default False
        The value must be above 0 (every number must be at least 0).
    after : str, optional
        Where the setting is listed among all of them (configuration files, ``plan.json``): after
        this other setting. By default, after the settings of its own record.
    """
    return field(default=default, metadata={"share": share, "positive": positive,
                                            "after": after})


@dataclass(frozen=True)
class Settings:
    """Base of the settings records: checks, :meth:`replace` and :meth:`to_dict`."""

    def __post_init__(self) -> None:
        for f in fields(self):
            _check(f, getattr(self, f.name))

    def replace(self, **changes: Any):
        """A copy with some fields changed; unknown names raise :class:`InputError`."""
        check_names(type(self), changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict, in their order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def part(value, kind: type[Settings]) -> Settings:
    """The ``kind`` record in ``value``: ``value`` itself, the part of a combined record (one
    with a ``parts`` mapping, such as :class:`nichefinder.config.Thresholds`), or the defaults
    for ``None``."""
    if value is None:
        return kind()
    if isinstance(value, kind):
        return value
    parts = getattr(value, "parts", None)
    if parts is not None and kind in parts:
        return parts[kind]
    raise InputError(f"expected {kind.__name__} or Thresholds, not {type(value).__name__}")


def check_names(kind, values, path: str | None = None) -> None:
    """An :class:`InputError` naming the first of ``values`` that is no field of ``kind``."""
    known = [f.name for f in fields(kind)]
    unknown = sorted(set(map(str, values)) - set(known))
    if unknown:
        import difflib

        where = f" in {path}" if path else ""
        close = difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(
            f"unknown threshold {unknown[0]!r}{where}; {hint}valid thresholds are: "
            + ", ".join(known),
            path=path,
        )


def _check(f, value) -> None:
    _check_type(f.name, value, f.type)
    if isinstance(value, bool):
        return
    if value < 0:
        raise InputError(f"threshold {f.name} = {value!r} is negative; use a value >= 0")
    if f.metadata.get("share") and value > 1:
        raise InputError(
            f"threshold {f.name} = {value!r} is a share; use a value between 0 and 1"
        )
    if f.metadata.get("positive") and value <= 0:
        raise InputError(f"threshold {f.name} must be > 0, not {value!r}")


def _check_type(name: str, value: Any, declared) -> None:
    if not isinstance(declared, str):  # a class, where annotations are not postponed
        declared = getattr(declared, "__name__", str(declared))
    if declared == "bool":
        ok = isinstance(value, bool)
        want = "true or false"
    elif declared == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        want = "a whole number"
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        want = "a number"
    if not ok:
        raise InputError(
            f"threshold {name} = {value!r} has the wrong type ({type(value).__name__}); "
            f"use {want}"
        )
    if declared == "float" and isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"threshold {name} = {value!r} is not finite; use a number")
