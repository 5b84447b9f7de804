"""Authority Score: PageRank and harmonic centrality checked against independent computations,
follow-only live edges, the link-network defence, staleness and the CLI — on real WARC files
ingested into a real DuckDB index."""

from __future__ import annotations

import json
import random
import re
import statistics
from datetime import datetime, timezone
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner

from linkatlas.cli.main import cli
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest
from linkatlas.metrics.authority import (
    AuthoritySettings,
    authority_of,
    compute_authority,
    ensure_authority,
    load_domain_graph,
)
from linkatlas.metrics.graph import harmonic_centrality, pagerank
from linkatlas.sources.warcwriter import WarcWriter

FIRST = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)
SECOND = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


# --- independent references -----------------------------------------------------------------

def dense_pagerank(edges, n, damping=0.85, weights=None, out_degree=None):
    """Solve the PageRank fixed point as a dense linear system (no iteration, no sparse code).

    x = d·W·x + (1 - d·Σ(W·x)) / n, with W[t, s] = weight / out_degree(s): whatever a node
    does not deliver along its links is spread uniformly, like the teleport.
    """
    degree = np.zeros(n) if out_degree is None else np.asarray(out_degree, dtype=float)
    if out_degree is None:
        for s, _ in edges:
            degree[s] += 1
    matrix = np.zeros((n, n))
    for i, (s, t) in enumerate(edges):
        matrix[t, s] += (1.0 if weights is None else weights[i]) / degree[s]
    system = np.eye(n) - damping * matrix + damping / n * np.ones((n, 1)) @ matrix.sum(axis=0, keepdims=True)
    return np.linalg.solve(system, np.full(n, 1.0 / n))


def bfs_harmonic(edges, n, voter_weights=None):
    """Σ_u w(u) / d(u, v) by a plain breadth-first search from every node."""
    out = [[] for _ in range(n)]
    for s, t in edges:
        out[s].append(t)
    totals = [0.0] * n
    for source in range(n):
        seen, frontier, level = {source}, [source], 0
        while frontier:
            level += 1
            following = []
            for node in frontier:
                for neighbour in out[node]:
                    if neighbour not in seen:
                        seen.add(neighbour)
                        following.append(neighbour)
                        totals[neighbour] += (1.0 if voter_weights is None else voter_weights[source]) / level
            frontier = following
    return np.array(totals)


def random_graph(n, m, seed, chain=0):
    """Distinct random edges without self-loops, plus an optional long chain (deep BFS levels)."""
    rng = random.Random(seed)
    edges = {(rng.randrange(n), rng.randrange(n)) for _ in range(m)}
    edges |= {(i, i + 1) for i in range(n - chain, n - 1)}
    return sorted((s, t) for s, t in edges if s != t)


def arrays(edges):
    return np.array([s for s, _ in edges]), np.array([t for _, t in edges])


# --- PageRank and harmonic centrality ---------------------------------------------------------

def test_pagerank_of_a_star_equals_the_hand_computed_fractions():
    # two leaves link to a dangling centre: x_leaf = (1-d)/3 + d·x_c/3 and x_c = 1 - 2·x_leaf,
    # so x_leaf = 1/(3 + 2d) = 10/47 and x_c = 27/47 for d = 0.85
    scores, _ = pagerank(np.array([0, 1]), np.array([2, 2]), 3, tolerance=1e-15)
    assert scores == pytest.approx([10 / 47, 10 / 47, 27 / 47], abs=1e-12)
    assert float(Fraction(10, 47) * 2 + Fraction(27, 47)) == 1.0


def test_pagerank_of_a_two_cycle_with_a_tail_equals_the_hand_computed_fractions():
    # 0 <-> 1 and 2 -> 0 (2 has no in-links, nobody is dangling): x2 = (1-d)/3,
    # x1 = (1-d)/3 + d·x0 and x0 = (1-d)/3 + d·(x1 + x2), solved in exact fractions
    d = Fraction(17, 20)
    base = (1 - d) / 3
    x2 = base
    x0 = (base + d * (base + x2)) / (1 - d * d)
    x1 = base + d * x0
    scores, _ = pagerank(np.array([0, 1, 2]), np.array([1, 0, 0]), 3, tolerance=1e-15)
    assert scores == pytest.approx([float(x0), float(x1), float(x2)], abs=1e-12)


