"""Roster: read and check the staff who can run feeds (CSV or YAML).

A roster has one row per person: ``name``, ``department`` and ``expertise`` (required), and
``role``, ``platforms``, ``hours_per_week`` and ``social_active`` (optional). Departments are
normalised to canonical names (:data:`DEPARTMENT_SYNONYMS`: "Human Resources" and "people team"
are ``hr``, "logistics" is ``dispatch``), platform aliases to platform names ("X" is
``twitter``). Every bad row is reported on one line naming the file, the row and the fix, and
nothing is dropped silently. :func:`nichefinder.staffing.assign_staff` takes the result.

Examples
--------
>>> staff = load_staff("sample_data/staff.csv")  # doctest: +SKIP
>>> staff[["name", "department", "hours_per_week"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..platforms import PLATFORM_SYNONYMS, canonical_platform

__all__ = [
    "DEFAULT_HOURS",
    "DEPARTMENTS",
    "DEPARTMENT_SYNONYMS",
    "PLATFORM_SYNONYMS",
    "load_staff",
    "normalise_department",
    "split_platforms",
]

DEPARTMENTS = (
    "customer service", "sales", "pr", "marketing", "accounts", "dispatch", "hr", "product",
    "legal",
)
"""Canonical department names; the owners in :data:`nichefinder.intents.INTENTS` use them."""

DEPARTMENT_SYNONYMS: dict[str, str] = {
    **{s: "customer service" for s in (
        "customer service", "customer services", "support", "customer support", "cs",
        "customer care", "care", "helpdesk", "help desk", "service desk", "customer success",
        "client services", "contact centre", "contact center", "call centre", "call center",
    )},
    **{s: "sales" for s in (
        "sales", "business development", "bizdev", "biz dev", "account management",
        "retail", "commercial", "partnerships",
    )},
    **{s: "pr" for s in (
        "pr", "public relations", "communications", "comms", "corporate communications",
        "press", "press office", "media relations",
    )},
    **{s: "marketing" for s in (
        "marketing", "brand", "digital marketing", "social media", "social", "growth",
        "content", "digital",
    )},
    **{s: "accounts" for s in (
        "accounts", "accounting", "finance", "billing", "accounts payable",
        "accounts receivable", "bookkeeping", "payments", "credit control",
    )},
    **{s: "dispatch" for s in (
        "dispatch", "logistics", "shipping", "delivery", "deliveries", "warehouse",
        "fulfilment", "fulfillment", "distribution", "despatch",
    )},
    **{s: "hr" for s in (
        "hr", "human resources", "people", "people ops", "people operations", "recruiting",
        "recruitment", "talent", "talent acquisition",
    )},
    **{s: "product" for s in (
        "product", "product management", "engineering", "r d", "r and d", "development",
        "research and development", "tech", "technology", "it",
    )},
    **{s: "legal" for s in ("legal", "compliance", "counsel", "legal and compliance")},
}
"""Department as written (lowercase, punctuation as spaces, "department"/"team" dropped) ->
canonical name. Departments not listed are kept as given."""

REQUIRED = ("name", "department", "expertise")
OPTIONAL = ("role", "platforms", "hours_per_week", "social_active")
DEFAULT_HOURS = 4.0
"""Social hours a week of a person whose roster row gives none."""

_TRUE = {"true", "yes", "y", "on", "t", "x", "active"}
_FALSE = {"false", "no", "n", "off", "f", "", "none", "inactive"}


def normalise_department(department: str) -> str:
    """Canonical department name, or the name as given (stripped) when it is not known.

    Examples
    --------
    >>> normalise_department("Customer-Service"), normalise_department("Support team")
    ('customer service', 'customer service')
    >>> normalise_department("Finance Dept."), normalise_department("Bakery")
    ('accounts', 'Bakery')
    """
    given = str(department).strip()
    key = re.sub(r"[^a-z0-9]+", " ", given.lower().replace("&", " and ")).strip()
    key = re.sub(r"\b(?:department|dept|team|division|office)\b$", "", key).strip()
    if key in DEPARTMENT_SYNONYMS:
        return DEPARTMENT_SYNONYMS[key]
    if key.replace(" and ", " ") in DEPARTMENT_SYNONYMS:
        return DEPARTMENT_SYNONYMS[key.replace(" and ", " ")]
    return given


def split_platforms(value) -> tuple[str, ...]:
    """Platform names from a list or a ``;``/``,``/``|``-separated string, aliases resolved
    (:data:`PLATFORM_SYNONYMS`), lowercase, each once, in the order given."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[;,|]", str(value))
    out = []
    for item in items:
        key = canonical_platform(item)
        if key and key not in out:
            out.append(key)
    return tuple(out)


