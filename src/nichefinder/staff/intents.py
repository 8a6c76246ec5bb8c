"""Intents: what each post wants (a refund, a delivery date, a job...), and who owns the answer.

Staffing a feed from the whole business starts from what its audience asks. Each post gets one
intent from :data:`INTENTS`:

- first by transparent keyword lexicons: lowercase, word-boundary regular expressions, plus a
  one-edit typo match for the longer key words ("refnud", "recieved", "delivey");
- then, for posts no lexicon matches and only when an ``embedder`` is given, by cosine similarity
  between the post and each intent's description (``min_similarity`` or better, else ``"other"``).

Every intent names the departments that own its answers, in order (the first owns it, the
others can help); :func:`intent_shares` turns a feed's posts into the share of each intent.

Examples
--------
>>> detect_intents(["I was charged twice, where is my refund?", "love it"])["intent"].tolist()
['billing', 'other']
>>> intent_shares(["where is my parcel", "my parcel never arrived", "do you sell gift cards?"])
{'delivery': 0.666667, 'buying_question': 0.333333}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..embed import embed_function
from ..vectors import normalise_rows

__all__ = ["INTENTS", "Intent", "OTHER", "detect_intents", "intent_shares", "owners_of"]

OTHER = "other"
"""The intent of posts that match no lexicon (and no description, when an embedder is given)."""


@dataclass(frozen=True)
class Intent:
    """One kind of post and who answers it.

    Attributes
    ----------
    label : str
        Readable name, used in reasons ("billing and refund questions").
    departments : tuple of str
        Owning departments, canonical names (see :data:`nichefinder.roster.DEPARTMENTS`);
        the first owns the intent, the others help.
    description : str
        What such posts say; embedded for the semantic fallback.
    terms : tuple of str
        Lexicon: regular-expression fragments, matched lowercase between word boundaries.
    weight : float
        Score of one matched term. Broad intents (complaint, buying question) weigh less, so one
        specific term ("refund") decides a post that also grumbles ("terrible, where is my refund").
    rule : str
        The rule of conduct staff follow on feeds where this intent is common
        (:func:`nichefinder.staff.conduct.code_of_conduct`); empty for none.
    """

    label: str
    departments: tuple[str, ...]
    description: str
    terms: tuple[str, ...]
    weight: float = 1.0
    rule: str = ""


# Order matters: it is the tie-break between equal scores (most specific first).
INTENTS: dict[str, Intent] = {
    "billing": Intent(
        "billing and refund questions",
        ("accounts", "customer service"),
        "billing, payments, invoices, refunds, being charged twice, direct debits, bank card "
        "payments, fees, top ups, transfers and account balance",
        (
            r"refund\w*", r"charge[sd]?", r"charging", r"overcharg\w*", r"double charg\w*",
            r"invoice[sd]?", r"invoicing", r"bill", r"bills", r"billed", r"billing", r"payments?",
            r"paid", r"pay(?:ing)?", r"direct debit", r"fees?", r"subscription", r"receipts?",
            r"vat", r"tax", r"credit card", r"debit card", r"card payment", r"top[ -]?ups?",
            r"transfers?", r"balance", r"exchange rate", r"withdraw\w*", r"money back",
            r"chargebacks?", r"pric(?:e|ing) (?:went|increase)\w*", r"bank statements?",
            r"renew\w*", r"revers(?:e|ed|al)",
        ),
        rule=("Billing: never ask for or discuss account details, card numbers, balances or "
              "invoice amounts in public; move to a direct message or secure channel, and only "
              "accounts confirms a refund."),
    ),
    "delivery": Intent(
        "delivery questions",
        ("dispatch", "customer service"),
        "deliveries and shipping: where is my order or parcel, tracking, courier, late or lost "
        "packages, delivery dates, returns postage",
        (
            r"deliver\w*", r"shipping", r"shipment", r"ship", r"shipped", r"parcels?", r"packages?",
            r"couriers?", r"tracking", r"track(?:ed)? (?:my )?(?:order|parcel|package|card)",
            r"dispatch\w*", r"postage", r"arrive[ds]?", r"arriving", r"arrival",
            r"(?:hasn'?t|has not|never|not yet) (?:come|arrived)",
            r"still waiting", r"when will (?:i|my|it|they) (?:get|receive|arrive|come)\w*",
            r"(?:hasn'?t|haven'?t|not|never|yet to) (?:been )?(?:received|come|turned up)",
            r"where is my (?:order|parcel|package|card)", r"lost in the post",
            r"out for delivery", r"eta", r"royal mail", r"ups", r"fedex", r"dhl", r"usps",
            r"redeliver\w*", r"drivers?", r"turn(?:ed|s)? up", r"missed you", r"evri", r"hermes",
        ),
        rule=("Deliveries: don't promise delivery dates dispatch can't keep; check the order "
              "with dispatch or share the tracking link."),
    ),
    "careers": Intent(
        "careers and job questions",
        ("hr",),
        "jobs and careers: vacancies, applying for a job, interviews, internships, hiring, "
        "working here, graduate schemes",
        (
            r"jobs?", r"careers?", r"hiring", r"vacanc\w*", r"interview\w*", r"intern(?:ship)?s?",
            r"recruit\w*", r"applied for (?:a|the) (?:job|role|position)", r"job application",
            r"cv", r"resume", r"graduate scheme", r"work (?:for|at) (?:you|your company)",
            r"apprentice\w*",
            r"(?:job|role|position|vacancy) (?:is )?(?:still )?open", r"apply(?:ing)? for",
            r"job (?:posting|advert|ad)", r"cover letter", r"hear back", r"hiring process",
        ),
        rule=("Careers: no comments on individual candidates or applications in public; point "
              "to the careers page and let HR answer privately."),
    ),
    "launch": Intent(
        "launch and new-product posts",
        ("marketing", "product"),
        "launches and announcements: new products, new features, release dates, pre-orders, "
        "coming soon, events and campaigns",
        (
            r"launch\w*", r"new (?:product|feature|range|version|model|release|collection)s?",
            r"releas\w*", r"pre-?orders?", r"coming soon", r"announc\w*", r"sneak peek",
            r"unveil\w*", r"drop(?:s|ped)? (?:today|tomorrow|next)", r"waitlist", r"beta",
            r"colou?rways?", r"limited editions?", r"just dropped", r"the new (?!job|role)\w+",
        ),
        rule=("Launches: no disclosure of unannounced products, features or dates; share only "
              "what marketing has published."),
    ),
    "referral": Intent(
        "referrals and recommendations",
        ("sales", "marketing"),
        "referrals and recommendations: recommending the company to friends, referral codes, "
        "affiliate and partner programmes, word of mouth",
        (
            r"referral\w*", r"referred", r"referring", r"refer", r"refer a friend",
            r"recommend(?:ed|ing|s)? (?:you|them|this|it)",
            r"referral codes?", r"invite codes?", r"affiliate\w*", r"partner programme",
            r"partnership", r"told my friends", r"word of mouth", r"ambassador\w*",
        ),
        rule=("Referrals: thank people who recommend us; offer only rewards from the published "
              "referral scheme, and never pay for reviews."),
    ),
    "buying_question": Intent(
        "buying questions",
        ("sales", "customer service"),
        "questions before buying: prices, quotes, availability, stock, discounts, which model to "
        "buy, do you sell, where can I buy, opening an account",
        (
            r"how much", r"price[sd]?", r"pricing", r"quotes?", r"in stock", r"stock",
            r"availab\w*", r"discounts?", r"coupons?", r"promo(?: code)?s?", r"sale", r"deals?",
            r"do you (?:sell|stock|do|offer|ship to)", r"where can i (?:buy|get)", r"buy\w*",
            r"purchas\w*", r"order(?:ing)? (?:a|one|some)", r"bulk", r"wholesale",
            r"worth (?:it|buying)", r"open (?:an|a new) account", r"sign(?:ing)? up",
            r"which (?:model|one|machine|version|plan|size)", r"what should i (?:get|buy)",
            r"difference between", r"budget", r"recommendations? for",
        ),
        weight=0.8,
        rule=("Buying questions: quote only published prices and stock; no discounts or deals "
              "sales has not approved."),
    ),
    "product_howto": Intent(
        "how-to and product questions",
        ("product", "customer service"),
        "how to use the product: setup, settings, features, instructions, compatibility, "
        "troubleshooting, app and account how-to",
        (
            r"how (?:do|can|to|does) (?:i|you|we|it)?", r"how to", r"set ?up", r"settings?",
            r"install\w*", r"configur\w*", r"instructions?", r"manual", r"tutorials?",
            r"compatib\w*", r"features?", r"update\w*", r"firmware", r"app", r"pin",
            r"password", r"log ?in", r"verif\w*", r"tips?", r"change (?:my|the)", r"reset",
        ),
        weight=0.8,
        rule=("How-to: link to the official help pages; never suggest workarounds that void a "
              "warranty or risk data; report bugs to product."),
    ),
    "reputation": Intent(
        "reputation and news",
        ("pr", "marketing"),
        "reputation and news: press coverage, news stories, scandals, boycotts, lawsuits, "
        "rumours, ethics, data breaches, public criticism of the company",
        (
            r"news", r"press", r"journalists?", r"articles?", r"headlines?", r"scandal\w*",
            r"boycott\w*", r"lawsuits?", r"sue[ds]?", r"rumou?rs?", r"breach(?:ed|es)?",
            r"leaked", r"hack(?:ed|ers?)?", r"ethic\w*", r"unethical", r"reputation",
            r"statement", r"pr disaster", r"shame on you", r"ceo", r"viral", r"regulator\w*",
            r"story", r"stories", r"sustainab\w*", r"greenwash\w*", r"environment\w*",
            r"plastic", r"planet", r"working conditions",
        ),
        rule=("News and reputation: do not comment on rumours, press stories or incidents "
              "beyond the approved statement; pass anything that could become news to PR first."),
    ),
    "complaint": Intent(
        "complaints and support requests",
        ("customer service",),
        "complaints and support requests: something broke or went wrong, bad service, angry "
        "customers, nobody answers, help needed, faulty item, cancel",
        (
            r"complain\w*", r"complaint", r"terrible", r"awful", r"worst", r"horrible",
            r"disappoint\w*", r"unacceptable", r"useless", r"rubbish", r"broken", r"broke",
            r"faulty", r"defective", r"not working", r"doesn'?t work", r"stopped working",
            r"won'?t work", r"error", r"declined", r"help", r"support", r"problem", r"issues?",
            r"wrong", r"cancel\w*", r"no one (?:answers|replies)", r"on hold", r"fix", r"stuck",
            r"blocked", r"frozen", r"lost", r"stolen", r"fraud\w*", r"scam\w*", r"angry",
            r"leak(?:s|ing|y)?",
        ),
        weight=0.8,
        rule=("Complaints: apologise once, own the fix, and resolve it privately; never blame "
              "the customer or a colleague in public."),
    ),
    OTHER: Intent(
        "other posts",
        (),
        "general chat, opinions, jokes and posts about something else",
        (),
        weight=0.0,
    ),
}
"""Intent name -> :class:`Intent`; dictionary order is the tie-break (most specific first)."""

_MIN_TYPO_LEN = 5
"""Key words at least this long also match words one edit away (typos)."""
_MIN_STEM_LEN = 6
"""Key stems (``refund\\w*``) at least this long also match word starts one edit away."""

_WORD = re.compile(r"[a-z0-9']+")


def owners_of(intent: str) -> tuple[str, ...]:
    """Departments that own ``intent``, the owner first.

    Examples
    --------
    >>> owners_of("billing")
    ('accounts', 'customer service')
    """
    return INTENTS[intent].departments if intent in INTENTS else ()


def _compile() -> tuple[dict[str, re.Pattern], dict[str, list[tuple[str, str, bool]]]]:
    patterns = {}
    typo_index: dict[str, list[tuple[str, str, bool]]] = {}
    for name, intent in INTENTS.items():
        if not intent.terms:
            continue
        patterns[name] = re.compile(r"\b(?:" + "|".join(intent.terms) + r")\b")
        for term in intent.terms:
            prefix = term.endswith(r"\w*")
            word = re.sub(r"\(\?:[^)]*\)\?|\[[^\]]*\]\??|.\?|\\w\*", "", term)
            min_len = _MIN_STEM_LEN if prefix else _MIN_TYPO_LEN
            if re.fullmatch(r"[a-z]+", word) and len(word) >= min_len:
                for variant in _deletes(word):
                    typo_index.setdefault(variant, []).append((name, word, prefix))
    return patterns, typo_index


def _one_slip(token: str, word: str) -> bool:
    """A letter dropped, doubled or added, or two neighbours swapped, not at the first letter.

    Substitutions are left out on purpose: they turn real words into other real words
    ("shopping" / "shipping"), while drops and swaps are the slips people make.
    """
    if token == word or token[0] != word[0]:
        return token == word
    if len(token) != len(word):
        return True  # shares a one-deletion variant and differs in length: one letter more/less
    diff = [i for i, (a, b) in enumerate(zip(token, word, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and token[diff[0]] == word[diff[1]]


def _deletes(word: str) -> set[str]:
    """``word`` and every string one deletion away: two words share one iff they are one
    substitution, insertion, deletion or adjacent swap apart (symmetric-delete matching)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


