"""No cell of a CSV nichefinder writes runs as a spreadsheet formula (OWASP CSV injection)."""

import csv
import io

import pandas as pd

from nichefinder.report import read_plan, write_plan
from nichefinder.report.csvsafe import csv_text

from .test_report import plan_with_points, small_plan

ATTACKS = ['=HYPERLINK("http://evil","click")', "=cmd|' /C calc'!A0", "+1+2", "-2+3",
           "@SUM(1)", "\tx", "\rx"]


def test_formula_cells_get_an_apostrophe_numbers_do_not():
    text = csv_text(pd.DataFrame({"id": ATTACKS, "x": [-1.5] * len(ATTACKS)}))
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [row[0] for row in rows] == ["'" + a for a in ATTACKS]
    assert [row[1] for row in rows] == ["-1.5"] * len(ATTACKS)


def test_every_csv_of_a_plan_is_neutralised_and_reads_back(tmp_path):
    plan = small_plan()
    n = len(plan.assignments)
    assignments = plan.assignments.assign(id=ATTACKS[:n])
    rejects = plan.rejects.assign(content=[ATTACKS[1]], source=["=x.csv"])
    plan = type(plan)(**{**plan.__dict__, "assignments": assignments, "rejects": rejects})
    write_plan(plan, tmp_path / "out")
    for name in ("assignments.csv", "rejects.csv"):
        for line in (tmp_path / "out" / name).read_text().splitlines()[1:]:
            assert not line.startswith(("=", "+", "-", "@")), (name, line)
    back = read_plan(tmp_path / "out")
    assert back.assignments["id"].tolist() == ATTACKS[:n]
    assert back.rejects["content"].tolist() == [ATTACKS[1]]


def test_points_csv_is_neutralised(tmp_path):
    plan = plan_with_points(n_posts=40)
    points = plan.points.assign(id=["=1+1"] + plan.points["id"].tolist()[1:])
    plan = type(plan)(**{**plan.__dict__, "points": points,
                         "assignments": plan.assignments.assign(id=points["id"])})
    write_plan(plan, tmp_path / "out")
    assert (tmp_path / "out/points.csv").read_text().splitlines()[1].startswith("'=1+1,")
    assert read_plan(tmp_path / "out").points["id"].iloc[0] == "=1+1"
