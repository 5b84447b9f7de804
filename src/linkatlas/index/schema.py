"""The link index's tables, versioned: each migration is applied once, in order, in a transaction.

Add a migration by appending to ``MIGRATIONS``; never edit one that has shipped.
"""

from __future__ import annotations

import duckdb

from linkatlas.errors import IndexError_

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "DOMAIN_AUTHORITY_TABLE", "migrate", "schema_version"]

_V1 = """
CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- ingest, crawl, import, audit, ...
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,          -- running, ok, failed, interrupted
    args        JSON,
    counters    JSON
);

-- One row per input file taken in; a completed row makes re-ingesting the file a no-op.
CREATE TABLE inputs (
    input_key    VARCHAR NOT NULL,         -- size + hash of head and tail: same bytes, same key
    path         VARCHAR NOT NULL,
    size         BIGINT,
    run_id       BIGINT,
    completed_at TIMESTAMP,
    records      BIGINT,
    fetches      BIGINT,
    links        BIGINT
);

-- One row per fetch (HTTP response) of a page: the observation history is built from these.
CREATE TABLE fetches (
    fetch_id        BIGINT NOT NULL,
    url             VARCHAR NOT NULL,      -- normalized
    host            VARCHAR NOT NULL,
    domain          VARCHAR NOT NULL,      -- registrable domain (PSL, private section included)
    ip              VARCHAR,
    fetched_at      TIMESTAMP NOT NULL,    -- WARC-Date, UTC
    status          SMALLINT,
    content_type    VARCHAR,
    origin          VARCHAR NOT NULL,      -- warc, wat, crawl, import
    run_id          BIGINT,
    record_id       VARCHAR,
    redirect_to     VARCHAR,
    title           VARCHAR,
    lang            VARCHAR,
    meta_robots     VARCHAR,
    x_robots_tag    VARCHAR,
    robots_nofollow BOOLEAN,
    generator       VARCHAR,
    analytics_ids   VARCHAR[],
    canonical       VARCHAR,
    encoding        VARCHAR,
    content_length  INTEGER,
    word_count      INTEGER,
    text_bytes      INTEGER,
    internal_links  INTEGER,
    external_links  INTEGER,
    fingerprint     UBIGINT
);

-- One row per link element observed in a fetch (several anchors to one target stay separate rows).
CREATE TABLE links (
    fetch_id      BIGINT NOT NULL,
    fetched_at    TIMESTAMP NOT NULL,
    source_url    VARCHAR NOT NULL,
    source_host   VARCHAR NOT NULL,
    source_domain VARCHAR NOT NULL,
    target_url    VARCHAR NOT NULL,
    target_host   VARCHAR NOT NULL,
    target_domain VARCHAR NOT NULL,
    anchor        VARCHAR,
    alt           VARCHAR,
    nofollow      BOOLEAN,
    ugc           BOOLEAN,
    sponsored     BOOLEAN,
    type          VARCHAR NOT NULL,        -- text, image, frame, refresh, redirect, form
    placement     VARCHAR,                 -- content, nav, header, footer, sidebar, comment; NULL unknown
    hidden        BOOLEAN,                 -- NULL when the source cannot tell (WAT)
    context       VARCHAR,
    ordinal       INTEGER
);
"""

# Recreated whole by every authority computation (metrics/authority.py): dropping and
# creating the table is much faster than deleting and re-inserting a million keys.
DOMAIN_AUTHORITY_TABLE = """-- Authority Score per registrable domain, recomputed whole from the domain graph (metrics/authority.py).
CREATE TABLE domain_authority (
    domain            VARCHAR PRIMARY KEY,
    authority_score   SMALLINT NOT NULL,   -- 0-100, log-scaled
    pagerank          DOUBLE,              -- share of the graph's PageRank (all domains sum to 1)
    harmonic          DOUBLE,              -- harmonic centrality over owner groups, 0-1
    referring_domains INTEGER,             -- distinct domains with a live follow link to this one
    referring_groups  DOUBLE,              -- votes left after the link-network defence (owner groups)
    outbound_domains  INTEGER,             -- distinct domains this one links to with live follow links
    network_size      INTEGER,             -- domains in its owner group (shared /24 subnet or analytics id)
    discount          DOUBLE,              -- share of referring domains whose vote the defence removed, 0-1
    computed_at       TIMESTAMP NOT NULL
);
"""

_V2 = DOMAIN_AUTHORITY_TABLE + """
-- What the scores were computed from: one row, replaced with every computation.
CREATE TABLE authority_state (
    computed_at     TIMESTAMP NOT NULL,
    fetches         BIGINT NOT NULL,       -- count(*) of fetches
    max_fetch_id    BIGINT,
    links           BIGINT NOT NULL,       -- count(*) of links
    max_link_fetch  BIGINT,
    domains         BIGINT,
    edges           BIGINT,
    seconds         DOUBLE,
    parameters      JSON
);
"""

