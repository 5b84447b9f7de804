"""Authority Score commands: authority compute, authority DOMAIN...."""

from __future__ import annotations

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.output import render_object, render_rows

COLUMNS = ("domain", "authority_score", "pagerank", "harmonic", "referring_domains", "referring_groups",
           "outbound_domains", "network_size", "discount", "known", "computed_at")


class DomainsOrCommand(click.Group):
    """``authority compute`` runs the command; ``authority a.com b.org`` means ``authority show a.com b.org``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=DomainsOrCommand)
def authority() -> None:
    """Authority Score (0–100) of domains, from the graph of live follow links between domains.

    PageRank and harmonic centrality on the domain graph, log-scaled to 0–100; domains that
    share a /24 subnet or an analytics/ad id vote once (a link network cannot lift itself).
    Scores are recomputed automatically when the index changed. See docs/authority.md.

    \b
    Examples:
      linkatlas authority compute --db site.duckdb
      linkatlas authority example.com news.example.org --db site.duckdb
      linkatlas authority show example.com --format json
    """


@authority.command()
@db_option
@format_option()
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on when stderr is a terminal).")
@handle_errors
def compute(db, fmt, progress):
    """Build the domain graph and store every domain's score and components.

    \b
    Examples:
      linkatlas authority compute
      linkatlas authority compute --db site.duckdb --format json
    """
    from linkatlas.index.store import open_index
    from linkatlas.metrics.authority import compute_authority

    with open_index(db) as index:
        summary = compute_authority(index, progress=progress)
    click.echo(render_object(summary.as_dict(), resolve_format(fmt), skip=("timings",)), nl=False)


@authority.command()
@click.argument("domains", nargs=-1, required=True)
@db_option
@format_option()
@handle_errors
def show(domains, db, fmt):
    """Score and components of DOMAINS (hosts and URLs are reduced to their registrable domain).

    A domain the graph does not hold shows score 0, known=no and empty components.

    \b
    Examples:
      linkatlas authority show example.com www.example.org
      linkatlas authority example.com --format csv
    """
    from linkatlas.index.store import default_db_path, open_index
    from linkatlas.metrics.authority import authority_of, ensure_authority

    path = default_db_path(db)
    if not path.exists():
        open_index(path, read_only=True)  # raises the one-line "no index here" error
    with open_index(path) as index:
        ensure_authority(index)
        rows = authority_of(index, list(domains))
    for row in rows:
        if not row["known"]:
            click.echo(f"linkatlas: {row['domain']}: not in the domain graph (no live page or follow link seen)",
                       err=True)
    click.echo(render_rows(rows, COLUMNS, resolve_format(fmt)), nl=False)
