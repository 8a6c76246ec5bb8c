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
from .ingest.readers import FORMATS

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
    ctx.obj = {"progress": _progress_bar if not quiet and sys.stderr.isatty() else False,
               "quiet": quiet}


def _progress_bar(total: int, label: str):
    """A click progress bar on stderr for the library's ``show_progress``: ``step(n)``."""
    bar = click.progressbar(length=total, label=label, file=None)
    bar.__enter__()
    done = [0]

    def step(n):
        bar.update(n)
        done[0] += n
        if done[0] >= total:
            bar.__exit__(None, None, None)

    return step


def _thresholds(config, settings):
    """The config file's thresholds (or the defaults) with ``--set`` overrides applied."""
    if not settings:
        return config
    from .config import load_thresholds, parse_overrides

    return parse_overrides(settings, load_thresholds(config) if config else None)


def _echo_embedding(stats: dict) -> None:
    if stats.get("cache") is None:
        click.echo(f"embeddings: {stats['posts']:,} posts, vectors given (nothing embedded)")
    elif stats["cache"] is False:
        click.echo(f"embeddings: {stats['posts']:,} posts embedded, cache off")
    else:
        click.echo(
            f"embeddings: {stats['posts']:,} posts, {stats['unique_texts']:,} unique texts: "
            f"{stats['from_cache']:,} from the cache ({stats['hit_rate']:.0%} hit rate), "
            f"{stats['embedded']:,} embedded"
        )


def _echo_summary(plan, written, out) -> None:
    from .report.formats import plural

    s = plan.summary
    click.echo(
        f"{plural(s.feeds, 'feed')} recommended from {plural(s.groups, 'group')}; "
        f"{s.rows_read} rows read: "
        f"{s.rows_grouped} grouped, {s.rows_noise} noise, {s.rows_rejected} rejected."
    )
    for note in plan.parameters.get("data_notes") or ():
        if note.startswith("not judged"):
            click.echo(f"  {note}")
    if s.confidence_line is not None:
        click.echo(f"confidence: {s.confidence_line}")
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
        help="Embedding model: default the packaged all-MiniLM-L6-v2 as int8 ONNX (offline); "
        "'all-MiniLM-L6-v2' for plain sentence-transformers, 'fast' for a first look at huge "
        "inputs, or any sentence-transformers name or path.",
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
        default="agglomerative",
        show_default=True,
        metavar="NAME",
        help="Clustering method: agglomerative, leiden (a kNN graph cut at the resolution that "
        "resamples reproduce), hdbscan (plain density clustering, more noise), or another name "
        "of nichefinder.cluster.METHODS.",
    ),
    click.option(
        "--sample-size",
        type=click.IntRange(min=2),
        default=None,
        help="Most posts clustered at once (default 30,000); the rest are assigned to groups.",
    ),
    click.option(
        "--placement",
        type=click.Choice(["student", "model"]),
        default="student",
        show_default=True,
        help="Beyond the sample: a cheap student embeds the posts and the model only those "
        "it is unsure of (student), or the model embeds every post (model).",
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


def _read_inputs(obj, arguments: dict, fit: dict) -> None:
    """Check the thresholds and method, read the inputs, and say on stderr which columns were
    used (when any has another name than nichefinder's) and what cannot be judged: all before
    the costly embedding. ``fit`` then holds the
    conversations read."""
    from .cluster import check_method
    from .config import resolve_thresholds
    from .ingest import as_conversations
    from .ingest.columns import describe_columns

    arguments["thresholds"] = resolve_thresholds(arguments["thresholds"])
    check_method(arguments["method"])
    conv = as_conversations(fit.pop("conversations"), fit.pop("columns"), fit.pop("format"))
    fit.update(conversations=conv, columns=None, format=None)
    if obj.get("quiet"):
        return
    renamed = {name: used for name, used in conv.columns.items()
               if any(known != column for known, column in used.items())}
    shown = {describe_columns(used) for used in renamed.values()}
    for name, used in renamed.items():
        line = describe_columns(used)
        click.echo(f"columns: {line}" if len(shown) == 1 else f"columns ({name}): {line}",
                   err=True)
        if len(shown) == 1:
            break
    for note in conv.not_judged:
        click.echo(note, err=True)


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
    sample_size,
    placement,
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
        "sample_size": sample_size,
        "placement": placement,
        "random_state": random_state,
        "cache": not no_cache,
        "show_progress": obj["progress"],
    }


