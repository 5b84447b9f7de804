"""The backlinks of a target and their state, derived from the fetch history (DESIGN §3).

A *backlink* is a distinct (source page URL, target URL) pair whose source registrable
domain differs from the target's. Its state at an instant *t* uses only fetches before *t*:

- *live*: present in the most recent successful fetch (2xx, or 3xx: a redirect is a
  successful answer whose only link is the redirect) of its source page, and that page's
  most recent fetch is not an error;
- *broken*: present in that successful fetch, but the page's most recent fetch answered
  4xx/5xx or failed (status unknown: DNS, timeout, refused);
- *lost*: seen in an earlier fetch, absent from the most recent successful one.

Several link elements from one page to one target URL are one backlink. Its attributes
(anchor, type, rel, placement, hidden) are those of one *representative* element of the
fetch where it was last seen: the first follow element in document order, else the first
element. The backlink is follow when that element is: rel has none of nofollow, ugc,
sponsored and the page has no robots nofollow (meta robots or X-Robots-Tag).

Backlinks from vendor exports (``vendor_links`` rows of completed imports) join them; the same
normalized (source URL, target URL) pair is one backlink whoever saw it, and ``sources`` lists
who did (``crawl``, ``ahrefs``, ``semrush``, ``majestic``, ``moz``, ``gsc``). When the crawl saw a
backlink (in any fetch), the crawl alone decides its state, dates and attributes. A backlink
only exports know (``origin`` ``import``) takes the vendors' facts, an export being an
observation at its *export date* (the latest first/last-seen or lost date among its rows, else
when it was imported):

- its state is the one the most recent export listing it gives: *lost* if every row of that
  export says so (a lost flag or a lost date), else *live*; at an instant *t*, the most recent
  export dated before *t* decides, and NULL if none did. Exports never make a backlink broken;
- first seen: the earliest first-seen date (else last-seen date, else export date) of its rows;
  last seen: the latest last-seen date (for a row not lost, its export date when it has none);
  lost at: the lost date of the deciding export, NULL when it does not say;
- anchor, link type and rel come from one representative row: of the most recent export, a
  follow row first, then a row whose rel is known, then by vendor (:func:`_representative_key`).
  What the file does not say stays NULL (unknown): follow is NULL when rel is partly unknown,
  never guessed true;
  placement, hidden, alt and the page's robots nofollow are unknown for exports;
- its source IP is the one a Semrush Referring domains export gives for its host, else its
  registrable domain, if any.

Search Console names linking pages, not the page linked to. A GSC linking page (of an export
about the target's domain) adds ``gsc`` to the sources of every backlink of that page; one no
other source knows is a backlink of unknown target URL (``target_url`` NULL), in ``domain``
scope only, with unknown anchor and rel.

*Periods* are the calendar months (or days, weeks, quarters, years) that hold fetches or export
dates. The report window starts at the beginning of the latest period unless asked otherwise;
*new* backlinks were first seen in the window, *lost* ones were live when the window opened and
are lost now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from linkatlas.errors import UsageError
from linkatlas.index.store import Index
from linkatlas.metrics.crawled import crawled_relation, lost_at_sql, status_sql, subnet_sql
from linkatlas.metrics.target import Target
from linkatlas.sources.imports.layouts import VENDORS
from linkatlas.sources.imports.run import COMPLETED

__all__ = ["PERIODS", "Periods", "crawl_periods", "build_state", "exports_sql", "has_vendor_rows", "STATE_TABLE",
           "SUCCESS"]

PERIODS = ("day", "week", "month", "quarter", "year")
STATE_TABLE = "backlink_state"
SUCCESS = "status BETWEEN 200 AND 399"


@dataclass(frozen=True)
class Periods:
    unit: str
    starts: tuple[datetime, ...]  # start of every period holding fetches, oldest first
    ends: tuple[datetime, ...]  # exclusive end of each period
    first_fetch: datetime | None
    last_fetch: datetime | None

    @property
    def latest_start(self) -> datetime | None:
        return self.starts[-1] if self.starts else None


def exports_sql() -> str:
    """SQL for ``(import_id, exported_at)`` of every completed import with backlink rows: the
    latest first/last-seen or lost date among its rows, else when it was imported."""
    return f"""
        SELECT v.import_id, coalesce(max(greatest(v.first_seen, v.last_seen, v.lost_at)),
                                     any_value(i.imported_at)) AS exported_at
        FROM vendor_links v JOIN imports i USING (import_id)
        WHERE v.import_id IN {COMPLETED}
        GROUP BY v.import_id
    """



def _has_imports(index: Index) -> bool:
    """True if the index may hold backlinks from exports (cheap: the common crawl-only case skips them)."""
    return index.has_table("vendor_links") and index.sql("SELECT EXISTS (FROM vendor_links)")[0][0]


def crawl_periods(index: Index, unit: str = "month") -> Periods:
    """The periods of the whole index: those holding fetches or export dates of completed imports."""
    if unit not in PERIODS:
        raise UsageError(f"--period {unit!r}: choose one of {', '.join(PERIODS)}")
    exports = f"UNION ALL SELECT exported_at FROM ({exports_sql()})" if _has_imports(index) else ""
    rows = index.sql(
        f"""
        SELECT DISTINCT date_trunc('{unit}', seen)::TIMESTAMP AS start,
               (date_trunc('{unit}', seen) + INTERVAL 1 {unit})::TIMESTAMP AS stop
        FROM (SELECT fetched_at AS seen FROM fetches {exports}) ORDER BY start
        """
    )
    bounds = index.sql("SELECT min(fetched_at), max(fetched_at) FROM fetches")[0]
    return Periods(unit, tuple(r[0] for r in rows), tuple(r[1] for r in rows), bounds[0], bounds[1])


def build_state(index: Index, target: Target, instants: tuple[datetime, ...] = (),
                table: str = STATE_TABLE, *, view: bool = False) -> str:
    """Create the temp table ``table``: one row per backlink of ``target`` with its state now
    and at each of ``instants`` (columns ``status_0``, ``status_1``, ...; NULL when the
    backlink had not been seen yet), ``sources`` (sorted names of who saw it) and ``origin``
    (``crawl``, or ``import`` when only exports know it), ``elements`` (a crawled backlink's distinct
    anchors per fetch holding it, :mod:`linkatlas.metrics.crawled`). Beside it, when exports hold
    rows about the target, ``{table}_vendor``
    (those rows with their export date). Returns the table name.

    With ``view``, a backlink set only the crawl knows becomes a temporary view over
    ``crawled_backlinks`` instead of a table: each query then reads just the columns it needs,
    which is faster for a report making a few passes over a large target."""
    relation = crawled_relation(index, target)
    predicate, params = target.predicate("c.target")
    params = dict(params)
    for number, instant in enumerate(instants):
        params[f"t{number}"] = instant
    status_columns = "".join(f", {status_sql(f'$t{number}', 'c.')} AS status_{number}"
                             for number in range(len(instants)))
    crawled = f"""
        SELECT c.source_url, c.source_host, c.source_domain, c.source_title, c.source_ip,
               c.source_subnet, c.target_url, c.target_host, c.anchor, c.alt, c.type,
               c.follow, c.nofollow, c.ugc, c.sponsored, c.robots_nofollow, c.placement, c.hidden, c.first_seen,
               c.last_seen, {status_sql(None, 'c.')} AS status, {lost_at_sql('c.')} AS lost_at
               {status_columns}, c.elements
        FROM {relation} c
        WHERE {predicate}
    """
    _drop_relation(index, table)
    if _has_imports(index) and _vendor_state(index, target, table, instants):
        select = _merged_sql(index, table, crawled, params, len(instants), target.scope == "domain")
    else:
        index.sql(f"DROP TABLE IF EXISTS {table}_vendor")
        select = f"SELECT *, ['crawl'] AS sources, 'crawl' AS origin FROM ({crawled})"
        if view:
            index.sql(f"CREATE TEMP VIEW {table} AS {_inline(select, params)}")
            return table
    index.sql(f"CREATE TEMP TABLE {table} AS {select}", params)
    return table


def _drop_relation(index: Index, name: str) -> None:
    """Drop the temporary table or view ``name`` if there is one."""
    for (kind,) in index.sql(
        "SELECT 'VIEW' FROM duckdb_views() WHERE view_name = $name AND temporary "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $name AND temporary",
        {"name": name},
    ):
        index.sql(f"DROP {kind} {name}")


def _inline(sql: str, params: dict) -> str:
    """``sql`` with its ``$name`` parameters written as literals (a view cannot take parameters)."""
    def literal(match: re.Match) -> str:
        value = params[match.group(1)]
        if isinstance(value, datetime):
            return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        raise TypeError(f"cannot inline {type(value).__name__} parameter {match.group(1)}")
    return re.sub(r"\$(\w+)", lambda match: literal(match) if match.group(1) in params else match.group(0), sql)


def has_vendor_rows(index: Index, table: str = STATE_TABLE) -> bool:
    """True if the last :func:`build_state` of ``table`` found export rows (``{table}_vendor``)."""
    return index.has_table(f"{table}_vendor")


# -- backlinks from vendor exports ------------------------------------------------------------

_SOURCE_ORDER = ("ahrefs", "crawl", "gsc", "majestic", "moz", "semrush")  # how ``sources`` lists them
_VENDOR_REPRESENTED = ("source_host", "source_domain", "source_title", "target_host", "anchor", "type", "follow",
                       "nofollow", "ugc", "sponsored")


def _vendor_state(index: Index, target: Target, table: str, instants: tuple[datetime, ...]) -> bool:
    """Create ``{table}_vendor`` (the export rows about the target, with their export date) and
    ``{table}_vendor_pairs`` (their facts per backlink); False when there are none."""
    predicate, params = target.predicate("v.target")
    params = {**params, "own_domain": target.domain}
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_vendor AS
        SELECT v.rowid AS link_row, v.vendor, v.source_url, v.source_domain, v.target_url, v.anchor, v.type,
               v.nofollow, v.ugc, v.sponsored, NOT (v.nofollow OR v.ugc OR v.sponsored) AS follow,
               coalesce(v.lost, v.lost_at IS NOT NULL, false) AS lost, v.lost_at, e.exported_at,
               coalesce(v.first_seen, v.last_seen, e.exported_at) AS seen_from,
               CASE WHEN coalesce(v.lost, v.lost_at IS NOT NULL, false) THEN v.last_seen
                    ELSE coalesce(v.last_seen, e.exported_at) END AS seen_to
        FROM vendor_links v JOIN ({exports_sql()}) e USING (import_id)
        WHERE v.source_domain <> $own_domain
          AND (({predicate}) OR (v.target_url IS NULL AND v.vendor = 'gsc' AND v.target_domain = $own_domain))
        """,
        params,
    )
    if not index.sql(f"SELECT EXISTS (FROM {table}_vendor)")[0][0]:
        return False
    instant_params = {f"t{number}": instant for number, instant in enumerate(instants)}
    # the row deciding the state: of the latest export, a row not lost if there is one
    decision = "epoch_us(exported_at) * 2 + CASE WHEN lost THEN 0 ELSE 1 END"
    decided_at = "".join(f", arg_max(lost, {decision}) FILTER (WHERE exported_at < $t{number}) AS lost_{number}"
                         for number in range(len(instants)))
    seen_by = "".join(f", bool_or(vendor = '{vendor}') AS seen_{vendor}" for vendor in VENDORS)
    representative = ", ".join(f"'{column}': r.{column}" for column in _VENDOR_REPRESENTED if column != "follow")
    representative += ", 'follow': NOT (r.nofollow OR r.ugc OR r.sponsored)"
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_vendor_pairs AS
        WITH facts AS (
            SELECT source_url, target_url, min(seen_from) AS first_seen, max(seen_to) AS last_seen {seen_by},
                   arg_max(lost, {decision}) AS lost,
                   arg_max(lost_at, epoch_us(exported_at) * 2 + CASE WHEN lost_at IS NULL THEN 0 ELSE 1 END) AS lost_at,
                   arg_max(link_row, {_representative_key()}) AS representative
                   {decided_at}
            FROM {table}_vendor GROUP BY source_url, target_url
        )
        SELECT f.*, {{{representative}}} AS element FROM facts f JOIN vendor_links r ON r.rowid = f.representative
        """,
        instant_params,
    )
    return True


def _representative_key() -> str:
    """One number ordering the rows of a backlink: the latest export first, then follow, then a
    known rel, then the vendor (Ahrefs, Semrush, Majestic, Moz, Search Console), then a hash of
    the row's anchor, type and rel, so that the choice does not depend on the order of the rows."""
    vendor = "CASE vendor " + " ".join(f"WHEN '{name}' THEN {len(VENDORS) - rank}"
                                       for rank, name in enumerate(VENDORS)) + " ELSE 0 END"
    facts = "hash(anchor, type, nofollow, ugc, sponsored) % 17179869184"
    rel = "CASE WHEN follow THEN 2 WHEN NOT follow THEN 1 ELSE 0 END"
    return (f"epoch_us(exported_at)::HUGEINT * 1099511627776 + ({rel}) * 137438953472 "
            f"+ ({vendor}) * 17179869184 + {facts}")


