"""People and time of the synthetic audience: handles, who posts how often, when, to whom."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from .text import DATA

__all__ = [
    "FIRST_NAMES",
    "TS_FORMAT",
    "as_generator",
    "assign_authors",
    "choose",
    "make_handles",
    "pick_parent",
    "random_time",
]

TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""How timestamps are written: ISO 8601 UTC, such as ``2026-05-04T13:22:00Z``."""
_HOUR_WEIGHTS = np.array(
    [1, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 4, 4, 4, 4, 5, 4, 4, 4, 4, 5, 6, 6, 6, 5, 4, 2], float
)
FIRST_NAMES = DATA["first_names"]
_LAST = DATA["last_names"]
_STYLES = DATA["handle_styles"]


def as_generator(random_state) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from anything ``check_random_state`` accepts.

    A Generator is used as it is (so blocks called with one share its stream); a seed, a
    ``RandomState`` or ``None`` go through :func:`sklearn.utils.check_random_state` and seed
    a Generator from it.
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    state = check_random_state(random_state)
    return np.random.default_rng(int(state.randint(0, 2**31 - 1)))


def make_handles(n: int, rng: np.random.Generator) -> list[str]:
    handles: dict[str, None] = {}
    while len(handles) < n:
        style = _STYLES[int(rng.integers(len(_STYLES)))]
        handle = "@" + style.format(
            f=FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))],
            l=_LAST[int(rng.integers(len(_LAST)))],
            n=int(rng.integers(1, 99)),
        )
        handles.setdefault(handle)
    return list(handles)


def assign_authors(n_posts: int, pool: Sequence[str], rng: np.random.Generator) -> list[str]:
    """Every handle posts at least once (when there is room); the rest is Zipf-skewed."""
    pool = list(pool)
    first = list(rng.permutation(pool))[:n_posts]
    weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
    order = rng.permutation(len(pool))
    extra = [pool[order[j]] for j in rng.choice(len(pool), n_posts - len(first),
                                                 p=weights / weights.sum())]
    out = first + extra
    return [str(a) for a in rng.permutation(out)]


def random_time(t0: pd.Timestamp, days: float, rng: np.random.Generator) -> pd.Timestamp:
    day = int(rng.integers(0, max(1, int(days))))
    hour = int(rng.choice(24, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()))
    minute = int(rng.integers(60))
    return t0 + pd.Timedelta(days=day, hours=hour, minutes=minute)


def pick_parent(rows: list[dict], author: str, end: pd.Timestamp, rng: np.random.Generator):
    """An earlier post by someone else with at least two minutes left before ``end``."""
    recent = rows[-60:]
    for _ in range(5):
        parent = recent[int(rng.integers(len(recent)))]
        if parent["author"] != author and (end - parent["_time"]) > pd.Timedelta(minutes=2):
            return parent
    return None


def choose(weights: dict[str, float], rng: np.random.Generator) -> str:
    names = list(weights)
    p = np.array([weights[k] for k in names], float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]