def test_pagerank_with_dangling_nodes_and_vote_weights_matches_a_dense_solve():
    n = 60
    edges = random_graph(n, 200, seed=3)
    rng = random.Random(4)
    weights = [rng.choice((1.0, 0.5, 1 / 3)) for _ in edges]
    degree = np.bincount([s for s, _ in edges], minlength=n) + np.array([rng.randrange(3) for _ in range(n)])
    sources, targets = arrays(edges)
    scores, _ = pagerank(sources, targets, n, weights=np.array(weights), out_degree=degree.astype(float),
                         tolerance=1e-14)
    expected = dense_pagerank(edges, n, weights=weights, out_degree=degree)
    assert np.abs(scores - expected).max() < 1e-12
    assert scores.sum() == pytest.approx(1.0, abs=1e-12)


def test_pagerank_matches_networkx():
    nx = pytest.importorskip("networkx")
    n = 400
    edges = random_graph(n, 2500, seed=5)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    expected = nx.pagerank(graph, alpha=0.85, tol=1e-14, max_iter=1000)
    scores, _ = pagerank(*arrays(edges), n, tolerance=1e-14)
    assert max(abs(scores[node] - value) for node, value in expected.items()) < 1e-11


def test_exact_harmonic_centrality_matches_breadth_first_search_and_networkx():
    n = 300  # five 64-source sweeps; the chain forces deep levels with tiny frontiers (push mode)
    edges = random_graph(n, 700, seed=6, chain=80)
    result = harmonic_centrality(*arrays(edges), n)
    assert result.exact and result.pivots == len({s for s, _ in edges})
    assert np.abs(result.values - bfs_harmonic(edges, n)).max() < 1e-9
    nx = pytest.importorskip("networkx")
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(range(n))
    reference = nx.harmonic_centrality(graph)  # distances *to* each node, like ours
    assert max(abs(result.values[node] - value) for node, value in reference.items()) < 1e-9


def test_harmonic_centrality_weights_each_voter():
    n = 120
    edges = random_graph(n, 360, seed=7)
    weights = np.array([1 / (1 + i % 4) for i in range(n)])
    result = harmonic_centrality(*arrays(edges), n, voter_weights=weights)
    assert np.abs(result.values - bfs_harmonic(edges, n, weights)).max() < 1e-9


def test_sampled_harmonic_centrality_is_an_unbiased_estimate():
    n = 2000
    edges = random_graph(n, 8000, seed=8)
    sources, targets = arrays(edges)
    exact = harmonic_centrality(sources, targets, n).values
    runs = [harmonic_centrality(sources, targets, n, pivots=128, exact_up_to=0, seed=seed) for seed in range(12)]
    assert not runs[0].exact and runs[0].pivots == 128
    single = runs[0].values
    assert np.corrcoef(single, exact)[0, 1] > 0.97
    assert np.median(np.abs(single - exact) / exact.mean()) < 0.1
    mean = np.mean([run.values for run in runs], axis=0)
    assert abs(mean.sum() / exact.sum() - 1) < 0.02  # no bias: the estimates average to the truth


def test_edge_order_does_not_change_pagerank_or_harmonic_centrality():
    # edges sorted by target become the matrices without a copy; any other order goes through
    # SciPy's COO→CSR; a repeated edge counts twice in PageRank either way (an extra link)
    n = 150
    edges = random_graph(n, 600, seed=9, chain=30)
    with_repeat = edges + edges[:7]
    expected_ranks = dense_pagerank(with_repeat, n)
    expected_harmonic = bfs_harmonic(edges, n)
    by_target = sorted(with_repeat, key=lambda edge: (edge[1], edge[0]))
    shuffled = random.Random(10).sample(with_repeat, len(with_repeat))
    for order in (with_repeat, by_target, shuffled):
        scores, _ = pagerank(*arrays(order), n, tolerance=1e-14)
        assert np.abs(scores - expected_ranks).max() < 1e-12
        assert np.abs(harmonic_centrality(*arrays(order), n).values - expected_harmonic).max() < 1e-9


