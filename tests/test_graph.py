"""Graph: reply edges between authors and community vs broadcast groups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nichefinder.groups import build_groups
from nichefinder.score.graph import describe_interaction, reply_graph
from nichefinder.score.graph import group_interaction as interaction_of


def table(rows):
    posts = pd.DataFrame(rows, columns=["id", "author", "reply_to"])
    posts["author"] = posts["author"].astype("string")
    posts["reply_to"] = posts["reply_to"].astype("string")
    return posts


def group_interaction(posts, labels, **options):
    """The interaction of the groups of ``labels`` (their embeddings do not matter here)."""
    return interaction_of(build_groups(posts, labels, np.ones((len(posts), 1))), **options)


def test_reply_graph_counts_author_edges():
    posts = table([
        ("1", "ann", None), ("2", "bob", "1"), ("3", "bob", "1"), ("4", "ann", "2"),
        ("5", "ann", "4"),      # self-reply: no edge
        ("6", "cy", "999"),     # parent not in the data: no edge
        ("7", None, "1"),       # no author: no edge
    ])
    g = reply_graph(posts)
    assert sorted(g.edges(data="weight")) == [("ann", "bob", 1), ("bob", "ann", 2)]
    assert g.nodes["ann"]["n_posts"] == 3
    assert set(g.nodes) == {"ann", "bob", "cy"}


def test_group_interaction_community_vs_broadcast():
    rows = []
    # group 0: a conversation among five people
    people = ["a", "b", "c", "d", "e"]
    for i in range(20):
        parent = str(i - 1) if i else None
        rows.append((str(i), people[i % 5], parent))
    # group 1: a brand broadcasting, one reply from outside the group
    for i in range(20, 35):
        rows.append((str(i), "brand", None))
    rows.append(("35", "zed", "20"))
    posts = table(rows)
    labels = np.array([0] * 20 + [1] * 16)
    info = group_interaction(posts, labels)
    g0, g1 = info[0], info[1]
    assert g0["kind"] == "community" and g0["is_community"] is True
    assert g0["reply_share"] == 19 / 20
    assert g0["within_group_reply_share"] == 1.0
    assert g0["n_author_pairs"] == 5
    assert g0["largest_component_share"] == 1.0
    assert g1["kind"] == "broadcast"
    assert g1["n_author_pairs"] == 1
    assert g1["largest_component_share"] == 1.0
    assert "people talk to each other: 95% of posts are replies" in describe_interaction(g0)
    assert describe_interaction(g1).startswith("mostly broadcast: 6% of posts are replies")


def test_group_interaction_without_replies_or_authors():
    posts = table([(str(i), f"u{i}", None) for i in range(6)])
    labels = np.array([0, 0, 0, -1, 1, 1])
    info = group_interaction(posts, labels)
    assert set(info) == {0, 1}
    assert info[0]["kind"] == "unknown" and info[0]["is_community"] is None
    assert describe_interaction(info[0]).startswith("no reply data")
    posts["author"] = pd.Series(pd.NA, index=posts.index, dtype="string")
    posts.loc[1, "reply_to"] = "0"
    info = group_interaction(posts, labels)
    assert info[0]["n_replies"] == 1 and info[0]["n_author_pairs"] is None
    assert describe_interaction(info[0]).startswith("no authors")


def test_group_interaction_matches_a_scan_per_group():
    """The one-sort split of replies gives what filtering all replies per group gives."""
    import networkx as nx

    rng = np.random.default_rng(0)
    n = 600
    authors = [None if r < 0.05 else f"u{int(r * 80)}" for r in rng.random(n)]
    reply_to = [str(int(rng.integers(0, i))) if i and rng.random() < 0.4 else None
                for i in range(n)]
    posts = table(list(zip([str(i) for i in range(n)], authors, reply_to, strict=True)))
    labels = rng.integers(-1, 7, n)
    info = group_interaction(posts, labels, min_pairs=2)
    for g in range(7):
        rows = np.flatnonzero(labels == g)
        members = {authors[i] for i in rows if authors[i] is not None}
        sub = [(authors[i], authors[int(reply_to[i])]) for i in rows if reply_to[i] is not None]
        sub = [(a, b) for a, b in sub if a is not None and b is not None and a != b]
        inside = [(a, b) for a, b in sub if b in members]
        und = nx.Graph()
        und.add_nodes_from(members)
        und.add_edges_from(inside)
        assert info[g]["within_group_reply_share"] == (len(inside) / len(sub) if sub else None)
        assert info[g]["n_author_pairs"] == und.number_of_edges()
        biggest = max(len(c) for c in nx.connected_components(und)) if inside else 1
        assert info[g]["largest_component_share"] == biggest / len(members)
