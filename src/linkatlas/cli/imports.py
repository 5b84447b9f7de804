"""Vendor export commands: import, coverage."""

from __future__ import annotations

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.output import render_object, render_rows

_VENDOR_CHOICES = ("auto", "gsc", "ahrefs", "semrush", "majestic", "moz")


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False, dir_okay=False))
@click.option("--target", default=None, help="The site the exports are about (a domain); read from the file "
                                              "when it names target URLs.")
@click.option("--vendor", type=click.Choice(_VENDOR_CHOICES), default="auto", show_default=True,
              help="Only accept this vendor's layouts (auto: recognise the layout from the headers).")
@db_option
@format_option()
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@click.option("--memory-limit", default="256MB", show_default=True, help="Cap on DuckDB's buffer memory.")
@handle_errors
def import_(paths, target, vendor, db, fmt, progress, memory_limit):
    """Take backlink exports from Ahrefs, Semrush, Majestic, Moz and Search Console into the index.

    The layout is recognised from the file's content (encoding, delimiter, header row), not its
    name: Semrush Backlinks / Referring domains / Indexed pages / Backlink Audit, Ahrefs
    Backlinks / Referring domains / Anchors, Majestic backlinks, Moz links, and Search Console
    Links (zip of CSVs, CSV or XLSX, headers in en/es/de/fr/pt/it). Re-importing a file adds
    nothing. Malformed rows are counted and skipped; the exit code is 1 if any row failed.

    \b
    Examples:
      linkatlas import example.com-backlinks-subdomains_2024-05-01.csv
      linkatlas import --target example.com semrush-refdomains.csv gsc-links.zip
      linkatlas import --vendor majestic --format json majestic.csv > summary.json
    """
    from linkatlas.index.store import open_index
    from linkatlas.sources.imports import import_files

    ctx = click.get_current_context()
    with open_index(db, memory_limit=memory_limit) as index:
        try:
            summary = import_files(index, paths, target=target, vendor=vendor, progress=progress)
        except KeyboardInterrupt:
            click.echo("linkatlas: interrupted — files imported so far are complete; run the same command again "
                       "to finish", err=True)
            ctx.exit(130)
    fmt = resolve_format(fmt)
    for problem in summary.problems:
        click.echo(f"linkatlas: {problem}", err=True)
    click.echo(render_object(summary.as_dict(), fmt, skip=("problems", "counters", "imports")), nl=False)
    if summary.errors:
        click.echo(f"linkatlas: {summary.errors} error(s) while importing; see the messages above", err=True)
        ctx.exit(1)


@cli.command()
@click.argument("target")
@click.option("--scope", type=click.Choice(("domain", "host", "prefix", "url")), default="domain", show_default=True,
              help="What counts as the target: its registrable domain, exactly its host, a URL prefix, or one URL.")
@db_option
@format_option()
@handle_errors
def coverage(target, scope, db, fmt):
    """How much of the target's backlink profile each source saw.

    Backlinks from every imported export (ahrefs, semrush, majestic, moz, gsc) and from the
    crawl are de-duplicated by normalized source and target URL; per source: the backlinks and
    referring domains it saw, how many only it saw, and its share of all backlinks. Search
    Console names linking pages only, so a GSC row confirms the backlinks of its source page.

    \b
    Examples:
      linkatlas coverage example.com
      linkatlas coverage --scope host blog.example.com --format csv
    """
    from linkatlas.index.store import open_index
    from linkatlas.sources.imports import coverage as source_coverage

    with open_index(db, read_only=True) as index:
        rows = source_coverage(index, target, scope)
    click.echo(render_rows(rows, fmt=resolve_format(fmt)), nl=False)
