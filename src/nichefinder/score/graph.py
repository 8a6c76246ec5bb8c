"""Graph: who replies to whom, and does a topic group talk among itself.

Plain functions returning plain containers (the shape of networkx's own algorithms):
:func:`reply_graph` over a posts table, :func:`group_interaction` over the
:class:`~nichefinder.groups.Groups` table. A *community* is a group whose authors answer each
other; a *broadcast* group is one where people post but nobody talks back. Group ``-1`` is noise
and is never described.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"id": ["1", "2"], "author": ["ann", "bob"], "reply_to": [None, "1"]})
>>> g = reply_graph(posts)
>>> g["bob"]["ann"]["weight"]
1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..groups import Groups

__all__ = ["describe_interaction", "group_interaction", "reply_graph"]


def _column(posts: pd.DataFrame, name: str) -> pd.Series:
    if name in posts.columns:
        return posts[name]
    return pd.Series(pd.NA, index=posts.index, dtype="string")


def _reply_pairs(posts: pd.DataFrame) -> pd.DataFrame:
    """One row per reply whose parent is in the table: ``row``, ``author``, ``parent_author``."""
    ids = posts["id"].astype(str).to_numpy()
    authors = _column(posts, "author")
    parent = _column(posts, "reply_to")
    pos = pd.Series(np.arange(len(posts)), index=pd.Index(ids)).groupby(level=0).first()
    has_parent = parent.notna().to_numpy()
    rows = np.flatnonzero(has_parent)
    parent_ids = parent.to_numpy()[rows].astype(str)
    parent_row = pos.reindex(parent_ids).to_numpy()
    found = ~pd.isna(parent_row)
    rows = rows[found]
    parent_row = parent_row[found].astype(int)
    a = authors.to_numpy(dtype=object, na_value=None)
    return pd.DataFrame(
        {"row": rows, "author": a[rows], "parent_author": a[parent_row], "parent_row": parent_row}
    )


def reply_graph(posts: pd.DataFrame) -> nx.DiGraph:
    """Directed author graph: an edge ``a -> b`` when ``a`` replied to a post of ``b``.

    Parameters
    ----------
    posts : pandas.DataFrame
        Columns ``id``, ``author`` and ``reply_to`` (ids of parent posts; missing = not a reply).
        Replies to posts that are not in the table, self-replies and posts without an author add
        no edge.

    Returns
    -------
    networkx.DiGraph
        Nodes are authors (attribute ``n_posts``); edge attribute ``weight`` counts replies.

    Examples
    --------
    >>> posts = pd.DataFrame({"id": ["1", "2", "3"], "author": ["a", "b", "b"],
    ...                       "reply_to": [None, "1", "1"]})
    >>> sorted(reply_graph(posts).edges(data="weight"))
    [('b', 'a', 2)]
    """
    graph = nx.DiGraph()
    authors = _column(posts, "author").dropna().astype(str)
    for author, n in authors.value_counts(sort=False).sort_index().items():
        graph.add_node(author, n_posts=int(n))
    pairs = _reply_pairs(posts)
    pairs = pairs.dropna(subset=["author", "parent_author"])
    pairs = pairs[pairs["author"] != pairs["parent_author"]]
    if len(pairs):
        counts = pairs.groupby(["author", "parent_author"]).size()
        for (a, b), w in counts.items():
            graph.add_edge(str(a), str(b), weight=int(w))
    return graph


def group_interaction(
    groups: Groups,
    *,
    min_reply_share: float = 0.1,
    min_within_share: float = 0.5,
    min_pairs: int = 3,
) -> dict[int, dict[str, Any]]:
    """How much each group's authors talk to each other.

    Parameters
    ----------
    groups : Groups
        The groups (:func:`nichefinder.groups.build_groups`); their posts need ``id`` and, for
        replies, ``author`` and ``reply_to``.
    min_reply_share, min_within_share, min_pairs
        A group is a *community* when at least ``min_reply_share`` of its posts are replies, at
        least ``min_within_share`` of those replies answer authors of the same group, and at
        least ``min_pairs`` distinct pairs of people talk; otherwise it is a *broadcast*.

    Returns
    -------
    dict of int to dict
        Per group: ``n_posts``, ``n_replies`` (posts that reply to another post),
        ``reply_share``, ``within_group_reply_share`` (replies whose parent's author also posts in
        the group; ``None`` without resolvable replies), ``n_author_pairs`` (distinct unordered
        pairs of people replying to each other inside the group), ``largest_component_share``
        (share of the group's authors in the largest connected part of that within-group reply
        graph), ``is_community`` (bool, or ``None`` when the data has no replies or no authors)
        and ``kind`` (``"community"``, ``"broadcast"`` or ``"unknown"``).

    Examples
    --------
    >>> from nichefinder.groups import build_groups
    >>> posts = pd.DataFrame({"id": list("1234"), "author": list("abab"),
    ...                       "reply_to": [None, "1", "2", "3"]})
    >>> groups = build_groups(posts, np.zeros(4, int), np.ones((4, 1)))
    >>> info = group_interaction(groups, min_pairs=1)
    >>> info[0]["kind"], info[0]["n_author_pairs"]
    ('community', 1)
    """
    posts = groups.posts
    parent = _column(posts, "reply_to")
    has_replies = bool(parent.notna().any())
    is_reply = parent.notna().to_numpy()
    replies = _replies_by_group(posts, groups.labels)
    out: dict[int, dict[str, Any]] = {}
    for g, rows in zip(groups.ids, groups.members, strict=True):
        g = int(g)
        n = len(rows)
        n_replies = int(is_reply[rows].sum())
        info: dict[str, Any] = {
            "n_posts": n,
            "n_replies": n_replies,
            "reply_share": n_replies / n if n else 0.0,
            "within_group_reply_share": None,
            "n_author_pairs": None,
            "largest_component_share": None,
            "is_community": None,
            "kind": "unknown",
        }
        if groups.authors is not None:
            info.update(_talk(groups.authors[rows], *replies(g)))
            if has_replies:
                community = (
                    info["reply_share"] >= min_reply_share
                    and (info["within_group_reply_share"] or 0.0) >= min_within_share
                    and info["n_author_pairs"] >= min_pairs
                )
                info["is_community"] = bool(community)
                info["kind"] = "community" if community else "broadcast"
        out[g] = info
    return out


def _replies_by_group(posts: pd.DataFrame, labels: np.ndarray):
    """A function ``g -> (authors, parents' authors)`` of the replies between two different
    known people posted in group ``g``, split by one sort (not one scan of all replies per
    group)."""
    pairs = _reply_pairs(posts)
    p_author = pairs["author"].to_numpy(dtype=object)
    p_parent = pairs["parent_author"].to_numpy(dtype=object)
    known = pd.notna(p_author) & pd.notna(p_parent)
    known[known] = p_author[known] != p_parent[known]
    p_group = labels[pairs["row"].to_numpy()[known]] if len(pairs) else np.array([], int)
    p_author, p_parent = p_author[known], p_parent[known]
    by_group = np.argsort(p_group, kind="stable")
    p_sorted = p_group[by_group]

    def of(g: int):
        lo, hi = np.searchsorted(p_sorted, [g, g + 1], side="left")
        take = by_group[lo:hi]
        return p_author[take], p_parent[take]

    return of


def _talk(authors: np.ndarray, sub_author: np.ndarray, sub_parent: np.ndarray) -> dict:
    """Within-group reply share, pairs of people in conversation and the largest connected
    share of the group's ``authors``, from the group's replies."""
    group_authors = {a for a in authors if a is not None}
    info: dict[str, Any] = {}
    if len(sub_author):
        inside = np.fromiter((a in group_authors for a in sub_parent), bool, len(sub_parent))
        info["within_group_reply_share"] = float(inside.mean())
        talk = zip(sub_author[inside], sub_parent[inside], strict=True)
    else:
        talk = ()
    und = nx.Graph()
    und.add_nodes_from(group_authors)
    und.add_edges_from(talk)
    n_pairs = und.number_of_edges()
    info["n_author_pairs"] = int(n_pairs)
    if group_authors:
        biggest = max(len(c) for c in nx.connected_components(und)) if n_pairs else 1
        info["largest_component_share"] = biggest / len(group_authors)
    return info


def describe_interaction(info: Mapping[str, Any]) -> str:
    """One plain sentence about a group's interaction (used as evidence)."""
    if info.get("kind") == "unknown":
        if info.get("n_author_pairs") is None:
            return "no authors: could not check whether people talk to each other"
        return "no reply data: could not check whether people talk to each other"
    share = info["reply_share"]
    within = info.get("within_group_reply_share")
    within_txt = f", {within:.0%} of them to people in the group" if within is not None else ""
    if info["kind"] == "community":
        return (
            f"people talk to each other: {share:.0%} of posts are replies{within_txt}, "
            f"{info['n_author_pairs']} pairs of people in conversation"
        )
    return (
        f"mostly broadcast: {share:.0%} of posts are replies{within_txt}, "
        f"{info['n_author_pairs']} pairs of people in conversation"
    )
