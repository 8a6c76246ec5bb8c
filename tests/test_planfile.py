"""A structurally wrong plan.json or centroids.npy gets one line naming the field, no traceback."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from nichefinder.cli import cli
from nichefinder.exceptions import InputError
from nichefinder.report import read_plan, write_plan

from .test_report import small_plan


def broken(tmp_path, change):
    out = tmp_path / "plan"
    write_plan(small_plan(), out)
    data = json.loads((out / "plan.json").read_text())
    change(data)
    (out / "plan.json").write_text(json.dumps(data))
    return out


CASES = [
    (lambda d: d.pop("groups"), "groups is missing"),                       # was KeyError
    (lambda d: d["groups"][0].pop("label"), r"groups\[0\]\.label is missing"),
    (lambda d: d["groups"].__setitem__(1, 7), r"groups\[1\] is a int; expected an object"),
    (lambda d: d["feeds"][0].__setitem__("staff", {}), r"feeds\[0\]\.staff is a dict"),  # TypeError
    (lambda d: d["groups"][0]["scores"]["genuine"].__setitem__("passed", "yes"),
     r"scores\.genuine\.passed is a str; expected true or false"),
    (lambda d: d["summary"].__setitem__("rows_read", "12"), r"summary\.rows_read is a str"),
    (lambda d: d["feeds"][0].__setitem__("groups", None), r"feeds\[0\]\.groups is null"),
]


@pytest.mark.parametrize(("change", "message"), CASES)
def test_a_wrong_field_is_named(tmp_path, change, message):
    out = broken(tmp_path, change)
    with pytest.raises(InputError, match=message):
        read_plan(out)
    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "cannot be read"),                                      # was "Aborted!" (EOFError)
    (b"not an npy file", "cannot be read"),
])
def test_a_broken_centroids_file_is_one_line(tmp_path, content, message):
    out = tmp_path / "plan"
    write_plan(with_centroids(), out)
    (out / "centroids.npy").write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_plan(out)
    result = CliRunner().invoke(cli, ["report", str(out)])
    assert result.exit_code == 2 and "Aborted" not in result.output


def with_centroids():
    plan = small_plan()
    return type(plan)(**{**plan.__dict__, "centroids": np.eye(2, 4, dtype=np.float32),
                         "fences": np.zeros(2), "center": np.ones(4, np.float32) / 2})


def test_centroids_of_the_wrong_shape_are_named(tmp_path):
    plan = with_centroids()
    out = tmp_path / "plan"
    write_plan(plan, out)
    assert read_plan(out).centroids.shape == (2, 4)
    np.save(out / "centroids.npy", np.zeros((3, 4), np.float32))
    with pytest.raises(InputError, match="do not belong together"):
        read_plan(out)
