"""The ``linkatlas`` command: a thin shell over the library.

Data goes to stdout, messages and progress bars to stderr. Exit codes: 0 success, 1 runtime
failure (one line saying why), 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import click

from linkatlas import __version__
from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.output import render_object

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="linkatlas")
@click.option("--traceback", is_flag=True, help="Show the full traceback on errors.")
def cli(traceback: bool) -> None:
    """linkatlas — backlink intelligence on link data you control.

    \b
    Quick start:
      linkatlas demo                         build a sample workspace and tour it
      linkatlas ingest crawl/*.warc.gz       take WARC/ARC/WAT files into ./linkatlas.duckdb
      linkatlas info                         what the workspace holds
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@db_option
@format_option()
@click.option("--internal", "keep_internal", is_flag=True,
              help="Also store internal links (same registrable domain); by default only counted.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@click.option("--memory-limit", default="128MB", show_default=True,
              help="Cap on DuckDB's buffer memory while ingesting (memory stays flat whatever the input size).")
@click.option("--batch-pages", default=1000, show_default=True, hidden=True, type=click.IntRange(1))
@handle_errors
def ingest(paths, db, fmt, keep_internal, progress, memory_limit, batch_pages):
    """Take WARC, ARC and Common Crawl WAT files (or folders of them) into the link index.

    Every HTTP response is recorded as a fetch with its status, date and IP; 2xx HTML pages
    are parsed for links; 3xx redirects become redirect links; WAT records bring their links
    ready-made. Re-ingesting a file adds nothing; an interrupted ingest completes when re-run.
    Bad records are counted and skipped; the exit code is 1 if anything failed.

    \b
    Examples:
      linkatlas ingest crawl.warc.gz
      linkatlas ingest --db site.duckdb archives/ CC-MAIN-*.warc.wat.gz
      linkatlas ingest --format json crawl/ > summary.json
    """
    from linkatlas.index.store import open_index
    from linkatlas.ingest import ingest as run_ingest

    ctx = click.get_current_context()
    with open_index(db, memory_limit=memory_limit) as index:
        try:
            summary = run_ingest(index, paths, keep_internal=keep_internal, progress=progress,
                                 batch_pages=batch_pages)
        except KeyboardInterrupt:
            click.echo("linkatlas: interrupted — what was stored is consistent; run the same command again to finish",
                       err=True)
            ctx.exit(130)
    fmt = resolve_format(fmt)
    for problem in summary.problems:
        click.echo(f"linkatlas: {problem}", err=True)
    click.echo(render_object(summary.as_dict(), fmt, skip=("problems", "counters")), nl=False)
    if summary.errors:
        click.echo(f"linkatlas: {summary.errors} error(s) while ingesting; see the messages above", err=True)
        ctx.exit(1)


@cli.command()
@db_option
@format_option()
@handle_errors
def info(db, fmt):
    """What the workspace holds: fetches, pages, links, crawl dates.

    \b
    Example:
      linkatlas info --db site.duckdb --format json
    """
    from linkatlas.index.store import open_index

    with open_index(db, read_only=True) as index:
        click.echo(render_object(index.stats(), resolve_format(fmt)), nl=False)


@cli.command()
@db_option
@click.option("--dir", "out_dir", type=click.Path(file_okay=False), default="linkatlas-demo", show_default=True,
              help="Folder for the generated sample web (WARC files) and, without --db, its workspace.")
@click.option("--seed", default=7, show_default=True, help="Seed of the generated sample web.")
@click.option("--scale", default=1.0, show_default=True, help="Size of the sample web (1.0 ≈ 4,000 fetches).")
@format_option()
@handle_errors
def demo(db, out_dir, seed, scale, fmt):
    """Generate a sample web, ingest it, and show what linkatlas finds in it.

    The sample web has natural sites and the spam patterns of real backlink profiles (a PBN,
    a link farm, scraped copies, hidden links, sitewide footers, link swaps...) crawled on
    several dates. Everything stays local: no network, no server.

    \b
    Example:
      linkatlas demo && linkatlas info --db linkatlas-demo/linkatlas.duckdb
    """
    from linkatlas.demo import run_demo

    report = run_demo(out_dir=out_dir, db=db, seed=seed, scale=scale)
    click.echo(report.render(resolve_format(fmt)), nl=False)
    if report.failed:
        click.get_current_context().exit(1)


# Command modules add their commands to ``cli`` when imported; one module per capability.
from linkatlas.cli import audit, authority, crawl, imports, reports  # noqa: E402,F401  (registration)
from linkatlas.cli import projects  # noqa: E402,F401  (registration: project, list, disavow, contacts)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="linkatlas")
