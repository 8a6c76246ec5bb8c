"""HTML: the plan as one self-contained proposal an agency can send.

:func:`render_html` returns a single HTML document with everything inline (styles and the charts
of :mod:`nichefinder.report.charts` as PNG images in ``data:`` URIs): it opens from disk,
offline, in any browser, and can be emailed or printed to PDF. It carries no JavaScript at all,
and its Content-Security-Policy forbids scripts, so a post that contains markup is shown as text
and can never run. Every post and name is escaped by Jinja2's autoescaping; every number shown
comes from the :class:`~nichefinder.results.Plan`.
"""

from __future__ import annotations

from collections import Counter

from ..results import Plan
from .charts import (
    MAX_ACTIVITY_GROUPS,
    MAX_MAP_POINTS,
    activity_figure,
    group_color,
    plot_group_sizes,
    plot_map,
    png_data_uri,
    weekly_activity,
)
from .formats import hours

__all__ = ["render_html"]


def _charts(plan: Plan, max_points: int) -> dict[str, dict[str, str]]:
    """Chart images (or the reason one is missing), by name."""
    charts = {}
    if plan.points is not None and len(plan.points):
        charts["map"] = {"src": png_data_uri(plan_map := plot_map(plan, max_points=max_points)),
                         "alt": "Map of the conversations coloured by group"}
        del plan_map
    else:
        charts["map"] = {"missing": "No map: this plan carries no 2-D coordinates (points.csv)."}
    if plan.groups:
        charts["sizes"] = {"src": png_data_uri(plot_group_sizes(plan)),
                           "alt": "Posts per group, coloured by verdict"}
    table = weekly_activity(plan)  # once: it reads every post's time
    if table.empty:
        charts["activity"] = {"missing": "No activity chart: the conversations have no timestamps."}
    else:
        figure = activity_figure(plan, table, max_groups=MAX_ACTIVITY_GROUPS, figsize=(9.0, 4.0))
        charts["activity"] = {"src": png_data_uri(figure),
                              "alt": "Posts per week for the largest groups"}
    return charts


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("nichefinder.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["hours"] = hours
    env.filters["num1"] = lambda x: f"{x:.1f}"
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.filters["color"] = group_color
    return env


def render_html(plan: Plan, *, max_points: int = MAX_MAP_POINTS) -> str:
    """The plan as one self-contained HTML proposal (no network, no JavaScript).

    Sections: executive summary (how many feeds and why), the map of conversations, group sizes
    and activity over time, one section per feed (audience, platforms, volume, keywords, example
    posts, staff with hours, code of conduct), every group that is not a feed of its own with
    the reasons, staffing gaps and notes about the data.

    Parameters
    ----------
    plan : Plan
    max_points : int, default=20000
        Posts drawn on the map at most.

    Returns
    -------
    str
        The HTML document. Same plan -> same text.

    Examples
    --------
    >>> from pathlib import Path
    >>> Path("report.html").write_text(render_html(plan), encoding="utf-8")  # doctest: +SKIP
    """
    by_id = {g.id: g for g in plan.groups}
    verdicts = Counter(g.verdict for g in plan.groups)
    feeds = [
        {
            "feed": f,
            "lead": next((r for r in f.staff if r.role == "lead"), None),
            "groups": [by_id[g] for g in f.groups if g in by_id],
            "intents": sorted(f.intents.items(), key=lambda kv: (-kv[1], kv[0]))[:5],
            "examples": [
                p for g in f.groups if g in by_id for p in by_id[g].representative_posts
            ][:6],
        }
        for f in plan.feeds
    ]
    env = _environment()
    return env.get_template("report.html.j2").render(
        plan=plan,
        summary=plan.summary,
        feeds=feeds,
        groups=list(plan.groups),
        others=[g for g in plan.groups if g.verdict != "feed"],
        n_feed_groups=verdicts.get("feed", 0),
        n_merged=verdicts.get("merged", 0),
        n_rejected=verdicts.get("rejected", 0),
        total_hours=sum(f.hours_per_week for f in plan.feeds),
        charts=_charts(plan, max_points),
        data_notes=list(plan.parameters.get("data_notes") or []),
        parameters=plan.parameters,
    )

