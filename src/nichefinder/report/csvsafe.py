"""CSV text that a spreadsheet will not run: every CSV nichefinder writes goes through here.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), so a
post's text could run when a plan's CSV is opened. Following OWASP's rule for CSV injection,
such text cells get a leading apostrophe, which spreadsheets show as text; numbers are left as
they are (``-0.25`` is a number, not a formula). :func:`unneutralise` undoes it on reading.

Examples
--------
>>> import pandas as pd
>>> print(csv_text(pd.DataFrame({"id": ["a", "=1+2"], "x": [-0.5, 1.0]})), end="")
id,x
a,-0.5
'=1+2,1.0
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "csv_text", "neutralise", "unneutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP)."""


_CR = "\n\x00\x01cr\x01\x00"  # stands in for a carriage return while pandas writes


def neutralise(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run.

    Examples
    --------
    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("ok"), neutralise(-3)
    ('\\'=HYPERLINK("http://x")', 'ok', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(value):
    """Undo :func:`neutralise` (a value read back from a CSV nichefinder wrote).

    Examples
    --------
    >>> unneutralise("'=1+2"), unneutralise("'quoted"), unneutralise("plain")
    ('=1+2', "'quoted", 'plain')
    """
    if isinstance(value, str) and value.startswith("'") and value[1:2] and \
            value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype) or \
        isinstance(column.dtype, pd.CategoricalDtype)


def csv_text(frame: pd.DataFrame, **options) -> str:
    """``frame.to_csv`` (no index, ``\\n`` line ends) with text cells neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
    **options
        Passed to :meth:`pandas.DataFrame.to_csv` (``float_format``, ...).

    Returns
    -------
    str
    """
    safe = frame.copy(deep=False)
    marked = False
    for name in safe.columns:
        column = safe[name]
        if _is_text(column):
            column = column.astype(object).map(neutralise, na_action="ignore")
            if any(isinstance(v, str) and "\r" in v for v in column):
                # Python's csv quotes a field with a line break only when the break is in the
                # line terminator ("\n"): a bare "\r" would split the row for every reader.
                # A "\n" stands in for it while writing, so the field is quoted.
                column = column.map(lambda v: v.replace("\r", _CR) if isinstance(v, str) else v,
                                    na_action="ignore")
                marked = True
            safe[name] = column
    header = [neutralise(str(c)) for c in safe.columns]
    options = {"index": False, "lineterminator": "\n", **options}
    text = safe.to_csv(header=header, **options)
    return text.replace(_CR, "\r") if marked else text


def read_back(frame: pd.DataFrame, columns=None) -> pd.DataFrame:
    """``frame`` (read from a CSV written by :func:`csv_text`) with text cells restored."""
    for name in columns if columns is not None else frame.columns:
        if name in frame and _is_text(frame[name]):
            frame[name] = frame[name].map(unneutralise, na_action="ignore")
    return frame