def _sources_sql(crawl: str, gsc: str) -> str:
    """The sorted ``sources`` list of a backlink (vendor pair ``v``) from SQL conditions."""
    seen = {name: f"v.seen_{name}" for name in VENDORS}
    seen["crawl"] = crawl
    seen["gsc"] = f"({seen['gsc']} OR {gsc})"
    items = ", ".join(f"CASE WHEN {seen[name]} THEN '{name}' END" for name in _SOURCE_ORDER)
    return f"list_filter([{items}], lambda source: source IS NOT NULL)"


def _merged_sql(index: Index, table: str, crawled: str, params: dict, instants: int,
                domain_scope: bool) -> str:
    """Crawled backlinks with the sources that saw them, then those only exports know. Branches
    that cannot hold rows are left out (most workspaces hold only crawls, or only imports)."""
    pairs = f"{table}_vendor_pairs"
    crawls = index.sql(f"SELECT EXISTS ({crawled})", params)[0][0]
    gsc_pages = index.sql(f"SELECT EXISTS (SELECT 1 FROM {pairs} WHERE target_url IS NULL)")[0][0]
    gsc = "g.source_url IS NOT NULL" if gsc_pages else "false"

    def with_gsc(alias: str) -> str:
        return (f"LEFT JOIN (SELECT DISTINCT source_url FROM {pairs} WHERE target_url IS NULL) g "
                f"ON g.source_url = {alias}.source_url" if gsc_pages else "")

    ip = _vendor_ip_sql(index, table)
    status_columns = "".join(
        f", CASE WHEN v.lost_{number} THEN 'lost' WHEN NOT v.lost_{number} THEN 'live' END AS status_{number}"
        for number in range(instants))
    vendor_columns = f"""
        v.source_url, v.element.source_host, v.element.source_domain, v.element.source_title,
        {ip} AS source_ip, {subnet_sql(ip)} AS source_subnet,
        v.target_url, v.element.target_host, v.element.anchor, NULL AS alt, v.element.type,
        v.element.follow, v.element.nofollow, v.element.ugc, v.element.sponsored,
        NULL::BOOLEAN AS robots_nofollow, NULL AS placement, NULL::BOOLEAN AS hidden,
        v.first_seen, v.last_seen, CASE WHEN v.lost THEN 'lost' ELSE 'live' END AS status,
        CASE WHEN v.lost THEN v.lost_at END AS lost_at {status_columns},
        {_sources_sql('false', gsc)} AS sources, 'import' AS origin,
        NULL::STRUCT("at" TIMESTAMP, anchor VARCHAR, image BOOLEAN)[] AS elements"""
    parts = []
    if crawls:
        parts.append(f"""
            SELECT c.*, {_sources_sql('true', gsc)} AS sources, 'crawl' AS origin
            FROM crawled c LEFT JOIN {pairs} v ON v.source_url = c.source_url AND v.target_url = c.target_url
            {with_gsc('c')}""")
    unseen = ("AND NOT EXISTS (SELECT 1 FROM crawled c WHERE c.source_url = v.source_url "
              "AND c.target_url = v.target_url)" if crawls else "")
    parts.append(f"SELECT {vendor_columns} FROM {pairs} v {with_gsc('v')} WHERE v.target_url IS NOT NULL {unseen}")
    if gsc_pages and domain_scope:  # linking pages no source names a target page of
        listed = f"SELECT source_url FROM {pairs} WHERE target_url IS NOT NULL"
        if crawls:
            listed += " UNION ALL SELECT source_url FROM crawled"
        parts.append(f"SELECT {vendor_columns} FROM {pairs} v {with_gsc('v')} "
                     f"WHERE v.target_url IS NULL AND v.source_url NOT IN ({listed})")
    materialized = f"WITH crawled AS MATERIALIZED ({crawled}) " if crawls else ""
    return materialized + " UNION ALL BY NAME ".join(parts)


def _vendor_ip_sql(index: Index, table: str) -> str:
    """SQL for the IP of a vendor pair ``v``'s source: what a referring-domains export (Semrush)
    says of its host, else of its registrable domain; NULL when no export gives IPs."""
    if not (index.has_table("vendor_domains")
            and index.sql("SELECT EXISTS (SELECT 1 FROM vendor_domains WHERE ip IS NOT NULL)")[0][0]):
        return "NULL"
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_ips AS
        SELECT host, domain, ip, import_id FROM vendor_domains
        WHERE ip IS NOT NULL AND import_id IN {COMPLETED}
        """
    )
    return f"""coalesce(
        (SELECT arg_max(ip, import_id) FROM {table}_ips d WHERE d.host = v.element.source_host),
        (SELECT arg_max(ip, import_id) FROM {table}_ips d WHERE d.domain = v.element.source_domain))"""
