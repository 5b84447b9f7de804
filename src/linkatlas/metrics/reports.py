"""Backlink Analytics reports: overview, backlinks, referring domains, anchors, pages,
referring IPs, outbound domains and history — the Python API the CLI renders.

Every report takes an open :class:`~linkatlas.index.store.Index` and a
:class:`~linkatlas.metrics.target.Target` (see :func:`~linkatlas.metrics.target.parse_target`).
Row reports return an Arrow table (``.to_pylist()``, ``.to_pandas()``, ``polars.from_arrow``);
``overview`` returns a dict. Counts follow DESIGN §3; states and windows are explained in
:mod:`linkatlas.metrics.state`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from linkatlas.errors import UsageError
from linkatlas.index.store import Index
from linkatlas.metrics.anchors import AnchorClassifier
from linkatlas.metrics.state import STATE_TABLE, SUCCESS, Periods, build_state, crawl_periods, has_vendor_rows
from linkatlas.metrics.target import Target
from linkatlas.sources.imports.merge import SOURCES

__all__ = [
    "Window", "overview", "backlinks", "referring_domains", "anchors", "pages", "referring_ips",
    "outbound", "history", "BACKLINK_STATUSES", "DOMAIN_STATUSES", "SOURCES", "UNKNOWN",
]

BACKLINK_STATUSES = ("live", "new", "lost", "broken", "all")
UNKNOWN = "unknown"  # the anchor type of a backlink whose anchor the source does not tell (GSC)
DOMAIN_STATUSES = ("live", "new", "lost", "broken", "all")
AUTHORITY_BUCKETS = ((0, 10), (11, 20), (21, 30), (31, 40), (41, 50), (51, 60), (61, 70), (71, 80), (81, 90),
                     (91, 100))


@dataclass(frozen=True)
class Window:
    """The report window: ``start`` is when it opens (None: since the beginning)."""

    start: datetime | None
    period: str

    @classmethod
    def resolve(cls, index: Index, period: str = "month", since: date | datetime | str | None = None,
                periods: Periods | None = None) -> Window:
        if since == "all":
            return cls(None, period)
        if since is None:
            return cls((periods or crawl_periods(index, period)).latest_start, period)
        if isinstance(since, str):
            try:
                since = datetime.fromisoformat(since)
            except ValueError:
                raise UsageError(f"--since {since!r}: give a date (2026-05-01) or 'all'") from None
        if isinstance(since, date) and not isinstance(since, datetime):
            since = datetime(since.year, since.month, since.day)
        return cls(since, period)

    def instants(self) -> tuple[datetime, ...]:
        return (self.start,) if self.start is not None else ()


# -- shared pieces -------------------------------------------------------------------------


def _authority_table(index: Index) -> str:
    """A relation (domain, authority_score), recomputed first when the index changed."""
    if index.has_table("domain_authority"):
        if not index.read_only:
            try:
                from linkatlas.metrics.authority import ensure_authority
            except ImportError:  # pragma: no cover - authority ships with metrics
                pass
            else:
                ensure_authority(index)
        return "(SELECT domain, authority_score FROM domain_authority)"
    return "(SELECT NULL::VARCHAR AS domain, NULL::SMALLINT AS authority_score WHERE false)"


def _prepare(index: Index, target: Target, window: Window) -> str:
    return build_state(index, target, window.instants(), view=True)


def _status_condition(status: str, window: Window, alias: str = "") -> str:
    """SQL condition selecting backlinks (rows of the state table, maybe ``alias.``-ed) by status."""
    if status not in BACKLINK_STATUSES:
        raise UsageError(f"--status {status!r}: choose one of {', '.join(BACKLINK_STATUSES)}")
    conditions = {
        "live": "{a}status = 'live'",
        "broken": "{a}status = 'broken'",
        "all": "true",
        "new": "{a}status = 'live'" + (" AND {a}first_seen >= $window_start" if window.start else ""),
        "lost": "{a}status = 'lost'" + (" AND {a}status_0 = 'live'" if window.start else ""),
    }
    return conditions[status].format(a=alias)


def _window_params(window: Window) -> dict:
    return {"window_start": window.start} if window.start is not None else {}


def _order_by(sort: str | None, allowed: Sequence[str], default: str) -> str:
    """``--sort column`` / ``-column`` / ``column:desc`` → an ORDER BY clause (columns checked)."""
    if not sort:
        return default
    terms = []
    for term in sort.split(","):
        term = term.strip()
        descending = term.startswith("-") or term.lower().endswith(":desc")
        column = term.lstrip("-+").split(":")[0]
        if column not in allowed:
            raise UsageError(f"--sort {column!r}: sort by one of {', '.join(allowed)}")
        terms.append(f'"{column}" {"DESC" if descending else "ASC"} NULLS LAST')
    return ", ".join(terms + [default])


def _authority_range(column: str, low: int | None, high: int | None, conditions: list, params: dict) -> None:
    """Add ``--min-authority``/``--max-authority`` conditions (an unknown score counts as 0)."""
    if low is not None:
        conditions.append(f"{column} >= $min_authority")
        params["min_authority"] = low
    if high is not None:
        conditions.append(f"coalesce({column}, 0) <= $max_authority")
        params["max_authority"] = high


def _limit(limit: int | None) -> str:
    if limit is None:
        return ""
    if limit < 0:
        raise UsageError("--limit must be 0 or more")
    return f" LIMIT {int(limit)}"


def anchor_classifier(index: Index, target: Target, brands: Sequence[str], keywords: Sequence[str],
                      table: str = STATE_TABLE) -> AnchorClassifier:
    """Anchor classifier for the target: brands, keywords and the titles of its linked pages
    (the target URLs of the backlink-state ``table``)."""
    titles = [row[0] for row in index.sql(
        f"""
        SELECT arg_max(f.title, f.fetched_at) FROM fetches f
        WHERE f.domain = $domain AND f.url IN (SELECT DISTINCT target_url FROM {table}) AND f.{SUCCESS}
          AND f.title IS NOT NULL
        GROUP BY f.url ORDER BY f.url
        """, {"domain": target.domain})]
    return AnchorClassifier.for_target(target.domain, brands, keywords, titles)


def anchor_type(classifier: AnchorClassifier, anchor: str | None, link_type: str | None) -> str:
    """The anchor's type; ``unknown`` when the source does not say the anchor (never ``empty``)."""
    return UNKNOWN if anchor is None else classifier.classify(anchor, link_type or "text")


