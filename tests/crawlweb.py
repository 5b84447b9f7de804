"""A generated multi-host web on a real loopback HTTP server, for the crawler tests.

Every host name (``alpha.test``, ``www.alpha.test``, ...) is served by one aiohttp server on
127.0.0.1; the crawler reaches them through ``CrawlPolicy(resolve={host: "127.0.0.1"})``.
Pages are plain dicts edited between runs; dynamic routes produce traps, slow bodies, bombs.
The server logs every request (host, path, user agent, start and end time) and the peak
number of requests in flight per host, so tests can measure politeness.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import socket
import ssl
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

TLS_DATA = Path(__file__).parent / "data" / "tls"

__all__ = ["LoopbackWeb", "Proxy", "SmtpSink", "WebhookSink", "page"]


def page(title: str, links: list, extra: str = "") -> str:
    """HTML with ``links`` (``url`` or ``(url, anchor)`` or ``(url, anchor, rel)``) in the content."""
    anchors = []
    for link in links:
        url, anchor, rel = (link, "link", None) if isinstance(link, str) else (tuple(link) + (None,))[:3]
        rel_attr = f' rel="{rel}"' if rel else ""
        anchors.append(f'<p><a href="{url}"{rel_attr}>{anchor}</a></p>')
    return (f"<!doctype html><html lang=en><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"<p>Some words about {title} so the page has text.</p>{''.join(anchors)}{extra}</main></body></html>")


@dataclass
class Request:
    host: str
    path: str
    agent: str
    started: float
    ended: float = 0.0


@dataclass
class LoopbackWeb:
    """Hosts → {path: handler or (status, headers, body)}; ``start()`` serves them on 127.0.0.1."""

    routes: dict = field(default_factory=lambda: defaultdict(dict))
    log: list = field(default_factory=list)
    in_flight: dict = field(default_factory=lambda: defaultdict(int))
    peak: dict = field(default_factory=lambda: defaultdict(int))
    port: int = 0

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def html(self, host: str, path: str, body: str, status: int = 200, headers: dict | None = None) -> None:
        self.routes[host][path] = (status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})},
                                   body.encode())

    def raw(self, host: str, path: str, status: int, headers: dict, body: bytes = b"") -> None:
        self.routes[host][path] = (status, headers, body)

    def dynamic(self, host: str, path: str, handler) -> None:
        """``handler(request, web) -> web.StreamResponse`` (async) for ``path`` and below."""
        self.routes[host][path] = handler

    def robots(self, host: str, text: str) -> None:
        self.raw(host, "/robots.txt", 200, {"Content-Type": "text/plain"}, text.encode())

    def requests(self, host: str | None = None, path: str | None = None) -> list[Request]:
        return [r for r in self.log if (host is None or r.host == host) and (path is None or r.path == path)]

    def resolve(self) -> dict[str, str]:
        return {host: "127.0.0.1" for host in self.routes}

    # -- serving ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower()
        entry = Request(host, request.path_qs, request.headers.get("User-Agent", ""), time.monotonic())
        self.log.append(entry)
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        try:
            return await self._respond(request, host)
        finally:
            self.in_flight[host] -= 1
            entry.ended = time.monotonic()

    async def _respond(self, request: web.Request, host: str) -> web.StreamResponse:
        routes = self.routes.get(host, {})
        route = routes.get(request.path_qs) or routes.get(request.path)
        if route is None:
            prefix = next((p for p in routes if p.endswith("*") and request.path.startswith(p[:-1])), None)
            route = routes.get(prefix) if prefix else None
        if route is None:
            return web.Response(status=404, text="<html><title>Not found</title></html>", content_type="text/html")
        if callable(route):
            return await route(request, self)
        status, headers, body = route
        return web.Response(status=status, headers=headers, body=body)

    def start(self) -> LoopbackWeb:
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        sock = socket.socket()
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        self._loop.run_until_complete(site.start())
        ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


# -- dynamic routes -----------------------------------------------------------------------------

async def slow_headers(request, web_):
    await asyncio.sleep(2.5)
    return web.Response(text="<html>late</html>", content_type="text/html")


async def drip(request, web_):
    """Headers at once, then a byte every 0.2 s, forever (a slowloris server)."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    try:
        for _ in range(10_000):
            await response.write(b"<p>x</p>")
            await asyncio.sleep(0.2)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def huge(request, web_):
    """An endless HTML body streamed in 64 KiB chunks (stops when the client hangs up)."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    chunk = b"<p>" + b"huge " * 13000 + b"</p>\n"
    try:
        await response.write(b'<html><body><a href="http://external.test/from-huge">x</a>')
        for _ in range(2000):  # ~130 MB at most
            await response.write(chunk)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


GZIP_BOMB = gzip.compress(b"<html><body>" + b"\0" * (64 * 1024 * 1024), compresslevel=9)


async def gzip_bomb(request, web_):
    return web.Response(body=GZIP_BOMB, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


async def session_trap(request, web_):
    """Every page links to itself with a fresh session id, and to a next page with one."""
    host = request.host
    n = int(request.query.get("page", "0"))
    sid = random.Random(time.monotonic_ns()).getrandbits(48)
    body = page(f"Shop page {n}", [f"http://{host}/shop?page={n}&sid={sid:x}",
                                   f"http://{host}/shop;jsessionid={sid:x}?page={n + 1}"])
    return web.Response(text=body, content_type="text/html")


async def calendar(request, web_):
    """/calendar/YYYY/MM links to the next month, forever."""
    parts = request.path.strip("/").split("/")
    year, month = (int(parts[1]), int(parts[2])) if len(parts) == 3 else (2024, 1)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    body = page("Calendar", [f"http://{request.host}/calendar/{year}/{month:02d}"])
    return web.Response(text=body, content_type="text/html")


def flaky(failures: int):
    """503 for the first ``failures`` requests, then a page."""
    seen = {"count": 0}

    async def handler(request, web_):
        seen["count"] += 1
        if seen["count"] <= failures:
            return web.Response(status=503, text="busy")
        return web.Response(text=page("Recovered", []), content_type="text/html")

    return handler


# -- a proxy, a webhook receiver, an SMTP sink ------------------------------------------------------

class ThreadedServer:
    """An asyncio server on 127.0.0.1 (port chosen by the system) run in its own thread;
    subclasses define ``_client(reader, writer)``."""

    port = 0

    def serve(self, context: ssl.SSLContext | None = None):
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._client, "127.0.0.1", 0, ssl=context))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


class TlsSite(ThreadedServer):
    """An HTTPS server on 127.0.0.1 with the committed test certificate (``secure.test``, signed
    by tests/data/tls/ca.pem): every GET gets ``pages[path]`` or a 404."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.requests: list[str] = []
        self.port = 0

    async def _client(self, reader, writer) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            writer.close()
            return
        method, path, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        self.requests.append(f"{method} {path}")
        body = self.pages.get(path)
        status = "200 OK" if body is not None else "404 Not Found"
        body = body if body is not None else b"not found"
        writer.write(f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                     f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()

    def start(self) -> TlsSite:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(TLS_DATA / "server.pem", TLS_DATA / "server.key")
        return self.serve(context)


class Proxy(ThreadedServer):
    """An HTTP proxy on 127.0.0.1: absolute-form GETs are forwarded (one per connection) and
    CONNECT opens a tunnel. It connects to 127.0.0.1 whatever the host (the test web)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.port = 0

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _client(self, reader, writer) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        self.requests.append(f"{method} {target}")
        if method == "CONNECT":
            port = int(target.rsplit(":", 1)[1])
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
            return
        rest = target.split("://", 1)[1]
        authority, _, path = rest.partition("/")
        port = int(authority.rsplit(":", 1)[1]) if ":" in authority else 80
        lines = head.decode("latin-1").split("\r\n")
        kept = [line for line in lines[1:] if line and not line.lower().startswith(("connection:", "proxy-"))]
        upstream = f"{method} /{path} HTTP/1.1\r\n" + "\r\n".join(kept) + "\r\nConnection: close\r\n\r\n"
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        up_writer.write(upstream.encode("latin-1"))
        await up_writer.drain()
        await self._pipe(up_reader, writer)

    def start(self) -> Proxy:
        return self.serve()


class WebhookSink(LoopbackWeb):
    """Records the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict] = []

        async def receive(request, web_):
            self.posts.append({"path": request.path, "content_type": request.content_type,
                               "json": await request.json()})
            return web.Response(status=204)

        self.dynamic("127.0.0.1", "/hook*", receive)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


class SmtpSink:
    """A loopback SMTP server (aiosmtpd) keeping the messages it receives."""

    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
