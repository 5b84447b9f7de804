"""Report commands: overview, backlinks, refdomains, anchors, pages, refips, outbound, history.

Each is a thin shell over :mod:`linkatlas.metrics.reports`: parse options, call, render.
"""

from __future__ import annotations

import functools

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.errors import IndexError_
from linkatlas.output import render_object, render_rows

__all__ = ["report_options", "scope_option"]

_STATUS = click.Choice(("live", "new", "lost", "broken", "all"))


def scope_option(help_text: str):
    return click.option("--scope", type=click.Choice(("domain", "host", "prefix", "url")), default="domain",
                        show_default=True, help=help_text)


def report_options(command):
    """TARGET, --scope, --db, --format, --period and --since: the options every report shares."""
    options = [
        click.argument("target"),
        scope_option("What TARGET means: a registrable domain with its subdomains, one host, a URL prefix, "
                     "or one URL."),
        db_option,
        format_option(),
        click.option("--period", type=click.Choice(("day", "week", "month", "quarter", "year")), default="month",
                     show_default=True, help="Crawl period for new/lost and history."),
        click.option("--since", default=None, metavar="DATE|all",
                     help="Window for new/lost: from DATE (default: start of the latest crawl period); "
                          "'all' = the whole history."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _open(db):
    from linkatlas.index.store import default_db_path, open_index

    path = default_db_path(db)
    if not path.exists():
        raise IndexError_(f"{path}: no linkatlas index here — run `linkatlas ingest` first or pass --db")
    return open_index(path)


def _target(text: str, scope: str):
    from linkatlas.metrics.target import parse_target

    return parse_target(text, scope)


def _emit_table(table, fmt: str | None) -> None:
    click.echo(render_rows(table.to_pylist(), table.column_names, resolve_format(fmt)), nl=False)


def report(command):
    """Wrap a report callback: errors to one line, the index opened and closed around it."""

    @functools.wraps(command)
    def wrapper(*args, db=None, **kwargs):
        with _open(db) as index:
            return command(index, *args, **kwargs)

    return handle_errors(wrapper)


@cli.command()
@report_options
@click.option("--brand", "brands", multiple=True, metavar="NAME", help="Brand name for anchor types (repeatable).")
@click.option("--keyword", "keywords", multiple=True, metavar="PHRASE", help="Money keyword for anchor types.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(0), help="Rows in the top-anchors widget.")
@report
def overview(index, target, scope, fmt, period, since, brands, keywords, top):
    """Headline numbers of TARGET's backlink profile, with top anchors, TLDs, authority mix and trend.

    Counts are of live backlinks (DESIGN §3); new/lost refer to the window (default: the
    latest crawl period).

    \b
    Examples:
      linkatlas overview acmeanalytics.com
      linkatlas overview acmeanalytics.com --format json --brand "Acme Analytics"
      linkatlas overview https://www.acmeanalytics.com/pricing --scope url
    """
    from linkatlas.metrics.reports import overview as build

    result = build(index, _target(target, scope), brands=brands, keywords=keywords, period=period, since=since,
                   top=top)
    fmt = resolve_format(fmt)
    widgets = ("top_anchors", "anchor_types", "tld_distribution", "authority_distribution", "trend")
    if fmt != "table":
        click.echo(render_object(result, fmt, skip=widgets), nl=False)
        return
    click.echo(render_object(result, "table", skip=widgets), nl=False)
    for name in widgets:
        if result[name]:
            click.echo(f"\n{name.replace('_', ' ').capitalize()}\n")
            click.echo(render_rows(result[name], None, "table"), nl=False)


@cli.command()
@report_options
@click.option("--status", type=_STATUS, default="live", show_default=True,
              help="live, new (first seen in the window), lost (in the window), broken, or all.")
@click.option("--follow", "follow", flag_value=True, default=None, help="Only follow links.")
@click.option("--nofollow", "nofollow", flag_value=True, default=None, help="Only rel=nofollow links.")
@click.option("--ugc", "ugc", flag_value=True, default=None, help="Only rel=ugc links.")
@click.option("--sponsored", "sponsored", flag_value=True, default=None, help="Only rel=sponsored links.")
@click.option("--type", "link_type", type=click.Choice(("text", "image", "redirect", "frame", "form", "refresh")),
              help="Only links of this type.")
@click.option("--min-authority", type=click.IntRange(0, 100), help="Source domain Authority Score at least.")
@click.option("--max-authority", type=click.IntRange(0, 100), help="Source domain Authority Score at most.")
@click.option("--anchor", help="Anchor contains this text (any case).")
@click.option("--source-domain", help="Only backlinks from this referring domain (or host).")
@click.option("--one-per-domain", is_flag=True, help="The best backlink of each referring domain only.")
@click.option("--source", "sources", multiple=True,
              type=click.Choice(("ahrefs", "semrush", "majestic", "moz", "gsc", "crawl")),
              help="Only backlinks this source saw (repeatable: any of them); see the sources column.")
@click.option("--brand", "brands", multiple=True, metavar="NAME", help="Brand name for anchor types (repeatable).")
@click.option("--keyword", "keywords", multiple=True, metavar="PHRASE", help="Money keyword for anchor types.")
@click.option("--sort", help="Column to sort by; prefix with - for descending (e.g. -first_seen).")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@report
def backlinks(index, target, scope, fmt, period, since, status, follow, nofollow, ugc, sponsored, link_type,
              min_authority, max_authority, anchor, source_domain, one_per_domain, sources, brands, keywords, sort,
              limit):
    """Every backlink of TARGET: one row per source page and target URL, from crawls and imported
    exports alike (the sources column says who saw each).

    \b
    Examples:
      linkatlas backlinks acmeanalytics.com --limit 20
      linkatlas backlinks acmeanalytics.com --status lost --since 2026-05-01 --format csv > lost.csv
      linkatlas backlinks acmeanalytics.com --follow --min-authority 30 --one-per-domain
      linkatlas backlinks acmeanalytics.com --anchor "pricing" --sort -first_seen
      linkatlas backlinks example.com --source ahrefs --source semrush --format csv
    """
    from linkatlas.metrics.reports import backlinks as build

    table = build(index, _target(target, scope), status=status, follow=follow, nofollow=nofollow, ugc=ugc,
                  sponsored=sponsored, link_type=link_type, min_authority=min_authority,
                  max_authority=max_authority, anchor=anchor, source_domain=source_domain,
                  one_per_domain=one_per_domain, sort=sort, limit=limit, brands=brands, keywords=keywords,
                  period=period, since=since, sources=sources)
    _emit_table(table, fmt)


@cli.command()
@report_options
@click.option("--status", type=_STATUS, default="live", show_default=True,
              help="live; new (first backlink in the window); lost (live when the window opened, none now); "
                   "broken; all.")
@click.option("--min-authority", type=click.IntRange(0, 100), help="Authority Score at least.")
@click.option("--max-authority", type=click.IntRange(0, 100), help="Authority Score at most.")
@click.option("--sort", help="Column to sort by; prefix with - for descending (e.g. -authority_score).")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@report
def refdomains(index, target, scope, fmt, period, since, status, min_authority, max_authority, sort, limit):
    """The referring domains of TARGET with their backlinks, authority, IPs and dates.

    \b
    Examples:
      linkatlas refdomains acmeanalytics.com --min-authority 20 --sort -authority_score
      linkatlas refdomains acmeanalytics.com --status new
      linkatlas refdomains acmeanalytics.com --status lost --format json
    """
    from linkatlas.metrics.reports import referring_domains

    table = referring_domains(index, _target(target, scope), status=status, min_authority=min_authority,
                              max_authority=max_authority, sort=sort, limit=limit, period=period, since=since)
    _emit_table(table, fmt)


@cli.command()
@report_options
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="Brand name (repeatable); default: the target domain's name.")
@click.option("--keyword", "keywords", multiple=True, metavar="PHRASE",
              help="Money keyword (repeatable); target page titles count too.")
@click.option("--status", type=_STATUS, default="live", show_default=True, help="Which backlinks' anchors.")
@click.option("--sort", help="Column to sort by; prefix with - for descending.")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@report
def anchors(index, target, scope, fmt, period, since, brands, keywords, status, sort, limit):
    """Anchor texts of TARGET's backlinks with their type (branded, exact, partial, naked_url,
    generic, image, empty, other).

    \b
    Examples:
      linkatlas anchors acmeanalytics.com --brand "Acme Analytics" --keyword "product analytics"
      linkatlas anchors acmeanalytics.com --format csv > anchors.csv
    """
    from linkatlas.metrics.reports import anchors as build

    table = build(index, _target(target, scope), brands=brands, keywords=keywords, status=status, sort=sort,
                  limit=limit, period=period, since=since)
    _emit_table(table, fmt)


@cli.command()
@report_options
@click.option("--errors", "errors_only", is_flag=True, help="Only pages that answered 4xx/5xx (links to reclaim).")
@click.option("--sort", help="Column to sort by; prefix with - for descending.")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@report
def pages(index, target, scope, fmt, period, since, errors_only, sort, limit):
    """TARGET's pages that have backlinks, with the HTTP status we last saw for each
    (a 404 page with backlinks is a link to reclaim with a redirect).

    \b
    Examples:
      linkatlas pages acmeanalytics.com
      linkatlas pages acmeanalytics.com --errors
    """
    from linkatlas.metrics.reports import pages as build

    table = build(index, _target(target, scope), errors_only=errors_only, sort=sort, limit=limit, period=period,
                  since=since)
    _emit_table(table, fmt)


@cli.command()
@report_options
@click.option("--sort", help="Column to sort by; prefix with - for descending.")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@report
def refips(index, target, scope, fmt, period, since, sort, limit):
    """The IP addresses and /24 subnets TARGET's live backlinks come from.

    \b
    Example:
      linkatlas refips acmeanalytics.com --limit 20
    """
    from linkatlas.metrics.reports import referring_ips

    _emit_table(referring_ips(index, _target(target, scope), sort=sort, limit=limit, period=period, since=since),
                fmt)


@cli.command()
@click.argument("domain")
@scope_option("Which pages of the site: the whole domain, one host, a prefix, one URL.")
@db_option
@format_option()
@click.option("--follow", "follow_only", is_flag=True, help="Only domains that get at least one follow link.")
@click.option("--sort", help="Column to sort by; prefix with - for descending.")
@click.option("--limit", type=click.IntRange(0), help="At most this many rows.")
@handle_errors
def outbound(domain, scope, db, fmt, follow_only, sort, limit):
    """The domains DOMAIN links to, from the latest successful fetch of each of its pages.

    \b
    Examples:
      linkatlas outbound acmeanalytics.com
      linkatlas outbound acmeanalytics.com --follow --format csv
    """
    from linkatlas.metrics.reports import outbound as build

    with _open(db) as index:
        _emit_table(build(index, _target(domain, scope), follow_only=follow_only, sort=sort, limit=limit), fmt)


@cli.command()
@click.argument("target")
@scope_option("What TARGET means.")
@db_option
@format_option()
@click.option("--period", type=click.Choice(("day", "week", "month", "quarter", "year")), default="month",
              show_default=True, help="Length of a crawl period.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Also draw the chart into this PNG file.")
@handle_errors
def history(target, scope, db, fmt, period, chart):
    """Per crawl period: live backlinks and referring domains, new and lost ones.

    \b
    Examples:
      linkatlas history acmeanalytics.com
      linkatlas history acmeanalytics.com --chart refdomains.png
    """
    from linkatlas.metrics.reports import history as build

    with _open(db) as index:
        table = build(index, _target(target, scope), period=period)
    if chart:
        from linkatlas.metrics.charts import draw_history

        draw_history(table.to_pylist(), chart, title=f"New & lost referring domains — {target}")
        click.echo(f"linkatlas: chart written to {chart}", err=True)
    _emit_table(table, fmt)
