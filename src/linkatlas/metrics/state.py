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

*Crawl periods* are the calendar months (or days, weeks, quarters, years) that hold
fetches. The report window starts at the beginning of the latest period unless asked
otherwise; *new* backlinks were first seen in the window, *lost* ones were live when the
window opened and are lost now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from linkatlas.errors import UsageError
from linkatlas.index.store import Index
from linkatlas.metrics.target import Target

__all__ = ["PERIODS", "Periods", "crawl_periods", "build_state", "STATE_TABLE", "SUCCESS"]

_REPRESENTED = ("source_host", "source_domain", "target_host", "anchor", "alt", "type", "follow", "nofollow", "ugc",
                "sponsored", "robots_nofollow", "placement", "hidden")
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


def crawl_periods(index: Index, unit: str = "month") -> Periods:
    """The crawl periods of the whole index."""
    if unit not in PERIODS:
        raise UsageError(f"--period {unit!r}: choose one of {', '.join(PERIODS)}")
    rows = index.sql(
        f"""
        SELECT DISTINCT date_trunc('{unit}', fetched_at)::TIMESTAMP AS start,
               (date_trunc('{unit}', fetched_at) + INTERVAL 1 {unit})::TIMESTAMP AS stop
        FROM fetches ORDER BY start
        """
    )
    bounds = index.sql("SELECT min(fetched_at), max(fetched_at) FROM fetches")[0]
    return Periods(unit, tuple(r[0] for r in rows), tuple(r[1] for r in rows), bounds[0], bounds[1])


def _status_sql(suffix: str) -> str:
    return f"""CASE WHEN p.last_seen{suffix} IS NULL THEN NULL
         WHEN p.last_seen{suffix} < s.ok_at{suffix} THEN 'lost'
         WHEN s.last_status{suffix} IS NULL OR s.last_status{suffix} >= 400 THEN 'broken'
         ELSE 'live' END"""


def build_state(index: Index, target: Target, instants: tuple[datetime, ...] = (),
                table: str = STATE_TABLE) -> str:
    """Create the temp table ``table``: one row per backlink of ``target`` with its state now
    and at each of ``instants`` (columns ``status_0``, ``status_1``, ...; NULL when the
    backlink had not been seen yet). Returns the table name."""
    predicate, params = target.predicate("l.target")
    params = dict(params)
    for number, instant in enumerate(instants):
        params[f"t{number}"] = instant
    source_columns, pair_columns, status_columns = [], [], []
    for number in range(len(instants)):
        before = f"fetched_at < $t{number}"
        source_columns.append(
            f"arg_max(status, fetched_at) FILTER (WHERE {before}) AS last_status_{number}, "
            f"max(fetched_at) FILTER (WHERE {SUCCESS} AND {before}) AS ok_at_{number}"
        )
        pair_columns.append(f"max(fetched_at) FILTER (WHERE {before}) AS last_seen_{number}")
        status_columns.append(f"{_status_sql(f'_{number}')} AS status_{number}")
    extra = lambda columns: "".join(", " + column for column in columns)  # noqa: E731
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_obs AS
        SELECT l.fetch_id, l.fetched_at, l.source_url, l.source_host, l.source_domain, l.target_url,
               l.target_host, l.anchor, l.alt, l.nofollow, l.ugc, l.sponsored, l.type, l.placement,
               l.hidden, l.ordinal
        FROM links l
        WHERE {predicate} AND l.source_domain <> $own_domain
        """,
        {**params, "own_domain": target.domain},
    )
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_sources AS
        SELECT url AS source_url,
               arg_max(status, fetched_at) AS last_status,
               max(fetched_at) FILTER (WHERE {SUCCESS}) AS ok_at,
               list(fetched_at ORDER BY fetched_at) FILTER (WHERE {SUCCESS}) AS ok_times,
               arg_max(ip, fetched_at) AS ip,
               arg_max(title, fetched_at) FILTER (WHERE {SUCCESS}) AS title
               {extra(source_columns)}
        FROM fetches
        WHERE url IN (SELECT DISTINCT source_url FROM {table}_obs)
        GROUP BY url
        """,
        params,
    )
    representative = ", ".join(f"'{column}': {column}" for column in _REPRESENTED)
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table}_pairs AS
        WITH elements AS (
            SELECT o.*, coalesce(f.robots_nofollow, false) AS robots_nofollow,
                   NOT (o.nofollow OR o.ugc OR o.sponsored OR coalesce(f.robots_nofollow, false)) AS follow
            FROM {table}_obs o JOIN fetches f ON f.fetch_id = o.fetch_id
        )
        SELECT source_url, target_url, min(fetched_at) AS first_seen, max(fetched_at) AS last_seen,
               arg_max({{{representative}}},
                       {{'seen': fetched_at, 'follow': CASE WHEN follow THEN 1 ELSE 0 END, 'order': -ordinal}})
                   AS element
               {extra(pair_columns)}
        FROM elements GROUP BY source_url, target_url
        """,
        params,
    )
    index.sql(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT p.source_url, p.element.source_host, p.element.source_domain, s.title AS source_title,
               s.ip AS source_ip,
               CASE WHEN s.ip LIKE '%.%.%.%' AND s.ip NOT LIKE '%:%'
                    THEN regexp_replace(s.ip, '\\.[0-9]+$', '.0/24') END AS source_subnet,
               p.target_url, p.element.target_host, p.element.anchor, p.element.alt, p.element.type,
               p.element.follow, p.element.nofollow, p.element.ugc, p.element.sponsored,
               p.element.robots_nofollow, p.element.placement, p.element.hidden, p.first_seen, p.last_seen,
               {_status_sql('')} AS status,
               CASE WHEN p.last_seen < s.ok_at
                    THEN list_filter(s.ok_times, lambda seen: seen > p.last_seen)[1] END AS lost_at
               {extra(status_columns)}
        FROM {table}_pairs p
        JOIN {table}_sources s ON s.source_url = p.source_url
        """,
        params,
    )
    return table
