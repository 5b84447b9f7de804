"""One HTTP GET with every limit of the crawl policy: the asynchronous fetcher.

It never follows redirects itself (the crawler records each hop as a fetch with a redirect
link), reads at most ``max_bytes`` of a body, inflates gzip/deflate incrementally so a
decompression bomb stops at the same limit, gives up on slow servers at the timeouts, reads
only HTML bodies, and reports the address it actually connected to. Failures (DNS,
refused, timeout, refused by the SSRF guard) come back as a result with ``error`` set.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit

import aiohttp

from linkatlas.crawl.net import BlockedAddressError, GuardedResolver
from linkatlas.crawl.policy import CrawlPolicy
from linkatlas.errors import UsageError

__all__ = ["Fetcher", "FetchResult", "RETRYABLE_STATUSES"]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 65536
_DROPPED_HEADERS = frozenset({"transfer-encoding"})  # the body is stored de-chunked


@dataclass(slots=True)
class FetchResult:
    url: str
    fetched_at: datetime                      # naive UTC, when the response (or failure) came
    status: int | None = None
    reason: str = ""
    ip: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""                          # the body as received (still content-encoded)
    body: bytes | None = None                 # decoded body, for HTML only
    truncated: str | None = None              # WARC-Truncated reason: length, time
    error: str | None = None                  # dns, connect, timeout, blocked, proxy, bad_response, bad_url
    detail: str = ""

    def header(self, name: str) -> str | None:
        name = name.lower()
        values = [value for key, value in self.headers if key.lower() == name]
        return ", ".join(values) if values else None

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def retryable(self) -> bool:
        return self.error in ("timeout", "connect") or self.status in RETRYABLE_STATUSES


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class _Inflater:
    """Content-Encoding undone chunk by chunk, never producing more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.out = bytearray()
        self.broken = False
        self.decoder = zlib.decompressobj(47 if encoding in ("gzip", "x-gzip") else 15) if encoding else None

    def feed(self, chunk: bytes) -> bool:
        """Add ``chunk``; False once the decoded limit is reached (a bomb or a huge page)."""
        if self.decoder is None:
            self.out += chunk[: self.limit - len(self.out)]
            return len(self.out) < self.limit
        if self.broken:
            return True
        try:
            self.out += self.decoder.decompress(chunk, self.limit - len(self.out))
        except zlib.error:
            if self.encoding == "deflate" and not self.out:  # raw deflate without zlib header
                self.decoder = zlib.decompressobj(-15)
                return self.feed(chunk)
            self.broken = True
            return True
        return len(self.out) < self.limit

    def result(self, raw: bytes) -> bytes | None:
        if self.broken and not self.out:
            return raw if raw[:1] == b"<" else None  # labelled gzip but plain HTML: keep it
        return bytes(self.out)


