"""Graph: who replies to whom, and does a topic group talk among itself.

Plain functions over a posts table returning plain containers (the shape of networkx's own
algorithms). A *community* is a group whose authors answer each other; a *broadcast* group is
one where people post but nobody talks back. Group ``-1`` is noise and is never described.

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

from ..results import NOISE

__all__ = ["reply_graph", "group_interaction"]


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
    posts: pd.DataFrame,
    labels: np.ndarray,
    *,
    min_reply_share: float = 0.1,
    min_within_share: float = 0.5,
    min_pairs: int = 3,
) -> dict[int, dict[str, Any]]:
    """How much each group's authors talk to each other.

    Parameters
    ----------
    posts : pandas.DataFrame
        Columns ``id``, ``author``, ``reply_to``.
    labels : ndarray of int, shape (n,)
        Group of each post; ``-1`` (noise) is skipped.
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
    >>> posts = pd.DataFrame({"id": list("1234"), "author": list("abab"),
    ...                       "reply_to": [None, "1", "2", "3"]})
    >>> info = group_interaction(posts, np.zeros(4, int), min_pairs=1)
    >>> info[0]["kind"], info[0]["n_author_pairs"]
    ('community', 1)
    """
    labels = np.asarray(labels)
    authors = _column(posts, "author")
    parent = _column(posts, "reply_to")
    has_authors = bool(authors.notna().any())
    has_replies = bool(parent.notna().any())
    is_reply = parent.notna().to_numpy()
    pairs = _reply_pairs(posts)
    a_arr = authors.to_numpy(dtype=object, na_value=None)
    # replies between two different known people, split by the group of the reply (one sort,
    # not one scan of all replies per group)
    p_author = pairs["author"].to_numpy(dtype=object)
    p_parent = pairs["parent_author"].to_numpy(dtype=object)
    known = pd.notna(p_author) & pd.notna(p_parent)
    known[known] = p_author[known] != p_parent[known]
    p_group = labels[pairs["row"].to_numpy()[known]] if len(pairs) else np.array([], int)
    p_author, p_parent = p_author[known], p_parent[known]
    by_group = np.argsort(p_group, kind="stable")
    p_sorted = p_group[by_group]
    members = _rows_by_group(labels)

    out: dict[int, dict[str, Any]] = {}
    for g in sorted(int(x) for x in np.unique(labels) if x != NOISE):
        rows = members[g]
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
        if has_authors:
            group_authors = {a for a in a_arr[rows] if a is not None}
            lo, hi = np.searchsorted(p_sorted, [g, g + 1], side="left")
            take = by_group[lo:hi]
            sub_author, sub_parent = p_author[take], p_parent[take]
            if len(take):
                inside = np.fromiter((a in group_authors for a in sub_parent), bool, len(take))
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
                biggest = 1
                if n_pairs:
                    biggest = max(len(c) for c in nx.connected_components(und))
                info["largest_component_share"] = biggest / len(group_authors)
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


def _rows_by_group(labels: np.ndarray) -> dict[int, np.ndarray]:
    """Rows of each label, ascending (as ``np.flatnonzero(labels == g)``), from one sort."""
    order = np.argsort(labels, kind="stable")
    ids, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    return {int(g): order[a:a + c] for g, a, c in zip(ids, starts, counts, strict=True)}


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
