"""The polite asynchronous crawler (needs the ``crawl`` extra: aiohttp, protego).

    from linkatlas.crawl import CrawlPolicy, crawl
    summary = crawl(index, ["example.com"], mode="site", policy=CrawlPolicy(max_pages=200))
"""

from __future__ import annotations

from linkatlas.errors import MissingExtraError

try:
    import aiohttp  # noqa: F401
    import protego  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the installation
    raise MissingExtraError(error.name or "aiohttp", "crawl") from None

from linkatlas.crawl.crawler import MODES, CrawlSummary, crawl, crawl_async
from linkatlas.crawl.net import BlockedAddressError, GuardedResolver, is_public_address
from linkatlas.crawl.policy import CrawlPolicy, TrapPolicy, parse_duration, parse_resolve

__all__ = [
    "crawl", "crawl_async", "CrawlSummary", "CrawlPolicy", "TrapPolicy", "MODES", "parse_resolve",
    "parse_duration", "is_public_address", "GuardedResolver", "BlockedAddressError",
]
