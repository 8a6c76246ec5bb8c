"""The plan folder is replaced as a whole, keeps what nichefinder did not write, and survives a
kill at any point of writing (nichefinder.report.folder)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nichefinder.exceptions import InputError
from nichefinder.report import check_plan_folder, read_plan, write_plan, write_reports
from nichefinder.report.folder import MANIFEST

from .test_report import small_plan

ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != MANIFEST}


def test_user_files_in_out_are_kept_and_never_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "data").mkdir()
    (out / "data/posts.csv").write_text("text\nhello\n")
    write_plan(small_plan(), out)
    write_plan(small_plan(rejects=False), out)  # drops the rejects.csv it wrote, nothing else
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "data/posts.csv").read_text() == "text\nhello\n"
    assert not (out / "rejects.csv").exists()


def test_a_rejects_csv_nichefinder_did_not_write_is_not_deleted(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "rejects.csv").write_text("my own rejects")
    with pytest.raises(InputError, match="was not written by nichefinder"):
        write_plan(small_plan(rejects=True), out)
    write_plan(small_plan(rejects=False), out)  # it would only drop one: it is not its own
    assert (out / "rejects.csv").read_text() == "my own rejects"


def test_an_input_inside_out_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    write_plan(small_plan(), out)
    (out / "assignments.csv").write_text("text\nmy posts\n")  # changed: no longer the plan's
    with pytest.raises(InputError, match="not written by nichefinder"):
        check_plan_folder(out)
    write_plan(small_plan(), tmp_path / "other")
    given = tmp_path / "other/rejects.csv"
    with pytest.raises(InputError, match="is inside --out"):
        check_plan_folder(tmp_path / "other", inputs=[given])
    assert (out / "assignments.csv").read_text() == "text\nmy posts\n"


def test_an_output_folder_that_cannot_be_made_is_found_first(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        check_plan_folder(tmp_path / "file")
    with pytest.raises(InputError, match="cannot write the output folder"):
        check_plan_folder(tmp_path / "file" / "plan")


def test_an_output_folder_that_cannot_be_written_is_found_first(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(InputError, match="cannot write the output folder"):
            check_plan_folder(locked / "plan")
    finally:
        locked.chmod(0o700)


def test_write_reports_keeps_the_plan_files(tmp_path):
    out = tmp_path / "out"
    write_plan(small_plan(), out)
    before = snapshot(out)
    write_reports(small_plan(), out)
    assert snapshot(out) == before
    assert read_plan(out).to_dict() == small_plan().to_dict()


WRITER = """
import sys
sys.path.insert(0, {root!r})
from tests.test_report import small_plan
from nichefinder.report import write_plan
write_plan(small_plan(rejects={rejects}), {out!r})
"""


def run_writer(out: Path, rejects: bool, kill_at: str | None) -> int:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    env.pop("NICHEFINDER_KILL_AT", None)
    if kill_at:
        env["NICHEFINDER_KILL_AT"] = kill_at
    code = WRITER.format(root=str(ROOT), rejects=rejects, out=str(out))
    return subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode


@pytest.mark.parametrize("point", ["file-0", "file-2", "file-3", "before-swap", "after-swap"])
def test_a_kill_while_writing_leaves_the_old_plan_or_the_new(tmp_path, point):
    out = tmp_path / "plan"
    old = tmp_path / "old"
    new = tmp_path / "new"
    for folder, rejects in ((old, True), (new, False), (out, True)):
        write_plan(small_plan(rejects=rejects), folder)
    assert run_writer(out, False, point) == -9  # killed
    assert snapshot(out) in (snapshot(old), snapshot(new))
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != MANIFEST]
    write_plan(small_plan(rejects=False), out)  # the next run sweeps what the kill left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old", "plan"]
    assert snapshot(out) == snapshot(new)
