"""Audit project commands: project, list, disavow, contacts.

Thin shells over :mod:`linkatlas.audit.projects`, :mod:`~linkatlas.audit.lists`,
:mod:`~linkatlas.audit.disavow` and :mod:`~linkatlas.audit.outreach`: parse options, call, render.
"""

from __future__ import annotations

import click

from linkatlas.cli.common import db_option, format_option, handle_errors, resolve_format
from linkatlas.cli.main import cli
from linkatlas.errors import IndexError_, LinkatlasError, UsageError
from linkatlas.output import render_object, render_rows

_KINDS = ("whitelist", "remove", "disavow")
_FIELDS = (("brand", "brands", "NAME"), ("category", "categories", "TOPIC"), ("country", "countries", "CC"),
           ("keyword", "keywords", "PHRASE"))


def _open(db, *, create: bool = False):
    """The workspace at ``db``; only commands that store something new may create it."""
    from linkatlas.index.store import default_db_path, open_index

    path = default_db_path(db)
    if not create and not path.exists():
        raise IndexError_(f"{path}: no linkatlas index here — run `linkatlas ingest` first or pass --db")
    return open_index(path)


def _say(message: str) -> None:
    click.echo(f"linkatlas: {message}", err=True)


def _emit_rows(rows: list[dict], columns, fmt: str | None) -> None:
    click.echo(render_rows(rows, columns, resolve_format(fmt)), nl=False)


# --- project ----------------------------------------------------------------------------


@cli.group()
def project():
    """Audit projects: the audited domain with its brands, categories, countries and keywords.

    The audit judges anchors by the brands and keywords, and relevance by the categories
    (topics) and target countries (ISO 3166-1 alpha-2 codes). The domain's own name is always
    a brand. `linkatlas audit` reads the project of its target's domain.

    \b
    Examples:
      linkatlas project create acmeanalytics.com --brand "Acme Analytics" --category analytics --country us
      linkatlas project edit acmeanalytics.com --add-country de --remove-category saas
      linkatlas project show acmeanalytics.com --format json
    """


def _field_options(*verbs: str):
    """``--brand`` ... (no verb) or ``--add-brand``/``--remove-brand`` ... options for the project fields."""
    def decorate(command):
        for singular, plural, metavar in reversed(_FIELDS):
            for verb in reversed(verbs):
                flag, dest = (f"--{verb}-{singular}", f"{verb}_{plural}") if verb else (f"--{singular}", plural)
                help_text = (f"Remove a {singular} (repeatable; any case)." if verb == "remove"
                             else f"Add a {singular} (repeatable).")
                command = click.option(flag, dest, multiple=True, metavar=metavar, help=help_text)(command)
        return command

    return decorate


@project.command("create")
@click.argument("domain")
@_field_options("")
@click.option("--name", help="Project name (default: the domain).")
@db_option
@format_option()
@handle_errors
def project_create(domain, brands, categories, countries, keywords, name, db, fmt):
    """Create the audit project of DOMAIN (its registrable domain).

    \b
    Examples:
      linkatlas project create acmeanalytics.com --brand "Acme Analytics" --brand AcmeAnalytics \\
          --category "product analytics" --country us --country gb --keyword "product analytics software"
      linkatlas project create https://www.example.co.uk/ --name "Example UK"
    """
    from linkatlas.audit.projects import create_project

    with _open(db, create=True) as index:
        created = create_project(index, domain, name=name, brands=brands, categories=categories,
                                 countries=countries, keywords=keywords)
    click.echo(render_object(created.as_dict(), resolve_format(fmt)), nl=False)


@project.command("edit")
@click.argument("domain")
@_field_options("add", "remove")
@click.option("--name", help="Rename the project.")
@db_option
@format_option()
@handle_errors
def project_edit(domain, name, db, fmt, **changes):
    """Change the project of DOMAIN: add or remove brands, categories, countries, keywords; rename.

    \b
    Examples:
      linkatlas project edit acmeanalytics.com --add-brand "Acme" --remove-keyword "cheap analytics"
      linkatlas project edit acmeanalytics.com --add-country de --add-country at --name "Acme (DACH)"
    """
    from linkatlas.audit.projects import update_project

    add = {plural: changes[f"add_{plural}"] for _, plural, _ in _FIELDS}
    remove = {plural: changes[f"remove_{plural}"] for _, plural, _ in _FIELDS}
    with _open(db) as index:
        updated = update_project(index, domain, name=name, add=add, remove=remove)
    click.echo(render_object(updated.as_dict(), resolve_format(fmt)), nl=False)


