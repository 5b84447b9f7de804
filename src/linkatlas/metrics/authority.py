"""Authority Score: 0–100 per registrable domain, from the domain graph of live follow links.

The graph has one edge per pair of registrable domains (source → target) when some page of
the source, in its latest fetch and that fetch succeeded (2xx/3xx), holds a follow link to
the target (DESIGN §3: no nofollow/ugc/sponsored rel, no robots nofollow on the page);
internal links are left out. On it we run PageRank and harmonic centrality and mix them
into a log-scaled score. A link network cannot vote for itself: domains that share an IPv4
/24 subnet or an analytics/ad account form one *owner group*; links inside a group are
dropped and a group's links to one target count as one vote. docs/authority.md explains it.

The graph is built in DuckDB (dedup, integer ids) and handed to NumPy/SciPy as arrays.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cached_property
from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkatlas.errors import IndexError_
from linkatlas.index.schema import DOMAIN_AUTHORITY_TABLE
from linkatlas.index.store import Index, run_sql
from linkatlas.metrics.graph import harmonic_centrality, pagerank

__all__ = [
    "AuthoritySettings",
    "AuthoritySummary",
    "DomainGraph",
    "compute_authority",
    "ensure_authority",
    "authority_of",
    "authority_is_stale",
    "load_domain_graph",
    "score_graph",
]

COMPONENTS = ("pagerank", "harmonic", "referring_domains", "referring_groups", "outbound_domains",
              "network_size", "discount")


@dataclass(frozen=True)
class AuthoritySettings:
    damping: float = 0.85
    tolerance: float = 1e-9  # L1 change between PageRank iterations
    pagerank_weight: float = 0.7  # the rest of the score is harmonic centrality
    harmonic_pivots: int = 64  # BFS sources sampled when the graph is too big for the exact value
    harmonic_exact_up_to: int = 4096  # domains; at or below this harmonic centrality is exact
    defence: bool = True  # owner groups (shared /24 subnet or analytics id) vote once
    max_subnet_domains: int = 100  # a /24 hosting more domains is shared hosting, not an owner signal
    seed: int = 0


@dataclass
class AuthoritySummary:
    domains: int
    edges: int  # distinct (source domain, target domain) follow pairs
    counted_edges: int  # edges left after the link-network defence
    owner_groups: int  # groups of two or more domains sharing a subnet or analytics id
    grouped_domains: int  # domains in those groups
    pagerank_iterations: int
    harmonic_exact: bool
    harmonic_pivots: int
    seconds: float
    computed_at: datetime
    timings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class DomainGraph:
    domains: pa.Array | pa.ChunkedArray  # domain of node i, in name order
    sources: np.ndarray  # int32 node ids, one entry per distinct follow edge, sorted by target then source
    targets: np.ndarray
    groups: np.ndarray  # owner-group id of each node (0..groups-1)
    timings: dict = field(default_factory=dict)  # seconds: graph_sql (DuckDB), graph_arrays (NumPy)

    @property
    def size(self) -> int:
        return len(self.domains)

    @cached_property
    def names(self) -> list[str]:
        return self.domains.to_pylist()


_LIVE_PAGES = """
CREATE OR REPLACE TEMP TABLE authority_pages AS
SELECT fetch_id, domain, ip, analytics_ids, coalesce(robots_nofollow, false) AS robots_nofollow
FROM fetches
WHERE fetch_id IN (SELECT arg_max(fetch_id, (fetched_at, fetch_id)) FROM fetches GROUP BY url)
  AND status BETWEEN 200 AND 399
