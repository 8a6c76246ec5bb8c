"""Output folders replaced as a whole: a kill leaves the old files or the new ones, never a mix.

:func:`replace_folder` writes the new files to a hidden sibling folder
(``.<name>.new-XXXXXXXX``) beside the output folder, links into it every entry of the old folder
that the run does not replace (a user's own files, an input kept there, a plan's files when only
its reports change), and then swaps the two folders in one step (Linux ``renameat2`` with
``RENAME_EXCHANGE``; elsewhere two renames, undone on the next run when a kill falls between
them). The old folder is removed afterwards. Hidden siblings left by a killed run are swept on
the next run, so no temporary file is ever seen as part of a plan.

The folder keeps a small manifest, ``.nichefinder-files``, of the files nichefinder wrote there
(name, size, modification time). Only those are ever dropped or replaced: a file the run did not
write (say the user's own ``rejects.csv``) is kept, and one that the run would have to replace
is refused by :func:`check_folder` before any work starts.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..exceptions import InputError

__all__ = ["MANIFEST", "check_folder", "replace_folder"]

MANIFEST = ".nichefinder-files"
"""Name of the manifest of the files nichefinder wrote in a folder."""

_NEW, _OLD = ".new-", ".old-"
_KILL_ENV = "NICHEFINDER_KILL_AT"  # tests: SIGKILL this process at a named point of writing


def _checkpoint(name: str) -> None:
    """Where a kill test may stop the writer (``NICHEFINDER_KILL_AT=name``)."""
    if os.environ.get(_KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _read_manifest(folder: Path) -> dict[str, list[int]]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def owned_files(folder: Path, legacy: Iterable[str] = ()) -> set[str]:
    """Names of the files in ``folder`` that nichefinder wrote and nobody changed since.

    A folder without a manifest (written by an older nichefinder) owns the ``legacy`` names when
    it holds a nichefinder ``plan.json``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return set()
    manifest = _read_manifest(folder)
    if not manifest and not (folder / MANIFEST).exists():
        try:
            plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        if isinstance(plan, dict) and "schema_version" in plan:
            return {n for n in legacy if (folder / n).is_file()}
        return set()
    owned = set()
    for name, stamp in manifest.items():
        path = folder / name
        with contextlib.suppress(OSError):
            if path.is_file() and _stamp(path) == list(stamp):
                owned.add(name)
    return owned


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def check_folder(out, names: Iterable[str], *, inputs: Iterable = (),
                 legacy: Iterable[str] = ()) -> Path:
    """Check, before any work, that ``out`` can be made and written and that writing ``names``
    there replaces nothing nichefinder did not write.

    Parameters
    ----------
    out : path
        The output folder (it may not exist yet).
    names : iterable of str
        File names the run may write (or drop) there.
    inputs : iterable of paths, optional
        The run's input files; one inside ``out`` under one of ``names`` is refused.
    legacy : iterable of str, optional
        Names owned by a folder written before manifests existed (see :func:`owned_files`).

    Returns
    -------
    Path

    Raises
    ------
    InputError
        ``out`` is a file, cannot be created or written, or holds a file of ``names`` that
        nichefinder did not write (or that is an input).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; give a folder", path=str(out))
    parent = out.parent if str(out.parent) else Path(".")
    probe_at = parent
    while not probe_at.exists() and probe_at != probe_at.parent:
        probe_at = probe_at.parent
    try:
        Path(tempfile.mkdtemp(dir=probe_at, prefix=f".{out.name}.probe-")).rmdir()
        if out.is_dir():
            Path(tempfile.mkdtemp(dir=out, prefix=".probe-")).rmdir()
    except OSError as exc:
        raise InputError(f"cannot write the output folder {str(out)!r} ({exc.strerror or exc}); "
                         "choose another --out or fix its permissions", path=str(out)) from None
    if not out.is_dir():
        return out
    names = set(names)
    owned = owned_files(out, legacy)
    inside = {_resolved(Path(p)) for p in inputs}
    for name in sorted(names):
        path = out / name
        if not path.exists():
            continue
        if _resolved(path) in inside:
            raise InputError(f"input {str(path)!r} is inside --out {str(out)!r}, where the run "
                             f"writes {name}; move the input or choose another --out",
                             path=str(path))
        if name not in owned:
            raise InputError(f"{str(path)!r} was not written by nichefinder and the run would "
                             f"replace it; move it or choose another --out", path=str(path))
    return out


def _sweep(out: Path) -> None:
    """Remove what a killed run left beside ``out``; put an old folder back if ``out`` is gone."""
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return
    olds = []
    for entry in parent.iterdir():
        if not entry.name.startswith(f".{out.name}.") or not entry.is_dir():
            continue
        tail = entry.name[len(out.name) + 1:]
        if tail.startswith(_NEW):
            shutil.rmtree(entry, ignore_errors=True)
        elif tail.startswith(_OLD):
            olds.append(entry)
    for entry in olds:
        if not out.exists():
            os.rename(entry, out)  # the kill fell between the two renames: the old plan back
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _link_tree(src: Path, dst: Path) -> None:
    """``dst`` made of hard links to ``src``'s files (copies where links are refused)."""
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, copy_function=link, symlinks=True)
    elif src.is_symlink():
        os.symlink(os.readlink(src), dst)
    else:
        link(src, dst)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` ``RENAME_EXCHANGE``); ``False`` when the
    system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False


def _write_one(path: Path, content: str | bytes) -> None:
    mode = "wb" if isinstance(content, bytes) else "w"
    kw = {} if isinstance(content, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(path, mode, **kw) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def replace_folder(out, files: Mapping[str, str | bytes], drop: Iterable[str] = (),
                   *, legacy: Iterable[str] = ()) -> dict[str, Path]:
    """Give folder ``out`` the new ``files`` (name -> content) in one swap.

    Entries of the old folder are kept (linked into the new one) unless the run writes them or
    they are in ``drop`` and nichefinder wrote them (see :func:`owned_files`).

    Returns
    -------
    dict
        File name -> its path in ``out``.
    """
    out = Path(out)
    _sweep(out)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}{_NEW}"))
    try:
        os.chmod(new, 0o755)
        manifest = {}
        for i, (name, content) in enumerate(files.items()):
            _write_one(new / name, content)
            manifest[name] = _stamp(new / name)
            _checkpoint(f"file-{i}")
        if out.is_dir():
            owned = owned_files(out, legacy)
            old_manifest = _read_manifest(out)
            gone = set(files) | (set(drop) & owned) | {MANIFEST}
            for entry in out.iterdir():
                if entry.name in gone or entry.name.startswith(".probe-"):
                    continue
                _link_tree(entry, new / entry.name)
                if entry.name in owned:
                    manifest[entry.name] = old_manifest.get(entry.name) or _stamp(entry)
        _write_one(new / MANIFEST, json.dumps({"files": manifest}, indent=1, sort_keys=True))
        _checkpoint("before-swap")
        if not out.exists():
            os.rename(new, out)
        elif _exchange(new, out):
            _checkpoint("after-swap")
            shutil.rmtree(new, ignore_errors=True)
        else:
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}{_OLD}"))
            old.rmdir()
            os.rename(out, old)
            _checkpoint("between-renames")
            os.rename(new, out)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return {name: out / name for name in files}