@project.command("show")
@click.argument("domain")
@db_option
@format_option()
@handle_errors
def project_show(domain, db, fmt):
    """Show the project of DOMAIN.

    \b
    Example:
      linkatlas project show acmeanalytics.com --format json
    """
    from linkatlas.audit.projects import get_project, project_domain

    with _open(db) as index:
        found = get_project(index, domain)
    if found is None:
        key = project_domain(domain)
        raise LinkatlasError(f"no project for {key} — create it with `linkatlas project create {key}`")
    click.echo(render_object(found.as_dict(), resolve_format(fmt)), nl=False)


@project.command("list")
@db_option
@format_option()
@handle_errors
def project_list(db, fmt):
    """Every project of the workspace.

    \b
    Example:
      linkatlas project list --format csv
    """
    from linkatlas.audit.projects import list_projects

    with _open(db) as index:
        rows = [found.as_dict() for found in list_projects(index)]
    _emit_rows(rows, ("domain", "name", "brands", "categories", "countries", "keywords", "created_at",
                      "updated_at"), fmt)


@project.command("delete")
@click.argument("domain")
@click.option("--yes", is_flag=True, help="Really delete the project and all its lists.")
@db_option
@format_option()
@handle_errors
def project_delete(domain, yes, db, fmt):
    """Delete the project of DOMAIN and its whitelist, remove and disavow lists.

    \b
    Example:
      linkatlas project delete acmeanalytics.com --yes
    """
    from linkatlas.audit.lists import entries_table
    from linkatlas.audit.projects import delete_project, get_project, project_domain

    with _open(db) as index:
        key = project_domain(domain)
        if not yes:
            listed = entries_table(index, key).num_rows
            exists = "the project" if get_project(index, key) else "no project"
            raise UsageError(f"this deletes {exists} of {key} and its {listed} list entries — "
                             "pass --yes to confirm")
        result = delete_project(index, key)
    _say(f"deleted {'the project' if result['project'] else 'no project'} of {key} "
         f"and {result['list_entries']} list entries")
    click.echo(render_object(result, resolve_format(fmt)), nl=False)


# --- list -------------------------------------------------------------------------------


@cli.group(name="list")
def list_group():
    """The audit's decisions per target: whitelist, remove and disavow lists.

    A value is a domain (www.spam.com and https://spam.com/x mean spam.com) or, with --url,
    one page. A domain or URL is on at most one list of a target: adding it to another list
    moves it. Lists survive re-ingesting and re-importing.

    \b
    Examples:
      linkatlas list add disavow acmeanalytics.com spam-network.xyz --note "PBN on 203.0.113.7"
      linkatlas list add whitelist acmeanalytics.com partner.com
      linkatlas list add remove acmeanalytics.com --url https://blog.example.org/post-1
      linkatlas list show acmeanalytics.com --kind disavow --format csv
    """


_CHANGE_COLUMNS = ("value", "scope", "action", "kind", "previous")


def _report_changes(changes, project: str) -> None:
    for change in changes:
        if change.action in ("moved", "missing"):
            _say(change.describe(project))


@list_group.command("add")
@click.argument("kind", type=click.Choice(_KINDS))
@click.argument("target")
@click.argument("values", nargs=-1, required=True)
@click.option("--url", "url_scope", is_flag=True, help="The values are pages (URLs), not whole domains.")
@click.option("--note", help="Why (written as the comment of the entry in the disavow file).")
@db_option
@format_option()
@handle_errors
def list_add(kind, target, values, url_scope, note, db, fmt):
    """Put VALUES (domains, or URLs with --url) on TARGET's KIND list.

    \b
    Examples:
      linkatlas list add disavow acmeanalytics.com cheap-links.top seo-network.xyz --note "link farm"
      linkatlas list add remove acmeanalytics.com --url https://blog.example.org/2024/guest-post
    """
    from linkatlas.audit.lists import add_entries
    from linkatlas.audit.projects import project_domain

    with _open(db, create=True) as index:
        changes = add_entries(index, target, kind, values, scope="url" if url_scope else "domain", note=note)
    _report_changes(changes, project_domain(target))
    _emit_rows([change.as_dict() for change in changes], _CHANGE_COLUMNS, fmt)