def _with_anchor_types(table: pa.Table, classifier: AnchorClassifier, position: int) -> pa.Table:
    anchors = table.column("anchor").to_pylist()
    types = table.column("type").to_pylist() if "type" in table.column_names else ["text"] * len(anchors)
    kinds = [anchor_type(classifier, anchor, kind) for anchor, kind in zip(anchors, types)]
    return table.add_column(position, "anchor_type", pa.array(kinds, pa.string()))


# -- overview ------------------------------------------------------------------------------


def overview(index: Index, target: Target, *, brands: Sequence[str] = (), keywords: Sequence[str] = (),
             period: str = "month", since=None, top: int = 10) -> dict:
    """The headline numbers of a target's profile, with the widgets of an overview page."""
    periods = crawl_periods(index, period)
    window = Window.resolve(index, period, since, periods)
    authority = _authority_table(index)
    build_state(index, target, window.instants() + periods.ends, view=True)  # the window and every period end
    params = _window_params(window)
    counts = index.rows(
        f"""
        SELECT count(*) FILTER (WHERE status = 'live') AS backlinks,
               count(DISTINCT source_ip) FILTER (WHERE status = 'live') AS referring_ips,
               count(DISTINCT source_subnet) FILTER (WHERE status = 'live') AS referring_subnets,
               count(*) FILTER (WHERE status = 'live' AND follow) AS follow,
               count(*) FILTER (WHERE status = 'live' AND nofollow) AS nofollow,
               count(*) FILTER (WHERE status = 'live' AND ugc) AS ugc,
               count(*) FILTER (WHERE status = 'live' AND sponsored) AS sponsored,
               count(*) FILTER (WHERE status = 'live' AND follow IS NULL) AS unknown_rel,
               count(*) FILTER (WHERE status = 'live' AND robots_nofollow) AS page_nofollow,
               count(*) FILTER (WHERE status = 'live' AND type = 'text') AS text,
               count(*) FILTER (WHERE status = 'live' AND type = 'image') AS image,
               count(*) FILTER (WHERE status = 'live' AND type = 'redirect') AS redirect,
               count(*) FILTER (WHERE status = 'live' AND type = 'frame') AS frame,
               count(*) FILTER (WHERE status = 'live' AND type = 'form') AS form,
               count(*) FILTER (WHERE status = 'live' AND type = 'refresh') AS refresh,
               count(*) FILTER (WHERE {_status_condition('new', window)}) AS new_backlinks,
               count(*) FILTER (WHERE {_status_condition('lost', window)}) AS lost_backlinks,
               count(*) FILTER (WHERE status = 'broken') AS broken_backlinks
        FROM {STATE_TABLE}
        """,
        params,
    )[0]
    domain_counts = index.rows(
        f"""
        SELECT count(*) FILTER (WHERE live) AS referring_domains,
               count(*) FILTER (WHERE live AND is_new) AS new_referring_domains,
               count(*) FILTER (WHERE was_live AND NOT live) AS lost_referring_domains
        FROM ({_DOMAIN_FLAGS.format(state=STATE_TABLE, **_window_flags(window))})
        """,
        params,
    )[0]
    own = index.sql(f"SELECT max(authority_score) FROM {authority} a WHERE a.domain = ?", [target.domain])[0][0]
    result = {
        **target.as_dict(),
        "backlinks": counts.pop("backlinks"),
        "referring_domains": domain_counts.pop("referring_domains"),
        **counts,
        **domain_counts,
        "authority_score": own,
        "first_crawl": periods.first_fetch,
        "last_crawl": periods.last_fetch,
        "window_start": window.start,
        "period": period,
    }
    classifier = anchor_classifier(index, target, brands, keywords)
    result["top_anchors"] = anchors(index, target, brands=brands, keywords=keywords, limit=top,
                                    _prepared=(window, classifier)).to_pylist()
    result["anchor_types"] = _anchor_type_mix(index, classifier)
    result["tld_distribution"] = _tld_distribution(index)
    result["authority_distribution"] = _authority_distribution(index, authority)
    result["trend"] = history(index, target, period=period,
                              _prepared=(periods, len(window.instants()))).to_pylist()
    return result


