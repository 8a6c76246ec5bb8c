"""Charts: plain functions of a plan returning :class:`matplotlib.figure.Figure` objects.

For notebooks as much as for the report:

- :func:`plot_map`: the conversations in 2-D, coloured by feed, so the groups a feed serves
  together share its colour and number (needs ``plan.points``);
- :func:`plot_group_sizes`: posts per group, coloured by verdict;
- :func:`plot_activity`: posts per week of each feed (needs ``plan.points`` timestamps);
- :func:`heatmap_svg`: a weekday x hour table as a small inline SVG.

Colours are colour-blind safe and distinct: Okabe and Ito's palette (without its pale yellow),
then Paul Tol's muted scheme; groups without a feed are grey.

Figures are built with :class:`matplotlib.figure.Figure` directly, never through ``pyplot``, so
rendering a report touches no global state and opens no window.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd

from ..exceptions import InputError, MissingDependencyError
from ..results import NOISE, Plan

__all__ = [
    "PALETTE",
    "feed_color",
    "group_color",
    "heatmap_svg",
    "plot_activity",
    "plot_group_sizes",
    "plot_map",
    "png_data_uri",
    "sample_points",
    "weekly_activity",
]

MAX_MAP_POINTS = 20_000
"""Most posts drawn on the map; more are sampled evenly within each group."""

MAX_LEGEND_GROUPS = 20
"""Groups named in the map's legend and numbered on the map (the largest)."""

MAX_BAR_GROUPS = 40
"""Groups drawn on the group-size chart (the largest; the table in the report lists all)."""

