"""Crawler, verification and monitoring commands: crawl, verify, monitor, alerts."""

from __future__ import annotations

import functools

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.errors import UsageError
from linkatlas.output import render_object, render_rows

__all__ = ["crawl", "verify", "monitor", "alerts"]


def _crawl_options(command):
    """The crawl policy as options, shared by crawl, verify and monitor run."""
    options = [
        click.option("--user-agent", default=None, help="User-Agent header (default identifies linkatlas)."),
        click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
                     help="Seconds between requests to one host (a robots.txt Crawl-delay may raise it)."),
        click.option("--concurrency", type=click.IntRange(1, 512), default=16, show_default=True,
                     help="Requests in flight overall."),
        click.option("--per-host", type=click.IntRange(1, 16), default=1, show_default=True,
                     help="Requests in flight per host."),
        click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
                     help="Seconds for a whole response, body included."),
        click.option("--max-bytes", type=click.IntRange(1024), default=5 * 1024 * 1024, show_default=True,
                     help="Body bytes read per page (raw and decompressed)."),
        click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True,
                     help="Extra attempts after a 5xx, 429 or timeout, with exponential backoff."),
        click.option("--ignore-robots", is_flag=True, help="Do not read robots.txt (only for your own sites)."),
        click.option("--proxy", default=None, help="HTTP proxy URL (HTTPS goes through CONNECT)."),
        click.option("--ca-bundle", type=click.Path(dir_okay=False), default=None,
                     help="PEM file of extra CA certificates to trust (e.g. an intercepting proxy's)."),
        click.option("--resolve", multiple=True, metavar="HOST:ADDR",
                     help="Connect to ADDR for HOST, like curl (repeatable)."),
        click.option("--allow-private", is_flag=True,
                     help="Allow loopback/private/link-local addresses (refused by default: SSRF guard)."),
        click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _policy(params: dict, **extra):
    from linkatlas.crawl import CrawlPolicy, parse_resolve

    values = dict(
        delay=params["delay"], concurrency=params["concurrency"], per_host_concurrency=params["per_host"],
        total_timeout=params["timeout"], read_timeout=min(params["timeout"], 20.0),
        connect_timeout=min(params["timeout"], 10.0), max_bytes=params["max_bytes"], retries=params["retries"],
        robots=not params["ignore_robots"], proxy=params["proxy"], resolve=parse_resolve(params["resolve"]),
        allow_private=params["allow_private"], ca_bundle=params["ca_bundle"], **extra,
    )
    if params["user_agent"]:
        values["user_agent"] = params["user_agent"]
    return CrawlPolicy(**values)


def _run_crawl(params: dict, seeds: list[str], mode: str, **options) -> None:
    from linkatlas.crawl import crawl as run
    from linkatlas.index.store import open_index

    ctx = click.get_current_context()
    policy = _policy(params, max_pages=params["max_pages"], max_depth=params.get("depth", 0),
                     keep_internal=params.get("keep_internal", False))
    with open_index(params["db"]) as index:
        try:
            summary = run(index, seeds, mode=mode, policy=policy, warc_path=params.get("warc"),
                          progress=params["progress"], **options)
        except KeyboardInterrupt:
            click.echo("linkatlas: interrupted — what was fetched so far is stored", err=True)
            ctx.exit(130)
    for problem in summary.problems:
        click.echo(f"linkatlas: {problem}", err=True)
    click.echo(render_object(summary.as_dict(), resolve_format(params["fmt"]), skip=("problems", "counters")), nl=False)
    if summary.errors:
        click.echo(f"linkatlas: {summary.errors} error(s) while crawling; see the messages above", err=True)
        ctx.exit(1)


def _crawl_command(function):
    """Options every ``crawl`` mode shares; the callback gets them as one dict."""

    @db_option
    @format_option()
    @_crawl_options
    @click.option("--max-pages", type=click.IntRange(1), default=1000, show_default=True, help="Stop after this many fetches.")
    @click.option("--warc", type=click.Path(), default=None,
                  help="Also write what was fetched to this WARC file (.warc.gz) or folder.")
    @click.option("--internal", "keep_internal", is_flag=True, help="Also store internal links (else counted).")
    @handle_errors
    @functools.wraps(function)
    def command(**params):
        return function(params)

    return command


@cli.group()
def crawl():
    """Fetch pages politely into the index (origin `crawl`): a site, a list of URLs, or outward from seeds.

    robots.txt is obeyed (Crawl-delay too), one request per host at a time by default, every
    fetch stored with its status and IP (failed ones too, with no status). Private and loopback
    addresses are refused unless --allow-private.

    \b
    Examples:
      linkatlas crawl site example.com --max-pages 500
      linkatlas crawl urls pages.txt --warc crawl.warc.gz
      linkatlas crawl discover https://blog.example/ --depth 2
    """