# domain flags over a state table: live now, live when the window opened, first backlink in the window
_DOMAIN_FLAGS = """
    SELECT source_domain, bool_or(status = 'live') AS live, {was_live} AS was_live, {is_new} AS is_new
    FROM {state} GROUP BY source_domain
"""


def _window_flags(window: Window) -> dict:
    if window.start is None:
        return {"was_live": "false", "is_new": "true"}
    return {"was_live": "bool_or(status_0 = 'live')", "is_new": "min(first_seen) >= $window_start"}


def _shares(rows: list[dict], count: str) -> list[dict]:
    total = sum(row[count] for row in rows) or 1
    return [{**row, "share": round(row[count] / total, 4)} for row in rows]


def _anchor_type_mix(index: Index, classifier: AnchorClassifier) -> list[dict]:
    """Live backlinks and referring domains per anchor type (each distinct anchor classified once)."""
    distinct = index.arrow(f"SELECT DISTINCT anchor, type FROM {STATE_TABLE} WHERE status = 'live'")
    kinds = [anchor_type(classifier, anchor, kind) for anchor, kind in
             zip(distinct.column("anchor").to_pylist(), distinct.column("type").to_pylist())]
    index.con.register("anchor_kinds", distinct.append_column("anchor_type", pa.array(kinds, pa.string())))
    try:
        rows = index.rows(
            f"""
            SELECT k.anchor_type, count(*) AS backlinks, count(DISTINCT b.source_domain) AS referring_domains
            FROM {STATE_TABLE} b JOIN anchor_kinds k
              ON k.anchor IS NOT DISTINCT FROM b.anchor AND k.type IS NOT DISTINCT FROM b.type
            WHERE b.status = 'live'
            GROUP BY k.anchor_type ORDER BY backlinks DESC, k.anchor_type
            """
        )
    finally:
        index.con.unregister("anchor_kinds")
    return _shares(rows, "backlinks")


