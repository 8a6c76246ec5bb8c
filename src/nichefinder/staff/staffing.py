"""Staffing: people from the whole business to feeds, under each person's hours.

Social media fails when it is handed to marketing alone or to an intern. Each feed is staffed by
whoever owns what its audience asks: customer service for complaints, accounts for billing (it
might well be Bob from accounts), dispatch for deliveries, HR for careers, product for how-to,
sales for buying questions and referrals, PR for reputation and news, marketing for launches.

How it works
------------
1. **Intents** of each feed: :func:`nichefinder.intents.intent_shares` over a sample of its
   posts (``feed.intents`` when already set).
2. **Fit** of every person to every feed, in ``[0, 1]``::

       fit = 0.55 * domain + (0.30 + 0.55 * other) * expertise + 0.10 * platforms
             (+ 0.05 social, lead hours only)

   *domain*: the share of the feed's posts whose intent the person's department owns (1 for the
   owner, 0.5 for a helping department), or that their expertise text itself is about (0.4).
   *other*: the share of posts with no known intent; their weight moves to expertise, so a feed
   about latte art is led by the barista trainer, not by whoever owns its 9% of complaints.
   *expertise*: cosine
   between the feed (name, keywords, posts) and the person's expertise, role and department,
   with ``embedder`` when given, otherwise TF-IDF; scaled so the best pair is 1 (unless even it
   is below 0.25). *platforms*: overlap with the feed's platforms, the most used counting most.
   *social*: active on social.
3. **Assignment** by min-cost flow (:func:`networkx.network_simplex`) in half-hour units. Each
   feed's workload (``feed.hours_per_week``) is split 60% lead, 40% backup (:data:`LEAD_SHARE`);
   one person may carry at most the lead's share of a feed, so every staffed feed has at least two
   people; nobody gets more than their ``hours_per_week``. Unit cost is ``1 - fit`` (scaled to
   integers), plus a spread penalty on hours beyond half of a person's week and beyond half of the
   whole workload in one department. Units nobody can take flow to an *unstaffed* sink: lead
   units cost more there than backup units, so every feed gets a lead before any gets a backup.
   The person with most hours on a feed is its lead (ties: lead fit, then roster order); the
   others are backups.
4. **Mentoring**: a lead or backup who is not active on social gets a socially active colleague
   as ``"mentor"`` (0.5 h a week from spare hours; someone already on the feed first).
5. **Gaps**: unstaffed hours, missing backups, departments absent from the roster and weak best
   fits become notes that name the need as a hiring or training need.

Examples
--------
>>> staff = load_staff("sample_data/staff.csv")                       # doctest: +SKIP
>>> result = assign_staff(feeds, staff, feed_texts, random_state=0)  # doctest: +SKIP
>>> staffing_table(result)                                          # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..embed import embed_function
from ..exceptions import InputError, StaffingError
from ..results import Feed, StaffRole
from .conduct import code_of_conduct
from .intents import INTENTS, OTHER, detect_intents, intent_shares
from .roster import load_staff, split_platforms

__all__ = [
    "LEAD_SHARE",
    "Staffing",
    "assign_staff",
    "staffing_table",
]

log = logging.getLogger(__name__)


LEAD_SHARE = 0.6
"""Share of a feed's workload the lead carries; backups carry the rest."""
MENTOR_HOURS = 0.5
"""Hours a week a mentor spends per person mentored."""
WEIGHTS = {"domain": 0.55, "expertise": 0.30, "platforms": 0.10, "social": 0.05}
"""Weights of the fit components (the social bonus counts for lead hours only)."""
MIN_FIT = 0.05
"""A person below this fit is not offered a feed at all."""
WEAK_FIT = 0.35
"""A lead below this fit is a training or hiring need."""

_SCALE = 1000  # fit -> integer cost per half-hour
_SPREAD = 60  # cost per half-hour beyond half a person's week / half the workload in a department
_UNMET_BACKUP = 3 * _SCALE
_UNMET_LEAD = 6 * _SCALE
_MAX_POSTS = 200  # posts per feed used for the expertise match (a seeded sample beyond this)
_MIN_TOP_SIMILARITY = 0.25  # expertise cosines are divided by max(best cosine, this)
MIN_MAIN_SHARE = 0.2
"""A feed's main intent (the largest besides ``"other"``) must have this share of its posts for
its owning department's absence to be reported as a hiring need."""




