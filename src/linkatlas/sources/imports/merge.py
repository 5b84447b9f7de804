"""Which sources saw each backlink: vendor exports merged with each other and with the crawl.

A backlink is a distinct (normalized source URL, target URL) pair whose domains differ
(docs/definitions.md). :func:`backlink_sources` lists, for one target, every backlink any
source knows with the sources that saw it: ``ahrefs``, ``semrush``, ``majestic``, ``moz`` (rows
of ``vendor_links`` with a target URL), ``crawl`` (the ``links`` table, across all fetches) and
``gsc``. Search Console names the linking page but not the page it links to, so a GSC row
confirms every backlink of the same source page; a GSC linking page nobody else saw is a
backlink with an unknown target URL (``target_url`` NULL), listed in ``domain`` scope only.

:func:`coverage` counts, per source, the backlinks and referring domains it saw and how many
of them only it saw — the "every tool misses links" question.
"""

from __future__ import annotations

from linkatlas.errors import UsageError
from linkatlas.extract.domains import domain_of, normalize_host
from linkatlas.extract.urls import extract_host, normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.sources.imports.run import COMPLETED

__all__ = ["SCOPES", "SOURCES", "backlink_sources", "backlink_sources_sql", "coverage"]

SOURCES = ("ahrefs", "semrush", "majestic", "moz", "gsc", "crawl")
SCOPES = ("domain", "host", "prefix", "url")

_SCOPE_FILTERS = {
    "domain": "{t}_domain = $target",
    "host": "{t}_host = $target",
    "prefix": "starts_with({t}_url, $target)",
    "url": "{t}_url = $target",
}


def scope_value(target: str, scope: str) -> str:
    """``target`` in the form the scope compares: a registrable domain, a host, or a normalized URL."""
    if scope not in SCOPES:
        raise UsageError(f"--scope {scope!r}: choose one of {', '.join(SCOPES)}")
    if scope in ("domain", "host"):
        host = extract_host(target)
        if not host or normalize_host(host) is None:
            raise UsageError(f"{target!r}: give a domain such as example.com")
        return domain_of(host) if scope == "domain" else host
    url = normalize_url(target if "://" in target else f"https://{target}")
    if url is None:
        raise UsageError(f"{target!r}: give an http(s) URL")
    return url


def backlink_sources_sql(scope: str = "domain") -> str:
    """SQL (parameters ``$target`` from :func:`scope_value`, ``$scope``, and ``$target_domain``, the
    target's registrable domain: Search Console rows count for the export's site) giving one row per backlink:
    ``source_url, source_domain, target_url, sources`` (a sorted list of source names)."""
    target = _SCOPE_FILTERS[scope].format(t="target")
    gsc_only = "" if scope == "domain" else "AND false"
    return f"""
        WITH vendor AS (
            SELECT DISTINCT vendor AS source, source_url, source_domain, target_url
            FROM vendor_links WHERE target_url IS NOT NULL AND {target} AND import_id IN {COMPLETED}
        ), crawl AS (
            SELECT DISTINCT 'crawl' AS source, source_url, source_domain, target_url
            FROM links WHERE source_domain <> target_domain AND {target}
        ), pairs AS (
            SELECT * FROM vendor UNION ALL SELECT * FROM crawl
        ), gsc AS (
            SELECT DISTINCT source_url, source_domain FROM vendor_links
            WHERE vendor = 'gsc' AND target_url IS NULL AND target_domain = $target_domain AND import_id IN {COMPLETED}
              AND ($scope = 'domain' OR source_url IN (SELECT source_url FROM pairs))
        ), seen AS (
            SELECT * FROM pairs
            UNION ALL
            SELECT DISTINCT 'gsc', p.source_url, p.source_domain, p.target_url
            FROM pairs p JOIN gsc USING (source_url)
            UNION ALL
            SELECT 'gsc', g.source_url, g.source_domain, NULL
            FROM gsc g WHERE g.source_url NOT IN (SELECT source_url FROM pairs) {gsc_only}
        )
        SELECT source_url, source_domain, target_url, list(DISTINCT source ORDER BY source) AS sources
        FROM seen GROUP BY source_url, source_domain, target_url
    """


def _params(index: Index, target: str, scope: str) -> dict:
    value = scope_value(target, scope)
    if scope == "domain":
        domain = value
    else:
        domain = domain_of(value if scope == "host" else url_host(value))
    return {"target": value, "scope": scope, "target_domain": domain}


def backlink_sources(index: Index, target: str, scope: str = "domain") -> list[dict]:
    """Every backlink of ``target`` (in ``scope``) with the sources that saw it, sorted by URL.

    Each row: ``source_url``, ``source_domain``, ``target_url`` (None for a GSC-only linking
    page), ``sources`` (sorted names from :data:`SOURCES`).
    """
    params = _params(index, target, scope)
    return index.rows(f"SELECT * FROM ({backlink_sources_sql(scope)}) ORDER BY source_url, target_url NULLS LAST",
                      params)


def coverage(index: Index, target: str, scope: str = "domain") -> list[dict]:
    """Per source (and ``all``): backlinks and referring domains seen, and those only it saw."""
    params = _params(index, target, scope)
    rows = index.rows(
        f"""
        WITH backlinks AS ({backlink_sources_sql(scope)}),
        domain_sources AS (
            SELECT source_domain, list(DISTINCT s) AS sources
            FROM (SELECT source_domain, unnest(sources) AS s FROM backlinks) GROUP BY 1
        ),
        per_link AS (SELECT unnest(sources) AS source, source_url, source_domain, len(sources) AS n FROM backlinks)
        SELECT p.source, count(*) AS backlinks, count(DISTINCT p.source_domain) AS referring_domains,
               count(*) FILTER (WHERE p.n = 1) AS only_here_backlinks,
               count(DISTINCT p.source_domain) FILTER (WHERE len(d.sources) = 1) AS only_here_domains
        FROM per_link p JOIN domain_sources d USING (source_domain)
        GROUP BY 1
        """,
        params,
    )
    totals = index.rows(
        f"SELECT count(*) AS backlinks, count(DISTINCT source_domain) AS referring_domains "
        f"FROM ({backlink_sources_sql(scope)})",
        params,
    )[0]
    by_source = {row.pop("source"): row for row in rows}
    empty = {"backlinks": 0, "referring_domains": 0, "only_here_backlinks": 0, "only_here_domains": 0}
    result = [{"source": name, **by_source.get(name, empty)} for name in SOURCES]
    for row in result:
        row["share"] = round(row["backlinks"] / totals["backlinks"], 4) if totals["backlinks"] else 0.0
    result.append({"source": "all", **totals, "only_here_backlinks": None, "only_here_domains": None, "share": 1.0})
    return result
