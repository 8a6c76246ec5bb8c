"""Roles: who leads and who backs up a feed, their reasons, mentors, and the staffing gaps.

The person with most hours on a feed is its lead (ties: lead fit, then roster order); the others
are backups. A lead or backup who is not active on social gets a socially active colleague as
``"mentor"`` (:data:`MENTOR_HOURS` a week from spare hours; someone already on the feed first).
Unstaffed hours, missing backups, departments absent from the roster and weak best fits become
notes that name the need as a hiring or training need.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..results import Feed, StaffRole
from .fit import expertise_matches, platform_overlap
from .flow import fmt, hours_of, units
from .intents import INTENTS
from .roster import split_platforms

__all__ = ["MENTOR_HOURS", "make_role", "mentors", "need_of", "nothing_message", "role_reasons",
           "shortfall"]

MENTOR_HOURS = 0.5
"""Hours a week a mentor spends per person mentored."""


def make_role(person, role: str, hours: float, reasons) -> StaffRole:
    week = float(person.hours_per_week)
    return StaffRole(
        name=str(person["name"]),
        department=str(person.department),
        role=role,
        hours_per_week=hours,
        share_of_week=round(hours / week, 6) if week > 0 else 0.0,
        reasons=tuple(reasons),
    )


def role_reasons(person, role, why, feed, counts, fit_value) -> list[str]:
    reasons = []
    for name, share, how in sorted((w for w in why if w[1] >= 0.05), key=lambda w: -w[1])[:2]:
        label = INTENTS[name].label
        if how == "expertise covers":
            reasons.append(f"expertise covers {label} ({share:.0%} of posts)")
        else:
            reasons.append(f"{person.department} {how} {label} ({share:.0%} of posts)")
    matches = expertise_matches(person, counts)
    if matches:
        reasons.append("expertise matches: " + ", ".join(matches))
    on = [p for p in split_platforms(list(feed.platforms)) if p in set(person.platforms)]
    if person.social_active:
        posts = person.posts_per_month
        how_much = f" ({posts:g} posts a month)" if not pd.isna(posts) else ""
        where = f" on {', '.join(on)}" if on else " on social"
        reasons.append(f"active{where}{how_much}")
    elif on:
        reasons.append(f"uses {', '.join(on)}")
    reasons.append(f"{role} fit {fit_value:.2f}")
    return reasons


def mentors(f, feed, people, roles, carried, capacity, used, mentor_used, feed_notes):
    """Mentor roles for the feed's people who are not active on social."""
    mentees = [r for r in roles if not bool(people.social_active[_row_of(people, r.name)])]
    if not mentees:
        return []
    need = units(MENTOR_HOURS)
    by_mentor: dict[int, list[str]] = {}
    for mentee in mentees:
        m = _row_of(people, mentee.name)
        candidates = []
        for p in range(len(people)):
            if p == m or not people.social_active[p]:
                continue
            spare = capacity[p] - used[p] - mentor_used[p]
            on_feed = p in carried
            if spare < need:
                continue
            candidates.append((
                not on_feed,
                people.department[p] != people.department[m],
                -platform_overlap(feed.platforms, people.platforms[p]),
                -spare,
                p,
            ))
        if not candidates:
            feed_notes.append(
                f"training need: {mentee.name} is new to social and no socially active "
                f"colleague has {MENTOR_HOURS:g} h/week free to mentor them"
            )
            continue
        p = min(candidates)[-1]
        mentor_used[p] += need
        by_mentor.setdefault(p, []).append(mentee.name)
    out = []
    for p, names in by_mentor.items():
        person = people.iloc[p]
        hours = MENTOR_HOURS * len(names)
        reasons = [f"mentors {n}, who is new to social" for n in names]
        on = [q for q in split_platforms(list(feed.platforms)) if q in set(person.platforms)]
        reasons.append(f"active on {', '.join(on)}" if on else "active on social")
        out.append(make_role(person, "mentor", hours, reasons))
    return out


def _row_of(people: pd.DataFrame, name: str) -> int:
    return int(np.flatnonzero(people["name"].to_numpy() == name)[0])


def need_of(intent: str | None, feed: Feed) -> str:
    if intent is None or not INTENTS[intent].departments:
        if feed.keywords:
            return f"who knows {', '.join(feed.keywords[:3])}"
        return "who knows what this audience talks about"
    return f"in {INTENTS[intent].departments[0]} for {INTENTS[intent].label}"


def shortfall(feed, main, need_h, got_h, people, capacity, used, mentor_used, fit_row, min_fit):
    if main is not None and INTENTS[main].departments:
        owner = INTENTS[main].departments[0]
        mask = (people["department"] == owner).to_numpy()
        label = INTENTS[main].label.split(" ")[0]
        if mask.any():
            total = hours_of(int(capacity[mask].sum()))
            left = hours_of(int((capacity - used - mentor_used)[mask].clip(min=0).sum()))
            who = f"{owner} staff have {fmt(total)} h/week in all, {fmt(left)} h left"
        else:
            who = f"nobody in {owner} is on the roster"
        head = f"no one with {label} expertise has hours left"
    else:
        suited = fit_row >= min_fit
        left = hours_of(int((capacity - used - mentor_used)[suited].clip(min=0).sum()))
        head, who = "not enough hours on the roster", f"suited staff have {fmt(left)} h left"
    if got_h == 0:
        return (f"not staffed: {head}: {feed.name!r} needs {fmt(need_h)} h/week, {who}; "
                "hire or free up hours")
    return (f"understaffed: {head}: {feed.name!r} needs {fmt(need_h)} h/week, only "
            f"{fmt(got_h)} h could be staffed, {who}; hire or free up hours")


def nothing_message(feeds, people, capacity, min_fit) -> str:
    need = sum(f.hours_per_week for f in feeds)
    have = hours_of(int(capacity.sum()))
    return (f"no feed could be staffed: {len(feeds)} feed(s) need {need:.1f} h/week; the "
            f"{len(people)} people on the roster have {have:.1f} h/week, and none with hours "
            f"fits a feed at {min_fit} or better; add people or hours to the roster")