STAFFING_NOTE = "staffing: "
"""Prefix of the notes this stage adds to a feed, so that re-staffing can replace them."""



# --------------------------------------------------------------------------------------------
# Fit
# --------------------------------------------------------------------------------------------


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


_STOP = frozenset(
    "a an and are as at be been but by can could did do does for from get got had has have how "
    "i if in into is it its just me my no not of on or our out so than that the their them then "
    "there they this to up us was we were what when where which who why will with would you "
    "your yours any all about also am very too much more still please hi hello thanks thank".split()
)


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z][a-z0-9']+", str(text).lower()) if w not in _STOP]


def _feed_document(feed: Feed, texts: Sequence[str]) -> str:
    head = " ".join([feed.name, *feed.keywords])
    return " ".join([head, head, *texts])  # name and keywords count twice


def _person_document(person) -> str:
    return " ".join([str(person.expertise), str(person.role), str(person.department)])


def _expertise_similarity(feed_docs, feed_texts, people_docs, embed) -> np.ndarray:
    """Cosine between each feed and each person's expertise, ``(n_feeds, n_people)``, >= 0."""
    if embed is not None:
        from .intents import _normalise

        rows = []
        for doc_head, texts in zip(feed_docs, feed_texts, strict=True):
            vectors = _normalise(embed([doc_head, *texts]))
            centre = vectors[0] * 0.5 + vectors[1:].mean(axis=0) * 0.5 if len(texts) else vectors[0]
            rows.append(centre / (np.linalg.norm(centre) or 1.0))
        people = _normalise(embed(list(people_docs)))
        sims = np.vstack(rows) @ people.T
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [" ".join([h, h, *t]) for h, t in zip(feed_docs, feed_texts, strict=True)]
        docs += list(people_docs)
        vectorizer = TfidfVectorizer(analyzer=_tokens, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(docs)
        except ValueError:  # no words at all
            return np.zeros((len(feed_docs), len(people_docs)))
        sims = (matrix[: len(feed_docs)] @ matrix[len(feed_docs) :].T).toarray()
    return np.clip(sims, 0.0, None)


def _expertise_matches(person, feed_counts: Counter, limit: int = 3) -> list[str]:
    """Phrases of the person's expertise whose words the feed's audience uses, most used first."""
    phrases = [p.strip() for p in re.split(r"[,;/\n]|\band\b", str(person.expertise)) if p.strip()]
    scored = []
    for i, phrase in enumerate(phrases):
        count = sum(feed_counts.get(t, 0) for t in _tokens(phrase))
        if count:
            scored.append((-count, i, phrase))
    return [p for _, _, p in sorted(scored)[:limit]]


def _expertise_intents(people) -> list[set[str]]:
    """Intents each person's expertise text is about, by the same lexicons as the posts."""
    out = []
    for expertise in people["expertise"]:
        phrases = [p for p in re.split(r"[,;/\n]", str(expertise)) if p.strip()] or [""]
        found = detect_intents(phrases)
        out.append({i for i in found["intent"] if i != OTHER})
    return out


def _platform_overlap(feed_platforms: Sequence[str], person_platforms: Sequence[str]) -> float:
    feed_platforms = split_platforms(list(feed_platforms))
    if not feed_platforms:
        return 0.0
    weights = np.array([1.0 / (rank + 1) for rank in range(len(feed_platforms))])
    have = np.array([p in set(person_platforms) for p in feed_platforms], dtype=float)
    return float((weights * have).sum() / weights.sum())


def _known_share(shares: Mapping[str, float]) -> float:
    """Share of a feed's posts with an intent other than ``"other"``."""
    total = sum(shares.values())
    return sum(s for n, s in shares.items() if n != OTHER) / total if total > 0 else 0.0


def _domain(shares: Mapping[str, float], department: str, expert_intents: set[str]):
    """Domain score (share of all posts the person's department or expertise covers, weighted
    by how) and the intents behind it, ``[(intent, share, how)]``."""
    total = sum(shares.values())
    score = 0.0
    why = []
    for name, share in shares.items():
        if name == OTHER or name not in INTENTS or total <= 0:
            continue
        owners = INTENTS[name].departments
        weight, how = 0.0, ""
        if owners and department == owners[0]:
            weight, how = 1.0, "owns"
        elif department in owners:
            weight, how = 0.5, "helps with"
        if name in expert_intents and weight < 0.4:
            weight, how = 0.4, "expertise covers"
        if weight:
            score += weight * share / total
            why.append((name, share, how))
    return score, why


# --------------------------------------------------------------------------------------------
# Assignment
# --------------------------------------------------------------------------------------------


def _fit(feeds, people, shares, texts, embed):
    """Fit of every person to every feed: ``fit`` (backup), ``lead_fit`` (with the social
    bonus), the intents behind each domain score, and the table of all components."""
    heads = [" ".join([f.name, *f.keywords]) for f in feeds]
    docs = [_person_document(p) for p in people.itertuples()]
    expertise = _expertise_similarity(heads, texts, docs, embed)
    # the best pair scores 1, unless even it is a poor match (then matches stay small)
    expertise = expertise / max(float(expertise.max(initial=0.0)), _MIN_TOP_SIMILARITY)
    expert_intents = _expertise_intents(people)
    social = people["social_active"].to_numpy(dtype=bool)
    fit = np.zeros((len(feeds), len(people)))
    lead_fit = np.zeros_like(fit)
    domain_why: dict[tuple[int, int], list] = {}
    rows = []
    for f, feed in enumerate(feeds):
        # the domain weight applies to posts with a known intent; the rest goes to expertise
        known = _known_share(shares[f])
        w_expertise = WEIGHTS["expertise"] + WEIGHTS["domain"] * (1.0 - known)
        for p, person in enumerate(people.itertuples()):
            dom, domain_why[f, p] = _domain(shares[f], person.department, expert_intents[p])
            plat = _platform_overlap(feed.platforms, person.platforms)
            fit[f, p] = (WEIGHTS["domain"] * dom + w_expertise * expertise[f, p]
                         + WEIGHTS["platforms"] * plat)
            lead_fit[f, p] = fit[f, p] + WEIGHTS["social"] * social[p]
            rows.append({
                "feed": feed.id, "feed_name": feed.name, "name": person.name,
                "department": person.department, "capacity_hours": person.hours_per_week,
                "fit": round(fit[f, p], 6), "lead_fit": round(lead_fit[f, p], 6),
                "domain": round(dom, 6), "expertise": round(float(expertise[f, p]), 6),
                "platforms": round(plat, 6), "social": bool(social[p]),
            })
    return fit, lead_fit, domain_why, pd.DataFrame(rows)


def _units(hours: float) -> int:
    return int(math.floor(hours * 2 + 1e-9))


def _hours(units: int) -> float:
    return units / 2.0


def _fmt(hours: float) -> str:
    return f"{hours:.1f}"


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
    feed_texts = dict(feed_texts or {})
    rng = check_random_state(random_state)
    embed = embed_function(embedder)
    people = staff.reset_index(drop=True)
    n_people = len(people)
    if not feeds:
        return Staffing(feeds=(), notes=(), fit=pd.DataFrame())

    # 1. intents and texts
    texts = []
    for feed in feeds:
        t = [str(x) for x in feed_texts.get(feed.id, [])]
        if len(t) > _MAX_POSTS:
            t = [t[i] for i in sorted(rng.choice(len(t), _MAX_POSTS, replace=False))]
        texts.append(t)
    shares = []
    for feed, t in zip(feeds, texts, strict=True):
        if feed.intents:
            shares.append(dict(feed.intents))
        elif t:
            shares.append(intent_shares(t, embedder=embed))
        else:
            shares.append(intent_shares([" ".join([feed.name, *feed.keywords])], embedder=embed))

    # 2. fit
    fit, lead_fit, domain_why, fit_frame = _fit(feeds, people, shares, texts, embed)
    capacity = np.array([_units(h) for h in people["hours_per_week"]], dtype=int)

    # 3. min-cost flow
    demand = [max(2, _units(feed.hours_per_week)) if feed.hours_per_week > 0 else 0
              for feed in feeds]
    lead_units = [min(max(1, int(round(lead_share * d))), d - 1) if d else 0 for d in demand]
    back_units = [d - lu for d, lu in zip(demand, lead_units, strict=True)]
    flow = _solve(feeds, people, fit, lead_fit, capacity, demand, lead_units, back_units, min_fit)
    # flow[f][p] = (lead units, backup units)

    # 4. roles, mentoring, notes
    used = np.zeros(n_people, dtype=int)
    for f in range(len(feeds)):
        for p, (lu, bu) in flow[f].items():
            used[p] += lu + bu
    mentor_used = np.zeros(n_people, dtype=int)
    out_feeds = []
    notes: list[str] = []
    present = set(people["department"])
    feed_counts = [
        Counter(_tokens(_feed_document(feed, t))) for feed, t in zip(feeds, texts, strict=True)
    ]
    hours_on = {}
    n_staffed = 0
    for f, feed in enumerate(feeds):
        feed_notes: list[str] = []
        carried = flow[f]
        for p, (lu, bu) in carried.items():
            hours_on[feed.id, p] = _hours(lu + bu)
        roles: list[StaffRole] = []
        main = next((n for n in shares[f] if n != OTHER and shares[f][n] >= MIN_MAIN_SHARE),
                    None)
        if carried:
            n_staffed += 1
            lead = max(carried, key=lambda p: (sum(carried[p]), lead_fit[f, p],
                                              -_name_order(people, p)))
            others = sorted((p for p in carried if p != lead),
                            key=lambda p: (-sum(carried[p]), -fit[f, p], _name_order(people, p)))
            for p, role in [(lead, "lead"), *[(q, "backup") for q in others]]:
                hours = _hours(sum(carried[p]))
                reasons = _reasons(people.iloc[p], role, domain_why[f, p], feed, feed_counts[f],
                                   lead_fit[f, p] if role == "lead" else fit[f, p])
                roles.append(_role(people.iloc[p], role, hours, reasons))
            if sum(carried[lead]) < lead_units[f] and used[lead] >= capacity[lead]:
                feed_notes.append(
                    f"lead {people.name[lead]} has no more hours: "
                    f"{_fmt(_hours(sum(carried[lead])))} of the planned "
                    f"{_fmt(_hours(lead_units[f]))} lead hours; backups cover the rest"
                )
            if not others:
                feed_notes.append(
                    f"no backup: nobody else suited to {feed.name!r} has hours left; "
                    f"{_fmt(_hours(back_units[f]))} h/week of backup cover is a need "
                    "(train a second person)"
                )
            elif all(fit[f, q] < weak_fit for q in others):
                feed_notes.append(
                    f"training need: backup cover for {feed.name!r} comes from outside its "
                    f"subject ({', '.join(people.name[q] for q in others)}); train a second "
                    f"person {_need(main, feed)}"
                )
            if lead_fit[f, lead] < weak_fit:
                need = _need(main, feed)
                feed_notes.append(
                    f"weak fit: the best available lead, {people.name[lead]} "
                    f"({people.department[lead]}), fits {feed.name!r} at {lead_fit[f, lead]:.2f}"
                    f"; train them or hire someone {need}"
                )
            roles.extend(_mentors(f, feed, people, roles, carried, capacity, used, mentor_used,
                                  feed_notes))
        got = sum(sum(v) for v in carried.values())
        if got < demand[f]:
            need_h, got_h = _hours(demand[f]), _hours(got)
            feed_notes.insert(0, _shortfall(feed, main, need_h, got_h, people, capacity, used,
                                             mentor_used, fit[f], min_fit))
        if main is not None and INTENTS[main].departments:
            owner = INTENTS[main].departments[0]
            if owner not in present:
                feed_notes.append(
                    f"hiring need: nobody in {owner} is on the roster, yet {shares[f][main]:.0%} "
                    f"of {feed.name!r} is {INTENTS[main].label}; hire or train someone in "
                    f"{owner} to answer them"
                )
        conduct = code_of_conduct(feed, shares[f], feed.platforms)
        out_feeds.append(dataclasses.replace(
            feed, intents=shares[f], staff=tuple(roles), code_of_conduct=conduct,
            notes=tuple(feed.notes) + tuple(f"{STAFFING_NOTE}{n}" for n in feed_notes),
        ))
        notes.extend(f"{feed.name}: {n}" for n in feed_notes if not n.startswith("lead "))
    if n_staffed == 0:
        message = _nothing_message(feeds, people, capacity, min_fit)
        if strict:
            raise StaffingError(message)
        notes.insert(0, message)
    fit_frame["hours"] = [
        hours_on.get((feeds[f].id, p), 0.0) for f in range(len(feeds)) for p in range(n_people)
    ]
    log.info("staffed %d of %d feeds from %d people", n_staffed, len(feeds), n_people)
    return Staffing(feeds=tuple(out_feeds), notes=tuple(notes), fit=fit_frame)


def _name_order(people: pd.DataFrame, p: int) -> int:
    return int(people.index[p])


def _solve(feeds, people, fit, lead_fit, capacity, demand, lead_units, back_units, min_fit):
    """Min-cost flow in half-hour units; returns per feed ``{person: (lead, backup) units}``."""
    n_feeds, n_people = fit.shape
    total = int(sum(demand))
    graph = nx.DiGraph()
    graph.add_node("source", demand=-total)
    graph.add_node("sink", demand=total)
    # unstaffed: backup units go there before lead units do
    for f in range(n_feeds):
        if not demand[f]:
            continue
        graph.add_edge("source", ("lead", f), capacity=lead_units[f], weight=0)
        graph.add_edge("source", ("back", f), capacity=back_units[f], weight=0)
        graph.add_edge(("lead", f), "unstaffed", capacity=lead_units[f], weight=_UNMET_LEAD)
        graph.add_edge(("back", f), "unstaffed", capacity=back_units[f], weight=_UNMET_BACKUP)
    graph.add_edge("unstaffed", "sink", capacity=total, weight=0)
    departments = sorted(set(people["department"]))
    dept_free = int(math.ceil(total / 2))
    for dept in departments:
        graph.add_edge(("dept", dept), ("dept+", dept), capacity=dept_free, weight=0)
        graph.add_edge(("dept", dept), ("dept++", dept), capacity=total, weight=_SPREAD)
        graph.add_edge(("dept+", dept), "sink", capacity=total, weight=0)
        graph.add_edge(("dept++", dept), "sink", capacity=total, weight=0)
    for p in range(n_people):
        if capacity[p] <= 0:
            continue
        dept = people["department"].iloc[p]
        half = capacity[p] // 2
        graph.add_edge(("person", p), ("person+", p), capacity=half, weight=0)
        graph.add_edge(("person", p), ("person++", p), capacity=capacity[p] - half,
                       weight=_SPREAD)
        graph.add_edge(("person+", p), ("dept", dept), capacity=half, weight=0)
        graph.add_edge(("person++", p), ("dept", dept), capacity=capacity[p] - half, weight=0)
    for f in range(n_feeds):
        if not demand[f]:
            continue
        for p in range(n_people):
            if capacity[p] <= 0 or fit[f, p] < min_fit:
                continue
            node = ("on", f, p)
            # one person carries at most the lead's share of a feed: every feed needs two people
            graph.add_edge(node, ("person", p), capacity=min(lead_units[f], capacity[p]), weight=0)
            graph.add_edge(("lead", f), node, capacity=lead_units[f],
                           weight=int(round(_SCALE * (1.0 - min(lead_fit[f, p], 1.0)))))
            graph.add_edge(("back", f), node, capacity=back_units[f],
                           weight=int(round(_SCALE * (1.0 - fit[f, p]))))
    _, flow_dict = nx.network_simplex(graph)
    out = []
    for f in range(n_feeds):
        carried = {}
        for p in range(n_people):
            lu = flow_dict.get(("lead", f), {}).get(("on", f, p), 0)
            bu = flow_dict.get(("back", f), {}).get(("on", f, p), 0)
            if lu or bu:
                carried[p] = (int(lu), int(bu))
        out.append(carried)
    return out


def _role(person, role: str, hours: float, reasons) -> StaffRole:
    week = float(person.hours_per_week)
    return StaffRole(
        name=str(person["name"]),
        department=str(person.department),
        role=role,
        hours_per_week=hours,
        share_of_week=round(hours / week, 6) if week > 0 else 0.0,
        reasons=tuple(reasons),
    )


def _reasons(person, role, why, feed, counts, fit_value) -> list[str]:
    reasons = []
    for name, share, how in sorted((w for w in why if w[1] >= 0.05), key=lambda w: -w[1])[:2]:
        label = INTENTS[name].label
        if how == "expertise covers":
            reasons.append(f"expertise covers {label} ({share:.0%} of posts)")
        else:
            reasons.append(f"{person.department} {how} {label} ({share:.0%} of posts)")
    matches = _expertise_matches(person, counts)
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


def _mentors(f, feed, people, roles, carried, capacity, used, mentor_used, feed_notes):
    """Mentor roles for the feed's people who are not active on social."""
    mentees = [r for r in roles if not bool(people.social_active[_index(people, r.name)])]
    if not mentees:
        return []
    need = _units(MENTOR_HOURS)
    by_mentor: dict[int, list[str]] = {}
    for mentee in mentees:
        m = _index(people, mentee.name)
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
                -_platform_overlap(feed.platforms, people.platforms[p]),
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
        out.append(_role(person, "mentor", hours, reasons))
    return out


def _index(people: pd.DataFrame, name: str) -> int:
    return int(np.flatnonzero(people["name"].to_numpy() == name)[0])


def _need(intent: str | None, feed: Feed) -> str:
    if intent is None or not INTENTS[intent].departments:
        if feed.keywords:
            return f"who knows {', '.join(feed.keywords[:3])}"
        return "who knows what this audience talks about"
    return f"in {INTENTS[intent].departments[0]} for {INTENTS[intent].label}"


def _shortfall(feed, main, need_h, got_h, people, capacity, used, mentor_used, fit_row, min_fit):
    if main is not None and INTENTS[main].departments:
        owner = INTENTS[main].departments[0]
        mask = (people["department"] == owner).to_numpy()
        label = INTENTS[main].label.split(" ")[0]
        if mask.any():
            total = _hours(int(capacity[mask].sum()))
            left = _hours(int((capacity - used - mentor_used)[mask].clip(min=0).sum()))
            who = f"{owner} staff have {_fmt(total)} h/week in all, {_fmt(left)} h left"
        else:
            who = f"nobody in {owner} is on the roster"
        head = f"no one with {label} expertise has hours left"
    else:
        suited = fit_row >= min_fit
        left = _hours(int((capacity - used - mentor_used)[suited].clip(min=0).sum()))
        head, who = "not enough hours on the roster", f"suited staff have {_fmt(left)} h left"
    if got_h == 0:
        return (f"not staffed: {head}: {feed.name!r} needs {_fmt(need_h)} h/week, {who}; "
                "hire or free up hours")
    return (f"understaffed: {head}: {feed.name!r} needs {_fmt(need_h)} h/week, only "
            f"{_fmt(got_h)} h could be staffed, {who}; hire or free up hours")


def _nothing_message(feeds, people, capacity, min_fit) -> str:
    need = sum(f.hours_per_week for f in feeds)
    have = _hours(int(capacity.sum()))
    return (f"no feed could be staffed: {len(feeds)} feed(s) need {need:.1f} h/week; the "
            f"{len(people)} people on the roster have {have:.1f} h/week, and none with hours "
            f"fits a feed at {min_fit} or better; add people or hours to the roster")


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
    >>> staffing_table(result)  # doctest: +SKIP
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