_PROPOSAL_OPTIONS = [
    click.option("--client", "client_name", default=None, metavar="NAME",
                 help="Who the proposal is for, on its cover (kept in plan.json)."),
    click.option("--date", "report_date", default=None, metavar="TEXT",
                 help="The proposal's date as printed (default: today, UTC)."),
    click.option("--period", default=None, metavar="TEXT",
                 help="The period covered as printed (default: first to last post)."),
    click.option("--pdf", is_flag=True,
                 help="Also write report.pdf, printed by headless Chromium."),
    click.option("--page-size", type=click.Choice(["A4", "Letter"]), default=None,
                 help="Paper size of the printed proposal and PDF (default: A4)."),
]


def _proposal_options(command):
    """The cover and PDF options that plan and report share."""
    for option in reversed(_PROPOSAL_OPTIONS):
        command = option(command)
    return command


def _with_proposal(plan, client_name, report_date, period, page_size):
    from .report import with_details

    return with_details(plan, client=client_name, date=report_date, period=period,
                        page_size=page_size)


def _check_pdf() -> None:
    """Fail before any work when --pdf is asked for and no Chromium can print it."""
    from .report.pdf import find_chromium

    find_chromium()


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
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Embed and assign on a running Dask cluster, e.g. tcp://host:8786 "
    "(pip install 'nichefinder[distributed]'; see docs/distributed.md).",
)
@_proposal_options
@click.pass_obj
@_friendly
def plan_command(obj, staff, out, scheduler, client_name, report_date, period, pdf, page_size,
                 **options):
    """Find the interest groups in INPUT files and plan feeds.

    INPUT files are CSV, JSON Lines, Parquet, or exports from X/Twitter (tweets.js), Reddit,
    YouTube, Facebook or Mastodon; the format is detected from the content (see --format).

    Writes plan.json, assignments.csv, report.md (and rejects.csv when rows were
    rejected) to --out.
    """
    from .ingest import check_inputs
    from .pipeline import NicheFinder
    from .report import check_plan_folder, write_plan
    from .staff import load_staff

    arguments = _library_arguments(obj, **options)
    fit = {name: arguments.pop(name) for name in _FIT_ARGUMENTS}
    # everything that can be checked is checked before the costly embedding
    check_inputs(fit["conversations"])
    check_plan_folder(out, inputs=fit["conversations"])
    if pdf:
        _check_pdf()
    staff = load_staff(staff) if staff is not None else None
    _read_inputs(obj, arguments, fit)
    if scheduler is None:
        finder = NicheFinder(**arguments).fit(**fit)
    else:
        from .distributed import connect_scheduler, fit_distributed

        with connect_scheduler(scheduler) as client:
            finder = fit_distributed(NicheFinder(**arguments), client=client, **fit)
    result = _with_proposal(finder.plan(staff), client_name, report_date, period, page_size)
    written = write_plan(result, out, pdf=pdf)
    _echo_embedding(finder.embedding_stats_)
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
    _read_inputs(obj, arguments, fit)
    table = NicheFinder(**arguments).fit(**fit).explain(vary=vary or None)
    if as_csv:
        from .report.csvsafe import csv_text

        click.echo(csv_text(table), nl=False)
        return
    base = int(table.loc[table["factor"] == 1.0, "n_feeds"].iloc[0]) if len(table) else 0
    from .report.formats import plural

    click.echo(f"{plural(base, 'feed')} at the current thresholds. Moving one threshold at a "
               "time:")
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
    from .report import check_plan_folder, read_plan, write_plan

    saved = read_plan(plan_path)
    folder = plan_path if plan_path.is_dir() else plan_path.parent
    check_plan_folder(out or folder, inputs=[staff])
    result = restaff_plan(saved, staff, random_state=random_state)
    written = write_plan(result, out or folder)
    _echo_summary(result, written, out or folder)


