"""The crawled backlinks, derived once from the fetch history and kept up to date (DESIGN §3).

Every report starts from the backlinks of its target and their state. Deriving them from the
``links`` and ``fetches`` tables means grouping every link element of the target by (source page,
target URL) and joining every fetch of those pages: seconds for a target with a million backlinks.
``crawled_backlinks`` holds that result for the whole index, one row per backlink (a distinct
source page URL and target URL of another registrable domain), sorted by target so that DuckDB
reads only the row groups of the target a report asks about. A row carries what the state of its
backlink at any instant is computed from (:func:`status_sql`):

- ``changes``: its state after each fetch of its source page since it was first seen (live when
  the fetch holds it; lost when a successful fetch does not; broken when the page then answers
  4xx/5xx or fails), kept only where the state changed; ``status`` is the last one, and the last
  two are also columns (``changed_at``, ``before_at``, ``before_status``) so that the state at an
  instant rarely needs the list;
- the representative element (anchor, type, rel, placement, hidden) of the latest fetch holding it,
  ``elements`` (the distinct anchors of each such fetch, ``image`` when all its elements are image
  links), the page's title and IP.

A row depends only on the fetches and link elements of its source page, so new fetches are folded
in by re-deriving the rows of the pages they fetched (:func:`refresh_crawled`); anything else
(rows deleted, ids reused) rebuilds the table. Reports call :func:`crawled_relation`, which
refreshes a stale table first, or, on an index opened read-only, derives the target's rows into a
temporary table instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from linkatlas.index.store import Index
from linkatlas.metrics.target import Target

__all__ = ["TABLE", "RefreshSummary", "crawled_relation", "refresh_crawled", "crawled_is_stale", "status_sql",
           "lost_at_sql", "derive_sql", "subnet_sql"]

TABLE = "crawled_backlinks"
_STATE = "crawled_backlinks_state"
SUCCESS = "status BETWEEN 200 AND 399"
RESORT_SHARE = 0.2  # re-sort when more than this share of the rows was appended since the last sort
_COLUMNS = ("target_domain", "target_host", "target_url", "source_url", "source_host", "source_domain",
            "source_title", "source_ip", "source_subnet", "anchor", "alt", "type", "follow", "nofollow", "ugc",
            "sponsored", "robots_nofollow", "placement", "hidden", "first_seen", "last_seen", "status", "changed_at",
            "before_at", "before_status", "changes", "elements")
_ELEMENT = ("source_host", "source_domain", "target_domain", "target_host", "anchor", "alt", "type", "follow",
            "nofollow", "ugc", "sponsored", "robots_nofollow", "placement", "hidden")
_ORDER = "target_domain, target_host, target_url, source_url"


@dataclass(frozen=True)
class RefreshSummary:
    mode: str  # "current", "incremental" or "rebuild"
    pages: int  # source pages re-derived (incremental), else 0
    rows: int  # backlinks in the table afterwards
    seconds: float


def derive_sql(link_filter: str) -> str:
    """SELECT of ``crawled_backlinks`` rows for the link elements matching ``link_filter`` (a
    condition on ``links l``) that holds for all or none of the elements of a backlink."""
    element = ", ".join(f"'{name}': {name}" for name in _ELEMENT)
    return f"""
        WITH obs AS (
            SELECT l.fetched_at, l.source_url, l.source_host, l.source_domain, l.target_url, l.target_host,
                   l.target_domain, l.anchor, l.alt, l.nofollow, l.ugc, l.sponsored, l.type, l.placement,
                   l.hidden, l.ordinal, coalesce(f.robots_nofollow, false) AS robots_nofollow,
                   NOT (l.nofollow OR l.ugc OR l.sponsored OR coalesce(f.robots_nofollow, false)) AS follow
            FROM links l JOIN fetches f ON f.fetch_id = l.fetch_id
            WHERE ({link_filter}) AND l.source_domain <> l.target_domain
        ),
        pairs AS (
            SELECT source_url, target_url, min(fetched_at) AS first_seen, max(fetched_at) AS last_seen,
                   arg_max({{{element}}},
                           {{'seen': fetched_at, 'follow': CASE WHEN follow THEN 1 ELSE 0 END, 'order': -ordinal}})
                       AS element,
                   list(DISTINCT fetched_at ORDER BY fetched_at) AS seen,
                   list(DISTINCT {{'at': fetched_at, 'anchor': anchor, 'type': type}}) AS elements
            FROM obs GROUP BY source_url, target_url
        ),
        pages AS (
            SELECT url, list({{'at': fetched_at, 'ok': coalesce({SUCCESS}, false), 'status': status}}
                             ORDER BY fetched_at) AS history,
                   arg_max(ip, fetched_at) AS ip,
                   arg_max(title, fetched_at) FILTER (WHERE {SUCCESS}) AS title
            FROM fetches WHERE url IN (SELECT DISTINCT source_url FROM obs) GROUP BY url
        ),
        paged AS (
            SELECT p.*, g.ip, g.title, list_filter(g.history, lambda h: h.at >= p.first_seen) AS history
            FROM pairs p JOIN pages g ON g.url = p.source_url
        ),
        timelines AS (  -- the state after each fetch of the page since the backlink was first seen
            SELECT *, list_transform(history, lambda h: {{'at': h.at, 'status': CASE
                       WHEN list_max(list_filter(seen, lambda x: x <= h.at))
                            < list_max(list_transform(list_filter(history, lambda k: k.ok AND k.at <= h.at),
                                                      lambda k: k.at)) THEN 'lost'
                       WHEN h.status IS NULL OR h.status >= 400 THEN 'broken' ELSE 'live' END}}) AS timeline
            FROM paged
        ),
        changes AS (
            SELECT *, list_filter(timeline, lambda x, i: i = 1 OR x.status <> timeline[i - 1].status) AS changes
            FROM timelines
        )
        SELECT p.element.target_domain, p.element.target_host, p.target_url, p.source_url,
               p.element.source_host, p.element.source_domain, p.title AS source_title, p.ip AS source_ip,
               {subnet_sql('p.ip')} AS source_subnet,
               p.element.anchor, p.element.alt, p.element.type, p.element.follow, p.element.nofollow,
               p.element.ugc, p.element.sponsored, p.element.robots_nofollow, p.element.placement,
               p.element.hidden, p.first_seen, p.last_seen, p.changes[-1].status AS status,
               p.changes[-1].at AS changed_at, p.changes[-2].at AS before_at, p.changes[-2].status AS before_status,
               p.changes,
               list_sort(list_transform(  -- one entry per fetch and anchor: image when all its elements are
                   list_distinct(list_transform(p.elements, lambda x: {{'at': x.at, 'anchor': x.anchor}})),
                   lambda k: {{'at': k.at, 'anchor': k.anchor, 'image': list_bool_and(list_transform(
                       list_filter(p.elements, lambda y: y.at = k.at AND y.anchor IS NOT DISTINCT FROM k.anchor),
                       lambda y: y.type = 'image'))}})) AS elements
        FROM changes p
    """


def subnet_sql(ip: str) -> str:
    """SQL for the /24 subnet of an IPv4 address (NULL for IPv6 or none)."""
    return (f"CASE WHEN {ip} LIKE '%.%.%.%' AND {ip} NOT LIKE '%:%' "
            f"THEN regexp_replace({ip}, '\\.[0-9]+$', '.0/24') END")


def status_sql(instant: str | None = None, alias: str = "") -> str:
    """SQL for a backlink's state (live, lost, broken) from a ``crawled_backlinks`` row ``alias``:
    now, or at ``instant`` (a parameter such as ``$t0``: only fetches before it count; NULL when
    the backlink had not been seen yet). The last two changes are columns, so only a backlink
    that changed state three times or more before the instant reads its list of changes."""
    a = alias
    if instant is None:
        return f"{a}status"
    t = instant
    return f"""CASE WHEN {a}first_seen >= {t} THEN NULL
         WHEN {a}changed_at < {t} THEN {a}status
         WHEN {a}before_at < {t} THEN {a}before_status
         ELSE list_filter({a}changes, lambda c: c.at < {t})[-1].status END"""


def lost_at_sql(alias: str = "") -> str:
    """When a lost backlink was lost: the first successful fetch of its page without it (the
    change that made it lost)."""
    return f"CASE WHEN {alias}status = 'lost' THEN {alias}changed_at END"


# -- keeping the table current -------------------------------------------------------------------

def _stored_state(index: Index) -> tuple | None:
    rows = index.sql(f"SELECT fetches, max_fetch_id, links, max_link_fetch, sorted_rows FROM {_STATE} LIMIT 1")
    return tuple(rows[0]) if rows else None


def crawled_is_stale(index: Index) -> bool:
    """True when fetches or links changed since ``crawled_backlinks`` was derived (or it never was)."""
    if not index.has_table(_STATE):
        return True
    stored = _stored_state(index)
    return stored is None or stored[:4] != index.fingerprint()


def refresh_crawled(index: Index, *, rebuild: bool = False) -> RefreshSummary:
    """Bring ``crawled_backlinks`` up to date in one transaction: re-derive the rows of the pages
    fetched since the last refresh, or everything when that cannot be trusted (or ``rebuild``)."""
    started = time.perf_counter()
    now = index.fingerprint()
    stored = _stored_state(index)
    if stored is not None and stored[:4] == now and not rebuild:
        return RefreshSummary("current", 0, _rows(index), time.perf_counter() - started)
    mode, pages = "rebuild", 0
    if stored is not None and not rebuild and _only_appended(index, stored, now):
        mode = "incremental"
    index.sql("BEGIN TRANSACTION")
    try:
        if mode == "incremental":
            index.sql(
                "CREATE OR REPLACE TEMP TABLE crawled_refresh_pages AS "
                "SELECT DISTINCT url FROM fetches WHERE fetch_id > $since",
                {"since": stored[1] if stored[1] is not None else -1},
            )
            pages = index.sql("SELECT count(*) FROM crawled_refresh_pages")[0][0]
            index.sql(f"DELETE FROM {TABLE} WHERE source_url IN (SELECT url FROM crawled_refresh_pages)")
            index.sql(
                f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) "
                + derive_sql("l.source_url IN (SELECT url FROM crawled_refresh_pages)")
            )
            index.sql("DROP TABLE crawled_refresh_pages")
            rows = _rows(index)
            sorted_rows = min(stored[4], rows)
            if rows - sorted_rows > RESORT_SHARE * rows:
                _sort(index)
                sorted_rows = rows
        else:
            index.sql(f"DELETE FROM {TABLE}")
            index.sql(f"INSERT INTO {TABLE} ({', '.join(_COLUMNS)}) SELECT * FROM ({derive_sql('true')}) "
                      f"ORDER BY {_ORDER}")
            rows = sorted_rows = _rows(index)
        index.sql(f"DELETE FROM {_STATE}")
        index.sql(
            f"INSERT INTO {_STATE} VALUES ($at, $fetches, $max_fetch_id, $links, $max_link_fetch, $sorted)",
            {"at": datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0), "fetches": now[0],
             "max_fetch_id": now[1], "links": now[2], "max_link_fetch": now[3], "sorted": sorted_rows},
        )
        index.sql("COMMIT")
    except BaseException:
        index.sql("ROLLBACK")
        raise
    return RefreshSummary(mode, pages, rows, time.perf_counter() - started)


def _rows(index: Index) -> int:
    return index.sql(f"SELECT count(*) FROM {TABLE}")[0][0]


def _only_appended(index: Index, stored: tuple, now: tuple) -> bool:
    """True when every fetch and link since the last refresh has a higher fetch id than any before."""
    since = stored[1] if stored[1] is not None else -1
    added = index.sql(
        "SELECT (SELECT count(*) FROM fetches WHERE fetch_id > $since), "
        "(SELECT count(*) FROM links WHERE fetch_id > $since)",
        {"since": since},
    )[0]
    return now[0] - stored[0] == added[0] and now[2] - stored[2] == added[1]


def _sort(index: Index) -> None:
    """Rewrite the table in target order (DuckDB then skips the row groups of other targets)."""
    index.sql(f"CREATE OR REPLACE TEMP TABLE crawled_sorted AS SELECT * FROM {TABLE} ORDER BY {_ORDER}")
    index.sql(f"DELETE FROM {TABLE}")
    index.sql(f"INSERT INTO {TABLE} SELECT * FROM crawled_sorted")
    index.sql("DROP TABLE crawled_sorted")


def crawled_relation(index: Index, target: Target, temp_name: str = "crawled_target") -> str:
    """The name of a relation holding (at least) the crawled backlinks of ``target``, current:
    the refreshed table, or on a read-only index whose table is stale, a temporary table derived
    for the target alone."""
    if index.has_table(TABLE):
        if not index.read_only:
            refresh_crawled(index)
            return TABLE
        if not crawled_is_stale(index):
            return TABLE
    predicate, params = target.predicate("l.target")
    index.sql(f"CREATE OR REPLACE TEMP TABLE {temp_name} AS {derive_sql(predicate)}", params)
    return temp_name
