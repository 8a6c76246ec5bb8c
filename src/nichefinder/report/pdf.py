"""PDF: the proposal printed by headless Chromium, from the same page as ``report.html``.

Chromium prints exactly the HTML a client would open (one renderer, one layout; the print CSS
starts each feed on a new page and sets A4 or Letter with ``@page``), and it is what CI and
most machines already have. WeasyPrint would add Pango and cairo system libraries and its own
CSS engine, which lays out grids and SVG differently from the browser.

The renderer is looked up as ``$NICHEFINDER_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome`` and ``google-chrome-stable`` on the ``PATH``; when none is found the error
says how to install one. Chromium stamps the PDF with the time it was made; those dates are
set to the proposal's date, and the ids of its tagged structure (``node00000037``: Chromium
numbers the page's nodes in the order it happens to create them) are numbered again in their own
order, so the same plan and options give the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..exceptions import MissingDependencyError, NicheFinderError
from ..results import Plan
from .html import render_html

__all__ = ["BROWSERS", "find_chromium", "html_to_pdf", "render_pdf", "write_pdf"]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Names of a Chromium executable looked up on the ``PATH``, in order."""

TIMEOUT_S = 120
"""Seconds Chromium has to print the proposal."""

_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
_NODE = re.compile(rb"\(node(\d{8})\)")


def find_chromium() -> str:
    """The Chromium executable to print with.

    Raises
    ------
    MissingDependencyError
        When ``$NICHEFINDER_CHROMIUM`` is not an executable and none of :data:`BROWSERS` is on
        the ``PATH``.
    """
    given = os.environ.get("NICHEFINDER_CHROMIUM")
    if given:
        found = shutil.which(given)
        if found:
            return found
        raise MissingDependencyError(
            f"NICHEFINDER_CHROMIUM={given!r} is not an executable; point it at chromium or "
            "google-chrome, or unset it")
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise MissingDependencyError(
        "--pdf needs Chromium or Google Chrome to print the report, and none was found; install "
        "one (for example: apt-get install chromium) or set NICHEFINDER_CHROMIUM to its path")


def html_to_pdf(html: str, *, stamp: str = "20000101000000") -> bytes:
    """Print an HTML document to PDF bytes with headless Chromium.

    Parameters
    ----------
    html : str
        A self-contained document (it is printed from a temporary file, offline).
    stamp : str, default="20000101000000"
        ``YYYYMMDDHHMMSS`` written as the PDF's creation and modification dates.
    """
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="nichefinder-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-extensions", "--no-pdf-header-footer", "--hide-scrollbars",
                   f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}",
                   page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise NicheFinderError(f"{browser} did not print the report within {TIMEOUT_S} s"
                                   ) from None
        if not out.is_file() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise NicheFinderError(f"{browser} could not print the report (exit "
                                   f"{done.returncode}): {tail[0]}")
        data = out.read_bytes()
    return _fix_node_ids(_fix_dates(data, stamp))


def _fix_dates(data: bytes, stamp: str) -> bytes:
    """The PDF with its creation and modification dates set to ``stamp`` (same length, so the
    cross-reference offsets stay right)."""
    fixed = stamp.encode("ascii")

    def same(m: re.Match) -> bytes:
        return b"/" + m.group(1) + b" (D:" + fixed + m.group(3) + b")"

    return _DATE.sub(same, data)


def render_pdf(plan: Plan, *, page_size: str | None = None, **options) -> bytes:
    """The proposal as PDF bytes: :func:`nichefinder.report.render_html` printed by Chromium.

    Parameters
    ----------
    plan : Plan
    page_size : {"A4", "Letter"}, optional
        Default ``plan.parameters["page_size"]``, else A4.
    **options
        ``client``, ``date``, ``period``, ``max_points`` of :func:`render_html`.

    Examples
    --------
    >>> Path("report.pdf").write_bytes(render_pdf(plan, page_size="Letter"))  # doctest: +SKIP
    """
    html = render_html(plan, page_size=page_size, **options)
    return html_to_pdf(html, stamp=_stamp(html))


def _stamp(html: str) -> str:
    """The proposal's printed date as a PDF date stamp (midnight UTC); 2000-01-01 if unknown."""
    import pandas as pd

    m = re.search(r'<dd id="date">([^<]+)</dd>', html)
    when = pd.to_datetime(m.group(1), errors="coerce") if m else None
    return "20000101000000" if when is None or pd.isna(when) else f"{when:%Y%m%d}000000"


def write_pdf(plan: Plan, path, *, page_size: str | None = None, **options) -> Path:
    """Write :func:`render_pdf` to ``path`` (through a temporary file and a rename)."""
    path = Path(path)
    data = render_pdf(plan, page_size=page_size, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def _fix_node_ids(data: bytes) -> bytes:
    """The PDF with its structure ids (``(node00000037)``, in the elements, the id tree's names
    and its limits) numbered 1, 2, ... in their own order: the tree stays sorted, every
    reference keeps its element, and the length is the same, so the offsets stay right.

    Examples
    --------
    >>> _fix_node_ids(b"/ID (node00000264) [(node00000037) (node00000264)]")
    b'/ID (node00000002) [(node00000001) (node00000002)]'
    """
    found = sorted({m.group(1) for m in _NODE.finditer(data)})
    if not found or len(found) > 99_999_999:
        return data
    number = {old: b"%08d" % (k + 1) for k, old in enumerate(found)}
    return _NODE.sub(lambda m: b"(node" + number[m.group(1)] + b")", data)

