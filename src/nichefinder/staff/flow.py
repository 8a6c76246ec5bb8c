"""Flow: people's half hours to feeds by min-cost flow (:func:`networkx.network_simplex`).

Each feed's workload is split between a lead and backups; one person may carry at most the
lead's share of a feed, so every staffed feed has at least two people; nobody gets more than
their hours. Unit cost is ``1 - fit`` (scaled to integers), plus a spread penalty on hours
beyond half of a person's week and beyond half of the whole workload in one department. Units
nobody can take flow to an *unstaffed* sink: lead units cost more there than backup units, so
every feed gets a lead before any gets a backup.
"""

from __future__ import annotations

import math

import networkx as nx

__all__ = ["fmt", "hours_of", "solve_flow", "units"]

_SCALE = 1000  # fit -> integer cost per half-hour
_SPREAD = 60  # cost per half-hour beyond half a person's week / half the workload in a department
_UNMET_BACKUP = 3 * _SCALE
_UNMET_LEAD = 6 * _SCALE


def units(hours: float) -> int:
    """Whole half-hour units in ``hours``."""
    return int(math.floor(hours * 2 + 1e-9))


def hours_of(units: int) -> float:
    """Hours in half-hour ``units``."""
    return units / 2.0


def fmt(hours: float) -> str:
    """Hours with one decimal, for notes."""
    return f"{hours:.1f}"


def solve_flow(feeds, people, fit, lead_fit, capacity, demand, lead_units, back_units, min_fit):
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