_V3 = """
-- Backlink verification: one row per known backlink checked by ``linkatlas verify`` (a run).
CREATE TABLE verifications (
    run_id       BIGINT NOT NULL,
    verified_at  TIMESTAMP NOT NULL,
    target       VARCHAR NOT NULL,
    scope        VARCHAR NOT NULL,
    source_url   VARCHAR NOT NULL,
    target_url   VARCHAR NOT NULL,
    state        VARCHAR NOT NULL,         -- live, lost, broken, redirected, unchecked
    http_status  SMALLINT,
    fetch_id     BIGINT,                   -- the new observation (NULL when unchecked)
    final_url    VARCHAR,                  -- where redirects led
    anchor       VARCHAR,
    nofollow     BOOLEAN,
    ugc          BOOLEAN,
    sponsored    BOOLEAN,
    changes      VARCHAR[],                -- rel/anchor changes since the previous observation
    detail       VARCHAR
);

-- Scheduled monitoring of a target's backlinks.
CREATE TABLE monitors (
    monitor_id     BIGINT PRIMARY KEY,
    target         VARCHAR NOT NULL,
    scope          VARCHAR NOT NULL,
    every_seconds  BIGINT NOT NULL,
    webhook        VARCHAR,
    email          VARCHAR,
    discover_pages INTEGER NOT NULL,       -- new pages looked at per referring host and run
    created_at     TIMESTAMP NOT NULL,
    last_run_at    TIMESTAMP,
    last_run_id    BIGINT
);

-- The state of every backlink of a monitor's target at each of its runs: the diffs come from these.
CREATE TABLE monitor_states (
    monitor_id  BIGINT NOT NULL,
    run_id      BIGINT NOT NULL,
    source_url  VARCHAR NOT NULL,
    target_url  VARCHAR NOT NULL,
    source_domain VARCHAR NOT NULL,
    state       VARCHAR NOT NULL           -- live, lost, broken, redirected
);

CREATE TABLE alerts (
    alert_id    BIGINT PRIMARY KEY,
    monitor_id  BIGINT,
    run_id      BIGINT,
    created_at  TIMESTAMP NOT NULL,
    target      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,          -- new, lost, broken, toxic
    count       INTEGER NOT NULL,
    items       JSON,                      -- the backlinks or domains concerned
    delivery    JSON                       -- webhook / email outcome
);
"""

