"""How the crawler behaves, as frozen value objects with strict defaults.

Everything a crawl may do to other people's servers is decided here: who we say we are,
how fast we go per host and overall, how long we wait, how much we read, how deep we go,
which addresses we refuse to reach, and how we avoid crawler traps.
"""

from __future__ import annotations

import os

from dataclasses import dataclass, field, replace

from linkatlas import __version__
from linkatlas.errors import UsageError

__all__ = ["CrawlPolicy", "TrapPolicy", "DEFAULT_USER_AGENT", "parse_resolve", "parse_duration"]

DEFAULT_USER_AGENT = f"linkatlas/{__version__} (+https://github.com/linkatlas/linkatlas; backlink verification bot)"
ROBOTS_AGENT = "linkatlas"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class TrapPolicy:
    """Limits that keep a crawl out of endless URL spaces (calendars, session ids, facets)."""

    session_params: tuple[str, ...] = (
        "sid", "sessionid", "session_id", "session", "phpsessid", "jsessionid", "aspsessionid",
        "cfid", "cftoken", "zenid", "oscsid", "sess", "s_id",
    )
    max_url_length: int = 2048
    max_path_segments: int = 16
    max_segment_repeats: int = 3   # /a/b/a/b/a/b/... is a relative-link loop
    max_query_variants: int = 200  # distinct query strings per host + path (facets, sort orders)
    max_per_shape: int = 60        # date-like URLs per host with the same digits-as-# shape (/cal/2024/05)
    max_query_params: int = 10


@dataclass(frozen=True)
class CrawlPolicy:
    """A crawl's rules. Defaults are polite and safe; tests loosen them explicitly."""

    user_agent: str = DEFAULT_USER_AGENT
    robots: bool = True
    robots_agent: str = ROBOTS_AGENT
    per_host_concurrency: int = 1
    concurrency: int = 16
    delay: float = 1.0                 # seconds between requests to one host (robots crawl-delay may raise it)
    max_crawl_delay: float = 60.0      # a robots crawl-delay above this is capped
    connect_timeout: float = 10.0
    read_timeout: float = 20.0         # between two reads
    total_timeout: float = 30.0        # a whole response, body included (slow drip-feeds end here)
    max_bytes: int = 5 * 1024 * 1024   # raw and decoded body limit per page
    robots_max_bytes: int = 500 * 1024
    max_pages: int = 1000
    max_pages_per_host: int = 10_000
    max_depth: int = 3
    retries: int = 2                   # extra attempts after a 5xx, 429 or timeout
    backoff: float = 1.0               # first retry after this many seconds, then doubled
    max_redirects: int = 5             # redirect hops followed from one URL (each stored as a fetch)
    html_types: tuple[str, ...] = HTML_TYPES
    allow_private: bool = False        # the SSRF guard: loopback, private, link-local refused by default
    resolve: dict[str, str] = field(default_factory=dict)  # host → address, like curl --resolve
    proxy: str | None = None
    ca_bundle: str | None = None       # extra trusted CA certificates (PEM), e.g. an intercepting proxy's
    keep_internal: bool = False
    traps: TrapPolicy = field(default_factory=TrapPolicy)

    def __post_init__(self) -> None:
        for name in ("per_host_concurrency", "concurrency", "max_bytes", "max_pages"):
            if getattr(self, name) < 1:
                raise UsageError(f"crawl policy: {name} must be at least 1")
        for name in ("delay", "connect_timeout", "read_timeout", "total_timeout", "backoff"):
            if getattr(self, name) < 0:
                raise UsageError(f"crawl policy: {name} cannot be negative")
        if self.proxy and not self.proxy.startswith(("http://", "https://")):
            raise UsageError(f"--proxy {self.proxy}: give an http:// or https:// proxy URL")
        if self.ca_bundle is not None and not os.path.isfile(self.ca_bundle):
            raise UsageError(f"--ca-bundle {self.ca_bundle}: no such file — give a PEM file of CA certificates")

    def but(self, **changes) -> CrawlPolicy:
        """A copy with some fields changed."""
        return replace(self, **changes)


def parse_resolve(values) -> dict[str, str]:
    """``HOST:ADDR`` or curl's ``HOST:PORT:ADDR`` pairs → {host: address}."""
    mapping: dict[str, str] = {}
    for value in values or ():
        parts = value.split(":")
        if len(parts) == 2:
            host, address = parts
        elif len(parts) >= 3 and parts[1].isdigit():
            host, address = parts[0], ":".join(parts[2:]).strip("[]")
        else:
            raise UsageError(f"--resolve {value}: give HOST:ADDRESS (e.g. example.com:127.0.0.1)")
        if not host or not address:
            raise UsageError(f"--resolve {value}: give HOST:ADDRESS (e.g. example.com:127.0.0.1)")
        mapping[host.lower().rstrip(".")] = address
    return mapping


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> int:
    """'7d', '12h', '30m', '90s', '2w' → seconds."""
    text = text.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit.isdigit():
        number, unit = text, "s"
    if not number.isdigit() or unit not in _UNITS or int(number) == 0:
        raise UsageError(f"{text!r}: give a duration such as 7d, 12h, 30m or 2w")
    return int(number) * _UNITS[unit]
