"""Staffing: people from the whole business to feeds, under each person's hours.

Social media fails when it is handed to marketing alone or to an intern. Each feed is staffed by
whoever owns what its audience asks: customer service for complaints, accounts for billing (it
might well be Bob from accounts), dispatch for deliveries, HR for careers, product for how-to,
sales for buying questions and referrals, PR for reputation and news, marketing for launches.

How it works
------------
1. **Intents** of each feed: :func:`feed_intents`, over a seeded sample of its posts
   (``feed.intents`` when already set).
2. **Fit** of every person to every feed (:mod:`nichefinder.staff.fit`).
3. **Assignment** by min-cost flow in half-hour units (:mod:`nichefinder.staff.flow`): each
   feed's workload (``feed.hours_per_week``) is split 60% lead, 40% backup (:data:`LEAD_SHARE`).
4. **Roles, mentoring and gaps** (:mod:`nichefinder.staff.roles`).

Examples
--------
>>> staff = load_staff("sample_data/staff.csv")                       # doctest: +SKIP
>>> result = assign_staff(feeds, staff, feed_texts, random_state=0)  # doctest: +SKIP
>>> staffing_table(result)                                          # doctest: +SKIP

(:func:`assign_staff` and :func:`staffing_table` have examples that run.)
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..embed import embed_function
from ..exceptions import InputError, StaffingError
from ..results import Feed, StaffRole
from .conduct import code_of_conduct
from .fit import feed_document, person_fit, tokens
from .flow import fmt, hours_of, solve_flow, units
from .intents import INTENTS, OTHER, intent_shares
from .roles import make_role, mentors, need_of, nothing_message, role_reasons, shortfall
from .roster import load_staff

__all__ = [
    "LEAD_SHARE",
    "MIN_FIT",
    "STAFFING_NOTE",
    "WEAK_FIT",
    "Staffing",
    "assign_staff",
    "feed_intents",
    "staffing_table",
]

log = logging.getLogger(__name__)

LEAD_SHARE = 0.6
"""Share of a feed's workload the lead carries; backups carry the rest."""
MIN_FIT = 0.05
"""A person below this fit is not offered a feed at all."""
WEAK_FIT = 0.35
"""A lead below this fit is a training or hiring need."""
MIN_MAIN_SHARE = 0.2
"""A feed's main intent (the largest besides ``"other"``) must have this share of its posts for
its owning department's absence to be reported as a hiring need."""
STAFFING_NOTE = "staffing: "
"""Prefix of the notes this stage adds to a feed, so that re-staffing can replace them."""
_MAX_POSTS = 200
"""Posts per feed used for intents and the expertise match (a seeded sample beyond this)."""


@dataclass(frozen=True)
class Staffing:
    """Feeds with their staff, and what could not be staffed.

    Attributes
    ----------
    feeds : tuple of Feed
        The feeds with ``intents``, ``staff``, ``code_of_conduct`` and ``notes`` filled in.
    notes : tuple of str
        Plan-wide staffing notes: hiring and training needs, infeasibilities.
    fit : pandas.DataFrame
        One row per (feed, person): ``feed``, ``feed_name``, ``name``, ``department``,
        ``capacity_hours``, ``fit`` (backup fit) and ``lead_fit``, the components ``domain``,
        ``expertise``, ``platforms``, ``social``, and ``hours`` given on that feed.
    """

    feeds: tuple[Feed, ...]
    notes: tuple[str, ...] = ()
    fit: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """Hours per person across feeds (see :func:`staffing_table`)."""
        return staffing_table(self)


def feed_intents(feeds: Sequence[Feed], feed_texts: Mapping[int, Sequence[str]] | None = None,
                 *, embedder=None, random_state=None) -> tuple[list[list[str]], list[dict]]:
    """A seeded sample of each feed's posts, and the share of its posts by intent.

    Parameters
    ----------
    feeds : sequence of Feed
        A feed whose ``intents`` are set keeps them.
    feed_texts : mapping of int to list of str, optional
        Feed id -> its posts (or a sample of them); at most 200 are kept, drawn from
        ``random_state``.
    embedder : callable or object with ``embed``, optional
        For the posts no lexicon matches (:func:`nichefinder.staff.intents.detect_intents`).
    random_state : int, RandomState or None

    Returns
    -------
    texts : list of list of str
        The sample of each feed's posts, in feed order.
    shares : list of dict
        Intent shares of each feed (of its name and keywords when it has no posts).

    Examples
    --------
    >>> feed = Feed(id=0, name="Parcels", groups=(0,), platforms=(), posts_per_week=9.0,
    ...             hours_per_week=1.0)
    >>> feed_intents([feed], {0: ["where is my parcel", "refund please"]})[1]
    [{'billing': 0.5, 'delivery': 0.5}]
    """
    rng = check_random_state(random_state)
    embed = embed_function(embedder)
    feed_texts = dict(feed_texts or {})
    texts, shares = [], []
    for feed in feeds:
        t = [str(x) for x in feed_texts.get(feed.id, [])]
        if len(t) > _MAX_POSTS:
            t = [t[i] for i in sorted(rng.choice(len(t), _MAX_POSTS, replace=False))]
        texts.append(t)
        if feed.intents:
            shares.append(dict(feed.intents))
        elif t:
            shares.append(intent_shares(t, embedder=embed))
        else:
            shares.append(intent_shares([" ".join([feed.name, *feed.keywords])], embedder=embed))
    return texts, shares


