"""Plan files: write a plan (or an update) to its folder, and read a saved plan back.

``write_plan`` writes ``plan.json``, ``assignments.csv``, ``report.md`` and ``report.html`` (the
renderers of :mod:`nichefinder.report.markdown` and :mod:`nichefinder.report.html`),
``points.csv`` when the plan carries map coordinates, ``centroids.npy`` (the group centroids
:mod:`nichefinder.update` places new posts with) when the plan carries them, and
``rejects.csv`` when rows were rejected. Every file is written to a temporary name and renamed
into place, so an interrupted run never leaves a half-written plan. ``read_plan`` loads a saved
plan back.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..results import (
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
from .html import render_html
from .markdown import render_markdown, render_update_markdown

__all__ = [
    "REPORTS",
    "atomic_write",
    "plan_to_json",
    "points_to_csv",
    "read_plan",
    "render_reports",
    "update_to_json",
    "write_plan",
    "write_reports",
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


REPORTS = {
    "report": ("report.md", render_markdown),
    "html": ("report.html", render_html),
}
"""The reports of a plan: role -> (file name, renderer). A renderer is a plain function of a
:class:`~nichefinder.results.Plan` returning text (or bytes); :func:`write_plan` and
:func:`write_reports` write each one."""


def render_reports(plan: Plan) -> dict[str, tuple[str, str | bytes]]:
    """Every report of :data:`REPORTS` rendered: role -> (file name, content)."""
    return {role: (name, render(plan)) for role, (name, render) in REPORTS.items()}


def write_reports(plan: Plan, out_dir: str | Path) -> dict[str, Path]:
    """Write (again) only the reports of :data:`REPORTS` to ``out_dir``, each atomically.

    Returns
    -------
    dict
        File role -> path written.
    """
    return _write_files(Path(out_dir), render_reports(plan), [])


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
        **render_reports(plan),
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
