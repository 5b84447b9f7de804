"""The crawl: seeds → frontier → polite fetches → pages and links → the index (and WARC).

Three modes share one engine:

- ``site``: the seeds' registrable domains (or exact hosts with ``same_host``), following
  internal links to ``max_depth``;
- ``urls``: exactly the URLs given, following only their redirects;
- ``discover``: from seeds outward, following every link, internal or external, to ``max_depth``.

Every response is stored as a fetch (origin ``crawl``, the IP connected to, the status);
a fetch that failed (DNS, connection refused, timeout) is stored too, with status NULL, so
reports call the page broken. A 3xx is stored with one ``redirect`` link and ``redirect_to``;
only 2xx HTML is parsed. URLs refused by robots.txt, the trap guard or the SSRF guard are
not fetched and not stored; they are counted, and listed in ``CrawlSummary.unfetched``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from linkatlas.crawl.fetcher import Fetcher, FetchResult, utc_now
from linkatlas.crawl.frontier import Frontier, HostQueue, Item
from linkatlas.crawl.policy import CrawlPolicy
from linkatlas.crawl.robots import RobotsCache, origin_of
from linkatlas.crawl.traps import TrapGuard
from linkatlas.crawl.warc import CrawlWarc
from linkatlas.errors import LinkatlasError, UsageError
from linkatlas.extract.domains import domain_of
from linkatlas.extract.html import Page, extract_page
from linkatlas.extract.urls import normalize_url, url_host
from linkatlas.index.store import Index
from linkatlas.ingest import RowBatch, fetch_row, finish_run, redirect_page, start_run
from linkatlas.sources.counters import RunStats
from linkatlas.sources.warc import Capture

__all__ = ["crawl", "crawl_async", "CrawlSummary", "MODES"]

MODES = ("site", "urls", "discover")
BATCH_PAGES = 500


@dataclass
class CrawlSummary:
    run_id: int
    mode: str
    status: str = "running"
    fetched: int = 0        # requests answered or failed (robots.txt not counted)
    fetches: int = 0        # fetch rows stored
    links: int = 0          # link rows stored
    failed: int = 0         # fetches without an HTTP answer (DNS, connect, timeout)
    refused: int = 0        # URLs not fetched: robots.txt, trap guard, SSRF guard, limits
    errors: int = 0
    seconds: float = 0.0
    pages_per_second: float = 0.0
    warc: str | None = None
    problems: list[str] = field(default_factory=list)
    counters: dict = field(default_factory=dict)
    unfetched: dict[str, str] = field(default_factory=dict)  # url → why (urls mode)

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.__dataclass_fields__ if key != "unfetched"}


class _Crawl:
    def __init__(self, index: Index, mode: str, policy: CrawlPolicy, *, run_id: int, stats: RunStats,
                 same_host: bool, warc: CrawlWarc | None, skip_urls: set[str], on_page: Callable | None) -> None:
        self.index = index
        self.mode = mode
        self.policy = policy
        self.run_id = run_id
        self.stats = stats
        self.same_host = same_host
        self.warc = warc
        self.skip_urls = skip_urls
        self.on_page = on_page
        self.traps = TrapGuard(policy.traps, stats)
        self.frontier = Frontier(policy.per_host_concurrency, policy.delay)
        self.scope_domains: set[str] = set()
        self.scope_hosts: set[str] = set()
        self.batch = RowBatch()
        self.next_fetch_id = index.next_id("fetches", "fetch_id")
        self.summary = CrawlSummary(run_id=run_id, mode=mode)
        self.track_unfetched = mode == "urls"
        self.started = 0  # fetches begun (max_pages counts these, so concurrent workers cannot overshoot)

    # -- queueing ---------------------------------------------------------------------------

    def add_seed(self, raw: str) -> None:
        url = normalize_url(raw if "://" in raw else f"https://{raw.strip()}/")
        if url is None or not url.startswith(("http://", "https://")):
            self.stats.problem("crawl/seed/bad_url", f"{raw!r}: not an http(s) URL; skipped")
            return
        host = url_host(url)
        self.scope_hosts.add(host)
        self.scope_domains.add(domain_of(host))
        self.enqueue(url, Item(url, 0, seed=url))

    def enqueue(self, url: str, item: Item) -> None:
        cleaned = self.traps.clean(url)
        if cleaned is None or not cleaned.startswith(("http://", "https://")):
            return
        item.url = cleaned
        if cleaned in self.skip_urls or cleaned in self.frontier.seen:
            return
        if item.depth > 0 and not self.traps.admit(cleaned):
            self.refuse(item, "trap")
            return
        self.frontier.add(url_host(cleaned), item)

    def in_scope(self, url: str, host: str) -> bool:
        if self.mode == "discover":
            return True
        if self.same_host:
            return host in self.scope_hosts
        return domain_of(host) in self.scope_domains

    def blocked(self, item: Item, detail: str) -> None:
        self.stats.count("crawl/blocked/private_address")
        self.stats.problem("crawl/blocked", f"{item.url}: {detail}")
        self.refuse(item, "blocked (private address)")

    def refuse(self, item: Item, why: str) -> None:
        self.summary.refused += 1
        if self.track_unfetched and item.seed:
            self.summary.unfetched.setdefault(item.seed, why)

    # -- the work ---------------------------------------------------------------------------

    async def worker(self, fetcher: Fetcher, robots: RobotsCache) -> None:
        frontier = self.frontier
        while (got := await frontier.next()) is not None:
            queue, item = got
            pause: float | None = 0.0
            try:
                pause = await self.handle(fetcher, robots, queue, item)
            except LinkatlasError:
                frontier.close()
                raise
            except Exception as error:  # one hostile page must not stop the crawl
                self.stats.problem("crawl/page/failed", f"{item.url}: {type(error).__name__}: {error}; skipped")
            finally:
                frontier.done(queue, pause)

    async def handle(self, fetcher: Fetcher, robots: RobotsCache, queue: HostQueue, item: Item) -> float | None:
        """Fetch ``item`` (or refuse it); the extra pause its host needs, None if nothing was sent."""
        policy = self.policy
        if policy.robots:
            origin = origin_of(item.url)
            if not robots.known(origin):
                rules = await robots.get(origin)
                queue.delay = robots.delay_for(rules)
                self.frontier.add(queue.host, item, front=True)  # fetch it after the delay
                return 0.0
            rules = await robots.get(origin)
            if rules.state == "blocked":
                return self.blocked(item, rules.detail)
            if rules.error is not None:  # the host does not answer at all: that is the page's observation too
                self.record(FetchResult(item.url, utc_now(), error=rules.error, detail=rules.detail), item)
                return 0.0
            if not rules.allows(item.url, policy.robots_agent):
                self.stats.count("crawl/robots/disallowed")
                self.refuse(item, "robots.txt")
                return None
        if self.started >= policy.max_pages or queue.pages >= policy.max_pages_per_host:
            self.stats.count("crawl/limit/max_pages")
            self.refuse(item, "max_pages")
            if self.started >= policy.max_pages:
                self.frontier.close()
            return None
        self.started += 1
        result = await fetcher.get(item.url)
        if result.error == "blocked":
            return self.blocked(item, result.detail)
        if result.retryable and item.attempt < policy.retries:
            self.started -= 1
            self.stats.count("crawl/retry")
            item.attempt += 1
            self.frontier.add(queue.host, item, front=True)
            return policy.backoff * (2 ** (item.attempt - 1))
        queue.pages += 1
        self.record(result, item)
        return 0.0

    def record(self, result: FetchResult, item: Item) -> None:
        summary = self.summary
        summary.fetched += 1
        self.stats.count(f"crawl/status/{result.status}" if result.status is not None else f"crawl/error/{result.error}")
        if result.error:
            summary.failed += 1
        if self.warc is not None:
            result_id = self.warc.write(result)
        else:
            result_id = None
        capture, page = self.page_of(result)
        capture.record_id = result_id
        if page is not None:
            self.follow(page, item, result)
            stored = _stored_links(page, self.policy.keep_internal)
        else:
            stored = None
        self.batch.add(fetch_row(self.next_fetch_id, self.run_id, capture, capture.url, url_host(capture.url), stored),
                       stored)
        self.next_fetch_id += 1
        if self.on_page is not None:
            self.on_page(result)
        if self.batch.size[0] >= BATCH_PAGES or self.batch.size[1] >= 20_000:
            self.flush()

    def page_of(self, result: FetchResult) -> tuple[Capture, Page | None]:
        capture = Capture(
            url=result.url, fetched_at=result.fetched_at, ip=result.ip, status=result.status,
            content_type=result.content_type, location=result.header("location"),
            x_robots_tag=result.header("x-robots-tag"), origin="crawl",
            content_length=len(result.raw) if result.raw else _int(result.header("content-length")),
        )
        status = result.status or 0
        host = url_host(result.url)
        if 200 <= status < 300 and result.body is not None:
            if result.truncated:
                self.stats.count(f"crawl/body/truncated_{result.truncated}")
            return capture, extract_page(result.body, result.url, content_type=capture.content_type,
                                         x_robots_tag=capture.x_robots_tag, keep_internal=True)
        if 300 <= status < 400 and capture.location:
            page = redirect_page(result.url, host, capture.location, True)
            if page is None:
                self.stats.count("crawl/redirect/bad_location")
            return capture, page
        return capture, None

    def follow(self, page: Page, item: Item, result: FetchResult) -> None:
        if 300 <= (result.status or 0) < 400:
            target = page.base_url
            if target and item.hops < self.policy.max_redirects and (self.mode == "urls" or self.in_scope(target, url_host(target))):
                self.enqueue(target, Item(target, item.depth, item.hops + 1, seed=item.seed))
            elif target and item.hops >= self.policy.max_redirects:
                self.stats.count("crawl/redirect/too_many_hops")
            return
        if self.mode == "urls" or item.depth >= self.policy.max_depth:
            return
        for link in page.links:
            if link.type in ("form",) or not link.target_url.startswith(("http://", "https://")):
                continue
            if self.in_scope(link.target_url, link.target_host):
                self.enqueue(link.target_url, Item(link.target_url, item.depth + 1))

    def flush(self) -> None:
        fetches, links = self.batch.tables()
        self.batch = RowBatch()
        result = self.index.write_batch(fetches, links)
        self.summary.fetches += result.fetches
        self.summary.links += result.links


def _int(value: str | None) -> int | None:
    try:
        return min(int(value), 2**31 - 1) if value else None
    except ValueError:
        return None


def _stored_links(page: Page, keep_internal: bool) -> Page:
    """The page as stored: internal links dropped (only counted) unless ``keep_internal``."""
    if keep_internal or not any(link.internal for link in page.links):
        return page
    external = [link for link in page.links if not link.internal]
    for ordinal, link in enumerate(external):
        link.ordinal = ordinal
    stored = Page(url=page.url, **{name: getattr(page, name) for name in Page.__slots__ if name not in ("url", "links")})
    stored.links = external
    return stored


async def crawl_async(
    index: Index,
    seeds: Iterable[str],
    *,
    mode: str = "site",
    policy: CrawlPolicy | None = None,
    same_host: bool = False,
    warc_path: str | os.PathLike | None = None,
    skip_urls: Iterable[str] = (),
    on_page: Callable[[FetchResult], None] | None = None,
    progress: bool | None = None,
    kind: str = "crawl",
) -> CrawlSummary:
    """Crawl from ``seeds`` in ``mode`` into ``index``; never raises for bad pages or servers."""
    if mode not in MODES:
        raise UsageError(f"crawl mode {mode!r}: choose one of {', '.join(MODES)}")
    policy = policy or CrawlPolicy()
    started = time.monotonic()
    stats = RunStats()
    seeds = list(seeds)
    run_id = start_run(index, kind, {"mode": mode, "seeds": seeds[:100], "seed_count": len(seeds),
                                      "warc": str(warc_path) if warc_path else None})
    warc = CrawlWarc.open(warc_path, policy) if warc_path else None
    job = _Crawl(index, mode, policy, run_id=run_id, stats=stats, same_host=same_host, warc=warc,
                 skip_urls=set(skip_urls), on_page=on_page)
    for seed in seeds:
        job.add_seed(seed)
    summary = job.summary
    status = "failed"
    bar = _progress(progress, job)
    try:
        async with Fetcher(policy) as fetcher:
            robots = RobotsCache(fetcher, policy, stats)
            workers = [asyncio.create_task(job.worker(fetcher, robots)) for _ in range(policy.concurrency)]
            ticker = asyncio.create_task(_tick(bar, job)) if bar is not None else None
            try:
                await asyncio.gather(*workers)
            finally:
                for task in workers:
                    task.cancel()
                if ticker is not None:
                    ticker.cancel()
        job.flush()
        status = "failed" if stats.failed else "ok"
    except (KeyboardInterrupt, asyncio.CancelledError):
        status = "interrupted"
        job.flush()
        raise
    finally:
        if bar is not None:
            bar.close()
        if warc is not None:
            warc.close()
            summary.warc = str(warc.path)
        _finish(index, summary, stats, status, started)
    return summary


def _finish(index: Index, summary: CrawlSummary, stats: RunStats, status: str, started: float) -> None:
    summary.status = status
    summary.errors = stats.counters["errors"]
    summary.problems = list(stats.problems)
    summary.counters = dict(sorted(stats.counters.items()))
    summary.seconds = round(time.monotonic() - started, 3)
    summary.pages_per_second = round(summary.fetched / summary.seconds, 1) if summary.seconds else 0.0
    try:
        finish_run(index, summary.run_id, status, summary.as_dict())
    except LinkatlasError:
        pass


def _progress(enabled: bool | None, job: _Crawl):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=None, unit="page", desc=f"crawl {job.mode}", file=sys.stderr)


async def _tick(bar, job: _Crawl) -> None:
    shown = 0
    while True:
        await asyncio.sleep(0.5)
        bar.update(job.summary.fetched - shown)
        shown = job.summary.fetched


def crawl(index: Index, seeds: Iterable[str], **options) -> CrawlSummary:
    """Synchronous :func:`crawl_async` (runs its own event loop)."""
    return asyncio.run(crawl_async(index, seeds, **options))

