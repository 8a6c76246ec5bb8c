"""Thresholds: every number a plan depends on, in one flat, frozen record a user edits.

A strategist sets all numbers in one place (``nichefinder.toml``, ``--set NAME=VALUE``,
``thresholds={"min_authors": 40}``); each stage reads only its own part of them, a record of
its own (:func:`nichefinder.settings.part`):

- measuring reads :class:`~nichefinder.score.measurements.MeasureSettings` (``n_folds``,
  ``duplicate_similarity`` ...): changing one measures again;
- judging reads :class:`~nichefinder.score.judge.VerdictThresholds` (``min_authors``,
  ``max_duplicate_share`` ...): changing one re-judges the same measurements;
- building feeds reads :class:`~nichefinder.feeds.settings.FeedSettings` (``audience_overlap``,
  ``posts_per_hour`` ...).

:class:`Thresholds` has the fields of the three, so a new threshold declared beside its check
is a threshold here too. Thresholds are read from TOML (a ``[thresholds]`` table or top-level
keys) or YAML (``safe_load``) with :func:`load_thresholds`; an unknown key or a wrong type is an
:class:`~nichefinder.exceptions.InputError` that names the key and the valid ones.

Examples
--------
>>> from nichefinder.config import Thresholds
>>> th = Thresholds().replace(min_authors=20)
>>> th.min_authors
20
>>> th.min_posts_for(10_000)   # max(min_posts, 1% of 10,000 grouped posts)
100
>>> th.verdict.min_authors, th.measure.n_folds
(20, 5)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .exceptions import InputError
from .feeds.settings import FeedSettings
from .score.judge import VerdictThresholds
from .score.measurements import MeasureSettings
from .settings import Settings, check_names

__all__ = [
    "PARTS",
    "Thresholds",
    "load_thresholds",
    "parse_overrides",
    "parse_settings",
    "resolve_thresholds",
]

PARTS = (VerdictThresholds, MeasureSettings, FeedSettings)
"""The records :class:`Thresholds` is made of: what judging, measuring and feeds read."""


@dataclass(frozen=True)
class _Combined(Settings):
    """Methods of :class:`Thresholds`: its parts, and the volume bar."""

    @cached_property
    def parts(self) -> dict[type, Settings]:
        """Each record of :data:`PARTS`, with this record's values."""
        return {kind: kind(**{f.name: getattr(self, f.name) for f in fields(kind)})
                for kind in PARTS}

    @property
    def verdict(self) -> VerdictThresholds:
        """What the judge reads."""
        return self.parts[VerdictThresholds]

    @property
    def measure(self) -> MeasureSettings:
        """What measuring reads."""
        return self.parts[MeasureSettings]

    @property
    def feeds(self) -> FeedSettings:
        """What building feeds reads."""
        return self.parts[FeedSettings]

    def min_posts_for(self, n_grouped: int) -> int:
        """The volume bar for ``n_grouped`` grouped posts (:meth:`VerdictThresholds.min_posts_for`).
        """
        return self.verdict.min_posts_for(n_grouped)


def _listed(parts) -> list:
    """Every field of ``parts`` in the order they are listed (``plan.json``, messages): the
    first part's as declared, each later field after the one its ``after`` names, or at the end.
    """
    order = list(fields(parts[0]))
    for kind in parts[1:]:
        for f in fields(kind):
            after = f.metadata.get("after")
            at = next((i for i, g in enumerate(order) if g.name == after), len(order) - 1)
            order.insert(at + 1, f)
    return order


def _doc(parts) -> str:
    head = ("Every threshold and setting of a plan: the fields of "
            + ", ".join(f":class:`{kind.__name__}`" for kind in parts)
            + ", with the same defaults and checks.\n\n    Parameters\n    ----------\n")
    sections = [kind.__doc__.split("----------\n", 1)[1].rstrip() for kind in parts]
    return head + "\n".join(sections) + "\n    "


Thresholds = make_dataclass(
    "Thresholds",
    [(f.name, f.type, field(default=f.default, metadata=f.metadata)) for f in _listed(PARTS)],
    bases=(_Combined,),
    frozen=True,
    namespace={"__module__": __name__, "__doc__": _doc(PARTS)},
)


def _checked_init(init):
    """``Thresholds(...)`` names a mistyped threshold (with "did you mean") instead of raising a
    bare ``TypeError``."""
    def __init__(self, *args, **kwargs):
        check_names(Thresholds, kwargs)
        if len(args) > len(fields(Thresholds)):
            raise InputError(f"Thresholds takes at most {len(fields(Thresholds))} values; name "
                             "them, e.g. Thresholds(min_authors=20)")
        init(self, *args, **kwargs)

    __init__.__wrapped__ = init
    return __init__


