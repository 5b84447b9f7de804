"""The crawler against a real loopback web of many hosts (no internet)."""

from __future__ import annotations

import gzip

import pytest

from crawlweb import (TLS_DATA, LoopbackWeb, Proxy, TlsSite, calendar, drip, flaky, gzip_bomb, huge, page, session_trap,
                      slow_headers)
from linkatlas.crawl import CrawlPolicy, TrapPolicy, crawl, is_public_address
from linkatlas.crawl.policy import parse_duration, parse_resolve
from linkatlas.errors import UsageError
from linkatlas.index.store import open_index
from linkatlas.ingest import ingest

FAST = dict(allow_private=True, delay=0.0, backoff=0.05, connect_timeout=2, read_timeout=2, total_timeout=3)


@pytest.fixture
def web():
    server = LoopbackWeb()
    yield server
    server.stop()


def policy(web, **changes) -> CrawlPolicy:
    return CrawlPolicy(resolve=web.resolve(), **{**FAST, **changes})


def fetch_rows(index):
    return {row["url"]: row for row in index.rows("SELECT * FROM fetches ORDER BY fetch_id")}


def build_site(web: LoopbackWeb) -> None:
    web.start()
    a, b = web.base("alpha.test"), web.base("beta.test")
    web.robots("alpha.test", "User-agent: *\nDisallow: /private\nCrawl-delay: 0.2\n")
    web.html("alpha.test", "/", page("Alpha", [
        f"{a}/about", f"{a}/private/secret", f"{b}/", (f"{web.base('gamma.test')}/p", "Gamma", "nofollow"),
        f"{a}/gone", f"{a}/moved", "mailto:x@alpha.test",
    ]))
    web.html("alpha.test", "/about", page("About", [f"{a}/", (f"{b}/b", "Beta B")]))
    web.raw("alpha.test", "/moved", 301, {"Location": "/moved-here"})
    web.html("alpha.test", "/moved-here", page("Moved", []))
    web.html("beta.test", "/", page("Beta", []))


def test_site_crawl_is_polite_and_stores_what_it_saw(web, db_path):
    build_site(web)
    a = web.base("alpha.test")
    with open_index(db_path) as index:
        summary = crawl(index, [f"{a}/"], mode="site", policy=policy(web))
        fetches = fetch_rows(index)
        links = index.rows("SELECT source_url, target_url, anchor, nofollow, type FROM links ORDER BY source_url, ordinal")
    assert summary.status == "ok" and summary.errors == 0
    # robots.txt read first and obeyed; beta.test is another site: not crawled in site mode
    assert [r.path for r in web.requests("alpha.test")][0] == "/robots.txt"
    assert not web.requests("alpha.test", "/private/secret") and not web.requests("beta.test")
    assert summary.counters["crawl/robots/disallowed"] == 1
    # crawl-delay 0.2 s between requests to the host, one at a time
    starts = [r.started for r in web.requests("alpha.test")]
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.19
    assert web.peak["alpha.test"] == 1
    assert all(r.agent.startswith("linkatlas/") for r in web.log)
    assert set(fetches) == {f"{a}/", f"{a}/about", f"{a}/gone", f"{a}/moved", f"{a}/moved-here"}
    assert {row["origin"] for row in fetches.values()} == {"crawl"}
    assert {row["ip"] for row in fetches.values()} == {"127.0.0.1"}
    assert fetches[f"{a}/gone"]["status"] == 404
    assert (fetches[f"{a}/moved"]["status"], fetches[f"{a}/moved"]["redirect_to"]) == (301, f"{a}/moved-here")
    assert fetches[f"{a}/"]["title"] == "Alpha" and fetches[f"{a}/"]["external_links"] == 2
    # only external links stored (internal ones counted); the redirect is internal here
    assert links == [
        {"source_url": f"{a}/", "target_url": f"{web.base('beta.test')}/", "anchor": "link", "nofollow": False, "type": "text"},
        {"source_url": f"{a}/", "target_url": f"{web.base('gamma.test')}/p", "anchor": "Gamma", "nofollow": True, "type": "text"},
        {"source_url": f"{a}/about", "target_url": f"{web.base('beta.test')}/b", "anchor": "Beta B", "nofollow": False, "type": "text"},
    ]
    runs = index_runs(db_path)
    assert runs == [("crawl", "ok")]