_V4 = """
-- One row per vendor export file imported (a zip or workbook is one file); provenance of every
-- vendor_* row via import_id. A completed row makes re-importing the same bytes a no-op.
CREATE TABLE imports (
    import_id   BIGINT PRIMARY KEY,
    path        VARCHAR NOT NULL,
    input_key   VARCHAR NOT NULL,          -- size + hash of head and tail, as inputs.input_key
    vendor      VARCHAR NOT NULL,          -- ahrefs, semrush, majestic, moz, gsc
    layout      VARCHAR NOT NULL,          -- registry name; several (comma-separated) for a zip/workbook
    target      VARCHAR,                   -- registrable domain the export is about
    imported_at TIMESTAMP NOT NULL,
    run_id      BIGINT,
    rows        BIGINT,                    -- rows stored
    skipped     BIGINT,                    -- malformed rows skipped
    same_domain BIGINT,                    -- rows whose source and target share a domain (not backlinks)
    status      VARCHAR NOT NULL           -- loading (rows not visible yet), ok, partial (some rows failed)
);

-- One row per backlink row of an export. NULL means the file does not say (unknown), never false.
CREATE TABLE vendor_links (
    import_id            BIGINT NOT NULL,
    vendor               VARCHAR NOT NULL,
    layout               VARCHAR NOT NULL,
    source_url           VARCHAR NOT NULL,  -- normalized
    source_host          VARCHAR NOT NULL,
    source_domain        VARCHAR NOT NULL,
    target_url           VARCHAR,           -- NULL when the export names no target page (GSC)
    target_host          VARCHAR,
    target_domain        VARCHAR,           -- the export's target when it names no page
    source_title         VARCHAR,
    anchor               VARCHAR,           -- NULL unknown, '' empty
    left_context         VARCHAR,
    right_context        VARCHAR,
    nofollow             BOOLEAN,
    ugc                  BOOLEAN,
    sponsored            BOOLEAN,
    type                 VARCHAR,           -- text, image, redirect, frame, form; NULL unknown
    first_seen           TIMESTAMP,
    last_seen            TIMESTAMP,
    lost_at              TIMESTAMP,
    lost                 BOOLEAN,
    http_code            SMALLINT,
    language             VARCHAR,
    sitewide             BOOLEAN,
    external_links       INTEGER,
    internal_links       INTEGER,
    anchor_type          VARCHAR,           -- the vendor's classification (Semrush audit)
    domain_rating        DOUBLE,            -- Ahrefs DR
    url_rating           DOUBLE,            -- Ahrefs UR
    domain_traffic       BIGINT,
    page_traffic         BIGINT,
    is_spam              BOOLEAN,           -- Ahrefs "Is spam"
    page_ascore          DOUBLE,            -- Semrush page Authority Score
    page_trust_score     DOUBLE,            -- Semrush (older layout)
    authority_score      DOUBLE,            -- Semrush domain Authority Score
    toxic_score          DOUBLE,            -- Semrush Backlink Audit
    trust_flow           DOUBLE,            -- Majestic, source page
    citation_flow        DOUBLE,
    target_trust_flow    DOUBLE,
    target_citation_flow DOUBLE,
    domain_authority     DOUBLE,            -- Moz
    page_authority       DOUBLE,
    spam_score           DOUBLE
);

-- Domain-level facts from summary tables (GSC Top linking sites, Semrush/Ahrefs Referring domains).
CREATE TABLE vendor_domains (
    import_id               BIGINT NOT NULL,
    vendor                  VARCHAR NOT NULL,
    layout                  VARCHAR NOT NULL,
    target                  VARCHAR,
    host                    VARCHAR NOT NULL,
    domain                  VARCHAR NOT NULL,
    backlinks               BIGINT,
    linking_pages           BIGINT,
    target_pages            BIGINT,
    links_to_target         BIGINT,
    dofollow_links          BIGINT,
    new_links               BIGINT,
    lost_links              BIGINT,
    dofollow_ref_domains    BIGINT,
    dofollow_linked_domains BIGINT,
    traffic                 BIGINT,
    keywords                BIGINT,
    domain_rating           DOUBLE,
    authority_score         DOUBLE,
    ip                      VARCHAR,
    country                 VARCHAR,
    first_seen              TIMESTAMP,
    last_seen               TIMESTAMP,
    lost_at                 TIMESTAMP,
    is_spam                 BOOLEAN
);

-- Page-level facts about the target's own pages (Semrush Indexed pages, GSC Top linked pages).
CREATE TABLE vendor_pages (
    import_id         BIGINT NOT NULL,
    vendor            VARCHAR NOT NULL,
    layout            VARCHAR NOT NULL,
    target            VARCHAR,
    url               VARCHAR NOT NULL,
    host              VARCHAR NOT NULL,
    domain            VARCHAR NOT NULL,
    title             VARCHAR,
    http_code         SMALLINT,
    backlinks         BIGINT,
    referring_domains BIGINT,
    external_links    BIGINT,
    internal_links    BIGINT,
    last_seen         TIMESTAMP
);

-- Anchor-level facts (Ahrefs Anchors).
CREATE TABLE vendor_anchors (
    import_id         BIGINT NOT NULL,
    vendor            VARCHAR NOT NULL,
    layout            VARCHAR NOT NULL,
    target            VARCHAR,
    anchor            VARCHAR NOT NULL,
    referring_domains BIGINT,
    referring_pages   BIGINT,
    top_domain_rating DOUBLE,
    links_to_target   BIGINT,
    new_links         BIGINT,
    lost_links        BIGINT,
    dofollow_links    BIGINT,
    first_seen        TIMESTAMP,
    lost_at           TIMESTAMP
);
"""

_V5 = """
-- Page facts for the audit: the main text's top words (domain theme) and mailto: addresses (contacts).
ALTER TABLE fetches ADD COLUMN terms VARCHAR[];
ALTER TABLE fetches ADD COLUMN emails VARCHAR[];
"""

_V6 = """
-- Audit projects (seed 003 step 1): one per target registrable domain, with the settings that judge relevance.
CREATE TABLE projects (
    domain      VARCHAR PRIMARY KEY,       -- registrable domain of the audited site
    name        VARCHAR NOT NULL,
    brands      VARCHAR[] NOT NULL,        -- brand names; the domain's own name is always the first
    categories  VARCHAR[] NOT NULL,        -- topics, lowercase
    countries   VARCHAR[] NOT NULL,        -- ISO 3166-1 alpha-2, lowercase
    keywords    VARCHAR[] NOT NULL,        -- money keywords
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- The audit's decisions per project (target domain): whitelist / remove / disavow, at domain or URL scope.
-- Written only by ``linkatlas list`` / ``project``; ingest, import and crawl never touch it.
CREATE TABLE list_entries (
    project   VARCHAR NOT NULL,            -- the project's registrable domain (projects.domain, which may not exist)
    kind      VARCHAR NOT NULL,            -- whitelist, remove, disavow
    scope     VARCHAR NOT NULL,            -- domain, url
    value     VARCHAR NOT NULL,            -- registrable domain (domain scope) or normalized URL (url scope)
    domain    VARCHAR NOT NULL,            -- registrable domain of the value
    note      VARCHAR,
    added_at  TIMESTAMP NOT NULL,
    added_by  VARCHAR,
    PRIMARY KEY (project, scope, value)    -- a domain or URL is on at most one list of a project
);
"""

