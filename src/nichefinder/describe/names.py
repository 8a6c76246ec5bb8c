"""Names: a short noun phrase per group, built from the group's own phrases.

A name is what a marketer would write on the feed ("Refund and money back", "Espresso shots",
"Delivery tracking"), not two keywords glued together. It is chosen in three steps:

1. **Candidates**: every 1-3 word phrase of the group's own posts (never across a full stop or a
   comma) that a person could use as a title: it does not start or end with a function word, a
   fragment verb or an adverb (:data:`EDGE_WORDS`), holds no honorific, handle, link residue or
   number-only word, repeats no word, and appears in enough of the group's posts. The phrases
   most typical of the group (share of its posts, times how much more often than in the whole
   corpus) go on.
2. **Ranking** (when an ``embed`` function is given): each candidate is embedded with the
   group's own model and scored by its cosine to the group's centre minus 0.3 times its cosine
   to the closest *other* group's centre (maximal marginal relevance against the neighbours), so
   the name says what sets the group apart. Without embeddings the typicality ranks alone.
3. **Second facet**: "Head and second" only when a second phrase sharing no word with the head
   makes the whole name closer to the group than the head alone, i.e. when the group really has
   two facets.

KeyBERT (0.9) implements step 2 for one document at a time with its own candidate filter
(scikit-learn's stop-word list, which drops "bill", "fire", "back"); the neighbour penalty, the
fragment rules and the group-level typicality are what this module needs, in about the same
number of lines as adapting KeyBERT would take, so it does not depend on it.

Examples
--------
>>> texts = ["refund missing", "refund missing again", "still no refund",
...          "parcel tracking late", "parcel tracking stuck", "where is my parcel"]
>>> name_groups(texts, [[0, 1, 2], [3, 4, 5]])
['Refund', 'Parcel']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

__all__ = ["EDGE_WORDS", "is_fragment", "name_groups", "name_unions"]

_FUNCTION = """a an the this that these those there here it its it's i me my mine we us our you
your yours he him his she her they them their theirs who whom whose which what when where why how
and or but nor so yet if then than because as while though although unless until since of at by
for with about against between into through during before after above below to from up down in
out on off over under again further once all any both each few more most other some such no not
only own same too very every can could will would shall should may might must do does did done doing
be is are was were been being am have has had having get gets got getting go goes went going gone
make makes made making say says said tell told ask asked know knew think thought want wanted need
needed like liked let lets see saw seen look looks come came take took give gave keep kept just
feel feels felt seem seems try tried trying
still even ever never always already also really actually literally finally now soon today
tomorrow yesterday yes ok okay please pls thanks thank hi hey hello dear lol omg wow oh much many
anyone someone something anything everyone everything nothing nobody somebody one ones thing things
stuff way lot lots bit kind sort well good great new old best better bad worse worst little big
right left last next first second same different sure pretty quite rather almost enough else
whether via per etc whatever whichever anyway maybe perhaps im ive id dont cant wont didnt
doesnt isnt arent wasnt couldnt wouldnt
shouldnt youre theyre thats whats gonna wanna gotta yeah yep nope guys guy people day days time
times week weeks year years month months monday tuesday wednesday thursday friday saturday
sunday morning evening tonight night"""

_FOREIGN = """de la el los las del en que por para con un una es se al lo le les des du et au aux
il di da della delle dei degli nel nella che non sono ed ou em dos das nos um uma na sa ng ang mga
ni der und mit von zu dem ist het een como pero muy esta este esto hay fue ser todo todos porque
cuando donde sobre entre hasta desde ya su sus mas más también dans pour sur avec nous vous ils
elle est sont pas plus une qui mais comme aussi ce cette ces leur anche questo più muito
pelo pela não ay naman lang po tras ante bajo según contra hacia"""
"""Function words of the other languages common in social posts (Spanish, Italian, Portuguese,
French, Tagalog, German, Dutch)."""

EDGE_WORDS = frozenset(_FUNCTION.split()) | frozenset(_FOREIGN.split())
"""Words a name never starts or ends with: function words, fragment verbs, adverbs, fillers."""

_INNER = frozenset({"of", "at", "for", "in", "on", "to", "with", "and"})
"""Function words a name may hold inside ("Careers at Kettle", "Cost of living")."""

_BANNED = frozenset(
    """mr mrs ms miss mx dr sir madam maam prof rt amp gt lt nbsp http https www com org net html
    user link via cc xpost repost edit update tldr imgur jpg png gif""".split()
)
"""Words that make a phrase a non-name anywhere in it: honorifics, handles, link residue."""

_SEP = "qqsepqq"
_BREAK = re.compile(r"[.!?;:,()\[\]{}\"“”|/\\…\n\r\t]+|\s[-–—]+\s")
_TOKEN = r"(?u)\b[^\W\d_][\w']*[^\W_]\b"
_CLEAN = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;|\brt\b", re.IGNORECASE)

MIN_POSTS = 2
"""A candidate phrase appears in at least this many of the group's posts..."""
MIN_SHARE = 0.02
"""... and in at least this share of them."""
N_CANDIDATES = 60
"""Candidates per group that are embedded and ranked."""
NEIGHBOUR_WEIGHT = 0.3
"""How much a candidate's likeness to the closest other group counts against it."""
TYPICAL_WEIGHT = 0.05
"""How much the phrase's typicality (relative to the group's most typical) adds to its score."""
PHRASE_BONUS = 0.03
"""Added to a candidate of two or three words: a phrase says more than a single word."""
FACET_MARGIN = 0.05
"""How much closer "Head and second" must be to the group than the head alone."""


