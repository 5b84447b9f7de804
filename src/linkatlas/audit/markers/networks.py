"""Link-network markers: referring domains that look owned or run together.

Two domains are compared only when both link the target. Domains under one private public
suffix (``*.blogspot.com``, ``*.github.io``) count as one owner, so a hosting platform's shared
address is not a network; an address or /24 shared by more than ``SHARED_HOST_LIMIT``
owners is shared hosting or a CDN and says nothing about ownership either.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import HIT_SCHEMA, Marker, register

SHARED_HOST_LIMIT = 30  # owners on one IP or /24 above which it is shared hosting, not a network
MIRROR_DISTANCE = 3  # simhash bits: pages this close are near-duplicates
MIRROR_MIN_WORDS = 80  # shorter main texts are too small to compare
MIRROR_BUCKET_LIMIT = 2000  # fingerprints sharing one 16-bit block value beyond which the block is noise
TITLE_MIN_WORDS = 4
TITLE_MIN_DOMAINS = 4  # domains using one title before it is a network footprint
SAME_TIME = "1 day"  # first seen this close: which page is the original is decided by authority
_GENERIC_TITLE = r"^(home|homepage|index|untitled|welcome|about|about us|contact|contact us|redirect|redirecting|loading|" \
                 r"page not found|not found|404|403|access denied|just a moment|coming soon|log ?in|sign ?in)\b"

# Loopback, private and link-local addresses say nothing about who owns a public site.
_PRIVATE_IP = r"^(127\.|10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|169\.254\.|0\.|::1$|f[cd][0-9a-f]{2}:|fe80:)"
_HOSTS = f"""
    SELECT DISTINCT p.domain, coalesce(d.platform, p.domain) AS owner, p.ip,
           CASE WHEN regexp_matches(p.ip, '^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$')
                THEN regexp_replace(p.ip, '\\.[0-9]+$', '.0/24') END AS subnet
    FROM audit_pages p JOIN audit_domains d USING (domain)
    WHERE p.ip IS NOT NULL AND p.ip <> '' AND NOT regexp_matches(lower(p.ip), '{_PRIVATE_IP}')
