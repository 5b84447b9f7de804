"""``linkatlas audit``: toxic markers, toxicity, the naturalness report, bursts, anchors, swaps."""

from __future__ import annotations

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.cli.reports import _open, scope_option
from linkatlas.output import render_rows

__all__ = ["audit_command"]

_LEVEL_TITLES = {"toxic": "Toxic (60–100)", "potentially_toxic": "Potentially toxic (45–59)",
                 "non_toxic": "Non-toxic (0–44)"}


def _flat(row: dict) -> dict:
    """A domain row for csv/jsonl/table: marker ids instead of the evidence objects."""
    return {"domain": row["domain"], "toxicity": row["toxicity"], "level": row["level"],
            "backlinks": row["backlinks"], "status": row["status"], "authority_score": row["authority_score"],
            "list": row["list"], "markers": " ".join(marker["id"] for marker in row["markers"]),
            "whitelisted": row.get("whitelisted")}


def _echo_table(report: dict, show: str | None) -> None:
    summary = report["summary"]
    click.echo(f"Backlink audit of {report['target']} ({report['scope']})")
    click.echo(f"  referring domains {summary['referring_domains']}, live backlinks {summary['backlinks']}")
    click.echo(f"  toxic {summary['toxic']}, potentially toxic {summary['potentially_toxic']}, "
               f"profile toxicity {summary['profile_toxicity_percent']} % ({summary['level']})")
    click.echo(f"  lists: whitelist {summary['whitelisted']}, remove {summary['remove']}, disavow "
               f"{summary['disavow']}; undecided {summary['undecided']} ({summary['undecided_toxic']} of them "
               "toxic or potentially toxic)")
    columns = ["domain", "toxicity", "backlinks", "status", "authority_score", "list", "markers"]
    for level in ("toxic", "potentially_toxic", "non_toxic"):
        if show and level != show:
            continue
        rows = [_flat(row) for row in report["domains"] if row["level"] == level]
        click.echo(f"\n{_LEVEL_TITLES[level]}: {len(rows)} domains\n")
        if rows:
            click.echo(render_rows(rows, columns, "table"), nl=False)
    nat = report["naturalness"]
    click.echo(f"\nNaturalness: {nat['verdict']}\n")
    click.echo(render_rows([{"check": c["id"], "verdict": c["verdict"], "value": c["value"], "detail": c["detail"]}
                            for c in nat["checks"]], None, "table"), nl=False)
    if report["bursts"]:
        click.echo("\nLink bursts\n")
        click.echo(render_rows([{"period": b["period"], "scope": b["scope"], "domain": b["domain"] or "(target)",
                                 "new": b["new_backlinks"], "previous": b["previous_new_backlinks"],
                                 "reasons": " ".join(b["reasons"])} for b in report["bursts"]], None, "table"),
                   nl=False)
    if report["over_optimized"]:
        click.echo("\nOver-optimized target pages (exact-match anchors dominate)\n")
        click.echo(render_rows([{"target_url": p["target_url"], "backlinks": p["backlinks"],
                                 "exact_share": p["exact_share"], "money_share": p["money_share"]}
                                for p in report["over_optimized"]], None, "table"), nl=False)
    if report["reciprocal_domains"]:
        click.echo("\nReciprocal domains (the target links back)\n")
        click.echo(render_rows([{"domain": r["domain"], "backlinks": r["backlinks"],
                                 "outbound_links": r["outbound_links"], "toxicity": r["toxicity"],
                                 "our_pages": " ".join(r["our_pages"])} for r in report["reciprocal_domains"]],
                               None, "table"), nl=False)


@cli.command("audit")
@click.argument("target")
@scope_option("What TARGET means: a registrable domain with its subdomains, one host, a URL prefix, or one URL.")
@db_option
@format_option()
@click.option("--brand", "brands", multiple=True, metavar="NAME", help="Brand name (repeatable; adds to the project's).")
@click.option("--category", "categories", multiple=True, metavar="TOPIC",
              help="Topic of the site (repeatable); domains far from these get an irrelevant-source marker.")