def _tld_distribution(index: Index) -> list[dict]:
    """Live referring domains per public suffix. A referring domain is one label plus its
    public suffix (PSL), so the suffix is what follows the first dot; IP hosts count as ``(ip)``."""
    rows = index.rows(
        f"""
        SELECT CASE WHEN regexp_full_match(source_domain, '[0-9.]+') OR contains(source_domain, ':') THEN '(ip)'
                    WHEN contains(source_domain, '.') THEN substr(source_domain, strpos(source_domain, '.') + 1)
                    ELSE source_domain END AS tld,
               count(DISTINCT source_domain) AS referring_domains
        FROM {STATE_TABLE} WHERE status = 'live'
        GROUP BY tld ORDER BY referring_domains DESC, tld
        """
    )
    return _shares(rows, "referring_domains")


def _authority_distribution(index: Index, authority: str) -> list[dict]:
    found = {row[0]: row[1] for row in index.sql(
        f"""
        SELECT CASE WHEN a.authority_score IS NULL THEN 'unknown'
                    WHEN a.authority_score <= 10 THEN '0-10'
                    ELSE ((a.authority_score - 1) // 10 * 10 + 1)::VARCHAR || '-'
                         || ((a.authority_score - 1) // 10 * 10 + 10)::VARCHAR END AS bucket,
               count(*)
        FROM (SELECT DISTINCT source_domain FROM {STATE_TABLE} WHERE status = 'live') d
        LEFT JOIN {authority} a ON a.domain = d.source_domain
        GROUP BY bucket
        """)}
    labels = [f"{low}-{high}" for low, high in AUTHORITY_BUCKETS] + ["unknown"]
    return [{"authority": label, "referring_domains": found.get(label, 0)} for label in labels]


# -- backlinks -----------------------------------------------------------------------------

BACKLINK_COLUMNS = ("source_url", "source_title", "source_domain", "source_authority", "target_url", "anchor",
                    "anchor_type", "type", "follow", "nofollow", "ugc", "sponsored", "placement", "hidden",
                    "first_seen", "last_seen", "lost_at", "status", "sources")
_PLACEMENT_RANK = "CASE placement WHEN 'content' THEN 0 WHEN 'comment' THEN 2 ELSE 1 END"


