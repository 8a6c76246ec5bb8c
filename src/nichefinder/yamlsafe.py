"""YAML read with limits: a small file cannot grow into gigabytes.

PyYAML's ``safe_load`` builds no objects of arbitrary classes, but it still follows every alias:
a 1 KB document of nested aliases ("billion laughs") becomes a structure that takes gigabytes
once anything walks it. :func:`load_yaml` reads at most :data:`MAX_BYTES`, allows at most
:data:`MAX_ALIASES` aliases, :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES` values
once the aliases are followed, and turns every failure into an
:class:`~nichefinder.exceptions.InputError`.

Examples
--------
>>> load_yaml("- name: Ana\\n  department: support\\n")
[{'name': 'Ana', 'department': 'support'}]
>>> load_yaml("a: &x [1, 2]\\nb: [*x, *x, *x]", max_aliases=2)
Traceback (most recent call last):
...
nichefinder.exceptions.InputError: YAML uses more than 2 aliases (*name); write the values out
"""

from __future__ import annotations

import yaml

from .exceptions import InputError

__all__ = ["MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml"]

MAX_BYTES = 5 * 1024 * 1024
"""Largest YAML document read (5 MiB): a roster or thresholds file is far smaller."""
MAX_ALIASES = 100
"""Most aliases (``*name``) one document may use."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings."""


MAX_NODES = 1_000_000
"""Most values a document may hold once its aliases are followed."""


def _expanded_size(node, seen: dict) -> int:
    """Values in ``node`` counted as if every alias were written out (shared nodes memoised)."""
    key = id(node)
    if key in seen:
        return seen[key]
    seen[key] = MAX_NODES + 1  # a node inside itself (a recursive alias) counts as too large
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    else:
        size = 1
    seen[key] = min(size, 10 * MAX_NODES)
    return seen[key]


class _LimitedLoader(yaml.SafeLoader):
    """A safe loader that counts aliases and nesting while composing the document."""

    max_aliases = MAX_ALIASES

    def __init__(self, stream):
        super().__init__(stream)
        self._n_aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._n_aliases += 1
            if self._n_aliases > self.max_aliases:
                raise InputError(f"YAML uses more than {self.max_aliases} aliases (*name); "
                                 "write the values out")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise InputError(f"YAML is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str | bytes, *, max_aliases: int = MAX_ALIASES):
    """The value of a YAML document, read safely and with limits.

    Parameters
    ----------
    text : str or bytes
    max_aliases : int, default MAX_ALIASES

    Raises
    ------
    InputError
        The document is too large, uses too many aliases, nests too deeply.
    yaml.YAMLError
        It is not valid YAML (callers name the file and line).
    """
    if len(text) > MAX_BYTES:
        raise InputError(f"YAML document of {len(text):,} bytes is over the limit of "
                         f"{MAX_BYTES:,}; a roster or thresholds file is far smaller")
    loader = type("_Loader", (_LimitedLoader,), {"max_aliases": max_aliases})(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {})
        if size > MAX_NODES:
            raise InputError(f"YAML expands to {size:,} values through its aliases (over "
                             f"{MAX_NODES:,}); write the values out")
        return loader.construct_document(node)
    except RecursionError:
        raise InputError(f"YAML is nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