def is_fragment(phrase: str) -> bool:
    """Whether ``phrase`` cannot be a name: it starts or ends with a function word, holds an
    honorific or link residue, repeats a word, or has a word that is only digits.

    Examples
    --------
    >>> [is_fragment(p) for p in ["money back", "machine leaks and", "espresso shots",
    ...                           "bills mr jones", "invoice invoice"]]
    [False, True, False, True, True]
    """
    words = [w.replace("'", "") for w in phrase.split()]
    if not words or words[0] in EDGE_WORDS or words[-1] in EDGE_WORDS or _dangling(words[-1]):
        return True
    if len(set(words)) < len(words) or any(w in _BANNED or _numeric(w) for w in words):
        return True
    inner = words[1:-1]
    return any(w in EDGE_WORDS and w not in _INNER for w in inner) or (
        "and" in words and len(words) < 3)


_ENDS = frozenset("""worth cheaper vs versus final fails fail works broke arrived listed""".split())
_ED_NOUNS = frozenset("""feed speed seed breed weed bleed greed need bed shed red bread thread
spread head bloomed""".split())


def _dangling(word: str) -> bool:
    """A last word that leaves the phrase hanging: a past participle ("payments listed"), a
    comparison or a verb ("grinder cheaper", "pairing fails")."""
    return word in _ENDS or (word.endswith("ed") and len(word) > 4 and word not in _ED_NOUNS)


def _numeric(word: str) -> bool:
    """A number, or a short code with a digit ("s2", "4g"): never part of a name."""
    return word.isdigit() or (len(word) <= 2 and any(ch.isdigit() for ch in word))


def _docs(texts: Sequence[str]) -> list[str]:
    """Lower-case texts with links and handles removed, and a separator token at every break."""
    out = []
    for t in texts:
        t = _CLEAN.sub(" ", str(t)).lower().replace("’", "'")
        t = re.sub(r"'s\b", "", t)
        out.append(_BREAK.sub(f" {_SEP} ", t))
    return out


def _typical(docs: list[str], members: Sequence[np.ndarray], n_candidates: int
             ) -> tuple[list[list[str]], list[np.ndarray]]:
    """Each group's most typical name-like phrases and their typicality scores."""
    empty = [[] for _ in members], [np.zeros(0) for _ in members]
    vectorizer = CountVectorizer(token_pattern=_TOKEN, ngram_range=(1, 3), lowercase=False,
                                 binary=True, min_df=min(MIN_POSTS, max(len(docs), 1)))
    try:
        counts = sp.csr_matrix(vectorizer.fit_transform(docs))
    except ValueError:  # no word at all
        return empty
    terms = vectorizer.get_feature_names_out()
    ok = np.array([_SEP not in t and not is_fragment(t) for t in terms])
    if not ok.any():
        return empty
    counts, terms = counts[:, np.flatnonzero(ok)], terms[ok]
    overall = np.asarray(counts.sum(axis=0)).ravel() / max(len(docs), 1)
    n_words = np.array([t.count(" ") + 1 for t in terms])
    names, weights = [], []
    for rows in members:
        df = np.asarray(counts[np.asarray(rows)].sum(axis=0)).ravel()
        share = df / max(len(rows), 1)
        lift = share / np.maximum(overall, 1e-12)
        # a phrase of more words says more: it wins over its own words at about the same share
        score = (share * np.log(np.maximum(lift, 1.0)) + 1e-6 * share) * (1 + 0.1 * (n_words - 1))
        # longer phrases must be common enough to be the group's words, not an accident
        keep = (df >= min(MIN_POSTS, len(rows))) & (share >= MIN_SHARE)
        score = np.where(keep, score, -np.inf)
        order = np.lexsort((terms, -score))[:n_candidates]
        order = order[np.isfinite(score[order])]
        names.append([str(terms[j]) for j in order])
        weights.append(score[order])
    return names, weights