MAX_ACTIVITY_GROUPS = 12
"""Feeds drawn one line each on the activity chart (the busiest)."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000",
           "#882255", "#44AA99", "#999933", "#332288", "#AA4499")
"""Okabe-Ito (no yellow) then Tol muted: distinct for the common forms of colour blindness."""

NOISE_COLOR = "#dddddd"
UNSERVED_COLOR = "#a9a9a9"
VERDICT_COLORS = {"feed": "#009E73", "merged": "#56B4E9", "rejected": "#D55E00"}


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is a core dependency
        raise MissingDependencyError(
            "nichefinder's charts need matplotlib; install it with: pip install matplotlib"
        ) from exc
    return Figure


def feed_color(feed) -> str:
    """The colour of a feed, the same on every chart and section; grey for no feed."""
    if feed is None or pd.isna(feed) or int(feed) < 0:
        return UNSERVED_COLOR
    return PALETTE[int(feed) % len(PALETTE)]


def group_color(group: int) -> str:
    """The colour of a group by its id (:data:`PALETTE`; grey for noise).

    The report colours a group by the feed serving it (:func:`feed_color`); this is the colour
    of a group on its own, for a chart of groups without feeds.
    """
    if group == NOISE:
        return NOISE_COLOR
    return PALETTE[int(group) % len(PALETTE)]


def _short(text: str, width: int = 38) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def sample_points(points: pd.DataFrame, max_points: int = MAX_MAP_POINTS) -> pd.DataFrame:
    """At most ``max_points`` rows of ``points``, evenly strided within each group.

    Every group keeps a share proportional to its size and at least ``min(size, 30)`` posts, so
    small groups stay visible. Deterministic: no random numbers are drawn.
    """
    n = len(points)
    if n <= max_points:
        return points
    keep = []
    groups = points["group"].to_numpy()
    # rows of every group, ascending, from one sort (not one scan of all points per group)
    order = np.argsort(groups, kind="stable")
    _, starts, counts = np.unique(groups[order], return_index=True, return_counts=True)
    for start, count in zip(starts, counts, strict=True):
        rows = order[start:start + count]
        quota = min(len(rows), max(30, int(len(rows) * max_points / n)))
        keep.append(rows[np.linspace(0, len(rows) - 1, quota).astype(np.int64)])
    return points.iloc[np.sort(np.concatenate(keep))]


def weekly_activity(plan: Plan) -> pd.DataFrame:
    """Posts per week per group, from ``plan.points`` timestamps.

    Returns
    -------
    pandas.DataFrame
        Index: the Monday (UTC) starting each week, every week from the first to the last post;
        columns: group ids (noise excluded); values: posts that week. Empty when the plan has no
        points or no timestamps.

    Examples
    --------
    >>> weekly_activity(plan).sum()  # doctest: +SKIP
    """
    pts = plan.points
    if pts is None or "timestamp" not in pts:
        return pd.DataFrame()
    ts = pd.to_datetime(pts["timestamp"], utc=True, errors="coerce")
    ok = ts.notna() & (pts["group"] != NOISE)
    if not ok.any():
        return pd.DataFrame()
    day = ts[ok].dt.tz_convert("UTC").dt.floor("D")
    week = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.tz_localize(None)
    table = pd.crosstab(week.to_numpy(), pts.loc[ok, "group"].to_numpy())
    full = pd.date_range(table.index.min(), table.index.max(), freq="7D")
    table = table.reindex(full, fill_value=0)
    table.index.name = "week"
    table.columns.name = "group"
    return table


def plot_map(plan: Plan, *, max_points: int = MAX_MAP_POINTS, figsize=(9.0, 6.5)):
    """The conversations in 2-D: one colour and number per feed, grey for groups without one.

    The groups a feed serves together share its colour and carry its number, so a merged group
    is visibly tied to its feed.

    Parameters
    ----------
    plan : Plan
        A plan with ``points`` (``x``, ``y``, ``group``; ``feed`` when served).
    max_points : int, default=20000
        Posts drawn at most (see :func:`sample_points`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> plot_map(plan)  # doctest: +SKIP
    """
    if plan.points is None or not len(plan.points):
        raise InputError(
            "this plan has no map coordinates (plan.points is None); it was made by a nichefinder "
            "without maps or read from a folder without points.csv; re-run nichefinder plan"
        )
    Figure = _require_matplotlib()
    pts = sample_points(plan.points, max_points)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    size = float(np.clip(30000 / max(len(pts), 1), 1.5, 14))
    feed_of = {g.id: g.feed for g in plan.groups}
    groups = pts["group"].to_numpy()
    served = np.array([feed_of.get(int(g)) is not None for g in groups])
    noise = groups == NOISE
    handles = []
    if noise.any():
        handles.append(ax.scatter(pts["x"][noise], pts["y"][noise], s=size * 0.5, c=NOISE_COLOR,
                                  linewidths=0, label="off-topic posts", rasterized=True))
    rest = ~noise & ~served
    if rest.any():
        handles.append(ax.scatter(pts["x"][rest], pts["y"][rest], s=size * 0.7,
                                  c=UNSERVED_COLOR, linewidths=0, alpha=0.6,
                                  label="groups without a feed", rasterized=True))
    for f in plan.feeds:
        mine = np.isin(groups, list(f.groups))
        if not mine.any():
            continue
        handles.append(ax.scatter(pts["x"][mine], pts["y"][mine], s=size, c=feed_color(f.id),
                                  linewidths=0, alpha=0.85, rasterized=True,
                                  label=f"{f.id + 1}: {_short(f.name, 32)}"))
        for g in f.groups:  # every group the feed serves carries its number
            sub = pts[groups == g]
            if len(sub):
                ax.annotate(str(f.id + 1), (float(np.median(sub["x"])),
                                            float(np.median(sub["y"]))),
                            ha="center", va="center", fontsize=8, fontweight="bold",
                            bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                  "ec": feed_color(f.id), "lw": 1.5})
    if handles:
        ax.legend(handles=handles[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5),
                  fontsize=8, frameon=False, markerscale=max(1.0, 6 / size ** 0.5),
                  title="feed")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("What the audience talks about: one dot per post, one colour per feed",
                 fontsize=11, loc="left")
    return fig


def plot_group_sizes(plan: Plan, *, max_groups: int = MAX_BAR_GROUPS, figsize=None):
    """Posts per group as horizontal bars, coloured by verdict (feed, merged, rejected).

    Parameters
    ----------
    plan : Plan
    max_groups : int, default=40
        Bars drawn at most: the largest groups (ties by id).

    Returns
    -------
    matplotlib.figure.Figure
    """
    Figure = _require_matplotlib()
    every = list(plan.groups)
    groups = sorted(every, key=lambda g: (-g.size, g.id))[:max_groups]
    height = figsize[1] if figsize else min(0.32 * max(len(groups), 1) + 1.2, 14)
    fig = Figure(figsize=figsize or (9.0, height), layout="constrained")
    ax = fig.add_subplot()
    if not groups:
        ax.text(0.5, 0.5, "no groups found", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    names = [f"{g.id}: {_short(g.label, 40)}" for g in groups]
    sizes = [g.size for g in groups]
    colors = [VERDICT_COLORS.get(g.verdict, "#777777") for g in groups]
    ypos = np.arange(len(groups))
    ax.barh(ypos, sizes, color=colors)
    ax.set_yticks(ypos, names, fontsize=8)
    ax.invert_yaxis()
    for y, value in zip(ypos, sizes, strict=True):
        ax.text(value, y, f" {value}", va="center", fontsize=7)
    ax.set_xlabel("posts")
    from matplotlib.patches import Patch

    present = [v for v in VERDICT_COLORS if any(g.verdict == v for g in every)]
    ax.legend(handles=[Patch(color=VERDICT_COLORS[v], label=v) for v in present],
              loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Posts per group, by verdict" + (
        f" (largest {len(groups)} of {len(every)})" if len(groups) < len(every) else ""),
        fontsize=11, loc="left")
    return fig


def plot_activity(plan: Plan, *, max_groups: int = MAX_ACTIVITY_GROUPS, figsize=(9.0, 4.0)):
    """Posts per week of each feed (the busiest ``max_groups`` feeds), one line each.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> plot_activity(plan)  # doctest: +SKIP
    """
    return activity_figure(plan, weekly_activity(plan), max_groups=max_groups, figsize=figsize)


def activity_figure(plan: Plan, table: pd.DataFrame, *, max_groups: int, figsize):
    """:func:`plot_activity` from an already computed :func:`weekly_activity` table."""
    if table.empty:
        raise InputError(
            "this plan has no timestamps to chart (plan.points is missing or has no timestamp); "
            "give the conversations a timestamp column to see activity over time"
        )
    Figure = _require_matplotlib()
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    weeks = table.index.to_pydatetime()
    feeds = sorted(plan.feeds, key=lambda f: (-f.posts_per_week, f.id))[:max_groups]
    for f in feeds:
        columns = [g for g in f.groups if g in table.columns]
        if not columns:
            continue
        ax.plot(weeks, table[columns].sum(axis=1).to_numpy(), color=feed_color(f.id),
                linewidth=1.8, label=f"{f.id + 1}: {_short(f.name, 30)}",
                marker="o" if len(weeks) < 30 else None, markersize=3)
    ax.set_ylabel("posts per week")
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_lines():
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    ax.set_title("Activity over time: posts per week of each feed", fontsize=11, loc="left")
    fig.autofmt_xdate()
    return fig


def heatmap_svg(table: np.ndarray, color: str, *, title: str = "") -> str:
    """A weekday x hour table (7 x 24, Monday first, UTC) as a small self-contained SVG.

    Darker cells hold more posts; the SVG has a ``<title>`` for screen readers and no script.

    Examples
    --------
    >>> svg = heatmap_svg(np.ones((7, 24), int), "#0072B2", title="When they talk")
    >>> svg.startswith("<svg") and svg.count("<rect") == 7 * 24
    True
    """
    from html import escape

    cell, left, top = 16, 34, 16
    width, height = left + 24 * cell + 2, top + 7 * cell + 2
    peak = max(int(np.max(table)), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    for h in range(0, 24, 3):
        parts.append(f'<text x="{left + h * cell + 1}" y="11" font-size="9" '
                     f'fill="#5b6475">{h:02d}</text>')
    for d, day in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        y = top + d * cell
        parts.append(f'<text x="0" y="{y + 11}" font-size="10" fill="#5b6475">{day}</text>')
        for h in range(24):
            alpha = 0.06 + 0.94 * (int(table[d, h]) / peak) ** 0.7
            parts.append(f'<rect x="{left + h * cell}" y="{y}" width="{cell - 1}" '
                         f'height="{cell - 1}" fill="{color}" fill-opacity="{alpha:.2f}"/>')
    parts.append("</svg>")
    return "".join(parts)


def png_data_uri(fig, dpi: int = 110) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