def backlinks(index: Index, target: Target, *, status: str = "live", follow: bool | None = None,
              nofollow: bool | None = None, ugc: bool | None = None, sponsored: bool | None = None,
              link_type: str | None = None, min_authority: int | None = None, max_authority: int | None = None,
              anchor: str | None = None, source_domain: str | None = None, one_per_domain: bool = False,
              sort: str | None = None, limit: int | None = None, brands: Sequence[str] = (),
              keywords: Sequence[str] = (), period: str = "month", since=None,
              sources: Sequence[str] = ()) -> pa.Table:
    """One row per backlink (distinct source page and target URL), filtered and sorted.
    ``sources``: only backlinks seen by at least one of these (:data:`SOURCES`)."""
    window = Window.resolve(index, period, since)
    authority = _authority_table(index)
    _prepare(index, target, window)
    conditions = [_status_condition(status, window)]
    params = _window_params(window)
    for column, wanted in (("follow", follow), ("nofollow", nofollow), ("ugc", ugc), ("sponsored", sponsored)):
        if wanted is not None:
            conditions.append(f"{column} IS {'TRUE' if wanted else 'NOT TRUE'}")
    if link_type:
        conditions.append("type = $link_type")
        params["link_type"] = link_type
    _authority_range("source_authority", min_authority, max_authority, conditions, params)
    if anchor:
        conditions.append("contains(lower(anchor), lower($anchor))")
        params["anchor"] = anchor
    if source_domain:
        conditions.append("(source_domain = lower($source_domain) OR source_host = lower($source_domain))")
        params["source_domain"] = source_domain
    if sources:
        conditions.append("list_has_any(sources, $sources)")
        params["sources"] = _checked_sources(sources)
    best = ""
    if one_per_domain:
        best = (f"QUALIFY row_number() OVER (PARTITION BY source_domain ORDER BY follow DESC NULLS LAST, "
                f"{_PLACEMENT_RANK}, hidden NULLS LAST, source_authority DESC NULLS LAST, first_seen, source_url, "
                "target_url) = 1")
    order = _order_by(sort, [c for c in BACKLINK_COLUMNS if c not in ("anchor_type", "sources")],
                      "source_authority DESC NULLS LAST, source_url, target_url")
    table = index.arrow(
        f"""
        SELECT * FROM (
            SELECT b.*, a.authority_score AS source_authority
            FROM {STATE_TABLE} b LEFT JOIN {authority} a ON a.domain = b.source_domain
        )
        WHERE {' AND '.join(conditions)}
        {best}
        ORDER BY {order}{_limit(limit)}
        """,
        params,
    )
    classifier = anchor_classifier(index, target, brands, keywords)
    table = _with_anchor_types(table, classifier, table.column_names.index("anchor") + 1)
    return table.select(list(BACKLINK_COLUMNS))


def _checked_sources(sources: Sequence[str]) -> list[str]:
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise UsageError(f"--source {unknown[0]!r}: choose among {', '.join(SOURCES)}")
    return sorted(set(sources))


# -- referring domains ---------------------------------------------------------------------

DOMAIN_COLUMNS = ("domain", "backlinks", "follow_backlinks", "authority_score", "ips", "first_seen", "last_seen",
                  "status", "lost_backlinks", "broken_backlinks")


def referring_domains(index: Index, target: Target, *, status: str = "live", min_authority: int | None = None,
                      max_authority: int | None = None, sort: str | None = None, limit: int | None = None,
                      period: str = "month", since=None) -> pa.Table:
    """One row per referring domain. ``new``: its first backlink appeared in the window;
    ``lost``: it had live backlinks when the window opened and has none now."""
    if status not in DOMAIN_STATUSES:
        raise UsageError(f"--status {status!r}: choose one of {', '.join(DOMAIN_STATUSES)}")
    window = Window.resolve(index, period, since)
    authority = _authority_table(index)
    _prepare(index, target, window)
    live_at_start = "bool_or(status_0 = 'live')" if window.start is not None else "false"
    conditions = {
        "live": "status = 'live'",
        "broken": "status = 'broken'",
        "all": "true",
        "new": "status = 'live'" + (" AND first_seen >= $window_start" if window.start is not None else ""),
        "lost": "live_at_start AND status <> 'live'",
    }
    filters = [conditions[status]]
    params = _window_params(window)
    _authority_range("authority_score", min_authority, max_authority, filters, params)
    order = _order_by(sort, DOMAIN_COLUMNS, "backlinks DESC, domain")
    return index.arrow(
        f"""
        SELECT {', '.join(DOMAIN_COLUMNS)} FROM (
            SELECT source_domain AS domain,
                   count(*) FILTER (WHERE status = 'live') AS backlinks,
                   count(*) FILTER (WHERE status = 'live' AND follow) AS follow_backlinks,
                   any_value(a.authority_score) AS authority_score,
                   list_sort(list_distinct(list(source_ip) FILTER (WHERE status = 'live' AND source_ip IS NOT NULL)))
                       AS ips,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                   CASE WHEN bool_or(status = 'live') THEN 'live'
                        WHEN bool_or(status = 'broken') THEN 'broken' ELSE 'lost' END AS status,
                   count(*) FILTER (WHERE status = 'lost') AS lost_backlinks,
                   count(*) FILTER (WHERE status = 'broken') AS broken_backlinks,
                   {live_at_start} AS live_at_start
            FROM {STATE_TABLE} b LEFT JOIN {authority} a ON a.domain = b.source_domain
            GROUP BY source_domain
        )
        WHERE {' AND '.join(filters)}
        ORDER BY {order}{_limit(limit)}
        """,
        params,
    )


