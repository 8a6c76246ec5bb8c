"""Describe: name each group with distinctive keywords, a short label and typical posts.

Keywords come from class-based TF-IDF (as in BERTopic's ``ClassTfidfTransformer``): all posts of a
group form one document, term frequencies are normalised per group and weighted by
``log(1 + mean words per group / term frequency across groups)``, so words common to every group
(``order``, ``please``) sink and words typical of one group rise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from ..groups import Groups
from ..results import NOISE
from .names import name_groups

__all__ = ["GroupDescription", "describe_groups", "class_tfidf"]

_CLEAN = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_CONTRACTION = re.compile(
    r"\b[a-z]+n[\'’]t\b|\b[a-z]+[\'’](?:m|re|ve|ll|d)\b|\b(?:it|that|what|who|there|he|she|let|here|where)[\'’]s\b"
)
_POSSESSIVE = re.compile(r"[\'’]s\b")
MIN_PHRASE_SHARE = 0.05
"""A two-word keyword must appear in at least this share of its group's posts."""
_STOP = sorted(
    ENGLISH_STOP_WORDS
    | {
        "im",
        "ive",
        "dont",
        "cant",
        "didnt",
        "doesnt",
        "just",
        "got",
        "get",
        "really",
        "thanks",
        "thank",
        "hi",
        "hey",
        "pls",
        "please",
        "lol",
        "amp",
        "yes",
        "ok",
        "okay",
        "like",
        "know",
        "want",
        "need",
        "does",
        "did",
        "anyone",
        "guys",
        "today",
        "yesterday",
        "link",
        "https",
    }
)


@dataclass(frozen=True)
class GroupDescription:
    """Keywords, label and representative posts of one group.

    Attributes
    ----------
    id : int
    label : str
        A short noun phrase from the group's own posts ("Refund and money back"); see
        :mod:`nichefinder.describe.names`.
    keywords : tuple of str
        Most distinctive first.
    representative_posts : tuple of str
        Distinct posts closest to the group centre.
    representative_ids : tuple of str
        Their ids.
    keyword_coverage : float
        Share of the group's posts that contain at least one of its keywords.
    """

    id: int
    label: str
    keywords: tuple[str, ...]
    representative_posts: tuple[str, ...]
    representative_ids: tuple[str, ...]
    keyword_coverage: float = 0.0


def _clean(text) -> str:
    text = str(text)
    # each pattern needs one of these characters to match: skip the ones that cannot
    if "@" in text or "#" in text or "&" in text or "http" in text or "www." in text:
        text = _CLEAN.sub(" ", text)
    text = text.lower()
    if "'" in text or "’" in text:
        text = _CONTRACTION.sub(" ", text)
        text = _POSSESSIVE.sub("", text)
    return text


def class_tfidf(texts: Sequence[str], labels: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix, list]:
    """Class-based TF-IDF of groups; noise (``-1``) is left out.

    Returns
    -------
    groups : ndarray of int
        The group ids, one per row of ``weights``.
    weights : scipy.sparse.csr_matrix
        ``(n_groups, n_terms)`` c-TF-IDF weights.
    terms : list of str
    """
    return _class_tfidf([_clean(t) for t in texts], labels)


def _class_tfidf(docs: list[str], labels: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix, list]:
    """:func:`class_tfidf` of texts already passed through :func:`_clean`."""
    labels = np.asarray(labels)
    groups = np.unique(labels[labels != NOISE])
    if len(groups) == 0:
        return groups, sp.csr_matrix((0, 0)), []
    min_df = 2 if len(docs) >= 50 else 1
    vectorizer = CountVectorizer(
        stop_words=_STOP, ngram_range=(1, 2), min_df=min_df, token_pattern=r"(?u)\b[a-z][a-z']+\b"
    )
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:  # nothing but stop words
        return groups, sp.csr_matrix((len(groups), 0)), []
    # row of each post's group in ``groups`` (-1 for noise), without a Python loop over posts
    rows = np.searchsorted(groups, labels)
    keep = (labels != NOISE) & (rows < len(groups))
    keep[keep] = groups[rows[keep]] == labels[keep]
    rows = np.where(keep, rows, -1)
    membership = sp.csr_matrix(
        (np.ones(keep.sum()), (rows[keep], np.flatnonzero(keep))), shape=(len(groups), len(docs))
    )
    group_counts = membership @ counts
    tf = sp.csr_matrix(group_counts, dtype=np.float64)
    sums = np.asarray(tf.sum(axis=1)).ravel()
    tf = sp.diags(1 / np.where(sums == 0, 1, sums)) @ tf
    freq = np.asarray(group_counts.sum(axis=0)).ravel()
    mean_words = sums.mean()
    idf = np.log1p(mean_words / np.where(freq == 0, 1, freq))
    weights = sp.csr_matrix(tf @ sp.diags(idf))
    # a phrase must be a real phrase of the group, not a rare accident of word order
    presence = membership @ (counts > 0).astype(np.float64)
    share = sp.diags(1 / np.maximum(np.asarray(membership.sum(axis=1)).ravel(), 1)) @ presence
    terms = list(vectorizer.get_feature_names_out())
    unigram = sp.diags(np.array([" " not in t for t in terms], dtype=np.float64))
    kept = sp.csr_matrix(weights.multiply(share >= MIN_PHRASE_SHARE))
    # unigram columns keep their weight; phrase columns only where the phrase is common enough
    weights = sp.csr_matrix(kept + weights @ unigram - kept @ unigram)
    weights.eliminate_zeros()
    return groups, weights, terms