def _tls_context(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Certificate checks on, with the system's CAs plus those of ``ca_bundle`` if given."""
    if ca_bundle is None:
        return True
    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as error:
        raise UsageError(f"--ca-bundle {ca_bundle}: not a PEM file of CA certificates ({error})") from None
    return context


class Fetcher:
    """An HTTP client session bound to a crawl policy (use as ``async with``)."""

    def __init__(self, policy: CrawlPolicy) -> None:
        self.policy = policy
        self.resolver = GuardedResolver(policy.resolve, allow_private=policy.allow_private)
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        policy = self.policy
        connector = aiohttp.TCPConnector(
            ssl=_tls_context(policy.ca_bundle), resolver=self.resolver, limit=policy.concurrency * 2, limit_per_host=0,
            use_dns_cache=False, enable_cleanup_closed=True,
        )
        timeout = aiohttp.ClientTimeout(total=policy.total_timeout, connect=policy.connect_timeout,
                                        sock_read=policy.read_timeout)
        self.session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate",
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.session is not None:
            await self.session.close()

    async def get(self, url: str, *, max_bytes: int | None = None, any_type: bool = False) -> FetchResult:
        """GET ``url`` once. Reads the body of HTML responses (or any, with ``any_type``)."""
        result = FetchResult(url=url, fetched_at=utc_now())
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            addresses = await self._guard(host, parts.port or (443 if parts.scheme == "https" else 80))
        except BlockedAddressError as error:
            return self._failed(result, "blocked", str(error))
        except (socket.gaierror, UnicodeError) as error:
            return self._failed(result, "dns", f"{host}: cannot resolve ({error})")
        try:
            await self._request(url, result, max_bytes or self.policy.max_bytes, any_type)
        except asyncio.TimeoutError:
            if result.status is not None:
                result.truncated = "time"  # headers came, the body did not in time: keep what we have
            else:
                self._failed(result, "timeout", f"no answer within {self.policy.total_timeout:g}s")
        except aiohttp.ClientHttpProxyError as error:
            self._failed(result, "proxy", f"proxy answered {error.status} {error.message}")
        except aiohttp.ClientConnectorDNSError as error:
            self._failed(result, "dns", str(error))
        except aiohttp.ClientConnectorError as error:
            blocked = isinstance(getattr(error, "os_error", None), BlockedAddressError)
            self._failed(result, "blocked" if blocked else "connect", str(error))
        except aiohttp.ClientPayloadError as error:
            if result.status is None:
                self._failed(result, "bad_response", str(error))
            else:
                result.truncated = "disconnect"
        except aiohttp.InvalidURL as error:
            self._failed(result, "bad_url", str(error))
        except (aiohttp.ClientError, OSError, ValueError) as error:
            if result.status is None:
                self._failed(result, "bad_response", f"{type(error).__name__}: {error}")
            else:
                result.truncated = "disconnect"
        if result.ip is None and addresses:
            result.ip = addresses[0]  # through a proxy: the address the guard resolved
        return result

    async def _guard(self, host: str, port: int) -> list[str]:
        if self.policy.proxy and self.policy.allow_private and not self.policy.resolve:
            return []  # the proxy resolves; nothing to guard
        return await self.resolver.addresses(host, port)

    @staticmethod
    def _failed(result: FetchResult, error: str, detail: str) -> FetchResult:
        result.error, result.detail, result.fetched_at = error, detail[:300], utc_now()
        result.status = None
        return result

    async def _request(self, url: str, result: FetchResult, max_bytes: int, any_type: bool) -> None:
        async with self.session.get(url, allow_redirects=False, proxy=self.policy.proxy) as response:
            result.fetched_at = utc_now()
            result.status = response.status
            result.reason = response.reason or ""
            result.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers
                              if k.decode("latin-1").lower() not in _DROPPED_HEADERS]
            result.request_headers = list(response.request_info.headers.items())
            if not self.policy.proxy:
                peer = response.connection.transport.get_extra_info("peername") if response.connection else None
                result.ip = peer[0] if peer else None
            if any_type or _is_html(result.content_type, self.policy.html_types):
                await self._read_body(response, result, max_bytes)

    async def _read_body(self, response, result: FetchResult, max_bytes: int) -> None:
        encoding = (result.header("content-encoding") or "").strip().lower()
        encoding = encoding if encoding in ("gzip", "x-gzip", "deflate") else ""
        inflater = _Inflater(encoding, max_bytes)
        raw = bytearray()
        try:
            async for chunk in response.content.iter_chunked(_CHUNK):
                raw += chunk[: max_bytes - len(raw)]
                if not inflater.feed(chunk) or len(raw) >= max_bytes:
                    result.truncated = "length"
                    break
        finally:
            result.raw = bytes(raw)
            result.body = inflater.result(result.raw)
        if result.truncated:
            response.close()  # do not drain the rest of a huge or endless body


def _is_html(content_type: str | None, html_types: tuple[str, ...]) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in html_types
