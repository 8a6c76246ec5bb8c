"""Formats shared by the renderers: hours, shares and Markdown-safe text.

Examples
--------
>>> hours(1.50), pct(0.004), md_escape("a|b"), plural(1, "feed"), plural(9, "feed")
('1.5', '<1%', 'a\\\\|b', '1 feed', '9 feeds')
"""

from __future__ import annotations

__all__ = ["hours", "md_escape", "pct", "plural"]


def plural(n: float, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: "1 feed", "9 feeds", "2 people"."""
    shown = hours(n) if isinstance(n, float) else f"{n:,}"
    return f"{shown} {word if n == 1 else (many or word + 's')}"


def hours(x: float) -> str:
    """Hours with at most one decimal and no trailing zero: ``1.5``, ``2``."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def pct(x: float) -> str:
    """A share as a percentage; tiny non-zero shares read "<1%" rather than "0%"."""
    return "<1%" if 0 < x < 0.005 else f"{x:.0%}"


def md_escape(text: str) -> str:
    """Escape text for Markdown tables and inline use (pipes, angle brackets, newlines)."""
    text = " ".join(str(text).split())
    for ch, rep in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("`", "\\`"),
                    ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]")):
        text = text.replace(ch, rep)
    return text
