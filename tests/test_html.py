import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from matplotlib.figure import Figure

from nichefinder.report import (
    plot_activity,
    plot_group_sizes,
    plot_map,
    render_html,
    sample_points,
    weekly_activity,
    write_plan,
)

from .test_report import plan_with_points, small_plan

HOSTILE = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "\"><svg onload=alert(1)>",
    "</blockquote></style><script>document.body.innerHTML='pwned'</script>",
    "&lt;already escaped&gt; & {{ 7*7 }} {% raw %}",
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of elements by class and id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.stack, self.text = [], [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("img", "meta", "br", "link", "input"):
            keys = [f"#{attrs['id']}"] if "id" in attrs else []
            keys += [f".{c}" for c in attrs.get("class", "").split()]
            self.stack.append((tag, keys))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, keys in self.stack:
            for key in keys:
                self.text.setdefault(key, []).append(data)


def hours(x):
    """Hours as the reports print them: one decimal at most, no trailing zero."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def parse(html):
    p = Tags()
    p.feed(html)
    return p


def feed_sections(html):
    """Text of each feed's section, by feed id."""
    return {int(m.group(1)): m.group(2) for m in re.finditer(
        r'<section class="feed page" id="feed-(\d+)".*?>(.*?)</section>', html, re.S)}


def before_appendix(html):
    """The proposal's body: everything a client reads before the appendix."""
    return html.split('<section id="appendix"')[0]


def svgs_are_heatmaps(tags):
    return all(a.get("class") == "heatmap" for t, a in tags if t == "svg")


def test_self_contained_no_scripts_and_no_network():
    html = render_html(plan_with_points(300))
    tags = parse(html).tags
    assert html.startswith("<!DOCTYPE html>")
    assert not [t for t, _ in tags if t in ("script", "iframe", "object", "embed", "link")]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    for tag, attrs in tags:
        for key in ("src", "href"):
            if key in attrs:
                assert attrs[key].startswith(("data:image/png;base64,", "#")), (tag, attrs)
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv")
               == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert {a.get("id") for t, a in tags if t == "figure"} == {
        "chart-map", "chart-sizes", "chart-activity"}
    assert svgs_are_heatmaps(tags) and sum(t == "svg" for t, _ in tags) == 2  # one per feed
    assert len(html) < 1_500_000


def test_numbers_match_the_plan():
    plan = plan_with_points(400)
    html = render_html(plan)
    data = plan.to_dict()
    parsed = parse(html)
    assert parsed.text["#n-feeds"] == [f"{len(data['feeds'])} feeds"]
    sections = feed_sections(html)
    assert sorted(sections) == [f["id"] for f in data["feeds"]]
    numbers = parse(html.split('id="feed-numbers"')[1])
    assert numbers.text[".posts-per-week"][:2] == [f"{f['posts_per_week']:.1f}"
                                                   for f in data["feeds"]]
    assert numbers.text[".hours-per-week"][:2] == [hours(f["hours_per_week"])
                                                   for f in data["feeds"]]
    for f in data["feeds"]:
        one = parse(sections[f["id"]])
        assert one.text[".staff-name"] == [r["name"] for r in f["staff"]]
        assert one.text[".staff-hours"] == [hours(r["hours_per_week"]) for r in f["staff"]]
        row = re.search(rf'<tr data-feed="{f["id"]}">(.*?)</tr>', html, re.S).group(1)
        cells = [c.strip() for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
        assert cells == [hours(f["hours_per_week"])]
    # every group with its size and verdict, in the appendix
    for g in data["groups"]:
        assert re.search(rf'</span>{g["id"]}</td><td>{re.escape(g["label"])}</td>\s*'
                         rf'<td class="num">{g["size"]}</td>', html), g["id"]
    total = sum(f["hours_per_week"] for f in data["feeds"])
    assert f"<strong>{hours(total)} hours a week</strong>" in html


def test_hours_per_person_and_department_add_up():
    plan = plan_with_points(300)
    html = render_html(plan)
    people = re.search(r'<table id="people-table">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">([^<]+)</td>"
                      r"<td class=\"num\">([^<]+)</td>", people)
    expected = {}
    for f in plan.feeds:
        for r in f.staff:
            expected[r.name] = expected.get(r.name, 0) + r.hours_per_week
    from html import unescape

    assert {unescape(name): h for name, _, h, _ in rows} == {
        n: hours(h) for n, h in expected.items()}
    assert {unescape(name): float(fte) for name, _, _, fte in rows} == pytest.approx(
        {n: h / 37.5 for n, h in expected.items()}, abs=0.051)
    departments = re.search(r'<table id="department-table">(.*?)</table>', html, re.S).group(1)
    assert "<td>support</td><td class=\"num\">2</td><td class=\"num\">6.5</td>" in departments


def test_no_statistic_code_name_or_plural_s_before_the_appendix():
    plan = plan_with_points(400)
    body = before_appendix(render_html(plan, client="Acme", date="2 December 2026"))
    text = re.sub(r"<[^>]+>", " ", body.split("</style>")[1])
    for jargon in ("(s)", "cohesion", "silhouette", " fit ", "random_state", "buying_question",
                   "product_howto", "verdict", "noise", "margin"):
        assert jargon not in text, jargon
    assert not re.search(r"\d+(\.\d+)?%", text)  # shares are in words before the appendix
    scores = {f"{sc.value:.2f}" for g in plan.groups for sc in g.scores.values()}
    assert scores and not [v for v in scores if v in text]  # no test scores
    # the appendix keeps the evidence
    appendix = render_html(plan).split('<section id="appendix"')[1]
    assert "cohesion 0.61" in appendix and "random_state 0" in appendix


def test_cover_summary_and_sections_a_proposal_needs():
    plan = plan_with_points(400)
    html = render_html(plan, client="Acme & Co", date="2 December 2026")
    tags = parse(html)
    assert tags.text["#client"] == ["Acme &amp; Co"] or tags.text["#client"] == ["Acme & Co"]
    assert tags.text["#date"] == ["2 December 2026"]
    assert tags.text["#period"] == ["1 January to 24 March 2024"]
    for part in ("summary", "audience", "team", "rollout", "not-feeds", "appendix"):
        assert f'id="{part}"' in html, part
    for f_html in feed_sections(html).values():
        for heading in ("What the audience wants", "When they talk", "Where, and why there",
                        "Who runs it", "Code of conduct", "What success looks like"):
            assert heading in f_html, heading
        assert "Suggested posting and staffing window" in f_html
        assert 2 <= f_html.count("<li>", f_html.index("What success looks like")) <= 3
    assert "<title>Social channel proposal for Acme &amp; Co: 2 feeds</title>" in html
    # the printed proposal starts each feed on a new page, on the paper asked for
    assert ".page { break-before: page; }" in html and "size: A4;" in html
    assert "size: Letter;" in render_html(plan, page_size="Letter")
    with pytest.raises(ValueError, match="page size 'A5' is not known; use one of A4, Letter"):
        render_html(plan, page_size="A5")


def test_merged_groups_share_their_feeds_colour():
    from nichefinder.report.charts import PALETTE, feed_color

    plan = plan_with_points(300)
    html = render_html(plan)
    merged = re.search(r'<article class="card merged" id="group-2" style="--feed: ([^"]+)"',
                       html)
    assert merged and merged.group(1) == feed_color(1) == PALETTE[1]
    assert f'id="feed-1" data-feed="1" style="--feed: {PALETTE[1]}"' in html
    assert len(set(PALETTE)) == len(PALETTE) and "#F0E442" not in PALETTE  # no pale yellow


def test_every_post_and_name_is_escaped():
    base = plan_with_points(200, posts=HOSTILE)
    from dataclasses import replace

    feeds = tuple(replace(f, name=HOSTILE[0], keywords=HOSTILE[:2],
                          code_of_conduct=HOSTILE[1:3]) for f in base.feeds)
    plan = replace(base, feeds=feeds, staffing_notes=HOSTILE[3:],
                   groups=tuple(replace(g, label=HOSTILE[1]) for g in base.groups),
                   points=base.points)
    html = render_html(plan, client=HOSTILE[2], date=HOSTILE[0])
    tags = parse(html).tags
    assert [t for t, _ in tags].count("script") == 0
    assert svgs_are_heatmaps(tags)
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    assert all(a["src"].startswith("data:image/png;base64,") for t, a in tags if t == "img")
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "&amp;lt;already escaped&amp;gt;" in html
    assert "<title>Social channel proposal for &#34;&gt;&lt;svg onload=alert(1)&gt;: 2 feeds" \
        "</title>" in html


def test_plan_without_points_or_feeds_still_renders():
    html = render_html(small_plan())
    assert 'id="chart-map-missing"' in html and 'id="chart-activity-missing"' in html
    assert 'id="chart-sizes"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "The conversations carry no times" in html
    from dataclasses import replace

    plan = small_plan()
    empty = replace(plan, groups=(), feeds=(), summary=replace(plan.summary, groups=0, feeds=0))
    html = render_html(empty)
    assert '<strong id="n-feeds">no feed</strong>' in html


def test_deterministic_and_written_with_the_plan(tmp_path):
    from nichefinder.report import read_plan, with_details

    plan = with_details(plan_with_points(300), client="Acme", date="2 December 2026")
    assert render_html(plan) == render_html(plan)
    assert plan.to_html() == render_html(plan)
    written = write_plan(plan, tmp_path)
    assert written["html"].read_text(encoding="utf-8") == render_html(plan)
    # the details travel in plan.json: a re-rendering has the same cover
    assert render_html(read_plan(tmp_path)).count("Acme") == render_html(plan).count("Acme")


def test_map_is_sampled_and_keeps_every_group():
    plan = plan_with_points(3000, n_groups=6)
    few = sample_points(plan.points, 500)
    assert len(few) <= 500 + 30 * 7
    assert set(few["group"]) == set(plan.points["group"])
    assert sample_points(plan.points, 10_000) is plan.points


def test_plot_helpers_return_figures():
    plan = plan_with_points(300)
    for fig in (plot_map(plan), plot_group_sizes(plan), plot_activity(plan)):
        assert isinstance(fig, Figure) and fig.axes
    weeks = weekly_activity(plan)
    assert int(weeks.to_numpy().sum()) == int((plan.points["group"] >= 0).sum())
    assert (weeks.index.day_of_week == 0).all() and len(weeks) >= 12
    with pytest.raises(ValueError, match="plan has no map coordinates"):
        plot_map(small_plan())
    with pytest.raises(ValueError, match="no timestamps to chart"):
        plot_activity(small_plan())
    no_time = plan_with_points(100)
    no_time.points["timestamp"] = pd.NaT
    assert weekly_activity(no_time).empty


def test_jupyter_view_is_escaped():
    from dataclasses import replace

    base = plan_with_points(100)
    plan = replace(base, groups=tuple(replace(g, label=HOSTILE[1], reasons=HOSTILE[:1])
                                      for g in base.groups),
                   feeds=tuple(replace(f, name=HOSTILE[0]) for f in base.feeds))
    view = plan._repr_html_()
    tags = parse(view).tags
    assert not [t for t, _ in tags if t in ("script", "img", "svg")]
    assert "<b>nichefinder plan</b>: 2 feeds from 5 groups" in view
    assert "<td style=\"text-align:right\">41.2</td>" in view
