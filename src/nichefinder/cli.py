"""Command line: a thin click layer over the library.

Each command parses its flags, makes one library call and renders the result. Errors the library
raises on purpose become one-line messages with exit code 2 and no traceback. The summary goes to
stdout; logs and progress go to stderr.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .exceptions import NicheFinderError
from .readers import FORMATS

log = logging.getLogger("nichefinder")


class NicheFinderCLIError(click.ClickException):
    """A one-line error with exit code 2."""

    exit_code = 2


def _friendly(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NicheFinderError as exc:
            raise NicheFinderCLIError(str(exc)) from None
        except KeyboardInterrupt:
            raise click.Abort() from None

    return wrapper


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.INFO if verbose == 1 else logging.DEBUG if verbose > 1 else logging.WARNING)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("nichefinder")
    root.handlers[:] = [handler]
    root.setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nichefinder")
@click.option("-v", "--verbose", count=True, help="More log lines on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bars.")
@click.pass_context
def cli(ctx, verbose, quiet):
    """Turn what an audience says into a social-channel plan: how many feeds, which, and who
    from the business staffs them."""
    _setup_logging(verbose, quiet)
    ctx.obj = {"progress": not quiet and sys.stderr.isatty(), "quiet": quiet}


def _thresholds(config, settings):
    """The config file's thresholds (or the defaults) with ``--set`` overrides applied."""
    if not settings:
        return config
    from .config import load_thresholds, parse_overrides

    return parse_overrides(settings, load_thresholds(config) if config else None)


def _echo_summary(plan, written, out) -> None:
    s = plan.summary
    click.echo(
        f"{s.feeds} feed(s) recommended from {s.groups} group(s); {s.rows_read} rows read: "
        f"{s.rows_grouped} grouped, {s.rows_noise} noise, {s.rows_rejected} rejected."
    )
    for f in plan.feeds:
        staff = ", ".join(
            f"{r.name} ({r.department}, {r.role})" for r in f.staff if r.role != "mentor"
        )
        click.echo(
            f"  feed {f.id}: {f.name} [{', '.join(f.platforms) or '-'}] "
            f"{f.posts_per_week:.0f} posts/week, {f.hours_per_week:g} h/week"
            + (f" - {staff}" if staff else "")
        )
    for note in plan.staffing_notes:
        click.echo(f"  staffing: {note}")
    click.echo(f"Wrote {', '.join(p.name for p in written.values())} to {out}")


_ANALYSIS_OPTIONS = [
    click.argument(
        "inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
    ),
    click.option(
        "--columns",
        default=None,
        metavar="KNOWN=YOURS,...",
        help="Map your column names, e.g. text=body,author=user,timestamp=created_at.",
    ),
    click.option(
        "--format",
        "input_format",
        default=None,
        type=click.Choice(FORMATS, case_sensitive=False),
        help="Read every input as this format instead of detecting it from the content.",
    ),
    click.option(
        "--model",
        default=None,
        metavar="NAME_OR_PATH",
        help="sentence-transformers model; default: packaged all-MiniLM-L6-v2 (offline).",
    ),
    click.option(
        "--embeddings",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Precomputed embeddings (.npy, one row per input row); skips the model.",
    ),
    click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Thresholds file (nichefinder.toml or YAML).",
    ),
    click.option(
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override one threshold (repeatable), e.g. --set min_authors=25.",
    ),
    click.option(
        "--min-cluster-size",
        type=click.IntRange(2),
        default=None,
        help="Smallest group to form; chosen from the corpus size when left out.",
    ),
    click.option(
        "--method",
        type=click.Choice(["agglomerative", "hdbscan"]),
        default="agglomerative",
        show_default=True,
        help="Clustering method; hdbscan is plain density clustering (more noise).",
    ),
    click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache."),
    click.option(
        "--random-state",
        type=int,
        default=0,
        show_default=True,
        help="Seed; same input and seed give byte-identical plan files.",
    ),
]


def _analysis_options(command):
    """The input, model, clustering and threshold options that plan and explain share."""
    for option in reversed(_ANALYSIS_OPTIONS):
        command = option(command)
    return command


