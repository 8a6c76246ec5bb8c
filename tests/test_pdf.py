"""report.pdf: printed by headless Chromium from the proposal page (skipped without Chromium)."""

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from nichefinder.cli import cli
from nichefinder.exceptions import MissingDependencyError
from nichefinder.report import with_details, write_pdf, write_plan, write_reports
from nichefinder.report.pdf import find_chromium

from .test_report import plan_with_points

pypdf = pytest.importorskip("pypdf")
HAS_CHROMIUM = any(map(shutil.which, ("chromium", "chromium-browser", "google-chrome")))
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="no chromium on PATH; install it "
                                    "with: apt-get install -y chromium")


@pytest.fixture(scope="module")
def plan():
    return with_details(plan_with_points(600), client="Acme", date="2 December 2026")


def pages_text(path):
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


@needs_chromium
def test_pdf_has_the_cover_and_one_section_per_feed_on_its_own_page(tmp_path, plan):
    path = write_pdf(plan, tmp_path / "report.pdf")
    reader = pypdf.PdfReader(path)
    text = pages_text(path)
    assert "Social channel proposal" in text[0] and "Acme" in text[0]
    assert "Executive summary" not in text[0]  # the cover is a page of its own
    for f in plan.feeds:  # each feed starts a page: its number and name open the page
        starts = [i for i, t in enumerate(text) if t.lstrip().startswith(f"{f.id + 1} {f.name}")
                  or t.lstrip().startswith(f"{f.id + 1}\n{f.name}")]
        assert len(starts) == 1, (f.name, [t[:40] for t in text])
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in mm
    assert reader.metadata.creation_date.strftime("%Y-%m-%d") == "2026-12-02"


@needs_chromium
def test_letter_paper_and_reproducible_bytes(tmp_path, plan):
    a = write_pdf(plan, tmp_path / "a.pdf", page_size="Letter")
    b = plan.to_pdf(tmp_path / "b.pdf", page_size="Letter")
    width, height = (float(x) for x in pypdf.PdfReader(a).pages[0].mediabox[2:])
    assert (width, height) == (612, 792)  # 8.5 x 11 inches
    assert a.read_bytes() == b.read_bytes()  # same plan, same date: same bytes


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="no pdftoppm (poppler-utils)")
def test_pages_render(tmp_path, plan):
    path = write_pdf(plan, tmp_path / "report.pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "4", str(path),
                    str(tmp_path / "page")], check=True, timeout=120)
    from matplotlib.image import imread

    for png in sorted(tmp_path.glob("page-*.png"))[:2]:
        pixels = imread(png)[..., :3]
        assert pixels.std() > 0.02  # something is drawn on the page


def test_a_missing_renderer_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("NICHEFINDER_CHROMIUM", raising=False)
    with pytest.raises(MissingDependencyError, match="--pdf needs Chromium or Google Chrome"):
        find_chromium()
    monkeypatch.setenv("NICHEFINDER_CHROMIUM", "no-such-browser")
    with pytest.raises(MissingDependencyError, match="NICHEFINDER_CHROMIUM='no-such-browser'"):
        find_chromium()


@needs_chromium
def test_report_command_writes_the_pdf_with_the_cover_details(tmp_path):
    write_plan(plan_with_points(300), tmp_path)
    result = CliRunner().invoke(cli, ["report", str(tmp_path), "--client", "Acme & Co", "--date",
                                      "2 December 2026", "--page-size", "Letter", "--pdf"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote report.md, report.html and report.pdf to {tmp_path}"
    assert "Acme &amp; Co" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "size: Letter;" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Acme & Co" in pages_text(tmp_path / "report.pdf")[0]


def test_report_command_without_a_renderer_fails_in_one_line(monkeypatch, tmp_path):
    write_plan(plan_with_points(100), tmp_path)
    before = (tmp_path / "report.html").read_bytes()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.delenv("NICHEFINDER_CHROMIUM", raising=False)
    result = CliRunner().invoke(cli, ["report", str(tmp_path), "--pdf"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: --pdf needs Chromium") and \
        len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "report.html").read_bytes() == before  # nothing written


@needs_chromium
def test_the_pdf_is_part_of_the_plan_folder_and_a_new_plan_drops_a_stale_one(tmp_path, plan):
    from nichefinder.report.folder import MANIFEST, owned_files

    written = write_plan(plan, tmp_path, pdf=True)
    assert written["pdf"] == tmp_path / "report.pdf"
    assert "report.pdf" in owned_files(tmp_path) and (tmp_path / MANIFEST).exists()
    assert "Acme" in pages_text(tmp_path / "report.pdf")[0]
    # the plan written again without the PDF: the old one described the old plan
    written = write_plan(plan, tmp_path)
    assert "pdf" not in written and not (tmp_path / "report.pdf").exists()


@needs_chromium
def test_a_pdf_nichefinder_did_not_write_is_never_replaced(tmp_path, plan):
    from nichefinder.exceptions import InputError

    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 the client's own file")
    with pytest.raises(InputError, match="report.pdf"):
        write_plan(plan, tmp_path, pdf=True)
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4 the client's own file"
    assert not (tmp_path / "plan.json").exists()


@pytest.mark.parametrize("write", [write_plan, write_reports])
def test_a_folder_that_cannot_take_the_files_fails_before_the_print(monkeypatch, tmp_path, plan,
                                                                    write):
    from nichefinder.exceptions import InputError
    from nichefinder.report import pdf

    def no_print(plan, **kwargs):
        raise AssertionError("the PDF was printed before the folder was checked")

    monkeypatch.setattr(pdf, "render_pdf", no_print)
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4 the client's own file")
    with pytest.raises(InputError, match="report.pdf"):
        write(plan, tmp_path, pdf=True)
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4 the client's own file"