@click.option("--country", "countries", multiple=True, metavar="CC",
              help="Target country, ISO code (repeatable); sources outside their languages/countries are marked.")
@click.option("--keyword", "keywords", multiple=True, metavar="PHRASE", help="Money keyword (repeatable).")
@click.option("--spam-list", "spam_lists", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra known-spam domain list, one domain a line (repeatable).")
@click.option("--period", type=click.Choice(("day", "week", "month", "quarter", "year")), default="month",
              show_default=True, help="Crawl period for bursts and velocity.")
@click.option("--level", type=click.Choice(("toxic", "potentially_toxic", "non_toxic")), default=None,
              help="Only list domains of this level.")
@click.option("--review", is_flag=True, help="Only the domains on no list yet (whitelist/remove/disavow).")
@click.option("--explain", "explain", metavar="DOMAIN", default=None, help="Why DOMAIN scored what it did, in words.")
@click.option("--links", is_flag=True, help="One row per backlink with its toxicity instead of the report.")
@handle_errors
def audit_command(target, scope, db, fmt, brands, categories, countries, keywords, spam_lists, period, level,
                  review, explain, links):
    """Audit TARGET's backlinks: toxic markers with evidence, toxicity per domain, naturalness.

    Every referring domain gets a toxicity 0–100 (0–44 non-toxic, 45–59 potentially toxic,
    60–100 toxic) from the markers it triggers; whitelisted domains score 0. Settings come
    from the stored project (`linkatlas project create`) plus the options given here.

    \b
    Examples:
      linkatlas audit acmeanalytics.com
      linkatlas audit acmeanalytics.com --format json > audit.json
      linkatlas audit acmeanalytics.com --category analytics --country us --brand "Acme Analytics"
      linkatlas audit acmeanalytics.com --explain spam-site.xyz
      linkatlas audit acmeanalytics.com --review --level toxic
      linkatlas audit acmeanalytics.com --links --format csv > backlinks-toxicity.csv
    """
    from linkatlas.audit.lists import load_decisions
    from linkatlas.audit.projects import settings_for
    from linkatlas.audit.report import audit, backlink_rows, explain_domain
    from linkatlas.audit.toxicity import score
    from linkatlas.metrics.target import parse_target

    fmt = resolve_format(fmt)
    with _open(db) as index:
        settings = settings_for(index, parse_target(target, scope), brands=brands, categories=categories,
                                countries=countries, keywords=keywords)
        result = score(index, settings, spam_lists=tuple(spam_lists))
        if links:
            table = backlink_rows(result, load_decisions(index, settings.domain))
            rows = table.to_pylist()
            for row in rows:
                if isinstance(row.get("markers"), list):
                    row["markers"] = " ".join(row["markers"])
            click.echo(render_rows(rows, table.column_names, fmt), nl=False)
            return
        report = audit(index, settings, spam_lists=spam_lists, period=period, _result=result)
    if explain:
        lines = explain_domain(report, explain.strip().lower(), result)
        if fmt in ("json", "jsonl"):
            click.echo(render_rows([{"domain": explain, "explanation": lines}], None, fmt), nl=False)
        else:
            click.echo("\n".join(lines))
        return
    if review:
        report["domains"] = [row for row in report["domains"] if row["list"] is None]
    if level:
        report["domains"] = [row for row in report["domains"] if row["level"] == level]
    if fmt == "json":
        from linkatlas.output import render_object

        click.echo(render_object(report, "json"), nl=False)
    elif fmt in ("jsonl", "csv"):
        rows = [_flat(row) for row in report["domains"]] if fmt == "csv" else report["domains"]
        click.echo(render_rows(rows, None, fmt), nl=False)
    else:
        _echo_table(report, level)