"""

_FOLLOW = "l.nofollow IS NOT TRUE AND l.ugc IS NOT TRUE AND l.sponsored IS NOT TRUE"

# The dictionary of candidate nodes, numbered in name order: the targets of follow links and
# the domains of live pages. Those left without an edge or a live page (all of a target's
# links sit on dead or robots-nofollow pages, or inside its own domain) are dropped in NumPy.
_NODES = f"""
CREATE OR REPLACE TEMP TABLE authority_nodes AS
SELECT domain, (row_number() OVER (ORDER BY domain) - 1)::INTEGER AS id
FROM (SELECT l.target_domain AS domain FROM links l WHERE {_FOLLOW} UNION SELECT domain FROM authority_pages)
"""

_PAGES = """
SELECT p.fetch_id::{fetch_type} AS fetch_id, n.id AS node, p.robots_nofollow
FROM authority_pages p JOIN authority_nodes n USING (domain)
"""

# Every follow link as (fetch, target node): the only pass over ``links``, and the only
# string join on it. Which fetch counts, and as which source node, is a NumPy lookup.
_FOLLOW_LINKS = f"""
SELECT l.fetch_id::{{fetch_type}} AS fetch_id, n.id AS target
FROM links l JOIN authority_nodes n ON n.domain = l.target_domain
WHERE {_FOLLOW}
"""

# An owner signal is a /24 subnet (unless shared hosting: too many domains) or an analytics /
# ad account id (a Universal Analytics property UA-NNN-k belongs to account UA-NNN).
_OWNER_KEYS = """
WITH signals AS (
    SELECT DISTINCT domain, 'net' AS kind, ip[:length(ip) - strpos(reverse(ip), '.')] AS value
    FROM authority_pages WHERE ip LIKE '%.%.%.%' AND ip NOT LIKE '%:%'
    UNION
    SELECT domain, 'id', regexp_replace(id, '^(UA-\\d+)-\\d+$', '\\1')
    FROM (SELECT domain, upper(trim(unnest(analytics_ids))) AS id FROM authority_pages WHERE len(analytics_ids) > 0)
    WHERE id <> ''
), shared AS (
    SELECT kind, value FROM signals GROUP BY kind, value
    HAVING count(*) > 1 AND (kind = 'id' OR count(*) <= $max_subnet)
)
SELECT n.id AS node, (dense_rank() OVER (ORDER BY s.kind, s.value) - 1)::INTEGER AS signal
FROM signals s JOIN shared USING (kind, value) JOIN authority_nodes n USING (domain)
"""

_TEMP_TABLES = ("authority_nodes", "authority_pages")


def _numpy(index: Index, sql: str, params=None) -> dict[str, np.ndarray]:
    cursor = index.con.execute(sql, params) if params is not None else index.con.execute(sql)
    return cursor.fetchnumpy()


def load_domain_graph(index: Index, settings: AuthoritySettings = AuthoritySettings()) -> DomainGraph:
    """The domain graph of live follow links, with each domain's owner group.

    Edges come sorted by target, then source: the order PageRank's matrix wants.
    """
    started = time.perf_counter()
    pages, links, names, keys = _graph_rows(index, settings)
    queried = time.perf_counter()
    page_nodes = np.asarray(pages["node"], dtype=np.int32)
    voting = ~np.asarray(pages["robots_nofollow"], dtype=bool)
    sources = _lookup(np.asarray(pages["fetch_id"])[voting], page_nodes[voting], np.asarray(links["fetch_id"]))
    sources, targets = _distinct_edges(sources, np.asarray(links["target"], dtype=np.int32))
    del links
    used = np.zeros(len(names), dtype=bool)
    used[sources] = used[targets] = True
    used[page_nodes] = True
    n = int(used.sum())
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    if n < len(names):
        sources, targets, names = renumber[sources], renumber[targets], names.filter(pa.array(used))
    if keys is None:
        groups = np.arange(n, dtype=np.int32)
    else:
        nodes = np.asarray(keys["node"], dtype=np.int64)
        groups = _owner_groups(n, renumber[nodes], np.asarray(keys["signal"], dtype=np.int64))
    return DomainGraph(names, sources, targets, groups,
                       {"graph_sql": queried - started, "graph_arrays": time.perf_counter() - queried})


def _graph_rows(index: Index, settings: AuthoritySettings) -> tuple[dict, dict, pa.ChunkedArray, dict | None]:
    """Live pages, follow links, node names and owner signals, from DuckDB as arrays."""
    progress_bar, insertion_order, small_ids = index.sql(
        "SELECT current_setting('enable_progress_bar'), current_setting('preserve_insertion_order'), "
        "coalesce((SELECT min(fetch_id) >= -2147483648 AND max(fetch_id) <= 2147483647 FROM fetches), true) "
        "AND coalesce((SELECT min(fetch_id) >= -2147483648 AND max(fetch_id) <= 2147483647 FROM links), true)")[0]
    fetch_type = "INTEGER" if small_ids else "BIGINT"  # half the bytes for the usual ids
    index.sql("SET enable_progress_bar = false")  # DuckDB's own bar would write over our output
    index.sql("SET preserve_insertion_order = false")  # row order is irrelevant here: lets DuckDB skip reordering
    try:
        for statement in (_LIVE_PAGES, _NODES):
            index.sql(statement)
        pages = _numpy(index, _PAGES.format(fetch_type=fetch_type))
        links = _numpy(index, _FOLLOW_LINKS.format(fetch_type=fetch_type))
        names = index.arrow("SELECT domain FROM authority_nodes ORDER BY id").column(0)
        keys = _numpy(index, _OWNER_KEYS, {"max_subnet": settings.max_subnet_domains}) if settings.defence else None
    finally:
        for table in _TEMP_TABLES:
            index.sql(f"DROP TABLE IF EXISTS {table}")
        index.sql(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
        index.sql(f"SET preserve_insertion_order = {'true' if insertion_order else 'false'}")
    return pages, links, names, keys


def _lookup(keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``values[i]`` where ``queries`` equals ``keys[i]`` (distinct keys), -1 where no key does.

    Fetch ids are small dense integers, so a direct-address table is the usual way; ids far
    apart fall back to a binary search.
    """
    if not len(keys) or not len(queries):
        return np.full(len(queries), -1, dtype=np.int32)
    low, high = min(keys.min(), queries.min()), max(keys.max(), queries.max())
    if low >= 0 and high < 4 * (len(keys) + len(queries)) + 2**20:
        table = np.full(int(high) + 1, -1, dtype=np.int32)
        table[keys] = values
        return table[queries]
    order = np.argsort(keys)
    position = np.minimum(np.searchsorted(keys, queries, sorter=order), len(keys) - 1)
    hit = keys[order[position]] == queries
    found = np.full(len(queries), -1, dtype=np.int32)
    found[hit] = values[order[position[hit]]]
    return found


