"""Charts: plain functions of a plan returning :class:`matplotlib.figure.Figure` objects.

For notebooks as much as for the report:

- :func:`plot_map`: the conversations in 2-D, coloured by group (needs ``plan.points``);
- :func:`plot_group_sizes`: posts per group, coloured by verdict;
- :func:`plot_activity`: posts per week for the largest groups (needs ``plan.points`` timestamps).

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
    "group_color",
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

MAX_ACTIVITY_GROUPS = 8
"""Groups drawn one line each on the activity chart; the rest are summed as "other groups"."""

NOISE_COLOR = "#c8c8c8"
VERDICT_COLORS = {"feed": "#1b7837", "merged": "#5aae61", "rejected": "#b2182b"}


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is a core dependency
        raise MissingDependencyError(
            "nichefinder's charts need matplotlib; install it with: pip install matplotlib"
        ) from exc
    return Figure


def group_color(group: int) -> str:
    """The colour of a group, the same on every chart (``tab20`` by id; grey for noise)."""
    if group == NOISE:
        return NOISE_COLOR
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return to_hex(colormaps["tab20"](int(group) % 20))


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
    """The conversations in 2-D, one colour per group, noise in grey.

    Parameters
    ----------
    plan : Plan
        A plan with ``points`` (``x``, ``y``, ``group``).
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
    noise = pts[pts["group"] == NOISE]
    if len(noise):
        ax.scatter(noise["x"], noise["y"], s=size * 0.6, c=NOISE_COLOR, linewidths=0,
                   label="noise (off-topic)", rasterized=True)
    by_id = {g.id: g for g in plan.groups}
    handles = []
    for gid in sorted(set(pts["group"]) - {NOISE}, key=lambda g: (-(by_id[g].size if g in by_id
                                                                      else 0), g)):
        sub = pts[pts["group"] == gid]
        group = by_id.get(gid)
        label = f"{gid}: {_short(group.label, 30)}" if group else str(gid)
        served = group is None or group.feed is not None
        h = ax.scatter(sub["x"], sub["y"], s=size, c=group_color(gid), linewidths=0,
                       alpha=0.8 if served else 0.3, label=label, rasterized=True)
        if len(handles) < MAX_LEGEND_GROUPS:  # the largest groups get a number on the map
            cx, cy = float(np.median(sub["x"])), float(np.median(sub["y"]))
            ax.annotate(str(gid), (cx, cy), ha="center", va="center", fontsize=8,
                        fontweight="bold", bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                                 "ec": group_color(gid), "alpha": 0.8})
        handles.append(h)
    shown = handles[:MAX_LEGEND_GROUPS]
    if len(noise):
        shown = shown + [ax.collections[0]]
    if shown:
        more = len(handles) > MAX_LEGEND_GROUPS
        ax.legend(handles=shown, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8,
                  frameon=False, markerscale=max(1.0, 6 / size ** 0.5),
                  title="group" + (f" (largest {MAX_LEGEND_GROUPS} of {len(handles)})"
                                   if more else ""))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title("What the audience talks about: one dot per post, one colour per group "
                 "(faded: no feed)", fontsize=11, loc="left")
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
    """Posts per week for the largest groups (one line each) and the rest summed.

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
    by_id = {g.id: g for g in plan.groups}
    order = sorted(table.columns, key=lambda g: (-int(table[g].sum()), g))
    top, rest = order[:max_groups], order[max_groups:]
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    weeks = table.index.to_pydatetime()
    for gid in top:
        label = f"{gid}: {_short(by_id[gid].label, 30)}" if gid in by_id else str(gid)
        ax.plot(weeks, table[gid].to_numpy(), color=group_color(gid), linewidth=1.6, label=label,
                marker="o" if len(weeks) < 30 else None, markersize=3)
    if rest:
        ax.plot(weeks, table[rest].sum(axis=1).to_numpy(), color="#555555", linewidth=1.2,
                linestyle="--", label=f"other {len(rest)} groups")
    ax.set_ylabel("posts per week")
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    ax.set_title("Activity over time: posts per week, largest groups", fontsize=11, loc="left")
    fig.autofmt_xdate()
    return fig


def png_data_uri(fig, dpi: int = 110) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