def _read_records(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header (column names as given) and ``(row, record)`` pairs of a CSV or YAML roster, or
    of a workbook or compressed file holding one (sheets and files read in order, rows
    numbered on across them)."""
    from ..ingest.containers import COMPRESSED, WORKBOOKS

    if path.suffix.lower() in (*COMPRESSED, ".zip", *WORKBOOKS) and path.is_file():
        return _read_container(path)
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"staff roster {path} not found; give a CSV or YAML file", path=str(path)
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read staff roster {path} ({exc})", path=str(path)) from exc
    text = raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise InputError(
            f"{path.name} is empty; give one row per person with name, department, expertise",
            path=str(path),
        )
    if suffix in (".yaml", ".yml", ".json"):
        import yaml

        from ..yamlsafe import load_yaml

        try:
            data = load_yaml(text)
        except InputError as exc:
            raise InputError(f"{path.name}: {exc}", path=str(path)) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            where = f" at line {line}" if line else ""
            raise InputError(
                f"{path.name}: not valid YAML{where} ({getattr(exc, 'problem', exc)}); "
                "write a list of people, each with name, department, expertise",
                path=str(path),
                row=line,
            ) from None
        if isinstance(data, Mapping) and "staff" in data:
            data = data["staff"]
        if data is None:
            data = []
        if not isinstance(data, list):
            raise InputError(
                f"{path.name}: expected a list of people (or 'staff:' followed by a list), "
                f"found a {type(data).__name__}; write '- name: ...' entries",
                path=str(path),
            )
        header: dict[str, None] = {}
        records = []
        for i, entry in enumerate(data, start=1):
            if not isinstance(entry, Mapping):
                records.append((i, {"__bad__": f"is a {type(entry).__name__}, not a mapping; "
                                    "write it as 'name: ..., department: ..., expertise: ...'"}))
                continue
            record = {str(k): v for k, v in entry.items()}
            header.update(dict.fromkeys(record))
            records.append((i, record))
        return list(header), records
    if suffix not in (".csv", ".tsv", ".txt", ""):
        raise InputError(
            f"{path.name}: unknown roster format {suffix!r}; give a .csv or .yaml file",
            path=str(path),
        )
    import csv
    import io

    first = text.splitlines()[0]
    delimiter = "\t" if suffix == ".tsv" or ("\t" in first and "," not in first) else (
        ";" if ";" in first and "," not in first else ","
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    records = []
    for i, values in enumerate(reader, start=1):
        if not values or all(not v.strip() for v in values):
            records.append((i, {"__bad__": "is empty; delete it or fill it in"}))
            continue
        if len(values) != len(header):
            records.append((i, {"__bad__": f"has {len(values)} fields but the header has "
                                f"{len(header)}; quote fields that contain '{delimiter}'"}))
            continue
        records.append((i, dict(zip(header, values, strict=True))))
    return header, records


def _read_container(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    import tempfile

    from ..ingest.containers import expand_inputs

    header: dict[str, None] = {}
    records: list[tuple[int, dict]] = []
    with tempfile.TemporaryDirectory(prefix="nichefinder-staff-") as tmp:
        for name, part in expand_inputs([path], Path(tmp)):
            try:
                names, rows = _read_records(part)
            except InputError as exc:
                raise InputError(str(exc).replace(part.name, name), path=str(path)) from None
            header.update(dict.fromkeys(names))
            offset = len(records)
            records += [(offset + i, record) for i, record in rows]
    return list(header), records


def _column_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _parse_hours(value) -> float | str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_HOURS
    if isinstance(value, bool):
        return f"hours_per_week {value!r} is not a number; write hours as a number like 5"
    try:
        hours = float(str(value).strip().removesuffix("h").strip())
    except ValueError:
        return f"hours_per_week {str(value)!r} is not a number; write hours as a number like 5"
    if math.isnan(hours) or hours < 0 or hours > 168:
        return f"hours_per_week {hours:g} is not between 0 and 168; write the social hours a week"
    return hours


def _parse_social(value) -> tuple[bool, float | None] | str:
    if value is None or isinstance(value, bool):
        return bool(value), None
    if isinstance(value, (int, float)):
        if math.isnan(value):
            return False, None
        return value > 0, float(value)
    text = str(value).strip().lower()
    try:
        posts = float(text)  # a number is posts a month, written as text or not
    except ValueError:
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return (
            f"social_active {str(value)!r} is not yes/no or a number; write yes, no, "
            "or posts a month like 12"
        )
    if math.isnan(posts) or posts < 0:
        return f"social_active {str(value)!r} is not yes/no or a number of posts a month >= 0"
    return posts > 0, posts



def load_staff(path) -> pd.DataFrame:
    """Read and validate a staff roster.

    Parameters
    ----------
    path : str, Path or DataFrame
        CSV (header row) or YAML file (a list of mappings, or ``staff:`` with such a list), or an
        in-memory table validated by the same rules. Required columns: ``name``, ``department``,
        ``expertise`` (free text such as "refunds, invoices, VAT"). Optional: ``role`` (job
        title), ``platforms`` (``"twitter; facebook"`` or a list), ``hours_per_week`` (social
        hours a week, default 4), ``social_active`` (yes/no, true/false, 1/0, or posts a month).

    Returns
    -------
    pandas.DataFrame
        One row per person in file order: ``name``, ``department`` (canonical, see
        :func:`normalise_department`), ``department_given``, ``expertise``, ``role``,
        ``platforms`` (tuple of lowercase names), ``hours_per_week`` (float),
        ``social_active`` (bool), ``posts_per_month`` (float or NaN) and ``row`` (1-based).

    Raises
    ------
    InputError
        For an empty or unreadable file, a missing required column (the message lists the
        columns present), or bad rows: every bad row is named, with the fix, on one line.

    Examples
    --------
    >>> staff = load_staff("staff.csv")  # doctest: +SKIP
    >>> staff[["name", "department", "hours_per_week", "social_active"]]  # doctest: +SKIP
    """
    if isinstance(path, pd.DataFrame) and "nichefinder_roster" in path.attrs:
        return path.copy()  # already loaded and validated
    if isinstance(path, pd.DataFrame):
        source = "staff table"
        frame = path.reset_index(drop=True)
        header = [str(c) for c in frame.columns]
        records = [
            (i + 1, {str(k): (None if _is_missing(v) else v) for k, v in rec.items()})
            for i, rec in enumerate(frame.to_dict("records"))
        ]
        path_str = None
    else:
        p = Path(path)
        source, path_str = p.name, str(p)
        header, records = _read_records(p)
    keys = {_column_key(h): h for h in header}
    missing = [c for c in REQUIRED if c not in keys]
    if missing and (header or not records):  # no header at all: every entry is bad, say so below
        present = ", ".join(header) or "none"
        raise InputError(
            f"{source}: required column {', '.join(repr(m) for m in missing)} not found; "
            f"columns are: {present}; a roster needs name, department, expertise",
            path=path_str,
        )
    if not records:
        raise InputError(
            f"{source} has no staff rows; add one row per person with name, department, "
            "expertise",
            path=path_str,
        )
    problems: list[tuple[int, str]] = []
    rows = []
    seen: dict[str, int] = {}
    for row, record in records:
        if "__bad__" in record:
            problems.append((row, record["__bad__"]))
            continue
        rec = {_column_key(k): v for k, v in record.items()}
        values = {}
        bad = []
        for col in REQUIRED:
            value = rec.get(col)
            text = "" if _is_missing(value) else str(value).strip()
            if not text:
                example = {"name": "a name", "department": "a department such as accounts",
                           "expertise": "what they know, such as 'refunds, invoices'"}[col]
                bad.append(f"{col} is empty; write {example}")
            values[col] = text
        hours = _parse_hours(rec.get("hours_per_week"))
        if isinstance(hours, str):
            bad.append(hours)
        social = _parse_social(rec.get("social_active"))
        if isinstance(social, str):
            bad.append(social)
        key = values["name"].lower()
        if key and key in seen:
            bad.append(
                f"name {values['name']!r} is already on row {seen[key]}; names must be unique "
                "(add a surname or initial)"
            )
        elif key:
            seen[key] = row
        if bad:
            problems.extend((row, b) for b in bad)
            continue
        role = rec.get("role")
        rows.append(
            {
                "name": values["name"],
                "department": normalise_department(values["department"]),
                "department_given": values["department"],
                "expertise": values["expertise"],
                "role": "" if _is_missing(role) else str(role).strip(),
                "platforms": split_platforms(rec.get("platforms")),
                "hours_per_week": float(hours),
                "social_active": bool(social[0]),
                "posts_per_month": np.nan if social[1] is None else float(social[1]),
                "row": row,
            }
        )
    if problems:
        message = "; ".join(f"{source} row {row}: {what}" for row, what in problems)
        raise InputError(message, path=path_str, row=problems[0][0])
    frame = pd.DataFrame(rows)
    frame.attrs["nichefinder_roster"] = source
    return frame


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT

