"""Report: renderers are plain functions of a :class:`~nichefinder.results.Plan`.

:mod:`~nichefinder.report.markdown` and :mod:`~nichefinder.report.html` turn a plan into
``report.md`` and the self-contained ``report.html`` proposal (charts from
:mod:`~nichefinder.report.charts`, words from :mod:`~nichefinder.report.sections`);
:mod:`~nichefinder.report.pdf` prints the proposal to ``report.pdf``;
:mod:`~nichefinder.report.files` writes a plan's folder and reads it back.
"""

from .charts import plot_activity, plot_group_sizes, plot_map, sample_points, weekly_activity
from .files import (
    PLAN_FILES,
    REPORTS,
    UPDATE_FILES,
    atomic_write,
    check_plan_folder,
    check_update_folder,
    plan_to_json,
    points_to_csv,
    read_plan,
    render_reports,
    update_to_json,
    write_plan,
    write_reports,
    write_update,
)
from .formats import md_escape
from .html import render_html, with_details
from .markdown import render_markdown, render_update_markdown, render_update_summary
from .pdf import render_pdf, write_pdf

__all__ = [
    "PLAN_FILES",
    "REPORTS",
    "UPDATE_FILES",
    "atomic_write",
    "check_plan_folder",
    "check_update_folder",
    "md_escape",
    "plan_to_json",
    "plot_activity",
    "plot_group_sizes",
    "plot_map",
    "points_to_csv",
    "read_plan",
    "render_html",
    "render_pdf",
    "render_markdown",
    "render_reports",
    "render_update_markdown",
    "render_update_summary",
    "sample_points",
    "update_to_json",
    "weekly_activity",
    "with_details",
    "write_pdf",
    "write_plan",
    "write_reports",
    "write_update",
]