def assign_staff(
    feeds: Sequence[Feed],
    staff,
    feed_texts: Mapping[int, Sequence[str]] | None = None,
    *,
    embedder=None,
    random_state=None,
    strict: bool = False,
    lead_share: float = LEAD_SHARE,
    min_fit: float = MIN_FIT,
    weak_fit: float = WEAK_FIT,
) -> Staffing:
    """Staff each feed from the whole business by min-cost flow.

    Parameters
    ----------
    feeds : sequence of Feed
        The feeds; ``hours_per_week`` is each feed's workload, ``keywords``, ``name`` and
        ``platforms`` describe it. ``intents`` is used when set, else detected from the posts.
    staff : DataFrame or path
        Roster from :func:`load_staff` (a path or raw table is loaded with it).
    feed_texts : mapping of int to list of str, optional
        Feed id -> a sample of that feed's posts.
    embedder : callable or object with ``embed``, optional
        ``list[str] -> ndarray`` of normalised vectors, for intents and expertise matching;
        without it the lexicons and TF-IDF are used.
    random_state : int, RandomState or None
        Seeds the sample of posts when a feed has more than 200; ties are broken by roster order.
    strict : bool, default False
        Raise :class:`~nichefinder.exceptions.StaffingError` when no feed can be staffed at all
        (instead of returning unstaffed feeds with notes).
    lead_share : float, default 0.6
        Share of each feed's workload planned for its lead; backups share the rest.
    min_fit : float, default 0.05
        People below this fit are not put on a feed.
    weak_fit : float, default 0.35
        A lead below this fit is reported as a training or hiring need.

    Returns
    -------
    Staffing

    Examples
    --------
    >>> from nichefinder.results import Feed
    >>> import pandas as pd
    >>> staff = load_staff(pd.DataFrame({
    ...     "name": ["Bob", "Ann", "Cy"], "department": ["Accounts", "Support", "Marketing"],
    ...     "expertise": ["refunds, invoices", "complaints", "campaigns"],
    ...     "social_active": ["no", "yes", "yes"]}))
    >>> feed = Feed(id=0, name="Billing & refunds", groups=(0,), platforms=("twitter",),
    ...             posts_per_week=40.0, hours_per_week=3.0, keywords=("refund", "invoice"))
    >>> result = assign_staff([feed], staff, {0: ["where is my refund", "invoice wrong"]})
    >>> [(r.name, r.role, r.hours_per_week) for r in result.feeds[0].staff]
    [('Bob', 'lead', 2.0), ('Ann', 'backup', 1.0), ('Ann', 'mentor', 0.5)]
    """
    if not (0.5 <= lead_share < 1.0):
        raise InputError(f"lead_share {lead_share} must be at least 0.5 and below 1")
    if not (isinstance(staff, pd.DataFrame) and "nichefinder_roster" in staff.attrs):
        staff = load_staff(staff)
    feeds = list(feeds)
    embed = embed_function(embedder)
    people = staff.reset_index(drop=True)
    if not feeds:
        return Staffing(feeds=(), notes=(), fit=pd.DataFrame())
    texts, shares = feed_intents(feeds, feed_texts, embedder=embed, random_state=random_state)
    fit, lead_fit, domain_why, fit_frame = person_fit(feeds, people, shares, texts, embed)
    capacity = np.array([units(h) for h in people["hours_per_week"]], dtype=int)
    demand = [max(2, units(feed.hours_per_week)) if feed.hours_per_week > 0 else 0
              for feed in feeds]
    lead_units = [min(max(1, int(round(lead_share * d))), d - 1) if d else 0 for d in demand]
    back_units = [d - lu for d, lu in zip(demand, lead_units, strict=True)]
    flow = solve_flow(feeds, people, fit, lead_fit, capacity, demand, lead_units, back_units,
                      min_fit)  # flow[f][p] = (lead units, backup units)
    used = np.zeros(len(people), dtype=int)
    for carried in flow:
        for p, (lu, bu) in carried.items():
            used[p] += lu + bu
    run = _Run(people, fit, lead_fit, domain_why, capacity, used,
               np.zeros(len(people), dtype=int), set(people["department"]), weak_fit, min_fit)
    out_feeds, notes = [], []
    for f, feed in enumerate(feeds):
        staffed, feed_notes = _staff_feed(run, f, feed, shares[f], texts[f], flow[f],
                                          demand[f], lead_units[f], back_units[f])
        out_feeds.append(staffed)
        notes.extend(f"{feed.name}: {n}" for n in feed_notes if not n.startswith("lead "))
    n_staffed = sum(1 for carried in flow if carried)
    if n_staffed == 0:
        message = nothing_message(feeds, people, capacity, min_fit)
        if strict:
            raise StaffingError(message)
        notes.insert(0, message)
    fit_frame["hours"] = [hours_of(sum(flow[f].get(p, (0, 0))))
                          for f in range(len(feeds)) for p in range(len(people))]
    log.info("staffed %d of %d feeds from %d people", n_staffed, len(feeds), len(people))
    return Staffing(feeds=tuple(out_feeds), notes=tuple(notes), fit=fit_frame)