# --- real indexes from WARC files ----------------------------------------------------------------

def page(html_links="", *, title="page", head=""):
    return f"<html><head><title>{title}</title>{head}</head><body><p>Text.</p>{html_links}</body></html>".encode()


def anchors(urls, rel=None):
    rel_attr = f' rel="{rel}"' if rel else ""
    return "".join(f'<a href="{url}"{rel_attr}>link {i}</a> ' for i, url in enumerate(urls))


def write_warc(path, responses):
    """responses: (url, when, ip, status, body, extra headers)."""
    with WarcWriter(path) as warc:
        for number, (url, when, ip, status, body, headers) in enumerate(responses):
            content = [("Content-Type", "text/html; charset=utf-8"), *headers]
            warc.write_response(url, when, ip=ip, status=status, reason="OK" if status < 300 else "Other",
                                headers=content, body=body, record_id=f"<urn:uuid:00000000-0000-0000-0000-{number:012d}>")
    return path


def ingested(folder, responses, *, keep_internal=True):
    db = folder / "index.duckdb"
    with open_index(db) as index:
        summary = ingest(index, [write_warc(folder / "web.warc.gz", responses)], keep_internal=keep_internal)
        assert summary.errors == 0
    return db


def follow_rules_web():
    """Every kind of link once; only FOLLOW_EDGES may count (d.com's page is now 404, e.com
    dropped its t8 link, f.com redirects to t9, a.com's internal links stay internal)."""
    return [
        ("https://a.com/", SECOND, "10.0.1.1", 200, page(
            anchors(["https://t1.com/"]) + anchors(["https://t2.com/"], "nofollow")
            + anchors(["https://t3.com/"], "ugc") + anchors(["https://t4.com/"], "sponsored noopener")
            + anchors(["https://a.com/about", "https://blog.a.com/"])), ()),
        ("https://b.com/", SECOND, "10.0.2.1", 200,
         page(anchors(["https://t5.com/"]), head='<meta name="robots" content="index, nofollow">'), ()),
        ("https://c.com/", SECOND, "10.0.3.1", 200, page(anchors(["https://t6.com/"])), (("X-Robots-Tag", "nofollow"),)),
        ("https://d.com/gone", FIRST, "10.0.4.1", 200, page(anchors(["https://t7.com/"])), ()),
        ("https://d.com/gone", SECOND, "10.0.4.1", 404, b"<html>Not found</html>", ()),
        ("https://e.com/post", FIRST, "10.0.5.1", 200, page(anchors(["https://t8.com/", "https://t1.com/x"])), ()),
        ("https://e.com/post", SECOND, "10.0.5.1", 200, page(anchors(["https://t1.com/x"])), ()),
        ("https://f.com/old", SECOND, "10.0.6.1", 301, b"", (("Location", "https://t9.com/new"),)),
    ]


# The graph this web must give: live follow links between different registrable domains only.
FOLLOW_EDGES = {("a.com", "t1.com"), ("e.com", "t1.com"), ("f.com", "t9.com")}


@pytest.fixture
def follow_db(tmp_path):
    return ingested(tmp_path, follow_rules_web())


