"""Sections: the proposal's content in plain words, computed from a plan.

What :func:`nichefinder.report.render_html` (and the PDF) shows beyond the plan's own fields:
the period covered, when each feed's audience talks (a weekday x hour table and a suggested
posting and staffing window), why each platform (its limits and tone), the audience's wants in
words, measurable goals per feed, the team with hours and FTE, a rollout in phases, and each
group without a feed in one plain sentence. Statistics stay in the appendix.

Examples
--------
>>> in_words(0.62), in_words(0.3), in_words(0.12), in_words(0.04)
('most', 'about a third', 'some', 'a few')
>>> fte(7.5)
'0.2'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..platforms import canonical_platform
from ..results import NOISE, Plan
from .formats import hours, plural

__all__ = [
    "FULL_TIME_HOURS",
    "PLATFORM_GUIDE",
    "Window",
    "feed_times",
    "fte",
    "goals",
    "in_words",
    "period",
    "period_text",
    "plain_notes",
    "plain_reason",
    "plain_staff_reasons",
    "platform_lines",
    "posting_window",
    "rollout",
    "team",
    "wants",
]

FULL_TIME_HOURS = 37.5
"""Hours a week of one full-time person (FTE = hours / this)."""

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

WINDOW_HOURS = 4
"""Length of the suggested daily posting and staffing window."""


@dataclass(frozen=True)
class Guide:
    """One platform: its display name, what limits a reply there, and the tone that fits it."""

    name: str
    limits: str
    tone: str


PLATFORM_GUIDE = {
    "twitter": Guide("X (Twitter)", "280 characters a post; public by default; threads and DMs "
                     "for anything longer", "short, quick and human; answer in public, then take "
                     "details to a direct message"),
    "facebook": Guide("Facebook", "long posts and comment threads; Messenger for private "
                      "matters", "warm and helpful, like a neighbour; reply in the thread so "
                      "others see the answer"),
    "instagram": Guide("Instagram", "image or video first; captions up to 2,200 characters; no "
                       "links in captions", "visual and friendly; show rather than tell, keep "
                       "comment replies short"),
    "reddit": Guide("Reddit", "each community's own rules; self-promotion is frowned upon",
                    "plain, expert and transparent: say who you work for, answer in full, "
                    "never sound like an advert"),
    "linkedin": Guide("LinkedIn", "professional network; 3,000 characters a post",
                      "professional and specific; credit people and results"),
    "youtube": Guide("YouTube", "comments under videos; replies can be pinned",
                     "friendly and practical; pin the answer to a common question"),
    "tiktok": Guide("TikTok", "short video first; 2,200-character captions",
                    "light, quick and personal; answer with a short video"),
    "mastodon": Guide("Mastodon", "500 characters a post on most servers; each server's rules",
                      "community-minded and plain; no hard selling"),
}
"""Limits and tone of the platforms nichefinder knows; others get a generic line."""


def in_words(share: float) -> str:
    """A share as words a client reads: "most", "about half", "some", "a few"."""
    for bound, words in ((0.55, "most"), (0.4, "about half"), (0.25, "about a third"),
                         (0.1, "some"), (0.0, "a few")):
        if share >= bound and share > 0:
            return words
    return "none"


def fte(hours_per_week: float) -> str:
    """Full-time equivalents of ``hours_per_week``, one or two decimals."""
    value = hours_per_week / FULL_TIME_HOURS
    return f"{value:.2f}".rstrip("0").rstrip(".") if value < 0.1 else f"{value:.1f}"


def period(plan: Plan) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last post time (UTC) of the plan's posts, or ``None`` without timestamps."""
    pts = plan.points
    if pts is None or "timestamp" not in pts:
        return None
    ts = pd.to_datetime(pts["timestamp"], utc=True, errors="coerce").dropna()
    return (ts.min(), ts.max()) if len(ts) else None


def period_text(plan: Plan) -> str:
    """The period covered in words: "1 May to 31 August 2026" (empty without timestamps)."""
    span = period(plan)
    if span is None:
        return ""
    first, last = span
    start = f"{first.day} {first:%B}" + ("" if first.year == last.year else f" {first.year}")
    return f"{start} to {last.day} {last:%B %Y}"


def feed_times(plan: Plan) -> dict[int, np.ndarray]:
    """Each feed's posts by weekday (rows, Monday first) and hour (columns, UTC): 7 x 24."""
    pts = plan.points
    if pts is None or "timestamp" not in pts or "feed" not in pts:
        return {}
    ts = pd.to_datetime(pts["timestamp"], utc=True, errors="coerce")
    ok = ts.notna() & pts["feed"].notna() & (pts["group"] != NOISE)
    out = {}
    feeds = pts.loc[ok, "feed"].astype(int).to_numpy()
    days, hrs = ts[ok].dt.day_of_week.to_numpy(), ts[ok].dt.hour.to_numpy()
    for f in plan.feeds:
        table = np.zeros((7, 24), dtype=np.int64)
        mine = feeds == f.id
        np.add.at(table, (days[mine], hrs[mine]), 1)
        out[f.id] = table
    return out