def index_runs(db_path):
    with open_index(db_path) as index:
        return index.sql("SELECT kind, status FROM runs ORDER BY run_id")


def test_redirects_are_links_and_loops_end(web, db_path):
    web.start()
    a, b = web.base("alpha.test"), web.base("beta.test")
    web.raw("alpha.test", "/loop1", 302, {"Location": "/loop2"})
    web.raw("alpha.test", "/loop2", 302, {"Location": "/loop1"})
    web.raw("alpha.test", "/out", 301, {"Location": f"{b}/landing"})
    web.html("beta.test", "/landing", page("Landing", []))
    with open_index(db_path) as index:
        summary = crawl(index, [f"{a}/loop1", f"{a}/out"], mode="urls", policy=policy(web, robots=False))
        fetches = fetch_rows(index)
        links = index.rows("SELECT source_url, target_url, type FROM links ORDER BY source_url")
    assert summary.status == "ok"
    assert len(web.requests("alpha.test", "/loop1")) == 1 and len(web.requests("alpha.test", "/loop2")) == 1
    assert fetches[f"{a}/out"]["redirect_to"] == f"{b}/landing" and fetches[f"{b}/landing"]["status"] == 200
    assert links == [{"source_url": f"{a}/out", "target_url": f"{b}/landing", "type": "redirect"}]


def test_limits_slow_huge_bombs_and_non_html(web, db_path):
    web.start()
    a = web.base("alpha.test")
    web.dynamic("alpha.test", "/slow", slow_headers)
    web.dynamic("alpha.test", "/drip", drip)
    web.dynamic("alpha.test", "/huge", huge)
    web.dynamic("alpha.test", "/bomb", gzip_bomb)
    web.raw("alpha.test", "/file.pdf", 200, {"Content-Type": "application/pdf"}, b"%PDF-1.4" + b"0" * 3_000_000)
    web.raw("alpha.test", "/page.gz", 200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
            gzip.compress(page("Zipped", ["http://external.test/from-gzip"]).encode()))
    urls = [f"{a}/{path}" for path in ("slow", "drip", "huge", "bomb", "file.pdf", "page.gz")]
    limits = policy(web, robots=False, total_timeout=1.0, read_timeout=1.0, max_bytes=256 * 1024, concurrency=1)
    with open_index(db_path) as index:
        summary = crawl(index, urls, mode="urls", policy=limits, warc_path=db_path.parent / "limits.warc.gz")
        fetches = fetch_rows(index)
        links = index.sql("SELECT source_url, target_url FROM links ORDER BY 1")
    assert summary.seconds < 8
    assert fetches[f"{a}/slow"]["status"] is None and summary.counters["crawl/error/timeout"] == 1
    assert summary.failed == 1
    assert fetches[f"{a}/drip"]["status"] == 200 and summary.counters["crawl/body/truncated_time"] == 1
    assert fetches[f"{a}/huge"]["content_length"] == 256 * 1024
    assert (f"{a}/huge", "http://external.test/from-huge") in links  # the part read is parsed
    assert fetches[f"{a}/bomb"]["status"] == 200 and summary.counters["crawl/body/truncated_length"] == 2
    assert fetches[f"{a}/file.pdf"]["content_type"] == "application/pdf"
    assert fetches[f"{a}/file.pdf"]["content_length"] == 3_000_008  # from the header: the body was not read
    assert (f"{a}/page.gz", "http://external.test/from-gzip") in links


def test_retries_with_backoff_then_one_fetch(web, db_path):
    web.start()
    a = web.base("alpha.test")
    web.dynamic("alpha.test", "/flaky", flaky(2))
    web.dynamic("alpha.test", "/down", flaky(99))
    with open_index(db_path) as index:
        summary = crawl(index, [f"{a}/flaky", f"{a}/down"], mode="urls", policy=policy(web, robots=False, retries=2))
        statuses = dict(index.sql("SELECT url, status FROM fetches"))
    assert len(web.requests("alpha.test", "/flaky")) == 3 and len(web.requests("alpha.test", "/down")) == 3
    assert statuses == {f"{a}/flaky": 200, f"{a}/down": 503}
    assert summary.counters["crawl/retry"] == 4