def test_only_live_follow_links_between_domains_make_edges(follow_db):
    with open_index(follow_db) as index:
        assert index.sql("SELECT count(*) FROM links WHERE source_domain = target_domain")[0][0] == 2
        graph = load_domain_graph(index)
        edges = {(graph.names[s], graph.names[t]) for s, t in zip(graph.sources, graph.targets)}
        assert edges == FOLLOW_EDGES
        compute_authority(index)
        rows = {row["domain"]: row for row in authority_of(
            index, ["t1.com", "t2.com", "t3.com", "t4.com", "t5.com", "t6.com", "t7.com", "t8.com", "t9.com", "a.com"])}
    assert (rows["t1.com"]["referring_domains"], rows["t9.com"]["referring_domains"]) == (2, 1)
    for unlinked in ("t2.com", "t3.com", "t4.com", "t5.com", "t6.com", "t7.com", "t8.com"):
        assert rows[unlinked] | {"computed_at": None} == {
            "domain": unlinked, "authority_score": 0, "pagerank": None, "harmonic": None, "referring_domains": None,
            "referring_groups": None, "outbound_domains": None, "network_size": None, "discount": None,
            "computed_at": None, "known": False}
    assert (rows["a.com"]["referring_domains"], rows["a.com"]["outbound_domains"], rows["a.com"]["known"]) == (0, 1, True)
    assert rows["t1.com"]["authority_score"] == 100 and rows["a.com"]["authority_score"] == 0


def test_pagerank_stored_for_the_follow_web_matches_a_dense_solve(follow_db):
    # nodes: the crawled domains whose latest fetch succeeded, plus every edge end
    names = sorted({"a.com", "b.com", "c.com", "e.com", "f.com"} | {d for edge in FOLLOW_EDGES for d in edge})
    position = {name: i for i, name in enumerate(names)}
    expected = dense_pagerank([(position[s], position[t]) for s, t in sorted(FOLLOW_EDGES)], len(names))
    with open_index(follow_db) as index:
        compute_authority(index)
        rows = authority_of(index, names)
    assert [row["known"] for row in rows] == [True] * len(names)
    assert [row["pagerank"] for row in rows] == pytest.approx(list(expected), abs=1e-9)


def test_ensure_authority_recomputes_only_after_the_index_changed(tmp_path):
    db = ingested(tmp_path, follow_rules_web())
    with open_index(db) as index:
        assert ensure_authority(index) is True
        first = index.sql("SELECT computed_at, fetches, links FROM authority_state")
        assert ensure_authority(index) is False
        assert index.sql("SELECT computed_at, fetches, links FROM authority_state") == first
        assert authority_of(index, ["t10.com"])[0]["known"] is False
        later = [("https://g.com/", SECOND, "10.0.7.1", 200, page(anchors(["https://t10.com/", "https://t1.com/"])), ())]
        ingest(index, [write_warc(tmp_path / "later.warc.gz", later)])
        assert ensure_authority(index) is True
        assert ensure_authority(index) is False
        rows = authority_of(index, ["t10.com", "t1.com"])
    assert [(row["known"], row["referring_domains"]) for row in rows] == [(True, 1), (True, 3)]


def test_fetch_ids_beyond_32_bits_and_far_apart_give_the_same_graph(follow_db):
    # ids past int32 are read as BIGINT; ids too sparse for a direct-address table are looked up by binary search
    with open_index(follow_db) as index:
        index.sql("UPDATE fetches SET fetch_id = fetch_id * 1000003 + 5000000000")
        index.sql("UPDATE links SET fetch_id = fetch_id * 1000003 + 5000000000")
        assert index.sql("SELECT min(fetch_id) FROM links")[0][0] > 2**32
        graph = load_domain_graph(index)
        assert {(graph.names[s], graph.names[t]) for s, t in zip(graph.sources, graph.targets)} == FOLLOW_EDGES
        assert compute_authority(index).edges == len(FOLLOW_EDGES)


def test_compute_authority_restores_numpy_huge_page_setting(follow_db):
    from numpy._core.multiarray import _set_madvise_hugepage

    original = _set_madvise_hugepage(True)
    try:
        with open_index(follow_db) as index:
            for setting in (True, False):
                _set_madvise_hugepage(setting)
                compute_authority(index)
                assert _set_madvise_hugepage(setting) is setting
    finally:
        _set_madvise_hugepage(original)