"""


def _shared(column: str, exclude_same_ip: bool = False) -> str:
    other_ip = "AND b.ip <> a.ip AND NOT EXISTS (SELECT 1 FROM hosts c WHERE c.domain = b.domain AND c.ip = a.ip)" \
        if exclude_same_ip else ""
    return f"""
        WITH hosts AS ({_HOSTS}),
        shared AS (SELECT {column} FROM hosts WHERE {column} IS NOT NULL GROUP BY {column}
                   HAVING count(DISTINCT owner) BETWEEN 2 AND {SHARED_HOST_LIMIT}),
        pairs AS (
            SELECT a.domain, a.{column} AS value, list(DISTINCT b.domain ORDER BY b.domain) AS others
            FROM hosts a JOIN shared USING ({column})
            JOIN hosts b ON b.{column} = a.{column} AND b.owner <> a.owner {other_ip}
            GROUP BY a.domain, a.{column}
        ),
        best AS (SELECT domain, arg_max(value, len(others)) AS value, arg_max(others, len(others)) AS others
                 FROM pairs GROUP BY domain)
        SELECT domain, NULL AS source_url, NULL AS target_url, least(1.0, len(others) / 2.0) AS strength,
               json_object('{column}', value, 'domains', others[:10], 'count', len(others))::VARCHAR AS evidence
        FROM best
    """


def _names(evidence: dict) -> str:
    names = ", ".join(evidence.get("domains", [])[:5])
    more = evidence.get("count", 0) - min(5, len(evidence.get("domains", [])))
    return names + (f" and {more} more" if more > 0 else "")


register(Marker(
    "same_ip", "link_networks", 0.3,
    "Hosted on the same IP address as other referring domains of the target.",
    lambda ctx: _shared("ip"),
    lambda e: f"It is hosted on the same IP address ({e.get('ip')}) as {e.get('count')} other referring "
              f"domain(s) of the target: {_names(e)}.",
))

register(Marker(
    "same_subnet", "link_networks", 0.2,
    "Hosted in the same IPv4 /24 network as other referring domains (on other addresses).",
    lambda ctx: _shared("subnet", exclude_same_ip=True),
    lambda e: f"It is hosted in the network {e.get('subnet')} together with {e.get('count')} other referring "
              f"domain(s) on other addresses: {_names(e)}.",
))

register(Marker(
    "shared_analytics", "link_networks", 0.45,
    "Uses the same Google Analytics, Tag Manager or AdSense account as other referring domains.",
    lambda ctx: f"""
        WITH ids AS (
            SELECT DISTINCT p.domain, coalesce(d.platform, p.domain) AS owner, unnest(p.analytics_ids) AS id
            FROM audit_pages p JOIN audit_domains d USING (domain) WHERE p.analytics_ids IS NOT NULL),
        shared AS (SELECT id FROM ids GROUP BY id HAVING count(DISTINCT owner) BETWEEN 2 AND {SHARED_HOST_LIMIT}),
        pairs AS (
            SELECT a.domain, a.id, list(DISTINCT b.domain ORDER BY b.domain) AS others
            FROM ids a JOIN shared USING (id) JOIN ids b ON b.id = a.id AND b.owner <> a.owner
            GROUP BY a.domain, a.id),
        per AS (SELECT domain, list(id ORDER BY id) AS ids, list_distinct(flatten(list(others))) AS others
                FROM pairs GROUP BY domain)
        SELECT domain, NULL, NULL, 1.0,
               json_object('ids', ids, 'domains', list_sort(others)[:10], 'count', len(others))::VARCHAR
        FROM per
    """,
    lambda e: f"It shares the analytics/ads account(s) {', '.join(e.get('ids', []))} with {e.get('count')} other "
              f"referring domain(s): {_names(e)} — one owner runs them.",
))

register(Marker(
    "shared_template", "link_networks", 0.25,
    "Same site software and version as referring domains it already shares a network or an analytics account with.",
    lambda ctx: f"""
        WITH gens AS (SELECT DISTINCT domain, generator FROM audit_pages WHERE generator IS NOT NULL AND generator <> ''),
        hosts AS ({_HOSTS}),
        ids AS (SELECT DISTINCT domain, unnest(analytics_ids) AS id FROM audit_pages WHERE analytics_ids IS NOT NULL),
        ties AS (
            SELECT a.domain AS a, b.domain AS b FROM hosts a JOIN hosts b ON a.subnet = b.subnet AND a.owner <> b.owner
            WHERE a.subnet IN (SELECT subnet FROM hosts GROUP BY subnet HAVING count(DISTINCT owner) <= {SHARED_HOST_LIMIT})
            UNION
            SELECT a.domain, b.domain FROM ids a JOIN ids b ON a.id = b.id AND a.domain <> b.domain),
        same AS (
            SELECT t.a AS domain, ga.generator, list(DISTINCT t.b ORDER BY t.b) AS others
            FROM ties t JOIN gens ga ON ga.domain = t.a JOIN gens gb ON gb.domain = t.b AND gb.generator = ga.generator
            GROUP BY t.a, ga.generator)
        SELECT domain, NULL, NULL, least(1.0, len(others) / 2.0),
               json_object('generator', generator, 'domains', others[:10], 'count', len(others))::VARCHAR
        FROM (SELECT domain, arg_max(generator, len(others)) AS generator, arg_max(others, len(others)) AS others
              FROM same GROUP BY domain)
    """,
    lambda e: f"It runs the same site software ({e.get('generator')}) as {e.get('count')} referring domain(s) it "
              f"already shares hosting or an analytics account with: {_names(e)}.",
))

register(Marker(
    "subdomains", "link_networks", 0.35,
    "Links the target from three or more subdomains of one root domain.",
    lambda ctx: """
        WITH h AS (SELECT domain, list_distinct(list_transform(hosts, lambda x: regexp_replace(x, '^www\\.', ''))) AS hosts
                   FROM audit_domains)
        SELECT domain, NULL, NULL, least(1.0, (len(hosts) - 2) / 3.0),
               json_object('hosts', list_sort(hosts)[:10], 'count', len(hosts))::VARCHAR
        FROM h WHERE len(hosts) >= 3
    """,
    lambda e: f"The target is linked from {e.get('count')} different subdomains of this one domain "
              f"({', '.join(e.get('hosts', [])[:5])}).",
))


def _mirror(ctx) -> str:
    """Near-duplicates are found between distinct fingerprints (identical copies collapse into one):
    any two within 3 bits agree on one of their four 16-bit blocks, so four equi-joins find every
    pair; a block value shared by more than ``MIRROR_BUCKET_LIMIT`` fingerprints is skipped."""
    blocks = " UNION ALL ".join(
        f"SELECT c.fp AS fp, o.fp AS other FROM cand c JOIN prints o ON o.b{i} = c.b{i} "
        f"WHERE o.b{i} NOT IN (SELECT b{i} FROM prints GROUP BY b{i} HAVING count(*) > {MIRROR_BUCKET_LIMIT})"
        for i in range(4))
    return f"""
        WITH pages AS (
            SELECT f.url, any_value(f.domain) AS domain, arg_max(f.fingerprint, f.fetched_at) AS fp,
                   min(f.fetched_at) AS first_seen
            FROM fetches f WHERE f.status BETWEEN 200 AND 299 AND f.fingerprint IS NOT NULL
              AND f.word_count >= {MIRROR_MIN_WORDS}
            GROUP BY f.url),
        ranked AS (SELECT p.*, coalesce(a.authority_score, 0) AS authority
                   FROM pages p LEFT JOIN audit_authority a USING (domain)),
        prints AS (
            SELECT fp, arg_max(domain, authority) AS strongest, max(authority) AS authority,
                   arg_min(domain, first_seen) AS earliest, min(first_seen) AS first_seen, arg_max(url, authority) AS url,
                   fp & 65535 AS b0, (fp >> 16) & 65535 AS b1, (fp >> 32) & 65535 AS b2, (fp >> 48) & 65535 AS b3
            FROM ranked GROUP BY fp),
        cand AS (SELECT * FROM prints WHERE fp IN (SELECT fp FROM ranked
                                                   WHERE url IN (SELECT DISTINCT source_url FROM audit_state))),
        near AS (SELECT DISTINCT fp, other FROM ({blocks}) WHERE bit_count(xor(fp, other)) <= {MIRROR_DISTANCE}),
        scored AS (
            SELECT p.url AS page, p.domain, o.url AS other, bit_count(xor(p.fp, o.fp)) AS distance,
                   CASE WHEN o.first_seen < p.first_seen - INTERVAL {SAME_TIME} AND o.earliest <> p.domain THEN o.earliest
                        WHEN o.authority > p.authority AND o.strongest <> p.domain THEN o.strongest END AS original_domain
            FROM ranked p JOIN near n ON n.fp = p.fp JOIN prints o ON o.fp = n.other
            WHERE p.url IN (SELECT DISTINCT source_url FROM audit_state)),
        copies AS (
            SELECT s.page, s.domain, arg_min(s.other, s.distance) AS original, min(s.distance) AS distance,
                   count(*) AS similar_prints,
                   bool_or(pg.canonical_host = s.original_domain OR suffix(pg.canonical_host, '.' || s.original_domain))
                       AS canonical_to_original,
                   bool_or(EXISTS (SELECT 1 FROM audit_source_links x
                                   WHERE x.source_url = s.page AND x.target_domain = s.original_domain)) AS credits_original
            FROM scored s JOIN audit_pages pg ON pg.url = s.page
            WHERE s.original_domain IS NOT NULL
            GROUP BY s.page, s.domain)
        SELECT c.domain, b.source_url, b.target_url,
               CASE WHEN c.credits_original THEN 0.5 ELSE 1.0 END,
               json_object('page', c.page, 'copy_of', c.original, 'distance', c.distance,
                           'credits_original', c.credits_original)::VARCHAR
        FROM copies c JOIN audit_state b ON b.source_url = c.page
        WHERE NOT c.canonical_to_original
    """


register(Marker(
    "mirror_pages", "link_networks", 0.5,
    "The linking page is a near-duplicate (simhash within 3 bits) of an older or stronger page on another domain.",
    _mirror,
    lambda e: f"The linking page {e.get('page')} copies {e.get('copy_of')} (main text {e.get('distance')} bit(s) "
              f"apart{'; it does credit the original' if e.get('credits_original') else ''}) — scraped or mirrored "
              "content.",
    scope="backlink",
))


def _same_title(ctx) -> str:
    return f"""
        WITH src AS (
            SELECT DISTINCT p.url, p.domain, lower(trim(p.title)) AS title, p.canonical_host
            FROM audit_pages p
            WHERE p.url IN (SELECT DISTINCT source_url FROM audit_state) AND p.title IS NOT NULL
              AND len(regexp_extract_all(p.title, '[^\\W\\d_]{{3,}}')) >= {TITLE_MIN_WORDS}
              AND NOT regexp_matches(lower(trim(p.title)), '{_GENERIC_TITLE}')
              AND NOT {ctx.brand_condition('p.title')}),
        holders AS (
            SELECT lower(trim(title)) AS title, domain, min(fetched_at) AS first_seen
            FROM fetches WHERE status BETWEEN 200 AND 299 AND lower(trim(title)) IN (SELECT title FROM src)
            GROUP BY 1, 2),
        holders_ranked AS (
            SELECT title, count(*) AS domains, list(domain ORDER BY domain) AS names,
                   list(first_seen ORDER BY first_seen) AS seen, list(authority ORDER BY authority DESC) AS strength,
                   arg_min(domain, first_seen) AS earliest, arg_max(domain, authority) AS strongest
            FROM (SELECT h.*, coalesce(a.authority_score, 0) AS authority
                  FROM holders h LEFT JOIN audit_authority a USING (domain))
            GROUP BY title HAVING count(*) >= {TITLE_MIN_DOMAINS}),
        groups AS (
            SELECT title, domains, names,
                   CASE WHEN seen[1] < seen[2] - INTERVAL {SAME_TIME} THEN earliest
                        WHEN strength[1] > strength[2] THEN strongest END AS original
            FROM holders_ranked),
        hits AS (
            SELECT s.domain, s.url, g.title, g.domains, g.names
            FROM src s JOIN groups g USING (title)
            WHERE s.domain IS DISTINCT FROM g.original
              AND (s.canonical_host IS NULL OR s.canonical_host = s.domain OR suffix(s.canonical_host, '.' || s.domain)))
        SELECT h.domain, b.source_url, b.target_url, 1.0,
               json_object('title', h.title, 'page', h.url, 'domains', h.domains,
                           'examples', list_filter(h.names, lambda x: x <> h.domain)[:5])::VARCHAR
        FROM hits h JOIN audit_state b ON b.source_url = h.url
    """


register(Marker(
    "same_title", "link_networks", 0.4,
    f"The linking page's title is used word for word on pages of {TITLE_MIN_DOMAINS} or more domains.",
    _same_title,
    lambda e: f"The linking page's title \"{e.get('title')}\" appears on {e.get('domains')} domains "
              f"(e.g. {', '.join(e.get('examples', []))}).",
    scope="backlink",
))


def _interlinked(ctx) -> pa.Table:
    ctx.index.sql("""
        CREATE OR REPLACE TEMP TABLE audit_profile_edges AS
        SELECT DISTINCT l.source_domain AS a, l.target_domain AS b FROM links l
        WHERE l.fetch_id IN (SELECT fetch_id FROM audit_pages WHERE fetch_id IS NOT NULL)
          AND l.target_domain IN (SELECT domain FROM audit_domains) AND l.target_domain <> l.source_domain
    """)
    names = ctx.index.arrow("SELECT name FROM (SELECT a AS name FROM audit_profile_edges UNION SELECT b "
                            "FROM audit_profile_edges) ORDER BY name").column("name").to_pylist()
    if not names:
        return HIT_SCHEMA.empty_table()
    edges = ctx.index.arrow("""
        WITH ids AS (SELECT name, row_number() OVER (ORDER BY name) - 1 AS id
                     FROM (SELECT a AS name FROM audit_profile_edges UNION SELECT b FROM audit_profile_edges))
        SELECT x.id AS a, y.id AS b FROM audit_profile_edges e JOIN ids x ON x.name = e.a JOIN ids y ON y.name = e.b
    """)
    source = edges.column("a").to_numpy().astype(np.int64)
    target = edges.column("b").to_numpy().astype(np.int64)
    return interlinked_clusters(names, source, target)


def interlinked_clusters(names: list[str], source: np.ndarray, target: np.ndarray,
                         min_jaccard: float = 0.5, min_size: int = 3, min_insularity: float = 0.5) -> pa.Table:
    """Closed groups of domains that link each other: mutual links whose two ends have nearly the
    same mutual neighbours (Jaccard of the closed neighbourhoods >= ``min_jaccard``), connected into
    groups of ``min_size`` or more; a member is hit when most of its links to the profile stay inside."""
    n = len(names)
    links = coo_matrix((np.ones(len(source)), (source, target)), shape=(n, n)).tocsr()
    links.data[:] = 1
    mutual = links.multiply(links.T).tocsr()
    closed = (mutual + coo_matrix((np.ones(n), (np.arange(n), np.arange(n))), shape=(n, n))).tocsr()
    closed.data[:] = 1
    a, b = mutual.nonzero()
    if len(a) == 0:
        return HIT_SCHEMA.empty_table()
    shared = np.asarray(closed[a].multiply(closed[b]).sum(axis=1)).ravel()
    sizes = np.asarray(closed.sum(axis=1)).ravel()
    jaccard = shared / (sizes[a] + sizes[b] - shared)
    strong = jaccard >= min_jaccard
    graph = coo_matrix((np.ones(strong.sum()), (a[strong], b[strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    members = np.bincount(component, minlength=n)
    out_degree = np.asarray(links.sum(axis=1)).ravel()
    inside = np.zeros(n)
    rows, cols = links.nonzero()
    same = component[rows] == component[cols]
    np.add.at(inside, rows[same], 1)
    hits = {"domain": [], "source_url": [], "target_url": [], "strength": [], "evidence": []}
    for node in range(n):
        size = members[component[node]]
        if size < min_size or out_degree[node] == 0:
            continue
        insularity = inside[node] / out_degree[node]
        if insularity < min_insularity:
            continue
        group = sorted(names[i] for i in np.flatnonzero(component == component[node]) if i != node)
        hits["domain"].append(names[node])
        hits["source_url"].append(None)
        hits["target_url"].append(None)
        hits["strength"].append(float(insularity * min(1.0, (size - 1) / 4)))
        hits["evidence"].append(json.dumps({"domains": group[:10], "count": len(group),
                                            "links_inside": int(inside[node]), "links_to_profile": int(out_degree[node])}))
    return pa.table(hits, schema=HIT_SCHEMA)


register(Marker(
    "interlinked", "link_networks", 0.4,
    "Part of a closed group of referring domains that all link each other.",
    _interlinked,
    lambda e: f"It belongs to a closed group of {e.get('count', 0) + 1} referring domains that link each other "
              f"({_names(e)}): {e.get('links_inside')} of its {e.get('links_to_profile')} links to other referring "
              "domains stay inside the group.",
))
