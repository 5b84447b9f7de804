"""Crawl throughput against a loopback web, with parse and store, and proof of politeness under load.

A separate process serves a generated web of many hosts on 127.0.0.1 (no delays); the crawler
discovers it from the hosts' home pages with the default per-host concurrency of 1, parses
every page and stores fetches and links in a fresh DuckDB index. The server measures what
politeness means: the peak number of requests in flight per host, and the smallest gap
between two requests to a host whose robots.txt asks for a Crawl-delay. Side by side: the
common alternative, a sequential urllib loop fetching the same pages (fetch only).

    .venv/bin/pip install -e '.[crawl,bench]' && .venv/bin/python bench/crawl.py [--hosts 40 --pages 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import socket
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path


def _page(host: str, port: int, n: int, pages: int, hosts: int) -> bytes:
    internal = "".join(f'<li><a href="/p{(n * 7 + k) % pages}">Page {(n * 7 + k) % pages}</a></li>' for k in range(12))
    external = "".join(f'<a href="http://h{(n + k) % hosts}.bench:{port}/p{k}">friend {k}</a> ' for k in range(1, 4))
    text = " ".join(f"word{(n * 31 + i) % 997}" for i in range(400))
    return (f"<!doctype html><html><head><title>{host} page {n}</title></head><body><nav><ul>{internal}</ul></nav>"
            f"<main><article><h1>Page {n}</h1><p>{text}</p><p>{external}</p></article></main>"
            f"<footer>© {host}</footer></body></html>").encode()


def serve(port_pipe, stats_pipe, hosts: int, pages: int, delayed_hosts: int, crawl_delay: float) -> None:
    from aiohttp import web

    in_flight, peak = defaultdict(int), defaultdict(int)
    delayed_pages = 8  # the Crawl-delay hosts are small, so their slow pace does not set the run's length
    starts = defaultdict(list)

    async def handle(request):
        host = request.host.rsplit(":", 1)[0]
        if request.path == "/__stats":
            gaps = {h: min((b - a for a, b in zip(s, s[1:])), default=None) for h, s in starts.items()}
            return web.json_response({"peak": peak, "gaps": gaps, "requests": sum(len(s) for s in starts.values())})
        in_flight[host] += 1
        peak[host] = max(peak[host], in_flight[host])
        starts[host].append(time.monotonic())
        try:
            if request.path == "/robots.txt":
                index = int(host[1:].split(".")[0])
                rules = f"User-agent: *\nCrawl-delay: {crawl_delay}\n" if index < delayed_hosts else "User-agent: *\nAllow: /\n"
                return web.Response(text=rules)
            n = 0 if request.path == "/" else int(request.path[2:] or 0)
            size = delayed_pages if int(host[1:].split(".")[0]) < delayed_hosts else pages
            return web.Response(body=_page(host, port, n % size, size, hosts), content_type="text/html")
        finally:
            in_flight[host] -= 1

    async def main():
        nonlocal port
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        port_pipe.send(port)
        while not stats_pipe.poll():
            await asyncio.sleep(0.2)

    port = 0
    asyncio.run(main())


def stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=10) as response:
        return json.loads(response.read())


def run_crawler(port: int, hosts: int, max_pages: int, db: Path) -> dict:
    from linkatlas.crawl import CrawlPolicy, crawl
    from linkatlas.index.store import open_index

    names = [f"h{i}.bench" for i in range(hosts)]
    policy = CrawlPolicy(resolve={name: "127.0.0.1" for name in names}, allow_private=True, delay=0.0,
                         concurrency=hosts, max_pages=max_pages, max_depth=50, max_crawl_delay=5)
    with open_index(db) as index:
        summary = crawl(index, [f"http://{name}:{port}/" for name in names], mode="discover", policy=policy,
                        progress=False)
        stored = index.stats()
    return {"summary": summary.as_dict(), "stored": stored}


def run_urllib(port: int, hosts: int, count: int) -> float:
    from linkatlas.extract.html import extract_page

    started = time.perf_counter()
    for i in range(count):
        host = f"h{i % hosts}.bench"
        request = urllib.request.Request(f"http://127.0.0.1:{port}/p{i // hosts}", headers={"Host": f"{host}:{port}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            extract_page(response.read(), f"http://{host}:{port}/p{i // hosts}")
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--pages", type=int, default=60, help="pages per host")
    parser.add_argument("--delayed-hosts", type=int, default=4, help="hosts whose robots.txt sets a Crawl-delay")
    parser.add_argument("--crawl-delay", type=float, default=0.2)
    args = parser.parse_args()
    max_pages = (args.hosts - args.delayed_hosts) * args.pages + args.delayed_hosts * 8
    port_recv, port_send = multiprocessing.Pipe(False)
    stop_recv, stop_send = multiprocessing.Pipe(False)
    server = multiprocessing.Process(target=serve, args=(port_send, stop_recv, args.hosts, args.pages,
                                                         args.delayed_hosts, args.crawl_delay), daemon=True)
    server.start()
    port = port_recv.recv()
    try:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            result = run_crawler(port, args.hosts, max_pages, Path(folder) / "bench.duckdb")
            elapsed = time.perf_counter() - started
        measured = stats(port)
        baseline = run_urllib(port, args.hosts, 400)
    finally:
        stop_send.send(True)
        server.join(10)
    summary = result["summary"]
    fast_hosts = {h: g for h, g in measured["gaps"].items() if int(h[1:].split(".")[0]) >= args.delayed_hosts}
    delayed = {h: g for h, g in measured["gaps"].items() if int(h[1:].split(".")[0]) < args.delayed_hosts}
    print(f"loopback web: {args.hosts} hosts × {args.pages} pages, {args.delayed_hosts} hosts with "
          f"Crawl-delay {args.crawl_delay}s")
    print(f"linkatlas crawl (fetch, parse, store): {summary['fetched']} pages in {elapsed:.1f}s = "
          f"{summary['fetched'] / elapsed:.0f} pages/s; stored {result['stored']['fetches']} fetches, "
          f"{result['stored']['links']} links; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"sequential urllib + extract (no store, no robots): {baseline:.0f} pages/s")
    print(f"politeness: peak requests in flight per host = {max(measured['peak'].values())} "
          f"(over {len(measured['peak'])} hosts, global concurrency {args.hosts})")
    print(f"politeness: smallest gap between requests on Crawl-delay hosts = {min(delayed.values()):.3f}s "
          f"(asked {args.crawl_delay}s); on the others = {min(v for v in fast_hosts.values() if v is not None):.4f}s")
    if summary["errors"]:
        print(f"crawl errors: {summary['errors']}: {summary['problems'][:3]}", file=sys.stderr)


if __name__ == "__main__":
    main()
