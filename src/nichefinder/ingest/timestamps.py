"""Timestamps as people write them (ISO 8601, epoch seconds or milliseconds), parsed to UTC."""

from __future__ import annotations

import pandas as pd

__all__ = ["parse_timestamps"]


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Parse mixed timestamp strings (ISO 8601, epoch seconds or milliseconds) to UTC.

    Failures become NaT. Epoch numbers above 10^11 are taken as milliseconds (as Talkwalker and
    JavaScript write them): in seconds they would lie after the year 5000.
    """
    text = values.astype("string")
    numeric = pd.to_numeric(text, errors="coerce").astype("float64")
    numeric = numeric.where(numeric.abs() < 1e11, numeric / 1000)
    numeric = numeric.where(numeric.abs() < 9e9)  # beyond 2255: not a real post time
    parsed = _bounded(pd.to_datetime(text.where(numeric.isna()), errors="coerce", utc=True,
                                     format="mixed"))
    if not numeric.notna().any():
        return parsed
    epoch = pd.to_datetime(numeric, errors="coerce", unit="s", utc=True).dt.round("us")
    return parsed.fillna(_bounded(epoch))


def _bounded(stamps: pd.Series) -> pd.Series:
    """``datetime64[ns, UTC]``; times it cannot hold (before 1678, after 2261) become NaT."""
    lo, hi = pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")
    return stamps.where(stamps.notna() & (stamps > lo) & (stamps < hi)).astype(
        "datetime64[ns, UTC]")
