"""Report: renderers are plain functions of a :class:`~nichefinder.results.Plan`.

``write_plan`` writes ``plan.json``, ``assignments.csv``, ``report.md``, ``report.html`` (the
self-contained proposal of :mod:`nichefinder.proposal`), ``points.csv`` when the plan carries map
coordinates, ``centroids.npy`` (the group centroids :mod:`nichefinder.update` places new posts
with) when the plan carries them, and ``rejects.csv`` when rows were rejected. Every file is
written to a temporary name and renamed into place, so an interrupted run never leaves a
half-written plan. ``read_plan`` loads a saved plan back.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import InputError
from .proposal import render_html
from .results import (
    CENTROIDS_FILE,
    SCHEMA_VERSION,
    Feed,
    Group,
    Plan,
    Score,
    StaffRole,
    Summary,
    Update,
)

__all__ = [
    "plan_to_json",
    "render_markdown",
    "points_to_csv",
    "write_plan",
    "read_plan",
    "atomic_write",
    "render_update_markdown",
    "render_update_summary",
    "update_to_json",
    "write_update",
]

POINTS_COLUMNS = ("id", "x", "y", "timestamp", "platform")
"""Columns of ``points.csv``; ``group`` and ``feed`` come from ``assignments.csv`` on reading."""


def plan_to_json(plan: Plan) -> str:
    """``plan.json`` text: stable key order, UTF-8, two-space indent, trailing newline."""
    return _json_text(plan.to_dict())


def _json_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _write_files(out: Path, files: dict, stale: list) -> dict[str, Path]:
    """Write ``role -> (name, text)`` atomically in ``out`` (created if needed) after removing
    the ``stale`` file names this output does not have; returns role -> path written."""
    out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out / name).unlink(missing_ok=True)
    written = {}
    for role, (name, text) in files.items():
        atomic_write(out / name, text)
        written[role] = out / name
    return written


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` through a temporary file in the same folder and a
    rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    binary = isinstance(text, bytes)
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; plan files are meant to be read and shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def md_escape(text: str) -> str:
    """Escape text for Markdown tables and inline use (pipes, angle brackets, newlines)."""
    text = " ".join(str(text).split())
    for ch, rep in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("`", "\\`"),
                    ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(ch, rep)
    return text


def _hours(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def render_markdown(plan: Plan) -> str:
    """The plan as a Markdown report a strategist can read and forward.

    States how many feeds and why, who staffs each with how many hours, and for every group why
    it is or is not a feed.
    """
    s = plan.summary
    lines = ["# Channel plan", ""]
    lines += [
        f"**{s.feeds} feed(s)** recommended from **{s.groups} interest group(s)** found in "
        f"{s.rows_read} rows: {s.rows_grouped} grouped, {s.rows_noise} off-topic (noise), "
        f"{s.rows_rejected} rejected as unusable input.",
        "",
        "Rule: run as many feeds as there are identifiable, substantial and genuine interest "
        "groups, no more; staff each from whoever in the business has the expertise.",
        "",
    ]
    if plan.feeds:
        lines += ["## Feeds", "",
                  "| # | feed | groups | platforms | posts/week | hours/week | lead |",
                  "|---|---|---|---|---|---|---|"]
        for f in plan.feeds:
            lead = next((r for r in f.staff if r.role == "lead"), None)
            lines.append(
                f"| {f.id} | {md_escape(f.name)} | {', '.join(map(str, f.groups))} | "
                f"{md_escape(', '.join(f.platforms) or '-')} | {f.posts_per_week:.1f} | "
                f"{_hours(f.hours_per_week)} | "
                f"{md_escape(f'{lead.name} ({lead.department})') if lead else 'not staffed'} |"
            )
        lines.append("")
        for f in plan.feeds:
            lines += [f"### Feed {f.id}: {md_escape(f.name)}", ""]
            lines.append(f"- Audience talks about: {md_escape(', '.join(f.keywords))}")
            lines.append(f"- Where: {md_escape(', '.join(f.platforms) or 'unknown')}")
            lines.append(
                f"- Volume: {f.posts_per_week:.1f} posts/week; workload {_hours(f.hours_per_week)} "
                "staff hours/week"
            )
            if f.intents:
                top = sorted(f.intents.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
                lines.append("- Intents: " + ", ".join(f"{md_escape(k)} {v:.0%}" for k, v in top))
            if f.staff:
                lines.append("- Staff:")
                for r in f.staff:
                    why = "; ".join(r.reasons)
                    lines.append(
                        f"  - **{md_escape(r.name)}** ({md_escape(r.department)}), {r.role}, "
                        f"{_hours(r.hours_per_week)} h/week ({r.share_of_week:.0%} of their social "
                        f"time){': ' + md_escape(why) if why else ''}"
                    )
            for note in f.notes:
                lines.append(f"- Note: {md_escape(note)}")
            if f.code_of_conduct:
                lines.append("- Code of conduct:")
                lines += [f"  {i}. {md_escape(rule)}"
                          for i, rule in enumerate(f.code_of_conduct, 1)]
            lines.append("")
    lines += ["## Every group and its verdict", ""]
    for g in plan.groups:
        served = f" -> feed {g.feed}" if g.feed is not None else ""
        lines.append(f"### Group {g.id}: {md_escape(g.label)} ({g.verdict}{served})")
        lines.append("")
        authors = f", {g.n_authors} authors" if g.n_authors is not None else ""
        lines.append(f"{g.size} posts{authors}. Keywords: {md_escape(', '.join(g.keywords))}.")
        lines.append("")
        for reason in g.reasons:
            lines.append(f"- {md_escape(reason)}")
        for name, score in g.scores.items():
            mark = {True: "pass", False: "fail", None: "not judged"}[score.passed]
            evidence = md_escape("; ".join(score.evidence))
            lines.append(f"- {name}: {score.value:.2f} ({mark}); {evidence}")
        if g.representative_posts:
            lines.append("- Typical posts:")
            lines += [f"  > {md_escape(p)}" for p in g.representative_posts]
        lines.append("")
    people: dict[tuple[str, str], list] = {}
    for f in plan.feeds:
        for r in f.staff:
            entry = people.setdefault((r.name, r.department), [0.0, 0.0, []])
            entry[0] += r.hours_per_week
            entry[1] += r.share_of_week
            entry[2].append(f"{r.role} on feed {f.id}")
    if people:
        lines += ["## Hours per person", "", "| person | department | hours/week | share of their "
                  "social time | roles |", "|---|---|---|---|---|"]
        for (name, dept), (hours, share, roles) in sorted(
            people.items(), key=lambda kv: (-kv[1][0], kv[0])
        ):
            lines.append(
                f"| {md_escape(name)} | {md_escape(dept)} | {_hours(hours)} | {share:.0%} | "
                f"{md_escape(', '.join(roles))} |"
            )
        lines.append("")
    if plan.staffing_notes:
        lines += ["## Staffing gaps and needs", ""]
        lines += [f"- {md_escape(n)}" for n in plan.staffing_notes]
        lines.append("")
    notes = plan.parameters.get("data_notes") or []
    if notes:
        lines += ["## About the data", ""] + [f"- {md_escape(n)}" for n in notes] + [""]
    return "\n".join(lines)


def points_to_csv(points: pd.DataFrame) -> str:
    """``points.csv`` text: ``id,x,y,timestamp,platform``; coordinates to 4 decimals, UTC times."""
    frame = pd.DataFrame({"id": points["id"].astype("string")})
    for axis in ("x", "y"):
        frame[axis] = points[axis].astype(float).round(4)
    ts = points["timestamp"] if "timestamp" in points else pd.Series(pd.NaT, index=points.index)
    ts = pd.to_datetime(ts, utc=True, errors="coerce")
    frame["timestamp"] = ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    frame["platform"] = points["platform"] if "platform" in points else pd.NA
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.4f")


def _read_points(path: Path, assignments: pd.DataFrame) -> pd.DataFrame:
    """Load ``points.csv`` and add ``group`` and ``feed`` from the assignments, by id."""
    raw = pd.read_csv(path, dtype={"id": str, "platform": "string"}, keep_default_na=True)
    points = pd.DataFrame(
        {"id": raw["id"], "x": raw["x"].astype(float), "y": raw["y"].astype(float)}
    )
    same_rows = len(assignments) == len(raw) and (
        assignments["id"].astype(str).to_numpy() == raw["id"].to_numpy()
    ).all()
    if same_rows:
        points["group"] = assignments["group"].to_numpy()
        points["feed"] = assignments["feed"].array
    else:
        first = assignments.drop_duplicates("id").set_index("id")
        points["group"] = raw["id"].map(first["group"]).fillna(-1).astype("int64")
        points["feed"] = raw["id"].map(first["feed"]).astype("Int64")
    points["timestamp"] = pd.to_datetime(
        raw["timestamp"], utc=True, errors="coerce", format="ISO8601"
    )
    points["platform"] = raw["platform"]
    return points


def write_plan(plan: Plan, out_dir: str | Path) -> dict[str, Path]:
    """Write the plan's files to ``out_dir`` (created if needed), each atomically.

    Returns
    -------
    dict
        File role -> path written.
    """
    files = {
        "plan": ("plan.json", plan_to_json(plan)),
        "assignments": (
            "assignments.csv",
            plan.assignments.to_csv(index=False, lineterminator="\n"),
        ),
        "report": ("report.md", render_markdown(plan)),
        "html": ("report.html", render_html(plan)),
    }
    stale = []
    if plan.points is not None:
        files["points"] = ("points.csv", points_to_csv(plan.points))
    else:
        stale.append("points.csv")
    if len(plan.rejects):
        files["rejects"] = ("rejects.csv", plan.rejects.to_csv(index=False, lineterminator="\n"))
    else:
        stale.append("rejects.csv")
    if plan.centroids is not None and plan.fences is not None:
        files["centroids"] = (CENTROIDS_FILE, _npy_bytes(plan.centroids))
    else:
        stale.append(CENTROIDS_FILE)
    return _write_files(Path(out_dir), files, stale)


def _npy_bytes(centroids) -> bytes:
    """``.npy`` bytes of little-endian float32 centroids (no timestamps: same plan, same bytes)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(centroids, dtype="<f4"), allow_pickle=False)
    return buffer.getvalue()