@dataclass
class _Run:
    """What staffing one feed reads of the whole run; ``mentor_used`` grows feed by feed."""

    people: pd.DataFrame
    fit: np.ndarray
    lead_fit: np.ndarray
    domain_why: dict
    capacity: np.ndarray
    used: np.ndarray
    mentor_used: np.ndarray
    departments: set
    weak_fit: float
    min_fit: float


def _staff_feed(run: _Run, f: int, feed: Feed, shares: dict, texts: list[str], carried: dict,
                demand: int, lead_units: int, back_units: int) -> tuple[Feed, list[str]]:
    """Feed ``f`` with its roles, intents, code of conduct and staffing notes."""
    people, fit, lead_fit = run.people, run.fit, run.lead_fit
    main = next((n for n in shares if n != OTHER and shares[n] >= MIN_MAIN_SHARE), None)
    notes: list[str] = []
    roles: list[StaffRole] = []
    if carried:
        counts = Counter(tokens(feed_document(feed, texts)))
        lead = max(carried, key=lambda p: (sum(carried[p]), lead_fit[f, p], -_order(people, p)))
        others = sorted((p for p in carried if p != lead),
                        key=lambda p: (-sum(carried[p]), -fit[f, p], _order(people, p)))
        for p, role in [(lead, "lead"), *[(q, "backup") for q in others]]:
            reasons = role_reasons(people.iloc[p], role, run.domain_why[f, p], feed, counts,
                                   lead_fit[f, p] if role == "lead" else fit[f, p])
            roles.append(make_role(people.iloc[p], role, hours_of(sum(carried[p])), reasons))
        notes += _cover_notes(run, f, feed, main, carried, lead, others, lead_units, back_units)
        roles.extend(mentors(f, feed, people, roles, carried, run.capacity, run.used,
                             run.mentor_used, notes))
    got = sum(sum(v) for v in carried.values())
    if got < demand:
        notes.insert(0, shortfall(feed, main, hours_of(demand), hours_of(got), people,
                                  run.capacity, run.used, run.mentor_used, fit[f], run.min_fit))
    if main is not None and INTENTS[main].departments:
        owner = INTENTS[main].departments[0]
        if owner not in run.departments:
            notes.append(
                f"hiring need: nobody in {owner} is on the roster, yet {shares[main]:.0%} "
                f"of {feed.name!r} is {INTENTS[main].label}; hire or train someone in "
                f"{owner} to answer them"
            )
    staffed = dataclasses.replace(
        feed, intents=shares, staff=tuple(roles),
        code_of_conduct=code_of_conduct(feed, shares, feed.platforms),
        notes=tuple(feed.notes) + tuple(f"{STAFFING_NOTE}{n}" for n in notes),
    )
    return staffed, notes