@list_group.command("rm")
@click.argument("target")
@click.argument("values", nargs=-1, required=True)
@click.option("--url", "url_scope", is_flag=True, help="The values are pages (URLs), not whole domains.")
@db_option
@format_option()
@handle_errors
def list_rm(target, values, url_scope, db, fmt):
    """Take VALUES off whatever list of TARGET they are on (exit 1 if one is on none).

    \b
    Example:
      linkatlas list rm acmeanalytics.com partner.com
    """
    from linkatlas.audit.lists import remove_entries
    from linkatlas.audit.projects import project_domain

    with _open(db) as index:
        changes = remove_entries(index, target, values, scope="url" if url_scope else "domain")
    _report_changes(changes, project_domain(target))
    _emit_rows([change.as_dict() for change in changes], _CHANGE_COLUMNS, fmt)
    if any(change.action == "missing" for change in changes):
        click.get_current_context().exit(1)


@list_group.command("show")
@click.argument("target")
@click.option("--kind", type=click.Choice(_KINDS), help="Only this list.")
@db_option
@format_option()
@handle_errors
def list_show(target, kind, db, fmt):
    """The list entries of TARGET: kind, scope, value, note, when and by whom.

    \b
    Examples:
      linkatlas list show acmeanalytics.com
      linkatlas list show acmeanalytics.com --kind whitelist --format json
    """
    from linkatlas.audit.lists import entries_table

    with _open(db) as index:
        table = entries_table(index, target, kind)
    _emit_rows(table.to_pylist(), ("kind", "scope", "value", "note", "added_at", "added_by"), fmt)


@list_group.command("import")
@click.argument("target")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(_KINDS), required=True, help="The list the entries go on.")
@click.option("--note", help="Note for every entry (default: imported from FILE).")
@db_option
@format_option()
@handle_errors
def list_import(target, path, kind, note, db, fmt):
    """Put the entries of a file on TARGET's KIND list: one domain or URL per line, or a Google
    disavow file (domain: lines, URLs, # comments).

    Lines that are neither are reported with their numbers and skipped; the exit code is then 1.

    \b
    Examples:
      linkatlas list import acmeanalytics.com disavow-2024.txt --kind disavow
      linkatlas list import acmeanalytics.com partners.txt --kind whitelist --note "partner sites"
    """
    from pathlib import Path

    from linkatlas.audit.disavow import read_disavow
    from linkatlas.audit.lists import add_entries
    from linkatlas.audit.projects import project_domain

    parsed = read_disavow(path, bare_domains=True)
    items = [(line.kind, line.value) for line in parsed.entries]
    with _open(db, create=True) as index:
        changes = add_entries(index, target, kind, items, note=note or f"imported from {Path(path).name}")
    _report_changes(changes, project_domain(target))
    for bad in parsed.bad + parsed.long_urls:
        _say(bad.describe(path))
    actions = [change.action for change in changes]
    summary = {"file": path, "kind": kind, "lines": parsed.total_lines, "entries": len(items),
               "duplicates": len(items) - len(changes), **{action: actions.count(action) for action in ("added", "moved", "noted", "unchanged")},
               "bad_lines": len(parsed.bad) + len(parsed.long_urls)}
    click.echo(render_object(summary, resolve_format(fmt)), nl=False)
    if summary["bad_lines"]:
        _say(f"{summary['bad_lines']} line(s) of {path} were not entries; see above")
        click.get_current_context().exit(1)


# --- disavow ----------------------------------------------------------------------------


def _toxic_candidates(index, target: str, min_toxicity: int):
    """The audit's toxic domains as (domain, reason) pairs, from the audit when it is installed."""
    try:
        from linkatlas.audit.report import toxic_candidates
    except ImportError as error:
        if error.name not in (None, "linkatlas.audit.report"):
            raise
        raise LinkatlasError("--include-toxic: the audit scores are not available in this linkatlas "
                             "(linkatlas.audit.report.toxic_candidates is missing) — run without it") from None
    from linkatlas.audit.projects import settings_for

    return list(toxic_candidates(index, settings_for(index, target), min_toxicity))


@cli.command()
@click.argument("target")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.option("--merge", "merge_path", type=click.Path(dir_okay=False),
              help="A disavow file uploaded before: its entries and comments are kept.")
@click.option("--include-toxic", is_flag=True, help="Also disavow the domains the audit scores toxic.")
@click.option("--min-toxicity", default=60, show_default=True, type=click.IntRange(0, 100),
              help="With --include-toxic: the lowest toxicity included.")