# -- anchors -------------------------------------------------------------------------------

ANCHOR_COLUMNS = ("anchor", "anchor_type", "backlinks", "referring_domains", "first_seen", "last_seen")


def anchors(index: Index, target: Target, *, brands: Sequence[str] = (), keywords: Sequence[str] = (),
            status: str = "live", sort: str | None = None, limit: int | None = None, period: str = "month",
            since=None, _prepared: tuple | None = None) -> pa.Table:
    """One row per anchor text of the target's backlinks; every link element counts, so a page
    with two anchors to one URL feeds both. ``first_seen``/``last_seen`` span every observation.
    A backlink only exports know counts with every anchor its export rows give; a NULL anchor
    (the source does not say it, as Search Console) is one row of type ``unknown``."""
    if _prepared is None:
        window = Window.resolve(index, period, since)
        _prepare(index, target, window)
        classifier = anchor_classifier(index, target, brands, keywords)
    else:
        window, classifier = _prepared
    condition = _status_condition(status, window, "b.")
    order = _order_by(sort, [c for c in ANCHOR_COLUMNS if c != "anchor_type"],
                      "referring_domains DESC, backlinks DESC, anchor")
    vendor_current = vendor_spans = ""
    if has_vendor_rows(index):  # the export rows of the backlinks only exports know
        exported = f"""
            FROM {STATE_TABLE}_vendor r JOIN {STATE_TABLE} b
              ON b.origin = 'import' AND b.source_url = r.source_url
             AND b.target_url IS NOT DISTINCT FROM r.target_url"""
        vendor_current = f"""
            UNION ALL
            SELECT r.anchor, r.type, (r.source_url, r.target_url) AS pair, r.source_domain {exported}
            WHERE {condition}"""
        vendor_spans = f"UNION ALL SELECT r.anchor, r.seen_from, r.seen_to {exported}"
    table = index.arrow(
        f"""
        WITH current AS (  -- the anchors of the latest fetch holding each crawled backlink (once each)
            SELECT e.anchor, CASE WHEN e.image THEN 'image' ELSE 'text' END AS type, NULL AS pair, source_domain
            FROM (SELECT unnest(list_filter(b.elements, lambda x: x.at = b.last_seen)) AS e, b.source_domain
                  FROM {STATE_TABLE} b WHERE {condition})
            {vendor_current}
        ),
        spans AS (
            SELECT anchor, min(seen_from) AS first_seen, max(seen_to) AS last_seen
            FROM (SELECT e.anchor, e.at AS seen_from, e.at AS seen_to
                  FROM (SELECT unnest(elements) AS e FROM {STATE_TABLE}) {vendor_spans})
            GROUP BY anchor
        )
        SELECT c.anchor, CASE WHEN bool_and(c.type = 'image') THEN 'image' ELSE 'text' END AS type,
               count(*) FILTER (WHERE c.pair IS NULL) + count(DISTINCT c.pair) AS backlinks,
               count(DISTINCT c.source_domain) AS referring_domains,
               any_value(s.first_seen) AS first_seen, any_value(s.last_seen) AS last_seen
        FROM current c JOIN spans s ON s.anchor IS NOT DISTINCT FROM c.anchor
        GROUP BY c.anchor
        ORDER BY {order}{_limit(limit)}
        """,
        _window_params(window),
    )
    table = _with_anchor_types(table, classifier, 1)
    return table.select(list(ANCHOR_COLUMNS))


# -- pages ---------------------------------------------------------------------------------