def test_traps_are_bounded_and_session_ids_stripped(web, db_path):
    web.start()
    a = web.base("alpha.test")
    web.dynamic("alpha.test", "/shop*", session_trap)
    web.dynamic("alpha.test", "/calendar*", calendar)
    web.html("alpha.test", "/", page("Home", [f"{a}/shop?page=0", f"{a}/calendar/2024/01"]))
    traps = TrapPolicy(max_per_shape=5, max_query_variants=8)
    with open_index(db_path) as index:
        summary = crawl(index, [f"{a}/"], mode="site", policy=policy(web, robots=False, max_depth=1000, traps=traps,
                                                                     max_pages=500))
        urls = [row[0] for row in index.sql("SELECT url FROM fetches")]
    assert not any("sid=" in url or "jsessionid" in url for url in urls)
    assert len([u for u in urls if "/calendar/" in u]) == 5  # 5 URLs of one date shape, then refused
    assert len([u for u in urls if "/shop" in u]) == 8  # the query variants of /shop
    assert summary.counters["crawl/trap/calendar"] == 1 and summary.counters["crawl/trap/query_variants"] >= 1
    assert summary.counters["crawl/trap/session_id_removed"] > 0


def test_per_host_concurrency_one_while_hosts_run_in_parallel(web, db_path):
    web.start()
    hosts = [f"h{i}.test" for i in range(6)]
    for host in hosts:
        web.dynamic(host, "/*", slow_page)
    seeds = [f"{web.base(host)}/{n}" for host in hosts for n in range(4)]
    with open_index(db_path) as index:
        summary = crawl(index, seeds, mode="urls", policy=policy(web, robots=False, concurrency=6))
    assert summary.fetched == 24
    assert max(web.peak.values()) == 1
    overlapping = sum(1 for r in web.log for s in web.log if r is not s and r.host != s.host
                      and r.started < s.started < r.ended)
    assert overlapping > 0  # different hosts were fetched at the same time


async def slow_page(request, web_):
    import asyncio

    from aiohttp import web as aioweb
    await asyncio.sleep(0.05)
    return aioweb.Response(text=page("slow", []), content_type="text/html")


def test_ssrf_guard_refuses_private_addresses_after_resolution(web, db_path):
    build_site(web)
    a = web.base("alpha.test")
    ip_literal = f"http://127.0.0.1:{web.port}/"
    with open_index(db_path) as index:
        summary = crawl(index, [f"{a}/", ip_literal], mode="urls", policy=policy(web, allow_private=False))
        assert index.sql("SELECT count(*) FROM fetches")[0][0] == 0
    assert web.log == []
    assert summary.counters["crawl/blocked/private_address"] == 2 and summary.refused == 2
    assert summary.unfetched == {f"{a}/": "blocked (private address)", ip_literal: "blocked (private address)"}
    assert "alpha.test resolves to 127.0.0.1" in summary.problems[0] and "--allow-private" in summary.problems[0]


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("172.16.0.1", False), ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("224.0.0.1", False), ("not-an-ip", False),
])
def test_public_address_check(address, public):
    assert is_public_address(address) is public


def test_connection_refused_is_a_fetch_without_status(web, db_path):
    web.start()
    closed = CrawlPolicy(resolve={"nobody.test": "127.0.0.1"}, **FAST)
    with open_index(db_path) as index:
        summary = crawl(index, ["http://nobody.test:9/"], mode="urls", policy=closed.but(robots=False, retries=1))
        rows = index.rows("SELECT url, status, origin FROM fetches")
    assert rows == [{"url": "http://nobody.test:9/", "status": None, "origin": "crawl"}]
    assert summary.counters["crawl/error/connect"] == 1 and summary.counters["crawl/retry"] == 1


def test_through_a_proxy(web, db_path):
    build_site(web)
    proxy = Proxy().start()
    try:
        a = web.base("alpha.test")
        with open_index(db_path) as index:
            crawl(index, [f"{a}/about"], mode="urls", policy=policy(web, proxy=f"http://127.0.0.1:{proxy.port}"))
            rows = index.rows("SELECT url, status FROM fetches")
    finally:
        proxy.stop()
    assert rows == [{"url": f"{a}/about", "status": 200}]
    assert proxy.requests == [f"GET {a}/robots.txt", f"GET {a}/about"]