def _display(phrase: str, texts: Sequence[str], *, capital: bool = True) -> str:
    """``phrase`` as people write it in ``texts``: a word keeps its capital (a brand, a place,
    an acronym) when most of its uses inside sentences have one; the first letter is upper
    when ``capital``."""
    words = []
    for word in phrase.split():
        forms = Counter()
        pattern = re.compile(rf"(?<![\w'])({re.escape(word)})(?![\w'])", re.IGNORECASE)
        for text in texts[:400]:
            for m in pattern.finditer(str(text)):
                before = str(text)[:m.start()].rstrip()
                if before and before[-1] not in ".!?:\"(":  # not at a sentence start
                    forms[m.group(1)] += 1
        form = word
        if forms:
            top, n = max(forms.items(), key=lambda kv: (kv[1], kv[0]))
            if top != word and n > 0.6 * sum(forms.values()) and top[:1].isupper():
                form = top if top.isupper() and len(top) <= 5 else top[:1] + top[1:].lower()
        words.append(form)
    text = " ".join(words)
    return text[:1].upper() + text[1:] if capital else text


def name_groups(texts: Sequence[str], members: Sequence[Sequence[int]], *,
                centres: np.ndarray | None = None,
                embed: Callable[[list[str]], np.ndarray] | None = None,
                n_candidates: int = N_CANDIDATES) -> list[str]:
    """A short noun phrase naming each group, from its own posts.

    Parameters
    ----------
    texts : sequence of str
        Every post's text (all groups, and noise: it tells common words from typical ones).
    members : sequence of array of int
        The rows of ``texts`` in each group.
    centres : ndarray of shape (n_groups, d), optional
        Each group's unit centre in the embedding space of ``embed``.
    embed : callable, optional
        Unit vectors of a list of texts, with the model the posts were embedded with. With it
        (and ``centres``) candidates are ranked by closeness to their group and distance from
        the neighbours; without it by how typical of the group they are.
    n_candidates : int, default=60
        Candidates per group that are ranked.

    Returns
    -------
    list of str
        One name per group, in the order of ``members``; ``""`` for a group without a phrase
        that can be a name. No two groups share a name while a group has a candidate left: the
        larger group keeps its best phrase, the smaller takes its next.
    """
    docs = _docs(texts)
    members = [np.asarray(m, dtype=np.int64) for m in members]
    candidates, typicality = _typical(docs, members, n_candidates)
    ranked = candidates
    facets = [None] * len(members)
    if embed is not None and centres is not None and len(members):
        ranked, facets = _rank(candidates, typicality, np.asarray(centres, dtype=np.float64),
                               embed)
    out = [""] * len(members)
    taken: set[str] = set()
    # the largest group names first; a name already given goes to the next candidate
    for gi in sorted(range(len(members)), key=lambda i: (-len(members[i]), i)):
        if not ranked[gi]:
            continue
        free = [c for c in ranked[gi] if c not in taken]
        pick = free[0] if free else ranked[gi][0]
        taken.add(pick)
        own = [texts[i] for i in members[gi]]
        head = _display(pick, own)
        second = facets[gi] if pick == ranked[gi][0] else None
        out[gi] = (head if second is None
                   else f"{head} and {_display(second, own, capital=False)}")
    return out