@crawl.command("site")
@click.argument("sites", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(0), default=5, show_default=True, help="Link hops from the start page.")
@click.option("--same-host", is_flag=True, help="Stay on the exact host (default: the whole registrable domain).")
@_crawl_command
def crawl_site(params):
    """Crawl a site (its registrable domain) following internal links: its pages' statuses and outbound links.

    \b
    Examples:
      linkatlas crawl site example.com
      linkatlas crawl site https://www.example.com/blog/ --same-host --depth 3 --format json
    """
    _run_crawl(params, list(params["sites"]), "site", same_host=params["same_host"])


@crawl.command("urls")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
@_crawl_command
def crawl_urls(params):
    """Fetch exactly the URLs in FILE (one per line, `-` for stdin; # comments), following redirects only.

    \b
    Examples:
      linkatlas crawl urls pages.txt
      grep example.com links.txt | linkatlas crawl urls - --format json
    """
    urls = [line.strip() for line in params["file"] if line.strip() and not line.lstrip().startswith("#")]
    if not urls:
        raise UsageError(f"{params['file'].name}: no URLs in it (one per line)")
    params["depth"] = 0
    _run_crawl(params, urls, "urls")


@crawl.command("discover")
@click.argument("seeds", nargs=-1, required=True)
@click.option("--depth", type=click.IntRange(0), default=2, show_default=True, help="Link hops from the seeds.")
@_crawl_command
def crawl_discover(params):
    """Crawl outward from SEEDs, following every link (external ones too) to --depth.

    \b
    Example:
      linkatlas crawl discover https://news.example/ https://blog.example/ --depth 2 --max-pages 5000
    """
    _run_crawl(params, list(params["seeds"]), "discover")


_SCOPE = click.option("--scope", type=click.Choice(["domain", "host", "prefix", "url"]), default="domain",
                      show_default=True, help="What counts as the target: its domain, exact host, a URL prefix, one URL.")
_VERIFY_COLUMNS = ("state", "source_url", "target_url", "http_status", "anchor", "nofollow", "changes", "final_url",
                   "detail")


@cli.command()
@click.argument("target")
@_SCOPE
@db_option
@format_option()
@_crawl_options
@click.option("--summary", "only_summary", is_flag=True, help="Print the counts only.")
@handle_errors
def verify(target, scope, db, fmt, only_summary, **params):
    """Re-fetch the pages that link to TARGET and classify each backlink: live, lost, broken, redirected.

    Known backlinks are those the index holds, whatever brought them in. Each source page is
    fetched again (a new observation: history is kept) and every backlink gets a state; live ones
    list anchor and rel changes since they were last seen. Unfetched pages (robots.txt, SSRF
    guard) are `unchecked`. Results are also stored in the `verifications` table.

    \b
    Examples:
      linkatlas verify example.com
      linkatlas verify https://example.com/pricing --scope url --format csv > check.csv
    """
    from linkatlas.index.store import open_index
    from linkatlas.monitor import verify as run_verify

    with open_index(db) as index:
        report = run_verify(index, target, scope, policy=_policy(params), progress=params["progress"])
    fmt = resolve_format(fmt)
    for problem in report.crawl.get("problems", []):
        click.echo(f"linkatlas: {problem}", err=True)
    if only_summary:
        click.echo(render_object(report.summary(), fmt), nl=False)
    else:
        click.echo(render_rows(report.rows, _VERIFY_COLUMNS, fmt), nl=False)
        click.echo(f"linkatlas: {report.sources} source page(s): " +
                   ", ".join(f"{n} {state}" for state, n in report.counts.items() if n), err=True)


@cli.group()
def monitor():
    """Watch targets: re-verify their backlinks on a schedule, discover new ones, alert on changes.

    \b
    Examples:
      linkatlas monitor add example.com --every 7d --webhook https://hooks.example/linkatlas
      linkatlas monitor run            # from cron or a systemd timer: runs what is due
      linkatlas alerts --since 30d
    """


@monitor.command("add")
@click.argument("target")
@_SCOPE
@click.option("--every", default="7d", show_default=True, help="Interval: 30m, 12h, 7d, 2w.")
@click.option("--webhook", default=None, help="POST each alert as JSON to this URL.")
@click.option("--email", default=None, help="Mail each alert to this address (SMTP settings on `monitor run`).")
@click.option("--discover-pages", type=click.IntRange(0), default=20, show_default=True,
              help="New pages looked at per referring host and run (0: verify only).")
@db_option
@format_option()
@handle_errors
def monitor_add(target, scope, every, webhook, email, discover_pages, db, fmt):
    """Start monitoring TARGET's backlinks.

    \b
    Example:
      linkatlas monitor add example.com --every 7d --email seo@example.com
    """
    from linkatlas.crawl import parse_duration
    from linkatlas.index.store import open_index
    from linkatlas.monitor import add_monitor

    with open_index(db) as index:
        added = add_monitor(index, target, scope=scope, every_seconds=parse_duration(every), webhook=webhook,
                            email=email, discover_pages=discover_pages)
    click.echo(render_object(added, resolve_format(fmt)), nl=False)