PAGE_COLUMNS = ("target_url", "backlinks", "referring_domains", "follow_backlinks", "top_anchors", "http_status",
                "checked_at")


def pages(index: Index, target: Target, *, errors_only: bool = False, sort: str | None = None,
          limit: int | None = None, top_anchors: int = 3, period: str = "month", since=None) -> pa.Table:
    """The target's linked pages with their live backlinks and the HTTP status we last saw for
    them (``None`` when never fetched). ``errors_only``: pages answering 4xx/5xx."""
    window = Window.resolve(index, period, since)
    _prepare(index, target, window)
    order = _order_by(sort, PAGE_COLUMNS, "referring_domains DESC, backlinks DESC, target_url")
    where = "WHERE http_status >= 400" if errors_only else ""
    return index.arrow(
        f"""
        WITH live AS (SELECT * FROM {STATE_TABLE} WHERE status = 'live'),
        anchor_counts AS (
            SELECT target_url, anchor, count(*) AS n FROM live GROUP BY target_url, anchor
        ),
        top AS (
            SELECT target_url, list(anchor ORDER BY n DESC, anchor) FILTER (WHERE rank <= {int(top_anchors)})
                   AS top_anchors
            FROM (SELECT *, row_number() OVER (PARTITION BY target_url ORDER BY n DESC, anchor) AS rank
                  FROM anchor_counts)
            GROUP BY target_url
        ),
        checked AS (
            SELECT url, arg_max(status, fetched_at) AS http_status, max(fetched_at) AS checked_at
            FROM fetches WHERE url IN (SELECT target_url FROM live) GROUP BY url
        )
        SELECT * FROM (
            SELECT l.target_url, count(*) AS backlinks, count(DISTINCT l.source_domain) AS referring_domains,
                   count(*) FILTER (WHERE l.follow) AS follow_backlinks, any_value(t.top_anchors) AS top_anchors,
                   any_value(c.http_status) AS http_status, any_value(c.checked_at) AS checked_at
            FROM live l LEFT JOIN top t ON t.target_url = l.target_url LEFT JOIN checked c ON c.url = l.target_url
            GROUP BY l.target_url
        ) {where}
        ORDER BY {order}{_limit(limit)}
        """,
    )


# -- referring IPs -------------------------------------------------------------------------

IP_COLUMNS = ("ip", "subnet", "referring_domains", "backlinks")


def referring_ips(index: Index, target: Target, *, sort: str | None = None, limit: int | None = None,
                  period: str = "month", since=None) -> pa.Table:
    """The IP addresses (and /24 subnets) of the source pages of live backlinks."""
    window = Window.resolve(index, period, since)
    _prepare(index, target, window)
    order = _order_by(sort, IP_COLUMNS, "referring_domains DESC, backlinks DESC, ip")
    return index.arrow(
        f"""
        SELECT source_ip AS ip, any_value(source_subnet) AS subnet,
               count(DISTINCT source_domain) AS referring_domains, count(*) AS backlinks
        FROM {STATE_TABLE} WHERE status = 'live' AND source_ip IS NOT NULL
        GROUP BY source_ip
        ORDER BY {order}{_limit(limit)}
        """
    )


# -- outbound ------------------------------------------------------------------------------

OUTBOUND_COLUMNS = ("domain", "links", "follow_links", "pages")


def site_links_sql(predicate: str) -> str:
    """CTEs ``latest`` and ``site_links``: the external links (source_url, target_url, target_domain,
    follow) of the latest successful fetch of every page matching ``predicate`` (on ``f.``);
    the query needs the ``$own_domain`` parameter."""
    return f"""latest AS (
            SELECT arg_max(fetch_id, fetched_at) AS fetch_id, arg_max(robots_nofollow, fetched_at) AS robots_nofollow
            FROM fetches f WHERE {predicate} AND f.{SUCCESS} GROUP BY f.url
        ),
        site_links AS (
            SELECT l.source_url, l.target_url, l.target_domain,
                   NOT (l.nofollow OR l.ugc OR l.sponsored OR coalesce(latest.robots_nofollow, false)) AS follow
            FROM links l JOIN latest ON l.fetch_id = latest.fetch_id
            WHERE l.target_domain <> $own_domain
        )"""