def test_https_through_a_connect_proxy_checks_the_certificate(db_path):
    page = b'<html><head><title>Secure</title></head><body><a href="https://other.example/x">out</a></body></html>'
    site = TlsSite({"/": page, "/robots.txt": b"User-agent: *\nAllow: /\n"}).start()
    proxy = Proxy().start()
    url = f"https://secure.test:{site.port}/"
    through = CrawlPolicy(proxy=f"http://127.0.0.1:{proxy.port}", **{**FAST, "retries": 0})
    try:
        with open_index(db_path) as index:
            crawl(index, [url], mode="urls", policy=through.but(ca_bundle=str(TLS_DATA / "ca.pem")))
            trusted = index.rows("SELECT url, status, title FROM fetches")
            links = index.rows("SELECT target_url FROM links")
        with open_index(db_path) as index:
            crawl(index, [url + "again"], mode="urls", policy=through.but(robots=False))
            untrusted = index.rows("SELECT status FROM fetches WHERE url = $u", {"u": url + "again"})
    finally:
        proxy.stop()
        site.stop()
    assert trusted == [{"url": url, "status": 200, "title": "Secure"}]
    assert links == [{"target_url": "https://other.example/x"}]
    tunnels = [line for line in proxy.requests if line.startswith("CONNECT")]
    assert tunnels and all(line == f"CONNECT secure.test:{site.port}" for line in tunnels)
    assert not any(line.startswith("GET") for line in proxy.requests)  # HTTPS never goes to the proxy in clear
    assert site.requests == ["GET /robots.txt", "GET /"]  # the unknown CA's fetch never reached the site
    assert untrusted == [{"status": None}]


def test_ca_bundle_must_be_a_file(tmp_path):
    with pytest.raises(UsageError, match="--ca-bundle"):
        CrawlPolicy(ca_bundle=str(tmp_path / "missing.pem"))


def test_discover_follows_external_links_to_depth(web, db_path):
    web.start()
    a, b, c = web.base("alpha.test"), web.base("beta.test"), web.base("gamma.test")
    web.html("alpha.test", "/", page("A", [f"{b}/"]))
    web.html("beta.test", "/", page("B", [f"{c}/"]))
    web.html("gamma.test", "/", page("C", [f"{web.base('delta.test')}/"]))
    with open_index(db_path) as index:
        crawl(index, [f"{a}/"], mode="discover", policy=policy(web, robots=False, max_depth=2))
        urls = {row[0] for row in index.sql("SELECT url FROM fetches")}
    assert urls == {f"{a}/", f"{b}/", f"{c}/"}


def test_warc_output_reingests_to_the_same_index(web, db_path, tmp_path):
    build_site(web)
    warc = tmp_path / "crawl.warc.gz"
    with open_index(db_path) as index:
        crawl(index, [f"{web.base('alpha.test')}/"], mode="site", policy=policy(web, delay=0.0), warc_path=warc)
        again = ingest(index, [warc], progress=False)
        crawled = sorted(index.sql("SELECT url, status, redirect_to FROM fetches WHERE origin = 'crawl'"))
        crawled_links = sorted(index.sql("SELECT source_url, target_url, anchor FROM links"))
    assert (again.fetches, again.duplicates, again.errors) == (0, 5, 0)
    with open_index(tmp_path / "fresh.duckdb") as fresh:
        ingest(fresh, [warc], progress=False)
        assert sorted(fresh.sql("SELECT url, status, redirect_to FROM fetches")) == crawled
        assert sorted(fresh.sql("SELECT source_url, target_url, anchor FROM links")) == crawled_links


def test_policy_parsing():
    assert parse_resolve(["a.test:127.0.0.1", "b.test:8080:10.0.0.1"]) == {"a.test": "127.0.0.1", "b.test": "10.0.0.1"}
    assert parse_duration("7d") == 604800 and parse_duration("12h") == 43200 and parse_duration("90") == 90
    for bad in ("x", "7y", "0d"):
        with pytest.raises(UsageError):
            parse_duration(bad)
    with pytest.raises(UsageError):
        parse_resolve(["nohost"])
    with pytest.raises(UsageError):
        CrawlPolicy(proxy="socks5://x")