_PATTERNS, _TYPOS = _compile()


def _lexicon_scores(text: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Score of each intent in one lowercase text, and the terms that matched."""
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for name, pattern in _PATTERNS.items():
        hits = [m.group(0) for m in pattern.finditer(text)]
        if hits:
            scores[name] = INTENTS[name].weight * len(hits)
            matched[name] = hits
    if _TYPOS:
        for token in set(_WORD.findall(text)):
            if len(token) < _MIN_TYPO_LEN:
                continue
            if any(pattern.fullmatch(token) for pattern in _PATTERNS.values()):
                continue  # already matched exactly
            found = {}
            # whole words match the whole token; stems ("refund\\w*") also match its first letters
            candidates = [(token, True)] + [
                (token[:k], False) for k in range(_MIN_STEM_LEN - 1, len(token))
            ]
            for candidate, whole in candidates:
                for variant in _deletes(candidate):
                    for name, word, prefix in _TYPOS.get(variant, ()):
                        if (not prefix and not whole) or not _one_slip(candidate, word):
                            continue
                        found.setdefault(name, word)
            for name, word in found.items():
                scores[name] = scores.get(name, 0.0) + 0.9 * INTENTS[name].weight
                matched.setdefault(name, []).append(f"{token}~{word}")
    return scores, matched


def detect_intents(
    texts: Sequence[str],
    *,
    embedder=None,
    min_similarity: float = 0.3,
) -> pd.DataFrame:
    """Give each post one intent from :data:`INTENTS`.

    Parameters
    ----------
    texts : sequence of str
        The posts.
    embedder : callable or object with ``embed``, optional
        ``list[str] -> ndarray`` of normalised vectors. When given, posts that no lexicon matches
        get the intent whose description is most similar, if at least ``min_similarity``.
        Without it no model is used and such posts are ``"other"``.
    min_similarity : float, default 0.3
        Cosine similarity a post needs to an intent description in the fallback.

    Returns
    -------
    pandas.DataFrame
        One row per text, in order: ``intent`` (str), ``score`` (lexicon score, or the cosine
        similarity for the fallback), ``method`` (``"lexicon"``, ``"embedding"`` or ``"none"``)
        and ``matched`` (the terms that matched, ``"refnud~refund"`` for a typo).

    Examples
    --------
    >>> detect_intents(["My parcel never arived", "Are you hiring interns?"])[["intent", "method"]]
         intent   method
    0  delivery  lexicon
    1   careers  lexicon
    """
    embed = embed_function(embedder)
    order = list(INTENTS)
    rows = []
    for text in texts:
        lowered = str(text).lower().replace("\u2019", "'")
        scores, matched = _lexicon_scores(lowered)
        if scores:
            best = max(scores, key=lambda n: (scores[n], -order.index(n)))
            rows.append([best, float(scores[best]), "lexicon", ", ".join(matched[best])])
        else:
            rows.append([OTHER, 0.0, "none", ""])
    frame = pd.DataFrame(rows, columns=["intent", "score", "method", "matched"])
    unmatched = np.flatnonzero(frame["method"].to_numpy() == "none")
    if embed is not None and len(unmatched):
        names = [n for n in order if n != OTHER]
        anchors = normalise_rows(embed([INTENTS[n].description for n in names]), np.float64)
        vectors = normalise_rows(embed([str(texts[i]) for i in unmatched]), np.float64)
        sims = vectors @ anchors.T
        best = sims.argmax(axis=1)  # argmax takes the first maximum: dictionary order breaks ties
        for row, j, sim in zip(unmatched, best, sims[np.arange(len(best)), best], strict=True):
            if sim >= min_similarity:
                frame.loc[row, ["intent", "score", "method"]] = [names[j], float(sim), "embedding"]
    return frame


def intent_shares(
    texts: Sequence[str],
    *,
    embedder=None,
    min_similarity: float = 0.3,
) -> dict[str, float]:
    """Share of posts by intent, largest first (ties in :data:`INTENTS` order).

    Parameters
    ----------
    texts : sequence of str
        The posts of one feed (or a sample of them).
    embedder, min_similarity
        As for :func:`detect_intents`.

    Returns
    -------
    dict of str to float
        Intents with at least one post, shares rounded to 6 places; empty for no texts.

    Examples
    --------
    >>> intent_shares(["refund please", "i was charged twice", "hello"])
    {'billing': 0.666667, 'other': 0.333333}
    """
    if len(texts) == 0:
        return {}
    counts = detect_intents(texts, embedder=embedder, min_similarity=min_similarity)[
        "intent"
    ].value_counts()
    order = list(INTENTS)
    names = sorted(counts.index, key=lambda n: (-counts[n], order.index(n)))
    return {n: round(float(counts[n]) / len(texts), 6) for n in names}