_FIT_ARGUMENTS = ("conversations", "embeddings", "columns", "format")


def _library_arguments(
    obj,
    *,
    inputs,
    columns,
    input_format,
    model,
    embeddings,
    config,
    settings,
    min_cluster_size,
    method,
    no_cache,
    random_state,
) -> dict:
    """Keyword arguments of :func:`nichefinder.plan` from the shared options."""
    return {
        "conversations": list(inputs),
        "columns": columns,
        "format": input_format.lower() if input_format else None,
        "model": model,
        "embeddings": embeddings,
        "thresholds": _thresholds(config, settings),
        "min_cluster_size": min_cluster_size,
        "method": method,
        "random_state": random_state,
        "cache": not no_cache,
        "show_progress": obj["progress"],
    }


@cli.command("plan")
@_analysis_options
@click.option(
    "--staff",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Staff roster, CSV or YAML (name, department, expertise, ...).",
)
@click.option(
    "--out",
    "out",
    default="nichefinder-plan",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the plan files.",
)
@click.pass_obj
@_friendly
def plan_command(obj, staff, out, **options):
    """Find the interest groups in INPUT files and plan feeds.

    INPUT files are CSV, JSON Lines, Parquet, or exports from X/Twitter (tweets.js), Reddit,
    YouTube, Facebook or Mastodon; the format is detected from the content (see --format).

    Writes plan.json, assignments.csv, report.md (and rejects.csv when rows were
    rejected) to --out.
    """
    from .pipeline import plan
    from .report import write_plan

    arguments = _library_arguments(obj, **options)
    result = plan(arguments.pop("conversations"), staff=staff, **arguments)
    written = write_plan(result, out)
    _echo_summary(result, written, out)


@cli.command("explain")
@_analysis_options
@click.option(
    "--vary",
    multiple=True,
    metavar="NAME",
    help="Threshold to move (repeatable); default: the key ones.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print the table as CSV.")
@click.pass_obj
@_friendly
def explain_command(obj, vary, as_csv, **options):
    """Show how the number of feeds changes as each threshold moves (what-if table).

    Takes the same options as plan and uses the same embedding cache, so after a plan it
    embeds nothing.
    """
    from .pipeline import NicheFinder

    arguments = _library_arguments(obj, **options)
    fit = {name: arguments.pop(name) for name in _FIT_ARGUMENTS}
    table = NicheFinder(**arguments).fit(**fit).explain(vary=vary or None)
    if as_csv:
        click.echo(table.to_csv(index=False), nl=False)
        return
    base = int(table.loc[table["factor"] == 1.0, "n_feeds"].iloc[0]) if len(table) else 0
    click.echo(f"{base} feed(s) at the current thresholds. Moving one threshold at a time:")
    click.echo(table.to_string(index=False))


@cli.command("staff")
@click.argument("plan_path", metavar="PLAN", type=click.Path(exists=True, path_type=Path))
@click.argument("staff", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the re-staffed plan; default: the plan's own folder.",
)
@click.option("--random-state", type=int, default=0, show_default=True)
@click.pass_obj
@_friendly
def staff_command(obj, plan_path, staff, out, random_state):
    """Re-staff an existing PLAN (its folder or plan.json) from a new STAFF roster."""
    from .pipeline import restaff_plan
    from .report import read_plan, write_plan

    saved = read_plan(plan_path)
    folder = plan_path if plan_path.is_dir() else plan_path.parent
    result = restaff_plan(saved, staff, random_state=random_state)
    written = write_plan(result, out or folder)
    _echo_summary(result, written, out or folder)


@cli.command("report")
@click.argument("plan_dir", type=click.Path(exists=True, path_type=Path))
@_friendly
def report_command(plan_dir):
    """Re-render report.md and report.html from a saved plan folder."""
    from .proposal import render_html
    from .report import atomic_write, read_plan, render_markdown

    saved = read_plan(plan_dir)
    folder = plan_dir if plan_dir.is_dir() else plan_dir.parent
    atomic_write(folder / "report.md", render_markdown(saved))
    atomic_write(folder / "report.html", render_html(saved))
    click.echo(f"Wrote report.md and report.html to {folder}")


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="nichefinder")
