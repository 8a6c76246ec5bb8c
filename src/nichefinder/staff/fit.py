"""Fit: how well every person suits every feed, in ``[0, 1]``.

::

    fit = 0.55 * domain + (0.30 + 0.55 * other) * expertise + 0.10 * platforms
          (+ 0.05 social, lead hours only)

*domain*: the share of the feed's posts whose intent the person's department owns (1 for the
owner, 0.5 for a helping department), or that their expertise text itself is about (0.4).
*other*: the share of posts with no known intent; their weight moves to expertise, so a feed
about latte art is led by the barista trainer, not by whoever owns its 9% of complaints.
*expertise*: cosine between the feed (name, keywords, posts) and the person's expertise, role
and department, with ``embed`` when given, otherwise TF-IDF; scaled so the best pair is 1
(unless even it is below 0.25). *platforms*: overlap with the feed's platforms, the most used
counting most. *social*: active on social.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..results import Feed
from ..vectors import normalise_rows, unit_vector
from .intents import INTENTS, OTHER, detect_intents
from .roster import split_platforms

__all__ = ["WEIGHTS", "expertise_matches", "feed_document", "person_fit", "platform_overlap",
           "tokens"]

WEIGHTS = {"domain": 0.55, "expertise": 0.30, "platforms": 0.10, "social": 0.05}
"""Weights of the fit components (the social bonus counts for lead hours only)."""
_MIN_TOP_SIMILARITY = 0.25  # expertise cosines are divided by max(best cosine, this)

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


def tokens(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z][a-z0-9']+", str(text).lower()) if w not in _STOP]


def feed_document(feed: Feed, texts: Sequence[str]) -> str:
    head = " ".join([feed.name, *feed.keywords])
    return " ".join([head, head, *texts])  # name and keywords count twice


def _person_document(person) -> str:
    return " ".join([str(person.expertise), str(person.role), str(person.department)])


def _expertise_similarity(feed_docs, feed_texts, people_docs, embed) -> np.ndarray:
    """Cosine between each feed and each person's expertise, ``(n_feeds, n_people)``, >= 0."""
    if embed is not None:
        rows = []
        for doc_head, texts in zip(feed_docs, feed_texts, strict=True):
            vectors = normalise_rows(embed([doc_head, *texts]), np.float64)
            centre = vectors[0] * 0.5 + vectors[1:].mean(axis=0) * 0.5 if len(texts) else vectors[0]
            rows.append(unit_vector(centre))
        people = normalise_rows(embed(list(people_docs)), np.float64)
        sims = np.vstack(rows) @ people.T
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = [" ".join([h, h, *t]) for h, t in zip(feed_docs, feed_texts, strict=True)]
        docs += list(people_docs)
        vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(docs)
        except ValueError:  # no words at all
            return np.zeros((len(feed_docs), len(people_docs)))
        sims = (matrix[: len(feed_docs)] @ matrix[len(feed_docs) :].T).toarray()
    return np.clip(sims, 0.0, None)


def expertise_matches(person, feed_counts: Counter, limit: int = 3) -> list[str]:
    """Phrases of the person's expertise whose words the feed's audience uses, most used first."""
    phrases = [p.strip() for p in re.split(r"[,;/\n]|\band\b", str(person.expertise)) if p.strip()]
    scored = []
    for i, phrase in enumerate(phrases):
        count = sum(feed_counts.get(t, 0) for t in tokens(phrase))
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


def platform_overlap(feed_platforms: Sequence[str], person_platforms: Sequence[str]) -> float:
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


def person_fit(feeds, people, shares, texts, embed):
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
            plat = platform_overlap(feed.platforms, person.platforms)
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
