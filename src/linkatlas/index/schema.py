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

# Versions reserved while capabilities are built side by side: 2 authority (metrics/),
# 3 crawl verification and monitoring (crawl/, monitor/), 4 vendor imports (sources/imports/).
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "fetches, links, runs, inputs", _V1),
    (2, "domain_authority, authority_state", _V2),
    (3, "verifications, monitors, monitor_states, alerts", _V3),
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
