import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from nichefinder.cli import cli

from .conftest import SAMPLE


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.mark.parametrize("command", [[], ["plan"], ["staff"], ["report"], ["explain"], ["update"]])
def test_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "nichefinder", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("nichefinder, version")


def test_missing_text_column_is_one_line_exit_2(tmp_path):
    f = tmp_path / "posts.csv"
    f.write_text("uid,blurb\n1,hello there friend\n")
    result = run("plan", f, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: column 'text' not found in posts.csv; columns are: uid, blurb; "
        "the free text looks to be in 'blurb': map it with --columns text=blurb"
    ]
    assert "Traceback" not in result.output


def test_embeddings_shape_mismatch(tmp_path):
    np.save(tmp_path / "e.npy", np.ones((3, 8), dtype=np.float32))
    result = run("plan", SAMPLE / "conversations.csv", "--embeddings", tmp_path / "e.npy",
                 "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "e.npy has 3 rows but the input has" in result.output


@pytest.mark.slow
def test_plan_restaff_and_report(tmp_path):
    out = tmp_path / "plan"
    result = run("plan", SAMPLE / "conversations.csv", "--staff", SAMPLE / "staff.csv",
                 "--out", out, "--random-state", 0)
    assert result.exit_code == 0, result.output
    assert "feeds recommended from" in result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "assignments.csv", "centroids.npy", "plan.json", "points.csv", "report.html", "report.md"]
    assert "hit rate" in result.output  # the embedding cache's figures are printed
    assigned = pd.read_csv(out / "assignments.csv")
    assert list(assigned.columns) == ["id", "group", "feed"]
    assert len(assigned) == len(pd.read_csv(SAMPLE / "conversations.csv"))
    before = (out / "plan.json").read_text()
    # the two staffing routes agree: same plan, roster and seed give the same staff
    result = run("staff", out, SAMPLE / "staff.csv", "--out", tmp_path / "same",
                 "--random-state", 0)
    assert result.exit_code == 0, result.output
    import json

    planned, restaffed = json.loads(before), json.loads((tmp_path / "same/plan.json").read_text())
    assert [f["staff"] for f in restaffed["feeds"]] == [f["staff"] for f in planned["feeds"]]
    assert restaffed["staffing_notes"] == planned["staffing_notes"]
    assert restaffed["feeds"] == planned["feeds"]

    small = tmp_path / "staff.csv"
    roster = pd.read_csv(SAMPLE / "staff.csv")
    roster.iloc[: len(roster) // 2].to_csv(small, index=False)
    result = run("staff", out, small, "--out", tmp_path / "restaffed")
    assert result.exit_code == 0, result.output
    after = (tmp_path / "restaffed/plan.json").read_text()
    assert after != before
    names = set(roster.iloc[: len(roster) // 2]["name"])

    for feed in json.loads(after)["feeds"]:
        assert {r["name"] for r in feed["staff"]} <= names

    (out / "report.md").unlink()
    result = run("report", out)
    assert result.exit_code == 0 and (out / "report.md").exists()
    assert (out / "report.html").exists()


@pytest.mark.slow
def test_explain_prints_the_what_if_table():
    result = run("explain", SAMPLE / "conversations.csv", "--vary", "min_authors", "--csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("threshold,factor,value,n_passing,n_served,n_feeds")
    assert len(lines) == 1 + 5 and all(line.startswith("min_authors,") for line in lines[1:])


def test_threshold_settings_are_validated(tmp_path):
    result = run("plan", SAMPLE / "conversations.csv", "--set", "min_autors=3", "--out", tmp_path)
    assert result.exit_code == 2
    assert "unknown threshold 'min_autors'; did you mean 'min_authors'? valid thresholds are:" \
        in result.output
    result = run("plan", SAMPLE / "conversations.csv", "--set", "min_authors", "--out", tmp_path)
    assert result.exit_code == 2 and "write NAME=VALUE" in result.output


def test_parse_overrides_types():
    from nichefinder.config import Thresholds, parse_overrides

    th = parse_overrides(["min_authors=25", "merge_same_theme=false", "posts_per_hour=6"])
    assert (th.min_authors, th.merge_same_theme, th.posts_per_hour) == (25, False, 6.0)
    assert parse_overrides([], Thresholds(min_authors=3)).min_authors == 3


def test_explain_takes_the_same_analysis_options_as_plan():
    def options(name):
        return {p.name for p in cli.commands[name].params}

    shared = options("plan") & options("explain")
    assert {"inputs", "columns", "input_format", "model", "embeddings", "config", "settings",
            "min_cluster_size", "method", "no_cache", "random_state"} <= shared