def name_unions(names: Sequence[Sequence[str]], centres: np.ndarray, *,
                embed: Callable[[list[str]], np.ndarray]) -> list[str]:
    """A name for each set of rows taken as one (a feed serving several groups): the one of
    its parts' names that best says what the whole set is about, told apart from the other sets.

    The groups of one feed are one topic in different words ("Refund", "Money back"), each
    named against its closest neighbour, often a sibling. The feed's name is the part's name
    closest to the centre of all the feed's posts minus :data:`NEIGHBOUR_WEIGHT` times its
    likeness to the closest other feed, so it need not be the largest part's; only names that
    passed :func:`name_groups`' rules are used.

    Parameters
    ----------
    names : sequence of sequence of str
        Each set's candidate names (its groups' names, its main group's first: the pick when
        nothing is better or no candidate can be embedded).
    centres : ndarray of shape (n_sets, d)
        The unit centre of each set's posts, in the space of ``embed``.
    embed : callable
        Unit vectors of a list of texts, with the model the posts were embedded with.

    Returns
    -------
    list of str
        One name per set; ``""`` for a set without a candidate.

    Examples
    --------
    >>> space = {"espresso shot": [1.0, 0.0], "espresso": [0.7, 0.7], "latte art": [0.0, 1.0],
    ...          "parcel tracking": [-1.0, 0.0]}
    >>> embed = lambda texts: np.array([space[t.lower()] for t in texts])
    >>> centres = np.array([[1.0, 2.0], [-1.0, 0.0]]) / [[5 ** 0.5], [1.0]]  # 1 shot, 2 latte
    >>> name_unions([["Espresso shot", "Espresso", "Latte art"], ["Parcel tracking"]],
    ...             centres, embed=embed)
    ['Espresso', 'Parcel tracking']
    """
    centres = np.asarray(centres, dtype=np.float64)
    unique = sorted({n for ns in names for n in ns if n})
    out = [next((n for n in ns if n), "") for ns in names]
    if not unique:
        return out
    found = np.asarray(embed(unique), dtype=np.float64)
    if found.ndim != 2 or found.shape[1] != centres.shape[1]:
        return out  # another model's space: the main parts' names
    at = {n: i for i, n in enumerate(unique)}
    sims = found @ centres.T  # (n_unique, n_sets)
    for si, ns in enumerate(names):
        ns = [n for n in ns if n]
        if len(ns) < 2:
            continue
        score = _distinct(sims[[at[n] for n in ns]], si)
        out[si] = ns[int(np.argmax(score))]  # the first best: the main part's on a tie
    return out


def _rank(candidates: list[list[str]], typicality: list[np.ndarray], centres: np.ndarray,
          embed) -> tuple[list, list]:
    """Candidates re-ordered by relevance to their group minus likeness to the closest other
    group, and each group's second facet (or ``None``)."""
    unique = sorted({c for cs in candidates for c in cs})
    if not unique:
        return candidates, [None] * len(candidates)
    vectors = np.asarray(embed(unique), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[1] != centres.shape[1]:
        return candidates, [None] * len(candidates)  # another model's space: typicality only
    at = {c: i for i, c in enumerate(unique)}
    sims = vectors @ centres.T  # (n_unique, n_groups)
    ranked, heads, seconds = [], [], []
    for gi, cs in enumerate(candidates):
        if not cs:
            ranked.append([])
            heads.append(None)
            seconds.append(None)
            continue
        rows = np.array([at[c] for c in cs])
        typical = typicality[gi] / max(float(typicality[gi].max()), 1e-12)
        phrase = np.array([" " in c for c in cs], dtype=np.float64)
        score = _distinct(sims[rows], gi) + TYPICAL_WEIGHT * typical + PHRASE_BONUS * phrase
        order = np.lexsort((np.arange(len(cs)), -score))
        ranked.append([cs[j] for j in order])
        head = order[0]
        heads.append((cs[head], score[head], vectors[rows[head]]))
        seconds.append(_second(cs, rows, vectors, score, head))
    return ranked, _facets(heads, seconds, centres, embed)


def _distinct(sims: np.ndarray, gi: int) -> np.ndarray:
    """Cosine to group ``gi`` minus :data:`NEIGHBOUR_WEIGHT` times the best other group's."""
    own = sims[:, gi]
    if sims.shape[1] == 1:
        return own
    others = np.delete(sims, gi, axis=1).max(axis=1)
    return own - NEIGHBOUR_WEIGHT * others


def _second(cs, rows, vectors, score, head) -> str | None:
    """The best candidate sharing no word with the head and not saying the same thing, if it
    is nearly as good a name as the head on its own."""
    head_words = set(cs[head].split())
    head_vec = vectors[rows[head]]
    best, best_score = None, -np.inf
    for j, c in enumerate(cs):
        if j == head or head_words & set(c.split()) or len(c.split()) + len(head_words) > 4:
            continue
        likeness = float(vectors[rows[j]] @ head_vec)
        if likeness > 0.7 or score[j] < 0.8 * score[head]:
            continue
        mmr = score[j] - 0.5 * likeness
        if mmr > best_score:
            best, best_score = c, mmr
    return best


def _facets(heads, seconds, centres, embed) -> list[str | None]:
    """Each group's second facet, kept only when "head and second" is closer to the group."""
    pairs = [(gi, f"{h[0]} and {s}") for gi, (h, s) in enumerate(zip(heads, seconds, strict=True))
             if h is not None and s is not None]
    out: list[str | None] = [None] * len(heads)
    if not pairs:
        return out
    vectors = np.asarray(embed([p for _, p in pairs]), dtype=np.float64)
    sims = vectors @ centres.T
    for (gi, _), row in zip(pairs, sims, strict=True):
        if _distinct(row[None, :], gi)[0] > heads[gi][1] + FACET_MARGIN:
            out[gi] = seconds[gi]
    return out
