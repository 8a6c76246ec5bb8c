"""Keep the docs honest: the README's first screen and the CI script agree with the code."""

import re
import shlex

import pytest
from click.testing import CliRunner

from nichefinder.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FIRST_SCREEN = "\n".join(README.splitlines()[:40])


def code_lines(text):
    return [line for block in re.findall(r"```bash\n(.*?)```", text, re.S) for line in
            block.strip().splitlines()]


def test_first_screen_has_install_and_run_and_test_commands():
    lines = code_lines(FIRST_SCREEN)
    assert len(lines) == 2
    install, test = lines
    assert "pip install torch==2.13.0" in install and "nichefinder plan sample_data/" in install
    assert test == "python -m pytest -q"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci/run").read_text()
    test = code_lines(FIRST_SCREEN)[1]
    assert test in ci.splitlines()
    assert ci.index("torch==2.13.0") < ci.index('-e ".[dev,distributed]"')


def test_readme_plan_command_parses_and_its_files_exist():
    install = code_lines(FIRST_SCREEN)[0]
    args = shlex.split(install.split("&& nichefinder ")[-1])
    assert args[0] == "plan"
    command = cli.commands["plan"]
    ctx = command.make_context("plan", args[1:], resilient_parsing=True)
    for path in ctx.params["inputs"]:
        assert (ROOT / path).is_file(), path
    assert (ROOT / ctx.params["staff"]).is_file()


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"nichefinder {name}" in README
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0


def int8_kernels() -> str:
    """``"vnni"`` where ONNX Runtime's int8 products run on VNNI or AMX instructions (exact),
    ``"avx2"`` where they run on AVX2's saturating ones: the two give slightly different
    vectors, and the README shows the sample plan of each."""
    try:
        text = open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return "avx2"
    flags = set(" ".join(re.findall(r"^flags\s*:(.*)$", text, re.M)).split())
    return "vnni" if flags & {"avx512_vnni", "avx_vnni", "amx_int8"} else "avx2"


@pytest.mark.slow
def test_readme_output_block_is_what_a_fresh_run_prints(tmp_path):
    # the whole block where the int8 products are exact; the counts where they saturate (the
    # README's AVX2 lines come from an emulated CPU: its names and volumes were not checked)
    start = "The first command prints" if int8_kernels() == "vnni" else "On a CPU without them"
    block = re.search(re.escape(start) + r".*?```text\n(.*?)```", README, re.S).group(1)
    install = code_lines(FIRST_SCREEN)[0]
    args = shlex.split(install.split("&& nichefinder ")[-1])
    out = tmp_path / "plan"
    args = [a if not a.startswith("sample_data/") else str(ROOT / a) for a in args]
    args[args.index("--out") + 1] = str(out)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    printed = [line for line in result.output.splitlines() if not line.startswith("embeddings:")]
    shown = [line for line in block.splitlines() if not line.startswith("embeddings:")]
    printed[-1] = printed[-1].replace(str(out), "nichefinder-plan")
    assert (printed if int8_kernels() == "vnni" else printed[:len(shown)]) == shown
