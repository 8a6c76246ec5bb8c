"""Files inside files: Excel workbooks and compressed (.gz, .bz2, .xz, .zip) inputs.

:func:`expand_inputs` turns each given path into the inputs it holds, each with the name rows
are reported under: a ``.gz``/``.bz2``/``.xz`` file is its one decompressed file
(``posts.csv.gz``), each file of a ``.zip`` is an input (``export.zip:posts.csv``), and each
non-empty sheet of an ``.xlsx``/``.xlsm``/``.xls``/``.ods`` workbook is an input
(``export.xlsx:Mentions``, read with ``python-calamine``). Decompressed files and sheets are
written to a temporary folder the caller owns, as CSV for sheets, and read by the usual readers,
so every row is accounted for as in any other file.

Examples
--------
>>> import gzip, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with gzip.open(folder / "posts.csv.gz", "wt") as fh:
...     _ = fh.write("text\\nhello\\n")
>>> [(name, path.read_text()) for name, path in expand_inputs([folder / "posts.csv.gz"], folder)]
[('posts.csv.gz', 'text\\nhello\\n')]
"""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import lzma
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..exceptions import InputError, MissingDependencyError

__all__ = ["COMPRESSED", "WORKBOOKS", "expand_inputs"]

COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
"""Single-file compression suffixes and their openers."""
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
"""Spreadsheet suffixes read sheet by sheet."""
MAX_MEMBERS = 1000
"""Most files read from one zip archive."""
MAX_RATIO = 200
"""A compressed member that grows more than this many times is refused (a zip bomb)."""
MAX_EXPANDED = 8 * 1024**3
"""Largest decompressed size (8 GiB) of any one input."""


def expand_inputs(paths: Iterable[Path], tmp: Path) -> list[tuple[str, Path]]:
    """``(name, path)`` of every input held by ``paths``; containers are unpacked under ``tmp``.

    Raises
    ------
    InputError
        A container that cannot be read, holds nothing usable, or expands too much.
    """
    out: list[tuple[str, Path]] = []
    for path in paths:
        out.extend(_expand(Path(path), Path(path).name, Path(tmp), depth=0))
    return out


def _expand(path: Path, name: str, tmp: Path, depth: int) -> list[tuple[str, Path]]:
    suffix = path.suffix.lower()
    if depth > 2:
        raise InputError(f"{name}: archives nested too deeply; unpack it first", path=str(path))
    if suffix in COMPRESSED and _magic_matches(path, suffix):
        inner = _target(tmp, path.stem)
        _copy_limited(COMPRESSED[suffix], path, inner, name)
        return _expand(inner, name, tmp, depth + 1) if _is_container(inner) else [(name, inner)]
    if suffix == ".zip":
        return _expand_zip(path, name, tmp, depth)
    if suffix in WORKBOOKS:
        return _sheets(path, name, tmp)
    return [(name, path)]


def _is_container(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in COMPRESSED or suffix == ".zip" or suffix in WORKBOOKS


def _magic_matches(path: Path, suffix: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(6)
    magic = {".gz": b"\x1f\x8b", ".bz2": b"BZh", ".xz": b"\xfd7zXZ"}[suffix]
    if not head.startswith(magic):
        raise InputError(f"{path.name} is named {suffix} but is not {suffix[1:]}-compressed; "
                         "rename it or compress it again", path=str(path))
    return True


_N_TARGETS = [0]


def _target(tmp: Path, name: str) -> Path:
    _N_TARGETS[0] += 1
    folder = tmp / f"in-{_N_TARGETS[0]}"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(name).name) or "input"
    return folder / safe


def _copy_limited(opener, path: Path, target: Path, name: str) -> None:
    limit = max(MAX_EXPANDED, 0)
    size = path.stat().st_size
    written = 0
    try:
        with opener(path, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > limit or written > MAX_RATIO * max(size, 1 << 20):
                    raise InputError(f"{name} expands to more than {written:,} bytes; unpack it "
                                     "yourself if it is really that large", path=str(path))
                dst.write(chunk)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise InputError(f"{name} cannot be decompressed ({exc}); check the file",
                         path=str(path)) from None


def _expand_zip(path: Path, name: str, tmp: Path, depth: int) -> list[tuple[str, Path]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{name} is not a readable zip archive ({exc})", path=str(path)) from None
    out = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and _wanted(m.filename)]
        if len(members) > MAX_MEMBERS:
            raise InputError(f"{name} holds {len(members)} files; at most {MAX_MEMBERS} are "
                             "read from one archive", path=str(path))
        for member in members:
            label = f"{name}:{member.filename}"
            if member.file_size > MAX_EXPANDED or (
                    member.compress_size and member.file_size > MAX_RATIO * max(
                        member.compress_size, 1 << 20)):
                raise InputError(f"{label} expands too much ({member.file_size:,} bytes); "
                                 "unpack it yourself if it is really that large", path=str(path))
            target = _target(tmp, member.filename)
            try:
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise InputError(f"{label} cannot be read from the archive ({exc})",
                                 path=str(path)) from None
            out.extend(_expand(target, label, tmp, depth + 1) if _is_container(target)
                       else [(label, target)])
    if not out:
        raise InputError(f"{name} holds no files to read", path=str(path))
    return out


def _wanted(member: str) -> bool:
    parts = Path(member).parts
    return not any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _sheets(path: Path, name: str, tmp: Path) -> list[tuple[str, Path]]:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise MissingDependencyError(
            f"reading {name} needs python-calamine; pip install python-calamine") from None
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [(sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=True))
                  for sheet in book.sheet_names]
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise InputError(f"{name} is not a readable workbook ({str(exc)[:200]}); save it "
                         "again from the spreadsheet program, or as CSV", path=str(path)) from None
    sheets = [(sheet, rows) for sheet, rows in sheets
              if any(any(_cell(v) for v in row) for row in rows)]
    if not sheets:
        raise InputError(f"{name} has no sheet with data", path=str(path))
    out = []
    for sheet, rows in sheets:
        target = _target(tmp, f"{sheet}.csv")
        with open(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for row in rows:
                writer.writerow([_cell(v) for v in row])
        out.append((name if len(sheets) == 1 else f"{name}:{sheet}", target))
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
