"""The HTML proposal in a real browser: headless Chromium, network blocked, file opened from disk.

Skipped when no Chromium is installed (Debian: ``apt-get install -y chromium``). Screenshots at
1280 and 390 px wide are written under the test's temporary folder (and to
``$NICHEFINDER_SHOTS`` when set, to look at them).
"""

import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nichefinder.report import write_plan
from nichefinder.report.charts import feed_color

from .test_html import HOSTILE
from .test_report import plan_with_points

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH; install it with: apt-get install -y chromium")

BROWSER_OWN = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")
"""Hosts Chromium itself calls (updates, time, spelling): not requests of the page."""


def chromium(tmp_path, page, *args):
    """Run headless Chromium on ``page`` with no network; return (stdout, console messages,
    URLs the page requested)."""
    profile = tmp_path / "chromium-profile"
    netlog = tmp_path / "netlog.json"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        f"--log-net-log={netlog}", "--enable-logging=stderr", "--v=0", *args, page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    urls = set(re.findall(r'"url":"([^"]+)"', netlog.read_text(errors="replace"))) \
        if netlog.exists() else set()
    requested = {u for u in urls if not any(h in u.split("/")[2] for h in BROWSER_OWN)
                 if "://" in u and not u.startswith(("file:", "data:"))}
    return done.stdout, console, requested


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-plan")
    write_plan(plan_with_points(2000, n_groups=6), out)
    return out / "report.html"


def test_harness_sees_scripts_console_errors_and_requests(tmp_path):
    """Control: the checks below would notice a script that runs and a request made."""
    page = tmp_path / "control.html"
    page.write_text("<!DOCTYPE html><html><head><title>orig</title></head><body>"
                    "<img src='http://example.com/x.png'>"
                    "<script>document.title='pwned'; console.error('boom')</script></body></html>")
    dom, console, requested = chromium(tmp_path, page, "--dump-dom")
    assert "<title>pwned</title>" in dom
    assert any('"boom"' in line for line in console)
    assert requested == {"http://example.com/x.png"}


def test_report_loads_offline_without_console_errors_or_requests(tmp_path, report):
    dom, console, requested = chromium(tmp_path, report, "--dump-dom")
    assert console == [] and requested == set()
    assert "<title>Social channel proposal: 2 feeds</title>" in dom
    for chart in ("chart-map", "chart-sizes", "chart-activity"):
        assert re.search(rf'<figure class="chart" id="{chart}"><img src="data:image/png;base64,',
                         dom), chart


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_show_the_feeds_colours_and_fit_the_width(tmp_path, report, width):
    """At a desktop and a phone width the page is drawn with each feed's colour on the map, and
    nothing forces a horizontal scroll."""
    from matplotlib.image import imread

    shot = tmp_path / f"report-{width}.png"
    chromium(tmp_path, report, f"--screenshot={shot}", f"--window-size={width},2600",
             "--hide-scrollbars")
    if os.environ.get("NICHEFINDER_SHOTS"):
        shutil.copy(shot, Path(os.environ["NICHEFINDER_SHOTS"]) / shot.name)
    pixels = (imread(shot)[..., :3] * 255).round().astype(int)
    assert pixels.shape[1] == width
    for feed in (0, 1):
        rgb = np.array([int(feed_color(feed)[i : i + 2], 16) for i in (1, 3, 5)])
        on_white = 0.85 * rgb + 0.15 * 255  # dots are drawn at alpha 0.85
        close = sum((np.abs(pixels - c).max(axis=-1) <= 14).sum() for c in (rgb, on_white))
        assert close > 100, (feed, close)
    dom, _, _ = chromium(tmp_path, report, "--dump-dom", f"--window-size={width},2600")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in dom


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
        parameters={**base.parameters, "client": HOSTILE[0]},
        points=base.points,
    )
    write_plan(plan, tmp_path / "plan")
    page = tmp_path / "plan/report.html"
    if not keep_csp:
        text = page.read_text(encoding="utf-8")
        text, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        assert n == 1
        page.write_text(text, encoding="utf-8")
    dom, console, requested = chromium(tmp_path, page, "--dump-dom")
    assert console == [] and requested == set()
    assert "<title>Social channel proposal for &lt;script&gt;" in dom
    assert "<script" not in dom
    assert dom.count("<svg") == dom.count('<svg xmlns="http://www.w3.org/2000/svg" class="heatmap"')
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", dom)
    assert "<main>" in dom and dom.count('class="post"') >= len(HOSTILE)