Thresholds.__init__ = _checked_init(Thresholds.__init__)


def resolve_thresholds(value=None, base=None) -> Thresholds:
    """The :class:`Thresholds` that ``value`` names, over ``base``.

    Parameters
    ----------
    value : Thresholds, mapping, path or None
        ``None`` gives ``base``; a mapping changes some fields of ``base``; a path is a
        thresholds file (:func:`load_thresholds`); a Thresholds is used as it is.
    base : Thresholds, mapping, path or None
        Resolved the same way over the defaults.

    Examples
    --------
    >>> resolve_thresholds({"min_authors": 40}, {"min_posts": 50}).min_posts
    50
    """
    if base is not None and not isinstance(base, Thresholds):
        base = resolve_thresholds(base)
    base = base if base is not None else Thresholds()
    if value is None:
        return base
    if isinstance(value, Thresholds):
        return value
    if isinstance(value, (str, Path)):
        return load_thresholds(value)
    if isinstance(value, Mapping):
        return base.replace(**value)
    raise InputError(f"thresholds must be a Thresholds, a mapping or a file, not "
                     f"{type(value).__name__}")


def load_thresholds(path: str | Path) -> Thresholds:
    """Read thresholds from a TOML or YAML file; missing keys keep their defaults.

    Parameters
    ----------
    path : str or Path
        ``.toml`` (a ``[thresholds]`` table, or top-level keys) or ``.yaml``/``.yml``
        (a ``thresholds:`` mapping, or top-level keys).

    Returns
    -------
    Thresholds

    Raises
    ------
    InputError
        The file is missing or unreadable, a key is unknown, or a value has the wrong type.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nichefinder.toml"
    >>> _ = path.write_text("[thresholds]\\nmin_authors = 20\\n", encoding="utf-8")
    >>> load_thresholds(path).min_authors
    20
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"thresholds file {str(path)!r} not found", path=str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            import tomllib

            with path.open("rb") as fh:
                data = tomllib.load(fh)
        elif suffix in (".yaml", ".yml"):
            from .yamlsafe import load_yaml

            data = load_yaml(path.read_text(encoding="utf-8"))
        else:
            raise InputError(
                f"thresholds file {str(path)!r} has suffix {suffix!r}; use .toml, .yaml or .yml",
                path=str(path),
            )
    except InputError as exc:
        if str(path) in str(exc):
            raise
        raise InputError(f"thresholds file {str(path)!r}: {exc}", path=str(path)) from None
    except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError
        raise InputError(
            f"cannot read thresholds file {str(path)!r}: {exc}", path=str(path)
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            f"thresholds file {str(path)!r} must hold a mapping of threshold names to values, "
            f"not {type(data).__name__}",
            path=str(path),
        )
    if "thresholds" in data:
        table = data["thresholds"]
        if not isinstance(table, dict):
            raise InputError(
                f"'thresholds' in {str(path)!r} must be a table of names to values",
                path=str(path),
            )
        data = table
    check_names(Thresholds, data, str(path))
    try:
        return Thresholds(**data)
    except InputError as exc:
        raise InputError(f"{exc} (in {path})", path=str(path)) from None


def parse_settings(pairs) -> dict[str, Any]:
    """Threshold values from ``NAME=VALUE`` strings (as given to ``--set`` on the command line).

    Parameters
    ----------
    pairs : iterable of str
        Such as ``["min_authors=25", "merge_same_theme=false"]``.

    Returns
    -------
    dict
        Name -> value, typed as the field is (``25`` for an int field, ``25.0`` for a float).

    Examples
    --------
    >>> parse_settings(["min_authors=25", "audience_overlap=1"])
    {'min_authors': 25, 'audience_overlap': 1.0}
    """
    import yaml

    from .yamlsafe import load_yaml

    types = {f.name: f.type for f in fields(Thresholds)}
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = str(pair).partition("=")
        name = name.strip()
        if not sep or not name:
            raise InputError(f"threshold setting {pair!r} has no '='; write NAME=VALUE, e.g. "
                             "--set min_authors=25")
        check_names(Thresholds, {name: None})
        try:
            value = load_yaml(raw.strip())
        except (yaml.YAMLError, InputError):
            value = raw
        if types[name] == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        changes[name] = value
    return changes


def parse_overrides(pairs, base=None) -> Thresholds:
    """``base`` (the defaults when ``None``) with the ``NAME=VALUE`` settings of ``pairs``
    (:func:`parse_settings`) applied.

    Examples
    --------
    >>> parse_overrides(["min_authors=25"]).min_authors
    25
    """
    return resolve_thresholds(parse_settings(pairs), base)