def _read_centroids(folder: Path, meta: dict | None, n_groups: int):
    """Centroids and fences of a saved plan; ``(None, None)`` when the folder has none."""
    if not meta or not (folder / CENTROIDS_FILE).exists():
        return None, None
    path = folder / CENTROIDS_FILE
    fix = "re-run nichefinder plan to write it again"
    try:
        centroids = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path.name} in {str(folder)!r} cannot be read ({exc}); {fix}",
                         path=str(path)) from None
    fences = np.asarray(meta.get("fences", ()), dtype=np.float64)
    expected = (n_groups, int(meta.get("dimensions", -1)))
    if centroids.ndim != 2 or centroids.shape != expected or fences.shape != (n_groups,):
        raise InputError(
            f"{path.name} in {str(folder)!r} holds {centroids.shape} centroids and plan.json "
            f"{fences.shape[0]} fences for {n_groups} groups of {expected[1]} dimensions; the "
            f"files do not belong together; {fix}", path=str(path))
    return centroids.astype(np.float32), fences


def _score(d: dict) -> Score:
    return Score(d["value"], d["passed"], tuple(d.get("evidence", ())), dict(d.get("metrics", {})))


def read_plan(path: str | Path) -> Plan:
    """Load a plan written by :func:`write_plan` (give the folder or its ``plan.json``)."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    file = folder / "plan.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"no plan at {str(file)!r}; run nichefinder plan first", path=str(file)
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{file.name} is not valid JSON (line {exc.lineno}: {exc.msg})", path=str(file)
        ) from exc
    if str(data.get("schema_version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(
            f"{file.name} has schema_version {data.get('schema_version')!r}; this nichefinder "
            f"reads {SCHEMA_VERSION}; re-run nichefinder plan",
            path=str(file),
        )
    groups = tuple(
        Group(
            **{
                **g,
                "keywords": tuple(g["keywords"]),
                "representative_posts": tuple(g["representative_posts"]),
                "reasons": tuple(g["reasons"]),
                "scores": {k: _score(v) for k, v in g["scores"].items()},
            }
        )
        for g in data["groups"]
    )
    feeds = tuple(
        Feed(
            **{
                **f,
                "groups": tuple(f["groups"]),
                "platforms": tuple(f["platforms"]),
                "keywords": tuple(f["keywords"]),
                "code_of_conduct": tuple(f["code_of_conduct"]),
                "notes": tuple(f["notes"]),
                "staff": tuple(
                    StaffRole(**{**r, "reasons": tuple(r["reasons"])}) for r in f["staff"]
                ),
            }
        )
        for f in data["feeds"]
    )
    assign_path = folder / "assignments.csv"
    assignments = (
        pd.read_csv(assign_path, dtype={"id": str, "group": "int64", "feed": "Int64"})
        if assign_path.exists()
        else pd.DataFrame(columns=["id", "group", "feed"])
    )
    rejects_path = folder / "rejects.csv"
    rejects = (
        pd.read_csv(rejects_path, dtype=str, keep_default_na=False)
        if rejects_path.exists()
        else pd.DataFrame(columns=["source", "row", "id", "reason", "content"])
    )
    points_path = folder / "points.csv"
    points = _read_points(points_path, assignments) if points_path.exists() else None
    centroids, fences = _read_centroids(folder, data.get("centroids"), len(groups))
    center = (data.get("centroids") or {}).get("center")
    center = None if center is None or centroids is None else np.asarray(center, np.float32)
    return Plan(
        summary=Summary(**data["summary"]),
        groups=groups,
        feeds=feeds,
        assignments=assignments,
        rejects=rejects,
        staffing_notes=tuple(data.get("staffing_notes", ())),
        parameters=data.get("parameters", {}),
        points=points,
        centroids=centroids,
        fences=fences,
        center=center,
    )


# -------------------------------------------------------------------------------- updates


def _pct(x: float) -> str:
    return "<1%" if 0 < x < 0.005 else f"{x:.0%}"


def render_update_summary(update: Update) -> str:
    """A few lines for a terminal: rows, each feed's share against the plan's, the verdict."""
    s = update.summary
    lines = [
        f"{s.rows_read} rows read: {s.rows_assigned} placed in the plan's groups, "
        f"{s.rows_noise} fit no group (noise), {s.rows_rejected} rejected.",
        f"Noise: {_pct(update.noise_share)} of new posts (plan: {_pct(update.plan_noise_share)}).",
    ]
    for row in update.feeds.itertuples():
        flag = f" [{row.status}]" if row.status in ("collapsed", "growing") else ""
        lines.append(f"  feed {row.feed}: {row.name}: {row.new_posts} posts, "
                     f"{_pct(row.new_share)} (plan {_pct(row.plan_share)}){flag}")
    n_new = s.rows_assigned + s.rows_noise
    unserved = s.rows_assigned - s.rows_served
    plan_unserved = 1.0 - update.plan_noise_share - float(update.feeds["plan_share"].sum())
    lines.append(f"  no feed: {unserved} posts, {_pct(unserved / n_new if n_new else 0.0)} "
                 f"(plan {_pct(max(plan_unserved, 0.0))})")
    for g in update.new_groups:
        kind = "emerging" if g.emerging else "below the plan's bars"
        people = f" from {g.n_authors} people" if g.n_authors is not None else ""
        lines.append(f"New group {g.id} ({kind}): {g.label}: {g.size} posts{people}; "
                     f"keywords: {', '.join(g.keywords[:5])}")
    lines.append(f"Verdict: {update.verdict}. {update.reason}")
    return "\n".join(lines)


def render_update_markdown(update: Update) -> str:
    """``update.md``: the verdict, the feeds against the plan, new groups, notes."""
    s = update.summary
    lines = ["# Plan update", "", f"**Verdict: {update.verdict}.** {md_escape(update.reason)}", "",
             f"{s.rows_read} rows read: {s.rows_assigned} placed in the plan's groups "
             f"({s.rows_served} in groups a feed serves), {s.rows_noise} fit no group (noise), "
             f"{s.rows_rejected} rejected as unusable input. Noise: "
             f"{_pct(update.noise_share)} of new posts (plan: {_pct(update.plan_noise_share)}).",
             ""]

    def rate(x) -> str:
        return "-" if pd.isna(x) else f"{x:.1f}"

    if len(update.feeds):
        lines += ["## Feeds", "", "| # | feed | new posts | share | plan share | posts/week | "
                  "plan posts/week | status |", "|---|---|---|---|---|---|---|---|"]
        for r in update.feeds.itertuples():
            lines.append(f"| {r.feed} | {md_escape(r.name)} | {r.new_posts} | "
                         f"{_pct(r.new_share)} | "
                         f"{_pct(r.plan_share)} | {rate(r.posts_per_week)} | "
                         f"{rate(r.plan_posts_per_week)} | {r.status} |")
        lines.append("")
    lines += ["## Groups", "", "| group | label | feed | new posts | share | plan share | status |",
              "|---|---|---|---|---|---|---|"]
    for r in update.groups.itertuples():
        lines.append(f"| {r.group} | {md_escape(r.label)} | {'-' if pd.isna(r.feed) else r.feed} | "
                     f"{r.new_posts} | {_pct(r.new_share)} | {_pct(r.plan_share)} | {r.status} |")
    lines.append("")
    if update.new_groups:
        lines += ["## New groups", "",
                  f"Found among the {s.rows_outside} new posts outside every group's core.", ""]
        for g in update.new_groups:
            kind = "emerging" if g.emerging else "below the plan's bars"
            lines += [f"### New group {g.id}: {md_escape(g.label)} ({kind})", ""]
            people = f" from {g.n_authors} people" if g.n_authors is not None else ""
            near = (f" Closest plan group: {g.nearest_group} (similarity "
                    f"{g.nearest_similarity:.2f})." if g.nearest_group is not None else "")
            keywords = md_escape(", ".join(g.keywords))
            lines += [f"{g.size} posts{people}.{near} Keywords: {keywords}.", ""]
            lines += [f"- {md_escape(r)}" for r in g.reasons]
            if g.representative_posts:
                lines.append("- Typical posts:")
                lines += [f"  > {md_escape(p)}" for p in g.representative_posts]
            lines.append("")
    if update.notes:
        lines += ["## About the data", ""] + [f"- {md_escape(n)}" for n in update.notes] + [""]
    return "\n".join(lines)


def update_to_json(update: Update) -> str:
    """``update.json`` text: stable key order, UTF-8, two-space indent, trailing newline."""
    return _json_text(update.to_dict())


def write_update(update: Update, out_dir: str | Path) -> dict[str, Path]:
    """Write ``update.json``, ``update_assignments.csv``, ``update.md`` and ``rejects.csv``.

    Each file is written atomically (a temporary file and a rename); ``rejects.csv`` only when
    rows were rejected (a stale one is removed). The same update gives the same bytes.

    Returns
    -------
    dict
        File role -> path written.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; give a folder for the update files")
    files = {
        "update": ("update.json", update_to_json(update)),
        "assignments": ("update_assignments.csv", update.assignments.to_csv(
            index=False, lineterminator="\n", float_format="%.4f")),
        "report": ("update.md", render_update_markdown(update)),
    }
    stale = []
    if update.rejects is not None and len(update.rejects):
        files["rejects"] = ("rejects.csv", update.rejects.to_csv(index=False,
                                                                  lineterminator="\n"))
    else:
        stale.append("rejects.csv")
    return _write_files(out, files, stale)
