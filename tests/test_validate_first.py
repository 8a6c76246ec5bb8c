"""Mistakes are caught before the costly embedding, columns are recognised and said on stderr,
and what cannot be judged is said on the first screen."""

import json

import pytest
from click.testing import CliRunner

from nichefinder.cli import cli
from nichefinder.config import Thresholds
from nichefinder.exceptions import InputError

from .test_messy_inputs import _fake_embed_texts


@pytest.fixture
def no_embedding(monkeypatch):
    """Any embedding fails the test: the checks must come first."""
    texts = pytest.importorskip("nichefinder.embed.texts")

    def refuse(*args, **kwargs):
        raise AssertionError("embedded before the inputs were checked")

    monkeypatch.setattr(texts, "embed_texts", refuse)


@pytest.fixture
def fake_embedding(monkeypatch):
    texts = pytest.importorskip("nichefinder.embed.texts")
    monkeypatch.setattr(texts, "embed_texts", _fake_embed_texts)


def export(tmp_path, columns="body,user,created_at"):
    f = tmp_path / "export.csv"
    rows = [f"my order {i} never came,@u{i % 7},2026-01-{1 + i % 28:02d}" for i in range(40)]
    f.write_text(columns + "\n" + "\n".join(rows) + "\n")
    return f


def plan(tmp_path, *args):
    return CliRunner().invoke(cli, ["plan", *map(str, args), "--no-cache"])


@pytest.mark.parametrize(("extra", "message"), [
    (["--staff", "no-such-roster.csv"], "staff roster no-such-roster.csv not found"),
    (["--set", "min_authrs=3"], "did you mean 'min_authors'"),
    (["--config", "missing.toml"], "thresholds file 'missing.toml' not found"),
    (["--method", "kmeanz"], "kmeanz"),
])
def test_a_mistake_fails_before_embedding(tmp_path, no_embedding, extra, message):
    result = plan(tmp_path, export(tmp_path), "--out", tmp_path / "out", *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_made_fails_before_embedding(tmp_path, no_embedding):
    (tmp_path / "file").write_text("x")
    result = plan(tmp_path, export(tmp_path), "--out", tmp_path / "file" / "plan")
    assert result.exit_code == 2 and "cannot write the output folder" in result.output
    assert "PermissionError" not in result.output and "Traceback" not in result.output


def test_a_threshold_typo_in_python_says_did_you_mean():
    with pytest.raises(InputError, match="did you mean 'min_authors'"):
        Thresholds(min_authrs=3)
    import nichefinder

    with pytest.raises(InputError, match="did you mean 'min_posts'"):
        nichefinder.plan("sample_data/conversations.csv", thresholds={"min_post": 3})


def test_usual_columns_are_used_and_said_on_stderr(tmp_path, fake_embedding):
    result = plan(tmp_path, export(tmp_path), "--columns", "text=body", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "columns: text <- body, author <- user, timestamp <- created_at" in result.stderr
    assert "columns:" not in result.stdout  # stdout stays the summary
    data = json.loads((tmp_path / "o/plan.json").read_text())
    assert not [n for n in data["parameters"]["data_notes"] if n.startswith("not judged")]


def test_missing_authors_and_times_are_said_first(tmp_path, fake_embedding):
    f = export(tmp_path, columns="body,lang,day")
    result = plan(tmp_path, f, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "not judged: who is talking (no author column)" in result.stderr
    summary = result.stdout.splitlines()
    summary = summary[next(i for i, line in enumerate(summary) if "recommended from" in line):]
    assert summary[1].startswith("  not judged: who is talking (no author column)")
    assert summary[2].startswith("  not judged: time (no timestamps)")
    report = (tmp_path / "o/report.md").read_text().splitlines()
    assert any(line.startswith("**Not judged: who is talking") for line in report[:12])
    data = json.loads((tmp_path / "o/plan.json").read_text())
    assert sum(n.startswith("not judged") for n in data["parameters"]["data_notes"]) == 2
