"""``plan.json`` read back into frozen results, each field checked on the way.

A ``plan.json`` that was edited by hand, cut short or written by something else gets one line
naming the field that is wrong (``plan.json: groups[2].scores.genuine.passed is a str; expected
true, false or null``) instead of a ``KeyError`` or ``TypeError`` from deep inside.

Examples
--------
>>> try:
...     plan_from_dict({"summary": {}}, "plan.json")
... except ValueError as exc:
...     print(exc)
plan.json: summary.rows_read is missing; re-run nichefinder plan to write the plan again
"""

from __future__ import annotations

from dataclasses import MISSING, fields

from ..exceptions import InputError
from ..results import Feed, Group, Score, StaffRole, Summary

__all__ = ["plan_from_dict"]

_FIX = "re-run nichefinder plan to write the plan again"


def _fail(file: str, where: str, what: str) -> InputError:
    return InputError(f"{file}: {where} {what}; {_FIX}", path=file)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_SCALARS = {
    "int": (_is_int, "a whole number"),
    "float": (_is_num, "a number"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
}


def _value(file: str, where: str, value, kind: str):
    """``value`` checked against the annotation ``kind`` (as written in the dataclass)."""
    kind = kind.replace(" ", "")
    if kind.endswith("|None"):
        return None if value is None else _value(file, where, value, kind[:-5])
    if kind in _SCALARS:
        ok, want = _SCALARS[kind]
        if not ok(value):
            raise _fail(file, where, f"is {_shown(value)}; expected {want}")
        return value
    if kind.startswith("tuple["):
        inner = kind[len("tuple["):-1].split(",")[0]
        if not isinstance(value, list):
            raise _fail(file, where, f"is {_shown(value)}; expected a list")
        return tuple(_value(file, f"{where}[{i}]", v, inner) for i, v in enumerate(value))
    if kind.startswith("dict["):
        inner = kind[len("dict["):-1].split(",", 1)[1]
        if not isinstance(value, dict):
            raise _fail(file, where, f"is {_shown(value)}; expected an object")
        return {str(k): _value(file, f"{where}.{k}", v, inner) for k, v in value.items()}
    if kind == "Any":
        return value
    return _record(file, where, value, _CLASSES[kind])


def _shown(value) -> str:
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _record(file: str, where: str, data, cls):
    """An instance of dataclass ``cls`` from the mapping ``data`` (unknown keys ignored)."""
    if not isinstance(data, dict):
        raise _fail(file, where, f"is {_shown(data)}; expected an object")
    values = {}
    for f in fields(cls):
        at = f"{where}.{f.name}" if where else f.name
        if f.name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise _fail(file, at, "is missing")
            continue
        kind = _LOOSE.get((cls.__name__, f.name), str(f.type))
        values[f.name] = _value(file, at, data[f.name], kind)
    return cls(**values)


_LOOSE = {("Score", "metrics"): "dict[str, Any]", ("Summary", "confidence"): "Any"}
"""Fields whose values are free-form (a measurement's metrics are numbers, words or lists; the
feed-count confidence is read by :class:`~nichefinder.results.FeedConfidence`)."""

_CLASSES = {"Score": Score, "StaffRole": StaffRole, "Group": Group, "Feed": Feed,
            "Summary": Summary}


def _listed(file: str, data: dict, name: str, cls) -> tuple:
    items = data.get(name)
    if not isinstance(items, list):
        raise _fail(file, name, "is missing" if items is None else
                    f"is {_shown(items)}; expected a list")
    return tuple(_record(file, f"{name}[{i}]", item, cls) for i, item in enumerate(items))


def plan_from_dict(data, file: str = "plan.json") -> dict:
    """The checked parts of a plan's JSON: ``summary``, ``groups``, ``feeds``,
    ``staffing_notes``, ``parameters`` (keyword arguments of :class:`~nichefinder.results.Plan`).

    Raises
    ------
    InputError
        Naming the first field that is missing or of the wrong type.
    """
    if not isinstance(data, dict):
        raise _fail(file, "the top level", f"is {_shown(data)}; expected an object")
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise _fail(file, "parameters", f"is {_shown(parameters)}; expected an object")
    notes = _value(file, "staffing_notes", data.get("staffing_notes", []), "tuple[str, ...]")
    return {
        "summary": _record(file, "summary", data.get("summary"), Summary),
        "groups": _listed(file, data, "groups", Group),
        "feeds": _listed(file, data, "feeds", Feed),
        "staffing_notes": notes,
        "parameters": parameters,
    }
