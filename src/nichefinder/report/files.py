"""Plan files: write a plan (or an update) to its folder, and read a saved plan back.

``write_plan`` writes ``plan.json``, ``assignments.csv``, ``report.md`` and ``report.html`` (the
renderers of :mod:`nichefinder.report.markdown` and :mod:`nichefinder.report.html`),
``points.csv`` when the plan carries map coordinates, ``centroids.npy`` (the group centroids
:mod:`nichefinder.update` places new posts with) when the plan carries them, and
``rejects.csv`` when rows were rejected. The folder is replaced as a whole
(:mod:`nichefinder.report.folder`), so an interrupted run leaves the old plan or the new one,
and files nichefinder did not write are never dropped; CSV text cells are neutralised against
spreadsheet formulas (:mod:`nichefinder.report.csvsafe`). ``read_plan`` loads a saved plan back,
each field checked (:mod:`nichefinder.report.planfile`).
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
    Plan,
    Update,
)
from .csvsafe import csv_text, read_back
from .folder import check_folder, replace_folder
from .html import render_html
from .markdown import render_markdown, render_update_markdown
from .planfile import plan_from_dict

__all__ = [
    "PLAN_FILES",
    "REPORTS",
    "UPDATE_FILES",
    "atomic_write",
    "check_plan_folder",
    "check_update_folder",
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
    return csv_text(frame, float_format="%.4f")


def _read_points(path: Path, assignments: pd.DataFrame) -> pd.DataFrame:
    """Load ``points.csv`` and add ``group`` and ``feed`` from the assignments, by id."""
    raw = read_back(pd.read_csv(path, dtype={"id": str, "platform": "string"},
                                keep_default_na=True), ["id", "platform"])
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


def render_reports(plan: Plan, *, pdf: bool = False) -> dict[str, tuple[str, str | bytes]]:
    """Every report of :data:`REPORTS` rendered, and the PDF with ``pdf``: role -> (file name,
    content)."""
    out = {role: (name, render(plan)) for role, (name, render) in REPORTS.items()}
    if pdf:
        from .pdf import render_pdf

        out["pdf"] = (PDF_FILE, render_pdf(plan))
    return out


PDF_FILE = "report.pdf"
"""The printed proposal, written with ``pdf=True`` (:mod:`nichefinder.report.pdf`)."""

PLAN_FILES = ("plan.json", "assignments.csv", *(name for name, _ in REPORTS.values()),
              PDF_FILE, "points.csv", "rejects.csv", CENTROIDS_FILE)
"""Every file a plan folder may hold; :func:`write_plan` writes or drops only these."""

UPDATE_FILES = ("update.json", "update_assignments.csv", "update.md", "update_rejects.csv")
"""Every file :func:`write_update` writes or drops; an update never touches a plan's files."""


def _write(out_dir, files: dict, drop) -> dict[str, Path]:
    """Replace ``out_dir`` with one holding ``files`` (role -> (name, content)), in one swap;
    role -> path written."""
    by_name = {name: content for name, content in files.values()}
    check_folder(out_dir, by_name, legacy=PLAN_FILES)
    paths = replace_folder(out_dir, by_name, drop, legacy=PLAN_FILES)
    return {role: paths[name] for role, (name, _) in files.items()}


def check_plan_folder(out_dir, inputs=()) -> Path:
    """Check before any work that a plan can be written to ``out_dir``
    (:func:`nichefinder.report.folder.check_folder` with :data:`PLAN_FILES`).

    Raises
    ------
    InputError
        It cannot be made or written, or holds a plan file name nichefinder did not write, or
        an input under one of those names.
    """
    return check_folder(out_dir, PLAN_FILES, inputs=inputs, legacy=PLAN_FILES)


def check_update_folder(out_dir, inputs=()) -> Path:
    """As :func:`check_plan_folder`, for the files of :data:`UPDATE_FILES`."""
    return check_folder(out_dir, UPDATE_FILES, inputs=inputs, legacy=PLAN_FILES)


def write_reports(plan: Plan, out_dir: str | Path, *, pdf: bool = False) -> dict[str, Path]:
    """Write (again) only the reports of :data:`REPORTS` to ``out_dir``, and ``report.pdf``
    with ``pdf``; the folder's other files stay as they are (an earlier ``report.pdf`` too,
    without ``pdf``), and the folder is replaced in one swap.

    Returns
    -------
    dict
        File role -> path written.
    """
    return _write(out_dir, _with_pdf(render_reports(plan), plan, out_dir, pdf), ())


def write_plan(plan: Plan, out_dir: str | Path, *, pdf: bool = False) -> dict[str, Path]:
    """Write the plan's files to ``out_dir`` (created if needed), and ``report.pdf`` with
    ``pdf`` (headless Chromium prints it before anything is written, and after the folder is
    checked: a folder that cannot take the plan fails at once).

    The folder is replaced as a whole (:func:`nichefinder.report.folder.replace_folder`): a
    kill at any moment leaves the old plan or the new one. Files of :data:`PLAN_FILES` that
    this plan does not have are dropped when nichefinder wrote them (an earlier plan's
    ``report.pdf`` without ``pdf``: it would describe the old plan); every other file in the
    folder is kept. Text cells of the CSV files are neutralised against spreadsheet formulas
    (:mod:`nichefinder.report.csvsafe`).

    Returns
    -------
    dict
        File role -> path written.
    """
    files = {
        "plan": ("plan.json", plan_to_json(plan)),
        "assignments": ("assignments.csv", csv_text(plan.assignments)),
        **render_reports(plan),
    }
    if plan.points is not None:
        files["points"] = ("points.csv", points_to_csv(plan.points))
    if len(plan.rejects):
        files["rejects"] = ("rejects.csv", csv_text(plan.rejects))
    if plan.centroids is not None and plan.fences is not None:
        files["centroids"] = (CENTROIDS_FILE, _npy_bytes(plan.centroids))
    return _write(out_dir, _with_pdf(files, plan, out_dir, pdf), PLAN_FILES)