@dataclass(frozen=True)
class Window:
    """A suggested posting and staffing window: which days, from which hour, for how long."""

    days: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.days}, {self.start:02d}:00 to {self.end % 24:02d}:00 (UTC)"


def posting_window(table: np.ndarray, length: int = WINDOW_HOURS) -> Window | None:
    """The ``length``-hour block of the day with the most posts, and the days that are busy.

    Examples
    --------
    >>> t = np.zeros((7, 24), int); t[:5, 18:21] = 5; t[5:, 10] = 1
    >>> str(posting_window(t))
    'Monday to Friday, 17:00 to 21:00 (UTC)'
    """
    if table is None or table.sum() == 0:
        return None
    by_hour = table.sum(axis=0)
    wrapped = np.concatenate([by_hour, by_hour[:length - 1]])
    sums = np.convolve(wrapped, np.ones(length, dtype=np.int64), mode="valid")[:24]
    # the earliest of equally busy blocks: staff are there before the busiest hour
    start = int(np.flatnonzero(sums == sums.max())[0])
    by_day = table.sum(axis=1)
    busy = [d for d in range(7) if by_day[d] >= 0.8 * by_day.mean()]
    return Window(_days_text(busy), start, start + length)


def _days_text(days: list[int]) -> str:
    """Weekday numbers as words: "Every day", "Monday to Friday", "Tuesday, Thursday"."""
    if len(days) == 7:
        return "Every day"
    if days and days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{DAYS[days[0]]} to {DAYS[days[-1]]}"
    if len(days) >= 5:
        return "Every day but " + " and ".join(DAYS[d] for d in range(7) if d not in days)
    return ", ".join(DAYS[d] for d in days)


def wants(feed) -> str:
    """What the feed's audience wants, in words, from its intents ("other posts" is the general
    talk about its keywords).

    Examples
    --------
    >>> from nichefinder.results import Feed
    >>> wants(Feed(0, "Refunds", (0,), (), 1.0, 1.0, {"billing": 0.6, "complaint": 0.2},
    ...            ("refund", "card")))
    'Most posts are billing and refund questions, with some complaints and support requests.'
    """
    from ..staff.intents import INTENTS

    named = sorted(((share, name) for name, share in feed.intents.items()
                    if name in INTENTS and name != "other" and share >= 0.05),
                   key=lambda x: (-x[0], x[1]))
    topics = _listed(list(feed.keywords[:3]))
    parts = [f"{in_words(share)} {INTENTS[name].label}" for share, name in named[:3]]
    if not parts:
        return f"General talk about {topics}." if topics else "General talk."
    if feed.intents.get("other", 0.0) >= named[0][0]:
        return f"Mostly general talk about {topics}, with {_listed(parts)}."
    first, rest = named[0], parts[1:]
    lead = f"{in_words(first[0]).capitalize()} posts are {INTENTS[first[1]].label}"
    return lead + (f", with {_listed(rest)}." if rest else ".")


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] \
        if items else ""


def platform_lines(feed, group_platforms: dict[str, int]) -> list[dict[str, str]]:
    """Each platform of the feed: its name, the audience's share there in words, limits, tone."""
    total = sum(group_platforms.values())
    lines = []
    for name in feed.platforms:
        key = canonical_platform(name)
        guide = PLATFORM_GUIDE.get(key, Guide(name.title(), "the platform's own rules and length "
                                                "limits", "plain, helpful and human"))
        count = sum(c for p, c in group_platforms.items() if canonical_platform(p) == key)
        share = count / total if total else 0.0
        lines.append({"name": guide.name, "share": in_words(share),
                      "width": f"{max(share, 0.02) * 100:.0f}", "limits": guide.limits,
                      "tone": guide.tone})
    return lines


def plain_notes(notes) -> list[str]:
    """A feed's notes for its section: the platform warning in words; notes with figures (or
    about which groups it serves) are left to the appendix."""
    out = []
    for note in notes:
        if "Twitter/X" in note:
            out.append("Answers here are often longer than X (Twitter) allows: link to a help "
                       "page, take it to a direct message, or add a platform for long answers.")
        elif not re.search(r"\d", note) and not note.startswith("serves group"):
            out.append(note)
    return out


_NUMBERS = re.compile(r"\s*\([^)]*\d[^)]*\)|\b(?:lead|backup|mentor) fit [\d.]+")


def plain_staff_reasons(reasons) -> str:
    """A person's reasons without figures ("lead fit 0.81", "(13% of posts)")."""
    kept = [_NUMBERS.sub("", r).strip() for r in reasons]
    return "; ".join(r for r in kept if r)