@monitor.command("list")
@db_option
@format_option()
@handle_errors
def monitor_list(db, fmt):
    """The monitors, with when each is due next.

    \b
    Example:
      linkatlas monitor list --format json
    """
    from linkatlas.index.store import open_index
    from linkatlas.monitor import list_monitors

    with open_index(db) as index:
        click.echo(render_rows(list_monitors(index), None, resolve_format(fmt)), nl=False)


@monitor.command("remove")
@click.argument("monitor_id", type=int)
@db_option
@handle_errors
def monitor_remove(monitor_id, db):
    """Stop a monitor (its alerts stay).

    \b
    Example:
      linkatlas monitor remove 3
    """
    from linkatlas.index.store import open_index
    from linkatlas.monitor import remove_monitor

    with open_index(db) as index:
        if not remove_monitor(index, monitor_id):
            raise UsageError(f"no monitor {monitor_id} — see `linkatlas monitor list`")
    click.echo(f"linkatlas: monitor {monitor_id} removed", err=True)


@monitor.command("run")
@click.option("--id", "monitor_ids", type=int, multiple=True, help="Only this monitor (repeatable).")
@click.option("--force", is_flag=True, help="Run even if not due.")
@click.option("--smtp-host", envvar="LINKATLAS_SMTP_HOST", default=None, help="SMTP server for --email alerts.")
@click.option("--smtp-port", envvar="LINKATLAS_SMTP_PORT", type=int, default=25, show_default=True)
@click.option("--smtp-from", envvar="LINKATLAS_SMTP_FROM", default="linkatlas@localhost", show_default=True)
@click.option("--smtp-starttls", envvar="LINKATLAS_SMTP_STARTTLS", is_flag=True)
@click.option("--smtp-user", envvar="LINKATLAS_SMTP_USER", default=None)
@click.option("--smtp-password", envvar="LINKATLAS_SMTP_PASSWORD", default=None,
              help="Better given as $LINKATLAS_SMTP_PASSWORD.")
@db_option
@format_option()
@_crawl_options
@handle_errors
def monitor_run(monitor_ids, force, smtp_host, smtp_port, smtp_from, smtp_starttls, smtp_user, smtp_password,
                db, fmt, **params):
    """Run the monitors that are due: verify, discover, diff with the last run, alert.

    The first run of a monitor is its baseline (no alerts). Exit code 1 if an alert could
    not be delivered.

    \b
    Examples:
      linkatlas monitor run
      linkatlas monitor run --id 2 --force --smtp-host mail.example.com --smtp-port 587 --smtp-starttls
    """
    from linkatlas.index.store import open_index
    from linkatlas.monitor import SmtpSettings, run_due

    smtp = SmtpSettings(host=smtp_host, port=smtp_port, sender=smtp_from, starttls=smtp_starttls, user=smtp_user,
                        password=smtp_password) if smtp_host else None
    with open_index(db) as index:
        runs = run_due(index, monitor_ids=list(monitor_ids), force=force, policy=_policy(params), smtp=smtp,
                       allow_private_webhook=params["allow_private"], progress=params["progress"])
    rows = [run.summary() for run in runs]
    click.echo(render_rows(rows, None, resolve_format(fmt)), nl=False)
    if not runs:
        click.echo("linkatlas: no monitor is due", err=True)
    undelivered = [f"monitor {run.monitor_id}: {way}: {outcome.get('error') or outcome.get('status')}"
                   for run in runs for way, outcome in run.delivery.items() if not outcome.get("ok")]
    for line in undelivered:
        click.echo(f"linkatlas: alert not delivered — {line}", err=True)
    if undelivered:
        click.get_current_context().exit(1)


@cli.command()
@click.option("--monitor", "monitor_id", type=int, default=None, help="Only this monitor's alerts.")
@click.option("--since", default=None, help="Only alerts this recent: 24h, 7d, 30d.")
@click.option("--kind", type=click.Choice(["new", "lost", "broken", "toxic"]), default=None)
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
@db_option
@format_option()
@handle_errors
def alerts(monitor_id, since, kind, limit, db, fmt):
    """Stored alerts of the monitors, newest first.

    \b
    Examples:
      linkatlas alerts --since 7d
      linkatlas alerts --monitor 1 --kind lost --format json
    """
    from datetime import timedelta

    from linkatlas.crawl import parse_duration
    from linkatlas.index.store import open_index
    from linkatlas.monitor import list_alerts

    window = timedelta(seconds=parse_duration(since)) if since else None
    with open_index(db) as index:
        rows = list_alerts(index, monitor_id=monitor_id, since=window, kind=kind, limit=limit)
    click.echo(render_rows(rows, ("alert_id", "monitor_id", "created_at", "target", "kind", "count", "items"),
                           resolve_format(fmt)), nl=False)