# --- the link-network defence on a generated web -------------------------------------------------

def network_web(seed=11):
    """Publishers, niche blogs and a 20-domain link network that links to itself and a money site.

    Twelve network members share one /24; eight sit on other subnets but share an analytics id
    with the first twelve. Every member links to every other member and to money.com.
    """
    rng = random.Random(seed)
    publishers = [f"publisher{i}.com" for i in range(6)]
    blogs = [f"blog{i}.net" for i in range(30)]
    network = [f"pbn{i}.org" for i in range(20)]
    links = {site: set() for site in publishers + blogs + network}
    for number, blog in enumerate(blogs):  # a ring, so that every blog has a referring blog
        others = [b for b in blogs if b != blog]
        links[blog] |= set(rng.sample(publishers, 3)) | set(rng.sample(others, 2)) | {blogs[number - 1]}
    for publisher in publishers:
        links[publisher] |= set(rng.sample([p for p in publishers if p != publisher], 2)) | {rng.choice(blogs)}
    for member in network:
        links[member] |= {other for other in network if other != member} | {"money.com"}
    ips = {site: f"20.{i // 200}.{i % 200}.5" for i, site in enumerate(publishers + blogs)}
    ips |= {member: f"66.6.6.{10 + i}" if i < 12 else f"77.{i}.{i}.9" for i, member in enumerate(network)}
    tracking = '<script>ga("create", "UA-7777777-1", "auto");</script>'
    responses = []
    for site, targets in links.items():
        head = tracking if site in network else ""
        body = page(anchors([f"https://{target}/" for target in sorted(targets)]), head=head)
        responses.append((f"https://{site}/", SECOND, ips[site], 200, body, ()))
    return responses, publishers, blogs, network


@pytest.fixture(scope="module")
def network_db(tmp_path_factory):
    responses, publishers, blogs, network = network_web()
    return ingested(tmp_path_factory.mktemp("network"), responses), publishers, blogs, network


def scores(db, settings, domains):
    with open_index(db) as index:
        compute_authority(index, settings=settings)
        return {row["domain"]: row for row in authority_of(index, domains)}