def goals(feed, window: Window | None) -> list[str]:
    """Two or three measurable goals for the feed's first quarter."""
    twitter_only = bool(feed.platforms) and all(
        canonical_platform(p) == "twitter" for p in feed.platforms)
    reply = "within 1 hour" if twitter_only else "within 4 working hours"
    when = " in the posting window" if window else ""
    out = [f"Reply to every question {reply}{when}, and within one working day at most.",
           "Answer at least 9 in 10 questions in the feed itself, without sending people "
           "elsewhere."]
    main = max(feed.intents.items(), key=lambda kv: (kv[1], kv[0]))[0] if feed.intents else ""
    out.append({
        "complaint": "Move every complaint to a private channel within the first reply, and "
                     "close it within two working days.",
        "billing": "Resolve every billing or refund question within two working days, never "
                   "discussing account details in public.",
        "buying_question": "Point every buying question to the right product, and count how "
                           "many of those conversations lead to a sale.",
        "delivery": "Give every delivery question a tracking answer in the first reply.",
        "careers": "Answer every applicant, and tell each one when they will hear back.",
    }.get(main, f"Grow the number of people who post in the feed each month beyond the first "
                f"month's ({plural(int(round(feed.posts_per_week * 4)), 'post')} a month "
                "expected)."))
    return out


def team(plan: Plan) -> tuple[list[dict], list[dict]]:
    """Hours and FTE per person (with their roles) and per department, most hours first."""
    people: dict[tuple[str, str], dict] = {}
    for f in plan.feeds:
        for r in f.staff:
            row = people.setdefault((r.name, r.department), {
                "name": r.name, "department": r.department, "hours": 0.0, "roles": []})
            row["hours"] += r.hours_per_week
            row["roles"].append(f"{r.role} on {f.name}")
    rows = sorted(people.values(), key=lambda r: (-r["hours"], r["name"]))
    departments: dict[str, dict] = {}
    for r in rows:
        d = departments.setdefault(r["department"], {"department": r["department"],
                                                     "hours": 0.0, "people": 0})
        d["hours"] += r["hours"]
        d["people"] += 1
    for r in rows + list(departments.values()):
        r["hours_text"], r["fte"] = hours(r["hours"]), fte(r["hours"])
    return rows, sorted(departments.values(), key=lambda d: (-d["hours"], d["department"]))


def rollout(plan: Plan) -> list[dict]:
    """Phases: first the feeds whose people are already active on social, then the feeds whose
    people get a mentor, then the review."""
    ready = [f for f in plan.feeds if f.staff and not any(r.role == "mentor" for r in f.staff)]
    mentored = [f for f in plan.feeds if any(r.role == "mentor" for r in f.staff)]
    unstaffed = [f for f in plan.feeds if not f.staff]
    phases = []
    if ready:
        phases.append({"title": "Weeks 1 to 2: start with the people already on social",
                       "text": "Open " + _names(ready) + ". Their leads and backups already "
                       "talk with customers on these platforms: they set the tone and become "
                       "the mentors of the next phase."})
    if mentored:
        pairs = [f"{r.name} (mentor on {f.name})" for f in mentored for r in f.staff
                 if r.role == "mentor"]
        phases.append({"title": "Weeks 3 to 6: pair the experts with a mentor",
                       "text": "Open " + _names(mentored) + ". The experts who are new to social "
                       "are empowered, supported and mentored, not trained: each works beside "
                       "a colleague already active there, " + ", ".join(pairs) + "."})
    if unstaffed:
        phases.append({"title": "Before opening: find the people",
                       "text": _names(unstaffed) + " still need a lead and a backup: give the "
                       "plan a staff roster, or hire."})
    phases.append({"title": "Week 8 onwards: review",
                   "text": "Check each feed against its goals, place the new conversations in "
                   "the plan every week (nichefinder update) and re-plan when a new audience "
                   "forms or one fades."})
    return phases


def _names(feeds) -> str:
    names = [f"“{f.name}”" for f in feeds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


_FAILED = {
    "identifiable": "its posts do not share one clear topic people would recognise",
    "substantial": "too few people or posts to keep a feed busy",
    "genuine": "it does not look like real people talking: a few accounts, repeated posts, "
               "a campaign or a one-day spike",
}


def plain_reason(group, feeds) -> str:
    """Why a group has no feed of its own, in one plain sentence."""
    if group.verdict == "merged" and group.feed is not None:
        feed = next((f for f in feeds if f.id == group.feed), None)
        name = f"“{feed.name}”" if feed is not None else "another feed"
        return f"Served by {name}: the same audience, or too small to stand alone."
    failed = [t for t, s in group.scores.items() if s.passed is False and t in _FAILED]
    if not failed:
        return "Not served: it could not be judged on this data."
    why = [_FAILED[t] for t in failed]
    return "No feed: " + "; and ".join(why) + "."
