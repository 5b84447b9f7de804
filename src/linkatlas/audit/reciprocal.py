"""Reciprocal links (seed 003, audit step 9): referring domains the target links back to.

The target's own outbound links come from the latest successful fetch of each of its
crawled pages (the pages in the target's scope); a referring domain is *reciprocal* when one
of those links points to it while it has a live backlink to the target. Both sides are
listed: their pages linking to us, our pages linking to them. Without crawled pages of the
target, nothing can be reciprocal and the audit says so (``crawled_pages`` = 0).
"""

from __future__ import annotations

from linkatlas.index.store import Index
from linkatlas.metrics.reports import site_links_sql
from linkatlas.metrics.state import STATE_TABLE, SUCCESS
from linkatlas.metrics.target import Target

__all__ = ["reciprocal_domains", "own_crawled_pages"]


def own_crawled_pages(index: Index, target: Target) -> int:
    predicate, params = target.predicate("f.")
    return index.sql(f"SELECT count(DISTINCT url) FROM fetches f WHERE {predicate} AND f.{SUCCESS}", params)[0][0]


def reciprocal_domains(index: Index, target: Target, *, pages_per_side: int = 5,
                       table: str = STATE_TABLE) -> list[dict]:
    """Referring domains (live backlinks) that the target's crawled pages link to, most links first."""
    predicate, params = target.predicate("f.")
    return index.rows(
        f"""
        WITH {site_links_sql(predicate)},
        ours AS (
            SELECT target_domain AS domain, source_url AS our_page, target_url AS their_url, follow
            FROM site_links WHERE target_domain IN (SELECT source_domain FROM {table} WHERE status = 'live')
        ),
        out_side AS (
            SELECT domain, count(DISTINCT (our_page, their_url)) AS outbound_links,
                   count(DISTINCT (our_page, their_url)) FILTER (WHERE follow) AS outbound_follow_links,
                   list(DISTINCT our_page ORDER BY our_page)[1:{int(pages_per_side)}] AS our_pages
            FROM ours GROUP BY domain
        ),
        in_side AS (
            SELECT source_domain AS domain, count(*) AS backlinks, count(*) FILTER (WHERE follow) AS follow_backlinks,
                   list(DISTINCT source_url ORDER BY source_url)[1:{int(pages_per_side)}] AS their_pages
            FROM {table} WHERE status = 'live' AND source_domain IN (SELECT domain FROM out_side)
            GROUP BY source_domain
        )
        SELECT o.domain, i.backlinks, i.follow_backlinks, o.outbound_links, o.outbound_follow_links,
               i.their_pages, o.our_pages
        FROM out_side o JOIN in_side i USING (domain)
        ORDER BY i.backlinks + o.outbound_links DESC, o.domain
        """,
        {**params, "own_domain": target.domain},
    )