def _with_pdf(files: dict, plan: Plan, out_dir, pdf: bool) -> dict:
    """``files`` and, with ``pdf``, the printed report: the folder is checked for all of them
    first, so that a folder that cannot take them fails before Chromium prints."""
    if not pdf:
        return files
    check_folder(out_dir, [name for name, _ in files.values()] + [PDF_FILE], legacy=PLAN_FILES)
    from .pdf import render_pdf

    return {**files, "pdf": (PDF_FILE, render_pdf(plan))}


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
    except (OSError, ValueError, EOFError) as exc:  # an empty file is an EOFError
        raise InputError(f"{path.name} in {str(folder)!r} cannot be read "
                         f"({str(exc) or type(exc).__name__}); {fix}", path=str(path)) from None
    if not isinstance(centroids, np.ndarray) or centroids.dtype.kind not in "fiu":
        raise InputError(f"{path.name} in {str(folder)!r} does not hold a table of numbers; "
                         f"{fix}", path=str(path))
    try:
        fences = np.asarray(meta.get("fences", ()), dtype=np.float64)
        dimensions = int(meta.get("dimensions", -1))
    except (TypeError, ValueError):
        raise InputError(f"plan.json in {str(folder)!r}: centroids.fences must be a list of "
                         f"numbers and centroids.dimensions a whole number; {fix}",
                         path=str(folder / "plan.json")) from None
    expected = (n_groups, dimensions)
    if centroids.ndim != 2 or centroids.shape != expected or fences.shape != (n_groups,):
        raise InputError(
            f"{path.name} in {str(folder)!r} holds {centroids.shape} centroids and plan.json "
            f"{fences.shape[0] if fences.ndim else 0} fences for {n_groups} groups of "
            f"{expected[1]} dimensions; the files do not belong together; {fix}", path=str(path))
    if not np.isfinite(centroids).all():
        raise InputError(f"{path.name} in {str(folder)!r} holds values that are not finite; "
                         f"{fix}", path=str(path))
    return centroids.astype(np.float32), fences


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
    if not isinstance(data, dict):
        raise InputError(f"{file.name} holds a {type(data).__name__}, not a plan object; re-run "
                         "nichefinder plan", path=str(file))
    if str(data.get("schema_version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(
            f"{file.name} has schema_version {data.get('schema_version')!r}; this nichefinder "
            f"reads {SCHEMA_VERSION}; re-run nichefinder plan",
            path=str(file),
        )
    parts = plan_from_dict(data, file.name)
    assignments = _read_csv(folder / "assignments.csv", ["id", "group", "feed"],
                            {"id": str, "group": "int64", "feed": "Int64"}, ["id"])
    rejects = _read_csv(folder / "rejects.csv", ["source", "row", "id", "reason", "content"],
                        str, None, keep_default_na=False)
    points_path = folder / "points.csv"
    points = _read_points(points_path, assignments) if points_path.exists() else None
    meta = data.get("centroids")
    if meta is not None and not isinstance(meta, dict):
        raise InputError(f"{file.name}: centroids is a {type(meta).__name__}; expected an "
                         "object; re-run nichefinder plan to write the plan again",
                         path=str(file))
    centroids, fences = _read_centroids(folder, meta, len(parts["groups"]))
    center = (meta or {}).get("center")
    center = None if center is None or centroids is None else _center(center, centroids, file)
    return Plan(**parts, assignments=assignments, rejects=rejects, points=points,
                centroids=centroids, fences=fences, center=center)


def _center(value, centroids, file: Path):
    try:
        center = np.asarray(value, np.float32)
    except (TypeError, ValueError):
        center = None
    if center is None or center.shape != (centroids.shape[1],):
        raise InputError(f"{file.name}: centroids.center is not a list of {centroids.shape[1]} "
                         "numbers; re-run nichefinder plan to write the plan again",
                         path=str(file))
    return center


def _read_csv(path: Path, columns: list, dtype, text_columns, **options) -> pd.DataFrame:
    """A CSV of a plan folder (empty with ``columns`` when absent), text cells restored."""
    if not path.exists():
        return pd.DataFrame(columns=columns)
    try:
        frame = pd.read_csv(path, dtype=dtype, **options)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name} in {str(path.parent)!r} cannot be read "
                         f"({str(exc).splitlines()[0][:200]}); re-run nichefinder plan to write "
                         "it again", path=str(path)) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path.name} in {str(path.parent)!r} has no column "
                         f"{', '.join(missing)}; re-run nichefinder plan to write it again",
                         path=str(path))
    return read_back(frame, text_columns)


def update_to_json(update: Update) -> str:
    """``update.json`` text: stable key order, UTF-8, two-space indent, trailing newline."""
    return _json_text(update.to_dict())


def write_update(update: Update, out_dir: str | Path) -> dict[str, Path]:
    """Write ``update.json``, ``update_assignments.csv``, ``update.md`` and
    ``update_rejects.csv`` (only when rows were rejected).

    The files are named apart from a plan's, so ``--out`` may be the plan's own folder: the
    plan's files are kept as they are. The folder is replaced in one swap, as by
    :func:`write_plan`. The same update gives the same bytes.

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
        "assignments": ("update_assignments.csv",
                        csv_text(update.assignments, float_format="%.4f")),
        "report": ("update.md", render_update_markdown(update)),
    }
    if update.rejects is not None and len(update.rejects):
        files["rejects"] = ("update_rejects.csv", csv_text(update.rejects))
    return _write(out, files, UPDATE_FILES)