def _distinct_edges(sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One edge per (source, target) pair of different nodes (sources < 0 dropped), sorted by target, then source.

    Each pair is one int64 (target in the high half; a dropped pair is -1 and sorts first),
    so a single NumPy sort orders and deduplicates them; the halves are read back through
    an int32 view.
    """
    pairs = np.left_shift(targets, 32, dtype=np.int64)
    pairs |= sources  # a source of -1 sets every bit: the pair is -1
    pairs[sources == targets] = -1
    pairs.sort()
    pairs = pairs[np.searchsorted(pairs, 0):]
    first = np.ones(len(pairs), dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    halves = pairs[first].view(np.int32).reshape(-1, 2)
    low, high = (0, 1) if sys.byteorder == "little" else (1, 0)
    return np.ascontiguousarray(halves[:, low]), np.ascontiguousarray(halves[:, high])


def _owner_groups(n: int, nodes: np.ndarray, signals: np.ndarray) -> np.ndarray:
    """Connected components of the domain–signal graph: domains sharing any signal, transitively."""
    count = int(signals.max()) + 1 if signals.size else 0
    links = coo_matrix((np.ones(len(nodes), dtype=np.int8), (nodes, n + signals)), shape=(n + count, n + count))
    _, labels = connected_components(links, directed=False)
    _, groups = np.unique(labels[:n], return_inverse=True)
    return groups.astype(np.int32)


@dataclass
class _Votes:
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    referring_domains: np.ndarray
    referring_groups: np.ndarray
    outbound_domains: np.ndarray
    network_size: np.ndarray


def _votes(graph: DomainGraph) -> _Votes:
    """Drop links inside an owner group; a group's links to one target share one vote.

    Only edges from a domain in a group of two or more can change, so only they are looked at.
    """
    n = graph.size
    group_size = np.bincount(graph.groups)
    network_size = group_size[graph.groups]
    sources, targets = graph.sources, graph.targets
    weights = np.ones(len(sources))
    grouped = np.flatnonzero((network_size > 1)[sources])
    if grouped.size:
        source_group = graph.groups[sources[grouped]]
        inside = source_group == graph.groups[targets[grouped]]
        voting = grouped[~inside]
        pair = np.left_shift(source_group[~inside], 32, dtype=np.int64) | targets[voting]
        _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
        weights[voting] = 1.0 / counts[inverse]
        if inside.any():
            kept = np.ones(len(sources), dtype=bool)
            kept[grouped[inside]] = False
            sources, targets, weights = sources[kept], targets[kept], weights[kept]
    return _Votes(
        sources, targets, weights,
        referring_domains=np.bincount(graph.targets, minlength=n),
        referring_groups=np.bincount(targets, weights=weights, minlength=n),
        outbound_domains=np.bincount(graph.sources, minlength=n),
        network_size=network_size,
    )


def _log_scaled(values: np.ndarray) -> np.ndarray:
    """0 at the smallest value, 1 at the largest, linear in log(value) between."""
    low, high = values.min(), values.max()
    if high <= low:
        return np.zeros(len(values))
    return np.log(values / low) / np.log(high / low)


def score_graph(graph: DomainGraph, settings: AuthoritySettings = AuthoritySettings()) -> tuple[pa.Table, dict]:
    """Scores and components of every domain of ``graph`` (no database involved)."""
    n = graph.size
    timings = {}
    votes = _timed(timings, "votes", _votes, graph)
    group_size = votes.network_size.astype(np.float64)
    ranks, iterations = _timed(timings, "pagerank", pagerank, votes.sources, votes.targets, n,
                               weights=votes.weights, out_degree=votes.outbound_domains.astype(np.float64),
                               damping=settings.damping, tolerance=settings.tolerance)
    harmonic = _timed(timings, "harmonic", harmonic_centrality, votes.sources, votes.targets, n,
                      voter_weights=1.0 / group_size, pivots=settings.harmonic_pivots,
                      exact_up_to=settings.harmonic_exact_up_to, seed=settings.seed)
    groups = int(graph.groups.max()) + 1 if n else 0
    harmonic_share = harmonic.values / max(groups, 1)
    score = _score(ranks, harmonic_share, settings.pagerank_weight)
    discount = np.divide(votes.referring_domains - votes.referring_groups, votes.referring_domains,
                         out=np.zeros(n), where=votes.referring_domains > 0)
    table = pa.table({
        "domain": graph.domains,
        "authority_score": pa.array(score, pa.int16()),
        "pagerank": ranks,
        "harmonic": harmonic_share,
        "referring_domains": votes.referring_domains.astype(np.int32),
        "referring_groups": np.round(votes.referring_groups, 6),
        "outbound_domains": votes.outbound_domains.astype(np.int32),
        "network_size": votes.network_size.astype(np.int32),
        "discount": np.round(np.clip(discount, 0.0, 1.0), 6),
    })
    facts = {"counted_edges": len(votes.sources), "pagerank_iterations": iterations,
             "harmonic_exact": harmonic.exact, "harmonic_pivots": harmonic.pivots,
             "owner_groups": int((np.bincount(graph.groups) > 1).sum()) if n else 0,
             "grouped_domains": int((votes.network_size > 1).sum()), "timings": timings}
    return table, facts


def _timed(timings: dict, name: str, function, *args, **kwargs):
    started = time.perf_counter()
    try:
        return function(*args, **kwargs)
    finally:
        timings[name] = time.perf_counter() - started


def _score(ranks: np.ndarray, harmonic_share: np.ndarray, pagerank_weight: float) -> np.ndarray:
    if ranks.size == 0:
        return np.zeros(0, dtype=np.int16)
    top = harmonic_share.max()
    harmonic_scaled = harmonic_share / top if top > 0 else np.zeros(len(ranks))
    mixed = pagerank_weight * _log_scaled(ranks) + (1.0 - pagerank_weight) * harmonic_scaled
    return np.clip(np.rint(100.0 * mixed), 0, 100).astype(np.int16)


def _stored_state(index: Index) -> tuple | None:
    rows = index.sql("SELECT fetches, max_fetch_id, links, max_link_fetch FROM authority_state LIMIT 1")
    return tuple(rows[0]) if rows else None


def authority_is_stale(index: Index) -> bool:
    """True when the index changed (or nothing was computed) since the scores were stored."""
    return _stored_state(index) != index.fingerprint()


def compute_authority(index: Index, *, progress: bool | None = False,
                      settings: AuthoritySettings = AuthoritySettings()) -> AuthoritySummary:
    """Build the domain graph, score it and replace ``domain_authority`` in one transaction."""
    started = time.perf_counter()
    stage = _Stages(progress)
    state = index.fingerprint()
    with _plain_pages():
        stage("domain graph")
        graph = load_domain_graph(index, settings)
        stage("PageRank and harmonic centrality")
        table, facts = score_graph(graph, settings)
    stage("storing scores")
    computed_at = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    store_started = time.perf_counter()
    summary = AuthoritySummary(
        domains=graph.size, edges=len(graph.sources), counted_edges=facts["counted_edges"],
        owner_groups=facts["owner_groups"], grouped_domains=facts["grouped_domains"],
        pagerank_iterations=facts["pagerank_iterations"], harmonic_exact=facts["harmonic_exact"],
        harmonic_pivots=facts["harmonic_pivots"], seconds=0.0, computed_at=computed_at,
        timings={**graph.timings, **facts["timings"]},
    )
    _store(index, table, state, summary, settings)
    summary.timings["store"] = time.perf_counter() - store_started
    summary.seconds = time.perf_counter() - started
    run_sql(index.con, "UPDATE authority_state SET seconds = ?", [summary.seconds])
    stage.close()
    return summary


@contextmanager
def _plain_pages():
    """Keep NumPy from asking Linux for transparent huge pages while the graph is scored.

    NumPy marks every array of 4 MB or more MADV_HUGEPAGE. Where the kernel then compacts
    memory to fill such a page on first touch (THP ``defrag=madvise``, the default of many
    distributions and VMs), writing a fresh array costs several times as much as with plain
    pages. This computation fills about a gigabyte of short-lived arrays on 10 M links, and
    mostly streams through them, so plain pages are faster: about 15 % less CPU on the bench.
    NumPy's switch is process-wide; it is restored on the way out.
    """
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # NumPy 1.x
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            _set_madvise_hugepage = None
    if _set_madvise_hugepage is None:
        yield
        return
    previous = _set_madvise_hugepage(False)
    try:
        yield
    finally:
        _set_madvise_hugepage(previous)


def _store(index: Index, table: pa.Table, state: tuple, summary: AuthoritySummary,
           settings: AuthoritySettings) -> None:
    con = index.con
    con.register("authority_scores", table)
    try:
        run_sql(con, "BEGIN TRANSACTION")
        run_sql(con, "DROP TABLE domain_authority")
        run_sql(con, DOMAIN_AUTHORITY_TABLE)
        run_sql(con, f"INSERT INTO domain_authority (domain, authority_score, {', '.join(COMPONENTS)}, computed_at) "
                     f"SELECT domain, authority_score, {', '.join(COMPONENTS)}, $at FROM authority_scores",
                {"at": summary.computed_at})
        run_sql(con, "DELETE FROM authority_state")
        run_sql(con, "INSERT INTO authority_state VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                [summary.computed_at, *state, summary.domains, summary.edges, json.dumps(asdict(settings))])
        run_sql(con, "COMMIT")
    except duckdb.Error as error:
        _rollback(con)
        if "read-only" in str(error).lower():
            raise IndexError_(f"{index.path}: opened read-only, cannot store authority scores — "
                              "run `linkatlas authority compute` on it first") from None
        raise
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.unregister("authority_scores")


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        run_sql(con, "ROLLBACK")
    except duckdb.Error:
        pass


def ensure_authority(index: Index, settings: AuthoritySettings = AuthoritySettings()) -> bool:
    """Recompute the scores if the index changed since they were stored; True if it did."""
    if not authority_is_stale(index):
        return False
    compute_authority(index, settings=settings)
    return True


def authority_of(index: Index, domains: list[str]) -> list[dict]:
    """Score and components of each domain asked for, in the order asked.

    A host or URL is reduced to its registrable domain. A domain the graph does not hold
    (no live page crawled, no follow link to it) gets ``authority_score`` 0, ``known``
    False and null components.
    """
    from linkatlas.extract.domains import domain_of

    wanted = [_domain_of_input(value, domain_of) for value in domains]
    found = {}
    if wanted:
        rows = index.rows(
            f"SELECT domain, authority_score, {', '.join(COMPONENTS)}, computed_at FROM domain_authority "
            "WHERE domain IN (SELECT unnest($wanted))", {"wanted": wanted})
        found = {row["domain"]: row for row in rows}
    return [{**found[domain], "known": True} if domain in found else _unknown(domain) for domain in wanted]


def _domain_of_input(value: str, domain_of) -> str:
    host = value.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return domain_of(host.rstrip(".")) if host else value.strip().lower()


def _unknown(domain: str) -> dict:
    return {"domain": domain, "authority_score": 0, **{name: None for name in COMPONENTS},
            "computed_at": None, "known": False}


class _Stages:
    """A progress bar over the stages of a computation (only when asked, or on a terminal)."""

    def __init__(self, progress: bool | None) -> None:
        import sys

        enabled = sys.stderr.isatty() if progress is None else progress
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=3, desc="authority", unit="stage", file=sys.stderr)
        self.started = False

    def __call__(self, name: str) -> None:
        if self.bar is None:
            return
        if self.started:
            self.bar.update(1)
        self.started = True
        self.bar.set_postfix_str(name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.close()
