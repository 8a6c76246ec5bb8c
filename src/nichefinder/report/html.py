"""HTML: the plan as one self-contained proposal an agency can send.

:func:`render_html` returns a single HTML document with everything inline (styles and the charts
of :mod:`nichefinder.report.charts` as PNG images in ``data:`` URIs): it opens from disk,
offline, in any browser, and can be emailed or printed to PDF (:mod:`nichefinder.report.pdf`).
The words come from :mod:`nichefinder.report.sections`. It carries no JavaScript at all,
and its Content-Security-Policy forbids scripts, so a post that contains markup is shown as text
and can never run. Every post and name is escaped by Jinja2's autoescaping; every number shown
comes from the :class:`~nichefinder.results.Plan`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone

from ..exceptions import InputError
from ..results import Plan
from .charts import (
    MAX_ACTIVITY_GROUPS,
    MAX_MAP_POINTS,
    activity_figure,
    feed_color,
    group_color,
    heatmap_svg,
    plot_group_sizes,
    plot_map,
    png_data_uri,
    weekly_activity,
)
from .formats import hours, plural
from .sections import (
    feed_times,
    fte,
    goals,
    period_text,
    plain_notes,
    plain_reason,
    plain_staff_reasons,
    platform_lines,
    posting_window,
    rollout,
    team,
    wants,
)

__all__ = ["PAGE_SIZES", "render_html", "with_details"]

PAGE_SIZES = ("A4", "Letter")
"""Paper sizes the printed proposal (and the PDF) is laid out for."""


def _charts(plan: Plan, max_points: int) -> dict[str, dict[str, str]]:
    """Chart images (or the reason one is missing), by name."""
    charts = {}
    if plan.points is not None and len(plan.points):
        charts["map"] = {"src": png_data_uri(plot_map(plan, max_points=max_points)),
                         "alt": "Map of the conversations, one colour and number per feed"}
    else:
        charts["map"] = {"missing": "No map: this plan carries no 2-D coordinates (points.csv)."}
    table = weekly_activity(plan)  # once: it reads every post's time
    if table.empty:
        charts["activity"] = {"missing": "No activity chart: the conversations have no timestamps."}
    else:
        figure = activity_figure(plan, table, max_groups=MAX_ACTIVITY_GROUPS, figsize=(9.0, 4.0))
        charts["activity"] = {"src": png_data_uri(figure),
                              "alt": "Posts per week of each feed"}
    if plan.groups:
        charts["sizes"] = {"src": png_data_uri(plot_group_sizes(plan)),
                           "alt": "Posts per group, coloured by verdict"}
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
    env.filters["feed_color"] = feed_color
    env.filters["fte"] = fte
    env.filters["plural"] = plural
    return env


def _feed_items(plan: Plan) -> list[dict]:
    """Everything a feed's section shows, in plain words."""
    by_id = {g.id: g for g in plan.groups}
    times = feed_times(plan)
    items = []
    for f in plan.feeds:
        groups = [by_id[g] for g in f.groups if g in by_id]
        platforms: dict[str, int] = {}
        for g in groups:
            for name, n in g.platforms.items():
                platforms[name] = platforms.get(name, 0) + n
        table = times.get(f.id)
        window = posting_window(table) if table is not None else None
        items.append({
            "feed": f,
            "number": f.id + 1,
            "color": feed_color(f.id),
            "groups": groups,
            "wants": wants(f),
            "examples": [p for g in groups for p in g.representative_posts][:4],
            "heatmap": heatmap_svg(table, feed_color(f.id), title=f"When the audience of "
                                   f"{f.name} posts") if window is not None else "",
            "window": str(window) if window is not None else "",
            "platforms": platform_lines(f, platforms),
            "staff": [{"role": r, "why": plain_staff_reasons(r.reasons)} for r in f.staff],
            "goals": goals(f, window),
            "notes": plain_notes(f.notes),
        })
    return items


def with_details(plan: Plan, *, client: str | None = None, date: str | None = None,
                 period: str | None = None, page_size: str | None = None) -> Plan:
    """The plan with the proposal's details kept in its parameters (and so in ``plan.json``),
    for every later rendering; ``None`` leaves a detail as it is.

    Examples
    --------
    >>> with_details(plan, client="Kettle & Crumb").parameters["client"]  # doctest: +SKIP
    'Kettle & Crumb'
    """
    if page_size is not None:
        _check_page_size(page_size)
    given = {"client": client, "report_date": date, "period": period, "page_size": page_size}
    extra = {k: v for k, v in given.items() if v is not None}
    return replace(plan, parameters={**plan.parameters, **extra}) if extra else plan


def _check_page_size(page_size: str) -> None:
    if page_size not in PAGE_SIZES:
        raise InputError(f"page size {page_size!r} is not known; use one of "
                         f"{', '.join(PAGE_SIZES)}")


def render_html(plan: Plan, *, max_points: int = MAX_MAP_POINTS, client: str | None = None,
                date: str | None = None, period: str | None = None,
                page_size: str | None = None) -> str:
    """The plan as one self-contained HTML proposal (no network, no JavaScript).

    A cover (client, period, date); an executive summary; the map and activity of the
    conversations; one section per feed (what the audience wants, when it talks with a
    weekday x hour heat map and a suggested window, where and why with each platform's limits
    and tone, who runs it with hours and FTE, code of conduct, goals); the team; a rollout in
    phases; the groups without a feed in plain words; and an appendix with the statistics.
    Printed (or :func:`nichefinder.report.pdf.write_pdf`), each feed starts a page.

    Parameters
    ----------
    plan : Plan
    max_points : int, default=20000
        Posts drawn on the map at most.
    client : str, optional
        Who the proposal is for; default ``plan.parameters["client"]`` when set.
    date : str, optional
        The proposal's date as printed; default ``plan.parameters["report_date"]``, else today
        (UTC). Give it to make two renderings on different days identical.
    period : str, optional
        The period covered, as printed; default from the first and last post.
    page_size : {"A4", "Letter"}, optional
        Paper size when printed; default ``plan.parameters["page_size"]``, else A4.

    Returns
    -------
    str
        The HTML document. Same plan and options -> same text.

    Examples
    --------
    >>> from pathlib import Path
    >>> Path("report.html").write_text(render_html(plan), encoding="utf-8")  # doctest: +SKIP
    """
    params = plan.parameters
    page_size = page_size or params.get("page_size") or "A4"
    _check_page_size(page_size)
    verdicts = Counter(g.verdict for g in plan.groups)
    people, departments = team(plan)
    total_hours = sum(f.hours_per_week for f in plan.feeds)
    env = _environment()
    return env.get_template("report.html.j2").render(
        plan=plan,
        summary=plan.summary,
        client=client if client is not None else params.get("client") or "",
        date=date or params.get("report_date") or _today(),
        period=period or params.get("period") or period_text(plan),
        page_size=page_size,
        feeds=_feed_items(plan),
        groups=list(plan.groups),
        others=[{"group": g, "why": plain_reason(g, plan.feeds)}
                for g in plan.groups if g.verdict != "feed"],
        n_feed_groups=verdicts.get("feed", 0),
        n_merged=verdicts.get("merged", 0),
        n_rejected=verdicts.get("rejected", 0),
        total_hours=total_hours,
        people=people,
        departments=departments,
        rollout=rollout(plan),
        charts=_charts(plan, max_points),
        data_notes=list(params.get("data_notes") or []),
        parameters=params,
    )


def _today() -> str:
    """Today's date (UTC) as printed on the cover: "2 December 2026"."""
    now = datetime.now(timezone.utc)
    return f"{now.day} {now:%B %Y}"
