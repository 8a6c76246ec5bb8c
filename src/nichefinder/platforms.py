"""Platforms: one table of the names people and exports give a social platform.

Rosters say "X" or "IG", exports "twitter/x", feeds list where their audience talks: every
stage compares platforms through :func:`canonical_platform`, so they agree on what counts as
the same platform.

Examples
--------
>>> canonical_platform(" X "), canonical_platform("Insta"), canonical_platform("Mastodon")
('twitter', 'instagram', 'mastodon')
"""

from __future__ import annotations

__all__ = ["PLATFORM_SYNONYMS", "TWITTER", "canonical_platform"]

TWITTER = "twitter"
"""Twitter/X, the short-form platform whose length limit a feed's notes warn about."""

PLATFORM_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ("x", "twitter/x", "x/twitter", "x (twitter)", "twitter (x)", "x.com"), TWITTER),
    "fb": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "linked in": "linkedin",
    "yt": "youtube",
}
"""Another name of a platform (lowercase) -> the platform's name."""


def canonical_platform(name) -> str:
    """The platform's name: lowercase, stripped, synonyms (:data:`PLATFORM_SYNONYMS`) resolved."""
    key = str(name).strip().lower()
    return PLATFORM_SYNONYMS.get(key, key)