@db_option
@handle_errors
def disavow(target, output, merge_path, include_toxic, min_toxicity, db):
    """Write TARGET's disavow file for Google Search Console from its disavow list.

    Each entry comes after a # comment with its reason; whitelisted domains and URLs are never
    written (not even from --merge). Google's limits are enforced: 100,000 lines, 2 MB, URLs of
    at most 2,048 characters. A summary goes to stderr; the exit code is 1 if --merge had bad
    lines (they are listed and left out).

    \b
    Examples:
      linkatlas disavow acmeanalytics.com -o disavow.txt
      linkatlas disavow acmeanalytics.com --merge disavow-uploaded-2024.txt -o disavow.txt
      linkatlas disavow acmeanalytics.com --include-toxic --min-toxicity 70 > disavow.txt
    """
    from linkatlas.audit.disavow import disavow_file, read_disavow, write_atomically

    merged = read_disavow(merge_path) if merge_path else None
    with _open(db) as index:
        candidates = _toxic_candidates(index, target, min_toxicity) if include_toxic else ()
        result = disavow_file(index, target, merge=merged, candidates=candidates)
    if output:
        write_atomically(output, result.text)
    else:
        click.echo(result.text, nl=False)
    for bad in result.bad:
        _say(bad.describe(merge_path))
    for warning in result.warnings:
        _say(f"warning: {warning}")
    summary = result.summary
    if not summary["domains"] and not summary["urls"]:
        _say(f"nothing to disavow for {summary['target']}: add entries with "
             f"`linkatlas list add disavow {summary['target']} DOMAIN...`")
    _say(f"{output or 'stdout'}: {summary['domains']:,} domains and {summary['urls']:,} URLs for {summary['target']} "
         f"({summary['lines']:,} lines, {summary['bytes']:,} bytes); "
         f"left out: {summary['whitelisted_dropped']} whitelisted, {summary['covered_dropped']} covered by a "
         f"domain: line, {summary['duplicates']} duplicates")
    if result.bad:
        _say(f"{len(result.bad)} bad line(s) of {merge_path} were left out; see above")
        click.get_current_context().exit(1)


# --- contacts ---------------------------------------------------------------------------


@cli.command()
@click.argument("target")
@click.option("--domain", "domains", multiple=True, metavar="DOMAIN",
              help="A linking domain to find contacts for (repeatable; default: TARGET's remove list).")
@click.option("--draft", is_flag=True, help="Print a removal-request draft per domain instead of the candidates.")
@click.option("--sender", metavar="NAME", help="Name signing the drafts (default: the project's team).")
@db_option
@format_option()
@handle_errors
def contacts(target, domains, draft, sender, db, fmt):
    """Who to ask for a link removal: addresses and contact pages of the linking domains.

    For each domain on TARGET's remove list (or each --domain): the mailto: addresses and the
    contact / imprint / about / write-for-us / advertise pages found on its crawled pages, and
    its live links to TARGET with their anchors. --draft writes a polite plain-text request
    per domain asking to remove the links or add rel="nofollow".

    \b
    Examples:
      linkatlas contacts acmeanalytics.com
      linkatlas contacts acmeanalytics.com --domain cheap-links.top --format json
      linkatlas contacts acmeanalytics.com --draft --sender "Jane Doe, Acme Analytics" > requests.txt
    """
    from linkatlas.audit.outreach import contact_candidates, draft_request
    from linkatlas.audit.projects import get_project, project_domain

    key = project_domain(target)
    with _open(db) as index:
        found = contact_candidates(index, target, domains or None)
        stored = get_project(index, key)
    if not found:
        _say(f"the remove list of {key} is empty — add domains with `linkatlas list add remove {key} DOMAIN` "
             "or pass --domain")
    for contact in found:
        if not contact.crawled_pages:
            _say(f"{contact.domain}: no crawled pages in the index — crawl the site for its contact details")
    fmt = resolve_format(fmt)
    if not draft:
        _emit_rows([contact.summary_row() for contact in found] if fmt in ("table", "csv")
                   else [contact.as_dict() for contact in found], None, fmt)
        return
    drafts = [draft_request(contact, key, site_name=stored.name if stored else None, sender=sender)
              for contact in found]
    if fmt == "table":
        click.echo(("\n" + "-" * 72 + "\n\n").join(item.as_text() for item in drafts), nl=False)
    else:
        _emit_rows([item.as_dict() for item in drafts], ("domain", "to", "subject", "body"), fmt)
