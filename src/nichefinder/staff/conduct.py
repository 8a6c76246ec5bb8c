"""Codes of conduct: short rules for whoever posts on a feed, from its intents and platforms.

Staff from accounts, dispatch or HR know their subject but may be new to answering in public. The
code tells them, in a few lines, what they may say, what never goes on a public timeline, and
when to hand a post to someone else. Rules are chosen by the feed's intents (an intent with at
least ``min_share`` of the posts) and by its platforms; nothing is model-generated.

Examples
--------
>>> from nichefinder.results import Feed
>>> feed = Feed(id=0, name="Billing & refunds", groups=(0,), platforms=("twitter",),
...             posts_per_week=40.0, hours_per_week=5.0)
>>> code = code_of_conduct(feed, {"billing": 0.7, "complaint": 0.3}, ("twitter",))
>>> any("card numbers" in rule for rule in code)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..platforms import canonical_platform
from ..results import Feed
from .intents import INTENTS, OTHER

__all__ = ["INTENT_RULES", "PLATFORM_RULES", "code_of_conduct"]

GENERAL_RULES = (
    "Write as yourself and sign with your first name; be courteous, plain and honest, even when "
    "a post is hostile.",
    "Never argue in public: acknowledge the post, then move anything personal (names, order or "
    "account numbers, addresses) to a direct message.",
    "Reply within one working day; if you cannot answer yet, say when you will.",
)

INTENT_RULES: dict[str, str] = {name: i.rule for name, i in INTENTS.items() if i.rule}
"""Intent -> the rule staff follow on feeds where that intent is common (:attr:`Intent.rule`)."""

PLATFORM_RULES: dict[str, str] = {
    "twitter": "Twitter/X: replies are limited to 280 characters; move long answers to a direct "
    "message or a help-page link rather than long threads.",
    "facebook": "Facebook: reply in the comment thread, take personal matters to Messenger; hide "
    "abusive comments per policy rather than deleting criticism.",
    "instagram": "Instagram: keep comment replies short and take anything personal to DM; don't "
    "answer only in stories, which disappear.",
    "reddit": "Reddit: say you work for the company in every reply, follow each subreddit's "
    "rules, and never vote on or astroturf threads.",
    "linkedin": "LinkedIn: professional tone; no customer cases in public comments.",
    "tiktok": "TikTok: reply briefly in comments or with a video reply; never show customer data "
    "on screen.",
    "youtube": "YouTube: pin corrections rather than editing history; take support to a help link.",
    "forum": "Forums: follow the moderators' rules and mark answers that solved the problem.",
}
"""Platform -> its rule; other platforms get a generic reminder of their limits and rules."""

def _escalation(intents: Mapping[str, float], min_share: float) -> str:
    owners = []
    for name, share in intents.items():
        if name == OTHER or share < min_share or name not in INTENTS:
            continue
        departments = INTENTS[name].departments
        if departments and departments[0] not in [d for _, d in owners]:
            owners.append((INTENTS[name].label, departments[0]))
    routes = "; ".join(f"{label} to {_department_name(dept)}" for label, dept in owners)
    lead = f"Escalate what you cannot answer within a day: {routes}; " if routes else (
        "Escalate what you cannot answer within a day to the feed lead; "
    )
    return lead + "reputation risk (press, a post going viral) to PR; threats or legal claims " \
        "to legal, without replying first."


def _department_name(dept: str) -> str:
    return {"pr": "PR", "hr": "HR"}.get(dept, dept)


def code_of_conduct(
    feed: Feed,
    intents: Mapping[str, float] | None = None,
    platforms: Sequence[str] | None = None,
    *,
    min_share: float = 0.05,
) -> tuple[str, ...]:
    """A short code of conduct for one feed.

    Parameters
    ----------
    feed : Feed
        The feed; its ``intents`` and ``platforms`` are used when the arguments are not given.
    intents : mapping of str to float, optional
        Share of the feed's posts by intent (see :func:`nichefinder.intents.intent_shares`).
    platforms : sequence of str, optional
        Where the feed posts, most used first.
    min_share : float, default 0.05
        Intents below this share of posts add no rule of their own.

    Returns
    -------
    tuple of str
        General rules, then one rule per common intent (largest share first), one per platform,
        and the escalation rule last.

    Examples
    --------
    >>> from nichefinder.results import Feed
    >>> feed = Feed(id=1, name="Jobs", groups=(1,), platforms=("linkedin",),
    ...             posts_per_week=5.0, hours_per_week=1.0)
    >>> code_of_conduct(feed, {"careers": 1.0})[3][:36]
    'Careers: no comments on individual c'
    """
    intents = dict(feed.intents if intents is None else intents)
    platforms = tuple(feed.platforms if platforms is None else platforms)
    rules = list(GENERAL_RULES)
    order = list(INTENTS)
    ranked = sorted(intents, key=lambda n: (-intents[n], order.index(n) if n in order else 99))
    for name in ranked:
        if intents[name] >= min_share and name in INTENT_RULES:
            rules.append(INTENT_RULES[name])
    seen = set()
    for platform in platforms:
        key = canonical_platform(platform)
        if not key or key in seen:
            continue
        seen.add(key)
        rules.append(
            PLATFORM_RULES.get(
                key, f"{platform}: follow its community rules and length limits; take anything "
                "personal to a private channel."
            )
        )
    rules.append(_escalation({n: intents[n] for n in ranked}, min_share))
    return tuple(rules)
