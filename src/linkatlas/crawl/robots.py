"""robots.txt per origin, fetched once per crawl and cached (RFC 9309, parsed by Protego).

- 2xx: the rules apply (at most ``robots_max_bytes`` are read, as the RFC allows).
- 4xx: "unavailable" — everything may be crawled.
- 5xx, network failure: "unreachable" — nothing may be crawled from that origin.
- Redirects are followed for up to five hops.
The crawl delay is the policy's delay, raised by a ``Crawl-delay`` for our agent (or ``*``),
capped at ``max_crawl_delay``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from linkatlas.crawl.fetcher import Fetcher, FetchResult
from linkatlas.crawl.policy import CrawlPolicy
from linkatlas.sources.counters import RunStats

__all__ = ["Robots", "RobotsCache", "origin_of"]

_MAX_HOPS = 5


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Robots:
    state: str                        # rules, allow_all, disallow_all, blocked (SSRF guard)
    parser: Protego | None = None
    crawl_delay: float | None = None
    detail: str = ""
    error: str | None = None          # why robots.txt could not be fetched (dns, connect, timeout...)

    def allows(self, url: str, agent: str) -> bool:
        if self.state == "allow_all":
            return True
        if self.state in ("disallow_all", "blocked"):
            return False
        return self.parser.can_fetch(url, agent)


class RobotsCache:
    def __init__(self, fetcher: Fetcher, policy: CrawlPolicy, stats: RunStats) -> None:
        self.fetcher = fetcher
        self.policy = policy
        self.stats = stats
        self._cache: dict[str, asyncio.Future] = {}

    def known(self, origin: str) -> bool:
        return origin in self._cache and self._cache[origin].done()

    async def get(self, origin: str) -> Robots:
        if origin not in self._cache:
            future = asyncio.get_running_loop().create_future()
            self._cache[origin] = future
            future.set_result(await self._load(origin))
        return await asyncio.shield(self._cache[origin])

    async def _load(self, origin: str) -> Robots:
        url = origin + "/robots.txt"
        for _ in range(_MAX_HOPS + 1):
            result = await self.fetcher.get(url, max_bytes=self.policy.robots_max_bytes, any_type=True)
            location = result.header("location")
            if result.status is not None and 300 <= result.status < 400 and location:
                url = urljoin(url, location)
                continue
            return self._robots(result)
        self.stats.count("crawl/robots/redirect_loop")
        return Robots("allow_all")

    def _robots(self, result: FetchResult) -> Robots:
        status = result.status
        if result.error == "blocked":
            return Robots("blocked", detail=result.detail)
        if status is None or status >= 500:
            self.stats.count("crawl/robots/unreachable")
            return Robots("disallow_all", detail=result.detail, error=result.error)
        if status >= 400:
            self.stats.count("crawl/robots/unavailable")
            return Robots("allow_all")
        if status >= 300:
            return Robots("allow_all")
        text = (result.body or b"").decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
            delay = parser.crawl_delay(self.policy.robots_agent)
        except Exception:  # a hostile robots.txt must not stop the crawl
            self.stats.count("crawl/robots/unparsable")
            return Robots("allow_all")
        self.stats.count("crawl/robots/parsed")
        return Robots("rules", parser, float(delay) if delay is not None else None)

    def delay_for(self, robots: Robots) -> float:
        if robots.crawl_delay is None:
            return self.policy.delay
        return max(self.policy.delay, min(robots.crawl_delay, self.policy.max_crawl_delay))
