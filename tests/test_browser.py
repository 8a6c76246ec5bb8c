"""The HTML proposal in a real browser: headless Chromium, network blocked, file opened from disk.

Skipped when no Chromium is installed (Debian: ``apt-get install -y chromium``).
"""

import re
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest

from nichefinder.report import write_plan
from nichefinder.report.charts import group_color

from .test_html import HOSTILE
from .test_report import plan_with_points

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH; install it with: apt-get install -y chromium")


def chromium(tmp_path, page, *args):
    """Run headless Chromium on ``page`` with no network; return (stdout, console messages)."""
    profile = tmp_path / "chromium-profile"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        "--enable-logging=stderr", "--v=0", *args, page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return done.stdout, console


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-plan")
    write_plan(plan_with_points(2000, n_groups=6), out)
    return out / "report.html"


def test_harness_sees_scripts_and_console_errors(tmp_path):
    """Control: the checks below would notice a script that runs."""
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><html><head><title>orig</title></head><body>"
                    "<script>document.title='pwned'; console.error('boom')</script></body></html>")
    dom, console = chromium(tmp_path, page, "--dump-dom")
    assert "<title>pwned</title>" in dom
    assert any('"boom"' in line for line in console)


def test_report_loads_offline_without_console_errors(tmp_path, report):
    dom, console = chromium(tmp_path, report, "--dump-dom")
    assert console == []
    assert "<title>Channel plan: 2 feed(s)</title>" in dom
    for chart in ("chart-map", "chart-sizes", "chart-activity"):
        assert re.search(rf'<figure class="chart" id="{chart}"><img src="data:image/png;base64,',
                         dom), chart


def test_charts_are_drawn(tmp_path, report):
    """The map image decodes and shows: the screenshot holds the colours of the groups."""
    from matplotlib.image import imread

    shot = tmp_path / "report.png"
    chromium(tmp_path, report, f"--screenshot={shot}", "--window-size=1100,1800",
             "--hide-scrollbars")
    pixels = (imread(shot)[..., :3] * 255).round().astype(int)
    for group in (0, 1, 2):
        rgb = np.array([int(group_color(group)[i : i + 2], 16) for i in (1, 3, 5)])
        on_white = 0.8 * rgb + 0.2 * 255  # dots are drawn at alpha 0.8
        close = sum((np.abs(pixels - c).max(axis=-1) <= 12).sum() for c in (rgb, on_white))
        assert close > 200, (group, close)


@pytest.mark.parametrize("keep_csp", [True, False])
def test_hostile_posts_execute_nothing(tmp_path, keep_csp):
    """Posts, names and labels carrying scripts and event handlers stay inert text, even with the
    Content-Security-Policy removed (escaping alone holds)."""
    base = plan_with_points(300, posts=HOSTILE)
    plan = replace(
        base,
        feeds=tuple(replace(f, name=HOSTILE[3], keywords=HOSTILE[:3]) for f in base.feeds),
        groups=tuple(replace(g, label=HOSTILE[1]) for g in base.groups),
        staffing_notes=HOSTILE,
        points=base.points,
    )
    write_plan(plan, tmp_path / "plan")
    page = tmp_path / "plan/report.html"
    if not keep_csp:
        text = page.read_text(encoding="utf-8")
        text, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        assert n == 1
        page.write_text(text, encoding="utf-8")
    dom, console = chromium(tmp_path, page, "--dump-dom")
    assert console == []
    assert "<title>Channel plan: 2 feed(s)</title>" in dom
    assert "<script" not in dom and "<svg" not in dom
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", dom)
    assert "<main>" in dom and dom.count('class="post"') >= len(HOSTILE)