_V7 = """
-- Derived from fetches and links (metrics/crawled.py), never written by anything else: one row per
-- crawled backlink (distinct source page URL, target URL of another registrable domain) with what its
-- state at any instant is computed from; kept sorted by target so a report reads only its target's rows.
CREATE TABLE crawled_backlinks (
    target_domain   VARCHAR NOT NULL,
    target_host     VARCHAR NOT NULL,
    target_url      VARCHAR NOT NULL,
    source_url      VARCHAR NOT NULL,
    source_host     VARCHAR NOT NULL,
    source_domain   VARCHAR NOT NULL,
    source_title    VARCHAR,               -- of the page's latest successful fetch
    source_ip       VARCHAR,               -- of the page's latest fetch
    source_subnet   VARCHAR,               -- its /24 (IPv4)
    anchor          VARCHAR,               -- the representative element of the latest fetch holding the backlink
    alt             VARCHAR,
    type            VARCHAR,
    follow          BOOLEAN,
    nofollow        BOOLEAN,
    ugc             BOOLEAN,
    sponsored       BOOLEAN,
    robots_nofollow BOOLEAN,
    placement       VARCHAR,
    hidden          BOOLEAN,
    first_seen      TIMESTAMP NOT NULL,
    last_seen       TIMESTAMP NOT NULL,
    status          VARCHAR NOT NULL,      -- live, lost, broken: its state after the page's latest fetch
    changed_at      TIMESTAMP NOT NULL,    -- the fetch that gave it that state (lost: when it was lost)
    before_at       TIMESTAMP,             -- the change before (NULL: none)
    before_status   VARCHAR,
    changes         STRUCT("at" TIMESTAMP, status VARCHAR)[] NOT NULL,  -- every change of state, oldest first
    elements        STRUCT("at" TIMESTAMP, anchor VARCHAR, image BOOLEAN)[] NOT NULL  -- distinct anchors per fetch
);

-- What crawled_backlinks was derived from: one row, replaced with every refresh.
CREATE TABLE crawled_backlinks_state (
    refreshed_at    TIMESTAMP NOT NULL,
    fetches         BIGINT NOT NULL,       -- count(*) of fetches
    max_fetch_id    BIGINT,
    links           BIGINT NOT NULL,       -- count(*) of links
    max_link_fetch  BIGINT,
    sorted_rows     BIGINT NOT NULL        -- rows in target order (later increments are appended)
);
"""

# Versions reserved while capabilities are built side by side: 2 authority (metrics/),
# 3 crawl verification and monitoring (crawl/, monitor/), 4 vendor imports (sources/imports/),
# 5 audit page facts, 6 audit projects and lists, 7 crawled backlinks (metrics/crawled.py).
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "fetches, links, runs, inputs", _V1),
    (2, "domain_authority, authority_state", _V2),
    (3, "verifications, monitors, monitor_states, alerts", _V3),
    (4, "vendor imports: imports, vendor_links, vendor_domains, vendor_pages, vendor_anchors", _V4),
    (5, "fetches.terms, fetches.emails (audit page facts)", _V5),
    (6, "audit projects and lists: projects, list_entries", _V6),
    (7, "crawled_backlinks, crawled_backlinks_state (derived backlink facts)", _V7),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    if not schema_version(con):
        return set()
    return {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Bring the database to ``SCHEMA_VERSION``; returns the version found before.

    Every migration not applied yet runs, in order — also one numbered below the highest
    applied (capabilities built side by side may have reached a database in another order).
    """
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise IndexError_(
            f"{path}: index schema v{found} is newer than this linkatlas (v{SCHEMA_VERSION}) — upgrade linkatlas"
        )
    applied = applied_versions(con)
    for version, description, sql in MIGRATIONS:
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION").fetchall()
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER, description VARCHAR, applied_at TIMESTAMP)"
            ).fetchall()
            con.execute(sql).fetchall()
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, description]
            ).fetchall()
            con.execute("COMMIT").fetchall()
        except Exception:
            con.execute("ROLLBACK").fetchall()
            raise
    return found