@cli.command("report")
@click.argument("plan_dir", type=click.Path(exists=True, path_type=Path))
@_proposal_options
@_friendly
def report_command(plan_dir, client_name, report_date, period, pdf, page_size):
    """Re-render report.md and report.html (and report.pdf with --pdf) from a saved plan
    folder."""
    from .report import read_plan, write_reports

    if pdf:
        _check_pdf()
    saved = _with_proposal(read_plan(plan_dir), client_name, report_date, period, page_size)
    folder = plan_dir if plan_dir.is_dir() else plan_dir.parent
    names = [path.name for path in write_reports(saved, folder, pdf=pdf).values()]
    listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    click.echo(f"Wrote {listed} to {folder}")


@cli.command("update")
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.argument(
    "inputs", metavar="NEW_INPUT...", nargs=-1, required=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "--out",
    default="nichefinder-update",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for update.json, update_assignments.csv, update.md (and update_rejects.csv); "
    "it may be the plan's own folder.",
)
@click.option("--columns", default=None, metavar="KNOWN=YOURS,...",
              help="Map your column names, e.g. text=body,author=user,timestamp=created_at.")
@click.option("--format", "input_format", default=None,
              type=click.Choice(FORMATS, case_sensitive=False),
              help="Read every input as this format instead of detecting it from the content.")
@click.option("--model", default=None, metavar="NAME_OR_PATH",
              help="Embedding model; default: the plan's own (parameters.model in plan.json).")
@click.option("--embeddings", type=click.Path(dir_okay=False, path_type=Path),
              help="Precomputed embeddings of the new posts (.npy, one row per input row).")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="Judge new groups by this thresholds file instead of the plan's thresholds.")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override one of the plan's thresholds (repeatable), e.g. --set min_posts=15.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--random-state", type=int, default=0, show_default=True,
              help="Seed of the new-group search; same input and seed give the same files.")
@click.option("--fail-on-drift", is_flag=True,
              help="Exit with status 1 when the verdict is re-plan (for scheduled jobs).")
@click.pass_obj
@_friendly
def update_command(obj, plan_dir, inputs, out, columns, input_format, model, embeddings, config,
                   settings, no_cache, random_state, fail_on_drift):
    """Place NEW_INPUT conversations in the plan at PLAN_DIR, without clustering again.

    Reports each feed's share of the new posts against the plan's, the noise share, groups
    forming among posts that fit no group, and a verdict: fits, or re-plan (a new group
    emerged, a feed's volume collapsed, or much more noise). Exit status: 0, or 1 with
    --fail-on-drift when the verdict is re-plan; 2 on bad input.
    """
    from .report import check_update_folder, render_update_summary, write_update
    from .update import update_plan

    check_update_folder(out, inputs=inputs)
    thresholds = None  # the plan's own
    if config:
        thresholds = _thresholds(config, settings)
    elif settings:
        from .config import parse_settings

        thresholds = parse_settings(settings)  # over the plan's own
    result = update_plan(
        plan_dir, list(inputs), model=model, embeddings=embeddings, columns=columns,
        format=input_format.lower() if input_format else None, thresholds=thresholds,
        cache=not no_cache, random_state=random_state, show_progress=obj["progress"],
    )
    written = write_update(result, out)
    click.echo(render_update_summary(result))
    click.echo(f"Wrote {', '.join(p.name for p in written.values())} to {out}")
    if fail_on_drift and result.verdict == "re-plan":
        click.get_current_context().exit(1)


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="nichefinder")