def test_a_link_network_cannot_lift_itself_above_real_sites(network_db):
    db, publishers, blogs, network = network_db
    undefended = scores(db, AuthoritySettings(defence=False), publishers + blogs + network + ["money.com"])
    defended = scores(db, AuthoritySettings(), publishers + blogs + network + ["money.com"])

    def median(rows, sites):
        return statistics.median(rows[site]["authority_score"] for site in sites)

    # the threat is real: without the defence the network outranks most blogs and lifts money.com
    blog_scores = sorted(undefended[blog]["authority_score"] for blog in blogs)
    assert min(undefended[m]["authority_score"] for m in network) > blog_scores[len(blogs) * 3 // 4]
    # with it, every member sits below every blog, and blogs below publishers
    assert max(defended[m]["authority_score"] for m in network) < min(defended[b]["authority_score"] for b in blogs)
    assert min(defended[p]["authority_score"] for p in publishers) > median(defended, blogs)
    for member in network:
        assert (defended[member]["network_size"], defended[member]["referring_domains"],
                defended[member]["referring_groups"], defended[member]["discount"]) == (20, 19, 0, 1)
    money = defended["money.com"]
    assert (money["referring_domains"], money["referring_groups"], money["discount"]) == (20, 1.0, 0.95)
    assert undefended["money.com"]["authority_score"] > median(undefended, blogs)
    assert money["authority_score"] < min(defended[blog]["authority_score"] for blog in blogs)


def test_domain_graph_of_the_network_web_is_its_links_once_each_sorted_by_target(network_db):
    db, publishers, blogs, network = network_db
    responses, *_ = network_web()
    expected = {(url.split("/")[2], href.split("/")[2]) for url, _, _, _, body, _ in responses
                for href in re.findall(r'href="([^"]+)"', body.decode())}
    with open_index(db) as index:
        graph = load_domain_graph(index)
    pairs = [(int(t), int(s)) for s, t in zip(graph.sources, graph.targets)]
    assert pairs == sorted(set(pairs))  # distinct, ordered by target then source
    assert {(graph.names[s], graph.names[t]) for t, s in pairs} == expected
    assert graph.names == sorted(graph.names) and len(graph.names) == len(publishers + blogs + network) + 1


# --- the sample web: publishers above niche blogs above the PBN -----------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from linkatlas.sample import generate, write_warcs

    web = generate(seed=7)
    folder = tmp_path_factory.mktemp("authority-sample")
    write_warcs(web, folder / "archives")
    db = folder / "index.duckdb"
    with open_index(db) as index:
        ingest(index, [folder / "archives"])
        compute_authority(index)
        rows = {row["domain"]: row for row in index.rows("SELECT * FROM domain_authority")}
    return web, db, rows


def test_sample_web_orders_publishers_above_blogs_above_the_pbn(sample):
    web, _, rows = sample

    def scores_of(kind, pattern):
        return [rows[d]["authority_score"] for d, site in web.sites.items()
                if site.kind == kind and site.labels.get("pattern") == pattern]

    publishers, blogs, pbn = scores_of("publisher", "natural"), scores_of("blog", "natural"), scores_of("blog", "pbn")
    assert len(publishers) >= 10 and len(blogs) >= 40 and len(pbn) >= 5
    assert statistics.median(publishers) > statistics.median(blogs) > max(pbn)
    assert min(publishers) > statistics.median(blogs)
    assert max(pbn) < min(blogs)


def test_sample_pbn_is_one_owner_group_and_its_votes_collapse(sample):
    web, _, rows = sample
    pbn = [d for d, site in web.sites.items() if site.labels.get("pattern") == "pbn"]
    assert {rows[d]["network_size"] for d in pbn} == {len(pbn)}
    assert all(rows[d]["discount"] == 1.0 and rows[d]["referring_groups"] == 0 for d in pbn)


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_compute_and_show_json(follow_db):
    runner = CliRunner()
    result = runner.invoke(cli, ["authority", "compute", "--db", str(follow_db), "--format", "json"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # nodes: a, b, c, e, f (latest fetch succeeded) + t1, t9 (edge ends); d.com's page is now 404
    assert (summary["domains"], summary["edges"], summary["counted_edges"]) == (7, 3, 3)
    assert summary["harmonic_exact"] is True

    result = runner.invoke(cli, ["authority", "t1.com", "https://www.t9.com/new", "nowhere.org",
                                 "--db", str(follow_db), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    names = ["a.com", "b.com", "c.com", "e.com", "f.com", "t1.com", "t9.com"]
    expected = dense_pagerank([(0, 5), (3, 5), (4, 6)], len(names))
    assert [row["domain"] for row in shown] == ["t1.com", "t9.com", "nowhere.org"]
    assert [row["pagerank"] for row in shown[:2]] == pytest.approx([expected[5], expected[6]], abs=1e-9)
    assert [(row["referring_domains"], row["outbound_domains"], row["known"]) for row in shown] == [
        (2, 0, True), (1, 0, True), (None, None, False)]
    # harmonic share: t1 is one link from a and e, t9 one from f; 7 singleton owner groups
    assert [row["harmonic"] for row in shown[:2]] == pytest.approx([2 / 7, 1 / 7])
    assert shown[0]["authority_score"] == 100 and shown[2]["authority_score"] == 0
    assert "nowhere.org: not in the domain graph" in result.stderr


def test_cli_help_has_examples_and_missing_index_is_one_line(tmp_path):
    runner = CliRunner()
    for args in (["authority", "--help"], ["authority", "compute", "--help"], ["authority", "show", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0 and "Example" in result.output
    result = runner.invoke(cli, ["authority", "example.com", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no linkatlas index here" in result.stderr