def _cover_notes(run: _Run, f, feed, main, carried, lead, others, lead_units,
                 back_units) -> list[str]:
    """Notes on a staffed feed's cover: a lead out of hours, no or weak backups, a weak lead."""
    people, fit, lead_fit = run.people, run.fit, run.lead_fit
    notes = []
    if sum(carried[lead]) < lead_units and run.used[lead] >= run.capacity[lead]:
        notes.append(
            f"lead {people.name[lead]} has no more hours: "
            f"{fmt(hours_of(sum(carried[lead])))} of the planned "
            f"{fmt(hours_of(lead_units))} lead hours; backups cover the rest"
        )
    if not others:
        notes.append(
            f"no backup: nobody else suited to {feed.name!r} has hours left; "
            f"{fmt(hours_of(back_units))} h/week of backup cover is a need "
            "(train a second person)"
        )
    elif all(fit[f, q] < run.weak_fit for q in others):
        notes.append(
            f"training need: backup cover for {feed.name!r} comes from outside its "
            f"subject ({', '.join(people.name[q] for q in others)}); train a second "
            f"person {need_of(main, feed)}"
        )
    if lead_fit[f, lead] < run.weak_fit:
        notes.append(
            f"weak fit: the best available lead, {people.name[lead]} "
            f"({people.department[lead]}), fits {feed.name!r} at {lead_fit[f, lead]:.2f}"
            f"; train them or hire someone {need_of(main, feed)}"
        )
    return notes


def _order(people: pd.DataFrame, p: int) -> int:
    """Roster order of person ``p`` (the last tie-break)."""
    return int(people.index[p])


def staffing_table(staffing: Staffing) -> pd.DataFrame:
    """Hours per person across feeds.

    Parameters
    ----------
    staffing : Staffing

    Returns
    -------
    pandas.DataFrame
        One row per person on the roster (everyone in ``staffing.fit``, else everyone with a
        role): ``name``, ``department``, one column of hours per feed name, ``hours_assigned``,
        ``hours_per_week`` (their social hours), ``hours_free``, ``share_of_week`` and
        ``roles`` ("lead: Billing & refunds; mentor: Deliveries").

    Examples
    --------
    >>> staff = load_staff(pd.DataFrame({
    ...     "name": ["Bob", "Ann"], "department": ["Accounts", "Support"],
    ...     "expertise": ["refunds, invoices", "complaints"], "social_active": ["no", "yes"]}))
    >>> feed = Feed(id=0, name="Billing", groups=(0,), platforms=("twitter",),
    ...             posts_per_week=40.0, hours_per_week=3.0, keywords=("refund",))
    >>> table = staffing_table(assign_staff([feed], staff, {0: ["where is my refund"]}))
    >>> table[["name", "hours_assigned", "hours_free", "roles"]].values.tolist()
    [['Bob', 2.0, 2.0, 'lead: Billing'], ['Ann', 1.5, 2.5, 'backup: Billing; mentor: Billing']]
    """
    records = [
        {"name": s.name, "department": s.department, "feed": f.name, "role": s.role,
         "hours": s.hours_per_week}
        for f in staffing.feeds for s in f.staff
    ]
    if not staffing.fit.empty:
        people = staffing.fit.drop_duplicates("name")[["name", "department", "capacity_hours"]]
    else:
        people = pd.DataFrame(columns=["name", "department", "capacity_hours"])
        seen = {}
        for f in staffing.feeds:
            for s in f.staff:
                if s.name not in seen and s.share_of_week > 0:
                    seen[s.name] = (s.department, s.hours_per_week / s.share_of_week)
        people = pd.DataFrame([{"name": n, "department": d, "capacity_hours": c}
                               for n, (d, c) in seen.items()],
                              columns=["name", "department", "capacity_hours"])
    table = people.rename(columns={"capacity_hours": "hours_per_week"}).reset_index(drop=True)
    feed_names = [f.name for f in staffing.feeds]
    roles = pd.DataFrame(records, columns=["name", "department", "feed", "role", "hours"])
    for name in feed_names:
        on = roles[roles["feed"] == name].groupby("name")["hours"].sum()
        table[name] = table["name"].map(on).fillna(0.0)
    table["hours_assigned"] = table[feed_names].sum(axis=1) if feed_names else 0.0
    table["hours_free"] = table["hours_per_week"] - table["hours_assigned"]
    table["share_of_week"] = np.where(table["hours_per_week"] > 0,
                                      table["hours_assigned"] / table["hours_per_week"], 0.0)
    by_person = roles.groupby("name").apply(
        lambda g: "; ".join(f"{r}: {f}" for r, f in zip(g["role"], g["feed"], strict=True)),
        include_groups=False,
    ) if len(roles) else pd.Series(dtype=str)
    table["roles"] = table["name"].map(by_person).fillna("")
    return table