def _top_keywords(row: np.ndarray, terms: list, n: int, rank: np.ndarray | None = None
                  ) -> tuple[str, ...]:
    """The ``n`` best keywords of one group's c-TF-IDF ``row`` (dense, or a sparse 1-row matrix).

    Highest weight first, ties by term; ``rank`` (each term's place in sorted order) saves
    sorting the terms once per group.
    """
    if sp.issparse(row):
        row = sp.csr_matrix(row)
        cols, values = row.indices, row.data
    else:
        cols = np.arange(len(row))
        values = np.asarray(row)
    positive = values > 0  # the walk stops at the first weight <= 0
    cols, values = cols[positive], values[positive]
    if rank is None:
        rank = np.argsort(np.argsort(np.array(terms, dtype=object), kind="stable"), kind="stable")
    order = cols[np.lexsort((rank[cols], -values))]
    chosen: list[str] = []
    for j in order:
        if len(chosen) >= n:
            break
        term = terms[j]
        words = set(term.split())
        # skip a unigram already inside a chosen bigram, and a bigram made of chosen unigrams
        if any(words <= set(c.split()) for c in chosen):
            continue
        chosen = [c for c in chosen if not (" " in term and set(c.split()) <= words)]
        chosen.append(term)
    return tuple(chosen[:n])


def _coverage(texts: Sequence[str], keywords: tuple[str, ...], *, cleaned: bool = False) -> float:
    """Share of ``texts`` containing at least one keyword as whole words.

    ``cleaned=True`` says the texts have already been through :func:`_clean`.
    """
    if not keywords or not len(texts):
        return 0.0
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b")
    search = pattern.search
    if cleaned:
        return float(np.mean([bool(search(t)) for t in texts]))
    return float(np.mean([bool(search(_clean(t))) for t in texts]))


def _label(keywords: tuple[str, ...]) -> str:
    """A short readable name: the two most distinctive keywords, e.g. 'Refund & charged twice'."""
    words = list(keywords[:2])
    return " & ".join(words)[:1].upper() + " & ".join(words)[1:]


def describe_groups(groups: Groups, *, n_keywords: int = 8, n_examples: int = 3,
                    embed=None) -> list[GroupDescription]:
    """Describe every group with keywords, a name and representative posts.

    Parameters
    ----------
    groups : Groups
        The groups (:func:`nichefinder.groups.build_groups`): their posts' ``text`` (links and
        handles are ignored for keywords) and ``id``, their members and centres.
    n_keywords, n_examples : int
        How many keywords and posts to keep per group.
    embed : callable, optional
        Unit vectors of a list of texts with the posts' model: names are then ranked by how
        well they represent the group and how distinct they are from its neighbours
        (:func:`nichefinder.describe.names.name_groups`); without it, by how typical of the
        group they are.

    Returns
    -------
    list of GroupDescription
        One per group, in group-id order.

    Examples
    --------
    >>> import pandas as pd
    >>> from nichefinder.groups import build_groups
    >>> texts = ["refund still missing", "refund please", "parcel is late", "late parcel again"]
    >>> posts = pd.DataFrame({"id": ["a", "b", "c", "d"], "text": texts})
    >>> groups = build_groups(posts, np.array([0, 0, 1, 1]), np.eye(4, dtype=np.float32))
    >>> [(d.label, d.keywords[:2]) for d in describe_groups(groups)]
    [('Refund', ('refund missing',)), ('Late', ('late parcel',))]
    """
    posts = groups.posts
    texts = posts["text"].tolist() if "text" in posts.columns else [""] * len(posts)
    ids = posts["id"].astype(str).tolist() if "id" in posts.columns else \
        [str(i) for i in range(len(posts))]
    docs = [_clean(t) for t in texts]
    _, weights, terms = _class_tfidf(docs, groups.labels)
    weights = sp.csr_matrix(weights)
    rank = (np.argsort(np.argsort(np.array(terms, dtype=object), kind="stable"), kind="stable")
            if terms else None)
    names = name_groups(texts, groups.members, centres=groups.centroids, embed=embed)
    out = []
    for gi, (group, members) in enumerate(zip(groups.ids, groups.members, strict=True)):
        keywords = _top_keywords(weights[gi], terms, n_keywords, rank) if terms else ()
        examples, example_ids = _representatives(texts, ids, members, groups.embeddings,
                                                 groups.means[gi], n_examples)
        out.append(
            GroupDescription(
                id=int(group),
                label=names[gi] or (_label(keywords[:1]) if keywords else f"group {int(group)}"),
                keywords=keywords,
                representative_posts=tuple(examples),
                representative_ids=tuple(example_ids),
                keyword_coverage=_coverage([docs[i] for i in members], keywords, cleaned=True),
            )
        )
    return out


def _representatives(texts, ids, members, embeddings, centre, n: int):
    """The ``n`` distinct posts (and their ids) closest to the group's centre."""
    vectors = embeddings[members]
    sims = vectors @ centre
    order = members[np.lexsort((members, -sims))]
    examples, example_ids, seen = [], [], set()
    for i in order:
        key = " ".join(str(texts[i]).lower().split())
        if key in seen:
            continue
        seen.add(key)
        examples.append(str(texts[i]))
        example_ids.append(ids[i])
        if len(examples) >= n:
            break
    return examples, example_ids