def outbound(index: Index, site: Target, *, follow_only: bool = False, sort: str | None = None,
             limit: int | None = None) -> pa.Table:
    """The domains a site links to, from the latest successful fetch of each of its pages:
    ``links`` distinct (page, target URL) pairs, ``pages`` distinct linking pages."""
    predicate, params = site.predicate("f.")
    order = _order_by(sort, OUTBOUND_COLUMNS, "links DESC, domain")
    having = "HAVING count(DISTINCT (l.source_url, l.target_url)) FILTER (WHERE follow) > 0" if follow_only else ""
    return index.arrow(
        f"""
        WITH {site_links_sql(predicate)}
        SELECT target_domain AS domain, count(DISTINCT (source_url, target_url)) AS links,
               count(DISTINCT (source_url, target_url)) FILTER (WHERE follow) AS follow_links,
               count(DISTINCT source_url) AS pages
        FROM site_links l GROUP BY target_domain {having}
        ORDER BY {order}{_limit(limit)}
        """,
        {**params, "own_domain": site.domain},
    )


# -- history -------------------------------------------------------------------------------

HISTORY_COLUMNS = ("period", "backlinks", "referring_domains", "new_backlinks", "lost_backlinks",
                   "new_referring_domains", "lost_referring_domains")


def history(index: Index, target: Target, *, period: str = "month", _prepared: tuple | None = None) -> pa.Table:
    """Per crawl period: live backlinks and referring domains at its end, and the new and lost
    ones during it (the "New & Lost Referring Domains" chart)."""
    if _prepared is None:
        periods, offset = crawl_periods(index, period), 0
        if periods.starts:
            build_state(index, target, periods.ends, view=True)
    else:
        periods, offset = _prepared
    if not periods.starts:
        return pa.table({name: pa.array([], pa.int64()) for name in HISTORY_COLUMNS})
    counts, domain_columns, domain_counts = [], [], []
    for number in range(len(periods.starts)):  # one pass over the backlinks for all periods
        now = f"status_{offset + number}"
        was = f"status_{offset + number - 1} = 'live'" if number else "false"
        counts.append(
            f"""count(*) FILTER (WHERE {now} = 'live') AS backlinks_{number},
                count(DISTINCT source_domain) FILTER (WHERE {now} = 'live') AS referring_domains_{number},
                count(*) FILTER (WHERE {now} = 'live' AND first_seen >= $start{number}) AS new_backlinks_{number},
                count(*) FILTER (WHERE {was} AND {now} = 'lost') AS lost_backlinks_{number}"""
        )
        domain_columns.append(f"bool_or({now} = 'live') AS live_{number}, "
                              + (f"bool_or({was}) AS was_{number}" if number else f"false AS was_{number}"))
        domain_counts.append(
            f"""count(*) FILTER (WHERE live_{number} AND first_seen >= $start{number}) AS new_referring_domains_{number},
                count(*) FILTER (WHERE was_{number} AND NOT live_{number}) AS lost_referring_domains_{number}""")
    params = {f"start{number}": start for number, start in enumerate(periods.starts)}
    totals = index.rows(f"SELECT {', '.join(counts)} FROM {STATE_TABLE}", params)[0]
    totals.update(index.rows(
        f"""
        SELECT {', '.join(domain_counts)}
        FROM (SELECT source_domain, min(first_seen) AS first_seen, {', '.join(domain_columns)}
              FROM {STATE_TABLE} GROUP BY source_domain)
        """,
        params,
    )[0])
    rows = [{name: totals[f"{name}_{number}"] for name in HISTORY_COLUMNS if name != "period"}
            for number in range(len(periods.starts))]
    for row, start in zip(rows, periods.starts):
        row["period"] = start.date()
    return pa.Table.from_pylist(rows).select(list(HISTORY_COLUMNS))
